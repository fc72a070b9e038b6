"""Pandoc Markdown extras: YAML front matter (title, author, abstract, keywords, and a CSL
`references` list; or the same in Stencila's schema.org words: `authors` with familyNames and
givenNames, `description`, references with `datePublished` and `isPartOf`) and citation keys
such as `[@bib22; @bib38]` or `[see @smith2019, p. 4]`.

The keys become "cite" marks whose targets are the YAML references' ids, so they link exactly.
"""

import re

import yaml

from ..document import Block
from ..inline import markdown_inline
from .flatten import entry_text, initials

_MAX_YAML = 2 * 1024 * 1024  # front matter larger than this is not metadata
# libyaml's safe loader when PyYAML was built with it (10 times faster), else Python's.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_KEY = r"@(?P<key>[\w][\w:.#$%&+?<>~/-]*[\w])"
_GROUP = re.compile(r"\[(?P<body>[^\[\]]*@[\w][^\[\]]*)\](?!\()")
_KEY_RE = re.compile(r"(?<![\w@])-?" + _KEY)


_FENCE_END = re.compile(r"^[ \t]*(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


def split_front_matter(text: str) -> tuple[dict, str]:
    """The YAML front matter as a dict (empty when absent or not YAML) and the text after it.
    On the text, not its lines: a file without front matter costs one look at its first line."""
    first = text.find("\n")
    if first == -1 or text[:first].strip() != "---":
        return {}, text
    fence = _FENCE_END.search(text, first + 1)
    if fence is None:
        return {}, text
    source, rest = text[first + 1 : fence.start()], text[fence.end() + 1 :]
    if len(source) > _MAX_YAML:
        return {}, rest
    try:
        data = yaml.load(source, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return {}, rest
    return (data if isinstance(data, dict) else {}), rest


def metadata_blocks(meta: dict) -> list[Block]:
    """Title, authors, keywords, abstract and affiliations stated in the front matter, in
    Pandoc's words (`author`, `abstract`) or Stencila's (`authors` as Person items with
    `familyNames`/`givenNames`, the abstract as `description`)."""
    blocks = []
    title = _plain(meta.get("title"))
    if title:
        text, marks = markdown_inline(title)
        blocks.append(Block(text=text, kind="title", marks=marks, explicit=True))
    people = _as_list(meta.get("author")) + _as_list(meta.get("authors"))
    # Manubot states the authors for HTML metas only, as `author-meta`.
    names = [n for n in (_person(a) for a in people or _as_list(meta.get("author-meta"))) if n]
    if names:
        blocks.append(Block(text=", ".join(names), kind="authors", data={"names": names}))
    keywords = [_plain(k) for k in _as_list(meta.get("keywords"))]
    keywords = [k for k in keywords if k]
    if keywords:
        blocks.append(Block(text=", ".join(keywords), kind="keywords", data={"keywords": keywords}))
    abstract = meta.get("abstract")
    if abstract is None and _is_stencila(meta):
        abstract = meta.get("description")  # where Stencila writes an article's abstract
    for part in _paragraphs(abstract):
        text, marks = markdown_inline(part)
        if text:
            blocks.append(Block(text=text, kind="abstract", marks=marks))
    affiliations = [_affiliation(o) for a in people if isinstance(a, dict)
                    for o in _as_list(a.get("affiliations") or a.get("affiliation"))]  # fmt: skip
    for text in dict.fromkeys(a for a in affiliations if a):
        blocks.append(Block(text=text, kind="front_matter"))
    return blocks


def reference_blocks(meta: dict) -> list[Block]:
    """The front matter's `references`, in CSL (`author` with `family`/`given`, `issued`,
    `container-title`) or Stencila's schema.org words (`authors` with `familyNames`/
    `givenNames`, `datePublished`, `isPartOf`), as entries that read the way a reference list
    prints them: 'Siegel RL, Miller KD, Jemal A (2019). Cancer statistics, 2019. CA Cancer J
    Clin 69(1):7–34.' Authors come first, surname and initials, as PubMed Central prints them
    (and as the JATS reader composes tagged entries)."""
    blocks = []
    for item in _as_list(meta.get("references")):
        if not isinstance(item, dict) or not item.get("id"):
            continue
        people = [_reference_name(a) for a in _as_list(item.get("author") or item.get("authors"))]
        people = [p for p in people if p[0]]
        year = _year(item.get("issued") or item.get("datePublished") or item.get("date"))
        title = _plain(item.get("title"))
        venue, details = _venue(item)
        doi = _doi(item)
        url = _plain(item.get("URL") or item.get("url"))
        text = entry_text(
            [p[1] for p in people], year=str(year or ""), title=title, container=venue,
            details=details, doi=doi, url=url,
        )  # fmt: skip
        authors = [p[0] for p in people]
        data = {"authors": authors, "year": year, "title": title, "doi": doi or None,
                "url": url or None, "venue": venue}  # fmt: skip
        if people:
            data["first_author"] = people[0][2]
        if text:
            blocks.append(Block(text=text, kind="reference", ref_id=str(item["id"]), data=data))
    return blocks


def cite_marks(text: str) -> list[dict]:
    """ "cite" marks for the Pandoc citations in a block's plain text."""
    marks = []
    for group in _GROUP.finditer(text):
        keys = list(_KEY_RE.finditer(group.group("body")))
        offset = group.start("body")
        for key in keys:
            if len(keys) == 1:
                start, end = group.start(), group.end()
            else:
                start, end = offset + key.start(), offset + key.end()
            marks.append({"type": "cite", "start": start, "end": end, "targets": [key["key"]]})
    return marks


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _plain(value) -> str:
    """A front-matter value as one line of text: a string, a number, or Stencila's inline
    content (a list of strings and nodes with `content`)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str | int | float):
        return " ".join(str(value).split())
    if isinstance(value, list):
        return " ".join(p for p in (_plain(v) for v in value) if p)
    if isinstance(value, dict):
        for key in ("content", "value", "name", "text"):
            if key in value:
                return _plain(value[key])
    return ""


def _paragraphs(value) -> list[str]:
    """An abstract: a string split at blank lines, or Stencila's list of Paragraph nodes."""
    if isinstance(value, str):
        return [p for p in re.split(r"\n\s*\n", value.strip()) if p.strip()]
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return [p for p in (_plain(v) for v in value) if p]
    text = _plain(value)
    return [text] if text else []


def _is_stencila(meta: dict) -> bool:
    """Front matter in Stencila's schema.org words: typed items, names as familyNames."""
    people = _as_list(meta.get("authors"))
    return any(isinstance(p, dict) and ("type" in p or "familyNames" in p) for p in people)


def _person(value) -> str:
    """An author of the paper as printed: 'Lucía Trilla-Fuertes', 'Alan Turing'."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        if value.get("name") or value.get("literal"):
            return _plain(value.get("name") or value.get("literal"))
        given = _plain(value.get("given") or value.get("givenNames"))
        family = _family(value)
        return " ".join(p for p in (given, family) if p)
    return ""


def _family(value: dict) -> str:
    """The surname with its particle: CSL's 'non-dropping-particle' + 'family', Stencila's
    familyNames (['de', 'Velasco'] is 'de Velasco')."""
    particle = _plain(value.get("non-dropping-particle"))
    family = _plain(value.get("family") or value.get("familyNames"))
    return " ".join(p for p in (particle, family) if p)


def _reference_name(value) -> tuple[str, str, str]:
    """(the name as data, 'Siegel, RL'; as printed in the entry, 'Siegel RL'; the surname)."""
    if isinstance(value, str):
        name = value.strip()
        surname = name.split(",")[0].strip() if "," in name else (name.split() or [""])[-1]
        return name, name, surname
    if not isinstance(value, dict):
        return "", "", ""
    family = _family(value)
    given = _plain(value.get("given") or value.get("givenNames"))
    if not family:
        name = _plain(value.get("literal") or value.get("name"))  # an organisation
        return name, name, name
    if not given:
        return family, family, family
    return f"{family}, {given}", f"{family} {initials(given)}", family


def _affiliation(value) -> str:
    if isinstance(value, dict):
        parts = [_plain(value.get("name"))]
        address = value.get("address")
        if isinstance(address, dict):
            parts += [_plain(address.get(k)) for k in ("addressLocality", "addressCountry")]
        return ", ".join(p for p in parts if p)
    return _plain(value)


def _venue(item: dict) -> tuple[str, str]:
    """The journal or book and '69(1):7–34', from CSL fields or Stencila's nested isPartOf
    (Article -> PublicationIssue -> PublicationVolume -> Periodical)."""
    name = _plain(item.get("container-title"))
    volume, issue = _plain(item.get("volume")), _plain(item.get("issue"))
    part, seen = item.get("isPartOf"), 0
    while part is not None and seen < 5:
        seen += 1
        if not isinstance(part, dict):
            name = name or _plain(part)
            break
        volume = volume or _plain(part.get("volumeNumber"))
        issue = issue or _plain(part.get("issueNumber"))
        inner = part.get("isPartOf")
        if inner is None:
            name = name or _plain(part.get("name") or part.get("title"))
        part = inner
    pages = _plain(item.get("page")).replace("-", "–")
    pages = pages or "–".join(
        p for p in (_plain(item.get("pageStart")), _plain(item.get("pageEnd"))) if p
    )
    details = volume + (f"({issue})" if issue else "") + (f":{pages}" if pages else "")
    if not name:
        name = _plain(_as_list(item.get("publisher"))[0] if item.get("publisher") else None)
    return name, details


def _doi(item: dict) -> str:
    doi = _plain(item.get("DOI") or item.get("doi"))
    for identifier in _as_list(item.get("identifiers")):
        if not doi and isinstance(identifier, dict):
            kind = f"{_plain(identifier.get('name'))} {_plain(identifier.get('propertyID'))}"
            if "doi" in kind.lower():
                doi = _plain(identifier.get("value"))
    return doi


def _year(issued) -> int | None:
    """The year of CSL's `issued` ({date-parts: [[2019, 3]]}, a literal) or Stencila's
    `datePublished` ({type: Date, value: '2019-03-01'}, or a string)."""
    if isinstance(issued, dict):
        parts = issued.get("date-parts") or []
        if parts and isinstance(parts[0], list) and parts[0]:
            issued = parts[0][0]
        else:
            issued = issued.get("value") or issued.get("literal") or issued.get("raw")
    match = re.search(r"\d{4}", str(issued or ""))
    return int(match.group()) if match else None
