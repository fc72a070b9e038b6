"""Reading @mentions (annotations/notifications/mentions.py) as pure functions over a group:
what counts as a mention, who may be mentioned, the link, the limit, the queries."""

import pytest
from django.core.exceptions import ValidationError

from annotations.markdown import render_markdown
from annotations.notifications.mentions import (
    MAX_MENTIONS,
    link_mentions,
    mentions_in,
    render_with_mentions,
)
from tests.conftest import join, make_user


def names(text, group) -> set[str]:
    return {m.username for m in mentions_in(text, group).values()}


@pytest.fixture
def cast(group, owner, moderator, member, banned, outsider):
    """The group's active members olive, mo, amina; bea banned; otto outside."""
    return group


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ask @amina about it", {"amina"}),
        ("@amina", {"amina"}),
        ("@amina, @mo and @olive: see this", {"amina", "mo", "olive"}),
        ("Ask @amina.", {"amina"}),  # the sentence's full stop
        ("Ask @amina...", {"amina"}),
        ("Ask @amina!", {"amina"}),
        ("(@amina)", {"amina"}),
        ("@amina's point", {"amina"}),
        ("Ask @AMINA", {"amina"}),  # any case
        ("*@amina*", {"amina"}),  # emphasis is not code
        ("> @amina said so", {"amina"}),
        ("Write to amina@example.org", set()),  # an e-mail address
        ("x@amina", set()),
        ("`@amina`", set()),  # a code span
        ("```\n@amina\n```", set()),  # a fenced block
        ("    @amina in an indented block", set()),
        ("[@amina](https://example.org)", set()),  # a link's text
        ("[see](https://example.org/@amina)", set()),  # a link's URL
        ("<https://example.org/@amina>", set()),  # an autolink
        ("<amina@example.org>", set()),
        ("@aminab", set()),  # a longer name nobody has
        ("@ami", set()),  # a prefix is not the name
        ("@otto is not in the group", set()),
        ("@bea is banned", set()),
        ("@nobody", set()),
        ("no at sign at all", set()),
        ("@", set()),
    ],
)
def test_what_is_a_mention(cast, text, expected):
    assert names(text, cast) == expected


def test_the_key_is_the_lower_cased_username_and_the_value_the_member(cast, member):
    found = mentions_in("hi @Amina", cast)
    assert list(found) == ["amina"]
    assert found["amina"].user_id == member.pk and found["amina"].username == "amina"


def test_a_name_with_dots_and_dashes_is_taken_whole_when_it_is_a_member(cast):
    for name in ("j.r.", "ann-", "x+"):
        join(cast, make_user(name))
    assert names("Thanks @j.r. for this", cast) == {"j.r."}
    assert names("Thanks @j.r.", cast) == {"j.r."}
    assert names("See @ann-", cast) == {"ann-"}
    assert names("@x+", cast) == {"x+"}


def test_a_trailing_dot_is_punctuation_when_only_the_shorter_name_is_a_member(cast):
    join(cast, make_user("j.r"))
    assert names("Thanks @j.r.", cast) == {"j.r"}
    html = link_mentions(render_markdown("Thanks @j.r."), mentions_in("Thanks @j.r.", cast), cast)
    assert html.endswith('">@j.r</a>.</p>')


def test_a_name_with_an_at_sign_is_a_member(cast):
    join(cast, make_user("ann@lab"))
    assert names("cc @ann@lab", cast) == {"ann@lab"}


def test_names_differing_only_in_case_the_exact_one_wins(cast):
    join(cast, make_user("Amina"))
    assert names("@Amina", cast) == {"Amina"}
    assert names("@amina", cast) == {"amina"}


def test_a_member_who_left_is_not_mentioned(cast, member):
    cast.memberships.filter(user=member).delete()
    assert names("@amina", cast) == set()


def test_a_member_of_another_group_is_not_mentioned(cast, public_group):
    join(public_group, make_user("pia"))
    assert names("@pia", cast) == set()


def test_the_same_member_twice_is_one_mention(cast):
    assert len(mentions_in("@amina and @AMINA and @amina.", cast)) == 1


def test_more_than_the_limit_is_refused_with_the_count(cast):
    people = [f"reader{i}" for i in range(23)]
    for name in people:
        join(cast, make_user(name))
    text = " ".join(f"@{n}" for n in people)
    with pytest.raises(ValidationError) as error:
        mentions_in(text, cast)
    assert error.value.messages == ["A post mentions at most 20 people; this one mentions 23."]
    assert len(mentions_in(" ".join(f"@{n}" for n in people[:MAX_MENTIONS]), cast)) == 20


def test_the_link_is_to_the_member_page_with_the_real_username(cast):
    html, mentioned = render_with_mentions("Ask @AMINA, and `@mo`.", cast)
    assert list(mentioned) == ["amina"]
    assert html == (
        '<p>Ask <a class="mention" href="/groups/seminar/members/amina/">@amina</a>, and '
        "<code>@mo</code>.</p>"
    )


def test_the_link_escapes_the_username(cast):
    # Not a name Django's validator lets in, but the link must hold whatever the name.
    mentioned = {
        "o": mentions_in("@olive", cast)["olive"]._replace(username='x"><script>'),
    }
    html = link_mentions("<p>@o</p>", mentioned, cast)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/groups/seminar/members/x%22%3E%3Cscript%3E/"' in html


def test_text_in_a_link_title_is_never_touched(cast):
    html, mentioned = render_with_mentions('[x](https://example.org "by @amina") @mo', cast)
    assert set(mentioned) == {"mo"}
    assert 'title="by @amina"' in html
    assert html.count('class="mention"') == 1


def test_no_at_sign_no_query(cast, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert mentions_in("Plain text, *emphasis*, `code`.", cast) == {}
        render_with_mentions("Plain text.", cast)


def test_at_signs_one_query_however_many(cast, django_assert_num_queries):
    with django_assert_num_queries(1):
        render_with_mentions("@amina @mo @olive @otto @bea x@y " * 20, cast)


def test_an_at_sign_only_in_code_asks_nothing(cast, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert mentions_in("`@amina` and a@b.org", cast) == {}


def test_a_text_full_of_at_signs_is_one_query_and_finds_the_members(
    cast, django_assert_num_queries
):
    # Thousands of distinct names: the members are read whole rather than through an IN list.
    text = " ".join(f"@someone{i}" for i in range(2000)) + " @amina @mo."
    with django_assert_num_queries(1):
        assert names(text, cast) == {"amina", "mo"}


def test_a_name_longer_than_any_username_is_not_looked_up(cast):
    assert names("@" + "a" * 151, cast) == set()
    assert names("@amina" + "." * 5000, cast) == {"amina"}
