"""Page layout: the document's body text size and leading, page furniture, side columns (and
line numbers, licence notes), columns and reading order.

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


_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s*(?:19|20)\d\d|copyright\b)", re.IGNORECASE)
_LINE_NUMBER = re.compile(r"^\d{1,4}$")
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Tab\.)\s*[A-Z]?\d", re.IGNORECASE)


def split_side_columns(pages: list[Page], stats: Stats) -> list[Line]:
    """Take the narrow side columns out of the pages (a journal's first page: the article type,
    "Cite this article", "Received … Published …", the licence box; margin notes) and return
    their lines, which are front matter; a column of bare numbers (line numbers) is dropped.

    Read with the body, top to bottom, their lines fall between the body's lines: sentences
    and citations split, "Review" fused with the "Summary" heading beside it, "Received" with
    "1 Abstract". So they go before reading order is decided."""
    front: list[Line] = []
    for page in pages:
        _drop_line_numbers(page, stats)
        if page.number == 1:
            front += _licence(page, stats)
        for _ in range(2):  # one at each edge at most
            side = _side_column(page, stats)
            if not side:
                break
            gone = {id(line) for line in side}
            page.lines = [line for line in page.lines if id(line) not in gone]
            front += side
    return front


def _drop_line_numbers(page: Page, stats: Stats) -> None:
    """A manuscript's line numbers: five or more bare numbers in the margin beside the text
    (clear of every other line by a gutter), one on each line's baseline."""
    numbers = [line for line in page.lines if _LINE_NUMBER.match(line.text)]
    if len(numbers) < 5:
        return
    ids = {id(line) for line in numbers}
    text = [line for line in page.lines if id(line) not in ids]
    if not text:
        return
    gutter = 0.8 * stats.size
    left = min(line.x0 for line in text) - gutter
    right = max(line.x1 for line in text) + gutter
    margin = {id(line) for line in numbers if line.x1 <= left or line.x0 >= right}
    if len(margin) >= 5:
        page.lines = [line for line in page.lines if id(line) not in margin]


def _licence(page: Page, stats: Stats) -> list[Line]:
    """Take out of page 1 a copyright or licence note set in small type in the text's flow
    ("© 2021 The Authors. Published by …" under an abstract, ACM's permission block at the foot
    of the first column): the paragraph of small type that has a line starting with "©",
    "(c) 2021" or "Copyright"."""
    ordered = sorted(page.lines, key=lambda line: -line.y)
    found = [
        i
        for i, line in enumerate(ordered)
        if line.size < stats.size - 0.3 and _COPYRIGHT.match(line.text)
    ]
    if not found:
        return []
    i = found[0]
    line = ordered[i]
    taken = [line]
    for step in (-1, 1):  # the lines of its paragraph above it, then below it
        last, j = line, i + step
        while 0 <= j < len(ordered):
            other = ordered[j]
            j += step
            if other.page != line.page or not (other.x0 < last.x1 and last.x0 < other.x1):
                continue  # beside it, in another column
            if (
                abs(other.y - last.y) >= 1.6 * last.size
                or abs(other.size - last.size) >= 0.3
                or (step == -1 and other.supers and other.supers[0][0] == 0)
            ):
                break  # a gap, other type, a footnote's first line
            taken.append(other)
            last = other
    gone = {id(line) for line in taken}
    page.lines = [line for line in page.lines if id(line) not in gone]
    return taken


