"""Pages that weave other text into the body, and glyphs that lose their letters, typeset with
reportlab the way journals, arXiv and older PDF producers print them.

`side_column_paper()`: a two-column journal article whose first page has a narrow side column
at the left (the Royal Society's and eLife's layout) in small sans-serif type: the article type
"Review" in bold on the same baseline as the "Summary" heading, "Cite this article: …",
"Received 3 May 2021" / "Published 9 June 2021", subject areas, the corresponding author, and a
licence box (a framed paragraph: "© 2021 The Authors. … Creative Commons Attribution License
…"). The title, the summary and the two body columns sit to the right of it; the summary and the
first paragraphs of the introduction run beside the side column, with citations.

`stamped_paper()`: an arXiv preprint in one column: page 1 carries arXiv's stamp
"arXiv:2101.01234v2 [cs.CL] 3 Jan 2021" turned 90° in the left margin, in 20-point type
(larger than the title), as arXiv adds it.

`info_box_paper()`: Elsevier's first page: under a title spanning the page, an "ARTICLE INFO"
box (letter-spaced heading, "Article history: Received … Accepted … Available online …",
keywords one a line) in the left third beside the "ABSTRACT" in the right two thirds, a
"© 2021 The Authors. Published by Elsevier Ltd." line under it, then two body columns.

`line_numbered_paper()`: a one-column manuscript under review, every line numbered in the left
margin on its baseline, on every page.

`permission_paper()`: a two-column conference paper whose first column ends in ACM's
permission block in 7-point type ("Permission to make digital or hard copies …", the venue,
"© 2020 Association for Computing Machinery." with the © drawn as TeX draws it, the ISBN and
the DOI); a paragraph runs from the first column, past the block, into the second.

`letterspaced_paper()`: an older PDF (Ghostscript's way): all text in a 1-point font scaled up
by the text matrix ("/F1 1 Tf 10 0 0 10 x y Tm"), every word placed on its own (no space
characters, as TeX writes), and the section headings letter-spaced (character spacing, Tc).

`smallcaps_paper()`: section headings in small capitals made the way Word and older styles
make them, capitals in two sizes ("1 I" + "NTRODUCTION" at 80%), over bold sub-section headings
in body size: the sections are the higher level.

`ligature_paper(mapped=False)`: body text in DejaVu Serif using the ligature glyphs (ﬁ ﬂ ﬀ ﬃ
ﬄ) whose ToUnicode entries are then emptied, as in fonts that give a ligature no Unicode
mapping; a "©" made as TeX's \\copyright makes it (a circle glyph, itself unmapped, drawn over
a small "c"). `mapped=True` leaves the mappings in place.
"""

import io
import re

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from bench.make_pdf import BODY, GUTTER, MARGIN, Writer

WIDTH, HEIGHT = A4
DEJAVU = "/usr/share/fonts/truetype/dejavu/"

# The side column paper.

SIDE_LEFT, SIDE_RIGHT = 40.0, 150.0  # the side column on page 1
MAIN_LEFT, MAIN_RIGHT = 168.0, WIDTH - 40.0  # the title, summary and body columns
SIDE_FONT, SIDE_SIZE, SIDE_LEADING = "Helvetica", 7.5, 9.5

