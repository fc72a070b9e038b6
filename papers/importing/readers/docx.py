"""DOCX reader: Word paragraphs, tables and notes to blocks.

python-docx opens the package (after `docx_package` has checked it is safe) and gives the parsed
parts; the body is then walked with lxml directly, because python-docx's proxies do not cover
what a paper needs (footnote references, tracked changes, content controls, math) and walking
the tree is several times faster.

What becomes what:
- paragraph styles decide the kind (`docx_styles`): "Title" -> title, "Heading N" and custom
  styles with an outline level -> heading (explicit), "Caption"-like -> caption, "Bibliography"
  -> reference, "Abstract"/"Author"/"Subtitle" -> metadata, "List ..." or `numPr` -> list item;
- paragraphs after a "References" heading are reference entries until the next heading;
- every other paragraph is an explicit "paragraph": its bounds are the author's, so cleanup
  never joins or drops it;
- a table is one "table" block: cells joined with " | ", rows with newlines (the reading page
  shows tables with their line breaks);
- footnotes and endnotes become "footnote" blocks at the end, labelled as Word numbers them
  (footnotes 1, 2, ...; endnotes i, ii, ... by default), and their markers in the text carry
  "footnote_ref" marks over that label;
- italic and bold runs become "em"/"strong" marks, external hyperlinks "link" marks; images,
  deleted text and field codes are left out.
"""

import re
import unicodedata
from collections.abc import Callable

from ..document import Block
from ..inline import collapse_space
from ..textrules import BACK_HEADINGS, NOTE_HEADINGS, REFERENCE_HEADINGS, heading_name
from .docx_package import external_links, note_parts, open_docx
from .docx_styles import (
    Numbering,
    Styles,
    format_number,
    numbering_of,
    on,
    outline_level,
    w,
)

_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MATH_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_MATH_TEXT = f"{{{_MATH_NS}}}t"
_MATH = (f"{{{_MATH_NS}}}oMath", f"{{{_MATH_NS}}}oMathPara")
_W_VAL = w("val")

# Inline containers whose runs are part of the text (tracked insertions, smart tags, simple
# fields, content controls' content, bidi wrappers); anything not listed is left out.
_TRANSPARENT = frozenset(
    w(tag) for tag in ("ins", "moveTo", "smartTag", "customXml", "fldSimple", "sdtContent",
                       "dir", "bdo")
)  # fmt: skip
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUPERSCRIPT_CITATION = re.compile(r"^[\d,–-]*\d[\d,–-]*$")
_NAME = re.compile(r"^[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){1,3}$")
_NAME_SEPARATOR = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
_KEYWORDS_PREFIX = re.compile(r"^\s*(?:key\s*words?|index terms)\s*[:—–.-]\s*", re.IGNORECASE)
_PROGRESS_EVERY = 200


def read_docx(data: bytes, progress: Callable[[float], None] | None = None) -> list[Block]:
    document = open_docx(data)
    part = document.part
    numbering = part.numbering_part.element if _has_numbering(part) else None
    reader = _Reader(
        styles=Styles(part.styles.element),
        numbering=Numbering(numbering),
        note_formats=_note_formats(document),
    )
    reader.find_notes(note_parts(document))  # first, so a marker without its note is left out
    reader.read_body(document.element.body, external_links(part), progress)
    reader.read_notes()
    if language := _language(document):
        reader.blocks.insert(0, Block(text=language, kind="language"))
    if progress:
        progress(1.0)
    return reader.blocks


def _language(document) -> str:
    """The language most of the body's text is marked in: a run's own `w:lang`, else the
    document's default (`w:docDefaults`), which is often only the author's Word's (a German
    Word's document in English marks its runs en-US); the core properties' `dc:language`
    when the text says nothing."""
    default = document.styles.element.find(
        f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}"
    )
    default_language = default.get(_W_VAL, "") if default is not None else ""
    lengths: dict[str, int] = {}
    for run in document.element.body.iter(w("r")):
        marked = run.find(f"{w('rPr')}/{w('lang')}")
        language = (marked.get(_W_VAL) if marked is not None else None) or default_language
        text = sum(len(t.text or "") for t in run.iter(w("t")))
        if language and text:
            lengths[language] = lengths.get(language, 0) + text
    if lengths:
        return max(lengths, key=lengths.__getitem__)
    return document.core_properties.language or ""


def _has_numbering(part) -> bool:
    # python-docx creates an empty numbering part when asked for a missing one; ask the
    # relationships first so that reading never writes.
    return any(rel.reltype.endswith("/numbering") for rel in part.rels.values())


