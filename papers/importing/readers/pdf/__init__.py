"""PDF reader: bytes to blocks with the structure the page layout shows.

    extract (PDFium: characters, lines, fonts) -> layout (body size, furniture, columns)
    -> blocks (paragraphs, headings, captions, list items, footnotes per column)
    -> floats (per page: figure text dropped, a table's lines made one block, stray footers)
    -> this module (title and authors, heading levels, numbered lists, paragraphs joined
       across columns and pages, hyphens repaired, footnote markers linked)

Why pypdfium2 and not pdfminer.six/pdfplumber: measured on the corpus, reading characters and
building lines with it is over three times faster than pdfplumber's text alone (see
docs/importing.md, "PDF"); its per-character boxes, font sizes and weights are all we need; and
it keeps inter-word spaces where pdfplumber's defaults lose them.
"""

from collections.abc import Callable

from ...document import Block, ImportFailed
from ...textrules import (
    BACK_HEADINGS,
    FRONT_HEADINGS,
    NOTE_HEADINGS,
    REFERENCE_HEADINGS,
    heading_name,
    is_closed,
    starts_lowercase,
)
from .blocks import (
    BULLET,
    LIST_LABEL,
    LIST_LABEL_CUT,
    PBlock,
    heading_levels,
    heading_style,
    region_blocks,
)
from .entries import reference_entries
from .extract import PDFIUM_LOCK, Page, open_pdf, page_lines
from .floats import page_floats
from .front import find_title, metadata_names, names, page_title, title_end, trusted_title
from .glyphs import repair as repair_glyphs
from .layout import measure, regions, split_furniture, split_side_columns
from .words import Vocabulary, append, join_rows

__all__ = ["read_pdf"]

_NAMED = FRONT_HEADINGS | REFERENCE_HEADINGS | BACK_HEADINGS | NOTE_HEADINGS
_FLOATS = ("caption", "table", "footnote")


def read_pdf(data: bytes, progress: Callable[[float], None] | None = None) -> list[Block]:
    pages, metadata = _extract(data, progress)
    stats = measure(pages)
    margin_front = split_furniture(pages, stats) + split_side_columns(pages, stats)
    blocks = [
        block
        for page in pages
        for block in page_floats(
            [b for region in regions(page, stats) for b in region_blocks(region, stats)],
            stats,
            page.height,
        )
    ]
    vocabulary = Vocabulary()
    for block in blocks:
        vocabulary.add(block.rows)
    front, body = _front(blocks, margin_front, vocabulary, metadata)
    return front + _flow(reference_entries(body), vocabulary)


def _extract(data: bytes, progress) -> tuple[list[Page], dict[str, str]]:
    with PDFIUM_LOCK:
        document = open_pdf(data)
        try:
            count = len(document)
            pages = []
            for index in range(count):
                pages.append(page_lines(document, index))
                if progress is not None:
                    progress((index + 1) / count)
            metadata = {key: (document.get_metadata_value(key) or "").strip()
                        for key in ("Title", "Author")}  # fmt: skip
        finally:
            document.close()
    letters = sum(ch.isalpha() for page in pages for line in page.lines for ch in line.text)
    if letters < 20 * len(pages):
        raise ImportFailed("This PDF has no text layer; OCR is not supported.")
    repair_glyphs(pages)  # ligatures without a Unicode mapping, by the paper's words (glyphs.py)
    return pages, metadata


