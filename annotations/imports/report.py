"""What an import answers: its report, and the one error it raises for a file it refuses."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


class ImportRefused(ValidationError):
    """The file cannot be imported; the message names what is wrong and where
    (`annotations[12].paragraph: 99 is not a paragraph of this paper`). Nothing was written."""


@dataclass
class ImportReport:
    """Counts of what one import created. `not_anchored` lists the Hypothesis rows that found no
    place in the paper (`{"id", "exact", "reason"}`); `placeholders` the usernames for which an
    account that cannot log in was made."""

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
    placeholders: list[str] = field(default_factory=list)
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
            "placeholders": self.placeholders,
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
        if self.placeholders:
            text += f"; placeholder accounts: {', '.join(self.placeholders)}"
        return text + "."


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
