"""Bytes to text: the encodings papers really arrive in, and a clear no for what is not text."""

import codecs
import unicodedata

from .document import ImportFailed

# Formats we recognise by their first bytes, to answer "this is a PDF" rather than "binary".
_MAGIC = [
    (b"%PDF-", "a PDF"),
    (b"PK\x03\x04", "a ZIP archive (DOCX, EPUB or similar)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x1f\x8b", "a gzip archive"),
]


def sniff_binary(data: bytes) -> str | None:
    """The name of a known binary format the data starts with, if any."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16/32 (BOM or plain), cp1252 or Latin-1.

    Returns NFC text with Unix newlines. Raises ImportFailed for empty or binary data.
    """
    if not data or not data.strip():
        raise ImportFailed("The file is empty.")
    known = sniff_binary(data)
    if known:
        raise ImportFailed(f"This file is {known}, not text; only text and Markdown are supported.")
    text = _decode(data)
    if _looks_binary(text):
        raise ImportFailed("This file looks binary, not text: it cannot be read as a paper.")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _strict(data, encoding)
    # UTF-16 without a BOM: ASCII text leaves every other byte zero.
    sample = data[:4096]
    if len(sample) >= 4 and sample.count(0) > len(sample) // 4:
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > len(sample) // 4 and even == 0:
            return _strict(data, "utf-16-le")
        if even > len(sample) // 4 and odd == 0:
            return _strict(data, "utf-16-be")
    return decode_undeclared(data)


def decode_undeclared(data: bytes) -> str:
    """Bytes that name no encoding: UTF-8 when valid; else Windows-1252 where its printable C1
    range is used (curly quotes from Word); else Latin-1, which maps every byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportFailed(
            f"The file says it is {encoding.upper()} but is not valid {encoding.upper()}."
        ) from None


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for ch in sample if ch < " " and ch not in "\n\r\t\f")
    return "\x00" in sample or control > len(sample) // 100 + 1
