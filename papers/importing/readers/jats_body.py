"""JATS elements to blocks: front matter, body, back matter. See jats.py for the entry point.

JATS mixes levels freely: a `p` may hold a `list`, a `fig` or a `disp-quote`, and an inline `fn`
holds whole paragraphs. A paragraph is therefore read as runs of inline content, cut where a
block-level child stands; an inline footnote is emitted after its paragraph, with a
"footnote_ref" mark where it was.
"""

from lxml import etree

from ..document import Block
from .flatten import InlineText, InlineWalker, clean_label
from .jats_nodes import XLINK_HREF, children, entity_text, local, plain
from .jats_refs import reference_block

# Children of `p` (and of list items, captions) that are blocks of their own.
_BLOCKS = frozenset(
    "list def-list disp-quote fig fig-group table-wrap table-wrap-group boxed-text statement "
    "speech verse-group preformat code chem-struct-wrap supplementary-material array "
    "disp-formula-group p sec".split()
)
_MARKS = {"italic": "em", "bold": "strong", "monospace": "code"}
# Never text: images, identifiers, and metadata that may sit inside a caption or a paragraph.
_SKIP = frozenset(
    "graphic inline-graphic media alt-text long-desc object-id permissions attrib "
    "supplementary-material-ref private-char target anchor x".split()
)
# Inside flattened content, these start a new sentence rather than run on.
_SPACED = frozenset("p title label list-item def-item term def caption sec".split())
_AUTHOR_KEYWORDS = (None, "author", "author-keywords", "author-generated", "author keywords")
_MAX_DEPTH = 180  # libxml2 stops at 256 levels; past this, content is read as flat text


