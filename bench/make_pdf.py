"""PDF import benchmark, and the PDF maker the tests share.

    python bench/make_pdf.py [--pages 20] [--columns 1] [--repeat 3]

`make_pdf(pages, columns)` typesets a paper of exactly `pages` A4 pages with reportlab, the way
journals do: a title block spanning the page, one or two justified columns, numbered section and
sub-section headings in bold at two sizes, paragraphs with first-line indents and author-year
citations, words hyphenated at line ends, footnotes at the foot of the column their marker is
in, figures and tables floated to the top of the next column (so a caption can fall inside a
sentence), running headers that alternate between even and odd pages, page numbers, and a
reference list with hanging indents. `Writer` is the typesetter, for tests that need a page
laid out just so (`paragraph(lines=[...])` sets given line breaks).

Prints the best parse time over several runs (reader alone, and the whole pipeline without the
database). Targets: a 20-page single-column PDF in under 2 s, two columns in under 4 s, time per
page roughly constant from 20 to 400 pages.
"""

import argparse
import io
import random
import re
import sys
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parent.parent

BODY, LEADING = 10.0, 12.4
MARGIN = 72.0
GUTTER = 18.0
_NOTE = re.compile(r"\[\[fn:(.+?)\]\]")


class Writer:
    """A small typesetter on a reportlab canvas: columns, justified lines, footnotes, floats."""

    def __init__(self, columns: int = 1, *, header: str = "", journal: str = "") -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=0)
        self.width, self.height = A4
        self.columns = columns
        self.header, self.journal = header, journal
        self.column_width = (self.width - 2 * MARGIN - (columns - 1) * GUTTER) / columns
        self.page = 1
        self.column = 0
        self.top = self.height - MARGIN  # where columns start (lower on page 1)
        self.y = self.top
        self.bottom = MARGIN
        self.notes: list[tuple[str, str]] = []  # footnotes of the current column
        self.floats: list = []  # figures and tables waiting for the next column
        self.note_number = 0
        self.pending: dict[str, tuple[str, str]] = {}  # footnotes whose marker is not set yet
        self.figure_number = 0
        self.table_number = 0
        self._furniture()

    # Page furniture and columns.

    def _furniture(self) -> None:
        c = self.canvas
        c.setFont("Times-Roman", 9)
        c.drawCentredString(self.width / 2, 40, str(self.page))
        if self.page > 1 and self.header:
            c.setFont("Times-Roman", 8)
            if self.page % 2:
                c.drawRightString(self.width - MARGIN, self.height - 45, self.header.upper())
            else:
                c.drawString(MARGIN, self.height - 45, f"{self.journal} {self.page}")

    @property
    def x(self) -> float:
        return MARGIN + self.column * (self.column_width + GUTTER)

    def _next_column(self) -> None:
        self._draw_notes()
        if self.column + 1 < self.columns:
            self.column += 1
        else:
            self.canvas.showPage()
            self.page += 1
            self.column = 0
            self.top = self.height - MARGIN
            self._furniture()
        self.y = self.top
        self.bottom = MARGIN
        floats, self.floats = self.floats, []
        for draw in floats:
            draw()

    def _room(self, height: float) -> None:
        if self.y - height < self.bottom:
            self._next_column()

    def _draw_notes(self) -> None:
        if not self.notes:
            return
        c = self.canvas
        y = MARGIN + sum(len(self._wrap(t, 7.5, "Times-Roman", 8)) * 9.5 for _, t in self.notes)
        c.setLineWidth(0.4)
        c.line(self.x, y - 1, self.x + 60, y - 1)
        for marker, text in self.notes:
            lines = self._wrap(text, 7.5, "Times-Roman", first_indent=8)
            y -= 9.5
            c.setFont("Times-Roman", 5.5)
            c.drawString(self.x + 2, y + 3, marker)
            for i, line in enumerate(lines):
                indent = 8 if i == 0 else 0
                self._words(
                    line,
                    self.x + indent,
                    y,
                    "Times-Roman",
                    7.5,
                    justify=i < len(lines) - 1,
                    width=self.column_width - indent,
                )
                if i < len(lines) - 1:
                    y -= 9.5
        self.notes = []

    # Text.

    def _wrap(self, text: str, size: float, font: str, first_indent: float = 0.0,
              indent: float = 0.0, hyphenate: bool = False) -> list[str]:  # fmt: skip
        """Greedy line breaks; `first_indent` narrows the first line, `indent` the others."""
        lines, line = [], ""
        width = self.column_width - first_indent
        for word in text.split():
            trial = f"{line} {word}" if line else word
            if _width(trial, font, size) <= width:
                line = trial
                continue
            if hyphenate and len(word) >= 8 and line:
                # Break a long word the way TeX would: a hyphen and the rest on the next line.
                for cut in range(len(word) - 3, 3, -1):
                    head = f"{line} {word[:cut]}-"
                    if word[: cut + 1].isalpha() and _width(head, font, size) <= width:
                        line, word = head, word[cut:]
                        break
            if line:
                lines.append(line)
            line, width = word, self.column_width - indent
        if line:
            lines.append(line)
        return lines

    def _words(self, line: str, x: float, y: float, font: str, size: float, *, justify: bool,
               width: float) -> None:  # fmt: skip
        """One line, word by word (no space characters, as TeX writes), justified if asked."""
        c = self.canvas
        words = line.split()
        natural = sum(_width(w, font, size) for w in words)
        space = stringWidth(" ", font, size)
        if justify and len(words) > 1:
            space = max(space, (width - natural) / (len(words) - 1))
        for word in words:
            plain = re.sub(r"\x00\d+", "", word)
            c.setFont(font, size)
            c.drawString(x, y, plain)
            x += stringWidth(plain, font, size)
            for marker in re.findall(r"\x00(\d+)", word):
                c.setFont("Times-Roman", size * 0.6)
                c.drawString(x, y + size * 0.38, marker)
                x += stringWidth(marker, "Times-Roman", size * 0.6)
            x += space

    def title_block(self, title: str, authors: str, affiliation: str) -> None:
        c = self.canvas
        y = self.height - MARGIN - 10
        c.setFont("Times-Bold", 17)
        c.drawCentredString(self.width / 2, y, title)
        c.setFont("Times-Roman", 11)
        c.drawCentredString(self.width / 2, y - 26, authors)
        c.setFont("Times-Italic", 10)
        c.drawCentredString(self.width / 2, y - 40, affiliation)
        self.top = self.y = y - 70

    def heading(self, text: str, level: int = 1) -> None:
        size = {1: 13.0, 2: 11.0}.get(level, BODY)
        self._room(size * 1.4 + 2 * LEADING)  # never alone at a column's foot
        self.y -= size * 1.1 if self.y < self.top else 0
        self.y -= size
        self.canvas.setFont("Times-Bold", size)
        self.canvas.drawString(self.x, self.y, text)
        self.y -= size * 0.6

    def paragraph(self, text: str = "", *, lines: list[str] | None = None, indent: bool = True,
                  size: float = BODY) -> None:  # fmt: skip
        """A justified paragraph; `lines` gives the line breaks instead of wrapping `text`. A
        footnote is written inline as "word[[fn:Text of the note.]]"."""
        first = 12.0 if indent else 0.0
        if lines is None:
            text = _NOTE.sub(self._note_marker, text)
            wrapped = self._wrap(text, size, "Times-Roman", first_indent=first, hyphenate=True)
        else:
            wrapped = [_NOTE.sub(self._note_marker, line) for line in lines]
        leading = size * 1.24
        for i, line in enumerate(wrapped):
            notes = [self.pending.pop(n) for n in re.findall(r"\x00(\d+)", line)]
            heights = [len(self._wrap(t, 7.5, "Times-Roman", 8)) * 9.5 + 6 for _, t in notes]
            self._room(leading + sum(heights))
            self.notes += notes
            self.bottom += sum(heights)
            self.y -= leading
            x = self.x + (first if i == 0 else 0)
            self._words(line, x, self.y, "Times-Roman", size, justify=i < len(wrapped) - 1,
                        width=self.column_width - (x - self.x))  # fmt: skip
        self.y -= 1.0

    def line_ending(self, end: str, filler: list[str], *, start: str = "") -> str:
        """A line of `start`, filler words and `end` (say "secu-") that fills most of a column,
        so that justifying it leaves ordinary word spaces: for `paragraph(lines=...)`."""
        words = [start] if start else []
        fill = iter(filler * 20)
        while _width(" ".join([*words, end]), "Times-Roman", BODY) < 0.88 * self.column_width:
            words.append(next(fill))
        while words and _width(" ".join([*words, end]), "Times-Roman", BODY) > self.column_width:
            words.pop()
        return " ".join([*words, end])

    def _note_marker(self, match: re.Match) -> str:
        self.note_number += 1
        self.pending[str(self.note_number)] = (str(self.note_number), match[1])
        return f"\x00{self.note_number}"

    def reference(self, text: str) -> None:
        """An entry of the reference list, with a hanging indent."""
        size, leading = 9.0, 11.0
        lines = self._wrap(text, size, "Times-Roman", indent=12)
        for i, line in enumerate(lines):
            self._room(leading)
            self.y -= leading
            x = self.x + (12 if i else 0)
            self._words(line, x, self.y, "Times-Roman", size, justify=i < len(lines) - 1,
                        width=self.column_width - (x - self.x))  # fmt: skip
        self.y -= 3

    def fits(self, height: float) -> bool:
        return self.y - height >= self.bottom

    def figure(self, caption: str, height: float = 90.0) -> None:
        """A figure floated to the top of the next column, its caption below it."""
        self.figure_number += 1
        number = self.figure_number

        def draw() -> None:
            c = self.canvas
            c.setFillGray(0.85)
            c.rect(self.x, self.y - height, self.column_width, height, stroke=0, fill=1)
            c.setFillGray(0)
            self.y -= height + 4
            self._caption(f"Figure {number}: {caption}")

        self.floats.append(draw)

    def table(self, caption: str, rows: list[list[str]]) -> None:
        """A table floated to the top of the next column, its caption above it."""
        self.table_number += 1
        number = self.table_number

        def draw() -> None:
            self._caption(f"Table {number}: {caption}")
            step = self.column_width / len(rows[0])
            for row in rows:
                self.y -= 11
                self.canvas.setFont("Times-Roman", 8.5)
                for i, cell in enumerate(row):
                    self.canvas.drawString(self.x + i * step, self.y, cell)
            self.y -= 12

        self.floats.append(draw)

    def _caption(self, text: str) -> None:
        label, _, rest = text.partition(": ")
        lines = self._wrap(text, 9, "Times-Roman")
        for i, line in enumerate(lines):
            self.y -= 11
            x = self.x
            if i == 0:
                self.canvas.setFont("Times-Bold", 9)
                self.canvas.drawString(x, self.y, label + ":")
                x += stringWidth(label + ": ", "Times-Bold", 9)
                line = line[len(label) + 2 :]
            self._words(line, x, self.y, "Times-Roman", 9, justify=i < len(lines) - 1,
                        width=self.column_width - (x - self.x))  # fmt: skip
        self.y -= 10

    def finish(self) -> bytes:
        self._draw_notes()
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def _width(text: str, font: str, size: float) -> float:
    plain = _NOTE.sub("", text)
    markers = re.findall(r"\x00(\d+)", plain)
    plain = re.sub(r"\x00\d+", "", plain)
    return stringWidth(plain, font, size) + sum(
        stringWidth(m, "Times-Roman", size * 0.6) for m in markers
    )


