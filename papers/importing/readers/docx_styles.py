"""What a DOCX's styles and numbering say about its paragraphs.

A paragraph's role comes from its style's name (Word's built-in names are stable across
languages: "heading 1", "caption", "Title"), else from the style's outline level (custom heading
styles), else from the style it is based on. Numbered and bulleted lists come from `numPr`, on
the paragraph or inherited from its style, and their labels are counted the way Word counts them.
"""

import re
from dataclasses import dataclass

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    """Clark notation for a WordprocessingML tag: w("p") -> "{...main}p"."""
    return f"{{{W_NS}}}{tag}"


W_VAL = w("val")
_OFF = frozenset({"0", "false", "off", "none"})

# Style name (lower case) -> role. Checked in order; the first match wins.
_ROLES = [
    (re.compile(r"^(?:toc\b|table of (?:contents|figures)|index\b|header|footer)"), "skip"),
    (re.compile(r"^title$"), "title"),
    (re.compile(r"^subtitle$"), "subtitle"),
    (re.compile(r"^authors?(?: names?| list)?$"), "authors"),
    (re.compile(r"^(?:date|affiliations?|address|correspondence|author note|author info\w*)$"),
     "front_matter"),
    (re.compile(r"^abstract\b"), "abstract"),
    (re.compile(r"^key ?words?$"), "keywords"),
    (re.compile(r"bibliograph|^references?$|^reference list$"), "reference"),
    (re.compile(r"\bcaption\b"), "caption"),
    (re.compile(r"^(?:quote|intense quote|block ?text|block ?quote)$"), "quote"),
    (re.compile(r"^(?:source code|code|html preformatted|plain text)$"), "code"),
    (re.compile(r"^list\b(?! continue)"), "list"),
]  # fmt: skip
_HEADING = re.compile(r"^heading\s*([1-9])$")


@dataclass(frozen=True)
class ParagraphStyle:
    role: str = ""  # "" for plain text; else a role from _ROLES or "heading"
    level: int | None = None  # heading level
    num_id: str = ""  # list numbering the style carries ("" for none)
    ilvl: int = 0
    ordered: bool | None = None  # "List Number" vs "List Bullet", when the name says


PLAIN = ParagraphStyle()


class Styles:
    """Paragraph styles by id, resolved once; character styles' bold/italic."""

    def __init__(self, styles_element):
        self._raw = {}
        self._default = ""
        for style in styles_element.iterchildren(w("style")):
            style_id = style.get(w("styleId"), "")
            kind = style.get(w("type"), "paragraph")
            if kind == "paragraph" and style.get(w("default")) in ("1", "true"):
                self._default = style_id
            self._raw[(kind, style_id)] = style
        self._resolved: dict[str, ParagraphStyle] = {}
        self._character: dict[str, tuple[bool, bool]] = {}

    def paragraph(self, style_id: str | None) -> ParagraphStyle:
        style_id = style_id or self._default
        if style_id not in self._resolved:
            self._resolved[style_id] = self._resolve(style_id, depth=0)
        return self._resolved[style_id]

    def _resolve(self, style_id: str, depth: int) -> ParagraphStyle:
        style = self._raw.get(("paragraph", style_id))
        if style is None or depth > 20:  # unknown id, or a cycle of basedOn
            return PLAIN
        name = " ".join(_val(style.find(w("name"))).lower().split())
        ppr = style.find(w("pPr"))
        num_id, ilvl = numbering_of(ppr)
        base = _val(style.find(w("basedOn")))
        inherited = self._resolve(base, depth + 1) if base else PLAIN
        heading = _HEADING.match(name)
        if heading:
            role, level = "heading", int(heading.group(1))
        else:
            role = next((r for pattern, r in _ROLES if pattern.search(name)), "")
            level = None
            outline = outline_level(ppr)
            if not role and outline is not None:
                role, level = "heading", outline
            elif not role:
                role, level = inherited.role, inherited.level
        ordered = True if "number" in name else False if "bullet" in name else inherited.ordered
        if not num_id and inherited.num_id:
            num_id, ilvl = inherited.num_id, inherited.ilvl
        return ParagraphStyle(role, level, num_id, ilvl, ordered if role == "list" else None)

    def character(self, style_id: str) -> tuple[bool, bool]:
        """(italic, bold) a character style gives its runs, through its base styles."""
        if style_id not in self._character:
            italic = bold = False
            seen, current_id = set(), style_id
            current = self._raw.get(("character", current_id))
            while current is not None and current_id not in seen:
                seen.add(current_id)
                rpr = current.find(w("rPr"))
                italic = italic or on(rpr, "i")
                bold = bold or on(rpr, "b")
                current_id = _val(current.find(w("basedOn")))
                current = self._raw.get(("character", current_id)) if current_id else None
            self._character[style_id] = (italic, bold)
        return self._character[style_id]


