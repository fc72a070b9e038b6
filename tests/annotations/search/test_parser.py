"""The query syntax (annotations.search.parser), without a database."""

import pytest
from django.core.exceptions import ValidationError

from annotations.search.parser import MAX_LENGTH, MAX_TERMS, Term, parse


def test_it_reads_words_lowercased():
    assert parse("Entropy  GROWS").terms == (Term(("entropy",)), Term(("grows",)))


def test_it_reads_a_phrase_in_quotes():
    assert parse('"free energy" model').terms == (Term(("free", "energy")), Term(("model",)))


def test_it_reads_an_unclosed_quote_as_a_phrase_to_the_end():
    assert parse('"free energy').terms == (Term(("free", "energy")),)


def test_it_reads_exclusions_of_words_and_phrases():
    query = parse('energy -perception -"free lunch"')
    assert query.included == (Term(("energy",)),)
    assert query.excluded == (Term(("perception",), True), Term(("free", "lunch"), True))


def test_it_drops_punctuation_and_searches_a_hyphenated_word_as_a_phrase():
    assert parse("state-of-the-art; (model)!").terms == (
        Term(("state", "of", "the", "art")),
        Term(("model",)),
    )


def test_a_quote_or_an_operator_never_reaches_the_backends():
    words = [w for term in parse('a" OR "b* NEAR(c) ^d').terms for w in term.words]
    assert all(w.isalnum() for w in words)


def test_it_keeps_one_of_a_repeated_term():
    assert parse("model model").terms == (Term(("model",)),)


@pytest.mark.parametrize("q", ["", "   ", None, '""', "-- ; !"])
def test_it_refuses_an_empty_query(q):
    with pytest.raises(ValidationError) as error:
        parse(q)
    assert "q" in error.value.message_dict


def test_it_refuses_an_over_long_query():
    with pytest.raises(ValidationError, match=str(MAX_LENGTH)):
        parse("a" * (MAX_LENGTH + 1))


def test_it_refuses_too_many_terms():
    with pytest.raises(ValidationError, match=str(MAX_TERMS)):
        parse(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))


def test_it_refuses_a_query_that_only_excludes():
    with pytest.raises(ValidationError, match="at least one word"):
        parse("-energy -entropy")


def test_a_token_joining_words_with_a_dot_at_or_hyphen_is_kept_for_usernames():
    dotted, mail, plain = parse('Ana.Lee, ben@example.org "x.y" word').terms[:2] + (
        parse("word").terms[0],
    )
    assert (dotted.words, dotted.token) == (("ana", "lee"), "ana.lee")
    assert (mail.words, mail.token) == (("ben", "example", "org"), "ben@example.org")
    assert plain.token == ""
    assert parse('"x.y"').terms[0].token == ""  # a quoted phrase is words, never a username
