"""The reading page stays bounded whatever the number of annotations (annotations/page_budget.py):
at most MARGINALIA_PAGE_HIGHLIGHTS drawn and indexed, shared fairly between paragraphs, the rest
counted in the chips and "undrawn", with a note under the paragraph; the same queries and about
the same bytes at 50 or 500 annotations on one passage."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Annotation, Status
from annotations.page_budget import fair_share
from annotations.services import annotation_create, roles_for_group
from tests.annotations.test_workspace_page import page_of, paragraph_html, workspace_data
from tests.conftest import join, make_user


def pile(paragraph, authors, count: int, *, role="claim", status=Status.VISIBLE, passage=True):
    """`count` annotations on one passage of `paragraph` (the authors taking turns)."""
    roles = {r.slug: r for r in roles_for_group(paragraph.paper.group)}
    Annotation.objects.bulk_create(
        Annotation(
            paper=paragraph.paper,
            paragraph=paragraph,
            role=roles[role],
            author=authors[i % len(authors)],
            exact=paragraph.text[3:11] if passage else "",
            start=3 if passage else None,
            end=11 if passage else None,
            status=status,
        )
        for i in range(count)
    )


def undrawn_of(data: dict, paragraph) -> dict:
    """The script's "undrawn" for one paragraph as {(role slug, author): (count, held)}."""
    values = data["undrawn"].get(str(paragraph.pk), [])
    return {
        (data["roles"][values[i]]["slug"], data["authors"][values[i + 1]]): tuple(
            values[i + 2 : i + 4]
        )
        for i in range(0, len(values), 4)
    }


@pytest.mark.parametrize(
    ("counts", "budget", "share"),
    [
        ([3, 5], 10, None),  # all fit
        ([3, 100], 20, 17),  # the small one keeps its 3, the large one gets the rest
        ([50, 50, 50], 30, 10),
        ([1, 1, 1], 0, 0),
        ([], 5, None),
    ],
)
def test_a_fair_share_leaves_small_paragraphs_whole(counts, budget, share):
    assert fair_share(counts, budget) == share
    if share is not None:
        assert sum(min(c, share) for c in counts) <= budget


def test_the_page_costs_the_same_at_50_and_500_annotations_on_one_passage(
    member_client, member, owner, paper, paragraph, settings
):
    settings.MARGINALIA_PAGE_HIGHLIGHTS = 20
    roles_for_group(paper.group)  # the first visit makes the default roles (a write)
    pile(paragraph, [member, owner], 50)
    page_of(member_client, paper)  # the visit's first record (an insert) out of the way
    with CaptureQueriesContext(connection) as small_queries:
        small = page_of(member_client, paper)
    pile(paragraph, [member, owner], 450)
    with CaptureQueriesContext(connection) as large_queries:
        large = page_of(member_client, paper)
    assert len(large_queries) == len(small_queries)
    # The same 20 marks' worth of index and a chip saying 500: a few bytes more, not ten times.
    assert len(large) < len(small) + 200
    for html, total in ((small, 50), (large, 500)):
        data = workspace_data(html)
        assert len(data["annotations"]) == 6 * 20
        assert undrawn_of(data, paragraph) == {
            ("claim", "amina"): (total // 2 - 10, 0),
            ("claim", "olive"): (total // 2 - 10, 0),
        }
        para = paragraph_html(html, paragraph)
        assert f'Claim <span class="ws-count">{total}</span>' in para
        assert (
            f'<span class="ws-more" role="note" data-more="{total - 20}">Only 20 of {total} '
            "annotations on this paragraph are drawn here.</span>" in para
        )
        # One flat mark over the passage, saying how many of the drawn ones cover it.
        assert para.count("<mark ") == 1 and 'data-depth="20"' in para


def test_each_paragraph_gets_a_fair_share_the_most_recent_first(
    member_client, member, paper, paragraph, settings
):
    settings.MARGINALIA_PAGE_HIGHLIGHTS = 10
    other = paper.paragraphs.exclude(pk=paragraph.pk).filter(kind="body").first()
    pile(other, [member], 3, role="evidence")
    pile(paragraph, [member], 30)
    html = page_of(member_client, paper)
    data = workspace_data(html)
    ids = data["annotations"][::6]
    newest = Annotation.objects.filter(paragraph=paragraph).order_by("-id")[:7]
    assert set(ids) == {a.pk for a in newest} | set(
        Annotation.objects.filter(paragraph=other).values_list("pk", flat=True)
    )
    assert str(other.pk) not in data["undrawn"]
    assert "ws-more" not in paragraph_html(html, other)
    assert "Only 7 of 30 annotations" in paragraph_html(html, paragraph)


def test_a_page_under_the_bound_draws_everything_and_says_nothing_more(
    member_client, member, paper, paragraph, settings
):
    settings.MARGINALIA_PAGE_HIGHLIGHTS = 10
    pile(paragraph, [member], 10)
    html = page_of(member_client, paper)
    assert workspace_data(html)["undrawn"] == {}
    assert "ws-more" not in html
    assert len(workspace_data(html)["annotations"]) == 60


@pytest.mark.parametrize(
    ("reader", "counted", "held"),
    [
        ("anonymous", 4, 0),
        ("outsider", 4, 0),
        ("member", 4, 0),
        ("moderator", 6, 2),
        ("owner", 6, 2),
    ],
)
def test_what_is_not_drawn_is_counted_as_the_reader_may_see_it(
    client, group, member, owner, moderator, outsider, paper, paragraph, settings, reader, counted,
    held,
):  # fmt: skip
    """The chips and "undrawn" come from visible_to like the rest: a plain member's count leaves
    out someone else's held and private annotations; moderators count the held ones as held."""
    settings.MARGINALIA_PAGE_HIGHLIGHTS = 0
    group.visibility = "public"
    group.save()
    writer = make_user("wren")
    join(group, writer)
    pile(paragraph, [writer], 4)
    pile(paragraph, [writer], 2, status=Status.HIDDEN)
    annotation_create(
        user=writer, paragraph=paragraph, role_slug="claim", quote={"exact": "argued"},
        visibility="private",
    )  # fmt: skip
    users = {"member": member, "moderator": moderator, "owner": owner, "outsider": outsider}
    if reader in users:
        client.force_login(users[reader])
    html = page_of(client, paper)
    data = workspace_data(html)
    assert data["annotations"] == []
    assert undrawn_of(data, paragraph) == {("claim", "wren"): (counted, held)}
    assert f'data-more="{counted}"' in paragraph_html(html, paragraph)


def test_a_busy_paragraph_older_than_what_is_read_gets_none_drawn_but_counted(
    member_client, member, paper, paragraph, settings
):
    """The choice reads SCAN x the bound of the paper's newest annotations, no more: a busy
    paragraph whose annotations are all older is drawn empty, and says so."""
    settings.MARGINALIA_PAGE_HIGHLIGHTS = 2  # a share of 1 each; 20 annotations read at most
    other = paper.paragraphs.exclude(pk=paragraph.pk).filter(kind="body").first()
    pile(paragraph, [member], 5)
    pile(other, [member], 40, role="evidence")  # newer: the 20 read are all its own
    html = page_of(member_client, paper)
    data = workspace_data(html)
    assert data["annotations"][1::6] == [other.pk]
    para = paragraph_html(html, paragraph)
    assert 'Claim <span class="ws-count">5</span>' in para
    assert "Only 0 of 5 annotations on this paragraph are drawn here." in para
    assert "Only 1 of 40 annotations" in paragraph_html(html, other)
