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
    """The visible characters in stream order, with spacing accents folded into their letter."""
    count = pdfium_c.FPDFText_CountChars(textpage)
    rect = pdfium_c.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    fonts: dict[int, tuple[float, bool, bool]] = {}
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    chars: list[Char] = []
    accents: list[Char] = []
    pending_space = False
    for i in range(count):
        code = pdfium_c.FPDFText_GetUnicode(textpage, i)
        if code == 2:
            code = 0x2D  # PDFium's mark for a hyphen at a line end
        elif code == 0x0F:
            code = 0x2022  # the bullet of TeX's symbol font, which has no Unicode map
        if code <= 32 or code == 0xA0 or 0x7F <= code <= 0x9F or 0xFFFE <= code:
            # A space, written or inferred by PDFium from the gap (its rule knows the font's
            # space width, which ours does not); line breaks are found again below. Control
            # codes are glyphs without a Unicode mapping (math and symbol fonts): dropped.
            pending_space = pending_space or code in (32, 0xA0)
            continue
        text = chr(code)
        pdfium_c.FPDFText_GetLooseCharBox(textpage, i, rect)
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, ox, oy)
        obj = pdfium_c.FPDFText_GetTextObject(textpage, i)
        key = ctypes.cast(obj, ctypes.c_void_p).value or 0
        font = fonts.get(key)
        if font is None:
            size = pdfium_c.FPDFText_GetFontSize(textpage, i)
            pdfium_c.FPDFText_GetFontInfo(textpage, i, name, len(name), flags)
            fontname = name.value.decode("latin-1").lower()
            weight = pdfium_c.FPDFText_GetFontWeight(textpage, i)
            bold = weight >= 600 or any(w in fontname for w in ("bold", "medi", "black", "heavy"))
            italic = bool(flags.value & 0x40) or any(w in fontname for w in ("ital", "obli"))
            font = fonts[key] = (size, bold, italic)
        size = font[0] or (rect.top - rect.bottom) or 10.0
        char = Char(text, rect.left, rect.right, oy.value, size, font[1], font[2], pending_space)
        pending_space = False
        if text in _ACCENTS:
            accents.append(char)
        else:
            if text in _LIGATURES:
                char.text = _LIGATURES[text]
            chars.append(char)
    for accent in accents:
        _place_accent(accent, chars)
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
            # Glyphs of a ligature ("fi") share one box, so the pen may step back a little.
            if (same_line or script or back) and -em < gap < _COLUMN_GAP * em:
                if script:
                    char.script = 1 if dy > 0 else -1
                if gap > _SPACE_GAP * em:
                    char.space_before = True
                elif gap < -0.1 * em and char.x0 < last.x0 + 0.1 * em:
                    char.space_before = False  # second glyph of a ligature
                current.append(char)
                continue
            lines.append(_line(current, page))
        current = [char]
        base = char
    if current:
        lines.append(_line(current, page))
    return [line for line in lines if line.text.strip()]


def _line(chars: list[Char], page: int) -> Line:
    main = [c for c in chars if not c.script] or chars
    sizes: dict[float, int] = {}
    for c in main:
        sizes[round(c.size, 1)] = sizes.get(round(c.size, 1), 0) + 1
    size = max(sizes, key=sizes.__getitem__)
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


def _extend(spans: list[tuple[int, int]], start: int, length: int) -> None:
    if spans and spans[-1][1] == start:
        spans[-1] = (spans[-1][0], start + length)
    else:
        spans.append((start, start + length))
