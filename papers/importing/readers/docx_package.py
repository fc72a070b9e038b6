"""Opening a DOCX safely: the ZIP container is inspected before anything is unpacked, and XML
that declares a DTD is refused before any parser sees it.

Why each guard:
- zip bomb: python-docx reads every part of the package into memory, so the sizes the ZIP's
  central directory declares are checked first (entry count, total size, compression ratio).
  Python's zipfile never inflates an entry past its declared size (a lying entry fails its CRC
  check), so the declared sizes bound what is unpacked.
- XML entities: python-docx parses with `resolve_entities=False` (and lxml's default
  `no_network=True`, no `huge_tree`), which already keeps external entities out. Word never
  writes a DTD (OPC forbids them), so a part that declares one is refused outright: one clear
  answer instead of trusting every parser on the way.
"""

import io
import zipfile

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import OpcError
from lxml import etree

from ..document import ImportFailed
from .docx_styles import W_NS

MAX_ENTRIES = 5000
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # unpacked, all parts together
MAX_RATIO = 100  # unpacked / packed, for entries over RATIO_FLOOR
RATIO_FLOOR = 4 * 1024 * 1024  # small parts may compress very well (repeated XML)
MAX_XML_BYTES = 100 * 1024 * 1024  # XML parts become lxml trees, several times their size
_XML_SUFFIXES = (".xml", ".rels")
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_CHUNK = 1024 * 1024

DAMAGED = "This DOCX is damaged or truncated."

# For the parts python-docx leaves unparsed (footnotes, endnotes): the same safe settings.
SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def open_docx(data: bytes):
    """A python-docx Document for `data`, or ImportFailed with a one-line reason."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_container(archive)
            _check_no_dtd(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ImportFailed(DAMAGED) from None
    except NotImplementedError:  # a compression method zipfile lacks (e.g. deflate64)
        raise ImportFailed("This DOCX uses a compression method that cannot be read.") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except KeyError:  # a part the relationships name is missing
        raise ImportFailed("This DOCX is damaged: a part it refers to is missing.") from None
    except etree.XMLSyntaxError:
        raise ImportFailed("This DOCX is damaged: its XML is not well formed.") from None
    except ValueError as exc:
        if "content type" in str(exc):
            raise ImportFailed(
                "This Word file is not a plain DOCX (a template or macro-enabled file?); "
                "save it as .docx and try again."
            ) from None
        raise ImportFailed(DAMAGED) from None
    except (OpcError, zipfile.BadZipFile, EOFError, OSError, AttributeError, TypeError):
        # AttributeError, TypeError: python-docx meeting XML that is not in the OOXML namespaces
        raise ImportFailed(DAMAGED) from None
    if document.element.tag != f"{{{W_NS}}}document" or document.element.body is None:
        raise ImportFailed("This DOCX is damaged: its main part holds no document body.")
    return document


def _check_container(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ImportFailed(
            f"This DOCX holds {len(infos)} files (the limit is {MAX_ENTRIES}); it looks like a "
            "zip bomb, not a document."
        )
    if "[Content_Types].xml" not in {info.filename for info in infos}:
        raise ImportFailed("This file is a ZIP archive that is not a DOCX; it cannot be read.")
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise ImportFailed(
            f"This DOCX would unpack to {total // 1048576} MB (the limit is "
            f"{MAX_TOTAL_BYTES // 1048576} MB); it looks like a zip bomb."
        )
    xml_total = sum(info.file_size for info in infos if info.filename.endswith(_XML_SUFFIXES))
    if xml_total > MAX_XML_BYTES:
        raise ImportFailed(
            f"This DOCX holds {xml_total // 1048576} MB of XML (the limit is "
            f"{MAX_XML_BYTES // 1048576} MB); it is too large to read."
        )
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ImportFailed(
                f"This DOCX has a part ({info.filename}) that expands {ratio} times; it looks "
                "like a zip bomb."
            )
        if info.flag_bits & 0x1:
            raise ImportFailed("This DOCX is encrypted; save it without a password and retry.")


def _check_no_dtd(archive: zipfile.ZipFile) -> None:
    """Refuse any XML part that declares a DTD or an entity, read in chunks (sizes are capped)."""
    overlap = max(len(marker) for marker in _DTD_MARKERS)
    for info in archive.infolist():
        if not info.filename.endswith(_XML_SUFFIXES):
            continue
        with archive.open(info) as part:
            tail = b""
            while chunk := part.read(_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    raise ImportFailed(
                        f"This DOCX declares a DTD or entities in {info.filename}, which Word "
                        "never writes; it was refused for safety."
                    )
                tail = window[-overlap:]


def note_parts(document) -> dict[str, tuple[etree._Element, dict[str, str]]]:
    """The footnotes and endnotes parts: kind ("footnote", "endnote") -> (root element, their
    external links), parsed safely.

    python-docx has no API for notes: it keeps these parts as plain blobs, reached through the
    main document part's relationships."""
    parts = {}
    for kind, reltype in (("footnote", RT.FOOTNOTES), ("endnote", RT.ENDNOTES)):
        try:
            part = document.part.part_related_by(reltype)
        except (KeyError, ValueError):  # none, or several (which Word never writes)
            continue
        try:
            parts[kind] = (etree.fromstring(part.blob, SAFE_PARSER), external_links(part))
        except etree.XMLSyntaxError:
            raise ImportFailed(f"This DOCX is damaged: its {kind}s are not well formed.") from None
    return parts


def external_links(part) -> dict[str, str]:
    """External hyperlink targets of a part, by relationship id. Links inside the document (to
    bookmarks) are left out: their targets do not exist once the paper is imported."""
    return {rid: rel.target_ref for rid, rel in part.rels.items() if rel.is_external}