def _front(
    blocks: list[PBlock], margin_lines, vocabulary: Vocabulary, metadata: dict[str, str]
) -> tuple[list[Block], list[PBlock]]:
    """Title, authors and other front matter from page 1; the remaining blocks. The PDF's
    metadata fills in only what page 1 does not show (it often names the template or no one)."""
    first_page = [b for b in blocks if b.rows[0].page == 1 and b.kind != "footnote"]
    index = find_title(first_page)
    metadata_title = trusted_title(metadata["Title"])
    if index is None:
        index = page_title(first_page, metadata_title)
    out: list[Block] = []
    consumed: set[int] = set()
    if index is None:
        if metadata_title:
            out.append(Block(metadata_title, kind="title"))
        out += _authors_block(metadata_names(metadata["Author"]))
        return out + _margin_blocks(margin_lines, vocabulary), blocks
    end = title_end(first_page, index)
    title_rows = [row for b in first_page[index:end] for row in b.rows]
    out.append(Block(join_rows(title_rows, vocabulary)[0], kind="title", page=1))
    consumed.update(id(b) for b in first_page[index:end])
    authors: list[str] = []
    notes: list[Block] = [
        Block(join_rows(b.rows, vocabulary)[0], kind="front_matter", page=1)
        for b in first_page[:index]
    ]
    consumed.update(id(b) for b in first_page[:index])
    later_styles = {heading_style(b) for b in blocks if b.kind == "heading" and b.rows[0].page > 1}
    for block in first_page[end:]:
        if _ends_front(block, later_styles):
            break
        consumed.add(id(block))
        rest = []
        for row in block.rows:
            found = names(row)
            if found:
                authors += found
            else:
                rest.append(row)
        if rest:
            notes.append(Block(join_rows(rest, vocabulary)[0], kind="front_matter", page=1))
    out += _authors_block(authors or metadata_names(metadata["Author"]))
    out += notes + _margin_blocks(margin_lines, vocabulary)
    return out, [b for b in blocks if id(b) not in consumed]


def _authors_block(authors: list[str]) -> list[Block]:
    if not authors:
        return []
    return [Block(", ".join(authors), kind="authors", page=1, data={"names": authors})]


def _ends_front(block: PBlock, later_styles: set) -> bool:
    """The front matter ends at the abstract, the first section heading or running text.

    E-mail addresses and affiliations set larger than the body look like headings; a heading
    that counts is named ("Abstract", "Introduction"), numbered, or styled like headings on the
    later pages."""
    if block.kind == "heading":
        name = heading_name(block.text)
        return (
            name in _NAMED
            or name in ("introduction", "keywords", "key words")
            or block.text[:1].isdigit()
            or heading_style(block) in later_styles
        )
    if block.kind != "paragraph":
        return True
    named = sum(bool(names(row)) for row in block.rows)
    return len(block.rows) >= 3 and len(block.text) > 200 and named * 2 < len(block.rows)


def _margin_blocks(lines, vocabulary: Vocabulary) -> list[Block]:
    """Page 1's margins (journal, DOI, licence) and side columns, lines close together (on one
    page, one above the other) as one block."""
    groups: list[list] = []
    for line in sorted(lines, key=lambda line: (line.page, -line.y)):
        above = [
            g
            for g in groups[-3:]
            if g[-1].page == line.page
            and g[-1].y - line.y < 1.6 * line.size
            and line.x0 < g[-1].x1
            and g[-1].x0 < line.x1
        ]
        if above:
            above[-1].append(line)
        else:
            groups.append([line])
    return [Block(join_rows(g, vocabulary)[0], kind="front_matter", page=g[0].page) for g in groups]


def _flow(blocks: list[PBlock], vocabulary: Vocabulary) -> list[Block]:
    levels = _heading_levels(blocks)
    items = _numbered_items(blocks)
    labels = {b.label for b in blocks if b.kind == "footnote" and b.label}
    out: list[Block] = []
    open_block: Block | None = None  # a paragraph still waiting for the end of its sentence
    floats_since = False
    in_references = False
    list_id = 0
    for pb in blocks:
        text, marks = join_rows(pb.rows, vocabulary)
        page = pb.rows[0].page
        if pb.kind in _FLOATS:
            out.append(_float(pb, text, marks, page))
            floats_since = open_block is not None
            continue
        # A raised number that no footnote answers is an exponent, not a marker.
        marks = [m for m in marks if m["type"] != "footnote_ref" or m["target"] in labels]
        if pb.kind == "reference":  # one entry of the reference list, whole (entries.py)
            out.append(Block(text, kind="reference", marks=marks, page=page))
            open_block = None
            continue
        if (
            pb.kind == "paragraph"
            and open_block is not None
            and _continues(pb, text, in_references, floats_since)
        ):
            open_block.text, open_block.marks = append(
                open_block.text, open_block.marks, text, marks, vocabulary
            )
        elif pb.kind == "heading":
            in_references = heading_name(text) in REFERENCE_HEADINGS
            level = levels.get(id(pb), 1)
            out.append(Block(text, kind="heading", level=level, explicit=True, page=page))
            open_block = None
        elif pb.kind == "list_item" or id(pb) in items:
            label = items.get(id(pb), "")
            if not out or out[-1].kind != "list_item" or out[-1].ordered != bool(label):
                list_id += 1
            item = LIST_LABEL_CUT.sub("", text, count=1) if label else BULLET.sub("", text, count=1)
            shift = len(text) - len(item)
            marks = [{**m, "start": m["start"] - shift, "end": m["end"] - shift} for m in marks]
            marks = [m for m in marks if m["start"] >= 0]
            block = Block(item, kind="list_item", list_id=list_id, marks=marks, page=page)
            block.ordered, block.label = bool(label), label
            out.append(block)
            open_block = out[-1]
        else:
            out.append(Block(text, marks=marks, page=page))
            open_block = out[-1]
        floats_since = False
        if open_block is not None and is_closed(open_block.text):
            open_block = None
    return out


