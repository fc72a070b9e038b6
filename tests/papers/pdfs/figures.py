"""Figures, tables, headings and front matter, typeset with reportlab the way papers print them.

`journal_paper()` is a two-column paper as LaTeX sets one (ACL/arXiv style):

- a title of three lines set loose (each line further below the last than the body's leading
  allows inside a paragraph), and metadata that name a Word file ("Microsoft Word - paper3.doc")
  and the authors;
- the authors side by side on one line, a little apart, with raised marks ("Jane Doe†",
  "John Roe∗1", "Ann Poe‡"), then the affiliation and the e-mail line;
- a footnote at the foot of the first column of page 1, "∗Equal contribution", its marker the
  math asterisk (U+2217) that TeX's symbol font gives, without a final period, under a rule,
  while a sentence runs from the first column into the second;
- Figure 1 floated to the top of the second column: a flowchart drawn with boxes and arrows
  whose labels are set in bold at the body size ("Question", "Retrieve passages", "Rank by
  BM25", "Read and answer"), dataset labels "NQ" and "BFS", axis ticks in small type, a panel
  label "(a)" set large (20 pt), and the caption "Figure 1: …" below; the sentence goes on after
  it;
- headings "1 Introduction" (13 pt bold), "2. The Buchert scheme" (bold at the body size, as
  older papers set numbered sections), "2.1 Data" (11 pt bold), "3 Results", and in the
  appendix "A Appendix" and "A.1 Proofs";
- Table 1 across both columns at the top of page 2, its caption above it: a header row of two
  groups ("SciFact", "TREC-COVID"), a header row of metrics ("Model F1 MAP nDCG MAP nDCG") in
  bold, rules, and five rows of numbers whose cells straddle the gutter;
- a numbered list in the appendix, as LaTeX's enumerate sets it (labels "1." … at an indent, the
  items without final periods, the second one wrapping);
- a footer on every page, "AUTHOR & SECOND 33" (the page number after the names), set in
  capitals close under the text.

`teaser_paper()` is a two-column paper whose page 1 has a figure across the page right under
the title block (a "teaser"): boxes with labels in bold and larger than the body, in title case
("Input Paper", "Structure Model"), then its caption, then the abstract and the columns.

`word_paper()` is a one-column manuscript as Word prints it: the title in bold at the body size,
metadata title "Microsoft Word - paper3.doc", authors with raised affiliation numbers, and
every heading at the body size, numbered "1.", "2.", "2.1.", "3.", in bold but the last, which
is set in the body's own type (the heading an older PDF's undetected bold face leaves).

The texts the tests look for are module constants.
"""

from reportlab.pdfbase.pdfmetrics import stringWidth

from bench.make_pdf import BODY, MARGIN, Writer

TITLE_LINES = [
    "Retrieval-Augmented Question Answering",
    "over Scientific Papers with Graph Search",
    "and Dense Passage Ranking",
]
TITLE = " ".join(TITLE_LINES)
AUTHORS = ["Jane Doe", "John Roe", "Ann Poe"]
MARKS = ["\u2020", "\u22171", "\u2021"]  # †, ∗1, ‡ (raised)
NOTE = "Equal contribution"
FOOTER = "AUTHOR & SECOND"
FIGURE_LABELS = ["Question", "Retrieve passages", "Rank by BM25", "Read and answer", "NQ", "BFS"]
CAPTION = "Figure 1: The retrieval pipeline and its recall on NQ and BFS."
TABLE_CAPTION = "Table 1: Retrieval results on the SciFact and TREC-COVID test sets."
TABLE = [
    ["", "SciFact", "TREC-COVID"],
    ["Model", "F1", "MAP", "nDCG", "MAP", "nDCG"],
    ["Random", "4.8", "9.4", "11.2", "3.1", "5.0"],
    ["BM25", "41.7", "52.3", "60.1", "48.2", "59.5"],
    ["DPR", "38.2", "49.9", "57.4", "45.0", "55.8"],
    ["SciBERT", "44.0", "55.1", "62.7", "50.3", "61.2"],
    ["Ours", "47.5", "58.6", "66.0", "53.9", "64.4"],
]
LIST_ITEMS = [
    "Sample twelve reading groups from the public registry",
    "Ask every member to read the same paper and mark the claims they doubt, the evidence "
    "they trust and the passages they would cite",
    "Compare the marks of each pair of members",
]
SECTIONS = [
    ("1 Introduction", 1),
    ("2. The Buchert scheme", 1),
    ("2.1 Data", 2),
    ("3 Results", 1),
    ("A Appendix", 1),
    ("A.1 Proofs", 2),
]

