"""PDF bytes to lines of text with their geometry and font, one page at a time (pypdfium2).

Everything that talks to PDFium is here; the rest of the reader works on `Line`s. Coordinates
are PDF points with y growing upwards, as PDFium gives them.

Why our own lines rather than PDFium's text: PDFium's generated line breaks merge lines that
are close together and its generated spaces follow its own gap rule. We take the characters in
content-stream order (the order the typesetter wrote them, which is line by line and column by
column in practice) and cut lines where the baseline changes or the pen jumps back, then decide
spaces from the gaps between glyphs.
"""

import ctypes
import math
import threading
import unicodedata
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ...document import ImportFailed

# PDFium is not thread-safe; a web process with an in-process task backend may parse two PDFs
# at once, so every call into it holds this lock.
PDFIUM_LOCK = threading.Lock()

# Spacing accents that TeX and others draw as separate glyphs over a letter ("Erdo" + "˝"),
# and the combining marks they stand for.
_ACCENTS = {
    "\u02dd": "\u030b", "\u00a8": "\u0308", "\u00b4": "\u0301", "\u0060": "\u0300",
    "\u02c6": "\u0302", "\u02dc": "\u0303", "\u00af": "\u0304", "\u02d8": "\u0306",
    "\u02d9": "\u0307", "\u02da": "\u030a", "\u00b8": "\u0327", "\u02c7": "\u030c",
    "\u02db": "\u0328",
}  # fmt: skip
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}  # fmt: skip
_SPACE_GAP = 0.15  # a gap wider than this many ems between two glyphs is a space
_COLUMN_GAP = 2.5  # wider than this (ems) cuts the line: table cells, a column gutter
_TRACKED = 0.05  # letters of a line set this many ems apart (or more): the line is letter-spaced
# A glyph the font gives no Unicode for (PDFium answers 0, a control code, U+FFFD/U+FFFE or a
# private-use code point): kept in the line as this placeholder, for glyphs.py to spell out.
UNMAPPED = "\ufffd"
# Circles that TeX and others draw around a letter to make a symbol ("c" in a circle: ©).
_CIRCLES = frozenset("\u20dd\u25cb\u25ef\u274d" + UNMAPPED)
_CIRCLED = {
    "c": "\u00a9",
    "C": "\u00a9",
    "r": "\u00ae",
    "R": "\u00ae",
    "p": "\u2117",
    "P": "\u2117",
}


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    x1: float
    y: float  # baseline
    size: float
    bold: bool
    italic: bool
    space_before: bool = False
    script: int = 0  # 1 superscript, -1 subscript
    gap: float = 0.0  # ems from the glyph before it in its line


@dataclass
class Line:
    chars: list[Char]
    page: int
    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    y: float = 0.0  # baseline of the line's main text
    size: float = 0.0  # the line's main font size
    bold: float = 0.0  # share of letters in bold
    italic: float = 0.0
    supers: list[tuple[int, int]] = field(default_factory=list)  # raised runs in `text`
    styled: list[tuple[int, int, str]] = field(default_factory=list)  # "em"/"strong" runs
    cells: int = 1  # pieces set apart by gaps wider than a word space (table rows)

    @property
    def top(self) -> float:
        return self.y + 0.75 * self.size

    @property
    def bottom(self) -> float:
        return self.y - 0.25 * self.size


@dataclass
class Page:
    number: int  # from 1
    width: float
    height: float
    lines: list[Line]


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    """The document, or ImportFailed saying in one line what is wrong with the file."""
    if data.lstrip()[:5] != b"%PDF-" and data[:1024].find(b"%PDF-") == -1:
        raise ImportFailed("This file is not a PDF (it does not start with %PDF-).")
    if b"%%EOF" not in data[-2048:]:
        raise ImportFailed("This PDF is truncated or damaged: it does not end where a PDF ends.")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise ImportFailed(
                "This PDF is encrypted with a password; remove the protection and upload it again."
            ) from None
        raise ImportFailed("This PDF is damaged and cannot be read.") from None
    if len(document) == 0:
        raise ImportFailed("This PDF has no pages.")
    return document


