"""HTML reader: the article, not the page around it.

- Bytes are decoded here, not by lxml: its parser reads a `<meta charset>` only near the top and
  mis-decodes pages that declare it after `<title>`. Order: a BOM, else a charset declared in
  the first 64 KB, else UTF-8, else Windows-1252.
- The article is `itemprop=articleBody`, else the largest top-level `<article>`, else `<main>`
  or `role=main`, else `<body>`. Navigation, headers, footers, scripts, styles, forms and
  comments never reach the text (html_body.DROP).
- Metadata comes first from what the page states for machines (Highwire `citation_*` metas,
  which Google Scholar reads; schema.org microdata), then from what it shows (the `<h1>`).
- In-text links to the reference list (`<a href="#bib12">`, `<cite>`) become "cite" marks and
  links to footnotes "footnote_ref" marks, so citations link exactly.

The parser is libxml2's, which is linear and does not fetch anything. Its resource limits (256
levels of nesting, 10 MB in one text run) stop it silently; we check its log and say so.
"""

import codecs
import re
from collections import defaultdict
from collections.abc import Callable

from lxml import etree

from ..decode import decode_undeclared
from ..document import Block, ImportFailed
from ..textrules import norm_key
from .flatten import InlineText, widen_year_citations
from .html_body import BodyWalker, all_props
from .microdata import organisation, person, value

_HEAD = 65536
_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# What browsers do with some declared names (WHATWG Encoding): Latin-1 and ASCII mean
# Windows-1252, and a page cannot declare UTF-16 in ASCII bytes (without a BOM it is UTF-8).
_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252", "utf-16": "utf-8", "utf-32": "utf-8"}


def read_html(data: bytes, progress: Callable[[float], None] | None = None) -> list[Block]:
    report = progress or (lambda fraction: None)
    doc = _parse(decode_html(data))
    report(0.3)
    items = _Items(doc)
    root = _article_root(doc, items)
    head, skip = metadata_blocks(doc, root, items)
    targets, link_texts = _link_targets(root)
    walker = BodyWalker(
        targets=targets,
        link_texts=link_texts,
        skip=skip,
        progress=lambda fraction: report(0.3 + 0.65 * fraction),
    )
    walker.walk(root)
    blocks = _language(doc) + head + walker.blocks
    if not any(b.kind == "abstract" for b in blocks):
        blocks += _meta_abstract(doc)
    _relative_heading_levels(blocks)
    resolve_marks(blocks)
    report(1.0)
    return blocks