class JatsBody(InlineWalker):
    def __init__(self, root):
        self.blocks: list[Block] = []
        self.list_id = 0
        self.pending: list = []  # inline `fn`s of the paragraph being read
        self.in_note = 0
        # The printed marker of each footnote ("1"), from the xrefs that point at it.
        self.note_marks: dict[str, str] = {}
        for xref in root.iter("xref"):
            if xref.get("ref-type") == "fn" and xref.get("rid"):
                self.note_marks.setdefault(xref.get("rid").split()[0], plain(xref))
        # A citation may point at the `element-citation`'s id rather than the `ref`'s.
        self.aliases: dict[str, str] = {}
        for ref in root.iter("ref"):
            for inner in ref.iterdescendants():
                if inner.get("id") and ref.get("id"):
                    self.aliases[inner.get("id")] = ref.get("id")

    # Front matter -------------------------------------------------------------------------

    def front(self, front) -> None:
        meta = next(iter(children(front, "article-meta")), None)
        if meta is None:
            return
        for group in children(meta, "title-group"):
            run = InlineText()
            for part in children(group, "article-title", "subtitle"):
                if run.length:
                    run.literal(": ")
                self.inline_children(part, run, 0)
            text, marks = run.result()
            if text:
                self.blocks.append(Block(text=text, kind="title", marks=marks, explicit=True))
        contribs = [c for g in children(meta, "contrib-group") for c in children(g, "contrib")]
        names = list(dict.fromkeys(n for n in map(_contributor, contribs) if n))
        if names:
            self.blocks.append(Block(text=", ".join(names), kind="authors", data={"names": names}))
        affiliations = (_affiliation(aff) for aff in meta.iter("aff"))
        for text in dict.fromkeys(a for a in affiliations if a):
            self.blocks.append(Block(text=text, kind="front_matter"))
        for notes in meta.iter("author-notes"):  # correspondence, equal contributions: about
            for el in children(notes):  # the authors, so front matter, not footnotes
                if local(el) not in ("title", "label"):
                    self._flat(el, "front_matter")
        abstracts = [a for a in children(meta, "abstract")]
        main = next((a for a in abstracts if not a.get("abstract-type")), None)
        main = main if main is not None else next(iter(abstracts), None)
        for abstract in abstracts:
            self._abstract(abstract, "abstract" if abstract is main else "front_matter")
        keywords = _keywords(meta)
        if keywords:
            self.blocks.append(
                Block(text=", ".join(keywords), kind="keywords", data={"keywords": keywords})
            )

    def _abstract(self, el, kind: str, prefix: str = "") -> None:
        """Paragraphs of an abstract; a structured abstract's section titles lead their first
        paragraph ("Background: …")."""
        for child in children(el):
            name = local(child)
            if name == "title":
                if kind != "abstract":
                    self._flat(child, kind)
            elif name == "sec":
                title = plain(next(iter(children(child, "title")), None))
                self._abstract(child, kind, prefix=title)
            elif name == "p":
                self.paragraph(child, kind, 1, prefix=prefix)
                prefix = ""
            elif name not in ("label", "object-id"):
                self._flat(child, kind)

    # Body -----------------------------------------------------------------------------------

    def block(self, el, level: int, depth: int = 0) -> None:
        name = local(el)
        if not name or name in _SKIP:
            return
        if depth > _MAX_DEPTH:
            self._flat(el, "body")
            return
        if name == "sec":
            self.section(el, level, depth)
        elif name == "p":
            self.paragraph(el, "body", level, depth=depth)
        elif name in ("list", "def-list"):
            self._list(el, level, depth)
        elif name in ("disp-quote", "verse-group", "speech"):
            for child in children(el):
                if local(child) in ("p", "verse-line"):
                    self.paragraph(child, "quote", level, depth=depth + 1)
                elif local(child) == "attrib":
                    self._flat(child, "quote")
                else:
                    self.block(child, level, depth + 1)
        elif name in ("fig", "supplementary-material", "chem-struct-wrap"):
            self._caption(el)
        elif name in ("fig-group", "table-wrap-group"):
            self._caption(el)
            for child in children(el, "fig", "table-wrap"):
                self.block(child, level, depth + 1)
        elif name == "table-wrap":
            self._table_wrap(el, level, depth)
        elif name in ("preformat", "code"):
            text = "".join(el.itertext()).strip("\n")
            if text.strip():
                self.blocks.append(Block(text=text, kind="code", explicit=True))
        elif name == "fn-group":
            for fn in el.iter("fn"):
                self.footnote(fn)
        elif name == "fn":
            self.footnote(el)
        elif name == "ref-list":
            self.ref_list(el)
        elif name in ("boxed-text", "statement", "ack", "app", "glossary", "notes", "app-group"):
            self.section(el, level, depth)
        elif name in ("title", "label", "sec-meta", "object-id"):
            return
        elif name in ("disp-formula", "disp-formula-group"):
            self._flat(el, "body")
        else:
            self.paragraph(el, "body", level, depth=depth)

    def section(self, sec, level: int, depth: int = 0) -> None:
        run = InlineText()
        for part in children(sec, "label", "title"):
            self.inline_children(part, run, depth)
            run.boundary()
        text, marks = run.result()
        if not text and local(sec) == "ack":
            text = "Acknowledgements"
        if text:
            self.blocks.append(
                Block(text=text, kind="heading", level=min(level, 6), marks=marks, explicit=True)
            )
        inner = level + 1 if text else level
        for child in children(sec):
            if local(child) not in ("label", "title"):
                self.block(child, inner, depth + 1)

    def paragraph(self, el, kind: str, level: int, *, depth: int = 0, prefix: str = "") -> None:
        run = InlineText()
        if prefix:
            mark = run.open("strong")
            run.add(prefix.rstrip(" :.") + ":")
            run.close(mark)
            run.add(" ")
        run.add(el.text)
        for child in el:
            if local(child) in _BLOCKS:
                self._emit(run, kind)
                run = InlineText()
                self.block(child, level, depth + 1)
            else:
                self.inline(child, run, depth + 1)
            run.add(child.tail)
        self._emit(run, kind)

    def _emit(self, run: InlineText, kind: str, **fields) -> None:
        text, marks = run.result()
        if text:
            explicit = kind not in ("abstract", "front_matter")
            self.blocks.append(
                Block(text=text, kind=kind, marks=marks, explicit=explicit, **fields)
            )
        notes, self.pending = self.pending, []
        for fn in notes:
            self.footnote(fn)

    def _flat(self, el, kind: str) -> None:
        run = InlineText()
        self.inline_children(el, run, 0)
        self._emit(run, kind)

    def _list(self, el, level: int, depth: int) -> None:
        ordered = (el.get("list-type") or "").startswith(("order", "alpha", "roman"))
        self.list_id += 1
        fields = {"list_id": self.list_id, "ordered": ordered, "label": ""}
        for item in children(el):
            name = local(item)
            if name == "title":
                self._flat(item, "body")
                continue
            if name not in ("list-item", "def-item"):
                self.block(item, level, depth + 1)
                continue
            fields["label"] = clean_label(plain(next(iter(children(item, "label")), None)))
            run = InlineText()
            for child in children(item):
                name = local(child)
                if name in ("list", "def-list", "disp-quote", "fig", "table-wrap", "boxed-text"):
                    self._emit(run, "list_item", **fields)
                    run, fields["label"] = InlineText(), ""
                    self.block(child, level, depth + 1)
                elif name != "label":
                    if name == "def" and run.length:
                        run.literal(" — ")
                    self.inline(child, run, depth + 1)
            self._emit(run, "list_item", **fields)

    def _caption(self, el) -> None:
        """A figure (or supplement) is its label and caption: 'Figure 1. Title. Text'."""
        run = InlineText()
        for part in children(el, "label", "caption"):
            self.inline(part, run, 1)
        self._emit(run, "caption")

    def _table_wrap(self, el, level: int, depth: int) -> None:
        self._caption(el)
        for table in el.iter("table"):
            run = InlineText()
            rows = [tr for tr in table.iter("tr")]
            for r, tr in enumerate(rows):
                if r:
                    run.literal("\n")
                for c, cell in enumerate(children(tr, "td", "th")):
                    if c:
                        run.literal(" | ")
                    self.inline_children(cell, run, depth + 2)
            self._emit(run, "table")
        for foot in children(el, "table-wrap-foot"):
            for child in children(foot):
                if local(child) == "fn":
                    self.footnote(child)
                elif local(child) == "fn-group":
                    for fn in child.iter("fn"):
                        self.footnote(fn)
                elif local(child) != "title":
                    self._flat(child, "caption")

    def footnote(self, fn) -> None:
        ref_id = fn.get("id") or ""
        label = clean_label(plain(next(iter(children(fn, "label")), None)))
        label = label or clean_label(self.note_marks.get(ref_id, ""))
        run = InlineText()
        self.in_note += 1
        for child in children(fn):
            if local(child) != "label":
                self.inline(child, run, 1)
                run.add(child.tail)
        self.in_note -= 1
        text, marks = run.result()
        if text:
            self.blocks.append(
                Block(text=text, kind="footnote", marks=marks, label=label, ref_id=ref_id)
            )

    # Back matter ----------------------------------------------------------------------------

    def back(self, back) -> None:
        for child in children(back):
            name = local(child)
            if name in ("label", "title"):
                continue
            if name == "app-group":
                for part in children(child):
                    self.block(part, level=1)
            else:
                self.block(child, level=1)

    def ref_list(self, el) -> None:
        title = plain(next(iter(children(el, "title")), None)) or "References"
        self.blocks.append(Block(text=title, kind="heading", level=1, explicit=True))
        for child in children(el):
            name = local(child)
            if name == "ref":
                block = reference_block(child, self)
                if block is not None:
                    self.blocks.append(block)
            elif name == "ref-list":
                self.ref_list(child)
            elif name == "p":
                self.paragraph(child, "paragraph", 1)

    # Inline ---------------------------------------------------------------------------------

    def inline(self, el, run: InlineText, depth: int) -> None:
        """`el` and its content, not its tail, appended to `run` with its marks."""
        if el.tag is etree.Entity:
            run.add(entity_text(el))
            return
        name = local(el)
        if not name or name in _SKIP:
            return
        if depth > _MAX_DEPTH:
            run.add(plain(el))
            return
        if name == "fn" and not self.in_note:
            self._inline_note(el, run)
            return
        if name == "alternatives":  # the same content several ways: read the first text one
            first = next((c for c in children(el) if local(c) not in _SKIP), None)
            if first is not None:
                self.inline(first, run, depth + 1)
            return
        spaced = name in _SPACED
        if spaced or name == "break":
            run.boundary()
        mark = None
        if name == "xref":
            kind, rid = el.get("ref-type"), (el.get("rid") or "").split()
            if kind == "bibr" and rid:
                mark = run.open("cite", targets=rid)
            elif kind == "fn" and rid:
                mark = run.open("footnote_ref", target=rid[0])
        elif name in _MARKS:
            mark = run.open(_MARKS[name])
        elif name in ("ext-link", "uri", "self-uri"):
            href = el.get(XLINK_HREF) or plain(el)
            if href:
                mark = run.open("link", href=href)
        elif name == "email":
            mark = run.open("link", href=f"mailto:{plain(el)}")
        self.inline_children(el, run, depth)
        if mark is not None:
            run.close(mark)
        if spaced:
            run.boundary()

    def _inline_note(self, fn, run: InlineText) -> None:
        """A footnote written where it is cited: its label stays as the marker, its text
        becomes a footnote block after the paragraph."""
        label = clean_label(plain(next(iter(children(fn, "label")), None)))
        if label:
            mark = run.open("footnote_ref", target=fn.get("id") or label)
            run.add(label)
            run.close(mark)
        self.pending.append(fn)


