"""The reference list on the page: its lines cut into entries.

A printed reference list shows where its entries start: at the next label in sequence ("[12]",
"12.") when the entries are numbered; else at the list's left edge, when the lines that go on
are indented (a hanging indent) and the line at the edge starts as an entry does (a name, a
quoted title; not lower case). The blocks that spacing and type make (blocks.py) do not know
this: a link label in another type ("[SPIRES]", "[arXiv:…]"), a justified line stretched by a
long URL, a column or page break all cut an entry, and entries of one line run together. So the
lines of the list are taken out of their blocks and cut again, one `reference` block per entry.

The list is what follows a "References" heading up to the next heading styled as a section
heading (a heading in another style inside the list, such as "[SPIRES]" alone on a line, is part
of an entry); or, without a heading, a numbered list whose labels run in sequence from 1 and
whose entries read as references, up to the next section heading or the end. Lines in smaller
type than the list at a column's foot, set apart by a gap, are footnotes: never entries.
"""

import re
from collections import Counter

from ...references import entry_label, reads_as_reference
from ...textrules import (
    BACK_HEADINGS,
    FRONT_HEADINGS,
    NOTE_HEADINGS,
    REFERENCE_HEADINGS,
    heading_name,
    starts_lowercase,
)
from .blocks import BULLET, PBlock, heading_style
from .extract import Line
from .layout import Region

_FLOATS = ("caption", "table", "footnote", "figure")
_ENDING = BACK_HEADINGS | NOTE_HEADINGS | FRONT_HEADINGS | {"appendix", "appendices"}
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*|[A-Z](?:\.\d+)*|Appendix\s+\w+)[.:]?\s+\w")
_NOTE_MARKER = re.compile(r"^([*†‡§¶]|\d{1,2}|[a-z])\s")
_MIN_ENTRIES = 3
Row = tuple[Line, Region]


def reference_entries(blocks: list[PBlock]) -> list[PBlock]:
    """`blocks` with the reference list's blocks replaced by one `reference` block per entry
    (footnotes and floats inside the list kept after them). Unchanged when there is no list,
    or when an unnumbered list shows no hanging indents to cut it by (its blocks then go on to
    the format-independent assembly)."""
    blocks = list(blocks)
    span = _headed(blocks) or _numbered(blocks)
    if span is None:
        return blocks
    start, end = span
    entries = _cut(blocks[start:end])
    if entries is None:
        return blocks
    cut = [b for b in entries if b.kind == "reference"]
    if sum(reads_as_reference(b.text) for b in cut) * 2 < len(cut):
        return blocks  # not a list of references after all ("2 Literature", a review)
    return blocks[:start] + entries + blocks[end:]


def _headed(blocks: list[PBlock]) -> tuple[int, int] | None:
    """After a "References" heading (or a line alone that says so, followed by an entry)."""
    for i, block in enumerate(blocks):
        if len(block.rows) > 1 or len(block.rows[0].text) > 40:
            continue
        if heading_name(block.text) not in REFERENCE_HEADINGS:
            continue
        if block.kind != "heading":
            after = [b for b in blocks[i + 1 : i + 2] if b.kind == "paragraph"]
            first = after[0].rows[0].text if after else ""
            if not (entry_label(first) or reads_as_reference(first)):
                continue
        return i + 1, _list_end(blocks, i + 1, _section_styles(blocks, i) | {_style(block)})
    return None


def _numbered(blocks: list[PBlock]) -> tuple[int, int] | None:
    """A list whose first entry, "[1]" or "1.", starts a row of a paragraph, its labels in
    sequence and its entries read as references. A block holding the rows before that row too
    (the paper's last paragraph, in the same type) is cut there."""
    for i, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        for k, row in enumerate(block.rows):
            if entry_label(row.text) != 1:
                continue
            end = _list_end(blocks, i + 1, _section_styles(blocks, i))
            rows = _rows([PBlock(block.rows[k:], block.region), *blocks[i + 1 : end]])
            entries = [" ".join(row.text for row, _ in group) for group in _by_labels(rows)]
            read = sum(reads_as_reference(text) for text in entries)
            if len(entries) < _MIN_ENTRIES or read * 3 < len(entries) * 2:
                continue
            if k:
                blocks.insert(i + 1, PBlock(block.rows[k:], block.region))
                block.rows = block.rows[:k]
                return i + 1, end + 1
            return i, end
    return None


def _style(block: PBlock) -> tuple:
    return heading_style(block) if block.kind == "heading" else ()


def _section_styles(blocks: list[PBlock], before: int) -> set[tuple]:
    return {heading_style(b) for b in blocks[:before] if b.kind == "heading"}


