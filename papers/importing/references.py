"""Reference list: assemble entries from blocks, then read each entry's parts.

Entries start where the list says so. When entries carry labels ("[12]", "12."), a new entry
starts exactly at the next label in sequence, and only there: wherever the blocks were cut (a
wrapped line, a link label such as "[SPIRES]" set apart, a column break) and wherever they were
glued ("(2008). 4. M. Then, …"). Without labels, entries arrive one per block, as bullets, or
broken across a page break (the entry then ends without closing punctuation, or in the middle of
its author list, and the next block does not look like the start of an entry, or starts in lower
case). A URL or DOI may end an entry. Parsing is forgiving: the authors of the seed paper write
"Akhtar.N.", "Ashraf,S.", "Tellies.A," and "S. Khan", and a citation must still find them.

A numbered list without a heading is the reference list when it reads as one
(`reference_list_span`): labels in sequence from 1, most entries starting with a name and
holding a year, a URL or a DOI.
"""

import re
from bisect import bisect_left, bisect_right

from .document import Block, ParsedReference
from .textrules import REFERENCE_HEADINGS, heading_name, is_closed, starts_lowercase

_PARTICLE = r"(?:van|von|de|der|den|du|da|di|del|della|le|la|al|el|bin|ibn|ter|ten)"
_ENTRY_START = re.compile(
    rf"""^(?:
        [“"‘'«]                                                  # the title comes first
      | \[?\d{{1,3}}[.\])]\s                                       # numbered: "12." "[12]"
      | [A-Z]\.\s?(?:[A-Z]\.\s?)*[A-Z][\w'’-]+,                   # "S. Khan,"
      | [A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+){{0,4}}\s?[.,]\s?[“"‘”]  # "Aljazeera. “"
      | [A-Z][\w'’-]+(?:[\s-][A-Z][\w'’-]+)?\s?                      # "Afzal, Madiha" "Akhtar.N."
        (?:,\s?[A-Z]|\.\s?[A-Z](?![a-z]))                              # (not "Challenge. In")
      | {_PARTICLE}(?:\s(?:de|der|den|la))?[\s-][A-Z][\w'’-]+,          # "van Eemeren, F."
    )""",
    re.VERBOSE,
)
# How an entry's authors start, after any label: "J. M. Maldacena", "M.-W. Chang",
# "G. 't Hooft", "Smith, J.", "Afzal, Madiha", "Smith JA,", "Iz Beltagy,", "Matthew E. Peters,",
# "Hal Daumé.", "van Eemeren, F.", or a title in quotation marks.
_NAME = r"[A-Z][\w'’-]+"
AUTHOR_START = re.compile(
    rf"""^(?:
        (?:[A-Z]\.\s?-?){{1,3}}\s?(?:(?:{_PARTICLE}|'t|’t|[A-Z][a-z]?)\s)?{_NAME}
      | {_NAME}(?:[\s-]{_NAME})?,\s?(?:[A-Z]\.|{_NAME}|[A-Z]{{1,3}}\b)
      | {_NAME}\s[A-Z]{{1,3}}[,.]
      | {_NAME}(?:\s[A-Z]\.)*\s{_NAME}(?:,|\.\s|\s+(?:and|&)\s|\s+et\s+al)
      | {_PARTICLE}(?:\s(?:de|der|den|la))?[\s-]{_NAME}
      | [“"‘«]
    )""",
    re.VERBOSE,
)
_LABEL = re.compile(r"^(?:\[(\d{1,4})\]|(\d{1,4})\.)\s+")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"]+")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s<>\"]+)")
_ARXIV = re.compile(r"\barXiv:|\b[a-z-]+(?:\.[A-Z]{2})?/\d{7}\b")
_YEAR = r"(1[6-9]\d\d|20\d\d)([a-z])?"
_PAREN_YEAR = re.compile(rf"\(\s*{_YEAR}\s*\)")
_ANY_YEAR = re.compile(rf"(?<![\d/]){_YEAR}(?![\d])")
_QUOTED = re.compile(r"“\s*(.+?)\s*[”\"]|\"\s*(.+?)\s*[\"”]|‘\s*(.+?)\s*’(?!\w)|”\s*(.+?)\s*”")
_INITIALS_FIRST = re.compile(r"^((?:[A-Z]\.\s?)+)([A-Z][\w'’-]+)")
_INITIALS = re.compile(r"^(?:[A-Z](?:\.|\b)\s*-?){1,4}$")
_DATED_TITLE = re.compile(rf"(?:\(\s*{_YEAR}\s*\)\.?|(?<=[.,]\s){_YEAR}\.)\s*(?P<title>[^.]+)")
# "Matthew E. Peters, ..." (given name, initials, surname): the initials do not end the name.
_GIVEN_INITIALS = re.compile(r"^[A-Z][\w'’-]+\s+(?:[A-Z]\.\s*)+[A-Z][\w'’-]+(?=,|\s+and\s|\.\s|$)")
# An entry cut inside its author list or its page range goes on in the next block.
_ENDS_MID = re.compile(r"(?:[,&(;–-]|\b(?:and|In|in|pp\.|et al\.,))\s*$")
_URL_END = re.compile(r"(?:(?:https?|ftp)://|doi:\s?|\b10\.\d{4,9}/)\S*$")
_MIN_LIST = 3  # entries in sequence before a headingless numbered list is a reference list


