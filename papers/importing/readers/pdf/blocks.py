"""Lines of one region to blocks (paragraphs, headings, captions, tables, list items, footnotes).

A new block starts where the typesetter showed one: extra space above a line, a change of size
or weight, a first-line indent (or, in a list with hanging indents, a line back at the left
edge), a short line that closes a sentence, a bullet, or a caption label. What a block is comes
from how it looks: footnotes are the small-type lines at a column's foot that start with a raised
marker; headings are short blocks set larger or bold throughout; captions start "Figure 1:" or
"Table 2."; a line starting "1." or "(a)" after a closed line or another item starts a list
item. What lies inside a figure or beside a table is decided on the whole page (floats.py).
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from ...textrules import is_closed
from .extract import Line
from .layout import Region, Stats

CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Tab\.|Chart|Scheme|Listing|Exhibit)\s*"
                     r"[A-Z]?\d+(?:\.\d+)?[a-z]?\s*[:.|—–]", re.IGNORECASE)  # fmt: skip
# Not dashes: a justified line may well start with "– which", inside a paragraph.
BULLET = re.compile(r"^[•◦▪▫‣∙●○■□➢►✓]\s")
_MARKER = re.compile(r"^[*∗⋆†‡§¶‖\w]{1,3}$")
# A footnote marker set on the line, not raised ("∗ Equal contribution", "† Work done at …").
_SET_MARKER = re.compile(r"^([*∗⋆†‡§¶‖]{1,2})\s*\w")
# A list item's label: "1.", "2)", "(3)", "(a)", "b)", "(iv)".
LIST_LABEL = re.compile(r"^(?:(\d{1,2})[.)]|\((\d{1,2}|[a-z]|[ivx]{1,4})\)|([a-z])\))\s+\S")
LIST_LABEL_CUT = re.compile(r"^(?:\d{1,2}[.)]|\((?:\d{1,2}|[a-z]|[ivx]{1,4})\)|[a-z]\))\s+")
# A section number before a heading's words: "2", "2.", "2.1", "A.1", "II.".
SECTION_NUMBER = re.compile(
    r"^(\d{1,2}(?:\.\d{1,2})*\.?|[A-Z](?:\.\d{1,2})+\.?|[IVX]{1,5}\.)\s+(?=[^\W\d_])"
)
_PANEL = re.compile(r"^\(?[A-Za-z0-9]{1,2}\)$")  # a panel label: "(a)", "b)"


@dataclass
class PBlock:
    rows: list[Line]
    region: Region
    kind: str = "paragraph"  # paragraph, heading, caption, table, list_item, footnote, figure
    label: str = ""  # a footnote's marker
    first_in_region: bool = False
    space_above: float = 99.0  # ems between this block's first line and the line above it
    table_rows: list[str] = field(default_factory=list)  # a table's rows, cells joined by " | "

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
        block = PBlock([row], region)
        if current:
            block.space_above = (current[-1].y - row.y) / max(row.size, current[-1].size)
        current = block.rows
        blocks.append(block)
    for block in blocks:
        block.kind = _kind(block, stats)
    _numbered_lines(blocks, stats)
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
    label = LIST_LABEL.match(row.text)
    if label and (
        previous.text.endswith(":")
        or (is_closed(previous.text) and next(g for g in label.groups() if g) in ("1", "a", "i"))
        or any(LIST_LABEL.match(other.text) for other in current)
    ):
        return True  # an item of a numbered list (not "… in\n2. …" inside a sentence)
    if len(current) == 1 and _numbered_line(previous, region):
        return True  # "2. The Buchert scheme" on a line of its own: the text starts below it
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
        if _marker(rows[i]) or _set_marker(rows, i, stats):
            first_marker = i
    if first_marker is None:
        return rows, []
    notes: list[PBlock] = []
    for row in rows[first_marker:]:
        # Once in the notes, a marker symbol set on the line starts the next note.
        set_marker = _SET_MARKER.match(row.text)
        marker = _marker(row) or (set_marker.group(1) if set_marker else "")
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


def _set_marker(rows: list[Line], i: int, stats: Stats) -> str:
    """A note whose marker is set on the line ("∗ Equal contribution"), known by the marker and
    by the space that sets it apart from the text above (a rule usually stands there)."""
    found = _SET_MARKER.match(rows[i].text)
    if not found or rows[i].cells > 1:
        return ""
    above = rows[i - 1] if i else None
    if above is not None and above.y - rows[i].y < 1.6 * stats.leading * rows[i].size:
        return ""
    return found.group(1)


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
    # A heading has a word; a panel label "(a)" or a lone letter does not.
    if len(block.rows) > 3 or len(text.split()) > 20 or not re.search(r"[^\W\d_]{2}", text):
        return False
    if _PANEL.match(text):
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


def _numbered_line(row: Line, region: Region) -> bool:
    """A short line at the column's edge that starts with a section or list number and does not
    close a sentence: "2. The Buchert scheme", "1. Sample the groups"."""
    text = row.text.rstrip()
    return (
        bool(SECTION_NUMBER.match(text) or LIST_LABEL.match(text))
        and len(text.split()) <= 12
        and text[-1:] not in ".,;:"
        and row.x0 <= region.left + 0.6 * row.size
        and row.x1 < region.right - 4 * row.size
    )


def _numbered_lines(blocks: list[PBlock], stats: Stats) -> None:
    """A numbered line standing alone is a heading ("2. The Buchert scheme" in the body's type,
    where bold was not set or not seen) when space sets it apart from the text above, and it is
    not one of a run of numbered lines (a list: "1. …", "2. …")."""
    for i, block in enumerate(blocks):
        row = block.rows[0]
        if block.kind != "paragraph" or len(block.rows) != 1 or not SECTION_NUMBER.match(row.text):
            continue
        if not _numbered_line(row, block.region):
            continue
        neighbours = blocks[max(i - 1, 0) : i] + blocks[i + 1 : i + 2]
        if any(LIST_LABEL.match(other.rows[0].text) for other in neighbours):
            continue  # an item of a list
        words = row.text[SECTION_NUMBER.match(row.text).end() :]
        if block.space_above > stats.leading * 1.35 and words[:1].isupper():
            block.kind = "heading"


def section_depth(text: str) -> int:
    """The level a section number gives: "2"/"2."/"II." 1, "2.1"/"A.1" 2, "2.1.3" 3; 0 when the
    heading is not numbered."""
    found = SECTION_NUMBER.match(text)
    if not found:
        return 0
    number = found.group(1).rstrip(".")
    return min(number.count(".") + 1, 6)


def heading_levels(headings: list[tuple[str, tuple]]) -> list[int]:
    """Levels for headings given as (text, style), in document order.

    A numbered heading takes its level from its number, and the style it is set in takes that
    level for unnumbered headings too. The other styles rank by prominence below the nearest
    more prominent style with a level. A style used once (and unnumbered) does not make a level
    of its own: it takes the level of the next less prominent style, so one outlier (a large
    label, a stray bold line) cannot push every real section down a level."""
    counts = Counter(style for _, style in headings)
    by_number: dict[tuple, Counter] = {}
    for text, style in headings:
        depth = section_depth(text)
        if depth:
            by_number.setdefault(style, Counter())[depth] += 1
    numbered = {style: c.most_common(1)[0][0] for style, c in by_number.items()}
    established = sorted((s for s in counts if s in numbered or counts[s] > 1), reverse=True)
    level_of: dict[tuple, int] = {}
    current = 0
    for style in established:
        current = numbered.get(style, min(current + 1, 6))
        level_of[style] = current
    deepest = max(level_of.values(), default=0)
    for style in counts:
        if style not in level_of:
            lower = [level_of[s] for s in established if s < style]
            level_of[style] = lower[0] if lower else min(deepest + 1, 6)
    return [section_depth(text) or level_of[style] for text, style in headings]


def row_cells(row: Line, raised: bool = True, gap: float = 1.2) -> list[str]:
    """The cells of a row: its text cut where glyphs stand more than `gap` ems apart, further
    than a word space (table columns, names set side by side). `raised=False` leaves out raised
    marks."""
    cells: list[list[str]] = []
    previous = None
    for char in row.chars:
        if char.script == 1 and not raised:
            continue
        if previous is None or char.x0 - previous.x1 > gap * row.size:
            cells.append([])
        elif char.space_before or char.x0 - previous.x1 > 0.15 * row.size:
            cells[-1].append(" ")
        cells[-1].append(char.text)
        previous = char
    return [text for text in ("".join(cell).strip() for cell in cells) if text]
