"""Readers: one per format, each turning the file's bytes into a list of `Block`s with hints.

A reader decides only what its format tells it (markup, styles, fonts, positions); the stages
after it (cleanup, structure, citations) are shared by every format. See document.Block for the
kinds a reader may emit.
"""

from .markup import read_markdown, read_text

__all__ = ["read_markdown", "read_text"]