SIDE_TITLE = "Reading in Small Groups: Who Speaks and Who Annotates"
SIDE_AUTHORS = ["Ada Reader", "Ben Scholar"]
SUMMARY = (
    "Reading groups meet to argue about papers, yet most of what they conclude is never "
    "written down. We followed twelve groups for a year and recorded who spoke, who annotated "
    "and which claims survived the discussion. Groups that annotated before they met argued "
    "about evidence rather than about each other, and their quietest members wrote a third of "
    "all notes."
)
SIDE_NOTES = [
    ("Cite this article:", "Reader A, Scholar B. 2021 Reading in small groups: who speaks and "
     "who annotates. J. Read. Groups 12: 210345. https://doi.org/10.1234/jrg.2021.0345"),
    ("", "Received 3 May 2021"),
    ("", "Published 9 June 2021"),
    ("Subject areas:", "cognition, education"),
    ("Keywords:", "reading groups, annotation, argument"),
    ("Author for correspondence:", "Ada Reader e-mail: ada.reader@example.org"),
]  # fmt: skip
LICENCE = (
    "© 2021 The Authors. Published by the Society for Reading under the terms of the Creative "
    "Commons Attribution License http://creativecommons.org/licenses/by/4.0/, which permits "
    "unrestricted use, provided the original author and source are credited."
)
# The first paragraph of the introduction runs beside the side column: its sentences and
# citations must come out whole.
BESIDE = (
    "Small groups have read texts together for as long as there have been texts to read "
    "(Smith, 2019). What they make of a paper depends less on who is in the room than on how "
    "the room is run, and the few studies that watched groups at work agree that a group "
    "remembers what it wrote down and forgets what it only said (Lee & Park, 2005). A shared "
    "margin changes who takes part: members who never speak in a meeting write notes that "
    "others answer, and a claim that is annotated before the meeting is argued about with "
    "evidence rather than with rank (Okafor, 2012)."
)
SIDE_SECTIONS = ["1 Introduction", "2 Methods", "2.1 Groups", "3 Results", "4 Discussion"]
SIDE_REFERENCES = [
    "Lee, K., & Park, S. (2005). Notes in the margin. Reading Quarterly, 9(2), 20–31.",
    "Okafor, C. (2012). Quiet members and loud margins. Small Group Research, 43(4), 411–430.",
    "Smith, J. (2019). Reading in groups. Journal of Reading, 3(1), 1–10.",
]
_FILL = (
    "Each group chose its own papers and met every fortnight for an hour; we recorded the "
    "meetings, collected the annotations and asked every member afterwards which claims they "
    "still believed. Notes were counted per member and per paper, and every claim was traced "
    "from the paper to the notes and from the notes to the meeting. "
)


