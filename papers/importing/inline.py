"""Markdown inline markup to plain text plus marks.

`*emphasis*`, `**strong**`, `` `code` ``, `[text](url)`, `<https://autolinks>`, images, footnote
references `[^1]`, backslash escapes, entities and stray HTML tags become plain text; emphasis,
links and code are kept as marks `{"type", "start", "end", "href"?}` whose offsets count code
points of the returned text.

A hand-written scanner rather than a CommonMark library: the readers need inline conversion for
single blocks whose boundaries they have already decided (a PDF-converted Markdown file is not
CommonMark), it must stay linear on 50 MB inputs, and it must report offsets for marks.
"""

import html
import re

_URL_TAIL = r"[^\s<>\\]*[^\s<>\\.,;:!?)\]'\"’”]"
_TOKEN = re.compile(
    r"""
    \\(?P<esc>[!-/:-@\[-`{-~])
  | (?P<ticks>`+)(?P<code>.+?)(?P=ticks)
  | <(?P<auto>(?:https?|ftp|mailto):[^\s<>]+)>
  | !\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)(?:\s+"[^"]*")?\)
  | \[(?P<ltext>(?:[^\[\]\\]|\\.|\[[^\[\]]*\])*)\]
      \((?P<href><[^>]*>|(?:[^()\s]|\([^()\s]*\))*)(?:\s+"[^"]*")?\)
  | \[\^(?P<fn>[^\]\s]{1,20})\]
  | (?P<url>(?:https?|ftp)://"""
    + _URL_TAIL
    + r""")
  | (?P<tag><!--.*?-->|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)
  | (?P<sdelim>\*\*|__)(?=\S)(?P<strong>.{1,2000}?)(?<=\S)(?P=sdelim)
  | (?<![\w*])\*(?=[^\s*])(?P<em>.{1,2000}?)(?<=[^\s*])\*(?!\*)
  | (?<![\w_])_(?=[^\s_])(?P<uem>.{1,2000}?)(?<=[^\s_])_(?![\w_])
  | (?P<ent>&(?:[A-Za-z]{2,8}|\#\d{1,6}|\#x[0-9A-Fa-f]{1,6});)
    """,
    re.VERBOSE | re.DOTALL,
)
_SPACE = re.compile(r"\s+")


def markdown_inline(source: str) -> tuple[str, list[dict]]:
    """Plain text and marks for one block of Markdown inline content, whitespace collapsed."""
    out: list[str] = []
    marks: list[dict] = []
    _convert(source, out, marks, [0])
    text = "".join(out)
    if "  " in text or "\n" in text or "\t" in text or text[:1].isspace() or text[-1:].isspace():
        text, marks = collapse_space(text, marks)
    return text, marks


def collapse_space(text: str, marks: list[dict]) -> tuple[str, list[dict]]:
    """Collapse runs of white space to one space and strip the ends, moving marks to match."""
    if not marks:
        return _SPACE.sub(" ", text).strip(), marks
    # new_index[i] is the position in the collapsed text of original position i.
    new_index = []
    pieces = []
    pos = 0
    pending_space = False
    for ch in text:
        if ch.isspace():
            if pos > 0:
                pending_space = True
            new_index.append(pos + (1 if pending_space else 0))
            continue
        if pending_space:
            pieces.append(" ")
            pos += 1
            pending_space = False
        new_index.append(pos)
        pieces.append(ch)
        pos += 1
    new_index.append(pos)
    collapsed = "".join(pieces)
    moved = []
    for mark in marks:
        start = min(new_index[mark["start"]], len(collapsed))
        end = min(new_index[mark["end"]], len(collapsed))
        if end > start:
            moved.append({**mark, "start": start, "end": end})
    return collapsed, moved


def _convert(
    source: str, out: list[str], marks: list[dict], length: list[int], in_link: bool = False
) -> None:
    def emit(text: str) -> None:
        out.append(text)
        length[0] += len(text)

    def nested(inner: str, mark: dict) -> None:
        start = length[0]
        _convert(inner, out, marks, length, in_link or mark["type"] == "link")
        if length[0] > start:
            marks.append({**mark, "start": start, "end": length[0]})

    pos = 0
    for match in _TOKEN.finditer(source):
        if match.start() > pos:
            emit(source[pos : match.start()])
        pos = match.end()
        kind = match.lastgroup
        groups = match.groupdict()
        if groups["esc"] is not None:
            emit(groups["esc"])
        elif groups["code"] is not None:
            start = length[0]
            emit(groups["code"].strip() or groups["code"])
            marks.append({"type": "code", "start": start, "end": length[0]})
        elif groups["auto"] is not None:
            start = length[0]
            emit(groups["auto"])
            marks.append({"type": "link", "start": start, "end": length[0], "href": groups["auto"]})
        elif groups["src"] is not None:
            emit(groups["alt"])
        elif groups["href"] is not None:
            href = _unescape(groups["href"].strip("<>"))
            nested(groups["ltext"], {"type": "link", "href": href})
        elif groups["fn"] is not None:
            start = length[0]
            emit(groups["fn"])
            marks.append({"type": "footnote_ref", "start": start, "end": length[0]})
        elif groups["url"] is not None:
            start = length[0]
            emit(groups["url"])
            if not in_link:
                marks.append(
                    {"type": "link", "start": start, "end": length[0], "href": groups["url"]}
                )
        elif groups["tag"] is not None:
            continue
        elif groups["strong"] is not None:
            nested(groups["strong"], {"type": "strong"})
        elif groups["em"] is not None:
            nested(groups["em"], {"type": "em"})
        elif groups["uem"] is not None:
            nested(groups["uem"], {"type": "em"})
        elif kind == "ent":
            emit(html.unescape(groups["ent"]))
    if pos < len(source):
        emit(source[pos:])


def _unescape(href: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", href)


def strip_html(source: str) -> str:
    """Remove comments, scripts, styles and tags from raw HTML found inside Markdown or text."""
    source = re.sub(r"<!--.*?(?:-->|$)", " ", source, flags=re.DOTALL)
    source = re.sub(
        r"<(script|style|iframe|object|template)\b.*?(?:</\1\s*>|$)",
        " ",
        source,
        flags=re.DOTALL | re.IGNORECASE,
    )
    return source