def _note_formats(document) -> dict[str, str]:
    """How footnotes and endnotes are numbered: the section's setting, else the document's,
    else Word's defaults (1, 2, 3 and i, ii, iii)."""
    formats = {"footnote": "decimal", "endnote": "lowerRoman"}
    places = [document.settings.element, document.element.body.find(w("sectPr"))]
    for place in places:
        if place is None:
            continue
        for kind in formats:
            fmt = place.find(f"{w(kind + 'Pr')}/{w('numFmt')}")
            if fmt is not None and fmt.get(_W_VAL):
                formats[kind] = fmt.get(_W_VAL)
    return formats


class _Text:
    """Text of one paragraph being collected, with its marks (code-point offsets)."""

    def __init__(self):
        self.parts: list[str] = []
        self.length = 0
        self.marks: list[dict] = []

    def add(self, text: str, *styles: dict) -> None:
        if not text:
            return
        text = unicodedata.normalize("NFC", text)
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        for style in styles:
            previous = next((m for m in reversed(self.marks) if m["type"] == style["type"]), None)
            if previous is not None and previous["end"] == start and _same(previous, style):
                previous["end"] = self.length  # the next run of the same emphasis or link
            else:
                self.marks.append({**style, "start": start, "end": self.length})

    def result(self) -> tuple[str, list[dict]]:
        text, marks = "".join(self.parts), self.marks
        if "  " in text or text[:1].isspace() or text[-1:].isspace() or not text.isprintable():
            text, marks = collapse_space(text, marks)
        return text, _merged(marks)


def _merged(marks: list[dict]) -> list[dict]:
    """Touching marks of one kind become one ("Fig 3." + " A." in bold, once spaces collapsed)."""
    out: list[dict] = []
    for mark in sorted(marks, key=lambda m: m["start"]):
        same = next((m for m in reversed(out) if m["type"] == mark["type"]), None)
        if same is not None and same["end"] >= mark["start"] and _same(same, mark):
            same["end"] = max(same["end"], mark["end"])
        else:
            out.append(mark)
    return out


def _same(mark: dict, style: dict) -> bool:
    return mark.get("href") == style.get("href") and style["type"] != "footnote_ref"