class _Framed(Writer):
    """The Writer's columns set inside [left, right] instead of the page's margins."""

    def __init__(self, columns: int, left: float, right: float, **kwargs) -> None:
        super().__init__(columns, **kwargs)
        self.left = left
        self.column_width = (right - left - (columns - 1) * GUTTER) / columns

    @property
    def x(self) -> float:
        return self.left + self.column * (self.column_width + GUTTER)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy line breaks; a word too long for a line (a URL) is broken after a "/" or "."."""
    pieces = []
    for word in text.split():
        while stringWidth(word, font, size) > width:
            cuts = [i + 1 for i, ch in enumerate(word[:-1]) if ch in "/."]
            fits = [i for i in cuts if stringWidth(word[:i], font, size) <= width]
            if not fits:
                break
            pieces.append(word[: fits[-1]] + "\x00")  # no space after it
            word = word[fits[-1] :]
        pieces.append(word)
    lines, line = [], ""
    for word in pieces:
        trial = f"{line} {word}" if line else word
        if stringWidth(trial.replace("\x00 ", ""), font, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    lines = [*lines, line] if line else lines
    return [line.replace("\x00 ", "").replace("\x00", "") for line in lines]


def side_column_paper() -> bytes:
    w = _Framed(2, MAIN_LEFT, MAIN_RIGHT, header="Reading in small groups",
                journal="J. Read. Groups 12: 210345")  # fmt: skip
    c = w.canvas
    y = HEIGHT - 70
    c.setFont("Times-Bold", 17)
    for line in _wrap(SIDE_TITLE, "Times-Bold", 17, MAIN_RIGHT - MAIN_LEFT):
        c.drawString(MAIN_LEFT, y, line)
        y -= 21
    c.setFont("Times-Roman", 11)
    c.drawString(MAIN_LEFT, y - 6, " and ".join(SIDE_AUTHORS))
    c.setFont("Times-Italic", 9)
    c.drawString(MAIN_LEFT, y - 20, "Department of Reading, University of Somewhere, UK")
    # The summary spans both body columns, the side column beside it.
    w.y = w.top = y - 36
    full, w.column_width = w.column_width, MAIN_RIGHT - MAIN_LEFT
    w.heading("Summary", 2)
    summary_baseline = w.y + 11 * 0.6
    w.paragraph(SUMMARY, indent=False)
    w.column_width = full
    w.y = w.top = w.y - 14
    _side_column(c, summary_baseline)
    w.heading(SIDE_SECTIONS[0], 1)
    w.paragraph(BESIDE, indent=False)
    for n in range(3):
        w.paragraph(_FILL * 2 + f"This holds for the {['first', 'second', 'third'][n]} year too.")
    w.heading(SIDE_SECTIONS[1], 1)
    w.paragraph(_FILL * 3 + "We describe the groups first.", indent=False)
    w.heading(SIDE_SECTIONS[2], 2)
    for _ in range(2):
        w.paragraph(_FILL * 3 + "The groups differed in size but not in how they met.")
    w.heading(SIDE_SECTIONS[3], 1)
    for _ in range(3):
        w.paragraph(_FILL * 3 + "Annotating groups argued about evidence (Smith, 2019).")
    w.heading(SIDE_SECTIONS[4], 1)
    w.paragraph(_FILL * 2 + "A shared margin is a public trace of reasoning.", indent=False)
    w.heading("References", 1)
    for entry in SIDE_REFERENCES:
        w.reference(entry)
    return w.finish()


def _side_column(c: Canvas, top: float) -> None:
    """Page 1's side column, from the baseline of the "Summary" heading down."""
    width = SIDE_RIGHT - SIDE_LEFT
    c.setFont("Times-Bold", 11)
    c.drawString(SIDE_LEFT, top, "Review")
    y = top - 22
    for label, text in SIDE_NOTES:
        x = SIDE_LEFT
        words = _wrap(f"{label} {text}".strip(), SIDE_FONT, SIDE_SIZE, width)
        for i, line in enumerate(words):
            if i == 0 and label:
                c.setFont(SIDE_FONT + "-Bold", SIDE_SIZE)
                c.drawString(x, y, label)
                rest = line[len(label) :].strip()
                c.setFont(SIDE_FONT, SIDE_SIZE)
                c.drawString(x + stringWidth(label + " ", SIDE_FONT + "-Bold", SIDE_SIZE), y, rest)
            else:
                c.setFont(SIDE_FONT, SIDE_SIZE)
                c.drawString(x, y, line)
            y -= SIDE_LEADING
        if "Received" not in text:
            y -= SIDE_LEADING  # "Received …" and "Published …" are one block
    # The licence box: a framed paragraph.
    lines = _wrap(LICENCE, SIDE_FONT, SIDE_SIZE - 0.5, width - 8)
    height = len(lines) * (SIDE_LEADING - 0.5) + 8
    c.setLineWidth(0.5)
    c.rect(SIDE_LEFT, y - height + SIDE_LEADING, width, height, stroke=1, fill=0)
    y -= 2
    c.setFont(SIDE_FONT, SIDE_SIZE - 0.5)
    for line in lines:
        c.drawString(SIDE_LEFT + 4, y, line)
        y -= SIDE_LEADING - 0.5


# An article-information box beside the abstract (Elsevier's first page).

INFO_TITLE = "Shared Margins and the Quality of Group Reading"
INFO_ABSTRACT = (
    "We compared reading groups that annotated a shared copy of each paper with groups that "
    "did not. Annotating groups settled more disagreements by pointing at the text, cited the "
    "paper's own evidence more often and left fewer claims unexamined. The effect held for "
    "small and large groups alike and grew over the year."
)
INFO_BOX = [
    ("ARTICLE INFO", True),
    ("Article history:", False),
    ("Received 3 May 2021", False),
    ("Received in revised form 20 May 2021", False),
    ("Accepted 1 June 2021", False),
    ("Available online 9 June 2021", False),
    ("", False),
    ("Keywords:", False),
    ("Reading groups", False),
    ("Annotation", False),
    ("Argumentation", False),
]
INFO_SECTIONS = ["1 Introduction", "2 Data", "3 Findings"]