def _side_column(page: Page, stats: Stats) -> list[Line]:
    """The lines of a side column at the left or right edge of the page, or [].

    A side column is a run of lines, one below the other, that stands beside running text
    across a clear vertical gutter: no line crosses the gutter over the run's height (a title
    above it or a two-column body below it may), and a blank of two and a half lines ends it.
    It is at the edge of the page's text, narrower than the text beside it (at most 60%),
    mostly in smaller type than the body (or, on page 1 only, a label of a line or two with
    nothing crossing near it), and neither a table (its lines do not sit on the baselines of
    the lines beside them) nor a figure with its caption. The gutters tried are the left edges
    that two lines or more start at."""
    lines = page.lines
    small_lines = [line for line in lines if line.size < stats.size - 0.3]
    if len(lines) < 6 or (page.number > 1 and len(small_lines) < 3):
        return []
    small = {id(line) for line in small_lines}
    gutter = 0.8 * stats.size
    lead = stats.leading * stats.size
    ordered = sorted(lines, key=lambda line: -line.y)
    starts = Counter(round(line.x0) for line in lines)
    for cut in sorted(x for x, n in starts.items() if n >= 2):
        if page.number > 1 and (
            sum(line.x1 <= cut - gutter for line in small_lines) < 3
            and sum(line.x0 >= cut - 1 for line in small_lines) < 3
        ):
            continue
        left = {id(line) for line in lines if line.x1 <= cut - gutter}
        right = {id(line) for line in lines if line.x0 >= cut - 1}
        if not left or not right:
            continue
        for edge, mine, theirs in (("left", left, right), ("right", right, left)):
            if page.number > 1 and len(mine & small) < 3:
                continue
            # What stands beside a side column is at least as wide as 1/0.6 of it.
            width = max(line.x1 for line in lines if id(line) in theirs) - min(
                line.x0 for line in lines if id(line) in theirs
            )
            run: list[Line] = []
            for line in [*ordered, None]:
                if line is not None and id(line) in theirs:
                    continue
                if (
                    line is not None
                    and id(line) in mine
                    and not (run and run[-1].y - line.y > 2.5 * lead)
                ):
                    run.append(line)
                    continue
                # The run ends: a line across the gutter, a wide blank, the page's end.
                if (
                    run
                    and _may_be_side(run, small, width, page)
                    and _is_side(run, theirs, edge, page, stats)
                ):
                    return run
                run = [line] if line is not None and id(line) in mine else []
    return []


def _may_be_side(run: list[Line], small: set[int], width: float, page: Page) -> bool:
    """The cheap tests first: three lines or more mostly in small type (not body text: a list,
    a column of three), or a label on page 1; narrow enough."""
    if len(run) >= 3:
        if sum(id(line) in small for line in run) * 2 <= len(run):
            return False
    elif page.number > 1:
        return False
    return max(line.x1 for line in run) - min(line.x0 for line in run) <= 0.6 * width


def _is_side(run: list[Line], theirs: set[int], edge: str, page: Page, stats: Stats) -> bool:
    if sum(ch.isalpha() for line in run for ch in line.text) < 4:
        return False
    lead = stats.leading * stats.size
    x0, x1 = min(line.x0 for line in run), max(line.x1 for line in run)
    top, bottom = max(line.top for line in run), min(line.bottom for line in run)
    members = {id(line) for line in run}
    beside: list[Line] = []
    for line in page.lines:
        if id(line) in members:
            continue
        if (edge == "left" and line.x0 < x0 - 1) or (edge == "right" and line.x1 > x1 + 1):
            return False  # not at the edge of the page's text: a table or figure in a column
        near = bottom - 3 * lead < line.y < top + 3 * lead
        if not near:
            continue
        if id(line) in theirs:
            beside.append(line)
        elif len(run) < 3:
            return False  # a label with a line crossing next to it: a heading in a column
        if _CAPTION.match(line.text) and line.x0 < x1 and x0 < line.x1:
            return False  # a figure or table with its caption, or a caption in the margin
    if len(beside) < 2 or median(len(line.text) for line in beside) < 25:
        return False  # no running text beside it
    if x1 - x0 > 0.6 * (max(line.x1 for line in beside) - min(line.x0 for line in beside)):
        return False
    paired = sum(any(abs(line.y - other.y) < 0.2 * stats.size for other in beside) for line in run)
    return len(run) < 3 or paired < 0.7 * len(run)


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
        if side != "S" and band["S"] and not band["L"] and not band["R"]:
            # The short last line of a spanning block (a title set flush left) goes with it.
            above = band["S"][-1]
            if (
                above.y - line.y <= 1.3 * above.size
                and abs(line.size - above.size) < 0.5
                and abs(line.x0 - above.x0) < 0.5 * above.size
            ):
                side = "S"
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
