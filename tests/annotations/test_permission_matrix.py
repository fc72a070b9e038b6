"""Every endpoint of annotations, comments, links, roles, the preview and moderation (flags, the
queue, actions and the audit log, revisions), for each of the cast, on a private and on a public
group: the expected status, and nothing private in what outsiders get. The same shape as tests/papers/test_permission_matrix.py.

Columns, in order: anonymous, outsider, member, moderator, owner, banned. Read the rows as the
rules of annotations/README.md ("Who may do what"):

- a private group's annotations, comments, links and roles answer 404 to anonymous, outsiders
  and the banned; an id in a request body they may not see is 400 "There is no … with this id";
- someone else's private annotation is 404 to everyone but its author;
- what a caller sees but may not change answers 403 (a public group's outsiders; anyone but the
  author for edits; anyone but owners for roles); an API write without credentials 401;
- lists answer 200 to everyone, holding only what the caller may see;
- flags: active members, not on their own posts (400); moderation actions, the queue's content,
  the audit log's and revisions (besides the author's own): the group's owners and moderators;
  signed-in callers who moderate nothing get an empty queue and log.

The member `amina` wrote the annotation, the comment and the link the rows change.
"""

# ruff: noqa: E501 (the table below keeps one row per line, so that it reads as a table)

import json
from dataclasses import dataclass

import pytest
from django.test import Client

from annotations.services import annotation_create, comment_create, link_create
from papers.models import ReadingGroup

from ..papers.makers import make_paper

CAST = ("anonymous", "outsider", "member", "moderator", "owner", "banned")
SECRETS = (
    "Secret Findings on Reading",
    "A secret note",
    "A secret comment",
    "Only mine",
    "seminar",
)


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    path: str  # formatted with slug, paper, paragraph, annotation, private, comment, link, ...
    private: str  # six statuses, in the order of CAST
    public: str
    data: dict | None = None


def api(name, method, path, private, public, data=None) -> Row:
    return Row(name, method, "/api/v1/" + path, private, public, data)


