"""Reference list: assemble entries from blocks, then read each entry's parts.

Entries arrive one per block, as bullets, or broken across a page break (the entry then ends
without closing punctuation and the next block does not look like the start of an entry, or the
next block starts in lower case). Parsing is forgiving: the authors of the seed paper write
"Akhtar.N.", "Ashraf,S.", "Tellies.A," and "S. Khan", and a citation must still find them.
"""

import re

from .document import Block, ParsedReference
from .textrules import is_closed, starts_lowercase

_ENTRY_START = re.compile(
    r"""^(?:
        [“"‘'«]                                                  # the title comes first
      | \[?\d{1,3}[.\])]\s                                       # numbered: "12." "[12]"
      | [A-Z]\.\s?(?:[A-Z]\.\s?)*[A-Z][\w'’-]+,                   # "S. Khan,"
      | [A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){0,4}\s?[.,]\s?[“"‘”]      # "Aljazeera. “" "Crisis Group.”"
      | [A-Z][\w'’-]+(?:[\s-][A-Z][\w'’-]+)?\s?[,.]\s?[A-Z]        # "Afzal, Madiha" "Akhtar.N."
      | (?:van|von|de|der|den|du|da|di|del|della|le|la|al|el|bin|ibn|ter|ten)
        (?:\s(?:de|der|den|la))?[\s-][A-Z][\w'’-]+,                  # "van Eemeren, F."
    )""",
    re.VERBOSE,
)
_LABEL = re.compile(r"^(?:\[(\d{1,4})\]|(\d{1,4})\.)\s+")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"]+")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s<>\"]+)")
_YEAR = r"(1[6-9]\d\d|20\d\d)([a-z])?"
_PAREN_YEAR = re.compile(rf"\(\s*{_YEAR}\s*\)")
_ANY_YEAR = re.compile(rf"(?<![\d/]){_YEAR}(?![\d])")
_QUOTED = re.compile(r"“\s*(.+?)\s*[”\"]|\"\s*(.+?)\s*[\"”]|‘\s*(.+?)\s*’(?!\w)|”\s*(.+?)\s*”")
_INITIALS_FIRST = re.compile(r"^((?:[A-Z]\.\s?)+)([A-Z][\w'’-]+)")
_INITIALS = re.compile(r"^(?:[A-Z](?:\.|\b)\s*-?){1,4}$")
_DATED_TITLE = re.compile(rf"(?:\(\s*{_YEAR}\s*\)\.?|(?<=[.,]\s){_YEAR}\.)\s*(?P<title>[^.]+)")
# "Matthew E. Peters, ..." (given name, initials, surname): the initials do not end the name.
_GIVEN_INITIALS = re.compile(r"^[A-Z][\w'’-]+\s+(?:[A-Z]\.\s*)+[A-Z][\w'’-]+(?=,|\s+and\s|\.\s|$)")


def assemble_references(blocks: list[Block]) -> list[ParsedReference]:
    entries: list[tuple[str, list[dict]]] = []
    for block in blocks:
        text = block.text
        if entries and block.kind != "list_item":
            previous, marks = entries[-1]
            starts_entry = bool(_ENTRY_START.match(text))
            continues = not starts_entry and (starts_lowercase(text) or not is_closed(previous))
            if continues:
                offset = len(previous) + 1
                moved = [
                    {**m, "start": m["start"] + offset, "end": m["end"] + offset}
                    for m in block.marks
                ]
                entries[-1] = (f"{previous} {text}", marks + moved)
                continue
        entries.append((text, list(block.marks)))
    return [parse_reference(text, marks) for text, marks in entries]


def stated_reference(block: Block) -> ParsedReference:
    """An entry a structured format delimited itself; its stated fields win over parsing."""
    ref = parse_reference(block.text, block.marks)
    ref.ref_id = block.ref_id
    data = block.data
    if data.get("authors"):
        ref.authors = list(data["authors"])
        ref.first_author = data.get("first_author") or _surname(ref.authors[0])
    for name in ("title", "url", "doi", "label", "venue"):
        if data.get(name):
            setattr(ref, name, data[name])
    if data.get("year"):
        match = re.match(r"(\d{4})([a-z])?", str(data["year"]))
        if match:
            ref.year, ref.year_suffix = int(match.group(1)), match.group(2) or ""
    return ref


def _surname(author: str) -> str:
    """'Stotsky, J.' -> 'Stotsky'; 'Jian Wu' -> 'Wu'."""
    if "," in author:
        return author.split(",", 1)[0].strip()
    return author.split()[-1] if author.split() else ""


