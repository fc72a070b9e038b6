"""JATS XML reader (PubMed Central, eLife, PLOS and most journal platforms).

JATS states everything the text-based stages have to guess: front matter (title, contributors,
affiliations, abstract, keywords), nested `sec`s, lists, quotes, figures, tables, footnotes, a
reference list of structured entries, and `xref ref-type="bibr"` citations pointing at entry ids.
So the blocks carry it all explicitly: metadata kinds, heading levels from `sec` depth, "reference"
blocks with their ids and fields, and "cite" marks that link exactly.

Safety: libxml2 parses with no entity substitution, no DTD loading and no network, inside its
default size and depth limits. A document that declares entities (billion laughs, external
entities reading local files) is refused outright: JATS needs none, and refusing is simpler to
trust than expanding carefully.
"""

import re
from collections.abc import Callable

from lxml import etree

from ..document import Block, ImportFailed
from .flatten import widen_year_citations
from .jats_body import JatsBody
from .jats_nodes import local

_ENTITIES = "This XML declares entities; they are refused for safety."
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?article[\s>/]")
_HEAD = 1024 * 1024
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_jats(data: bytes, progress: Callable[[float], None] | None = None) -> list[Block]:
    report = progress or (lambda fraction: None)
    root = parse_jats(data)
    report(0.3)
    body = JatsBody(root)
    front = _child(root, "front")
    if front is not None:
        body.front(front)
    main = _child(root, "body")
    if main is not None:
        sections = [el for el in main if isinstance(el.tag, str)]
        for number, el in enumerate(sections):
            body.block(el, level=1)
            report(0.3 + 0.6 * (number + 1) / len(sections))
    floats = _child(root, "floats-group")  # PMC moves figures and tables here
    if floats is not None:
        for el in floats:
            body.block(el, level=1)
    back = _child(root, "back")
    if back is not None:
        body.back(back)
    blocks = body.blocks
    if language := root.get(_XML_LANG):  # <article xml:lang="de">
        blocks.insert(0, Block(text=language, kind="language"))
    _link_citations(blocks, body.aliases)
    report(1.0)
    return blocks


def parse_jats(data: bytes):
    """The root element, parsed so that nothing is fetched or expanded; ImportFailed else."""
    root_at = _ROOT.search(data, 0, _HEAD)
    prolog = data[: root_at.start()] if root_at else data[:_HEAD]
    if b"<!ENTITY" in prolog:
        raise ImportFailed(_ENTITIES)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        message = re.sub(r",? line \d+, column \d+$", "", exc.msg or "malformed")
        if "Excessive depth" in message:
            raise ImportFailed(
                "This XML is nested too deeply (over 256 levels) to be read safely."
            ) from None
        if "XML_PARSE_HUGE" in message:  # one text or name over libxml2's 10 MB limit
            raise ImportFailed("This XML has a part too large to be read safely.") from None
        raise ImportFailed(
            f"This XML is not well-formed (line {exc.lineno}): {message}. Is the file complete?"
        ) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        raise ImportFailed(_ENTITIES)  # declared where the quick look above did not see
    if local(root) != "article":
        raise ImportFailed("This XML is not a JATS article (its root is not <article>).")
    return root


def _child(el, name: str):
    return next((c for c in el if isinstance(c.tag, str) and local(c) == name), None)


def _link_citations(blocks: list[Block], aliases: dict[str, str]) -> None:
    """Targets named by a citation element's id are its entry's id; a citation marked over
    its year alone is widened to the author before it."""
    for block in blocks:
        if not block.marks:
            continue
        for mark in block.marks:
            if mark["type"] == "cite":
                mark["targets"] = [aliases.get(t, t) for t in mark["targets"]]
        widen_year_citations(block.text, block.marks)