def _continues(pb: PBlock, text: str, in_references: bool, floats_since: bool) -> bool:
    """Does this block carry on the open paragraph before it? Only across a column or page
    break, or a float set in the middle of the text; and only when it does not start a
    paragraph of its own (an indent), or, in a reference list, an entry of its own (at the
    edge)."""
    if not (pb.first_in_region or floats_since):
        return False
    if in_references:
        return pb.indented or starts_lowercase(text)
    return not pb.indented or starts_lowercase(text)


def _float(pb: PBlock, text: str, marks: list[dict], page: int) -> Block:
    if pb.kind == "footnote":
        label = pb.label
        if text.startswith(label):
            text = text[len(label) :].lstrip()
        return Block(text, kind="footnote", label=label, page=page)
    if pb.kind == "table":
        rows = pb.table_rows or [row.text for row in pb.rows]
        return Block("\n".join(rows), kind="table", page=page)
    return Block(text, kind="caption", page=page)


def _heading_levels(blocks: list[PBlock]) -> dict[int, int]:
    """Heading levels, by block: from the section number where there is one, else from the
    style (size, then bold, capitals, upright) among the paper's recurring heading styles
    (blocks.heading_levels). Named headings (Abstract, References, ...) do not take part: they
    are handled by name and may have a style of their own."""
    headings = [b for b in blocks if b.kind == "heading" and heading_name(b.text) not in _NAMED]
    found = heading_levels([(b.text, heading_style(b)) for b in headings])
    return {id(b): level for b, level in zip(headings, found, strict=True)}


def _numbered_items(blocks: list[PBlock]) -> dict[int, str]:
    """Paragraphs that start with a list label ("1.", "(b)", "ii)") and follow one another in
    sequence, at least two: the items of a numbered list, by block, with their labels. A block
    that carries an item on across a column or page may stand between two of them."""
    items: dict[int, str] = {}
    run: list[tuple[PBlock, str]] = []
    last: set[tuple[str, int]] = set()
    for pb in blocks:
        if pb.kind in _FLOATS:
            continue
        found = LIST_LABEL.match(pb.text) if pb.kind == "paragraph" else None
        if found:
            label = next(g for g in found.groups() if g)
            values = _label_values(label)
            if run and {(kind, n - 1) for kind, n in values} & last:
                run.append((pb, label))
            else:
                if len(run) > 1:
                    items.update((id(b), lab) for b, lab in run)
                run = [(pb, label)]
            last = values
            continue
        if pb.kind == "paragraph" and pb.first_in_region and run:
            continue  # an item going on in the next column
        if len(run) > 1:
            items.update((id(b), lab) for b, lab in run)
        run, last = [], set()
    if len(run) > 1:
        items.update((id(b), lab) for b, lab in run)
    return items


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9,
          "x": 10}  # fmt: skip


def _label_values(label: str) -> set[tuple[str, int]]:
    if label.isdigit():
        return {("number", int(label))}
    values = {("roman", _ROMAN[label])} if label in _ROMAN else set()
    if len(label) == 1:
        values.add(("letter", ord(label) - ord("a") + 1))
    return values
