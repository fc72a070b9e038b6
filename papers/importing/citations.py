"""In-text citations: find author-year citations in paragraphs and link them to the reference list.

Forms found: "(Ikram, 1996)", "(Sunawar 2015)", "(A & B 2021)", "(A and B, 2021)",
"(Smith et al. 2019)", "(Corporate Author 2015)", "(Kamran Yousaf 2022)", several in one
parenthesis separated by ";", several years for one author ("Smith 2019, 2020a"), and narrative
"Stotsky (1996)".

Linking is by first-author name and year, and never guesses: one distinct matching entry is a
link; several are `candidates` with no link; none is no link at all. Entries whose text is the
same letter for letter (a list that holds one entry twice) count as one.
"""

import re
from collections import defaultdict

from .document import ParsedCitation, ParsedParagraph, ParsedReference
from .textrules import norm_key

_YEAR = r"(?:1[6-9]\d\d|20\d\d)[a-z]?"
_PAREN = re.compile(r"\(([^()]{3,400})\)")
_PART = re.compile(
    rf"""^(?P<lead>\s*(?:(?:see\s+also|see|e\.g\.|cf\.|i\.e\.|also)(?:,\s*|\s+))?)
    (?P<names>(?:(?:van|von|de|der|den|du|da|di|del|la|le|al|el)\s+)*[A-Z“"][^;()\d]*?)
    ,?\s*(?P<years>{_YEAR}(?:\s*,\s*{_YEAR})*)
    (?P<loc>\s*[,:]\s*(?:pp?\.\s*)?\d+(?:\s*[-–]\s*\d+)?)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_NARRATIVE = re.compile(
    rf"(?P<names>\b[A-Z][\w’'-]+(?:\s+(?:&|and)\s+[A-Z][\w’'-]+|\s+et\s+al\.?)?)\s+"
    rf"\((?P<years>{_YEAR}(?:\s*,\s*{_YEAR})*)\)"
)
_ONE_YEAR = re.compile(_YEAR)
# Parentheses that hold a date, not a citation: "(in March 2021)", "(since 2015)".
_NOT_NAMES = frozenset(
    "in on at since from by until before after during between around about circa c ca "
    "january february march april may june july august september october november december "
    "spring summer autumn fall winter early late mid".split()
)
_MAX_CANDIDATES = 20


def find_citations(
    paragraphs: list[ParsedParagraph], references: list[ParsedReference]
) -> list[ParsedCitation]:
    if any(m.get("type") == "cite" for p in paragraphs for m in p.marks):
        return marked_citations(paragraphs, references)
    index = _ReferenceIndex(references)
    numbered = _NumberedReferences(references)
    citations: list[ParsedCitation] = []
    for number, paragraph in enumerate(paragraphs):
        if paragraph.kind in ("front_matter",):
            continue
        text = paragraph.text
        for start, end, n in _scan_numeric(text, superscripts=numbered.labelled):
            citations.append(_citation(number, text, start, end, numbered.get(n)))
        for start, end, names, year in _scan(text):
            reference, candidates = index.match(names, year)
            citations.append(_citation(number, text, start, end, reference, candidates))
    return citations


def _citation(
    paragraph: int, text: str, start: int, end: int, reference: int | None, candidates=()
) -> ParsedCitation:
    return ParsedCitation(
        paragraph=paragraph,
        start=start,
        end=end,
        text=text[start:end],
        reference=reference,
        candidates=list(candidates),
    )


def marked_citations(
    paragraphs: list[ParsedParagraph], references: list[ParsedReference]
) -> list[ParsedCitation]:
    """Citations the format marked itself (JATS `xref`, HTML links to entries): exact links.

    A mark naming several entries ("[1-3]") gives one citation per entry over the same span; a
    target missing from the list gives an unlinked citation."""
    by_id = {ref.ref_id: i for i, ref in enumerate(references) if ref.ref_id}
    citations = []
    for number, paragraph in enumerate(paragraphs):
        for mark in paragraph.marks:
            if mark.get("type") != "cite":
                continue
            start, end = mark["start"], mark["end"]
            for target in mark.get("targets") or [None]:
                citations.append(_citation(number, paragraph.text, start, end, by_id.get(target)))
    return citations


def _scan(text: str):
    """Yield (start, end, names, year) for each citation in a paragraph."""
    taken: list[tuple[int, int]] = []
    for paren in _PAREN.finditer(text):
        inner_start = paren.start(1)
        parts = list(_split_parts(paren.group(1), inner_start))
        found = []
        led = False  # "(e.g., Wu et al., 2014)": the citation is what follows the lead
        for part_start, part in parts:
            match = _PART.match(part)
            if not match or not _plausible(match.group("names")):
                continue
            led = led or bool(match.group("lead").strip())
            names = match.group("names").strip(' ,“”"')
            for year in _ONE_YEAR.findall(match.group("years")):
                begin = part_start + match.start("names")
                finish = part_start + len(part.rstrip())
                found.append((begin, finish, names, year))
        if len(found) == 1 and len(parts) == 1 and not led:
            # One citation: the span is the whole parenthesis, as printed.
            _, _, names, year = found[0]
            found = [(paren.start(), paren.end(), names, year)]
        for item in found:
            taken.append((item[0], item[1]))
            yield item
    for match in _NARRATIVE.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        if not _plausible(match.group("names")):
            continue
        for year in _ONE_YEAR.findall(match.group("years")):
            yield match.start(), match.end(), match.group("names"), year


_NUMERIC_GROUP = re.compile(r"\[(\s*\d{1,4}(?:\s*[-–—,;]\s*\d{1,4})*\s*)\]")
_NUMERIC_ITEM = re.compile(r"(\d{1,4})(?:\s*[-–—]\s*(\d{1,4}))?")
_MAX_RANGE = 50


_SUPERSCRIPT_GROUP = re.compile(r"(?<=[^\s\d¹²³⁴⁵⁶⁷⁸⁹⁰])([¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:[,–-][¹²³⁴⁵⁶⁷⁸⁹⁰]+)*)")
_SUPERSCRIPT_DIGITS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")


def _scan_numeric(text: str, superscripts: bool = False):
    """Yield (start, end, number) for numeric citations: "[7]", "[6–8]", "[8,21,26–31]", and
    superscripts ("shown¹²") when the reference list is numbered (else a superscript is a
    footnote marker).

    A lone citation spans its brackets, as printed; in a group each item spans its own digits
    (a range's numbers share the range's span)."""
    if superscripts:
        for group in _SUPERSCRIPT_GROUP.finditer(text):
            plain = group.group(1).translate(_SUPERSCRIPT_DIGITS)
            for item in _NUMERIC_ITEM.finditer(plain):
                first = int(item.group(1))
                last = int(item.group(2)) if item.group(2) else first
                last = last if first <= last <= first + _MAX_RANGE else first
                for n in range(first, last + 1):
                    yield group.start() + item.start(), group.start() + item.end(), n
    for group in _NUMERIC_GROUP.finditer(text):
        items = list(_NUMERIC_ITEM.finditer(group.group(1)))
        offset = group.start(1)
        for item in items:
            first = int(item.group(1))
            last = int(item.group(2)) if item.group(2) else first
            if last < first or last - first > _MAX_RANGE:
                last = first
            if len(items) == 1:
                start, end = group.start(), group.end()
            else:
                start, end = offset + item.start(), offset + item.end()
            for n in range(first, last + 1):
                yield start, end, n


class _NumberedReferences:
    """Entry n: the one labelled n when the list is numbered, else the n-th entry (an
    unnumbered bullet list read in order)."""

    def __init__(self, references: list[ParsedReference]):
        self.by_label = {ref.label: i for i, ref in enumerate(references) if ref.label.isdigit()}
        self.labelled = bool(self.by_label)
        self.count = len(references)

    def get(self, n: int) -> int | None:
        if self.by_label:
            return self.by_label.get(str(n))
        return n - 1 if 1 <= n <= self.count else None


def _split_parts(inner: str, offset: int):
    position = 0
    for piece in inner.split(";"):
        yield offset + position, piece
        position += len(piece) + 1


def _plausible(names: str) -> bool:
    words = names.strip(' ,“”"').split()
    if not words or len(words) > 9:
        return False
    return words[0].lower().strip(".,") not in _NOT_NAMES


class _ReferenceIndex:
    def __init__(self, references: list[ParsedReference]):
        self.references = references
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for i, ref in enumerate(references):
            if ref.first_author:
                key = norm_key(ref.first_author)
                self.by_name[key].append(i)
                words = ref.first_author.split()
                if 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words):
                    # "Jian Wu, Kyle Williams, ..." (given names first): cited as "Wu".
                    self.by_name[norm_key(words[-1])].append(i)
            elif ref.venue:
                # An entry that starts with its title is cited by where it appeared:
                # "(Dawn, 2021)", "(The Economic Times, 2009)".
                self.by_name[norm_key(ref.venue)].append(i)
        self.venues = sorted(
            {norm_key(ref.venue) for ref in references if ref.venue and not ref.first_author}
        )
        self.text_keys = [re.sub(r"[\W_]+", "", ref.text.casefold()) for ref in references]

    def match(self, names: str, year: str) -> tuple[int | None, list[int]]:
        whole = re.sub(r"\s+et\s+al\.?", "", names).strip(" ,")
        entries, second = self._by_name(whole), ""
        if not entries:
            first, second = _first_two(whole)
            entries = self._by_name(first)
        if not entries and "," in whole:
            # "(Long Short-Term Memory, Hochreiter and Schmidhuber, 1997)": words before the
            # authors. Try the authors after each comma.
            for tail in _comma_tails(whole):
                first, second = _first_two(tail)
                entries = self._by_name(first)
                if entries:
                    break
        if not entries:
            return None, []
        number, suffix = int(year[:4]), year[4:]
        exact = [
            i
            for i in entries
            if self.references[i].year == number
            and (
                not suffix
                or not self.references[i].year_suffix
                or self.references[i].year_suffix == suffix
            )
        ]
        if second and len(exact) > 1:
            narrowed = [i for i in exact if norm_key(second) in norm_key(self.references[i].text)]
            exact = narrowed or exact
        distinct = self._distinct(exact)
        if len(distinct) == 1:
            return distinct[0], []
        undated = [i for i in entries if self.references[i].year is None]
        return None, (distinct + undated)[:_MAX_CANDIDATES]

    def _by_name(self, name: str) -> list[int]:
        key = norm_key(name)
        if key in self.by_name:
            return self.by_name[key]
        # "Kamran Yousaf": a given name before the surname (not "Qayum and Kate").
        words = key.split()
        joined = "&" in name or re.search(r"\band\b", name)
        if len(words) == 2 and not joined and words[1] in self.by_name:
            return self.by_name[words[1]]
        # "(BBC 2017)" for an entry that appeared in "BBC News".
        entries = [
            i for venue in self.venues if venue.startswith(key + " ") for i in self.by_name[venue]
        ]
        return entries

    def _distinct(self, indexes: list[int]) -> list[int]:
        seen: dict[str, int] = {}
        for i in indexes:
            seen.setdefault(self.text_keys[i], i)
        return list(seen.values())


def _comma_tails(names: str) -> list[str]:
    pieces = names.split(",")
    return [",".join(pieces[i:]).strip() for i in range(1, len(pieces))]


def _first_two(names: str) -> tuple[str, str]:
    parts = re.split(r"\s*(?:&|\band\b|,)\s*", names)
    return parts[0], (parts[1] if len(parts) > 1 else "")
