from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from annotations.insights.agreement import paper_agreement
from annotations.insights.argument import paper_argument
from annotations.models import Annotation, Comment, Flag, Link
from annotations.moderation.queue import open_count
from papers.models import Membership, Paper, ReadingGroup

USERS = ["demo", "reader", "newcomer"]


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_loads_a_public_group_with_an_owner_a_member_and_the_demo_paper():
    output = run_demo()

    group = ReadingGroup.objects.get(slug="demo")
    assert group.name == "Demo reading group"
    assert group.visibility == ReadingGroup.Visibility.PUBLIC
    roles = dict(group.memberships.values_list("user__username", "role"))
    assert roles == {
        "demo": Membership.Role.OWNER,
        "reader": Membership.Role.MEMBER,
        "newcomer": Membership.Role.MEMBER,
    }
    paper = Paper.objects.get(group=group)
    assert paper.title.startswith("Why Reading Groups Argue Better")
    assert paper.status == Paper.Status.READY
    assert paper.paragraphs.exists()
    assert paper.references.count() == 9
    assert "Demo login: demo / demo-pass-2026" in output


@pytest.mark.django_db
def test_it_runs_twice_without_duplicating_anything():
    run_demo()
    output = run_demo()

    assert ReadingGroup.objects.filter(slug="demo").count() == 1
    assert get_user_model().objects.filter(username__in=USERS).count() == 3
    assert Membership.objects.filter(group__slug="demo").count() == 3
    assert Annotation.objects.filter(paper__group__slug="demo").count() == 21
    assert Link.objects.filter(paper__group__slug="demo").count() == 3
    assert Flag.objects.count() == 1
    assert Paper.objects.filter(group__slug="demo").count() == 1
    assert "already there" in output
    assert "Demo login: demo / demo-pass-2026" in output


@pytest.mark.django_db
@pytest.mark.parametrize("username", USERS)
def test_its_users_can_log_in(client, username):
    run_demo()

    assert client.login(username=username, password="demo-pass-2026")


@pytest.mark.django_db
def test_its_users_have_a_confirmed_address_and_one_my_papers_group_each():
    run_demo()
    run_demo()

    for username in USERS:
        personal = ReadingGroup.objects.filter(personal=True, memberships__user__username=username)
        assert [group.name for group in personal] == ["My papers"]
        assert EmailAddress.objects.get(user__username=username).verified


@pytest.mark.django_db
def test_it_restores_a_changed_demo_password(client):
    run_demo()
    user = get_user_model().objects.get(username="demo")
    user.set_password("something-else")
    user.save()

    run_demo()

    assert client.login(username="demo", password="demo-pass-2026")


@pytest.mark.django_db
def test_it_leaves_nothing_behind_when_the_import_fails(monkeypatch):
    def failing_import(**kwargs):
        raise ValidationError("The file is empty.")

    monkeypatch.setattr("annotations.management.commands.demo.paper_import", failing_import)

    with pytest.raises(CommandError, match="Could not import the demo paper: The file is empty."):
        run_demo()

    assert not ReadingGroup.objects.filter(slug="demo").exists()
    assert not get_user_model().objects.filter(username__in=USERS).exists()


@pytest.mark.django_db
def test_its_paper_is_annotated_and_its_owner_has_a_flag_waiting():
    run_demo()
    paper = Paper.objects.get(group__slug="demo")
    assert set(paper.annotations.values_list("role__slug", flat=True)) == {
        "claim",
        "evidence",
        "theory",
    }
    authors = set(paper.annotations.values_list("author__username", flat=True))
    assert authors == {"demo", "reader"}
    assert Comment.objects.filter(paper=paper, parent__isnull=False).count() == 1
    owner = get_user_model().objects.get(username="demo")
    assert open_count(owner) == 1  # the newcomer's off-topic comment, flagged by the reader


@pytest.mark.django_db
def test_its_members_read_the_paper_differently_some_of_it_blind():
    run_demo()
    paper = Paper.objects.get(group__slug="demo")
    owner = get_user_model().objects.get(username="demo")

    agreement = paper_agreement(owner, paper)

    assert agreement["alpha"] is not None
    assert agreement["alpha_independent"] is not None
    assert len(agreement["disagreements"]) >= 2
    assert paper.annotations.filter(independent=True, author__username="demo").exists()
    assert paper.annotations.filter(independent=True, author__username="reader").exists()
    # Both left blind mode: whoever signs in as either sees the whole discussion.
    assert not Membership.objects.filter(group=paper.group, blind=True).exists()


@pytest.mark.django_db
def test_its_argument_has_a_contested_claim_an_unsupported_one_and_unlinked_evidence():
    run_demo()
    paper = Paper.objects.get(group__slug="demo")
    owner = get_user_model().objects.get(username="demo")

    argument = paper_argument(owner, paper)

    edges = argument["edges"]
    assert {edge["relation"] for edge in edges} == {"supports", "attacks"}
    into = {}
    for edge in edges:
        into.setdefault(edge["target"], set()).add(edge["relation"])
    claims = [node["id"] for node in argument["nodes"] if node["role"] == "claim"]
    assert any(into.get(claim) == {"supports", "attacks"} for claim in claims)
    assert any("supports" not in into.get(claim, set()) for claim in claims)
    linked = {edge["source"] for edge in edges} | {edge["target"] for edge in edges}
    evidence = [node["id"] for node in argument["nodes"] if node["role"] == "evidence"]
    assert set(evidence) - linked
