"""schema.org microdata in HTML (`itemscope`, `itemprop`): people, organisations and cited works.

Publishers and converters (Stencila, eLife, many journal sites) mark a paper's authors and each
reference entry this way. The printed text of such markup is unusable as is (given and family
names are adjacent spans with no space between them: "TMErrington"), so entries and names are
rebuilt from their properties instead.
"""

import re

from .flatten import InlineText, entry_text

_ADDRESS_PARTS = (
    "streetAddress",
    "addressLocality",
    "addressRegion",
    "postalCode",
    "addressCountry",
)
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)")


def props(el) -> list[str]:
    return (el.get("itemprop") or "").split()


def properties(scope) -> dict[str, list]:
    """The item's own properties: descendants with `itemprop`, not looking inside nested items
    (a reference's publisher has a `name` too). Iterative: nesting depth costs no stack."""
    found: dict[str, list] = {}
    stack = list(scope)[::-1]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        for prop in props(el):
            found.setdefault(prop, []).append(el)
        if el.get("itemscope") is None:
            stack.extend(list(el)[::-1])
    return found


def value(el) -> str:
    """A property's value as microdata defines it: `content`, `datetime`, `href` or the text."""
    if el.tag == "meta":
        raw = el.get("content") or ""
    elif el.tag == "time" and el.get("datetime"):
        raw = el.get("datetime") or ""
    elif el.tag in ("a", "link") and el.get("href") and el.get("itemscope") is None:
        raw = el.get("href") or ""
    else:
        text = InlineText()
        for piece in el.itertext():
            text.add(piece)
        raw = text.result()[0]
    return " ".join(raw.split())


def _first(found: dict[str, list], *names: str) -> str:
    for name in names:
        for el in found.get(name, ()):
            text = value(el)
            if text:
                return text
    return ""


def person(el) -> tuple[str, str, str]:
    """(name as printed, family name, given names) of a Person or Organization item."""
    found = properties(el)
    given = " ".join(value(e) for e in found.get("givenName", ()) if value(e))
    family = " ".join(value(e) for e in found.get("familyName", ()) if value(e))
    name = _first(found, "name") or " ".join(p for p in (given, family) if p) or value(el)
    return name, family, given


def organisation(el) -> str:
    """'University of Georgia, Bioexpression Facility, Georgia, United States'."""
    found = properties(el)
    parts = [_first(found, "name")]
    for address in found.get("address", ()):
        inner = properties(address) if address.get("itemscope") is not None else {}
        parts += [_first(inner, part) for part in _ADDRESS_PARTS] if inner else [value(address)]
    parts = [p for p in parts if p]
    return ", ".join(parts) if parts else value(el)


def cited_work(el) -> tuple[str, dict]:
    """A reference entry from a CreativeWork item: its text rebuilt from its stated fields, and
    the fields. An item that states no author (`author`, or schema.org's wider `creator`)
    answers no text: rebuilt, it would be a bare title, while the entry as printed names the
    authors, so the caller keeps the printed text (and these fields as data)."""
    found = properties(el)
    names, authors = [], []
    for author in found.get("author", []) or found.get("creator", []):
        name, family, given = person(author)
        if name:
            names.append(name)
            authors.append(f"{family}, {given}" if family and given else name)
    year = _YEAR.search(_first(found, "datePublished", "dateCreated") or "")
    title = _first(found, "headline", "name")
    container, details = _container(found)
    doi = _doi(found)
    url = _first(found, "url") if not doi else ""
    data = {
        "authors": authors,
        "year": year.group(1) if year else "",
        "title": title,
        "venue": container,
        "doi": doi,
        "url": url,
    }
    data = {k: v for k, v in data.items() if v}
    if not names:
        return "", data
    text = entry_text(
        names, year=data.get("year", ""), title=title, container=container, details=details,
        doi=doi, url=url,
    )  # fmt: skip
    return text, data


def _container(found: dict[str, list]) -> tuple[str, str]:
    """The journal (or book) a work is part of, and volume, issue and pages: ('BMJ', '332:1080')."""
    name = volume = issue = ""
    parts = list(found.get("isPartOf", ()))
    seen = 0
    while parts and seen < 5:  # Article -> PublicationIssue -> PublicationVolume -> Periodical
        part = parts.pop(0)
        seen += 1
        inner = properties(part) if part.get("itemscope") is not None else {}
        if not inner:
            name = name or value(part)
            continue
        volume = volume or _first(inner, "volumeNumber")
        issue = issue or _first(inner, "issueNumber")
        name = name or _first(inner, "name", "headline")
        parts += inner.get("isPartOf", [])
    pages = "–".join(p for p in (_first(found, "pageStart"), _first(found, "pageEnd")) if p)
    pages = pages or _first(found, "pagination")
    details = volume + (f"({issue})" if issue else "") + (f":{pages}" if pages else "")
    return name, details


def _doi(found: dict[str, list]) -> str:
    for identifier in found.get("identifier", ()):
        inner = properties(identifier) if identifier.get("itemscope") is not None else {}
        kind = (_first(inner, "propertyID") + " " + _first(inner, "name")).lower()
        if inner and "doi" in kind:
            return _first(inner, "value")
        text = value(identifier)
        match = re.search(r"\b10\.\d{4,9}/\S+", text)
        if match:
            return match.group(0)
    return ""
