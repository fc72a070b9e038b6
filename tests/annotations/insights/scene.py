"""A paper that members read differently: the insights' tests share it.

On the cast's paper (tests/papers/makers.py: sections "Introduction", "Methods" and its
sub-section "Sampling"), through the services, so every rule applies as in use:

- body paragraphs 0 and 1: the owner (olive), the member (amina) and a second member (ravi)
  all tag paragraph 0 "claim"; on paragraph 1 olive says "claim", amina "evidence", ravi
  "evidence" (a disagreement);
- the abstract paragraph: olive "theory", amina "theory" (agreement);
- amina also tags a passage of paragraph 0 "evidence" (passages do not count for agreement);
- links: amina's evidence on paragraph 1 supports olive's claim on paragraph 0; ravi's
  evidence on paragraph 1 attacks it;
- one comment on olive's claim.

`scene(...)` returns the paper, the users by name and the annotations by a short name.
"""

from annotations.services import annotation_create, comment_create, link_create
from papers.models import Membership
from tests.conftest import join, make_user


def body(paper, n: int):
    return paper.paragraphs.filter(kind="body").order_by("position")[n]


def tag(user, paragraph, role: str, **kwargs):
    return annotation_create(user=user, paragraph=paragraph, role_slug=role, **kwargs)


def scene(paper, owner, member) -> dict:
    ravi = make_user("ravi")
    join(paper.group, ravi, Membership.Role.MEMBER)
    p0, p1 = body(paper, 0), body(paper, 1)
    abstract = paper.paragraphs.get(kind="abstract")
    a = {
        "olive_p0": tag(owner, p0, "claim"),
        "amina_p0": tag(member, p0, "claim"),
        "ravi_p0": tag(ravi, p0, "claim"),
        "olive_p1": tag(owner, p1, "claim"),
        "amina_p1": tag(member, p1, "evidence"),
        "ravi_p1": tag(ravi, p1, "evidence"),
        "olive_abs": tag(owner, abstract, "theory"),
        "amina_abs": tag(member, abstract, "theory"),
    }
    words = p0.text.split()[0]
    a["amina_passage"] = tag(member, p0, "evidence", quote={"exact": words})
    links = {
        "supports": link_create(
            user=member, source=a["amina_p1"], target=a["olive_p0"], relation="supports"
        ),
        "attacks": link_create(
            user=ravi, source=a["ravi_p1"], target=a["olive_p0"], relation="attacks"
        ),
    }
    comment_create(user=member, annotation=a["olive_p0"], body="Is this the main claim?")
    users = {"olive": owner, "amina": member, "ravi": ravi}
    return {"paper": paper, "users": users, "annotations": a, "links": links, "p0": p0, "p1": p1}
