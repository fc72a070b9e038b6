"""Glyphs the PDF gives no letters for, spelt out.

A font without a Unicode mapping for its ligatures (Word with Calibri's ligatures, fonts whose
ToUnicode map leaves them out) prints "Conﬂict" and "Eﬃcacy", but the text layer holds nothing
where the ligature stands: read naively, "Con ict" and "E cacy". extract.py keeps such a glyph
as a placeholder (with its box); here, once the whole document is read, each placeholder inside
a word becomes the ligature that makes the word a word:

1. one the paper itself prints elsewhere (in another font, in a heading, with a plain "fl");
2. else one that makes a common English word (the stems below: a font that loses a ligature
   loses it everywhere, so "efficacy" may never appear spelt out in the paper);
3. else, inside a word, the glyph's width decides: about one em or wider is "ffi", narrower
   "fi" (the most frequent ligature); at a word's start (a symbol before a variable, "∂x", is
   likelier than an unknown word) and at its end (only "ff" ends words) nothing is guessed.

A placeholder not inside a word (an arrow or operator of a formula) is dropped, leaving a space
where the glyph stood, as a gap of its width would. PDFium gives no glyph names (which would
tell "fi" from "fl" directly), nor the character codes.
"""

import re
from collections import Counter

from .extract import UNMAPPED, Char, Page, make_line

_LIGATURES = ("ffi", "ffl", "ff", "fi", "fl")
_WIDE = 0.72  # ems: a three-letter ligature ("ffi" ~0.8-1.0 em; "fi", "fl", "ff" ~0.5-0.67 em)
_WORD = re.compile(r"[^\W\d_]+")

# Common English words (as stems) that contain f-ligatures, spelt as printed.
_STEMS = """
affair affect afford baffl buffer caffein chauffeur cliff coffee cuff diffus differ effect
efferent afferent effort effus gaffe giraffe offend offens offer offic offset offshoot offspring
off puff scaffold sheriff sniff staff stiff stuff suffer suffrag tariff toffee bluff buff chaff
affidavit affiliat affinit affirm affix coefficien difficult diffid effica efficien effigy
officer official sufficien suffic suffix traffic
affluen afflict muffl offload offline raffl ruffl scuffl shuffl sniffl snuffl truffl waffl
benefi certifi clarifi classifi confiden configur confin confirm defici defin amplifi artifici
fiber fibre fiction fidelit field fierce fifteen fifth fifty fight figur file fill film filter
final financ find fine finger finish finit fire firm first fiscal fish fitt fit five fix
identifi infinit justifi magnifi modifi notifi prefix profil profit qualifi quantifi ratifi
sacrific satisfi scientifi signifi simplifi specifi unifi verifi fiduciar
conflict deflat flag flame flat flavor flavour flaw fled flee fleet flesh flex flew flies
flight flip float flock flood floor flour flow fluct fluen fluid flux fly influen inflat
inflict reflect reflex overflow workflow inflow outflow superfluous
""".split()