ROWS = [
    # annotations                                            anon outs memb mode ownr bann
    api("annotations list", "get", "annotations/", "200 200 200 200 200 200", "200 200 200 200 200 200"),
    api("annotations of the paper", "get", "annotations/?paper={paper}", "200 200 200 200 200 200", "200 200 200 200 200 200"),
    api("annotation create", "post", "annotations/", "401 400 201 201 201 400", "401 403 201 201 201 403", {"paragraph": "{paragraph}", "role": "claim"}),
    api("annotation detail", "get", "annotations/{annotation}/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("annotation change", "patch", "annotations/{annotation}/", "401 404 200 403 403 404", "401 403 200 403 403 403", {"note": "changed"}),
    api("annotation put", "put", "annotations/{annotation}/", "405 405 405 405 405 405", "405 405 405 405 405 405", {"note": "x"}),
    api("annotation delete", "delete", "annotations/{annotation}/", "401 404 204 403 403 404", "401 403 204 403 403 403"),
    api("private annotation detail", "get", "annotations/{private}/", "404 404 200 404 404 404", "404 404 200 404 404 404"),
    api("private annotation change", "patch", "annotations/{private}/", "401 404 200 404 404 404", "401 404 200 404 404 404", {"note": "x"}),
    api("private annotation delete", "delete", "annotations/{private}/", "401 404 204 404 404 404", "401 404 204 404 404 404"),
    # comments
    api("comments list", "get", "comments/", "200 200 200 200 200 200", "200 200 200 200 200 200"),
    api("comment create", "post", "comments/", "401 400 201 201 201 400", "401 403 201 201 201 403", {"paragraph": "{paragraph}", "body": "Hm."}),
    api("comment on annotation", "post", "comments/", "401 400 201 201 201 400", "401 403 201 201 201 403", {"annotation": "{annotation}", "body": "Hm."}),
    api("comment reply", "post", "comments/", "401 400 201 201 201 400", "401 403 201 201 201 403", {"parent": "{comment}", "body": "Hm."}),
    api("comment detail", "get", "comments/{comment}/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("comment change", "patch", "comments/{comment}/", "401 404 200 403 403 404", "401 403 200 403 403 403", {"body": "changed"}),
    api("comment delete", "delete", "comments/{comment}/", "401 404 204 403 403 404", "401 403 204 403 403 403"),
    # links
    api("links list", "get", "links/", "200 200 200 200 200 200", "200 200 200 200 200 200"),
    api("link create", "post", "links/", "401 400 201 201 201 400", "401 403 201 201 201 403", {"source": "{annotation}", "target": "{other}", "relation": "attacks"}),
    api("link detail", "get", "links/{link}/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("link delete", "delete", "links/{link}/", "401 404 204 403 403 404", "401 403 204 403 403 403"),
    api("link change", "patch", "links/{link}/", "405 405 405 405 405 405", "405 405 405 405 405 405", {"relation": "cites"}),
    # roles
    api("roles list", "get", "groups/{slug}/roles/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("role create", "post", "groups/{slug}/roles/", "401 404 403 403 201 404", "401 403 403 403 201 403", {"name": "Question", "color": "#225588", "key": "q"}),
    api("role detail", "get", "groups/{slug}/roles/claim/", "404 404 200 200 200 404", "200 200 200 200 200 200"),
    api("role change", "patch", "groups/{slug}/roles/claim/", "401 404 403 403 200 404", "401 403 403 403 200 403", {"name": "Thesis"}),
    api("role retire", "patch", "groups/{slug}/roles/theory/", "401 404 403 403 200 404", "401 403 403 403 200 403", {"retired": True}),
    api("role delete", "delete", "groups/{slug}/roles/claim/", "401 405 405 405 405 405", "401 405 405 405 405 405"),
    # preview
    api("preview", "post", "preview/", "401 200 200 200 200 200", "401 200 200 200 200 200", {"markdown": "*x*"}),
    api("preview get", "get", "preview/", "401 405 405 405 405 405", "401 405 405 405 405 405"),
    # revisions (the author, the group's owners and moderators)
    api("annotation revisions", "get", "annotations/{annotation}/revisions/", "401 404 200 200 200 404", "401 403 200 200 200 403"),
    api("private annotation revisions", "get", "annotations/{private}/revisions/", "401 404 200 404 404 404", "401 404 200 404 404 404"),
    api("comment revisions", "get", "comments/{comment}/revisions/", "401 404 200 200 200 404", "401 403 200 200 200 403"),
    # flags (members, not their own: amina wrote what is flagged)
    api("flag annotation", "post", "flags/", "401 404 400 201 201 404", "401 403 400 201 201 403", {"target_type": "annotation", "target": "{annotation}", "reason": "spam"}),
    api("flag comment", "post", "flags/", "401 404 400 201 201 404", "401 403 400 201 201 403", {"target_type": "comment", "target": "{comment}", "reason": "abuse", "note": "rude"}),
    api("flag private annotation", "post", "flags/", "401 404 400 404 404 404", "401 404 400 404 404 404", {"target_type": "annotation", "target": "{private}", "reason": "spam"}),
    api("flags list", "get", "flags/", "401 405 405 405 405 405", "401 405 405 405 405 405"),
    # the moderation queue and the audit log (empty for whoever moderates nothing)
    api("moderation queue", "get", "moderation/queue/", "401 200 200 200 200 200", "401 200 200 200 200 200"),
    api("moderation queue post", "post", "moderation/queue/", "401 405 405 405 405 405", "401 405 405 405 405 405"),
    api("audit log", "get", "moderation/actions/", "401 200 200 200 200 200", "401 200 200 200 200 200"),
    # moderation actions (the group's owners and moderators)
    api("hide annotation", "post", "moderation/actions/", "401 404 403 201 201 404", "401 403 403 201 201 403", {"target_type": "annotation", "target": "{annotation}", "action": "hide", "reason": "r"}),
    api("hide comments in bulk", "post", "moderation/actions/", "401 404 403 201 201 404", "401 403 403 201 201 403", {"target_type": "comment", "target": ["{comment}"], "action": "hide"}),
    api("hide private annotation", "post", "moderation/actions/", "401 404 403 404 404 404", "401 404 403 404 404 404", {"target_type": "annotation", "target": "{private}", "action": "hide"}),
    api("ban member", "post", "moderation/actions/", "401 404 403 201 201 404", "401 403 403 201 201 403", {"target_type": "member", "target": "amina", "group": "{slug}", "action": "ban", "reason": "spam"}),
    api("ban comment's author", "post", "moderation/actions/", "401 404 403 201 201 404", "401 403 403 201 201 403", {"target_type": "comment", "target": "{comment}", "action": "ban"}),
]  # fmt: skip


@pytest.fixture(params=["private", "public"])
def world(request, group, owner, moderator, member, banned, outsider):
    """The cast group (private or public) with a paper, two annotations of the member (one
    private), the member's comment on the first and a link between two of theirs."""
    if request.param == "public":
        ReadingGroup.objects.filter(pk=group.pk).update(visibility="public")
    group.refresh_from_db()
    paper = make_paper(group, title="Secret Findings on Reading", user=owner)
    first, second = paper.paragraphs.filter(kind="body")[:2]
    annotation = annotation_create(
        user=member, paragraph=first, role_slug="claim", note="A secret note"
    )
    other = annotation_create(user=member, paragraph=second, role_slug="evidence")
    private = annotation_create(
        user=member, paragraph=first, role_slug="theory", note="Only mine", visibility="private"
    )
    comment = comment_create(user=member, annotation=annotation, body="A secret comment")
    link = link_create(user=member, source=other, target=annotation, relation="supports")
    users = {"owner": owner, "moderator": moderator, "member": member, "banned": banned}
    return {
        "visibility": request.param,
        "users": users | {"outsider": outsider, "anonymous": None},
        "values": {
            "slug": group.slug,
            "paper": paper.pk,
            "paragraph": first.pk,
            "annotation": annotation.pk,
            "other": other.pk,
            "private": private.pk,
            "comment": comment.pk,
            "link": link.pk,
        },
    }


def fill(value, values: dict):
    if isinstance(value, str):
        filled = value.format(**values)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, values) for v in value]
    return value


def request_as(user, row: Row, values: dict):
    client = Client()
    if user is not None:
        client.force_login(user)
    data = fill(row.data, values)
    body = json.dumps(data) if data is not None else None
    return getattr(client, row.method)(
        fill(row.path, values), data=body, content_type="application/json"
    )


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_permission_matrix(world, row, who):
    user = world["users"][who]
    expected = dict(zip(CAST, getattr(row, world["visibility"]).split(), strict=True))[who]
    response = request_as(user, row, world["values"])
    assert response.status_code == int(expected), response.content[:300]
    body = response.content.decode()
    if world["visibility"] == "private" and who in ("anonymous", "outsider", "banned"):
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} leaks to {who}"
    if who != "member":
        assert "Only mine" not in body, f"the private annotation leaks to {who}"


def test_the_matrix_covers_every_annotations_endpoint():
    """A new endpoint of the annotations app needs rows here."""
    from config.urls import router

    names = {url.name for url in router.urls}
    apps = ("annotation", "comment", "link", "role", "preview", "flag", "moderation")
    ours = {n for n in names if n.split("-")[0] in apps}
    assert ours == {
        "annotation-list",
        "annotation-detail",
        "annotation-revisions",
        "comment-list",
        "comment-detail",
        "comment-revisions",
        "flag-list",
        "moderation-queue-list",
        "moderation-action-list",
        "link-list",
        "link-detail",
        "role-list",
        "role-detail",
        "preview-list",
    }, "an endpoint was added or renamed: give it rows in ROWS"
