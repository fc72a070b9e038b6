"""The quote check (annotations.quotes): offsets in code points, text outside the Basic
Multilingual Plane, combining marks, right-to-left text. Pure Python: no database."""

import unicodedata

import pytest

from annotations.quotes import CONTEXT, Quote, QuoteError, resolve_quote

REPORT = "A report mentions that 272 terror attacks have taken place since 1990."
# 😀 and 𝐀 are one code point each (two UTF-16 code units in the browser).
EMOJI = "Readers 😀 agree that 𝐀 matters 😀 more than 𝐁."
# Hebrew and Arabic: stored in logical order, offsets count the same way.
RTL = "The word שָׁלוֹם means peace, and سلام too; שָׁלוֹם again."


def test_offsets_and_exact_that_match():
    quote = resolve_quote(REPORT, exact="272 terror attacks", start=23, end=41)
    assert quote == Quote(
        exact="272 terror attacks",
        prefix="A report mentions that ",
        suffix=" have taken place since 1990.",
        start=23,
        end=41,
    )


def test_exact_that_does_not_match_the_offsets():
    with pytest.raises(QuoteError) as error:
        resolve_quote(REPORT, exact="272 terror attack!", start=23, end=41)
    assert str(error.value) == "The quote does not match the paragraph at 23–41."


@pytest.mark.parametrize(
    "start, end", [(0, 999), (60, 71), (-1, 4), (10, 10), (12, 5), (len(REPORT), len(REPORT) + 1)]
)
def test_offsets_outside_the_paragraph(start, end):
    with pytest.raises(QuoteError, match="outside the paragraph"):
        resolve_quote(REPORT, start=start, end=end)


def test_offsets_at_the_very_end_are_inside():
    quote = resolve_quote(REPORT, start=len(REPORT) - 5, end=len(REPORT))
    assert quote.exact == "1990." and quote.suffix == ""


@pytest.mark.parametrize("start, end", [(3, None), (None, 7)])
def test_one_offset_alone(start, end):
    with pytest.raises(QuoteError, match="both start and end"):
        resolve_quote(REPORT, start=start, end=end)


@pytest.mark.parametrize("value", ["3", 3.0, True])
def test_offsets_are_whole_numbers(value):
    with pytest.raises(QuoteError, match="whole number"):
        resolve_quote(REPORT, start=value, end=10)


def test_offsets_alone_take_the_exact_text_from_the_paragraph():
    assert resolve_quote(REPORT, start=2, end=8).exact == "report"


def test_exact_alone_is_found_and_the_offsets_filled():
    quote = resolve_quote(REPORT, exact="terror attacks")
    assert (quote.start, quote.end) == (27, 41)
    assert quote.prefix == "A report mentions that 272 "
    assert quote.suffix == " have taken place since 1990."


def test_prefix_and_suffix_fill_with_at_most_32_code_points():
    text = "x" * 50 + "needle" + "y" * 50
    quote = resolve_quote(text, exact="needle")
    assert quote.prefix == "x" * CONTEXT and quote.suffix == "y" * CONTEXT


def test_an_absent_quote():
    with pytest.raises(QuoteError, match="not in the paragraph"):
        resolve_quote(REPORT, exact="peace talks")


def test_an_ambiguous_quote_asks_for_context():
    text = "the cat saw the dog and the bird"
    with pytest.raises(QuoteError, match="occurs 3 times"):
        resolve_quote(text, exact="the")
    assert resolve_quote(text, exact="the", prefix="saw ").start == 12
    assert resolve_quote(text, exact="the", suffix=" bird").start == 24
    assert resolve_quote(text, exact="the", prefix="and ", suffix=" bird").start == 24


def test_a_prefix_that_fits_no_occurrence():
    with pytest.raises(QuoteError, match="not with this prefix or suffix"):
        resolve_quote(REPORT, exact="terror", prefix="many ")


def test_a_given_prefix_must_match_the_offsets():
    with pytest.raises(QuoteError, match="prefix or suffix does not match"):
        resolve_quote(REPORT, start=23, end=41, prefix="A memo mentions that ")
    quote = resolve_quote(REPORT, start=23, end=41, prefix="that ", suffix=" have")
    assert (quote.prefix, quote.suffix) == ("that ", " have")


def test_no_exact_and_no_offsets():
    with pytest.raises(QuoteError, match="exact text, or start and end"):
        resolve_quote(REPORT)
    with pytest.raises(QuoteError):
        resolve_quote(REPORT, exact="")


def test_overlapping_occurrences_are_all_counted():
    with pytest.raises(QuoteError, match="occurs 2 times"):
        resolve_quote("aaa", exact="aa")


# Beyond the Basic Multilingual Plane


def test_emoji_count_as_one_code_point():
    quote = resolve_quote(EMOJI, exact="😀 agree")
    assert (quote.start, quote.end) == (8, 15)
    assert EMOJI[quote.start : quote.end] == "😀 agree"
    # The browser counts UTF-16 units: the same passage is 8..16 there.
    assert len(EMOJI[:8].encode("utf-16-le")) // 2 == 8
    assert len(EMOJI[:15].encode("utf-16-le")) // 2 == 16


def test_mathematical_letters_and_offsets_after_them():
    start = EMOJI.index("matters")
    quote = resolve_quote(EMOJI, start=start, end=start + 7, exact="matters")
    assert quote.prefix.endswith("that 𝐀 ")
    assert resolve_quote(EMOJI, exact="𝐁").start == len(EMOJI) - 2


def test_utf16_offsets_are_refused_when_they_do_not_match():
    # A client that forgot to convert sends UTF-16 offsets: 8..16 is "😀 agree " in code points.
    with pytest.raises(QuoteError, match="does not match the paragraph at 8–16"):
        resolve_quote(EMOJI, exact="😀 agree", start=8, end=16)


def test_the_second_emoji_needs_context():
    with pytest.raises(QuoteError, match="occurs 2 times"):
        resolve_quote(EMOJI, exact="😀")
    assert resolve_quote(EMOJI, exact="😀", suffix=" more").start == EMOJI.rindex("😀")


# Combining marks


def test_a_decomposed_quote_matches_the_stored_nfc_text():
    text = unicodedata.normalize("NFC", "Café culture and naïve readers")
    decomposed = unicodedata.normalize("NFD", "naïve")
    assert decomposed != "naïve"
    quote = resolve_quote(text, exact=decomposed)
    assert quote.exact == "naïve"
    assert (quote.start, quote.end) == (17, 22)
    assert resolve_quote(text, exact=decomposed, start=17, end=22).exact == "naïve"


def test_combining_marks_without_a_precomposed_form_count_each_code_point():
    text = "q̣̇ is a q with two marks"  # q + U+0323 + U+0307: three code points
    assert len(text[:3]) == 3
    quote = resolve_quote(text, start=0, end=3)
    assert quote.exact == "q̣̇"
    with pytest.raises(QuoteError, match="does not match"):
        resolve_quote(text, exact="q", start=0, end=3)


# Right to left


def test_right_to_left_text_in_logical_order():
    with pytest.raises(QuoteError, match="occurs 2 times"):
        resolve_quote(RTL, exact="שָׁלוֹם")
    first = resolve_quote(RTL, exact="שָׁלוֹם", suffix=" means")
    assert (first.start, first.prefix) == (9, "The word ")
    arabic = resolve_quote(RTL, exact="سلام")
    assert RTL[arabic.start : arabic.end] == "سلام"
    assert arabic.suffix.startswith(" too; שָׁלוֹם")
