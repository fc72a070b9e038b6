"""Figures, tables and footers on the whole page, after its columns are read into blocks.

A float is the area above or below its caption ("Figure 1:", "Table 2.") in the caption's
column (within its band), or across the page when the caption spans it, up to the nearest
prose; on page 1 also up to the title block's title, e-mail addresses and affiliations. The
text in it is not the paper's reading: a figure's labels (a flowchart's boxes, a panel label set
large, dataset names in bold) are dropped, however much they look like headings; a table's
lines become one `table` block, its rows rebuilt across the column split (a wide table's cells
straddle the gutter and land in both columns). Prose is what a paragraph looks like: lines that
fill the column, or a sentence; a heading counts as prose when it is numbered or named, or is
followed by prose (labels are followed by labels or by the caption).

A footer the furniture pass missed (set close under the text, so no wide gap sets it apart:
"AUTHOR & SECOND 33") is the page's lowest line, short, in the bottom margin, with the page
number at its edge: it is dropped rather than read as a heading.
"""

import re

from ...textrules import (
    BACK_HEADINGS,
    FRONT_HEADINGS,
    NOTE_HEADINGS,
    REFERENCE_HEADINGS,
    heading_name,
    is_closed,
)
from .blocks import SECTION_NUMBER, PBlock, row_cells
from .extract import Line
from .layout import Stats

_NAMED = FRONT_HEADINGS | REFERENCE_HEADINGS | BACK_HEADINGS | NOTE_HEADINGS
_STOP = ("caption", "footnote", "list_item", "reference", "table")
_AFFILIATION = re.compile(
    r"\b(?:universit\w*|institut\w*|department|college|school|faculty|laborator\w*)\b", re.I
)
_NUMBER_END = re.compile(r"(?:^|\s)[-+±]?\d+(?:[.,]\d+)*%?$")
_FOOTER = re.compile(r"^\D+\s\d{1,4}$|^\d{1,4}\s\D+$")  # words and the page number


def page_floats(blocks: list[PBlock], stats: Stats, height: float) -> list[PBlock]:
    """One page's blocks in reading order, with figure text dropped, each table made one block
    next to its caption, and a footer dropped."""
    if not blocks:
        return blocks
    gone: set[int] = set()
    tables: dict[int, tuple[PBlock, bool]] = {}  # caption id -> (table, after the caption)
    captions = [b for b in blocks if b.kind == "caption"]
    if captions:
        rows = [row for b in blocks for row in b.rows]
        texty = [row for row in rows if len(row.text) >= 10] or rows
        page = _Page(blocks, stats, min(r.x0 for r in texty), max(r.x1 for r in texty))
    for caption in captions:
        is_table = caption.rows[0].text.lower().startswith(("tab", "exhibit"))
        for above in (True, False):
            area = page.area(caption, above, gone)
            if area and (_tabular(area) if is_table else _figure(area)):
                gone.update(id(b) for b in area)
                if is_table:
                    tables[id(caption)] = (_table(area, caption), not above)
                break
    footer = _footer(blocks, stats, height)
    if footer is not None:
        gone.add(id(footer))
    if not gone:
        return blocks
    out: list[PBlock] = []
    for block in blocks:
        if id(block) in gone:
            continue
        table = tables.get(id(block))
        if table and not table[1]:
            out.append(table[0])
        out.append(block)
        if table and table[1]:
            out.append(table[0])
    _first_in_region(blocks, out)
    return out