def entry_label(text: str) -> int | None:
    """The number an entry's label gives ("[12] …", "12. …"), or None."""
    match = _LABEL.match(text)
    return int(match.group(1) or match.group(2)) if match else None


def reads_as_reference(text: str) -> bool:
    """After its label, the entry starts with a name (or a quoted title) and holds a year, a
    URL, a DOI or an arXiv identifier: what a reference list's entries do and a numbered list
    of points does not."""
    label = _LABEL.match(text)
    body = text[label.end() :] if label else text
    if not AUTHOR_START.match(body):
        return False
    return bool(
        _ANY_YEAR.search(body) or _URL.search(body) or _DOI.search(body) or _ARXIV.search(body)
    )


def assemble_references(blocks: list[Block]) -> list[ParsedReference]:
    texts = [_labelled(block) for block in blocks]
    if texts and entry_label(texts[0][0]) is not None:
        return [parse_reference(text, marks) for text, marks in _by_labels(texts)]
    entries: list[tuple[str, list[dict]]] = []
    for block, (text, marks) in zip(blocks, texts, strict=True):
        if entries and block.kind != "list_item" and _continues(entries[-1][0], text):
            entries[-1] = _glued(entries[-1], (text, marks))
            continue
        entries.append((text, list(marks)))
    return [parse_reference(text, marks) for text, marks in entries]


def _continues(previous: str, text: str) -> bool:
    if _ENDS_MID.search(previous):
        return True  # "Kinney, R., Beltagy, I.," + "Bragg, J., …"
    if _ENTRY_START.match(text):
        return False
    if starts_lowercase(text):
        return True
    # An entry may end with its URL or DOI, without a period.
    return not is_closed(previous) and not _URL_END.search(previous)


def _labelled(block: Block) -> tuple[str, list[dict]]:
    """The block's text, with the label of an ordered list item put back in front of it."""
    if block.kind == "list_item" and block.ordered and block.label.isdigit():
        prefix = f"{block.label}. "
        shifted = [
            {**m, "start": m["start"] + len(prefix), "end": m["end"] + len(prefix)}
            for m in block.marks
        ]
        return prefix + block.text, shifted
    return block.text, list(block.marks)


def _separator(text: str, more: str) -> str:
    """A URL broken between two blocks goes on without a space."""
    broken_url = text[-1:] in "/-_.=" and more[:1].islower() and _URL_END.search(text[-300:])
    return "" if broken_url else " "


def _glued(first: tuple[str, list[dict]], second: tuple[str, list[dict]]):
    text, marks = first
    more, more_marks = second
    separator = _separator(text, more)
    offset = len(text) + len(separator)
    moved = [{**m, "start": m["start"] + offset, "end": m["end"] + offset} for m in more_marks]
    return f"{text}{separator}{more}", marks + moved


def _by_labels(texts: list[tuple[str, list[dict]]]) -> list[tuple[str, list[dict]]]:
    return _cut_at_labels(texts)[0]


