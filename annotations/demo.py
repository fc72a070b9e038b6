"""The demo paper's discussion: what `manage.py demo` writes on the demo paper the first time, so
that a new user meets a workspace in use (roles on passages, a thread, a link) and, logged in as
the demo group's owner, a moderation queue with one flagged comment.

Everything goes through the services, as a member's clicks would.
"""

from papers.models import Paper

from .moderation.services import flag_create
from .services import annotation_create, comment_create, link_create


def _paragraph(paper: Paper, text: str):
    return paper.paragraphs.get(text__contains=text)


def annotate_demo_paper(paper: Paper, *, owner, reader, newcomer) -> None:
    """Annotations by the owner and the reader, a thread between them, a link, and an off-topic
    comment by the newcomer that the reader flags."""
    thesis = (
        "This essay argues that shared annotation changes the conditions under which a group "
        "reasons together."
    )
    abstract = _paragraph(paper, thesis)
    claim = annotation_create(
        user=owner,
        paragraph=abstract,
        role_slug="claim",
        quote={"exact": thesis},
        note="The paper's **central claim**: the rest of it should support this.",
    )
    poor = "People are notoriously poor at finding the flaws in their own arguments"
    evidence = annotation_create(
        user=reader,
        paragraph=_paragraph(paper, poor),
        role_slug="evidence",
        quote={"exact": poor},
        note="Cited from Mercier & Sperber (2011): a source, not the paper's own data.",
    )
    annotation_create(
        user=reader,
        paragraph=_paragraph(paper, "Toulmin's analysis of arguments"),
        role_slug="theory",
        note="Toulmin's model: claim, data, warrant.",
    )
    link_create(user=reader, source=evidence, target=claim, relation="supports")
    question = comment_create(
        user=owner,
        annotation=evidence,
        body="Does the paper show this for *groups*, or only for pairs of people?",
    )
    comment_create(
        user=reader,
        parent=question,
        body="Only for pairs, as far as I can see: worth raising at the meeting.",
    )
    margins = _paragraph(paper, "showed how much interpretive work happens in the margins")
    off_topic = comment_create(
        user=newcomer, paragraph=margins, body="Does anyone have the room number for Thursday?"
    )
    flag_create(user=reader, target=off_topic, reason="off_topic", note="Not about the paper.")