def info_box_paper() -> bytes:
    w = Writer(2, header="Shared margins", journal="Journal of Group Reading 7")
    w.title_block(INFO_TITLE, "Ada Reader and Ben Scholar", "University of Somewhere")
    c = w.canvas
    full = WIDTH - 2 * MARGIN
    info_width = 0.3 * full
    abstract_left = MARGIN + info_width + 16
    top = w.top
    c.setLineWidth(0.5)
    c.line(MARGIN, top + 4, MARGIN + full, top + 4)
    y = top - 10
    for text, heading in INFO_BOX:
        _tracked(c, text, MARGIN, y, "Helvetica-Bold" if heading else "Helvetica", 7.5,
                 2.0 if heading else 0.0)  # fmt: skip
        y -= 9.5 if text else 4
    info_bottom = y
    y = top - 10
    _tracked(c, "ABSTRACT", abstract_left, y, "Helvetica-Bold", 7.5, 2.0)
    lines = _wrap(INFO_ABSTRACT, "Times-Roman", 9, MARGIN + full - abstract_left)
    for line in lines:
        y -= 11
        c.setFont("Times-Roman", 9)
        c.drawString(abstract_left, y, line)
    y -= 13
    c.setFont("Times-Roman", 7.5)
    c.drawRightString(MARGIN + full, y, "© 2021 The Authors. Published by Elsevier Ltd.")
    bottom = min(y, info_bottom) - 8
    c.line(MARGIN, bottom, MARGIN + full, bottom)
    w.top = w.y = bottom - 6
    for n, section in enumerate(INFO_SECTIONS):
        w.heading(section, 1)
        for i in range(3):
            w.paragraph(_FILL * 2 + f"Point {i + 1} of section {n + 1} is made (Smith, 2019).")
    w.heading("References", 1)
    w.reference(SIDE_REFERENCES[2])
    return w.finish()


def _tracked(c: Canvas, text: str, x: float, y: float, font: str, size: float,
             tracking: float) -> None:  # fmt: skip
    """`text` with `tracking` points between its letters (character spacing, Tc)."""
    t = c.beginText(x, y)
    t.setFont(font, size)
    t.setCharSpace(tracking)
    t.textOut(text)
    t.setCharSpace(0)
    c.drawText(t)


# A manuscript under review: every line numbered in the left margin.


class _Numbered(Writer):
    """The Writer, with each line's number in the left margin on its baseline (lineno)."""

    number = 0

    def _words(self, line: str, x: float, y: float, font: str, size: float, *, justify: bool,
               width: float) -> None:  # fmt: skip
        super()._words(line, x, y, font, size, justify=justify, width=width)
        self.number += 1
        self.canvas.setFont("Helvetica", 6.5)
        self.canvas.drawRightString(MARGIN - 14, y, str(self.number))


def line_numbered_paper() -> bytes:
    w = _Numbered(1)
    w.title_block("Margins Under Review", "Ada Reader and Ben Scholar", "University of Somewhere")
    w.heading("Abstract", 2)
    w.paragraph(STAMPED_ABSTRACT * 2, indent=False)
    for n, section in enumerate(STAMPED_SECTIONS):
        w.heading(section, 1)
        for i in range(3):
            w.paragraph(_FILL * 2 + f"Section {n + 1} makes point {i + 1} (Smith, 2019).")
    w.heading("References", 1)
    w.reference(SIDE_REFERENCES[2])
    return w.finish()


# The arXiv preprint.

STAMP = "arXiv:2101.01234v2  [cs.CL]  3 Jan 2021"
STAMPED_TITLE = "Annotating Together: Argument Roles in Shared Margins"
STAMPED_SECTIONS = ["1 Introduction", "2 Related Work", "3 Method", "4 Conclusion"]
STAMPED_ABSTRACT = (
    "We ask how members of reading groups tag the arguments of a paper when they annotate it "
    "together, and whether shared roles make their disagreements easier to settle. "
)


def stamped_paper() -> bytes:
    w = Writer(1)
    w.title_block(STAMPED_TITLE, "Ada Reader and Ben Scholar", "University of Somewhere")
    c = w.canvas
    c.saveState()
    c.setFillGray(0.5)
    c.translate(34, 250)
    c.rotate(90)
    c.setFont("Times-Roman", 20)
    c.drawString(0, 0, STAMP)
    c.restoreState()
    w.heading("Abstract", 2)
    w.paragraph(STAMPED_ABSTRACT * 3, indent=False)
    for n, section in enumerate(STAMPED_SECTIONS):
        w.heading(section, 1)
        for i in range(2 if n < 3 else 1):
            w.paragraph(
                _FILL * 2
                + f"Section {n + 1} makes point {i + 1} about shared margins (Smith, 2019)."
            )
    w.heading("References", 1)
    w.reference(SIDE_REFERENCES[2])
    return w.finish()