def decode_html(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    declared = _declared_encoding(data[:_HEAD])
    if declared:
        return data.decode(declared, errors="replace")
    return decode_undeclared(data)


def _declared_encoding(head: bytes) -> str | None:
    match = _CHARSET.search(head)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _ALIASES.get(name, name)


def _parse(text: str):
    # Re-encoded as UTF-8 and parsed as such: the encoding is settled, whatever the page says.
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        doc = etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    except etree.ParserError:
        doc = None
    for error in parser.error_log:
        if error.level >= etree.ErrorLevels.FATAL:
            if "depth" in error.message:
                raise ImportFailed(
                    "This HTML is nested too deeply (over 256 levels) to be read safely."
                )
            if "XML_PARSE_HUGE" in error.message:  # one text run over 10 MB
                raise ImportFailed("This HTML has a part too large to be read safely.")
            raise ImportFailed(
                f"This HTML could not be read to its end (line {error.line}): "
                f"{error.message.strip()}"
            )
    if doc is None:
        raise ImportFailed("This HTML file has no content.")
    return doc


def _article_root(doc, items: "_Items"):
    body = items.by_prop.get("articleBody")
    if body:
        return body[0]
    articles = [a for a in doc.iter("article") if next(a.iterancestors("article"), None) is None]
    if articles:
        return max(articles, key=lambda a: sum(len(t) for t in a.itertext()))
    main = doc.xpath("//main | //*[@role='main']")
    if main:
        return main[0]
    body = doc.find("body")
    return body if body is not None else doc


def _link_targets(root) -> tuple[set[str], dict[str, str]]:
    """Ids that links in the article point to, and the text of the first link to each."""
    targets: set[str] = set()
    texts: dict[str, str] = {}
    for a in root.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            target = href[1:]
            targets.add(target)
            if target not in texts:
                texts[target] = " ".join("".join(a.itertext()).split())
    return targets, texts


def _metas(doc) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for meta in doc.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = " ".join((meta.get("content") or "").split())
        if key and content:
            found[key].append(content)
    return found


class _Items:
    """The page's microdata properties, indexed in one pass (an XPath scan, in C)."""

    def __init__(self, doc):
        self.by_prop: dict[str, list] = defaultdict(list)
        for el in doc.xpath("//*[@itemprop]"):
            for prop in el.get("itemprop").split():
                self.by_prop[prop].append(el)
        self.citations = set(self.by_prop.get("citation", ()))

    def outside_citations(self, prop: str) -> list:
        """Elements with property `prop` that are not inside a reference entry."""
        return [el for el in self.by_prop.get(prop, ()) if not self.in_citation(el)]

    def in_citation(self, el) -> bool:
        return bool(self.citations) and any(a in self.citations for a in el.iterancestors())


def metadata_blocks(doc, root, items: _Items) -> tuple[list[Block], set]:
    """Title, authors, keywords and affiliations; and the elements they came from, which the
    body walk then skips."""
    metas = _metas(doc)
    blocks: list[Block] = []
    skip: set = set()

    title = (metas.get("citation_title") or metas.get("dc.title") or [""])[0]
    headline = next(iter(items.outside_citations("headline")), None)
    h1 = next(root.iter("h1"), None)
    if h1 is None and root is not doc:
        h1 = next(doc.iter("h1"), None)
    for el in (headline, h1):
        if el is None:
            continue
        text = _inline_text(el)[0]
        if not title:
            title = text
        if norm_key(text) == norm_key(title):  # the title shown: not a heading as well
            skip.add(el)
    page_title = next(doc.iter("title"), None)
    if not title and page_title is not None:
        title = _inline_text(page_title)[0]
    if title:
        blocks.append(Block(text=title, kind="title", explicit=True))

    authors = items.outside_citations("author")
    names = metas.get("citation_author") or [person(el)[0] for el in authors]
    names = names or metas.get("dc.creator") or metas.get("author") or []
    names = list(dict.fromkeys(n for n in names if n))
    if names:
        blocks.append(Block(text=", ".join(names), kind="authors", data={"names": names}))

    keywords = [k for text in metas.get("citation_keywords", []) for k in re.split(r"[;,]", text)]
    if not keywords:
        for el in items.outside_citations("keywords"):
            keywords += re.split(r"\s*[;,]\s*", value(el))
    keywords = list(dict.fromkeys(k.strip() for k in keywords if k.strip()))
    if keywords:
        blocks.append(Block(text=", ".join(keywords), kind="keywords", data={"keywords": keywords}))

    affiliations = []
    for container in doc.xpath("//*[@data-itemprop='affiliations']"):
        parent = container.getparent()
        if parent is not None and "author" in all_props(parent) or items.in_citation(container):
            continue  # an author's own list of links to the affiliations
        for item in container:
            if isinstance(item.tag, str):
                affiliations.append(organisation(item))
        skip.add(container)
    affiliations = affiliations or metas.get("citation_author_institution", [])
    for text in dict.fromkeys(a for a in affiliations if a):
        blocks.append(Block(text=text, kind="front_matter"))
    return blocks, skip


def _inline_text(el) -> tuple[str, list[dict]]:
    run = InlineText()
    for piece in el.itertext():
        run.add(piece)
    return run.result()


def _language(doc) -> list[Block]:
    """The page's language: `<html lang>` (or `xml:lang`), else a `citation_language` or
    `dc.language` meta."""
    if doc is None:
        return []
    language = doc.get("lang") or doc.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not language:
        metas = _metas(doc)
        language = (metas.get("citation_language") or metas.get("dc.language") or [""])[0]
    return [Block(text=language, kind="language")] if language else []


def _meta_abstract(doc) -> list[Block]:
    """The abstract a page states only in its metas (`citation_abstract`), when the article
    shows none. A generic `description` is a teaser, not the abstract."""
    metas = _metas(doc)
    text = (metas.get("citation_abstract") or metas.get("dc.description") or [""])[0]
    return [Block(text=text, kind="abstract")] if text else []


def _relative_heading_levels(blocks: list[Block]) -> None:
    """h2 is the top level of a page whose h1 is the title."""
    levels = [b.level for b in blocks if b.kind == "heading" and b.level]
    top = min(levels, default=1)
    for block in blocks:
        if block.kind == "heading" and block.level:
            block.level = min(block.level - top + 1, 6)


def resolve_marks(blocks: list[Block]) -> None:
    """Provisional marks (links inside the page, `<cite>`) to "cite" marks for links to
    reference entries, "footnote_ref" marks for links to footnotes; other in-page links (to a
    figure, a section) carry no mark. A `<cite>` that links nowhere names a work: emphasis."""
    references = {b.ref_id for b in blocks if b.kind == "reference" and b.ref_id}
    notes = {b.ref_id for b in blocks if b.kind == "footnote" and b.ref_id}
    for block in blocks:
        if not block.marks:
            continue
        marks = []
        for mark in block.marks:
            kind = mark["type"]
            if kind not in ("_cite", "_internal"):
                marks.append(mark)
                continue
            ids = mark.pop("ids")
            span = {"start": mark["start"], "end": mark["end"]}
            cited = [i for i in ids if i in references]
            if cited:
                marks.append({"type": "cite", **span, "targets": cited})
            elif any(i in notes for i in ids):
                target = next(i for i in ids if i in notes)
                marks.append({"type": "footnote_ref", **span, "target": target})
            elif kind == "_cite" and not ids:
                marks.append({"type": "em", **span})
        widen_year_citations(block.text, marks)
        block.marks = marks
