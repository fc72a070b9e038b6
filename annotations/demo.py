"""The demo paper's discussion: what `manage.py demo` writes on the demo paper the first time, so
that a new user meets a workspace in use (roles on passages, a thread, links), insights worth
opening (two members who agree on some paragraphs and not on others, part of it read blind; an
argument map with a contested claim, an unsupported one and evidence linked to nothing) and,
logged in as the demo group's owner, a moderation queue with one flagged comment.

Everything goes through the services, as a member's clicks would.
"""

from papers.groups import member_read_blind
from papers.models import Paper

from .models import Annotation
from .moderation.services import flag_create
from .services import annotation_create, comment_create, link_create

# Whole paragraphs that the owner and the reader both tag: (the paragraph's opening, the owner's
# role, the reader's role). Agreement counts these (docs/insights.md).
# Read blind, before either has seen the other's roles: independent readings.
BLIND_READINGS = [
    ("Anyone who has led a reading group knows the moment", "evidence", "evidence"),
    ("Marshall's study of the marks students left", "evidence", "evidence"),
    ("A public trace also changes what counts as a contribution", "claim", "claim"),
    ("The pragma-dialectical view of argumentation", "theory", "claim"),
]
# Read openly afterwards.
OPEN_READINGS = [
    ("Toulmin's analysis of arguments", "theory", "theory"),
    ("The third question is the most productive", "claim", "theory"),
    ("Roles describe single passages; links describe relations", "evidence", "claim"),
    ("Reading groups argue better when their arguments", "claim", "claim"),
]
READING_NOTES = {
    "Toulmin's analysis of arguments": "Toulmin's model: claim, data, warrant.",
}


def _paragraph(paper: Paper, text: str):
    return paper.paragraphs.get(text__contains=text)


def annotate_demo_paper(paper: Paper, *, owner, reader, newcomer) -> None:
    """The owner's and the reader's readings of whole paragraphs, annotations on passages, a
    thread between them, links, and an off-topic comment by the newcomer that the reader
    flags."""
    readings = _read_paragraphs(paper, owner=owner, reader=reader)
    thesis = (
        "This essay argues that shared annotation changes the conditions under which a group "
        "reasons together."
    )
    claim = annotation_create(
        user=owner,
        paragraph=_paragraph(paper, thesis),
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
    substitute = "tagging can become a substitute for thinking rather than a prompt for it"
    objection = annotation_create(
        user=reader,
        paragraph=_paragraph(paper, substitute),
        role_slug="claim",
        quote={"exact": substitute},
        note="The paper's own limit: if tagging replaces thinking, the central claim fails.",
    )
    testable = (
        "When a group annotates with a small vocabulary of argumentative roles, its reasoning "
        "improves in ways that unstructured discussion rarely achieves."
    )
    annotation_create(
        user=owner,
        paragraph=_paragraph(paper, testable),
        role_slug="claim",
        quote={"exact": testable},
        note="Testable, the paper says; nothing in it tests it yet.",
    )
    other_side = "Writers tend to leave out the other side even when they know it"
    annotation_create(
        user=reader,
        paragraph=_paragraph(paper, other_side),
        role_slug="evidence",
        quote={"exact": other_side},
        note="Wolfe & Britt (2008) studied writers, not readers: does it carry over?",
    )
    # The central claim: supported twice and attacked once. The testable claim stays
    # unsupported and the evidence on writers unlinked, for the map to point out.
    link_create(user=reader, source=evidence, target=claim, relation="supports")
    marshall = readings[owner.pk, "Marshall's study of the marks students left"]
    link_create(user=owner, source=marshall, target=claim, relation="supports")
    link_create(user=reader, source=objection, target=claim, relation="attacks")
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


def _read_paragraphs(paper: Paper, *, owner, reader) -> dict[tuple[int, str], Annotation]:
    """Both members tag the same whole paragraphs: first reading blind (their tags recorded as
    independent), then openly; they leave blind mode at the end, so that whoever signs in as
    either sees the whole discussion. Returns the tags by (author, paragraph opening)."""
    tags = {}

    def read(readings) -> None:
        for opening, *roles in readings:
            paragraph = _paragraph(paper, opening)
            for user, role in zip((owner, reader), roles, strict=True):
                note = READING_NOTES.get(opening, "") if user == reader else ""
                tags[user.pk, opening] = annotation_create(
                    user=user, paragraph=paragraph, role_slug=role, note=note
                )

    for user in (owner, reader):
        member_read_blind(user=user, group=paper.group, blind=True)
    read(BLIND_READINGS)
    for user in (owner, reader):
        member_read_blind(user=user, group=paper.group, blind=False)
    read(OPEN_READINGS)
    return tags
