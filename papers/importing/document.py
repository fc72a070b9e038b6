"""The plain data that flows through the parsing pipeline. No Django here.

A reader turns bytes into `Block`s (raw pieces of text with hints); the format-independent stages
turn blocks into a `ParsedPaper`, which only `papers.saving.paper_save` saves.
"""

from dataclasses import dataclass, field


class ImportFailed(Exception):
    """Bad input. The message is one line a user can act on."""


@dataclass
class Block:
    """A raw block as a reader found it, before cleanup and structure.

    kind, what the reader knows the block is:
    - "paragraph": text whose role the later stages decide (body, heading, front matter, ...);
    - "body": a paragraph the format places in the paper's body (a JATS `p` inside `body`), so
      never front matter even before the first heading;
    - "heading" (with `level`), "list_item" (`list_id`, `ordered`, `label`), "quote", "code",
      "table", "caption", "footnote" (`label`, `ref_id` to match its markers);
    - metadata a structured format states outright: "title", "authors" (`data["names"]`),
      "keywords" (`data["keywords"]`), "abstract" (one paragraph of it), "front_matter"
      (affiliations, notes on the authors), "language" (`text`: the language tag the source
      states, "de-DE"; structure.language_code reads it);
    - "reference": one entry of the reference list (`ref_id`; `data` may hold "authors", "year",
      "title", "url", "doi", "label" read from structured markup, which then win over parsing).

    marks: `{"type", "start", "end"}` in code points of `text`: "em", "strong", "code", "link"
    (`href`), "footnote_ref" (`target` = a footnote's ref_id or label), and "cite" (`targets` =
    list of reference `ref_id`s) for in-text citations the format marks explicitly (JATS `xref`,
    HTML `<cite>` links). A paper with any "cite" mark is linked by marks alone.
    """

    text: str
    kind: str = "paragraph"
    level: int | None = None  # heading level when the format says so
    marks: list[dict] = field(default_factory=list)
    list_id: int | None = None  # items of one list share it
    ordered: bool = False
    label: str = ""  # a footnote's or numbered list item's label
    # Structure given by markup (a `#` heading, a DOCX paragraph), not guessed; cleanup never
    # joins or drops an explicit paragraph.
    explicit: bool = False
    page: int | None = None
    ref_id: str = ""
    data: dict = field(default_factory=dict)


@dataclass
class ParsedSection:
    title: str
    level: int = 1


@dataclass
class ParsedParagraph:
    kind: str
    text: str
    section: int | None = None  # index into ParsedPaper.sections
    marks: list[dict] = field(default_factory=list)
    group_key: int | None = None
    label: str = ""


@dataclass
class ParsedReference:
    text: str
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    title: str = ""
    url: str | None = None
    doi: str | None = None
    label: str = ""
    # Used to match citations, not saved: the first author's name as printed ("" when the
    # entry starts with its title) and the venue set in italics.
    first_author: str = ""
    year_suffix: str = ""
    venue: str = ""
    ref_id: str = ""  # the source's identifier, for citations marked explicitly


@dataclass
class ParsedCitation:
    paragraph: int  # index into ParsedPaper.paragraphs
    start: int
    end: int
    text: str
    reference: int | None = None  # index into ParsedPaper.references
    candidates: list[int] = field(default_factory=list)


@dataclass
class ParsedPaper:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    abstract: str = ""
    language: str = ""  # an ISO 639-1 code ("de"), "" when the source states none
    sections: list[ParsedSection] = field(default_factory=list)
    paragraphs: list[ParsedParagraph] = field(default_factory=list)
    references: list[ParsedReference] = field(default_factory=list)
    citations: list[ParsedCitation] = field(default_factory=list)
    source_format: str = ""