# Known paragraphs (words shorter than eight letters: the typesetter never hyphenates them).
CROSSING = (
    "The crossing sentence starts here and we read it with care, since a group that reads a "
    "paper must find each claim where the authors put it, and a note at the foot of a column "
    "must not break into the text it sits under; it goes on over the column break and ends "
    "only when all of its words have been read by the group."
)
AFTER_TABLE = (
    "The table shows that our model beats all the other models on both test sets, and that "
    "the gap is large for the MAP score."
)

_SHORT = (
    "we read the paper as a group and mark each claim and its proof so that the whole group "
    "can see where the text makes its case and where it does not"
).split()


def _filler(n: int, start: int = 0) -> str:
    words = [_SHORT[(start + i) % len(_SHORT)] for i in range(n)]
    return " ".join(words).capitalize() + "."


class _Journal(Writer):
    """The Writer with a footer in capitals close under the text, and floats that span both
    columns at the top of the next page."""

    def __init__(self) -> None:
        self.wide: list = []
        super().__init__(2)

    def _furniture(self) -> None:
        c = self.canvas
        c.setFont("Times-Roman", 8)
        c.drawCentredString(self.width / 2, MARGIN - 13, f"{FOOTER} {32 + self.page}")

    def _next_column(self) -> None:
        page = self.page
        super()._next_column()
        if self.page != page and self.wide:
            wide, self.wide = self.wide, []
            for draw in wide:
                draw()
            self.top = self.y


def _title_block(w: Writer) -> None:
    c = w.canvas
    y = w.height - MARGIN - 10
    c.setFont("Times-Bold", 17)
    for line in TITLE_LINES:
        c.drawCentredString(w.width / 2, y, line)
        y -= 32  # loose: more than the body's leading allows within a paragraph
    y -= 4
    # The authors side by side, about two ems apart, each with raised marks.
    parts = [(name, mark) for name, mark in zip(AUTHORS, MARKS, strict=True)]
    gap = 24.0
    widths = [
        stringWidth(n, "Times-Roman", 11) + stringWidth(m, "Times-Roman", 7) for n, m in parts
    ]
    x = (w.width - sum(widths) - gap * (len(parts) - 1)) / 2
    for (name, mark), width in zip(parts, widths, strict=True):
        c.setFont("Times-Roman", 11)
        c.drawString(x, y, name)
        mx = x + stringWidth(name, "Times-Roman", 11)
        for ch in mark:
            font = "Symbol" if ch == "\u2217" else "Times-Roman"
            c.setFont(font, 7)
            c.drawString(mx, y + 4.5, ch)
            mx += stringWidth(ch, font, 7)
        x += width + gap
    c.setFont("Times-Italic", 10)
    c.drawCentredString(w.width / 2, y - 14, "Department of Reading, University of Somewhere")
    c.setFont("Courier", 9)
    c.drawCentredString(w.width / 2, y - 26, "{jane,john,ann}@somewhere.edu")
    w.top = w.y = y - 56


def _equal_contribution(w: Writer) -> None:
    """The footnote at the foot of the first column of page 1: a rule, a raised ∗ (TeX's math
    asterisk) and the note in small type, no final period."""
    c = w.canvas
    c.setLineWidth(0.4)
    c.line(MARGIN, MARGIN + 11, MARGIN + 60, MARGIN + 11)
    c.setFont("Symbol", 5.5)
    c.drawString(MARGIN + 2, MARGIN + 3, "\u2217")
    c.setFont("Times-Roman", 7.5)
    c.drawString(MARGIN + 2 + stringWidth("\u2217", "Symbol", 5.5) + 0.5, MARGIN, NOTE)
    w.bottom = MARGIN + 16


