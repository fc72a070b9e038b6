"""Pandoc Markdown extras: YAML front matter (title, author, abstract, keywords, and a CSL
`references` list) and citation keys such as `[@bib22; @bib38]` or `[see @smith2019, p. 4]`.

The keys become "cite" marks whose targets are the YAML references' ids, so they link exactly.
"""

import re

import yaml

from ..document import Block
from ..inline import markdown_inline

_MAX_YAML = 2 * 1024 * 1024  # front matter larger than this is not metadata
_KEY = r"@(?P<key>[\w][\w:.#$%&+?<>~/-]*[\w])"
_GROUP = re.compile(r"\[(?P<body>[^\[\]]*@[\w][^\[\]]*)\](?!\()")
_KEY_RE = re.compile(r"(?<![\w@])-?" + _KEY)


def split_front_matter(lines: list[str]) -> tuple[dict, list[str]]:
    """The YAML front matter as a dict (empty when absent or not YAML) and the remaining lines."""
    if not lines or lines[0].strip() != "---":
        return {}, lines
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            source = "\n".join(lines[1:end])
            if len(source) > _MAX_YAML:
                return {}, lines[end + 1 :]
            try:
                data = yaml.safe_load(source)
            except yaml.YAMLError:
                return {}, lines[end + 1 :]
            return (data if isinstance(data, dict) else {}), lines[end + 1 :]
    return {}, lines


def metadata_blocks(meta: dict) -> list[Block]:
    """Title, authors, keywords and abstract stated in the front matter."""
    blocks = []
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        text, marks = markdown_inline(meta["title"])
        blocks.append(Block(text=text, kind="title", marks=marks, explicit=True))
    names = [_person(a) for a in _as_list(meta.get("author"))]
    names = [n for n in names if n]
    if names:
        blocks.append(Block(text=", ".join(names), kind="authors", data={"names": names}))
    keywords = [str(k).strip() for k in _as_list(meta.get("keywords")) if str(k).strip()]
    if keywords:
        blocks.append(Block(text=", ".join(keywords), kind="keywords", data={"keywords": keywords}))
    abstract = meta.get("abstract")
    if isinstance(abstract, str):
        for part in re.split(r"\n\s*\n", abstract.strip()):
            text, marks = markdown_inline(part)
            if text:
                blocks.append(Block(text=text, kind="abstract", marks=marks))
    return blocks


def reference_blocks(meta: dict) -> list[Block]:
    """CSL YAML references (`references:` with `id`, `author`, `issued`, `title`, …)."""
    blocks = []
    for item in _as_list(meta.get("references")):
        if not isinstance(item, dict) or not item.get("id"):
            continue
        authors = [_csl_name(a) for a in _as_list(item.get("author"))]
        authors = [a for a in authors if a]
        year = _csl_year(item.get("issued"))
        title = str(item.get("title") or "").strip()
        venue = str(item.get("container-title") or item.get("publisher") or "").strip()
        doi = str(item.get("DOI") or item.get("doi") or "").strip() or None
        url = str(item.get("URL") or item.get("url") or "").strip() or None
        who = "; ".join(authors) + (f" ({year})" if year else "")
        text = ". ".join(p.strip(" .") for p in (who, title, venue) if p.strip(" .")) + "."
        if doi:
            text += f" https://doi.org/{doi}"
        data = {"authors": authors, "year": year, "title": title, "doi": doi, "url": url,
                "venue": venue}  # fmt: skip
        if authors:
            data["first_author"] = authors[0].split(",")[0]
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


def _person(value) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        if value.get("name"):
            return str(value["name"]).strip()
        return " ".join(str(value.get(k, "")).strip() for k in ("given", "family")).strip()
    return ""


def _csl_name(value) -> str:
    if isinstance(value, dict):
        family, given = str(value.get("family", "")).strip(), str(value.get("given", "")).strip()
        if family:
            return f"{family}, {given}" if given else family
        return str(value.get("literal", "")).strip()
    return str(value).strip() if value else ""


def _csl_year(issued) -> int | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts") or []
        if parts and isinstance(parts[0], list) and parts[0]:
            issued = parts[0][0]
        else:
            issued = issued.get("literal") or issued.get("raw")
    match = re.search(r"\d{4}", str(issued or ""))
    return int(match.group()) if match else None
