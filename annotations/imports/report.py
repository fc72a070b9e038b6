"""What an import answers: its report, and the one error it raises for a file it refuses."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


class ImportRefused(ValidationError):
    """The file cannot be imported; the message names what is wrong and where
    (`annotations[12].paragraph: 99 is not a paragraph of this paper`). Nothing was written."""


@dataclass
class ImportReport:
    """Counts of what one import created. `not_anchored` lists the Hypothesis rows that found no
    place in the paper (`{"id", "exact", "reason"}`); `attributed` the names the file gives as
    authors, other than the importer's, kept as attribution (no account is made or credited).
    `placeholders` is always empty: imports made placeholder accounts until attribution
    replaced them; the key stays in `as_dict` for one release so that clients reading it do not
    break (docs/imports.md)."""

    kind: str  # "native" or "hypothesis"
    papers: list[int] = field(default_factory=list)
    sections: int = 0
    paragraphs: int = 0
    references: int = 0
    citations: int = 0
    annotations: int = 0
    comments: int = 0
    links: int = 0
    revisions: int = 0
    roles_created: list[str] = field(default_factory=list)
    attributed: list[str] = field(default_factory=list)
    not_anchored: list[dict] = field(default_factory=list)
    fuzzy: int = 0  # Hypothesis annotations placed by the fuzzy match

    def as_dict(self) -> dict:
        data = {
            "kind": self.kind,
            "papers": self.papers,
            "annotations": self.annotations,
            "comments": self.comments,
            "links": self.links,
            "not_anchored": self.not_anchored,
            "attributed": self.attributed,
            "placeholders": [],  # deprecated: no import makes accounts (class docstring)
            "roles_created": self.roles_created,
        }
        if self.kind == "native":
            data.update(
                sections=self.sections,
                paragraphs=self.paragraphs,
                references=self.references,
                citations=self.citations,
                revisions=self.revisions,
            )
        else:
            data.update(created=self.annotations, replies=self.comments, fuzzy=self.fuzzy)
        return data

    def summary(self) -> str:
        """One line for a person (the command prints it)."""
        if self.kind == "hypothesis":
            text = (
                f"{_count(self.annotations, 'annotation')} ({self.fuzzy} by fuzzy match) and "
                f"{_count(self.comments, 'reply', 'replies')} imported; "
                f"{len(self.not_anchored)} not anchored"
            )
        else:
            text = (
                f"{_count(len(self.papers), 'paper')}, {_count(self.paragraphs, 'paragraph')}, "
                f"{_count(self.annotations, 'annotation')}, {_count(self.comments, 'comment')}, "
                f"{_count(self.links, 'link')} imported"
            )
        if self.roles_created:
            text += f"; new roles: {', '.join(self.roles_created)}"
        if self.attributed:
            text += f"; attributed to: {_names(self.attributed)}"
        return text + "."


# How many attributed names the one-line summary spells out; the rest are counted.
NAMES_SHOWN = 10


def _names(names: list[str]) -> str:
    more = len(names) - NAMES_SHOWN
    return ", ".join(names[:NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
