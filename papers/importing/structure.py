"""Structure: from clean blocks to a paper's front matter, sections, paragraphs, footnotes and
reference list.

Markup decides where the source has it (`#` headings, `[^1]:` footnotes, list markers); where it
has none (text flattened from a PDF), headings are recognised by how they look, and the title,
authors, abstract and keywords by where they stand and what they say.
"""

import re

from .document import Block, ParsedPaper, ParsedParagraph, ParsedSection
from .references import assemble_references, reference_list_span, stated_reference
from .textrules import (
    ABSTRACT_HEADINGS,
    BACK_HEADINGS,
    FRONT_HEADINGS,
    NOTE_HEADINGS,
    REFERENCE_HEADINGS,
    heading_name,
    is_closed,
    leading_superscript,
    looks_like_heading,
    superscript_label,
)

_KEYWORDS = re.compile(r"^(?:key\s*words?|index terms)\s*[:—–.-]\s*", re.IGNORECASE)
_INLINE_ABSTRACT = re.compile(r"^(?:abstract|summary)\s*[:.—–-]\s+", re.IGNORECASE)
_AFFILIATION = re.compile(
    r"\b(?:universit\w*|institut\w*|department|dept\.|college|school of|faculty|laborator\w*|"
    r"professor|lecturer|researcher|cent(?:er|re) for|e-?mail|@|orcid|chief of party)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"^(?:[A-Z][\w'’.-]*\.?\s+){0,3}[A-Z][\w'’-]+(?:\s*[*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰\d,]+)?$")
_CAPTION = re.compile(
    r"^(?:Figure|Fig\.|Table|Chart|Scheme|Plate|Box|Exhibit)\s+[A-Z]?\d+[a-z]?\s*[.:|—–-]\s",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:&|\band\b|;|,)\s*")
# A sentence ends inside a text: a period or "!" after a lower-case word of three letters or
# more ("vs.", "al.", "Dr." are not ends), then a capital.
_SENTENCE_BREAK = re.compile(r"[a-z]{3}[.!][\"'’”)]?\s+[\"'‘“(]?[A-Z]")
# What front matter says in sentences: dates of the editorial process, licences, copyright,
# correspondence, how to cite, who funded or edited it.
_FRONT_NOTE = re.compile(
    r"\b(?:received|accepted|published|revised|copyright|licen[cs]ed?|creative commons|"
    r"correspond\w*|citation|cite this|funded by|supported by|grant|editor|doi)\b|©|https?://",
    re.IGNORECASE,
)


METADATA_KINDS = frozenset({"title", "authors", "keywords", "abstract", "front_matter", "language"})


def build_structure(blocks: list[Block], source_format: str) -> ParsedPaper:
    paper = ParsedPaper(source_format=source_format)
    stated = [b for b in blocks if b.kind in METADATA_KINDS]
    if stated:
        # A structured format (JATS, HTML, DOCX) says what its metadata is.
        _stated_metadata(stated, paper)
        blocks = [b for b in blocks if b.kind not in METADATA_KINDS]
    start = 0 if paper.title else _title_and_authors(blocks, paper)
    explicit_headings = any(b.kind == "heading" for b in blocks)
    prose = False  # a paragraph of prose seen: the front matter is over
    for block in blocks[start:]:
        if block.kind == "paragraph" and _is_guessed_heading(block, explicit_headings):
            # Above the first prose, an affiliation in title case is front matter, not a
            # section ("Department of Reading, University of Examples").
            if prose or not _AFFILIATION.search(block.text):
                block.kind = "heading"
                block.level = _numbered_level(block.text)
        prose = prose or _reads_as_prose(block)
    body_start = _front_matter(blocks, start, paper)
    _body(blocks[body_start:], paper)
    return paper


def _stated_metadata(blocks: list[Block], paper: ParsedPaper) -> None:
    abstract = []
    for block in blocks:
        if block.kind == "title" and not paper.title:
            paper.title = block.text
        elif block.kind == "authors":
            paper.authors += block.data.get("names") or _authors(block.text) or [block.text]
        elif block.kind == "keywords":
            paper.keywords += block.data.get("keywords") or _keywords(block.text)
        elif block.kind == "language":
            paper.language = paper.language or language_code(block.text)
        elif block.kind == "abstract":
            abstract.append(block.text)
            paper.paragraphs.append(ParsedParagraph("abstract", block.text, marks=block.marks))
        else:
            paper.paragraphs.append(ParsedParagraph("front_matter", block.text, marks=block.marks))
    if abstract:
        paper.abstract = "\n\n".join(abstract)


def _title_and_authors(blocks: list[Block], paper: ParsedPaper) -> int:
    """The title is the first block when it reads as one (a heading, or a short line that is
    not a sentence); the authors the block after it when it reads as a list of names."""
    i = 0
    if blocks and (blocks[0].kind == "heading" or _reads_as_title(blocks[0])):
        if heading_name(blocks[0].text) not in FRONT_HEADINGS | REFERENCE_HEADINGS:
            paper.title = blocks[0].text
            i = 1
    if i == 0:
        return 0  # no title: a pasted text that starts with its first paragraph
    if i < len(blocks) and blocks[i].kind in ("heading", "paragraph"):
        authors = _authors(blocks[i].text)
        if authors:
            paper.authors = authors
            i += 1
    return i


def _reads_as_title(block: Block) -> bool:
    """A first block reads as a title when it is short and not a sentence: no final period
    (a question mark is a title's: "Does X work?") and no sentence break inside ("Main title?
    A subtitle" has none: a break is a period or "!" after a lower-case word)."""
    text = block.text.strip()
    if block.kind != "paragraph" or not text or len(text) > 300:
        return False
    if text[-1] in ".,;:" and not text.endswith("..."):
        return False
    return not _SENTENCE_BREAK.search(text)


def _reads_as_prose(block: Block) -> bool:
    """A paragraph of the paper's own prose, not front matter: at least two sentences, closed,
    and nothing of an affiliation, a date line or a licence about it."""
    text = block.text
    return (
        block.kind == "paragraph"
        and is_closed(text)
        and (len(text) > 300 or bool(_SENTENCE_BREAK.search(text)))
        and len(text.split()) >= 8
        and not _AFFILIATION.search(text)
        and not _FRONT_NOTE.search(text)
    )


def _is_guessed_heading(block: Block, explicit_headings: bool) -> bool:
    name = heading_name(block.text)
    if name in FRONT_HEADINGS | REFERENCE_HEADINGS | NOTE_HEADINGS | BACK_HEADINGS:
        return True
    return not explicit_headings and looks_like_heading(block.text)


def _numbered_level(text: str) -> int:
    match = re.match(r"^(\d+(?:\.\d+)*)\.?\s", text)
    return min(match.group(1).count(".") + 1, 6) if match else 1


def _front_matter(blocks: list[Block], start: int, paper: ParsedPaper) -> int:
    """Read abstract, keywords and affiliations; return where the body starts."""
    i = start
    front_end = _first_body_heading(blocks, i)
    abstract: list[str] = []
    while i < front_end:
        block = blocks[i]
        name = heading_name(block.text)
        if block.kind == "heading" and name in FRONT_HEADINGS:
            # "Author summary" and the like stand beside the abstract, not in it.
            kind = "abstract" if name in ABSTRACT_HEADINGS else "front_matter"
            i += 1
            while (
                i < front_end
                and blocks[i].kind != "heading"
                and not _KEYWORDS.match(blocks[i].text)
            ):
                if kind == "abstract":
                    abstract.append(blocks[i].text)
                paper.paragraphs.append(
                    ParsedParagraph(kind=kind, text=blocks[i].text, marks=blocks[i].marks)
                )
                i += 1
            continue
        if _KEYWORDS.match(block.text):
            paper.keywords = _keywords(_KEYWORDS.sub("", block.text))
        elif _INLINE_ABSTRACT.match(block.text):
            text = _INLINE_ABSTRACT.sub("", block.text)
            abstract.append(text)
            paper.paragraphs.append(ParsedParagraph(kind="abstract", text=text))
        elif block.kind == "heading":
            pass  # a stray front-matter heading ("Author summary" handled above)
        else:
            kind = "front_matter" if _AFFILIATION.search(block.text) or not abstract else "body"
            paper.paragraphs.append(ParsedParagraph(kind=kind, text=block.text, marks=block.marks))
        i += 1
    if abstract:
        paper.abstract = "\n\n".join(abstract)
    return front_end


def _first_body_heading(blocks: list[Block], start: int) -> int:
    # Before any abstract or keywords, the first paragraph of prose starts the body: a text of
    # paragraphs is a paper even when it has no headings (a pasted essay, "No paragraphs
    # found" before), and its opening paragraphs are not front matter.
    prose_starts_body = True
    for i in range(start, len(blocks)):
        block = blocks[i]
        if block.kind == "body":
            return i  # the reader knows the body starts here (JATS, HTML)
        name = heading_name(block.text)
        if block.kind == "heading" and name not in FRONT_HEADINGS:
            return i
        if name in FRONT_HEADINGS or _KEYWORDS.match(block.text):
            prose_starts_body = False
        elif _INLINE_ABSTRACT.match(block.text):
            prose_starts_body = False
        elif prose_starts_body and _reads_as_prose(block):
            return i
    # No headings: the front matter is whatever stands before the first long paragraph.
    for i in range(start, len(blocks)):
        if len(blocks[i].text) > 300 and not _KEYWORDS.match(blocks[i].text):
            previous = heading_name(blocks[i - 1].text) if i > 0 else ""
            if previous not in FRONT_HEADINGS:
                return i
    return len(blocks)


def _authors(text: str) -> list[str]:
    text = re.sub(r"^by\s+", "", text.strip(), flags=re.IGNORECASE)
    if len(text) > 3000 or _AFFILIATION.search(text) or re.search(r"[.:;!?]$", text):
        return []
    names = [name.strip(" *†‡") for name in _AUTHOR_SPLIT.split(text) if name.strip()]
    names = [re.sub(r"[\d¹²³⁴⁵⁶⁷⁸⁹⁰*†‡§]+$", "", name).strip() for name in names]
    if names and all(_NAME.match(name) and 1 < len(name.split()) <= 4 for name in names):
        return names
    return []


def _keywords(text: str) -> list[str]:
    separator = ";" if ";" in text else ("·" if "·" in text else ",")
    return [k.strip(" .") for k in text.split(separator) if k.strip(" .")]


def _body(blocks: list[Block], paper: ParsedPaper) -> None:
    section: int | None = None
    zone = "body"  # "body", "references" or "notes"
    reference_blocks: list[Block] = []
    stated_references: list[Block] = []
    # A numbered list printed without a "References" heading, known by its shape.
    unheaded = reference_list_span(blocks) or (0, 0)
    for index, block in enumerate(blocks):
        if block.kind == "reference":
            stated_references.append(block)
            continue
        footnote_marker = block.kind == "paragraph" and leading_superscript(block.text)
        if block.kind == "footnote" or footnote_marker:
            _footnote(block, paper)
            continue
        if unheaded[0] <= index < unheaded[1]:
            reference_blocks.append(block)
            continue
        if block.kind == "heading":
            name = heading_name(block.text)
            if name in REFERENCE_HEADINGS:
                zone = "references"
                continue
            if name in NOTE_HEADINGS:
                zone = "notes"
                continue
            if zone != "body" and not block.explicit and name not in BACK_HEADINGS:
                # Inside the reference list or the notes, a short line that merely looks like
                # a heading ("Afridi, M. personal talks") is an entry.
                if zone == "references":
                    reference_blocks.append(block)
                else:
                    _footnote(block, paper)
                continue
            zone = "body"
            paper.sections.append(ParsedSection(title=block.text, level=block.level or 1))
            section = len(paper.sections) - 1
            continue
        if zone == "references":
            reference_blocks.append(block)
            continue
        if zone == "notes":
            _footnote(block, paper)
            continue
        kind = {
            "list_item": "list_item",
            "quote": "quote",
            "table": "table",
            "caption": "caption",
        }.get(block.kind, "body")
        if kind == "body" and _CAPTION.match(block.text):
            kind = "caption"
        paper.paragraphs.append(
            ParsedParagraph(
                kind=kind,
                text=block.text,
                section=section,
                marks=block.marks,
                group_key=block.list_id if kind == "list_item" else None,
                label=block.label if kind == "list_item" and block.ordered else "",
            )
        )
    paper.references = [stated_reference(b) for b in stated_references] or assemble_references(
        reference_blocks
    )


def _footnote(block: Block, paper: ParsedPaper) -> None:
    text, label = block.text, block.label
    marker = leading_superscript(text)
    if marker:
        text, label = text[len(marker) :].lstrip(), superscript_label(marker)
    else:
        numbered = re.match(r"^(\d{1,3})[.)]?\s+", text)
        if numbered and not label:
            text, label = text[numbered.end() :], numbered.group(1)
    offset = len(block.text) - len(text)
    marks = [
        {**m, "start": m["start"] - offset, "end": m["end"] - offset}
        for m in block.marks
        if m["start"] >= offset
    ]
    paper.paragraphs.append(ParsedParagraph(kind="footnote", text=text, marks=marks, label=label))


_LANGUAGE_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]|$)")
# ISO 639-2 codes a source may give instead of ISO 639-1 (JATS allows either).
_THREE_LETTERS = {
    "eng": "en",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "ita": "it",
    "nld": "nl",
    "dut": "nl",
    "por": "pt",
    "rus": "ru",
    "swe": "sv",
}
# Tags that name no language: undetermined, several, none.
_NO_LANGUAGE = {"und", "mul", "zxx", "mis"}


def language_code(tag: str) -> str:
    """The language a BCP 47 tag names, as an ISO 639-1 code where there is one ("de-DE":
    "de", "eng": "en"); "" for no language or a tag that is not one ("x-none")."""
    match = _LANGUAGE_TAG.match((tag or "").strip())
    if not match:
        return ""
    code = match.group(1).lower()
    if code in _NO_LANGUAGE:
        return ""
    return _THREE_LETTERS.get(code, code)
