"""Small helpers over JATS elements, shared by jats_body and jats_refs."""

import html

from .flatten import InlineText

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def local(el) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[1] if tag[0] == "{" else tag


def children(el, *names: str) -> list:
    return [c for c in el if isinstance(c.tag, str) and (not names or local(c) in names)]


def plain(el) -> str:
    """The element's text, white space collapsed, no marks."""
    if el is None:
        return ""
    run = InlineText()
    for piece in el.itertext():
        # An unexpanded entity comes as its own piece: "&nbsp;".
        run.add(html.unescape(piece) if piece[:1] == "&" and piece[-1:] == ";" else piece)
    return run.result()[0]


def entity_text(el) -> str:
    # Named entities of the (unloaded) JATS DTD, kept unexpanded by the parser: &nbsp; &mdash;
    return html.unescape(f"&{el.name};") if el.name else ""