class _Reader:
    def __init__(self, styles: Styles, numbering: Numbering, note_formats: dict[str, str]):
        self.styles = styles
        self.numbering = numbering
        self.note_formats = note_formats
        self.blocks: list[Block] = []
        self.links: dict[str, str] = {}
        self.in_references = False
        self.list_key: tuple[str, int] | None = None  # (numId, list_id) of the list going on
        self.list_count = 0
        self.notes: dict[tuple[str, str], str] = {}  # (kind, id) -> label, in order of reference
        self.note_bodies: dict[tuple[str, str], tuple] = {}  # (kind, id) -> (element, links)
        self.note_counts = {"footnote": 0, "endnote": 0}

    # --- the body ---------------------------------------------------------------------------

    def read_body(self, body, links: dict[str, str], progress) -> None:
        self.links = links
        children = list(body)
        for i, child in enumerate(children):
            self._block_level(child)
            if progress and i % _PROGRESS_EVERY == 0:
                progress(0.9 * i / len(children))

    def _block_level(self, element) -> None:
        tag = element.tag
        if tag == w("p"):
            self._paragraph(element)
        elif tag == w("tbl"):
            self._table(element)
        elif tag == w("sdt"):
            if not _is_table_of_contents(element):
                for child in _sdt_content(element):
                    self._block_level(child)
        elif tag == w("customXml"):
            for child in element:
                self._block_level(child)

    def _paragraph(self, p) -> None:
        ppr = p.find(w("pPr"))
        style_ref = ppr.find(w("pStyle")) if ppr is not None else None
        style = self.styles.paragraph(style_ref.get(_W_VAL) if style_ref is not None else None)
        role, level = style.role, style.level
        own_outline = outline_level(ppr)
        if own_outline is not None and role in ("", "list"):
            role, level = "heading", own_outline
        num_id, ilvl = numbering_of(ppr)
        if not num_id:
            num_id, ilvl = style.num_id, style.ilvl
        numbered = self.numbering.is_list(num_id)
        label = self.numbering.next_label(num_id, ilvl) if numbered else ""
        text, marks = self._inline(p)
        if role == "skip" or not text:
            return
        if role == "heading":
            if label:  # "1.2 Methods": Word prints the number, so the title has it
                text = f"{label} {text}"
                marks = _shift(marks, len(label) + 1)
            self._heading(text, marks, level or 1)
            return
        if role == "title":
            self._title(text, marks)
            return
        if role in ("", "list") and self._plain_heading(text):
            self._emit(Block(text=text, marks=marks, explicit=True))
            return
        if role == "reference" or (self.in_references and role in ("", "list")):
            data = {"label": label} if label and self.numbering.ordered(num_id, ilvl) else {}
            self._emit(Block(text=text, kind="reference", marks=marks, data=data, explicit=True))
            return
        if role in ("authors", "subtitle"):
            # Templates put the author line in "Author" or in "Subtitle"; a subtitle that is
            # not a list of names is front matter.
            names = _names(text)
            if names or role == "authors":
                data = {"names": names} if names else {}
                self._emit(Block(text=text, kind="authors", marks=marks, data=data))
            else:
                self._emit(Block(text=text, kind="front_matter", marks=marks, explicit=True))
        elif role in ("caption", "quote", "code", "front_matter"):
            self._emit(Block(text=text, kind=role, marks=marks, explicit=True))
        elif role == "abstract":
            if heading_name(text) == "abstract":  # the word "Abstract" set in the Abstract style
                self._heading(text, marks, 1)
            else:
                self._emit(Block(text=text, kind="abstract", marks=marks, explicit=True))
        elif role == "keywords":
            prefix = _KEYWORDS_PREFIX.match(text)
            cut = prefix.end() if prefix else 0
            self._emit(Block(text=text[cut:], kind="keywords", marks=_shift(marks, -cut)))
        elif numbered or role == "list":
            self._list_item(text, marks, num_id, ilvl, label, style.ordered)
        else:
            self._emit(Block(text=text, marks=marks, explicit=True))

    def _heading(self, text: str, marks: list[dict], level: int) -> None:
        self.in_references = heading_name(text) in REFERENCE_HEADINGS
        self._emit(Block(text=text, kind="heading", level=level, marks=marks, explicit=True))

    def _plain_heading(self, text: str) -> bool:
        """A plain paragraph "References" (or "Appendix", "Notes") starts or ends the reference
        list: the structure stage will read it as a heading by its name."""
        if len(text) > 40:
            return False
        name = heading_name(text)
        if name in REFERENCE_HEADINGS:
            self.in_references = True
            return True
        if self.in_references and name in BACK_HEADINGS | NOTE_HEADINGS:
            self.in_references = False
            return True
        return False

    def _title(self, text: str, marks: list[dict]) -> None:
        previous = self.blocks[-1] if self.blocks else None
        if previous is not None and previous.kind == "title":  # a title set on two lines
            offset = len(previous.text) + 1
            previous.text = f"{previous.text} {text}"
            previous.marks += _shift(marks, offset)
            return
        self._emit(Block(text=text, kind="title", marks=marks, explicit=True))

    def _list_item(self, text, marks, num_id: str, ilvl: int, label: str, ordered) -> None:
        previous = self.blocks[-1] if self.blocks else None
        if not (previous is not None and previous.kind == "list_item" and self.list_key
                and self.list_key[0] == num_id):  # fmt: skip
            self.list_count += 1
            self.list_key = (num_id, self.list_count)
        if self.numbering.is_list(num_id):
            ordered = self.numbering.ordered(num_id, ilvl)
        block = Block(
            text=text,
            kind="list_item",
            marks=marks,
            list_id=self.list_key[1],
            ordered=bool(ordered),
            label=label if ordered else "",
            explicit=True,
        )
        self._emit(block)

    def _emit(self, block: Block) -> None:
        self.blocks.append(block)

    # --- tables -----------------------------------------------------------------------------

    def _table(self, table) -> None:
        rows = []
        for row in table.iterchildren(w("tr")):
            cells = [self._cell_text(cell) for cell in row.iterchildren(w("tc"))]
            if any(cells):
                rows.append(" | ".join(cells).rstrip())
        if rows:
            self._emit(Block(text="\n".join(rows), kind="table", explicit=True))

    def _cell_text(self, cell) -> str:
        texts = []
        for p in cell.iter(w("p")):  # nested tables flatten into their cell
            text, _ = self._inline(p)
            if text:
                texts.append(text)
        return " ".join(texts)

    # --- runs -------------------------------------------------------------------------------

    def _inline(self, p) -> tuple[str, list[dict]]:
        out = _Text()
        self._children(p, out, href=None)
        return out.result()

    def _children(self, element, out: _Text, href: str | None) -> None:
        for child in element:
            tag = child.tag
            if tag == w("r"):
                self._run(child, out, href)
            elif tag == w("hyperlink"):
                self._children(child, out, self.links.get(child.get(_R_ID, "")) or href)
            elif tag in _TRANSPARENT:
                self._children(child, out, href)
            elif tag == w("sdt"):  # a content control: its content is ordinary runs
                content = child.find(w("sdtContent"))
                if content is not None:
                    self._children(content, out, href)
            elif tag in _MATH:
                out.add(" ".join("".join(t.itertext()) for t in child.iter(_MATH_TEXT)))

    def _run(self, run, out: _Text, href: str | None) -> None:
        rpr = run.find(w("rPr"))
        styles = self._run_styles(rpr, href)
        superscript = rpr is not None and (
            rpr.find(w("vertAlign")) is not None
            and rpr.find(w("vertAlign")).get(_W_VAL) == "superscript"
        )
        custom_note = None
        for child in run:
            tag = child.tag
            if tag == w("t"):
                text = child.text or ""
                if custom_note is not None:  # a note marked with its own symbol ("*")
                    self._note_ref(out, *custom_note, label=text)
                    custom_note = None
                    continue
                if superscript and _SUPERSCRIPT_CITATION.match(text):
                    # "shown<sup>12</sup>": keep it a superscript so numbered citations and
                    # footnote markers read as they print.
                    text = text.translate(_SUPERSCRIPT)
                out.add(text, *styles)
            elif tag in (w("tab"), w("ptab"), w("br"), w("cr")):
                out.add(" ")
            elif tag == w("noBreakHyphen"):
                out.add("-", *styles)
            elif tag in (w("footnoteReference"), w("endnoteReference")):
                kind = "footnote" if tag == w("footnoteReference") else "endnote"
                if child.get(w("customMarkFollows")) in ("1", "true", "on"):
                    custom_note = (kind, child.get(w("id"), ""))
                else:
                    self._note_ref(out, kind, child.get(w("id"), ""))

    def _run_styles(self, rpr, href: str | None) -> list[dict]:
        italic = bold = False
        if rpr is not None:
            char_style = rpr.find(w("rStyle"))
            if char_style is not None:
                italic, bold = self.styles.character(char_style.get(_W_VAL, ""))
            if rpr.find(w("i")) is not None:  # direct formatting wins over the style
                italic = on(rpr, "i")
            if rpr.find(w("b")) is not None:
                bold = on(rpr, "b")
        styles = [{"type": "em"}] if italic else []
        if bold:
            styles.append({"type": "strong"})
        if href:
            styles.append({"type": "link", "href": href})
        return styles

    def _note_ref(self, out: _Text, kind: str, note_id: str, label: str = "") -> None:
        key = (kind, note_id)
        if key not in self.note_bodies:
            return
        if key not in self.notes:
            self.note_counts[kind] += 1
            number = format_number(self.note_counts[kind], self.note_formats[kind])
            self.notes[key] = label or number
        label = self.notes[key]
        out.add(label, {"type": "footnote_ref", "target": label})

    # --- notes ------------------------------------------------------------------------------

    def find_notes(self, parts: dict) -> None:
        for kind, (root, links) in parts.items():
            for note in root.iterchildren(w(kind)):
                if note.get(w("type"), "normal") == "normal":  # not the separator lines
                    self.note_bodies[(kind, note.get(w("id"), ""))] = (note, links)

    def read_notes(self) -> None:
        """One "footnote" block per note referenced in the text, in order of reference."""
        for (kind, note_id), label in list(self.notes.items()):
            note, self.links = self.note_bodies[(kind, note_id)]
            text, marks = self._note_text(note)
            if text:
                ref_id = f"{'fn' if kind == 'footnote' else 'en'}{note_id}"
                self._emit(
                    Block(text=text, kind="footnote", label=label, ref_id=ref_id, marks=marks)
                )

    def _note_text(self, note) -> tuple[str, list[dict]]:
        text, marks = "", []
        for p in note.iter(w("p")):
            piece, piece_marks = self._inline(p)
            if not piece:
                continue
            offset = len(text) + 1 if text else 0
            text = f"{text} {piece}" if text else piece
            marks += _shift(piece_marks, offset)
        return text, marks


def _names(text: str) -> list[str]:
    """The names in an author line ("Ada Reader, Ben Scholar and Chloé Margin"), or []."""
    names = [name for name in _NAME_SEPARATOR.split(text.strip()) if name]
    return names if names and all(_NAME.match(name) for name in names) else []


def _shift(marks: list[dict], offset: int) -> list[dict]:
    moved = []
    for mark in marks:
        start, end = mark["start"] + offset, mark["end"] + offset
        if end > max(start, 0):
            moved.append({**mark, "start": max(start, 0), "end": end})
    return moved


def _sdt_content(sdt):
    content = sdt.find(w("sdtContent"))
    return list(content) if content is not None else []


def _is_table_of_contents(sdt) -> bool:
    gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
    return gallery is not None and "contents" in gallery.get(_W_VAL, "").lower()
