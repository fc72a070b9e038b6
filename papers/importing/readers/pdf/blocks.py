"""Lines of one region to blocks (paragraphs, headings, captions, tables, list items, footnotes).

A new block starts where the typesetter showed one: extra space above a line, a change of size
or weight, a first-line indent (or, in a list with hanging indents, a line back at the left
edge), a short line that closes a sentence, a bullet, or a caption label. What a block is comes
from how it looks: footnotes are the small-type lines at a column's foot that start with a raised
marker; headings are short blocks set larger or bold throughout; captions start "Figure 1:" or
"Table 2."; the lines next to a table caption with wide gaps between cells are the table.
"""

import re
from dataclasses import dataclass

from ...textrules import is_closed
from .extract import Line
from .layout import Region, Stats

CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Tab\.|Chart|Scheme|Listing|Exhibit)\s*"
                     r"[A-Z]?\d+(?:\.\d+)?[a-z]?\s*[:.|—–]", re.IGNORECASE)  # fmt: skip
# Not dashes: a justified line may well start with "– which", inside a paragraph.
BULLET = re.compile(r"^[•◦▪▫‣∙●○■□➢►✓]\s")
_MARKER = re.compile(r"^[*†‡§¶\w]{1,3}$")


@dataclass
class PBlock:
    rows: list[Line]
    region: Region
    kind: str = "paragraph"  # paragraph, heading, caption, table, list_item, footnote, figure
    label: str = ""  # a footnote's marker
    first_in_region: bool = False

    @property
    def size(self) -> float:
        return max(row.size for row in self.rows)

    @property
    def text(self) -> str:
        return " ".join(row.text for row in self.rows)

    @property
    def indented(self) -> bool:
        return self.rows[0].x0 > self.region.left + 0.6 * self.rows[0].size


def region_blocks(region: Region, stats: Stats) -> list[PBlock]:
    rows, notes = _split_footnotes(region, stats)
    blocks: list[PBlock] = []
    current: list[Line] = []
    for row in rows:
        if current and not _breaks(current, row, region, stats):
            current.append(row)
            continue
        current = [row]
        blocks.append(PBlock(current, region))
    for block in blocks:
        block.kind = _kind(block, stats)
    _tables_and_figures(blocks, stats)
    if blocks:
        blocks[0].first_in_region = True
    return blocks + notes


def _breaks(current: list[Line], row: Line, region: Region, stats: Stats) -> bool:
    previous = current[-1]
    em = max(previous.size, row.size)
    if previous.y - row.y > stats.leading * em * 1.35:
        return True
    if abs(previous.size - row.size) > 0.6:
        return True
    if (previous.bold >= 0.85) != (row.bold >= 0.85):
        # ...except after a run-in heading that fills its line ("Results." + text below).
        run_in = len(current) == 1 and previous.text.endswith((".", ":"))
        if not (run_in and row.x0 <= region.left + 0.6 * row.size):
            return True
    if BULLET.match(row.text):
        return True
    if CAPTION.match(row.text) and (
        is_closed(previous.text) or any(start == 0 for start, _, _ in row.styled)
    ):
        return True  # a caption; not "... as shown in" / "Table 2. The results ..."
    if (previous.cells > 1) != (row.cells > 1) and (previous.cells > 2 or row.cells > 2):
        return True
    indent = 0.6 * row.size
    indented = row.x0 > region.left + indent
    previous_indented = previous.x0 > region.left + indent
    short = previous.x1 < region.right - 2 * previous.size
    if short and is_closed(previous.text):
        return True
    if len(current) == 1:
        # "first line at the edge, the next indented" is either a hanging indent (a reference
        # entry: the first line is full) or a one-line paragraph followed by an indented one.
        return indented and not previous_indented and short
    if indented and not previous_indented:
        return not BULLET.match(current[0].text)  # a first-line indent: a new paragraph
    hanging = current[1].x0 > current[0].x0 + indent
    return hanging and not indented and previous_indented  # back at the edge: the next entry


