"""A small paper with every kind of thing an export carries, for the export tests (and the
round trip): passages with emoji, a formula-looking note, threads, links of every relation,
hidden, pending, private and deleted items, flags, a revision and audit entries."""

from annotations.models import Status
from annotations.moderation.services import flag_create, moderate
from annotations.services import (
    annotation_delete,
    annotation_update,
    comment_delete,
    link_create,
)
from papers.models import Paragraph
from tests.annotations.conftest import make_annotation, make_comment, premoderated

EMOJI_TEXT = 'Emoji 🎉 party, "quoted", with commas,\nand a line break 😀 here.'
NOTES = {
    "claim": 'A note, with "quotes",\nand a newline — ünïcödé 👍.',
    "formula": '=HYPERLINK("http://example.invalid","click")',
    "emoji": "+1 for 🎉",
    "hidden": "SECRET-HIDDEN-NOTE",
    "pending": "SECRET-PENDING-NOTE",
    "private": "SECRET-PRIVATE-NOTE",
    "deleted": "SECRET-DELETED-NOTE",
}
BODIES = {
    "top": "-minus first, then text",
    "reply": "@at a reply 😀",
    "on_annotation": "On the claim.",
    "hidden": "SECRET-HIDDEN-COMMENT",
    "deleted": "SECRET-DELETED-COMMENT",
}


def build(paper, *, owner, moderator, member) -> dict:
    group = paper.group
    first, second = paper.paragraphs.filter(kind="body").order_by("position")[:2]
    emoji = paper.paragraphs.get(text="A closing thought.")
    Paragraph.objects.filter(pk=emoji.pk).update(text=EMOJI_TEXT)
    emoji.refresh_from_db()

    claim = make_annotation(
        moderator, first, "claim", quote={"exact": "reader 0 argued"}, note="first words"
    )
    claim = annotation_update(
        annotation=claim, user=moderator, expected_version=1, note=NOTES["claim"]
    )
    whole = make_annotation(member, second, "evidence", note=NOTES["formula"])
    party = make_annotation(
        member, emoji, "theory", quote={"exact": "🎉 party"}, note=NOTES["emoji"]
    )
    hidden = make_annotation(member, first, "evidence", quote={"exact": "readers"},
                             note=NOTES["hidden"])  # fmt: skip
    pending = premoderated(
        group, lambda: make_annotation(member, second, "claim", note=NOTES["pending"])
    )
    private = make_annotation(member, first, "theory", note=NOTES["private"], visibility="private")
    deleted = make_annotation(member, second, "theory", note=NOTES["deleted"])

    links = {
        "supports": link_create(user=member, source=party, target=claim, relation="supports"),
        "attacks": link_create(user=member, source=whole, target=claim, relation="attacks"),
        "cites": link_create(user=moderator, source=claim, target=whole, relation="cites"),
        "to_hidden": link_create(user=moderator, source=claim, target=hidden, relation="attacks"),
    }
    top = make_comment(owner, paragraph=first, body=BODIES["top"])
    reply = make_comment(member, parent=top, body=BODIES["reply"])
    on_annotation = make_comment(member, annotation=claim, body=BODIES["on_annotation"])
    hidden_comment = make_comment(member, paragraph=second, body=BODIES["hidden"])
    gone = make_comment(member, paragraph=second, body=BODIES["deleted"])
    comment_delete(comment=gone, user=member)
    annotation_delete(annotation=deleted, user=member)

    open_flag = flag_create(user=member, target=top, reason="off_topic", note="FLAGGER-NOTE")
    flag_create(user=owner, target=hidden, reason="spam")
    moderate(actor=moderator, target=hidden, action="hide", reason="spam, clearly")
    moderate(actor=moderator, target=hidden_comment, action="hide", reason="abuse")
    assert pending.status == Status.PENDING
    return {
        "paper": paper, "first": first, "second": second, "emoji": emoji,
        "claim": claim, "whole": whole, "party": party, "hidden": hidden, "pending": pending,
        "private": private, "deleted": deleted, "links": links, "top": top, "reply": reply,
        "on_annotation": on_annotation, "hidden_comment": hidden_comment, "gone": gone,
        "open_flag": open_flag,
    }  # fmt: skip
