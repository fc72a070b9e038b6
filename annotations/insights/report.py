"""The agreement page's context (templates/annotations/insights/agreement.html): the paper's
agreement for this reader (`agreement.paper_agreement`, which already follows `visible_to` and
blind mode), and what a person needs beside the numbers to act on them: section titles, each
contested paragraph's number and opening words, the roles' names and colours, a link to the
paragraph in the workspace and, for those who may comment, a "Discuss this" link that opens a
new thread there with an opener already written (not posted: the member edits and posts it).

A fixed number of queries whatever the number of annotations: the tags (one), the roles, the
titles of the sections and the facts of the contested paragraphs (one each, and only when the
page shows them).
"""

from urllib.parse import quote, urlencode

from papers.models import Paper

from ..permissions import can_comment
from ..services import roles_for_group
from .agreement import paper_agreement
from .paragraphs import paragraph_facts, section_titles
from .readings import reads_blind

# The most contested paragraphs the page lists at first; `?all=1` lists them all (a paper of a
# thousand paragraphs read by thirty members can have hundreds).
SHOWN = 50

# A role whose slug the group no longer knows (never expected): shown by its slug, in grey.
_UNKNOWN_COLOR = "#6b665c"


def agreement_page(request, paper: Paper) -> dict:
    """The page's context: `ready` False for a paper still importing or failed (there is
    nothing to measure), else the figures and the rows of its tables and lists."""
    if paper.status != Paper.Status.READY:
        return {"ready": False}
    user = request.user
    data = paper_agreement(user, paper)
    may_comment = can_comment(user, paper)
    everything = data["disagreements"]
    shown = everything if request.GET.get("all") == "1" else everything[:SHOWN]
    return {
        "ready": True,
        "agreement": data,
        "blind": reads_blind(user, paper),
        "may_comment": may_comment,
        "sections": _sections(paper, data["sections"]),
        "members": [_member(row, data["alpha"]) for row in data["members"]],
        "disagreements": _disagreements(paper, shown, may_comment=may_comment),
        "disagreements_total": len(everything),
    }


def _sections(paper: Paper, sections: list[dict]) -> list[dict]:
    if not sections:
        return []
    titles = section_titles(paper)
    return [{**row, "title": titles.get(row["section"], "Untitled section")} for row in sections]


def _member(row: dict, alpha: float | None) -> dict:
    """A member's row, with their agreement as a percentage and what leaving them out does to
    the paper's alpha, in words: alpha higher without them means their readings lower it."""
    share = row["agreement"]
    without = row["alpha_without"]
    if alpha is None or without is None:
        effect = ""
    elif without > alpha:
        effect = "lowers"
    elif without < alpha:
        effect = "raises"
    else:
        effect = "leaves"
    return {**row, "percent": None if share is None else round(share * 100), "effect": effect}


def _disagreements(paper: Paper, items: list[dict], *, may_comment: bool) -> list[dict]:
    if not items:
        return []
    roles = {role.slug: role for role in roles_for_group(paper.group)}
    order = {slug: i for i, slug in enumerate(roles)}
    facts = paragraph_facts(paper, [item["paragraph"] for item in items])
    rows = []
    for item in items:
        fact = facts[item["paragraph"]]
        readings = [
            _reading(roles.get(slug), slug, who)
            for slug, who in sorted(item["roles"].items(), key=lambda r: order.get(r[0], 1_000))
        ]
        rows.append(
            {
                **item,
                **fact,
                "readings": readings,
                "workspace_url": _workspace_url(paper, fact["anchor"]),
                "discuss_url": (
                    _workspace_url(paper, fact["anchor"], say=opener(readings))
                    if may_comment
                    else ""
                ),
            }
        )
    return rows


def _reading(role, slug: str, who: list[str]) -> dict:
    """One role given to the paragraph and who gave it."""
    if role is None:
        return {"slug": slug, "name": slug, "color": _UNKNOWN_COLOR, "who": who}
    return {"slug": slug, "name": role.name, "color": role.color, "who": who}


def opener(readings: list[dict]) -> str:
    """The thread opener "Discuss this" writes for the member (who may change it before
    posting): the readings by role name, then the question."""
    parts = ", ".join(f"{r['name'].lower()} ({', '.join(r['who'])})" for r in readings)
    return f"Members read this paragraph differently: {parts}. Which reading holds, and why?"


def _workspace_url(paper: Paper, anchor: str, *, say: str = "") -> str:
    """The paragraph in the workspace with its panel open (`?panel=1`), and with `say` the
    panel's new-thread box prefilled (static/annotations/panel.js `openFromUrl`)."""
    params = {"panel": "1"}
    if say:
        params["say"] = say
    return f"{paper.get_absolute_url()}?{urlencode(params, quote_via=quote)}#{anchor}"