def _list_end(blocks: list[PBlock], start: int, styles: set[tuple]) -> int:
    """The first block after `start` that ends the list: a heading in a section heading's
    style, a named back-matter heading ("Appendix", "Acknowledgements"), or a numbered one."""
    for j in range(start, len(blocks)):
        block = blocks[j]
        if block.kind != "heading":
            continue
        text = block.text
        if (
            heading_style(block) in styles
            or heading_name(text) in _ENDING
            or (_NUMBERED_HEADING.match(text) and entry_label(text) is None)
        ):
            return j
    return len(blocks)


def _rows(blocks: list[PBlock]) -> list[Row]:
    return [(row, b.region) for b in blocks if b.kind not in _FLOATS for row in b.rows]


def _cut(blocks: list[PBlock]) -> list[PBlock] | None:
    rows = _rows(blocks)
    if not rows:
        return None
    rows, notes = _footnotes(rows)
    if entry_label(rows[0][0].text) is not None:
        groups = _by_labels(rows)
    else:
        groups = _by_edges(rows)
        if groups is None:
            return None
    entries = [PBlock([row for row, _ in group], group[0][1], "reference") for group in groups]
    floats = notes + [b for b in blocks if b.kind in _FLOATS]
    floats.sort(key=lambda b: (b.region.page, b.region.column, -b.rows[0].y))
    return entries + floats


def _by_labels(rows: list[Row]) -> list[list[Row]]:
    """A new entry at each row that starts with the next label; one that skips a number or two
    (an entry lost to the page) counts when it stands at the list's left edge too."""
    groups = [[rows[0]]]
    number = entry_label(rows[0][0].text)
    for row, region in rows[1:]:
        label = entry_label(row.text)
        if number is not None and label is not None:
            edge = row.x0 <= region.left + 0.6 * row.size
            if label == number + 1 or (number + 1 < label <= number + 3 and edge):
                groups.append([(row, region)])
                number = label
                continue
        groups[-1].append((row, region))
    return groups


def _by_edges(rows: list[Row]) -> list[list[Row]] | None:
    """Entries of a list with hanging indents: a row at the list's left edge (in its column)
    that starts as an entry does begins one; indented rows, and rows at the edge that start in
    lower case, go on. None when the list shows no hanging indents."""
    size = _common_size(rows)
    edges: dict[int, float] = {}
    for row, region in rows:
        if abs(row.size - size) < 0.6:
            edges[region.column] = min(edges.get(region.column, row.x0), row.x0)
    at_edge = [row.x0 < edges.get(region.column, region.left) + 0.6 * size for row, region in rows]
    indented = [
        not edge and row.x0 < edges.get(region.column, region.left) + 6 * size
        for (row, region), edge in zip(rows, at_edge, strict=True)
    ]
    if sum(indented) < 0.2 * len(rows) or sum(at_edge) < 2:
        return None
    groups: list[list[Row]] = []
    for (row, region), edge in zip(rows, at_edge, strict=True):
        text = row.text
        starts = BULLET.match(text) or (
            edge and not starts_lowercase(text) and not text[:1].isdigit()
        )
        if starts or not groups:
            groups.append([(row, region)])
        else:
            groups[-1].append((row, region))
    return groups


def _common_size(rows: list[Row]) -> float:
    sizes: Counter[float] = Counter()
    for row, _ in rows:
        sizes[row.size] += len(row.text)
    return sizes.most_common(1)[0][0]


def _footnotes(rows: list[Row]) -> tuple[list[Row], list[PBlock]]:
    """Rows in smaller type than the list at the foot of a column, set apart from the list by
    more than its line spacing: footnotes (a marker in the text's own size is not raised, so
    blocks.py cannot tell them)."""
    size = _common_size(rows)
    steps = [
        a.y - b.y
        for (a, ra), (b, rb) in zip(rows, rows[1:], strict=False)
        if ra is rb and abs(a.size - size) < 0.6 and abs(b.size - size) < 0.6
    ]
    step = sorted(steps)[len(steps) // 2] if steps else 1.2 * size
    notes: set[int] = set()
    by_region: dict[int, list[int]] = {}
    for i, (_, region) in enumerate(rows):
        by_region.setdefault(id(region), []).append(i)
    for indexes in by_region.values():
        foot = len(indexes)
        while foot > 1 and rows[indexes[foot - 1]][0].size < size - 0.5:
            foot -= 1
        if foot == len(indexes) or foot == 0:
            continue
        above, first = rows[indexes[foot - 1]][0], rows[indexes[foot]][0]
        if above.y - first.y > 1.5 * step:
            notes.update(indexes[foot:])
    if not notes:
        return rows, []
    blocks: list[PBlock] = []
    for i in sorted(notes):
        row, region = rows[i]
        marker = _NOTE_MARKER.match(row.text)
        if marker or not blocks or blocks[-1].region is not region:
            blocks.append(
                PBlock([row], region, "footnote", label=marker.group(1) if marker else "")
            )
        else:
            blocks[-1].rows.append(row)
    return [row for i, row in enumerate(rows) if i not in notes], blocks
