from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from papers.models import Membership, Paper, ReadingGroup


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
    assert roles == {"demo": Membership.Role.OWNER, "reader": Membership.Role.MEMBER}
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
    assert get_user_model().objects.filter(username__in=["demo", "reader"]).count() == 2
    assert Membership.objects.filter(group__slug="demo").count() == 2
    assert Paper.objects.filter(group__slug="demo").count() == 1
    assert "already there" in output
    assert "Demo login: demo / demo-pass-2026" in output


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["demo", "reader"])
def test_its_users_can_log_in(client, username):
    run_demo()

    assert client.login(username=username, password="demo-pass-2026")


@pytest.mark.django_db
def test_its_users_have_a_confirmed_address_and_one_my_papers_group_each():
    run_demo()
    run_demo()

    for username in ("demo", "reader"):
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

    monkeypatch.setattr("papers.management.commands.demo.paper_import", failing_import)

    with pytest.raises(CommandError, match="Could not import the demo paper: The file is empty."):
        run_demo()

    assert not ReadingGroup.objects.filter(slug="demo").exists()
    assert not get_user_model().objects.filter(username__in=["demo", "reader"]).exists()