def page_lines(document: pdfium.PdfDocument, index: int) -> Page:
    try:
        page = document[index]
    except pdfium.PdfiumError:
        raise ImportFailed(f"This PDF is damaged: page {index + 1} cannot be read.") from None
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            chars = _chars(textpage.raw)
        finally:
            textpage.close()
    finally:
        page.close()
    return Page(index + 1, width, height, _lines(chars, index + 1))


def _chars(textpage) -> list[Char]:
    """The visible upright characters in stream order, with spacing accents folded into their
    letter and a letter drawn inside a circle made a symbol (©).

    A character's size is its font size times the scale of its text matrix: a PDF may set its
    text in a 1-point font scaled up ("/F1 1 Tf 9.96 0 0 9.96 72 700 Tm", as Ghostscript and
    many older producers write), which PDFium reports as size 1. Text not set upright (an arXiv
    stamp along the margin, a figure's rotated axis label) is not part of the page's reading:
    it is dropped, unless most of the page is turned that way (a landscape page), which is read
    as it comes."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    fonts: dict[int, tuple[float, bool, bool, bool]] = {}
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    chars: list[Char] = []
    turned: list[Char] = []
    accents: list[Char] = []
    circled = False
    pending_space = False
    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code == 2:
            code = 0x2D  # PDFium's mark for a hyphen at a line end
        elif code == 0x0F:
            code = 0x2022  # the bullet of TeX's symbol font, which has no Unicode map
        if code <= 32 or code == 0xA0 or 0x7F <= code <= 0x9F or 0xFFFD <= code:
            # A space, written or inferred by PDFium from the gap (its rule knows the font's
            # space width, which ours does not); line breaks are found again below.
            if code in (32, 0xA0) or code in (10, 13) or pdfium_c.FPDFText_IsGenerated(textpage, i):
                pending_space = pending_space or code in (32, 0xA0)
                continue
            # A glyph without a Unicode mapping (a ligature, a symbol): kept as a placeholder.
            text = UNMAPPED
            circled = True
        elif 0xE000 <= code <= 0xF8FF:
            text = UNMAPPED  # private use: what a font without a mapping often answers
            circled = True
        else:
            text = chr(code)
        pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect)
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, ox, oy)
        obj = pdfium_c.FPDFText_GetTextObject(textpage, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        font = fonts.get(key)
        if font is None:
            size = pdfium_c.FPDFText_GetFontSize(textpage, i)
            height = rect.top - rect.bottom
            if 0.8 * size <= height <= 1.5 * size and rect.right - rect.left < height:
                scale, upright = 1.0, True  # a box as tall as the type: upright, unscaled
            else:  # a scaled 1-point font, or a glyph turned sideways (wider than tall)
                pdfium_c.FPDFText_GetMatrix(textpage, i, matrix)
                scale = math.hypot(matrix.c, matrix.d)
                upright = matrix.a > 0 and abs(matrix.b) <= 0.1 * matrix.a
            pdfium_c.FPDFText_GetFontInfo(textpage, i, name, len(name), flags)
            fontname = name.value.decode("latin-1").lower()
            weight = pdfium_c.FPDFText_GetFontWeight(textpage, i)
            bold = weight >= 600 or any(w in fontname for w in ("bold", "medi", "black", "heavy"))
            italic = bool(flags.value & 0x40) or any(w in fontname for w in ("ital", "obli"))
            font = fonts[key] = (size * scale if scale > 0 else size, bold, italic, upright)
        size = font[0] or (rect.top - rect.bottom) or 10.0
        char = Char(text, rect.left, rect.right, oy.value, size, font[1], font[2], pending_space)
        pending_space = False
        if not font[3]:
            turned.append(char)
        elif text in _ACCENTS:
            accents.append(char)
        else:
            if text in _LIGATURES:
                char.text = _LIGATURES[text]
            elif code > 0x20DC and text in _CIRCLES:
                circled = True
            chars.append(char)
    if len(turned) > len(chars) + len(accents):
        chars += turned  # a page set sideways: read as it comes (not done: turning it back)
    for accent in accents:
        _place_accent(accent, chars)
    if circled:
        _circled(chars)
    return chars


def _place_accent(accent: Char, chars: list[Char]) -> None:
    middle = (accent.x0 + accent.x1) / 2
    for char in chars:
        if (
            char.x0 <= middle <= char.x1
            and abs(char.y - accent.y) < char.size
            and char.text.isalpha()
        ):
            base = "i" if char.text == "ı" else char.text
            char.text = unicodedata.normalize("NFC", base + _ACCENTS[accent.text])
            return
    # Standing alone (an accent in a formula or an example): keep it where it was written.
    chars.append(accent)


def _circled(chars: list[Char]) -> None:
    """A "c" drawn inside a circle (TeX's \\copyright: a circle glyph, often without a Unicode
    mapping, and a small "c", one right after the other) is "©"; likewise ® and ℗. The circle
    goes."""
    gone = set()
    for i, circle in enumerate(chars):
        if circle.text not in _CIRCLES:
            continue
        for char in chars[max(i - 1, 0) : i + 2 : 2]:
            middle = (char.x0 + char.x1) / 2
            if (
                char.text in _CIRCLED
                and circle.x0 <= middle <= circle.x1
                and abs(char.y - circle.y) < 0.5 * circle.size
                and char.x1 - char.x0 < circle.x1 - circle.x0
            ):
                char.text = _CIRCLED[char.text]
                char.size = max(char.size, circle.size)
                char.space_before = char.space_before or circle.space_before
                gone.add(id(circle))
                break
    if gone:
        chars[:] = [c for c in chars if id(c) not in gone]


def _lines(chars: list[Char], page: int) -> list[Line]:
    lines: list[Line] = []
    current: list[Char] = []
    base: Char | None = None  # the first full-size character of the current line
    for char in chars:
        if current:
            last = current[-1]
            ref = base or last
            em = max(ref.size, 1.0)
            dy = char.y - ref.y
            gap = char.x0 - last.x1
            same_line = abs(dy) < 0.2 * em
            script = (
                not same_line
                and abs(dy) < 0.6 * em
                and char.size < 0.9 * ref.size
                and -0.3 * em < gap < 0.6 * em
            )
            # A full-size character back on the baseline after a superscript.
            back = abs(dy) >= 0.2 * em and last.script and abs(char.y - ref.y) < 0.2 * em
            # A line that began with a raised, smaller marker ("¹Due to space ..."): the marker
            # was a superscript and this character carries the baseline.
            lead = (
                0 < -dy < 0.6 * char.size
                and -char.size < gap < 0.6 * char.size
                and base is current[0]
                and all(c.size < 0.9 * char.size for c in current)
            )
            if lead:
                for c in current:
                    c.script = 1
                base, same_line = char, True
            # Glyphs of a ligature ("fi") share one box, so the pen may step back a little (or
            # by the whole box, an "ffi" wider than an em). Type of another size across a gap
            # of over 1.2 em is another column (a line number in the margin, a side column's
            # line on the body's baseline).
            if (
                (same_line or script or back)
                and (-em < gap or (same_line and char.x0 == last.x0 and char.x1 == last.x1))
                and gap < _COLUMN_GAP * em
                and not (
                    gap > 1.2 * char.size
                    and gap > 1.2 * last.size
                    and abs(char.size - last.size) > 0.2 * max(char.size, last.size)
                    and not script
                )
            ):
                if script:
                    char.script = 1 if dy > 0 else -1
                char.gap = gap / em
                if gap > _SPACE_GAP * em:
                    char.space_before = True
                elif gap < -0.1 * em and char.x0 < last.x0 + 0.1 * em:
                    char.space_before = False  # second glyph of a ligature
                elif (
                    char.space_before
                    and abs(gap) < 0.05 * em
                    and 0.6 * last.size < char.size < 0.92 * last.size
                    and last.text.isupper()
                    and char.text.isupper()
                ):
                    # Small capitals after a full one ("I" + "NTRODUCTION"): one word, whatever
                    # PDFium guessed at the change of size.
                    char.space_before = False
                current.append(char)
                continue
            lines.append(make_line(current, page))
        current = [char]
        base = char
    if current:
        lines.append(make_line(current, page))
    return [line for line in lines if line.text.strip()]


def make_line(chars: list[Char], page: int) -> Line:
    """The line these characters make (they are one line, in writing order)."""
    main = [c for c in chars if not c.script] or chars
    sizes: dict[float, int] = {}
    for c in main:
        sizes[round(c.size, 1)] = sizes.get(round(c.size, 1), 0) + 1
    size = max(sizes, key=sizes.__getitem__)
    if len(sizes) > 1:
        size = _small_caps_size(main, size)
    _letter_spacing(chars)
    ys = sorted(c.y for c in main)
    letters = [c for c in chars if c.text.isalnum()] or chars
    parts: list[str] = []
    length = 0
    supers: list[tuple[int, int]] = []  # raised runs: footnote markers, affiliation marks
    runs: dict[str, list[list[int]]] = {"em": [], "strong": []}  # [start, end] in the text
    wide = 0
    previous = None
    for c in chars:
        if previous is not None and c.space_before:
            parts.append(" ")
            length += 1
            wide += c.x0 - previous.x1 > 1.2 * size  # wider than any word space: a table cell
        if c.script == 1:
            _extend(supers, length, len(c.text))
        elif c.italic or c.bold:
            for style in ("em",) * c.italic + ("strong",) * c.bold:
                spans = runs[style]
                # A run goes on over the space between two words in the same style.
                if spans and spans[-1][1] >= length - 1:
                    spans[-1][1] = length + len(c.text)
                else:
                    spans.append([length, length + len(c.text)])
        parts.append(c.text)
        length += len(c.text)
        previous = c
    styled = [(a, b, style) for style, spans in runs.items() for a, b in spans]
    return Line(
        chars=chars,
        page=page,
        text="".join(parts),
        x0=min(c.x0 for c in chars),
        x1=max(c.x1 for c in chars),
        y=ys[len(ys) // 2],
        size=size,
        bold=sum(c.bold for c in letters) / len(letters),
        italic=sum(c.italic for c in letters) / len(letters),
        supers=supers,
        styled=styled,
        cells=1 + wide,
    )


def _small_caps_size(main: list[Char], size: float) -> float:
    """A line of capitals in two sizes, each word starting with a full-size one ("I" +
    "NTRODUCTION", small capitals as Word and older styles set them), has the larger size: the
    smaller capitals stand for lower-case letters."""
    larger = max(c.size for c in main)
    if larger < size * 1.1:
        return size
    letters = [c for c in main if c.text.isalpha()]
    if not letters or not all(c.text.isupper() for c in letters):
        return size
    for previous, c in zip(main, main[1:], strict=False):
        if c.size >= larger - 0.05 and previous.text.isalpha() and not c.space_before:
            return size  # a full-size capital inside a word: not small capitals
    return round(larger, 1)


def _letter_spacing(chars: list[Char]) -> None:
    """Spaces of a letter-spaced line ("I n t r o d u c t i o n", tracked headings, older
    PDFs that place every glyph): there every glyph stands apart, so a gap is a word space only
    when it is wider than the line's own letter gap by a word space, whatever PDFium guessed.
    The letter gap is the lower quartile of the gaps between the line's glyphs; in ordinary
    text it is about zero and nothing changes."""
    tight = 0
    for c in chars[1:9]:
        if -0.1 < c.gap < _TRACKED:
            tight += 1
            if tight == 3:
                return  # ordinary text: most letters touch
    gaps = sorted(c.gap for c in chars[1:] if not c.script and c.gap > -0.1)
    if len(gaps) < 4:
        return
    base = gaps[len(gaps) // 4]
    if base < _TRACKED:
        return
    for c in chars[1:]:
        if not c.script and c.gap > -0.1:
            c.space_before = c.gap - base > 0.12


def _extend(spans: list[tuple[int, int]], start: int, length: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], start + length)
    else:
        spans.append((start, start + length))