def _contributor(contrib) -> str:
    """'Marisa Bucheli' for an author; '' for editors, reviewers and the like."""
    kind = contrib.get("contrib-type")
    if kind and kind != "author":
        return ""
    for el in contrib.iter("name", "string-name", "collab"):
        name = local(el)
        if name == "name":
            given = plain(next(iter(children(el, "given-names")), None))
            surname = plain(next(iter(children(el, "surname")), None))
            suffix = plain(next(iter(children(el, "suffix")), None))
            return " ".join(p for p in (given, surname, suffix) if p)
        return plain(el)
    return ""


def _affiliation(aff) -> str:
    """'Universidad de la República, Montevideo, Uruguay'. An affiliation written as text
    keeps its own punctuation; one made of parts (institution, city, country) is joined with
    commas."""
    parts = [c for c in children(aff) if local(c) not in ("label", "sup")]
    loose = (aff.text or "").strip() or any((c.tail or "").strip(" \n\t") for c in parts)
    if loose:
        run = InlineText()
        run.add(aff.text)
        for child in aff:
            if local(child) not in ("label", "sup"):
                run.add(plain(child))
            run.add(child.tail)
        return run.result()[0]
    return ", ".join(t for t in (plain(c) for c in parts) if t)


def _keywords(meta) -> list[str]:
    """The authors' keywords; other schemes (JEL codes, MeSH) only when there are none."""
    groups = children(meta, "kwd-group")
    chosen = [g for g in groups if g.get("kwd-group-type") in _AUTHOR_KEYWORDS] or groups
    found = [plain(k) for g in chosen for k in g.iter("kwd", "compound-kwd")]
    return list(dict.fromkeys(k for k in found if k))
