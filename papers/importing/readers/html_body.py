"""The HTML article's body as blocks: headings, paragraphs, lists, quotes, figures, tables, the
abstract, footnotes and the reference list.

One walk in document order. Where a zone begins (an "Abstract" heading, a "References" heading or
a container marked as a bibliography or as footnotes), what follows is read as that zone's kind
of block until a heading of the same or a higher level, or the end of the container. Links to
ids inside the page are kept as provisional marks: whether `#bib12` is a citation, a footnote
marker or a link to a figure is known only once the whole page is read (html.resolve_marks).
"""

import re
from collections.abc import Callable

from ..document import Block
from ..textrules import ABSTRACT_HEADINGS, NOTE_HEADINGS, REFERENCE_HEADINGS, heading_name
from .flatten import InlineText, InlineWalker, clean_label
from .microdata import cited_work, props

# Never text: page furniture, code, forms, media. (`header` and `aside` are decided by
# `_dropped`: a section's header holds its heading, an aside may hold the footnotes.)
DROP = frozenset(
    "nav footer script style noscript template form iframe svg canvas button select input "
    "textarea object embed video audio map dialog link meta head title base img picture source "
    "track area param".split()
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK = frozenset(
    "html body article main section div p ul ol menu dl dt dd li blockquote figure figcaption "
    "table caption thead tbody tfoot tr td th pre hr address details summary fieldset center "
    "hgroup header aside nav footer h1 h2 h3 h4 h5 h6".split()
)
_EMPHASIS = {"em": "em", "i": "em", "strong": "strong", "b": "strong", "code": "code"}
_EMPHASIS |= {"kbd": "code", "samp": "code", "tt": "code", "var": "em", "dfn": "em"}
# Article metadata marked with microdata, read by html.metadata_blocks and not as body text.
METADATA = frozenset(
    "author authors contributor contributors editor editors keywords identifiers identifier "
    "genre about publisher datePublished dateModified dateCreated dateReceived dateAccepted "
    "image headline alternativeHeadline license licenses funders funding affiliations "
    "affiliation copyrightHolder copyrightYear isPartOf version".split()
)
_REFERENCE_CLASSES = {"references", "bibliography", "ref-list", "reflist", "citation-list"}
_BACKLINK_TEXT = {"↩", "↩︎", "↑", "^", "⤴"}
_NOTE_ID = re.compile(r"^(?:fn|footnote|endnote|note)", re.IGNORECASE)
_MAX_DEPTH = 180  # the parser stops at 256; past this, content is read as flat text


def all_props(el) -> set[str]:
    """Microdata properties, with the `data-itemprop` Stencila puts on containers."""
    return set(props(el)) | set((el.get("data-itemprop") or "").split())


def _tokens(el, name: str) -> set[str]:
    return set((el.get(name) or "").lower().split())


def _declared_zone(el) -> str | None:
    """The zone a container says it is, by role, class, id or microdata."""
    role = _tokens(el, "role")
    classes = _tokens(el, "class")
    data = all_props(el)
    ident = (el.get("id") or "").lower()
    if "doc-bibliography" in role or classes & _REFERENCE_CLASSES or "references" in data:
        return "references"
    if ident in ("references", "bibliography"):
        return "references"
    if role & {"doc-endnotes", "doc-footnotes"} or ident in ("footnotes", "endnotes"):
        return "notes"
    if any(c in ("footnotes", "endnotes", "footnotes-end-of-document") for c in classes):
        return "notes"
    if "doc-abstract" in role or "abstract" in classes or ident == "abstract":
        return "abstract"
    if data & {"description", "abstract"}:
        return "abstract"
    return None


def _hidden(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style


def _is_backlink(el) -> bool:
    if el.tag != "a":
        return False
    classes = _tokens(el, "class")
    if "doc-backlink" in _tokens(el, "role") or classes & {
        "footnote-back",
        "footnote-backref",
        "reversefootnote",
        "fn-back",
        "backlink",
    }:
        return True
    return "".join(el.itertext()).strip() in _BACKLINK_TEXT


class BodyWalker(InlineWalker):
    def __init__(
        self,
        *,
        targets: set[str],
        link_texts: dict[str, str],
        skip: set,
        progress: Callable[[float], None] | None = None,
    ):
        self.blocks: list[Block] = []
        self.targets = targets  # ids that links inside the page point to
        self.link_texts = link_texts  # id -> the text of the first link to it ("1")
        self.skip = skip  # elements read as metadata (the title, authors, affiliations)
        self.progress = progress
        self.zone = "body"  # "body", "abstract", "references" or "notes"
        self.zone_level = 0  # level of the heading that opened the zone; 0: a container did
        self.body_started = False  # a body heading was seen: "Summary" is now a section
        self.list_id = 0
        self.in_cite = 0

    # Blocks -----------------------------------------------------------------------------

    def walk(self, el, kind: str = "paragraph", depth: int = 0) -> None:
        tag = el.tag
        if not isinstance(tag, str) or el in self.skip or _hidden(el):
            return
        if self._dropped(el, tag) or all_props(el) & METADATA:
            return
        if depth > _MAX_DEPTH:
            self._leaf(el, kind, depth)
            return
        if tag in HEADINGS:
            self._heading(el, HEADINGS[tag], depth)
            return
        declared = _declared_zone(el)
        saved = (self.zone, self.zone_level)
        if declared:
            self.zone, self.zone_level = declared, 0
        try:
            self._walk_element(el, tag, kind, depth)
        finally:
            if declared:
                self.zone, self.zone_level = saved

    def _walk_element(self, el, tag: str, kind: str, depth: int) -> None:
        if self.zone == "references" and self._is_entry(el, tag):
            self._reference(el, label="")
        elif self.zone == "notes" and self._is_entry(el, tag):
            self._footnote(el, label="", depth=depth)
        elif "citation" in props(el):
            self._reference(el, label="")
        elif _tokens(el, "role") & {"doc-footnote", "doc-endnote"}:
            self._footnote(el, label="", depth=depth)
        elif tag in ("ul", "ol", "menu"):
            self._list(el, depth)
        elif tag == "table":
            self._table(el, depth)
        elif tag == "figure":
            self._figure(el, depth)
        elif tag == "blockquote":
            self._container(el, "quote", depth)
        elif tag == "pre":
            text = "".join(el.itertext()).strip("\n")
            if text.strip():
                self.blocks.append(Block(text=text, kind="code", explicit=True))
        elif tag in ("figcaption", "caption"):
            self._leaf(el, "caption", depth)
        else:
            self._container(el, kind, depth)

    def _dropped(self, el, tag: str) -> bool:
        if tag == "aside":
            return _declared_zone(el) != "notes" and "doc-footnote" not in _tokens(el, "role")
        if tag == "header":
            # The page's or the article's header (title, byline, share buttons) goes; a
            # section's header holds the section's heading and stays.
            parent = el.getparent()
            return parent is None or parent.tag in ("body", "article", "main", "html")
        return tag in DROP

    def _is_entry(self, el, tag: str) -> bool:
        if tag in ("li", "p", "dd") or "citation" in props(el):
            return True
        ident = el.get("id")
        return bool(ident) and ident in self.targets and tag in ("div", "span", "section")

    def _container(self, el, kind: str, depth: int) -> None:
        """Runs of inline content become blocks of `kind`; block children are walked."""
        run: InlineText | None = None
        if el.text and el.text.strip():
            run = InlineText()
            run.add(el.text)
        children = list(el)
        report = self.progress if depth == 0 and self.progress else None
        for number, child in enumerate(children):
            tag = child.tag
            if isinstance(tag, str) and all_props(child) & METADATA:
                pass  # `<time itemprop="datePublished">` and the like: read as metadata
            elif isinstance(tag, str) and (tag in BLOCK or tag in DROP or tag in HEADINGS):
                if run is not None:
                    self._emit(run, kind)
                    run = None
                self.walk(child, kind, depth + 1)
            else:
                run = run or InlineText()
                self.inline(child, run, depth + 1)
            tail = child.tail
            if tail and (run is not None or not tail.isspace()):
                run = run or InlineText()
                run.add(tail)
            if report:
                report((number + 1) / len(children))
        if run is not None:
            self._emit(run, kind)

    def _leaf(self, el, kind: str, depth: int) -> None:
        run = InlineText()
        self.inline_children(el, run, depth)
        self._emit(run, kind)

    def _emit(self, run: InlineText, kind: str, **fields) -> None:
        text, marks = run.result()
        if not text:
            return
        if self.zone == "abstract":
            kind = "abstract"
        elif self.zone == "references" and kind in ("paragraph", "list_item"):
            kind = "reference"
        elif self.zone == "notes" and kind in ("paragraph", "list_item"):
            kind = "footnote"
        elif kind == "paragraph":
            kind = "body"  # text of the article: body even before its first heading
        self.blocks.append(Block(text=text, kind=kind, marks=marks, explicit=True, **fields))

    def _heading(self, el, level: int, depth: int) -> None:
        run = InlineText()
        self.inline_children(el, run, depth)
        text, marks = run.result()
        if not text:
            return
        name = heading_name(text)
        if self.zone_level and level <= self.zone_level:
            self.zone, self.zone_level = "body", 0  # the zone a heading opened ends at its peer
        if self.zone != "body" and not self.zone_level:
            # Inside a container that says what it is: its own heading ("Abstract",
            # "References") is not a section; sub-headings of an abstract are part of it.
            if self.zone == "abstract" and name not in ABSTRACT_HEADINGS:
                self.blocks.append(Block(text=text, kind="abstract", marks=marks))
            elif self.zone != "abstract":
                self._add_heading(text, marks, level)
            return
        if name in ABSTRACT_HEADINGS and not self.body_started:
            self.zone, self.zone_level = "abstract", level
            return
        if name in REFERENCE_HEADINGS:
            self.zone, self.zone_level = "references", level
        elif name in NOTE_HEADINGS:
            self.zone, self.zone_level = "notes", level
        else:
            self.zone, self.zone_level = "body", 0
            self.body_started = True
        self._add_heading(text, marks, level)

    def _add_heading(self, text: str, marks: list[dict], level: int) -> None:
        self.blocks.append(
            Block(text=text, kind="heading", level=level, marks=marks, explicit=True)
        )

    def _list(self, el, depth: int) -> None:
        ordered = el.tag == "ol"
        items = [child for child in el if child.tag == "li"]
        saved = (self.zone, self.zone_level)
        if self.zone == "body":
            self.zone = self._list_zone(items) or "body"
        number = _int(el.get("start"), 1)
        self.list_id += 1
        list_id = self.list_id
        try:
            for child in el:
                if child.tag != "li":
                    self.walk(child, "paragraph", depth + 1)
                    continue
                number = _int(child.get("value"), number)
                label = str(number) if ordered else ""
                if self.zone == "references":
                    self._reference(child, label=label)
                elif self.zone == "notes":
                    self._footnote(child, label=label, depth=depth + 1)
                else:
                    self._list_item(child, list_id, ordered, label, depth + 1)
                number += 1
        finally:
            self.zone, self.zone_level = saved

    def _list_zone(self, items: list) -> str | None:
        """A list whose items are what in-text links point to is a reference list or, when
        its ids say so, the footnotes."""
        targeted = [li.get("id") for li in items if li.get("id") in self.targets]
        if not targeted or len(targeted) * 2 < len(items):
            return None
        return "notes" if all(_NOTE_ID.match(i) for i in targeted) else "references"

    def _list_item(self, el, list_id: int, ordered: bool, label: str, depth: int) -> None:
        """The item's text (its paragraphs joined); nested lists and tables follow it."""
        run = InlineText()
        run.add(el.text)
        fields = {"list_id": list_id, "ordered": ordered, "label": label}
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and tag in BLOCK and tag not in ("p", "div", "span"):
                self._emit(run, "list_item", **fields)
                run = InlineText()
                fields["label"] = ""
                self.walk(child, "paragraph", depth + 1)
            else:
                self.inline(child, run, depth + 1)
            run.add(child.tail)
        self._emit(run, "list_item", **fields)

    def _reference(self, el, label: str) -> None:
        ref_id = el.get("id") or next(
            (d.get("id") for d in el.iterdescendants() if d.get("id") in self.targets), ""
        )
        text, data, marks = "", {}, []
        if "citation" in props(el) or el.get("itemscope") is not None:
            text, data = cited_work(el)  # no text: no author stated, keep the printed entry
        if not text:
            run = InlineText()
            self.inline_children(el, run, 0)
            text, marks = run.result()
        if label:
            data["label"] = label
        if text:
            self.blocks.append(
                Block(text=text, kind="reference", marks=marks, ref_id=ref_id or "", data=data)
            )

    def _footnote(self, el, label: str, depth: int) -> None:
        ref_id = el.get("id") or ""
        run = InlineText()
        self.inline_children(el, run, depth)
        text, marks = run.result()
        if not label:
            label = clean_label(self.link_texts.get(ref_id, ""))
        if not label:
            digits = re.search(r"\d+", ref_id)
            label = digits.group(0) if digits else ""
        if text:
            self.blocks.append(
                Block(text=text, kind="footnote", marks=marks, label=label, ref_id=ref_id)
            )

    def _table(self, el, depth: int) -> None:
        for child in el:
            if child.tag == "caption":
                self._leaf(child, "caption", depth + 1)
        rows = el.xpath("tr | thead/tr | tbody/tr | tfoot/tr")  # not a nested table's rows
        if any(_outside_caption(heading, el) for heading in el.iter(*HEADINGS)):
            # A layout table (the page laid out in cells): read the cells as containers.
            for tr in rows:
                for cell in tr:
                    self._container(cell, "paragraph", depth + 2)
            return
        run = InlineText()
        for r, tr in enumerate(rows):
            if r:
                run.literal("\n")
            cells = [cell for cell in tr if cell.tag in ("td", "th")]
            for c, cell in enumerate(cells):
                if c:
                    run.literal(" | ")
                self.inline_children(cell, run, depth + 2)
        self._emit(run, "table")

    def _figure(self, el, depth: int) -> None:
        """A figure is its caption (with its label, "Figure 1."); a quotation or table inside
        is read as such."""
        label = ""
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == "figcaption":
                run = InlineText()
                run.add(label)
                run.boundary()
                self.inline_children(child, run, depth + 1)
                self._emit(run, "caption")
            elif tag == "label" or "label" in _tokens(child, "class"):
                label = " ".join("".join(child.itertext()).split())
            elif tag in BLOCK:
                self.walk(child, "paragraph", depth + 1)

    # Inline -----------------------------------------------------------------------------

    def inline(self, el, run: InlineText, depth: int) -> None:
        """`el` and its content (not its tail) appended to `run`, with its marks."""
        tag = el.tag
        if not isinstance(tag, str) or tag in DROP or _hidden(el) or _is_backlink(el):
            return
        if depth > _MAX_DEPTH:
            run.add(" ".join(el.itertext()))
            return
        block = tag in BLOCK
        if block or tag == "br":
            run.boundary()
        mark = None
        cite = False
        if tag in _EMPHASIS:
            mark = run.open(_EMPHASIS[tag])
        elif tag == "a" and not self.in_cite:
            href = (el.get("href") or "").strip()
            if href.startswith("#") and len(href) > 1:
                mark = run.open("_internal", ids=[href[1:]])
            elif href:
                mark = run.open("link", href=href)
        elif tag == "cite":
            if run.ends_mark("_cite"):
                run.literal("; ")  # adjacent citations of a group, printed with no separator
            ids = [a.get("href", "")[1:] for a in el.iter("a") if a.get("href", "").startswith("#")]
            mark = run.open("_cite", ids=ids)
            cite = True
            self.in_cite += 1
        elif tag == "q":
            run.add("“")
        try:
            self.inline_children(el, run, depth)
        finally:
            if cite:
                self.in_cite -= 1
        if tag == "q":
            run.add("”")
        if mark is not None:
            run.close(mark)
        if block:
            run.boundary()


def _outside_caption(heading, table) -> bool:
    for ancestor in heading.iterancestors():
        if ancestor is table:
            return True
        if ancestor.tag == "caption":
            return False
    return True


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default