def _index() -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(ligature, the two letters after it) -> (stem, where the ligature stands in it), the
    ligatures found as a typesetter forms them (longest first)."""
    index: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for stem in _STEMS:
        i = 0
        while i < len(stem):
            ligature = next((lig for lig in _LIGATURES if stem.startswith(lig, i)), "")
            if not ligature:
                i += 1
                continue
            after = stem[i + len(ligature) : i + len(ligature) + 2]
            index.setdefault((ligature, after), []).append((stem, i))
            i += len(ligature)
    return index


_INDEX = _index()


def repair(pages: list[Page]) -> None:
    """Spell out the placeholders of every line, rebuilding the lines that had any."""
    touched = [
        (page, i) for page in pages for i, line in enumerate(page.lines) if UNMAPPED in line.text
    ]
    if not touched:
        return
    vocabulary = _Vocabulary(pages)
    for page, i in touched:
        line = page.lines[i]
        chars = _spell(line.chars, vocabulary)
        page.lines[i] = make_line(chars, line.page) if chars else None
    for page in pages:
        page.lines = [line for line in page.lines if line is not None and line.text.strip()]


class _Vocabulary:
    """The paper's words and how often it prints them, counted when first asked (most
    placeholders are symbols of formulas, which need no words)."""

    def __init__(self, pages: list[Page]) -> None:
        self.pages = pages
        self.counts: Counter[str] | None = None

    def __getitem__(self, word: str) -> int:
        if self.counts is None:
            self.counts = Counter()
            for page in self.pages:
                for line in page.lines:
                    self.counts.update(_WORD.findall(line.text.lower()))
        return self.counts[word]


def _spell(chars: list[Char], vocabulary: _Vocabulary) -> list[Char]:
    out: list[Char] = []
    for i, char in enumerate(chars):
        if char.text != UNMAPPED:
            out.append(char)
            continue
        left = _letters(chars, i, -1)
        right = _letters(chars, i, 1)
        ligature = ""
        if char.script:
            pass  # a raised mark (an affiliation's symbol)
        elif right and (right[0].islower() or (left + right).isupper()):
            width = (char.x1 - char.x0) / max(char.size, 1.0)
            ligature = _ligature(left, right, width, vocabulary, guess=bool(left))
        elif left and not right and i + 1 < len(chars) and chars[i + 1].text.isdigit():
            pass  # "k" + "−" + "1": an operator of a formula
        elif left:
            # At a word's end only "ff" stands, in a common word ("staff", "cutoff").
            if _common((left + "ff").lower(), len(left), "ff"):
                ligature = "ff"
        if ligature:
            char.text = ligature
            out.append(char)
        elif i + 1 < len(chars):
            # Not part of a word (a symbol of a formula): dropped, a space where it stood.
            wide = char.x1 - char.x0 > 0.15 * char.size
            chars[i + 1].space_before = chars[i + 1].space_before or char.space_before or wide
    return out


def _letters(chars: list[Char], i: int, step: int) -> str:
    """The letters of the word next to chars[i], on one side."""
    found = []
    j = i + step
    while 0 <= j < len(chars):
        char = chars[j]
        if step == 1 and char.space_before or not char.text.isalpha() or char.script:
            break
        found.append(char.text)
        if step == -1 and char.space_before:
            break
        j += step
    if step == -1 and chars[i].space_before:
        return ""  # a space before the placeholder: it starts a word
    return "".join(found[::-1] if step == -1 else found)


def _ligature(left: str, right: str, width: float, vocabulary: _Vocabulary, *, guess: bool) -> str:
    """The ligature that makes `left` + it + `right` a word; without evidence, the width's
    guess when `guess` (inside a word), else "" (at a word's start, a symbol of a formula
    before a variable, "∂x", is likelier than an unknown word)."""
    order = _LIGATURES if width >= _WIDE else ("fi", "fl", "ff", "ffi", "ffl")
    words = {lig: (left + lig + right).lower() for lig in order}
    seen = [lig for lig in order if vocabulary[words[lig]]]
    if seen:
        choice = max(seen, key=lambda lig: vocabulary[words[lig]])
    else:
        known = [lig for lig in order if _common(words[lig], len(left), lig)]
        choice = known[0] if known else order[0] if guess else ""
    capitals = (left + right).isupper() and len(left + right) > 1
    return choice.upper() if capitals else choice


def _common(word: str, at: int, ligature: str) -> bool:
    """Does a common English stem cover `ligature` where it stands in `word`?"""
    end = at + len(ligature)
    for n in (2, 1, 0):
        after = word[end : end + n]
        if len(after) < n:
            continue
        for stem, offset in _INDEX.get((ligature, after), ()):
            start = at - offset
            if start >= 0 and word[start : start + len(stem)] == stem:
                return True
    return False