# An older PDF: a scaled 1-point font, words placed one by one, letter-spaced headings.

OLD_TITLE = "Inhomogeneous Cosmology in the Tolman Model"
OLD_SECTIONS = ["1 Introduction", "2 The Tolman model", "3 The Buchert scheme", "4 Conclusion"]
OLD_REFERENCE = (
    "Buchert, T. (2000). On average properties of inhomogeneous fluids in general relativity. "
    "General Relativity and Gravitation, 32, 105–125."
)
OLD_TEXT = (
    "The Tolman model describes a spherically symmetric dust universe whose density varies "
    "with the distance from its centre. Averaging such a universe over a domain does not give "
    "the same expansion as a homogeneous model of the same mean density, and the difference is "
    "the backreaction that the Buchert scheme makes explicit. "
)


class _OldStyle:
    """Text as Ghostscript writes it: "/F 1 Tf s 0 0 s x y Tm", one word at a time."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=0)
        self.y = HEIGHT - MARGIN
        self.page = 1

    def words(self, line: str, x: float, y: float, font: str, size: float,
              tracking: float = 0.0, width: float = 0.0) -> None:  # fmt: skip
        """`line` word by word, each placed with its own text matrix; `tracking` points of
        character spacing; justified to `width` when given."""
        words = line.split()
        natural = sum(stringWidth(w, font, size) + tracking * len(w) for w in words)
        space = stringWidth(" ", font, size) + tracking
        if width and len(words) > 1:
            space = (width - natural) / (len(words) - 1)
        text = self.canvas.beginText()
        text.setFont(font, 1)
        text.setCharSpace(tracking / size)
        for word in words:
            text.setTextTransform(size, 0, 0, size, x, y)
            text.textOut(word)
            x += stringWidth(word, font, size) + tracking * len(word) + space
        self.canvas.drawText(text)

    def room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.canvas.setFont("Times-Roman", 9)
            self.canvas.drawCentredString(WIDTH / 2, 40, str(self.page))
            self.canvas.showPage()
            self.page += 1
            self.y = HEIGHT - MARGIN

    def paragraph(self, text: str, size: float = BODY, indent: float = 12.0) -> None:
        width = WIDTH - 2 * MARGIN
        lines = _wrap(text, "Times-Roman", size, width - indent)
        for i, line in enumerate(lines):
            self.room(size * 1.25)
            self.y -= size * 1.25
            x = MARGIN + (indent if i == 0 else 0)
            last = i == len(lines) - 1
            self.words(line, x, self.y, "Times-Roman", size,
                       width=0 if last else width - (x - MARGIN))  # fmt: skip
        self.y -= 2

    def heading(self, text: str, tracking: float) -> None:
        self.room(60)
        self.y -= 24
        self.words(text, MARGIN, self.y, "Times-Bold", 12, tracking=tracking)
        self.y -= 4

    def finish(self) -> bytes:
        self.canvas.setFont("Times-Roman", 9)
        self.canvas.drawCentredString(WIDTH / 2, 40, str(self.page))
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def letterspaced_paper() -> bytes:
    d = _OldStyle()
    d.y -= 10
    title_width = stringWidth(OLD_TITLE, "Times-Bold", 16)
    d.words(OLD_TITLE, (WIDTH - title_width) / 2, d.y, "Times-Bold", 16)
    names = "Ada Reader and Ben Scholar"
    d.words(names, (WIDTH - stringWidth(names, "Times-Roman", 11)) / 2, d.y - 24,
            "Times-Roman", 11)  # fmt: skip
    d.y -= 50
    d.heading("Abstract", 1.5)
    d.paragraph(OLD_TEXT, indent=0)
    for n, section in enumerate(OLD_SECTIONS):
        d.heading(section, 1.0 + 0.5 * (n % 2))  # 0.08 to 0.13 em between letters
        for _ in range(2):
            d.paragraph(OLD_TEXT * 2)
    d.heading("References", 1.5)
    d.paragraph(OLD_REFERENCE, indent=0)
    return d.finish()


# Small capitals in two sizes.

CAPS_SECTIONS = ["1 INTRODUCTION", "2 RELATED WORK", "3 A NEW METHOD", "4 CONCLUSION"]
CAPS_SUBSECTIONS = {1: "2.1 Earlier readers", 2: "3.1 Shared roles"}


def smallcaps_paper() -> bytes:
    w = Writer(1)
    w.title_block("Margins as Arguments", "Ada Reader and Ben Scholar", "University of Somewhere")
    w.heading("Abstract", 2)
    w.paragraph(STAMPED_ABSTRACT * 2, indent=False)
    for n, section in enumerate(CAPS_SECTIONS):
        w._room(60)
        w.y -= 22
        _small_caps(w.canvas, section, MARGIN, w.y, 11.0)
        w.y -= 6
        w.paragraph(_FILL * 2)
        if n in CAPS_SUBSECTIONS:
            w._room(40)
            w.y -= 16
            w.canvas.setFont("Times-Bold", BODY)
            w.canvas.drawString(MARGIN, w.y, CAPS_SUBSECTIONS[n])
            w.y -= 2
            w.paragraph(_FILL * 2)
    return w.finish()


def _small_caps(c: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Each word's first letter (or number) full size, the rest of it at 80%: one text object
    per run of one size, as Word writes small capitals."""
    for word in text.split():
        for i, run in enumerate((word[:1], word[1:])):
            if not run:
                continue
            run_size = size if i == 0 or not run[0].isalpha() else size * 0.8
            c.setFont("Times-Roman", run_size)
            c.drawString(x, y, run)
            x += stringWidth(run, "Times-Roman", run_size)
        x += stringWidth(" ", "Times-Roman", size)