class _Page:
    def __init__(self, blocks: list[PBlock], stats: Stats, left: float, right: float) -> None:
        self.blocks = blocks
        self.stats = stats
        self.left, self.right = left, right
        self.middle = (left + right) / 2
        self.following = {id(a): b for a, b in zip(blocks, blocks[1:], strict=False)}

    def lane(self, block: PBlock) -> tuple[float, float]:
        """The float's width: the caption's column, or the page when the caption is read
        across it (a spanning band, or a page of one column)."""
        if block.region.column == 1:
            return self.left, self.middle
        if block.region.column == 2:
            return self.middle, self.right
        return self.left, self.right

    def column_width(self, block: PBlock) -> float:
        width = self.right - self.left
        return width * 0.48 if block.region.column else width

    def area(self, caption: PBlock, above: bool, gone: set[int]) -> list[PBlock]:
        """The blocks between the caption and the nearest prose on one side, in its lane."""
        lo, hi = self.lane(caption)
        top = max(row.top for row in caption.rows)
        bottom = min(row.bottom for row in caption.rows)
        candidates = []
        for block in self.blocks:
            if block is caption or id(block) in gone:
                continue
            if caption.region.column and block.region is not caption.region:
                continue  # a column's float stays in its column, in its band
            x0 = min(row.x0 for row in block.rows)
            x1 = max(row.x1 for row in block.rows)
            inside = min(x1, hi) - max(x0, lo)
            if inside < 0.5 * (x1 - x0):
                continue
            if above and min(row.bottom for row in block.rows) >= top - 1:
                candidates.append((min(row.y for row in block.rows), block))
            elif not above and max(row.top for row in block.rows) <= bottom + 1:
                candidates.append((-max(row.y for row in block.rows), block))
        candidates.sort(key=lambda pair: pair[0])
        area = []
        for _, block in candidates:
            if _front_matter(block, self.stats):
                break
            if self.prose(block) and not (area and self.note(block)):
                break
            area.append(block)
        # A heading at the column's edge just beyond the labels heads the text the figure
        # stands in (a Word figure right under its section's heading): it stays.
        while area and area[-1].kind == "heading" and area[-1].rows[0].x0 < lo + area[-1].size:
            area.pop()
        return area

    def note(self, block: PBlock) -> bool:
        """Text in small type right by a float's content: its notes ("Note. N = …")."""
        return block.kind == "paragraph" and all(
            row.size < self.stats.size - 0.5 for row in block.rows
        )

    def prose(self, block: PBlock) -> bool:
        """Does this block read as the paper's text (or a float of its own), so that a float's
        area ends before it?"""
        if block.kind in _STOP:
            return True
        if block.kind == "heading":
            if SECTION_NUMBER.match(block.text) or heading_name(block.text) in _NAMED:
                return True
            after = self.following.get(id(block))
            return (
                after is not None
                and after.region is block.region
                and after.kind == "paragraph"
                and self.prose(after)
            )
        rows = block.rows
        if sum(row.cells > 1 for row in rows) * 2 >= len(rows):
            return False
        text = block.text
        if sum(ch.isdigit() for ch in text) > sum(ch.isalpha() for ch in text):
            return False
        width = self.column_width(block)
        long = [row.x1 - row.x0 >= 0.75 * width for row in rows]
        if len(rows) > 1:
            return sum(long[:-1]) * 2 >= len(rows) - 1
        words = len(text.split())
        body = rows[0].size >= self.stats.size - 0.5 and rows[0].bold < 0.85
        # A sentence, or its end carried over from the column before ("while on."); not a
        # short row of a table's header ("prec. yield prec. yield").
        return body and ((long[0] and words >= 4) or _sentence_end(text))


def _sentence_end(text: str) -> bool:
    """Closed as a sentence is, not by a number's decimal point ("With LM 54.1")."""
    return is_closed(text) and not _NUMBER_END.search(text.rstrip())


def _front_matter(block: PBlock, stats: Stats) -> bool:
    """Page 1's title block above a figure set under it (a teaser): its e-mail addresses and
    affiliations, which close it, and the title, are never figure text. (Names are not asked:
    a figure's labels in title case read as names as well.)"""
    if block.rows[0].page != 1:
        return False
    text = block.text
    title = block.size >= 1.4 * stats.size and len(text.split()) >= 3
    return "@" in text or bool(_AFFILIATION.search(text)) or title


def _figure(area: list[PBlock]) -> bool:
    # A heading alone beside a caption is a real heading above an image, not a label.
    return any(b.kind != "heading" for b in area) or len(area) > 1


def _tabular(area: list[PBlock]) -> bool:
    text = " ".join(b.text for b in area)
    celled = any(row.cells > 1 for b in area for row in b.rows)
    return celled or sum(ch.isdigit() for ch in text) > 0.3 * sum(ch.isalpha() for ch in text)


def _table(area: list[PBlock], caption: PBlock) -> PBlock:
    """One block of the area's lines, rows rebuilt by baseline across columns and cells cut at
    wide gaps: "Model | F1 | MAP"."""
    lines = sorted((row for b in area for row in b.rows), key=lambda row: -row.y)
    rows: list[list[Line]] = []
    for line in lines:
        if rows and abs(rows[-1][0].y - line.y) < 0.3 * min(line.size, rows[-1][0].size):
            rows[-1].append(line)
        else:
            rows.append([line])
    texts = []
    for row in rows:
        row.sort(key=lambda line: line.x0)
        # Columns of a table stand about an em apart; words inside a cell a quarter of one.
        texts.append(" | ".join(cell for line in row for cell in row_cells(line, gap=0.8)))
    table = PBlock([row[0] for row in rows], caption.region, "table")
    table.table_rows = texts
    return table


def _footer(blocks: list[PBlock], stats: Stats, height: float) -> PBlock | None:
    lowest = min(blocks, key=lambda b: min(row.y for row in b.rows))
    if lowest.kind not in ("paragraph", "heading") or len(lowest.rows) != 1:
        return None
    row = lowest.rows[0]
    if row.y > 0.12 * height or len(row.text.split()) > 8 or not _FOOTER.match(row.text):
        return None
    if any(ch.islower() for ch in row.text) and row.size >= stats.size - 0.5:
        return None  # a line of text, not a running foot in capitals or small type
    if any(r.y < row.y + 0.5 * row.size for b in blocks if b is not lowest for r in b.rows):
        return None  # another line beside or below it
    return lowest


def _first_in_region(before: list[PBlock], after: list[PBlock]) -> None:
    """A region whose first block went (a figure's label) starts at its first block left."""
    kept = {id(b) for b in after}
    for block in before:
        if block.first_in_region and id(block) not in kept:
            for other in after:
                if other.region is block.region:
                    other.first_in_region = True
                    break
