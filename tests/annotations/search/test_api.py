"""GET /api/v1/search/: matching, ranking, the syntax, filters, snippets, errors, query count."""

import datetime

import pytest

from tests.annotations.conftest import make_annotation, make_comment
from tests.conftest import join, make_user

from .conftest import api_for, find

pytestmark = pytest.mark.django_db


def test_it_ranks_the_paragraph_saying_it_most_first(scene, member):
    first, _, _, fourth = scene["paragraphs"]
    hits = find(member, "entropy", kind="paragraph", paper=scene["paper"].pk)
    assert hits == [("paragraph", first.pk), ("paragraph", fourth.pk)]


def test_it_finds_every_kind(scene, member):
    hits = find(member, "perception")
    assert {kind for kind, _ in hits} == {"paragraph", "annotation", "comment"}
    assert ("paper", scene["paper"].pk) in find(member, "thermodynamics")


def test_every_word_must_be_found(scene, member):
    second, third = scene["paragraphs"][1:3]
    assert set(find(member, "free energy", kind="paragraph")) == {
        ("paragraph", second.pk),
        ("paragraph", third.pk),
    }
    assert find(member, "energy tea", kind="paragraph") == []


def test_a_phrase_finds_its_words_in_order(scene, member):
    second = scene["paragraphs"][1]
    assert find(member, '"free energy"', kind="paragraph") == [("paragraph", second.pk)]


def test_an_excluded_word_leaves_out_what_says_it(scene, member):
    third = scene["paragraphs"][2]
    assert find(member, "energy -perception", kind="paragraph") == [("paragraph", third.pk)]
    assert find(member, 'energy -"free energy"', kind="paragraph") == [("paragraph", third.pk)]


def test_a_username_finds_its_posts(scene, member):
    annotation, comment = scene["annotation"], scene["comment"]
    expected = {("annotation", annotation.pk), ("comment", comment.pk)}
    assert set(find(member, member.username)) == expected
    # With another word: posts by them that say it (the paragraph says it, but is nobody's).
    assert set(find(member, f"perception {member.username}")) == expected
    assert find(member, f"perception -{member.username}", kind="comment") == []


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"kind": "annotation"}, {"annotation"}),
        ({"kind": "comment"}, {"comment"}),
        ({"role": "claim"}, {"annotation", "comment"}),
        ({"role": "evidence"}, set()),
        ({"group": "seminar"}, {"paragraph", "annotation", "comment"}),
        ({"group": "open-seminar"}, set()),
        ({"since": "2000-01-01"}, {"paragraph", "annotation", "comment"}),
        ({"since": "2999-01-01"}, set()),
    ],
)
def test_each_filter(scene, member, filters, expected):
    assert {kind for kind, _ in find(member, "perception", **filters)} == expected


def test_the_author_filter(scene, member, owner):
    assert {kind for kind, _ in find(owner, "perception", author=member.username)} == {
        "annotation",
        "comment",
    }
    assert find(owner, "perception", author=owner.username) == []


def test_the_paper_filter(scene, member):
    assert find(member, "entropy", paper=scene["public"].pk) == [
        ("paragraph", scene["public"].paragraphs.get().pk)
    ]


def test_a_hit_says_where_it_is(scene, member):
    response = api_for(member).get("/api/v1/search/", {"q": "doubt"})
    (hit,) = response.json()["results"]
    paper, second = scene["paper"], scene["paragraphs"][1]
    assert hit["kind"] == "comment"
    assert hit["id"] == scene["comment"].pk
    assert (hit["paper"], hit["paragraph"], hit["anchor"]) == (paper.pk, second.pk, "p-2")
    assert hit["url"] == f"/papers/{paper.pk}/?panel=1#p-2"
    assert (hit["author"], hit["role"], hit["status"]) == (member.username, "claim", "visible")
    assert hit["paper_title"] == "Thermodynamics of Reading"
    paper_hit = find(member, "thermodynamics")[0]
    response = api_for(member).get("/api/v1/search/", {"q": "thermodynamics"})
    assert paper_hit == ("paper", paper.pk)
    assert response.json()["results"][0]["url"] == f"/papers/{paper.pk}/"
    assert response.json()["results"][0]["anchor"] is None


def test_the_snippet_marks_matches_and_escapes_the_rest(scene, member):
    response = api_for(member).get("/api/v1/search/", {"q": "doubt", "kind": "comment"})
    snippet = response.json()["results"][0]["snippet"]
    assert "<mark>doubt</mark>" in snippet.lower()
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "q"),
        ({"q": "  "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "-entropy"}, "q"),
        ({"q": "entropy", "kind": "book"}, "kind"),
        ({"q": "entropy", "since": "yesterday"}, "since"),
        ({"q": "entropy", "paper": "one"}, "paper"),
    ],
)
def test_a_query_it_cannot_search_answers_400(scene, member, params, field):
    response = api_for(member).get("/api/v1/search/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_it_answers_page_by_page(scene, member):
    paragraph = scene["paragraphs"][0]
    for i in range(5):
        make_annotation(member, paragraph, note=f"Pagination note {i}")
    response = api_for(member).get("/api/v1/search/", {"q": "pagination", "page_size": 2})
    body = response.json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]


def test_it_refuses_other_methods(scene, member):
    assert api_for(member).post("/api/v1/search/?q=entropy").status_code == 405


def test_the_number_of_queries_does_not_grow_with_the_hits(
    scene, member, django_assert_max_num_queries
):
    paragraph = scene["paragraphs"][0]
    client = api_for(member)
    client.get("/api/v1/search/", {"q": "counting"})
    for i in range(20):
        annotation = make_annotation(member, paragraph, note=f"Counting note {i}")
        make_comment(member, annotation=annotation, body=f"Counting comment {i}")
    # The configurations in use (PostgreSQL), the users the words name, the ranked hits with
    # their visibility and status (the count and the page's ids), the page's rows; the
    # session's user is forced.
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/search/", {"q": "counting"})
    assert len(response.json()["results"]) == 40
    assert datetime.date.fromisoformat(response.json()["results"][0]["created"][:10])


def test_a_username_with_a_dot_at_or_hyphen_finds_its_posts(scene, member, group):
    dotted = make_user("ana.lee-r@x")
    join(group, dotted)
    annotation = make_annotation(dotted, scene["paragraphs"][3], note="Tea first")
    assert find(member, "Ana.Lee-R@x") == [("annotation", annotation.pk)]
    assert find(member, "tea ana.lee-r@x") == [("annotation", annotation.pk)]
    # The paragraph says "tea" and is nobody's; the note is theirs.
    assert find(member, "tea -ana.lee-r@x") == [("paragraph", scene["paragraphs"][3].pk)]