def _cut_at_labels(
    texts: list[tuple[str, list[dict]]],
) -> tuple[list[tuple[str, list[dict]]], int]:
    """The blocks' texts as one, cut where each label in sequence stands; and the index of the
    block that holds the last label."""
    pieces: list[str] = []
    marks: list[dict] = []
    starts: list[int] = []  # where each block begins in the stream: a label there needs no context
    length = 0
    for text, block_marks in texts:
        if pieces:
            separator = _separator(pieces[-1], text)
            pieces.append(separator)
            length += len(separator)
        starts.append(length)
        marks += [
            {**m, "start": m["start"] + length, "end": m["end"] + length} for m in block_marks
        ]
        pieces.append(text)
        length += len(text)
    text = "".join(pieces)
    cuts = [0]
    number = entry_label(text) or 0
    while True:
        found = _next_label(text, cuts[-1] + 1, number, starts)
        if found is None:
            break
        position, number = found
        cuts.append(position)
    entries = []
    for start, end in zip(cuts, [*cuts[1:], len(text)], strict=True):
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        moved = [
            {**m, "start": m["start"] - start - lead, "end": min(m["end"], end) - start - lead}
            for m in marks
            if start <= m["start"] < end
        ]
        entries.append((piece, moved))
    return entries, bisect_right(starts, cuts[-1]) - 1


def _next_label(text: str, after: int, number: int, starts: list[int]) -> tuple[int, int] | None:
    """Where the label after `number` stands in `text` (from `after` on), and its number. A
    block that starts with a label a little further on (one missing from the list) also
    counts."""
    bracket = text.startswith("[")
    wanted = number + 1
    pattern = re.compile(rf"\[{wanted}\]\s" if bracket else rf"(?<!\S){wanted}\.\s+(?=\S)")
    for match in pattern.finditer(text, after):
        position = match.start()
        at_start = _is_start(starts, position)
        if bracket or at_start or _closes_entry(text[max(0, position - 200) : position]):
            rest = text[match.end() : match.end() + 80]
            if at_start or AUTHOR_START.match(rest) or rest[:1].isupper():
                return position, wanted
    for start in starts[bisect_right(starts, after) :]:
        label = entry_label(text[start : start + 8])
        if label is not None and wanted < label <= wanted + 3:
            return start, label
    return None


def _is_start(starts: list[int], position: int) -> bool:
    i = bisect_left(starts, position)
    return i < len(starts) and starts[i] == position


def _closes_entry(before: str) -> bool:
    """The text before a label in the middle of a block ends as an entry ends."""
    before = before.rstrip()
    return is_closed(before) or before.endswith(("]", ")")) or bool(_URL_END.search(before))


def reference_list_span(blocks: list[Block]) -> tuple[int, int] | None:
    """The blocks of a numbered reference list printed without a heading: from the block with
    label 1 to the block with the last label in sequence, and the short fragments after it,
    when there are at least three and two in three read as references. None when the paper has
    a reference heading or stated entries."""
    if any(
        b.kind == "reference"
        or (
            len(b.text) < 40
            and b.kind != "list_item"
            and heading_name(b.text) in REFERENCE_HEADINGS
        )
        for b in blocks
    ):
        return None
    for start, block in enumerate(blocks):
        if block.kind == "list_item":
            if not (block.ordered and block.label == "1"):
                continue
        elif block.kind == "heading" or entry_label(block.text[:8]) != 1:
            continue
        members: list[int] = []
        end = start
        while end < len(blocks) and blocks[end].kind != "heading":
            if blocks[end].kind in ("paragraph", "list_item", "body"):
                members.append(end)
            end += 1
        entries, last = _cut_at_labels([_labelled(blocks[i]) for i in members])
        referencey = sum(reads_as_reference(text) for text, _ in entries)
        if len(entries) < _MIN_LIST or referencey * 3 < len(entries) * 2:
            continue
        end = members[last] + 1
        while end < len(blocks) and _fragment(blocks[end]):
            end += 1
        return start, end
    return None


def _fragment(block: Block) -> bool:
    """A piece of the last entry after its label's block: short, or in lower case."""
    if block.kind not in ("paragraph", "body"):
        return block.kind in ("footnote", "caption", "table")  # set in between; left as they are
    return len(block.text) < 120 or starts_lowercase(block.text)


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
