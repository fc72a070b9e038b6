"""Which reader a file needs, decided by its content (magic bytes, the XML root element), with
the file name only as a tie-breaker between plain text and Markdown."""

import io
import re
import zipfile

from .document import ImportFailed

NAMES = {
    "text": "plain text",
    "markdown": "Markdown",
    "html": "HTML",
    "jats": "JATS XML",
    "docx": "DOCX",
    "pdf": "PDF",
}
_MARKDOWN_NAMES = (".md", ".markdown", ".mdown", ".mkd")
_MARKDOWN_HINT = re.compile(
    r"^(?:#{1,6}\s|\s{0,3}[-*+]\s|\[\^?[^\]]+\]:)|\*\*\S|\]\(https?://|<https?://|\\[$*_#]",
    re.MULTILINE,
)
_XML_ROOT = re.compile(rb"<(?!\?|!)([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def sniff(data: bytes) -> str | None:
    """The binary or markup format the bytes are, or None for text (decided later)."""
    data = _as_utf8_head(data)
    head = data[:2048].lstrip()
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if _is_docx(data) else "zip"
    lowered = head.lower()
    if lowered.startswith(b"\xef\xbb\xbf"):
        lowered = lowered[3:].lstrip()
    if (
        lowered.startswith(b"<?xml")
        or lowered.startswith(b"<!doctype article")
        or (lowered.startswith(b"<article"))
    ):
        root = _xml_root(data)
        if root == "article":
            return "jats"
        if root == "html":
            return "html"
        return "xml"
    if lowered.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        lowered.startswith(b"<!--") and b"<html" in data[:65536].lower()
    ):
        return "html"
    return None


def _as_utf8_head(data: bytes) -> bytes:
    """UTF-16/32 markup (a BOM, or the zero bytes of BOM-less UTF-16) re-encoded as UTF-8, so
    its root element can be seen; the readers decode the whole file themselves."""
    head = data[:65536]
    for bom, encoding in (
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, "ignore").encode("utf-8")
    if head[:2] in (b"<\x00", b"\x00<"):
        encoding = "utf-16-le" if head[:1] == b"<" else "utf-16-be"
        return head.decode(encoding, "ignore").encode("utf-8")
    return data


def _xml_root(data: bytes) -> str:
    # Skip the declaration, comments and DOCTYPE; the first element's local name.
    body = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>[]*(\[.*?\])?\s*>", b"", data[:65536],
                  flags=re.DOTALL | re.IGNORECASE)  # fmt: skip
    match = _XML_ROOT.search(body)
    return match.group(2).decode("ascii", "replace").lower() if match else ""


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        # A truncated DOCX has lost the directory at its end, but the headers before each of
        # its parts still name them: the DOCX reader then says it is damaged.
        return _names_word_parts(data)


def _names_word_parts(data: bytes) -> bool:
    for header in re.finditer(rb"PK\x03\x04", data[: 1 << 20]):
        start = header.start()
        name_length = int.from_bytes(data[start + 26 : start + 28], "little")
        if data[start + 30 : start + 30 + name_length].startswith(b"word/"):
            return True
    return False


def detect_format(data: bytes, filename: str = "", claimed: str | None = None) -> str:
    """The format to read `data` as. A claimed format the content contradicts is refused."""
    found = sniff(data)
    if found in ("zip", "xml"):
        what = "a ZIP archive that is not a DOCX" if found == "zip" else "XML that is not JATS"
        raise ImportFailed(f"This file is {what}; it cannot be read as a paper.")
    if not claimed and filename.lower().endswith(".docx") and found != "docx":
        raise ImportFailed(_not_a_docx(data, found))
    if claimed:
        if claimed not in NAMES:
            raise ImportFailed(f"Unknown format {claimed!r}; choose one of: {', '.join(NAMES)}.")
        textual = claimed in ("text", "markdown")
        if (found or "text") != claimed and not (textual and found is None):
            actual = NAMES.get(found, "text") if found else "text"
            raise ImportFailed(f"The file is not {NAMES[claimed]}: its content is {actual}.")
        return claimed
    if found:
        return found
    return "markdown" if _looks_like_markdown(data, filename) else "text"


def _not_a_docx(data: bytes, found: str | None) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE container: encrypted .docx or old .doc
        return (
            "This file is named .docx but is a password-protected or old-format (.doc) Word "
            "file; save it as an unprotected .docx and try again."
        )
    actual = NAMES.get(found, "text") if found else "text"
    return f"This file is named .docx but is not a Word document: its content is {actual}."


def _looks_like_markdown(data: bytes, filename: str) -> bool:
    if filename.lower().endswith(_MARKDOWN_NAMES):
        return True
    sample = data[:65536].decode("utf-8", "replace")
    return len(_MARKDOWN_HINT.findall(sample)) >= 3