# A realistic paper.

_WORDS = (
    "reading groups annotate papers together and argue about evidence claims theory method "
    "sample analysis results suggest that the effect of shared reading on comprehension is "
    "larger when members disagree openly while moderators keep the discussion focused on the "
    "text itself rather than on the people who wrote it or the venue where it appeared "
    "interpretation measurement replication transparency accountability deliberation"
).split()
_SURNAMES = (
    "Smith Garcia Okafor Lindqvist Tanaka Moreau Novak Haddad Kowalski Ferreira Osei Brennan "
    "Varga Iyer Castillo Weber"
).split()
_TOPICS = (
    "Introduction|Related Work|Data and Methods|Sampling|Measures|Results|Robustness|"
    "Discussion|Limitations|Implications for Practice|Conclusion"
).split("|")


def _sentence(rng: random.Random, cite: bool) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(9, 20))]
    words[0] = words[0].capitalize()
    if cite:
        name = rng.choice(_SURNAMES)
        words.insert(rng.randint(3, len(words) - 1), f"({name} et al., {rng.randint(1990, 2023)})")
    return " ".join(words) + "."


def _paragraph_text(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.random() < 0.35) for _ in range(rng.randint(4, 8)))


def make_pdf(pages: int = 20, columns: int = 1, seed: int = 1) -> bytes:
    """A paper of exactly `pages` pages in `columns` columns (see the module's docstring)."""
    rng = random.Random(seed)
    writer = Writer(columns, header="Reading together", journal="Journal of Reading Groups 12")
    writer.title_block(
        "Reading Together: How Groups Annotate Scholarly Papers",
        "Ada Reader, Ben Scholar and Chen Li",
        "Department of Reading, University of Somewhere",
    )
    writer.heading("Abstract", 2)
    writer.paragraph(_paragraph_text(rng), indent=False)
    section = 0
    while writer.page < pages:
        section += 1
        writer.heading(f"{section} {_TOPICS[(section - 1) % len(_TOPICS)]}", 1)
        for sub in range(rng.randint(0, 2) + 1):
            if sub:
                writer.heading(f"{section}.{sub} {rng.choice(_TOPICS)}", 2)
            for _ in range(rng.randint(2, 4)):
                text = _paragraph_text(rng)
                if rng.random() < 0.3:
                    word = rng.choice(_WORDS)
                    note = f"[[fn:See https://example.org/notes/{section} for {word} details.]]"
                    text = text.replace(" ", f"{note} ", 1)
                writer.paragraph(text)
                if rng.random() < 0.12:
                    writer.figure(f"The {rng.choice(_WORDS)} of {rng.choice(_WORDS)} by group.")
                if rng.random() < 0.08:
                    rows = [["Group", "Papers", "Notes", "Claims"]] + [
                        [f"G{i}", str(rng.randint(5, 90)), str(rng.randint(10, 900)),
                         f"{rng.random():.2f}"] for i in range(1, 5)
                    ]  # fmt: skip
                    writer.table(f"Annotations per {rng.choice(_WORDS)}.", rows)
                if writer.page >= pages:
                    break
            if writer.page >= pages:
                break
    writer.floats = []
    writer.heading("References", 1)
    for i in range(200):
        name, other = rng.choice(_SURNAMES), rng.choice(_SURNAMES)
        entry = (
            f"{name}, {chr(65 + i % 26)}., & {other}, B. ({1990 + i % 34}). "
            f"{_sentence(rng, False)[:-1].capitalize()}. Journal of {rng.choice(_WORDS).title()} "
            f"Studies, {i % 40 + 1}({i % 4 + 1}), {i + 10}–{i + 30}."
        )
        if not writer.fits(11 * 4):
            break
        writer.reference(entry)
    return writer.finish()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--columns", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from papers.importing import parse_document
    from papers.importing.readers.pdf import read_pdf

    data = make_pdf(args.pages, args.columns)
    for name, run in (("reader", lambda: read_pdf(data)),
                      ("pipeline", lambda: parse_document(data, fmt="pdf"))):  # fmt: skip
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
        print(f"{args.pages} pages, {args.columns} column(s), {len(data) / 1024:.0f} KB: "
              f"{name} {best * 1000:.0f} ms ({best / args.pages * 1000:.1f} ms/page)")  # fmt: skip


if __name__ == "__main__":
    main()
