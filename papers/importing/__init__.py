"""Parsing, the first half of importing a paper: bytes in, a `ParsedPaper` out, no Django
involved (saving it is `papers.saving`).

    decode -> reader (blocks with hints) -> cleanup -> structure -> citations

See docs/importing.md for what each stage decides and why.
"""

from .document import ImportFailed, ParsedPaper
from .pipeline import FORMATS, parse_document

__all__ = ["FORMATS", "ImportFailed", "ParsedPaper", "parse_document"]