def _split_footnotes(region: Region, stats: Stats) -> tuple[list[Line], list[PBlock]]:
    """Footnotes: the small-type rows at the region's foot, from the first that starts with a
    raised marker."""
    rows = region.lines
    i = len(rows)
    first_marker = None
    while i > 0 and rows[i - 1].size < stats.size - 0.5:
        i -= 1
        if _marker(rows[i]):
            first_marker = i
    if first_marker is None:
        return rows, []
    notes: list[PBlock] = []
    for row in rows[first_marker:]:
        marker = _marker(row)
        if marker or not notes:
            notes.append(PBlock([row], region, "footnote", label=marker))
        else:
            notes[-1].rows.append(row)
    return rows[:first_marker], notes


def _marker(row: Line) -> str:
    if row.supers and row.supers[0][0] == 0:
        marker = row.text[: row.supers[0][1]]
        if _MARKER.match(marker):
            return marker
    return ""


def _kind(block: PBlock, stats: Stats) -> str:
    first = block.rows[0].text
    if CAPTION.match(first):
        return "caption"
    if BULLET.match(first):
        return "list_item"
    if _heading_like(block, stats):
        return "heading"
    return "paragraph"


def _heading_like(block: PBlock, stats: Stats) -> bool:
    text = block.text
    if len(block.rows) > 3 or len(text.split()) > 20 or not re.search(r"[^\W\d_]", text):
        return False
    if any(row.cells > 2 for row in block.rows):
        return False  # a table's header row
    if text.rstrip().endswith((".", ",", ";")) and not re.match(r"^[\d.]+\.?$", text):
        return False
    bold = all(row.bold >= 0.85 for row in block.rows)
    larger = all(row.size >= stats.size + 0.8 for row in block.rows)
    letters = [ch for ch in text if ch.isalpha()]
    capitals = len(letters) >= 4 and all(ch.isupper() for ch in letters)
    return bold or larger or (capitals and len(text.split()) <= 10)


def heading_style(block: PBlock) -> tuple:
    """What tells heading levels apart: size first, then weight, capitals, italics."""
    row = block.rows[0]
    letters = [ch for ch in block.text if ch.isalpha()]
    capitals = bool(letters) and all(ch.isupper() for ch in letters)
    return (round(block.size * 2) / 2, row.bold >= 0.85, capitals, row.italic < 0.5)


def _tables_and_figures(blocks: list[PBlock], stats: Stats) -> None:
    """The blocks beside a "Table n" caption that are set as cells become one table; the text
    beside a "Figure n" caption that is not prose (labels inside a drawing) is dropped."""
    for i, block in enumerate(blocks):
        if block.kind != "caption":
            continue
        is_table = block.rows[0].text.lower().startswith(("tab", "exhibit"))
        for step in (-1, 1):
            j = i + step
            grabbed = []
            while 0 <= j < len(blocks) and _not_prose(blocks[j], stats, is_table):
                grabbed.append(blocks[j])
                j += step
            if not grabbed:
                continue
            if step == -1:
                grabbed.reverse()
            for other in grabbed:
                other.kind = "figure"
            if is_table:
                grabbed[0].kind = "table"
                grabbed[0].rows = [row for other in grabbed for row in other.rows]
            break
    blocks[:] = [b for b in blocks if b.kind != "figure"]


def _not_prose(block: PBlock, stats: Stats, table: bool) -> bool:
    if block.kind in ("caption", "heading", "footnote", "list_item"):
        return False
    rows = block.rows
    celled = sum(row.cells > 1 for row in rows)
    digits = sum(ch.isdigit() for ch in block.text)
    letters = sum(ch.isalpha() for ch in block.text)
    small = all(row.size < stats.size - 0.5 for row in rows)
    if celled * 2 >= len(rows) or digits > letters or small:
        return True
    # Short rows of a table whose cells sit closer than our gap rule (a header row); not the
    # short last line of a sentence that goes on after the table.
    width = block.region.right - block.region.left
    short = all(row.x1 - row.x0 < 0.6 * width for row in rows)
    return table and len(rows) < 4 and short and not is_closed(block.text)
