"""Migration 0007_import_attribution frees the usernames of the placeholder accounts earlier
imports made: their posts keep the name as attribution, lose the author (who imported them was
never recorded) and the account goes. Accounts a person can use, or could get back, stay.

The migration's function runs on the current models (`django.apps.apps` has what the
historical models it is written for have); the whole migration runs forward and back in
`test_the_migration_runs_both_ways`."""

import importlib
from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from annotations.models import Annotation, Comment, Link, SearchEntry
from annotations.services import link_create
from tests.annotations.conftest import make_annotation, make_comment
from tests.conftest import join, make_group

migration = importlib.import_module("annotations.migrations.0007_import_attribution")


def old_placeholder(name: str):
    """As annotations.imports.people made them before attribution."""
    user = get_user_model()(username=name, is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def credit(items, user) -> None:
    """As an old import did: the item written by `user` with the file's date."""
    for item in items:
        type(item).objects.filter(pk=item.pk).update(author=user)


@pytest.fixture
def imported(paper, paragraph, member):
    """Posts an old import credited to placeholders `bob` and `amina-imported`."""
    bob, amina = old_placeholder("bob"), old_placeholder("amina-imported")
    claim = make_annotation(member, paragraph, "claim", note="bob's")
    evidence = make_annotation(member, paragraph, "evidence", note="amina's")
    comment = make_comment(member, annotation=claim, body="bob's reply")
    link = link_create(user=member, source=evidence, target=claim, relation="supports")
    Annotation.objects.filter(pk=claim.pk).update(created=datetime(2024, 5, 3, tzinfo=UTC))
    credit([claim, comment, link], bob)
    credit([evidence], amina)
    return {"bob": bob, "amina": amina, "claim": claim, "evidence": evidence,
            "comment": comment, "link": link}  # fmt: skip


def test_placeholders_go_and_their_posts_keep_the_name_as_attribution(imported, member):
    migration.free_placeholders(apps, None)
    User = get_user_model()
    assert not User.objects.filter(username__in=["bob", "amina-imported"]).exists()
    claim = Annotation.objects.get(pk=imported["claim"].pk)
    assert claim.author is None
    assert claim.attribution == {
        "author": "bob",
        "created": "2024-05-03T00:00:00Z",
        "source": "Earlier import",
        "url": None,
    }
    # The suffix the old import added to a name someone real had is taken off.
    assert Annotation.objects.get(pk=imported["evidence"].pk).source_author == "amina"
    comment = Comment.objects.get(pk=imported["comment"].pk)
    assert (comment.author, comment.source_author, comment.body) == (None, "bob", "bob's reply")
    assert Link.objects.get(pk=imported["link"].pk).author is None
    assert not SearchEntry.objects.filter(author_id=imported["bob"].pk).exists()
    # The member's own posts are untouched.
    assert not Annotation.objects.filter(author=member).exclude(source_name="").exists()


def test_the_name_is_free_for_a_sign_up_afterwards(imported, client):
    migration.free_placeholders(apps, None)
    answer = client.post(
        "/accounts/signup/",
        {"username": "bob", "email": "bob@example.org", "password1": "a long pass phrase 9",
         "password2": "a long pass phrase 9"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert get_user_model().objects.get(username="bob").is_active


@pytest.mark.parametrize(
    "usable",
    [
        "has an e-mail address",
        "has an allauth e-mail address",
        "has logged in",
        "is a member",
        "is active",
        "has a password",
        "is staff",
        "uploaded a paper",
    ],
)
def test_accounts_a_person_can_use_or_get_back_stay(db, paper, usable):
    """Only an account nobody can log in to, reset or be a member with is a placeholder."""
    user = old_placeholder("kept")
    if usable == "has an e-mail address":
        user.email = "kept@example.org"
    elif usable == "has an allauth e-mail address":
        EmailAddress.objects.create(user=user, email="kept@example.org")
    elif usable == "has logged in":
        user.last_login = timezone.now()
    elif usable == "is a member":
        join(make_group("Elsewhere"), user, status="banned")
    elif usable == "is active":
        user.is_active = True
    elif usable == "has a password":
        user.set_password("a long pass phrase 9")
    elif usable == "is staff":
        user.is_staff = True
    elif usable == "uploaded a paper":
        type(paper).objects.filter(pk=paper.pk).update(created_by=user)
    user.save()
    migration.free_placeholders(apps, None)
    assert get_user_model().objects.filter(pk=user.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_both_ways():
    """Backwards to 0006 (the fields go) and forwards again, placeholders and all."""
    executor = MigrationExecutor(connection)
    executor.migrate([("annotations", "0006_annotation_import_jobs")])
    executor.loader.build_graph()
    old_apps = executor.loader.project_state([("annotations", "0006_annotation_import_jobs")]).apps
    User = old_apps.get_model("auth", "User")
    # (last_login given: this state's auth models are those of annotations' ancestors only.)
    User.objects.create(username="ghost", is_active=False, password="!unusable", last_login=None)
    executor = MigrationExecutor(connection)
    executor.migrate([("annotations", "0007_import_attribution")])
    assert not get_user_model().objects.filter(username="ghost").exists()
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(latest)