# ACM's permission block at the foot of page 1's first column.

PERMISSION = (
    "Permission to make digital or hard copies of all or part of this work for personal or "
    "classroom use is granted without fee provided that copies are not made or distributed for "
    "profit or commercial advantage and that copies bear this notice and the full citation on "
    "the first page. Request permissions from permissions@acm.org."
)
PERMISSION_TAIL = [
    "CHI '20, April 25–30, 2020, Honolulu, HI, USA",
    "ACM ISBN 978-1-4503-6708-0/20/04. . . $15.00",
    "https://doi.org/10.1145/3313831.3376123",
]
ACROSS = (
    "A reading group that writes its arguments down can return to them. "
    + _FILL * 4
    + "The margin keeps what the meeting forgets, and a later reader finds the claim, the "
    "evidence offered for it and the objections raised against it in one place, which is "
    "why groups that annotate come back to their disagreements more often than groups that "
    "only talk (Smith, 2019)."
)


def permission_paper() -> bytes:
    _register_dejavu()
    w = Writer(2, header="Writing arguments down", journal="CHI 2020 Paper")
    w.title_block("Writing Arguments Down", "Ada Reader and Ben Scholar", "University of Somewhere")
    lines = _wrap(PERMISSION, "Times-Roman", 7, w.column_width)
    step = 8.5
    height = (len(lines) + len(PERMISSION_TAIL) + 1) * step
    c = w.canvas
    y = MARGIN + height
    c.setFont("Times-Roman", 7)
    for line in lines:
        c.drawString(MARGIN, y, line)
        y -= step
    c.drawString(MARGIN, y, PERMISSION_TAIL[0])
    y -= step
    _copyright(c, MARGIN, y, 7, "Times-Roman", COPYRIGHT)
    for line in PERMISSION_TAIL[1:]:
        y -= step
        c.drawString(MARGIN, y, line)
    w.bottom = MARGIN + height + 2 * step
    w.heading("1 Introduction", 1)
    w.paragraph(_FILL * 3, indent=False)
    while w.column == 0 and w.y > w.bottom + 130:
        w.paragraph(_FILL * 2 + "Groups met.")
    w.paragraph(ACROSS)  # runs from the first column, past the block, into the second
    w.heading("2 Findings", 1)
    w.paragraph(_FILL * 2 + "Annotating groups argued about evidence (Smith, 2019).")
    w.heading("References", 1)
    w.reference(SIDE_REFERENCES[2])
    return _unmap(w.finish(), "◯")


