"""Entries of a JATS `ref-list`: a "reference" block per `ref`, with its id and stated fields.

A `mixed-citation` is printed as the publisher formatted it (punctuation between the tagged
parts). An `element-citation` has tagged parts and only white space between them, so its text is
composed here: 'Alesina A, Ichino A, Karabarbounis L (2011). Gender-Based taxation … American
Economic Journal: Economic Policy 3:1–40. https://doi.org/…', surnames first with initials, as
PubMed Central prints them.
"""

from ..document import Block
from .flatten import InlineText, clean_label, entry_text, initials
from .jats_nodes import XLINK_HREF, children, local, plain

_CITATIONS = ("mixed-citation", "element-citation", "citation", "nlm-citation")


def reference_block(ref, body) -> Block | None:
    ref_id = ref.get("id") or ""
    label = clean_label(plain(next(iter(children(ref, "label")), None)))
    found = [el for el in ref.iter(*_CITATIONS)]
    formatted = [el for el in found if _has_own_text(el)]
    citation = (formatted or found or [None])[0]
    data: dict = {}
    marks: list[dict] = []
    if citation is None:
        source = ref
    else:
        data = _fields(citation)
        source = citation if formatted else None
    if source is not None:
        run = InlineText()
        run.add(source.text)
        for child in source:
            if local(child) != "label":
                body.inline(child, run, 1)
            run.add(child.tail)
        text, marks = run.result()
    else:
        text = data.pop("text")
    data.pop("text", None)
    if label:
        data["label"] = label
    if not text:
        return None
    data = {k: v for k, v in data.items() if v}
    return Block(text=text, kind="reference", marks=marks, ref_id=ref_id, data=data)


def _has_own_text(citation) -> bool:
    """Punctuation between the parts: the publisher formatted this entry."""
    if (citation.text or "").strip():
        return True
    return any((child.tail or "").strip() for child in citation)


def _fields(citation) -> dict:
    authors: list[str] = []  # "Alesina, A"
    printed: list[str] = []  # "Alesina A"
    editors: list[tuple[str, str]] = []
    etal = False
    groups = children(citation, "person-group") or [citation]
    for group in groups:
        role = "author" if group is citation else group.get("person-group-type", "author")
        for el in children(group, "name", "string-name", "collab", "etal"):
            if local(el) == "etal":
                etal = etal or role == "author"
                continue
            full, short = _person(el)
            if not full:
                continue
            if role == "author":
                authors.append(full)
                printed.append(short)
            elif role == "editor":
                editors.append((full, short))
    year = plain(next(iter(citation.iter("year")), None))
    article = _text(citation, "article-title")
    chapter = _text(citation, "chapter-title")
    source = _text(citation, "source")
    title = article or chapter or source
    container = source if (article or chapter) else ""
    if chapter and editors:
        container = f"In: {', '.join(e[1] for e in editors)} (eds) {container}".strip()
    elif editors and not authors:
        # An edited book: its editors stand where the authors would.
        authors = [e[0] for e in editors]
        printed = [e[1] for e in editors]
        printed[-1] += " (eds)"
    volume, issue = _text(citation, "volume"), _text(citation, "issue")
    pages = "–".join(p for p in (_text(citation, "fpage"), _text(citation, "lpage")) if p)
    pages = pages or _text(citation, "elocation-id")
    details = volume + (f"({issue})" if issue else "") + (f":{pages}" if pages else "")
    if not volume:
        publisher = (_text(citation, "publisher-loc"), _text(citation, "publisher-name"))
        where = ": ".join(p for p in publisher if p)
        details = ". ".join(p for p in (where, details) if p)
    doi = _pub_id(citation, "doi")
    links = (el.get(XLINK_HREF) for el in citation.iter("ext-link", "uri"))
    url = next((href for href in links if href), "") or _pub_id(citation, "uri")
    text = entry_text(
        printed, year=year, title=title, container=container, details=details, doi=doi,
        url=url, etal=etal,
    )  # fmt: skip
    return {
        "text": text,
        "authors": authors,
        "first_author": authors[0].split(",")[0] if authors else "",
        "year": year,
        "title": title,
        "venue": container,
        "doi": doi,
        "url": url,
    }


def _person(el) -> tuple[str, str]:
    """('Stotsky, J', 'Stotsky J') for a name; the organisation's name twice for a collab."""
    if local(el) == "collab":
        name = plain(el)
        return name, name
    surname = _text(el, "surname")
    given = _text(el, "given-names")
    if not surname:
        name = plain(el)  # a string-name written out: "Stotsky J"
        return name, name
    prefix = _text(el, "prefix")
    surname = f"{prefix} {surname}".strip() if prefix and prefix[:1].islower() else surname
    if not given:
        return surname, surname
    return f"{surname}, {given}", f"{surname} {initials(given)}"


def _text(el, name: str) -> str:
    return plain(next(iter(children(el, name)), None))


def _pub_id(citation, kind: str) -> str:
    for el in citation.iter("pub-id"):
        if el.get("pub-id-type") == kind:
            return plain(el)
    return ""