def _figure(w: Writer) -> None:
    """The flowchart floated to the top of the next column, its caption below it."""

    def draw() -> None:
        c = w.canvas
        x0, top = w.x, w.y
        c.setFont("Helvetica", 20)
        c.drawString(x0, top - 20, "(a)")
        boxes = [
            ("Question", x0 + 30, top - 48),
            ("Retrieve passages", x0 + 120, top - 48),
            ("Rank by BM25", x0 + 30, top - 92),
            ("Read and answer", x0 + 120, top - 92),
        ]
        c.setLineWidth(0.8)
        for label, bx, by in boxes:
            width = stringWidth(label, "Times-Bold", BODY) + 10
            c.rect(bx - 5, by - 6, width, 20, stroke=1, fill=0)
            c.setFont("Times-Bold", BODY)
            c.drawString(bx, by, label)
        c.line(x0 + 80, top - 42, x0 + 113, top - 42)
        c.line(x0 + 160, top - 56, x0 + 60, top - 78)
        c.line(x0 + 100, top - 86, x0 + 113, top - 86)
        # A small plot: axis, ticks and two dataset labels.
        base = top - 140
        c.line(x0 + 30, base, x0 + 200, base)
        c.setFont("Helvetica", 6.5)
        for i, tick in enumerate(("0", "10", "20", "30", "40")):
            c.drawString(x0 + 30 + i * 40, base - 8, tick)
        c.setFont("Times-Bold", BODY)
        c.drawString(x0 + 60, base + 22, "NQ")
        c.drawString(x0 + 150, base + 10, "BFS")
        c.line(x0 + 30, base + 5, x0 + 200, base + 30)
        w.y = base - 14
        w._caption(CAPTION)

    w.floats.append(draw)


def _wide_table(w: Writer) -> None:
    """Table 1 across the page at the top of the next page, its caption above it."""

    def draw() -> None:
        c = w.canvas
        left, right = MARGIN, w.width - MARGIN
        y = w.height - MARGIN - 9
        label, _, rest = TABLE_CAPTION.partition(": ")
        c.setFont("Times-Bold", 9)
        c.drawString(left, y, label + ":")
        c.setFont("Times-Roman", 9)
        c.drawString(left + stringWidth(label + ": ", "Times-Bold", 9), y, rest)
        y -= 8
        c.setLineWidth(0.8)
        c.line(left, y, right, y)
        xs = [left + 4, left + 140, left + 200, left + 260, left + 330, left + 390]
        y -= 12
        c.setFont("Times-Bold", 9)
        c.drawCentredString((xs[1] + xs[3] + 20) / 2, y, TABLE[0][1])
        c.drawCentredString((xs[4] + xs[5] + 20) / 2, y, TABLE[0][2])
        c.setLineWidth(0.4)
        c.line(xs[1], y - 3, xs[3] + 24, y - 3)
        c.line(xs[4], y - 3, xs[5] + 24, y - 3)
        for r, row in enumerate(TABLE[1:]):
            y -= 12
            c.setFont("Times-Bold" if r == 0 else "Times-Roman", 9)
            for x, cell in zip(xs, row, strict=True):
                c.drawString(x, y, cell)
            if r == 0:
                c.line(left, y - 4, right, y - 4)
        c.setLineWidth(0.8)
        c.line(left, y - 5, right, y - 5)
        w.y = y - 24

    w.wide.append(draw)


def _numbered_list(w: Writer) -> None:
    """LaTeX's enumerate: the label at an indent, the items' lines at a deeper one."""
    c = w.canvas
    indent, text_indent = 8.0, 20.0
    for n, item in enumerate(LIST_ITEMS, 1):
        lines = w._wrap(item, BODY, "Times-Roman", first_indent=text_indent, indent=text_indent)
        for i, line in enumerate(lines):
            w._room(12.4)
            w.y -= 12.4
            if i == 0:
                c.setFont("Times-Roman", BODY)
                c.drawString(w.x + indent, w.y, f"{n}.")
            w._words(line, w.x + text_indent, w.y, "Times-Roman", BODY,
                     justify=i < len(lines) - 1, width=w.column_width - text_indent)  # fmt: skip
        w.y -= 2.0
    w.y -= 6.0  # the space after a list


