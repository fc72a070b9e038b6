"""Where a quoted passage sits in a paragraph: checking and completing a client's quote.

Pure Python, no Django. Offsets count Unicode code points of `Paragraph.text` (Python `str`
indices; the browser converts from UTF-16). A client sends either offsets (`start`, `end`, with or
without `exact`) or only `exact` (with `prefix`/`suffix` to say which occurrence): `resolve_quote`
checks what it got against the paragraph and fills the rest. Quote text is compared in NFC, as
paragraphs are stored, so a quote typed with combining marks matches its precomposed form.
"""

import unicodedata
from dataclasses import asdict, dataclass

# How much context `prefix` and `suffix` keep when the client sends none (Hypothesis keeps 32).
CONTEXT = 32


class QuoteError(ValueError):
    """The quote does not fit the paragraph; the message says how, for a person to act on."""


@dataclass(frozen=True)
class Quote:
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return asdict(self)


def _nfc(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise QuoteError(f"The quote's {name} must be text.")
    return unicodedata.normalize("NFC", value)


def _offset(value, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise QuoteError(f"The quote's {name} must be a whole number.")
    return value


def _span(start: int, end: int) -> str:
    return f"{start}\u2013{end}"


def _occurrences(text: str, exact: str) -> list[int]:
    found, at = [], text.find(exact)
    while at != -1:
        found.append(at)
        at = text.find(exact, at + 1)
    return found


def _fits(text: str, start: int, end: int, prefix: str | None, suffix: str | None) -> bool:
    return (not prefix or text[:start].endswith(prefix)) and (
        not suffix or text[end:].startswith(suffix)
    )


def resolve_quote(
    text: str,
    *,
    exact: str | None = None,
    prefix: str | None = None,
    suffix: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Quote:
    """The complete quote for `text`, or QuoteError.

    - `start` and `end` (both, or neither): inside the paragraph, `end` > `start`; with `exact`,
      `text[start:end]` must equal it; without, it is taken from the text.
    - only `exact`: found in the text; when it occurs more than once, `prefix` and `suffix` must
      single one out.
    - `prefix` and `suffix` given must match the text around the passage; missing ones are taken
      from the text (up to CONTEXT code points).
    """
    exact, prefix, suffix = _nfc(exact, "exact"), _nfc(prefix, "prefix"), _nfc(suffix, "suffix")
    start, end = _offset(start, "start"), _offset(end, "end")
    if (start is None) != (end is None):
        raise QuoteError("Give both start and end of the quote, or neither.")
    if start is not None:
        if start < 0 or end > len(text) or end <= start:
            raise QuoteError(
                f"The quote's offsets {_span(start, end)} are outside the paragraph, which is "
                f"{len(text)} characters long (end must be after start)."
            )
        if exact is not None and text[start:end] != exact:
            raise QuoteError(f"The quote does not match the paragraph at {_span(start, end)}.")
        if not _fits(text, start, end, prefix, suffix):
            raise QuoteError(
                f"The quote's prefix or suffix does not match the paragraph around "
                f"{_span(start, end)}."
            )
    else:
        if not exact:
            raise QuoteError("A quote needs its exact text, or start and end.")
        found = _occurrences(text, exact)
        if not found:
            raise QuoteError("The quote is not in the paragraph.")
        fitting = [at for at in found if _fits(text, at, at + len(exact), prefix, suffix)]
        if not fitting:
            raise QuoteError("The quote is in the paragraph, but not with this prefix or suffix.")
        if len(fitting) > 1:
            raise QuoteError(
                f"The quote occurs {len(fitting)} times in the paragraph; give a prefix or a "
                f"suffix (or start and end) to say which."
            )
        start = fitting[0]
        end = start + len(exact)
    return Quote(
        exact=text[start:end],
        prefix=prefix if prefix else text[max(0, start - CONTEXT) : start],
        suffix=suffix if suffix else text[end : end + CONTEXT],
        start=start,
        end=end,
    )