def _val(element) -> str:
    return element.get(W_VAL, "") if element is not None else ""


def on(rpr, tag: str) -> bool:
    """A toggle property (`<w:i/>`, `<w:b w:val="false"/>`) set in run properties."""
    if rpr is None:
        return False
    element = rpr.find(w(tag))
    return element is not None and element.get(W_VAL, "1").lower() not in _OFF


def outline_level(ppr) -> int | None:
    """The heading level an outline level gives (0 -> 1), or None (absent, or 9: body text)."""
    value = _val(ppr.find(w("outlineLvl"))) if ppr is not None else ""
    return int(value) + 1 if value.isdigit() and int(value) < 9 else None


def numbering_of(ppr) -> tuple[str, int]:
    """(numId, ilvl) of a paragraph's or style's `numPr`; numId "0" means "not numbered"."""
    numpr = ppr.find(w("numPr")) if ppr is not None else None
    if numpr is None:
        return "", 0
    num_id = _val(numpr.find(w("numId")))
    ilvl = _val(numpr.find(w("ilvl")))
    return num_id, int(ilvl) if ilvl.isdigit() else 0


# --- numbering -----------------------------------------------------------------------------


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1


class Numbering:
    """Counts list items per list and level, and formats their labels as Word prints them."""

    def __init__(self, numbering_element):
        abstract: dict[str, dict[int, _Level]] = {}
        self._levels: dict[str, dict[int, _Level]] = {}
        self._counters: dict[str, list[int | None]] = {}
        if numbering_element is None:
            return
        for definition in numbering_element.iterchildren(w("abstractNum")):
            abstract[definition.get(w("abstractNumId"), "")] = _levels(definition)
        for num in numbering_element.iterchildren(w("num")):
            levels = dict(abstract.get(_val(num.find(w("abstractNumId"))), {}))
            for override in num.iterchildren(w("lvlOverride")):
                ilvl = int(override.get(w("ilvl"), "0") or 0)
                start = _val(override.find(w("startOverride")))
                level = override.find(w("lvl"))
                if level is not None:
                    levels[ilvl] = _level(level)
                if start.isdigit():
                    base = levels.get(ilvl, _Level())
                    levels[ilvl] = _Level(base.fmt, base.text, int(start))
            self._levels[num.get(w("numId"), "")] = levels

    def is_list(self, num_id: str) -> bool:
        return bool(num_id) and num_id != "0" and num_id in self._levels

    def ordered(self, num_id: str, ilvl: int) -> bool:
        return self._level(num_id, ilvl).fmt not in ("bullet", "none")

    def next_label(self, num_id: str, ilvl: int) -> str:
        """Count one more item at this level and return its label ("2", "a", "1.3"), or ""."""
        counters = self._counters.setdefault(num_id, [None] * 9)
        ilvl = min(max(ilvl, 0), 8)
        level = self._level(num_id, ilvl)
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if level.fmt in ("bullet", "none"):
            return ""

        def number(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            value = counters[k] if counters[k] is not None else self._level(num_id, k).start
            return format_number(value, self._level(num_id, k).fmt)

        return re.sub(r"%([1-9])", number, level.text).strip().strip(".)(]") or ""

    def _level(self, num_id: str, ilvl: int) -> _Level:
        return self._levels.get(num_id, {}).get(ilvl) or _Level()


def _levels(definition) -> dict[int, _Level]:
    levels = {}
    for level in definition.iterchildren(w("lvl")):
        levels[int(level.get(w("ilvl"), "0") or 0)] = _level(level)
    return levels


def _level(level) -> _Level:
    start = _val(level.find(w("start")))
    text = level.find(w("lvlText"))
    return _Level(
        fmt=_val(level.find(w("numFmt"))) or "decimal",
        text=_val(text) if text is not None else "%1.",
        start=int(start) if start.isdigit() else 1,
    )


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
          (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]  # fmt: skip


def format_number(value: int, fmt: str) -> str:
    """A counter as Word prints it in a list or note label."""
    if fmt in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = ""
        for amount, letters in _ROMAN:
            while value >= amount:
                roman += letters
                value -= amount
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt in ("lowerLetter", "upperLetter") and value > 0:
        # Word repeats the letter past z: y, z, aa, bb, ...
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "chicago":
        symbols = "*†‡§"
        return symbols[(value - 1) % 4] * ((value - 1) // 4 + 1)
    return str(value)