def parse_reference(text: str, marks: list[dict] | None = None) -> ParsedReference:
    marks = marks or []
    ref = ParsedReference(text=text)
    label = _LABEL.match(text)
    body = text
    if label:
        ref.label = label.group(1) or label.group(2)
        body = text[label.end() :]
    urls = [u.rstrip(".,;)>") for u in _URL.findall(body)]
    doi = _DOI.search(body)
    if doi:
        ref.doi = doi.group(1).rstrip(".,;)>")
    ref.url = next((u for u in urls if "doi.org/" not in u), urls[0] if urls else None)
    ref.year, ref.year_suffix = _year(body)

    emphasis = [
        body[m["start"] - (len(text) - len(body)) : m["end"] - (len(text) - len(body))]
        for m in marks
        if m.get("type") in ("em", "strong")
    ]
    title_start = _title_start(body, marks, len(text) - len(body))
    segment = body[:title_start].strip(" ,.;:") if title_start is not None else ""
    if title_start is None:
        lead = re.match(r"^[^.,“\"(]+[.,]\s*(?:[A-Z]\.\s*)*", body)
        segment = lead.group(0).strip(" ,.") if lead else ""
    ref.first_author = _first_author(segment)
    ref.authors = _authors(segment)
    quoted = _QUOTED.search(body)
    if body[:1] in "“\"‘'«":
        # Title first: the quoted title (its closing mark is sometimes missing), then the venue
        # in italics.
        if quoted and quoted.start() == 0 and (not emphasis or quoted.end() <= _first_em(marks)):
            ref.title = next(g for g in quoted.groups() if g is not None).strip(" ,.")
        else:
            end = _first_em(marks) - (len(text) - len(body)) if emphasis else len(body)
            ref.title = body[1:end].strip(' ,.“”"')
        ref.venue = emphasis[0].strip(" ,.") if emphasis else ""
        return ref
    # "(2016). Title." (APA) or ". 2017. Title." (ACL): the title follows the year; italics
    # after it are the venue (a journal, the proceedings), not the title.
    dated = _DATED_TITLE.search(body)
    first_em = _first_em(marks) - (len(text) - len(body))
    dated_first = dated is not None and dated.start("title") < first_em
    if quoted and (title_start is None or quoted.start() <= title_start + 2):
        ref.title = next(g for g in quoted.groups() if g is not None).strip(" ,.")
    elif emphasis and not dated_first:
        ref.title = emphasis[0].strip(" ,.")
    else:
        ref.title = dated.group("title").strip() if dated else ""
    venues = [e for e in emphasis if e.strip(" ,.") != ref.title]
    ref.venue = venues[0].strip(" ,.") if venues else ""
    return ref


def _first_em(marks: list[dict]) -> int:
    return next((m["start"] for m in marks if m.get("type") in ("em", "strong")), 10**9)


def _year(body: str) -> tuple[int | None, str]:
    without_urls = _URL.sub(" ", body)
    match = _PAREN_YEAR.search(without_urls)
    if not match:
        found = list(_ANY_YEAR.finditer(without_urls))
        match = found[-1] if found else None
    if not match:
        return None, ""
    return int(match.group(1)), match.group(2) or ""


def _title_start(body: str, marks: list[dict], offset: int) -> int | None:
    """Where the title begins: the first quotation mark, italics or "(Year)."."""
    if body[:1] in "“\"‘'«":
        return 0
    candidates = []
    quote = re.search(r"[“\"‘”]", body)
    if quote:
        candidates.append(quote.start())
    for mark in marks:
        if mark.get("type") in ("em", "strong"):
            candidates.append(mark["start"] - offset)
            break
    paren = _PAREN_YEAR.search(body)
    if paren:
        candidates.append(paren.start())
    return min(candidates) if candidates else None


def _first_author(segment: str) -> str:
    if not segment:
        return ""
    initials_first = _INITIALS_FIRST.match(segment)
    if initials_first:
        return initials_first.group(2)
    given = _GIVEN_INITIALS.match(segment)
    if given:
        return given.group(0)
    first = re.split(r"\s*[.,(]", segment, maxsplit=1)[0].strip()  # "van Eemeren" stays whole
    return re.split(r"\s+(?:and|&)\s+", first, maxsplit=1)[0]  # "Luca Weihs and Oren Etzioni"


def _authors(segment: str) -> list[str]:
    """'Pyes, C., Judith, M. and Stephen, E.' -> ['Pyes, C.', 'Judith, M.', 'Stephen, E.']."""
    if not segment:
        return []
    authors: list[str] = []
    for group in re.split(r"\s*(?:;|&|\band\b)\s*", segment):
        tokens = [t.strip() for t in re.split(r"\s*,\s*", group) if t.strip()]
        for token in tokens:
            if (
                authors
                and "," not in authors[-1]
                and (_INITIALS.match(token) or re.match(r"^[A-Z][a-z]+$", token))
            ):
                authors[-1] = f"{authors[-1]}, {token}"
            elif (
                authors
                and _INITIALS.match(token)
                and authors[-1].count(",") == 1
                and not _INITIALS.match(authors[-1].split(",")[1].strip())
            ):
                authors[-1] = f"{authors[-1]} {token}"  # "Khan, Iftikhar" + "A."
            else:
                authors.append(_split_glued(token))
    return [a for a in authors if a]


def _split_glued(token: str) -> str:
    # "Akhtar.N." -> "Akhtar, N."; "Nausheen.W." -> "Nausheen, W."
    glued = re.match(r"^([A-Z][\w'’-]+)\.\s*((?:[A-Z]\.?)+)$", token)
    return f"{glued.group(1)}, {glued.group(2)}" if glued else token
