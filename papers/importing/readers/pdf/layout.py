"""Page layout: the document's body text size and leading, page furniture, columns and
reading order.

Everything is measured on the document itself, never assumed: the body size is the size most
characters have, the leading the most common distance between its lines; what comes back at the
same height of the page from page to page is a running header or footer.
"""

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from .extract import Line, Page


@dataclass
class Stats:
    size: float  # body text size
    leading: float  # baseline distance over font size between lines of one paragraph


@dataclass
class Region:
    """Lines read as one run: a column of a page, or a band spanning the page's width."""

    lines: list[Line]
    page: int
    left: float = 0.0  # the column's left edge: where unindented lines start
    right: float = 0.0
    column: int = 0  # 0 single column or spanning, 1 left, 2 right


_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—]?\s*[\divxlc]{1,6}\s*[-–—]?(?:\s*(?:of|/)\s*\d+)?$",
                          re.IGNORECASE)  # fmt: skip


def measure(pages: list[Page]) -> Stats:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[line.size] += len(line.text)
    size = sizes.most_common(1)[0][0] if sizes else 10.0
    ratios: list[float] = []
    for page in pages:
        body = [line for line in page.lines if abs(line.size - size) < 0.5]
        ordered = sorted(body, key=lambda line: (line.x0 // 100, -line.y))
        for a, b in zip(ordered, ordered[1:], strict=False):
            step = (a.y - b.y) / size
            if 0.9 < step < 2.0 and abs(a.x0 - b.x0) < 3 * size:
                ratios.append(round(step, 2))
    leading = Counter(ratios).most_common(1)[0][0] if ratios else 1.2
    return Stats(size=size, leading=leading)


def split_furniture(pages: list[Page], stats: Stats) -> list[Line]:
    """Take running headers, footers and page numbers out of the pages; return the lines of the
    first page's margins that are not furniture (journal, DOI, licence: front matter).

    Furniture sits in the top or bottom band of the page and comes back at the same height on
    other pages with the same words (numbers aside: "86 VOL. 5" and "88 VOL. 5"), or is a bare
    page number; in a short paper whose alternating headers cannot repeat, a header is also a
    lone small-type line at the top. The margins are the heights furniture occupies; what else
    page 1 has there is front matter."""
    seen: dict[str, list[tuple[int, float]]] = {}
    banded: list[tuple[Page, Line, str]] = []
    for page in pages:
        for line, band in _edge_lines(page, stats):
            seen.setdefault(_furniture_key(line.text), []).append((page.number, line.y))
            banded.append((page, line, band))
    furniture: set[int] = set()
    for page, line, band in banded:
        key = _furniture_key(line.text)
        again = any(n != page.number and abs(y - line.y) <= 3 for n, y in seen[key])
        if (key and again) or (key == "#" and len(pages) == 1):
            furniture.add(id(line))
        elif band == "top" and page.number > 1 and _lone_header(line, page, stats):
            furniture.add(id(line))
    tops = [line.y for page, line, band in banded if id(line) in furniture and band == "top"]
    bottoms = [line.y for page, line, band in banded if id(line) in furniture and band != "top"]
    top = min(tops) - 0.5 * stats.size if tops else float("inf")
    bottom = max(bottoms) + 0.5 * stats.size if bottoms else float("-inf")
    front: list[Line] = []
    for page in pages:
        kept = []
        for line in page.lines:
            if id(line) in furniture:
                continue
            if page.number == 1 and (line.y >= top or line.y <= bottom):
                front.append(line)
                continue
            kept.append(line)
        page.lines = kept
    return front


def _edge_lines(page: Page, stats: Stats) -> list[tuple[Line, str]]:
    """The lines that may be furniture: the rows nearest the top and the bottom edge (three at
    most, in the outer 15% of the page), up to the first wide gap that sets them apart from the
    text. A row of several cells is a table's, not furniture."""
    rows: list[list[Line]] = []
    for line in sorted(page.lines, key=lambda line: -line.y):
        if rows and abs(rows[-1][0].y - line.y) < 0.3 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    gap = 1.5 * stats.leading * stats.size
    found: list[tuple[Line, str]] = []
    for band, ordered in (("top", rows), ("bottom", rows[::-1])):
        for i, row in enumerate(ordered[:3]):
            y = row[0].y
            inside = y > 0.85 * page.height if band == "top" else y < 0.15 * page.height
            if not inside or len(row) > 2:
                break
            if i + 1 == len(ordered) or abs(ordered[i + 1][0].y - y) > gap:
                found += [(line, band) for row in ordered[: i + 1] for line in row]
                break
    return found


def _lone_header(line: Line, page: Page, stats: Stats) -> bool:
    """The topmost line, near the page's edge, short, in small type, and two lines clear of
    what follows: a running header (a table's caption at the top of a page is lower)."""
    if line.size >= stats.size - 0.5 or len(line.text) > 80 or line.y < 0.9 * page.height:
        return False
    below = [other.y for other in page.lines if other.y < line.y - 1]
    above = [other for other in page.lines if other.y > line.y + 1]
    return not above and (not below or line.y - max(below) > 2 * stats.leading * stats.size)


def _furniture_key(text: str) -> str:
    # Page numbers and volume numbers change from page to page; the words do not. A bare page
    # number ("12", "xii", "- 3 -") is "#".
    if _PAGE_NUMBER.match(text.strip()):
        return "#"
    return " ".join(re.sub(r"[\d\W_]+", " ", text.casefold()).split())


def regions(page: Page, stats: Stats) -> list[Region]:
    """The page's lines in reading order, as regions: bands that span the page, and the left then
    the right column of each two-column stretch between them."""
    lines = page.lines
    if not lines:
        return []
    texty = [line for line in lines if len(line.text) >= 10]
    left_edge = min((line.x0 for line in texty), default=0.0)
    right_edge = max((line.x1 for line in texty), default=page.width)
    width = right_edge - left_edge
    middle = (left_edge + right_edge) / 2
    slack = 0.02 * width
    left = [line for line in texty if line.x1 <= middle + slack]
    right = [line for line in texty if line.x0 >= middle - slack]
    two_columns = (
        min(len(left), len(right)) >= max(3, 0.2 * len(texty))
        # Real columns run up to the gutter; table cells and short labels do not.
        and median(line.x1 for line in left) > middle - 0.15 * width
        and median(line.x0 for line in right) < middle + 0.15 * width
    )
    if not two_columns:
        return [_region(lines, page.number, 0, stats)]
    out: list[Region] = []
    band: dict[str, list[Line]] = {"S": [], "L": [], "R": []}
    last_y = {"L": None, "R": None}

    def flush() -> None:
        if band["S"]:
            out.append(_region(band["S"], page.number, 0, stats))
        for side, column in (("L", 1), ("R", 2)):
            if band[side]:
                out.append(_region(band[side], page.number, column, stats))
        band["S"], band["L"], band["R"] = [], [], []
        last_y["L"] = last_y["R"] = None

    gap = 3 * stats.leading * stats.size
    for line in sorted(lines, key=lambda line: -line.y):
        side = "L" if line.x1 <= middle + slack else "R" if line.x0 >= middle - slack else "S"
        if side == "S":
            if band["L"] or band["R"]:
                flush()
            band["S"].append(line)
            continue
        if band["S"]:
            flush()
        # Both columns blank for a long stretch: a new band (authors set side by side above
        # the abstract), not one column running on.
        ys = [y for y in last_y.values() if y is not None]
        if ys and min(ys) - line.y > gap:
            flush()
        band[side].append(line)
        last_y[side] = line.y
    flush()
    return out


def _region(lines: list[Line], page: int, column: int, stats: Stats) -> Region:
    rows = _rows(lines)
    body = [row for row in rows if abs(row.size - stats.size) < 0.5 and row.cells == 1] or rows
    starts = Counter(round(row.x0) for row in body)
    # The edge most lines start at; an indented first line or a centred heading does not move it.
    left = min(x for x, n in starts.items() if n >= max(starts.values()) * 0.3)
    ends = sorted(row.x1 for row in body)
    right = ends[int(len(ends) * 0.8)] if len(ends) > 2 else ends[-1]
    return Region(rows, page, left, right, column)


def _rows(lines: list[Line]) -> list[Line]:
    """Lines top to bottom; pieces on one baseline (table cells, a line cut by a wide gap) become
    one row, left to right, and so do subscripts set on their own below a line."""
    ordered = sorted(lines, key=lambda line: -line.y)
    rows: list[list[Line]] = []
    lows: list[int] = []  # subscript pieces in each row: not cells of a table
    for line in ordered:
        if rows:
            above = rows[-1][0]
            drop = above.y - line.y
            same = abs(drop) < 0.3 * min(line.size, above.size)
            low = 0 < drop < 0.45 * above.size and line.size < 0.85 * above.size
            if same or low:
                rows[-1].append(line)
                lows[-1] += not same
                continue
        rows.append([line])
        lows.append(0)
    return [_merge(row, low) for row, low in zip(rows, lows, strict=True)]


def _merge(pieces: list[Line], low: int) -> Line:
    if len(pieces) == 1:
        return pieces[0]
    pieces.sort(key=lambda line: line.x0)
    text, supers, styled, chars = "", [], [], []
    for piece in pieces:
        if text:
            text += " "
        supers += [(a + len(text), b + len(text)) for a, b in piece.supers]
        styled += [(a + len(text), b + len(text), style) for a, b, style in piece.styled]
        text += piece.text
        chars += piece.chars
    main = max(pieces, key=lambda line: len(line.text))
    return Line(
        chars=chars,
        page=main.page,
        text=text,
        x0=pieces[0].x0,
        x1=max(piece.x1 for piece in pieces),
        y=main.y,
        size=main.size,
        bold=sum(p.bold * len(p.text) for p in pieces) / len(text),
        italic=sum(p.italic * len(p.text) for p in pieces) / len(text),
        supers=supers,
        styled=styled,
        cells=sum(piece.cells for piece in pieces) - low,
    )
