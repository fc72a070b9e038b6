"""Small judgements about a piece of text that several stages share, in one place."""

import re
import unicodedata

# A paragraph is closed when it ends with one of these, possibly followed by closing quotes,
# brackets or a footnote marker. Anything else means the text runs on into the next block.
_CLOSED = re.compile(r"[.!?:;…]['\"’”»)\]*]*[\d¹²³⁴⁵⁶⁷⁸⁹⁰ⁱ]*\s*$")
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰ⁱ"
SMALL_WORDS = frozenset(
    "a an and as at but by de for from in into nor of on or per the to vs via with within "
    "without versus against between".split()
)
_NUMBERING = re.compile(r"^(?:(?:\d+(?:\.\d+)*|[IVXLC]+|[A-Z])[.)]?\s+)")

ABSTRACT_HEADINGS = {"abstract", "summary"}
# "Authors" and the like head the byline in generated manuscripts (Manubot): front matter.
FRONT_HEADINGS = ABSTRACT_HEADINGS | {
    "author summary", "significance", "highlights", "authors", "author information",
    "affiliations",
}  # fmt: skip
REFERENCE_HEADINGS = {
    "references",
    "bibliography",
    "works cited",
    "literature cited",
    "reference list",
    "references cited",
    "sources",
    "literature",
}
NOTE_HEADINGS = {"notes", "endnotes", "footnotes"}
BACK_HEADINGS = {
    "acknowledgements",
    "acknowledgments",
    "acknowledgement",
    "appendix",
    "appendices",
    "funding",
    "competing interests",
    "conflict of interest",
    "conflicts of interest",
    "data availability",
    "author contributions",
    "supplementary material",
    "supporting information",
}


def norm_key(text: str) -> str:
    """Case- and accent-free letters, digits and single spaces, for comparing names and titles."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text.casefold()).replace("_", " ")
    return " ".join(text.split())


def heading_name(text: str) -> str:
    """The heading without numbering or trailing punctuation, lower-cased: '2. References' ->
    'references'."""
    return norm_key(_NUMBERING.sub("", text.strip()))


def is_closed(text: str) -> bool:
    return bool(_CLOSED.search(text.rstrip()))


def words(text: str) -> list[str]:
    return text.split()


def looks_like_heading(text: str) -> bool:
    """A short line in title case without closing punctuation: how headings look once a PDF
    has been flattened to text. Used only where the source has no heading markup."""
    text = text.strip()
    if not text or len(text) > 140 or "\n" in text:
        return False
    tokens = words(_NUMBERING.sub("", text))
    if not tokens or len(tokens) > 16:
        return False
    if text[-1] in ".,;:!" or not (text[0].isupper() or text[0].isdigit()):
        return False
    if re.search(r"\((?:[^()]*\d{4})\)", text):  # carries a citation: a sentence
        return False
    significant = [w for w in tokens if w.lower().strip("()[]\"'“”‘’") not in SMALL_WORDS]
    if not significant:
        return False
    capitalised = sum(1 for w in significant if _capitalised(w))
    if capitalised / len(significant) >= 0.75:
        return True
    # Sentence-case headings are short: "Results and discussion".
    return len(tokens) <= 5 and _capitalised(tokens[0]) and "," not in text


def _capitalised(word: str) -> bool:
    word = word.lstrip("\"'“‘([")
    return bool(word) and (word[0].isupper() or word[0].isdigit())


def starts_lowercase(text: str) -> bool:
    first = text.lstrip("\"'“‘([")[:1]
    return first.islower()


def leading_superscript(text: str) -> str:
    """The footnote marker a line starts with ('¹ Text' -> '¹'), or ''."""
    match = re.match(rf"^([{_SUPERSCRIPTS}]+)\s*", text)
    return match.group(1) if match else ""


def superscript_label(marker: str) -> str:
    table = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰ⁱ", "1234567890i")
    return marker.translate(table)