def journal_paper() -> bytes:
    w = _Journal()
    w.canvas.setTitle("Microsoft Word - paper3.doc")
    w.canvas.setAuthor("Jane Doe, John Roe, Ann Poe")
    _title_block(w)
    _equal_contribution(w)
    w.heading("Abstract", 2)
    w.paragraph(_filler(60), indent=False)
    w.heading("1 Introduction", 1)
    w.paragraph(_filler(70, 3))
    # Fill the first column until the crossing paragraph has to break into the second.
    n = 0
    while w.column == 0 and w.y > MARGIN + 16 + 12.4 * 6:
        w.paragraph(_filler(18, n))
        n += 1
    _figure(w)
    w.paragraph(CROSSING)
    assert w.column == 1, "the crossing paragraph must reach the second column"
    w.paragraph(_filler(50, 5))
    w.heading("2. The Buchert scheme", 3)
    w.paragraph(_filler(80, 7))
    w.heading("2.1 Data", 2)
    _wide_table(w)
    while w.page == 1:
        w.paragraph(_filler(45, 2))
    w.heading("3 Results", 1)
    w.paragraph(AFTER_TABLE)
    for i in range(4):
        w.paragraph(_filler(70, i))
    w.heading("References", 1)
    w.reference("Doe, J. (2019). Reading in groups. Journal of Reading, 3(1), 1–10.")
    w.reference("Roe, J. (2021). Graph search for answers. Journal of Search, 9(2), 20–31.")
    w.heading("A Appendix", 1)
    w.paragraph(_filler(40, 1))
    w.heading("A.1 Proofs", 2)
    w.paragraph("The study ran in three steps:")
    _numbered_list(w)
    w.paragraph(_filler(40, 4))
    return w.finish()


WORD_TITLE = "Shared Annotation in Reading Groups: A Field Study"
WORD_SECTIONS = [("1. Introduction", 1), ("2. Methods", 1), ("2.1. Data", 2), ("3. Results", 1)]


def word_paper() -> bytes:
    """A Word manuscript: one column, everything at 11 pt, title and headings in bold."""
    size = 11.0
    w = Writer(1)
    w.canvas.setTitle("Microsoft Word - paper3.doc")
    w.canvas.setAuthor("jdoe")
    c = w.canvas
    y = w.height - MARGIN - 10
    c.setFont("Times-Bold", size)
    c.drawCentredString(w.width / 2, y, WORD_TITLE)
    y -= 2 * size * 1.15
    names = "Jane Doe", "John Roe"
    text = f"{names[0]}1, {names[1]}2"
    x = (w.width - stringWidth(text, "Times-Roman", size)) / 2
    for name, number, comma in ((names[0], "1", ", "), (names[1], "2", "")):
        c.setFont("Times-Roman", size)
        c.drawString(x, y, name)
        x += stringWidth(name, "Times-Roman", size)
        c.setFont("Times-Roman", 7)
        c.drawString(x, y + 4, number)
        x += stringWidth(number, "Times-Roman", 7)
        c.setFont("Times-Roman", size)
        c.drawString(x, y, comma)
        x += stringWidth(comma, "Times-Roman", size)
    y -= size * 1.15
    c.setFont("Times-Roman", size)
    c.drawCentredString(w.width / 2, y, "1 University of Somewhere, 2 Institute of Elsewhere")
    w.top = w.y = y - 2 * size
    for heading in ("Abstract", *(s for s, _ in WORD_SECTIONS)):
        w._room(4 * size)
        w.y -= size * 2.2  # Word's space before a heading
        # The last heading lost its bold (direct formatting, or a bold face PDFium cannot
        # tell): only its number, its place and the space above it make it a heading.
        c.setFont("Times-Roman" if heading == WORD_SECTIONS[-1][0] else "Times-Bold", size)
        c.drawString(w.x, w.y, heading)
        w.y -= 2
        for n in range(2):
            w.paragraph(_filler(60, n + len(heading)), size=size, indent=heading != "Abstract")
    return w.finish()


TEASER_LABELS = ["Input Paper", "Structure Model", "Reading View"]


def teaser_paper() -> bytes:
    w = Writer(2)
    w.title_block(
        "Teasers Above the Columns",
        "Ada Reader and Ben Scholar",
        "Department of Reading, University of Somewhere",
    )
    c = w.canvas
    y = w.y
    c.rect(MARGIN, y - 120, w.width - 2 * MARGIN, 110)
    c.setFont("Helvetica-Bold", 11)
    for i, label in enumerate(TEASER_LABELS):
        c.rect(MARGIN + 30 + 160 * i, y - 38 - 30 * i, 110, 20)
        c.drawString(MARGIN + 40 + 160 * i, y - 30 - 30 * i, label)
    c.setFont("Times-Roman", 9)
    c.drawCentredString(
        w.width / 2, y - 135, "Figure 1: From a paper to its reading view, part by part."
    )
    w.top = w.y = y - 160
    w.heading("Abstract", 2)
    w.paragraph("We read papers together. " * 12, indent=False)
    w.heading("1 Introduction", 1)
    for n in range(6):
        w.paragraph(_filler(60, n))
    return w.finish()