# Ligatures without a Unicode mapping.

LIGATURE_WORDS = {
    "Conﬂict": "Conflict",
    "workﬂows": "workflows",
    "aﬀect": "affect",
    "eﬃcacy": "efficacy",
    "ﬁrst": "first",
    "diﬀerent": "different",
    "oﬃce": "office",
    "staﬀ": "staff",
    "signiﬁcant": "significant",
    "ﬂow": "flow",
    "aﬂatoxin": "aflatoxin",  # in no list of common words: the heading spells it out
}
LIGATURE_HEADINGS = ["1 Introduction", "2 Conflict, flow and aflatoxin"]
LIGATURE_TEXT = (
    "Conﬂict in reading groups is not a failure. In our ﬁrst study the groups whose workﬂows "
    "made room for disagreement read more carefully, and the eﬃcacy of a shared margin did not "
    "aﬀect how often members met. Diﬀerent groups met in a diﬀerent oﬃce each time; the staﬀ "
    "who ran the rooms kept no notes. The eﬀect was signiﬁcant in every group, and the ﬂow of a "
    "discussion followed its margins, like a mould through grain: aﬂatoxin. "
)
COPYRIGHT = "2020 Association for Computing Machinery."


def ligature_paper(mapped: bool = False) -> bytes:
    _register_dejavu()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=0)
    y = HEIGHT - MARGIN - 10
    c.setFont("DejaVuSerif-Bold", 16)
    c.drawCentredString(WIDTH / 2, y, "Disagreement in the Margins")
    c.setFont("DejaVuSerif", 11)
    c.drawCentredString(WIDTH / 2, y - 24, "Ada Reader and Ben Scholar")
    y -= 60
    width = WIDTH - 2 * MARGIN
    for heading in LIGATURE_HEADINGS:
        c.setFont("Helvetica-Bold", 12)  # a standard font: its letters map, ligatures or not
        c.drawString(MARGIN, y, heading)
        y -= 18
        for _ in range(2):
            for line in _wrap(LIGATURE_TEXT * 2, "DejaVuSerif", 10, width):
                c.setFont("DejaVuSerif", 10)
                c.drawString(MARGIN, y, line)
                y -= 13
            y -= 6
        y -= 8
    y -= 10
    _copyright(c, MARGIN, y, 9, "DejaVuSerif", COPYRIGHT)
    c.showPage()
    c.save()
    data = buffer.getvalue()
    return data if mapped else _unmap(data, "\ufb00\ufb01\ufb02\ufb03\ufb04\u25ef")


def _register_dejavu() -> None:
    for name in ("DejaVuSerif", "DejaVuSans", "DejaVuSerif-Bold"):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, DEJAVU + name + ".ttf"))


def _copyright(c: Canvas, x: float, y: float, size: float, font: str, text: str) -> None:
    """`text` after a "©" drawn as TeX's \\copyright draws it: a large circle glyph, then a
    small "c" inside it (the circle's mapping is emptied afterwards by `_unmap`)."""
    c.setFont("DejaVuSans", size * 1.1)
    c.drawString(x, y - 0.13 * size, "◯")
    circle = stringWidth("◯", "DejaVuSans", size * 1.1)
    c.setFont(font, size * 0.65)
    c.drawString(x + (circle - stringWidth("c", font, size * 0.65)) / 2, y, "c")
    c.setFont(font, size)
    c.drawString(x + circle + 0.28 * size, y, text)


def _unmap(data: bytes, characters: str) -> bytes:
    """Empty the ToUnicode entries of `characters` ("<01> <FB02>" -> "<01> <0000>"), as a font
    without a mapping for them has it. Same length: the cross-reference table stays right."""
    for ch in characters:
        target = f"{ord(ch):04X}".encode()
        data = re.sub(rb"(<[0-9A-F]{2}> )<" + target + rb">", rb"\1<0000>", data)
    return data
