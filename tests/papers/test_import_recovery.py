"""Paper imports that cannot die silently (papers.heartbeat, papers.recovery): the heartbeat a
running import keeps, an import whose heartbeat stopped marked failed when it is read (the API,
the reading page) and by `recover_imports`, and the failed import's retry and dismissal, with
who may (the uploader, moderators and owners; the permission matrix has every role). A real
worker killed mid-import: tests/papers/test_worker_kill.py."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from papers.heartbeat import Heartbeat, stale_cutoff
from papers.models import Paper
from papers.recovery import STOPPED, papers_recover
from papers.saving import store_source
from papers.services import paper_import_retry
from tests.conftest import join, make_user, signed_in

from .test_pages import MARKDOWN

pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")


def _upload(group, user, *, status=Paper.Status.IMPORTING, beat_ago: float | None = None):
    """A background import of MARKDOWN by `user`, its file stored, as the worker left it."""
    heartbeat = None if beat_ago is None else timezone.now() - timedelta(seconds=beat_ago)
    return Paper.objects.create(
        group=group,
        created_by=user,
        title="upload",
        source_format="markdown",
        source_filename="upload.md",
        source_file=store_source(sha256="a" * 64, data=MARKDOWN.encode()),
        status=status,
        progress=0 if status == Paper.Status.IMPORTING else 100,
        error="It broke." if status == Paper.Status.FAILED else "",
        heartbeat=heartbeat,
    )


# The heartbeat


def test_the_heartbeat_beats_from_a_thread_until_the_block_ends():
    beats = []
    two = threading.Event()

    def touch():
        beats.append(threading.current_thread().name)
        if len(beats) >= 2:
            two.set()

    with Heartbeat(touch, every=0.01):
        assert two.wait(timeout=10)
    count = len(beats)
    assert set(beats) == {"import-heartbeat"}
    assert not any(t.name == "import-heartbeat" for t in threading.enumerate())
    assert len(beats) == count  # stopped with the block


def test_a_failed_beat_is_logged_and_the_next_one_tried(caplog):
    from django.db import OperationalError

    calls = []
    done = threading.Event()

    def touch():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        done.set()

    with Heartbeat(touch, every=0.01):
        assert done.wait(timeout=10)
    assert "heartbeat could not be written" in caplog.text


def test_a_background_import_records_its_heartbeat(group, member, settings):
    from papers.ingest import paper_import_run

    paper = _upload(group, member)
    assert paper.heartbeat is None  # queued: no worker has it yet
    paper_import_run(paper_id=paper.pk)
    paper.refresh_from_db()
    assert paper.status == Paper.Status.READY and paper.heartbeat is not None


# Marked failed when read, and by the command


def test_the_api_answers_a_dead_import_as_failed(group, member, member_api):
    paper = _upload(group, member, beat_ago=31)
    body = member_api.get(f"/api/v1/papers/{paper.pk}/").json()
    assert (body["status"], body["error"]) == ("failed", STOPPED)
    paper.refresh_from_db()
    assert (paper.status, paper.error) == (Paper.Status.FAILED, STOPPED)


@pytest.mark.parametrize("beat_ago", [None, 5])
def test_a_queued_or_beating_import_stays_importing(group, member, member_api, beat_ago):
    paper = _upload(group, member, beat_ago=beat_ago)
    Paper.objects.filter(pk=paper.pk).update(created=timezone.now() - timedelta(hours=2))
    assert member_api.get(f"/api/v1/papers/{paper.pk}/").json()["status"] == "importing"


def test_the_group_page_shows_a_dead_import_failed(group, member, client):
    _upload(group, member, beat_ago=60)
    client.force_login(member)
    text = client.get(f"/groups/{group.slug}/").content.decode()
    assert "Import failed" in text and STOPPED in text


def test_the_reading_page_shows_a_dead_import_failed_with_its_buttons(group, member, client):
    paper = _upload(group, member, beat_ago=60)
    client.force_login(member)
    page = client.get(f"/papers/{paper.pk}/")
    text = page.content.decode()
    assert STOPPED in text
    assert f'action="/papers/{paper.pk}/retry/"' in text
    assert f'action="/papers/{paper.pk}/dismiss/"' in text


@pytest.mark.parametrize("who", ["amos", "outsider"])
def test_others_see_the_failure_without_the_buttons(group, member, who, client, settings):
    settings.MARGINALIA_IMPORT_STALE_SECONDS = 30
    group.visibility = "public"
    group.save()
    paper = _upload(group, member, status=Paper.Status.FAILED)
    viewer = make_user(who)
    if who == "amos":
        join(group, viewer)
    client.force_login(viewer)
    text = client.get(f"/papers/{paper.pk}/").content.decode()
    assert "The import failed." in text and "/retry/" not in text and "/dismiss/" not in text


def test_the_command_fails_stale_imports_only(group, member, capsys):
    stale, beating, queued = (
        _upload(group, member, beat_ago=120),
        _upload(group, member, beat_ago=1),
        _upload(group, member),
    )
    call_command("recover_imports")
    assert (
        capsys.readouterr().out.splitlines()[0] == f"Paper imports marked failed: 1 ({stale.pk})."
    )
    statuses = dict(Paper.objects.filter(created_by=member).values_list("pk", "status"))
    assert statuses == {stale.pk: "failed", beating.pk: "importing", queued.pk: "importing"}
    call_command("recover_imports", stale_seconds=0, verbosity=0)
    assert Paper.objects.get(pk=beating.pk).status == "failed"
    assert Paper.objects.get(pk=queued.pk).status == "importing"


def test_the_command_refuses_a_negative_stale_time():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("recover_imports", stale_seconds=-1)


def test_an_import_that_finished_meanwhile_stays_finished(group, member):
    paper = _upload(group, member, status=Paper.Status.READY, beat_ago=120)
    assert papers_recover() == []
    assert Paper.objects.get(pk=paper.pk).status == Paper.Status.READY


def test_the_stale_time_must_leave_room_for_three_heartbeats(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.settings

    monkeypatch.setenv("MARGINALIA_IMPORT_HEARTBEAT_SECONDS", "5")
    monkeypatch.setenv("MARGINALIA_IMPORT_STALE_SECONDS", "14")
    with pytest.raises(ImproperlyConfigured, match="at least 3 heartbeats"):
        importlib.reload(config.settings)
    monkeypatch.delenv("MARGINALIA_IMPORT_STALE_SECONDS")
    importlib.reload(config.settings)
    assert config.settings.MARGINALIA_IMPORT_STALE_SECONDS == 30
    assert stale_cutoff(30) < timezone.now()


# Retry


def test_a_retry_imports_the_stored_file_again(
    group, member, member_api, django_capture_on_commit_callbacks
):
    paper = _upload(group, member, status=Paper.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        answer = member_api.post(f"/api/v1/papers/{paper.pk}/retry/")
    assert answer.status_code == 202
    assert answer["Location"].endswith(f"/api/v1/papers/{paper.pk}/")
    assert (answer.json()["status"], answer.json()["progress"], answer.json()["error"]) == (
        "importing",
        0,
        "",
    )
    paper.refresh_from_db()
    assert paper.status == Paper.Status.READY and paper.paragraphs.exists()


def test_a_plain_member_may_not_retry_anothers_import(group, member):
    other = make_user("amos")
    join(group, other)
    paper = _upload(group, member, status=Paper.Status.FAILED)
    with pytest.raises(PermissionDenied):
        paper_import_retry(actor=other, paper=paper)
    answer = signed_in(other).post(f"/api/v1/papers/{paper.pk}/retry/")
    assert answer.status_code == 403
    assert Paper.objects.get(pk=paper.pk).status == Paper.Status.FAILED


@pytest.mark.parametrize("status", [Paper.Status.IMPORTING, Paper.Status.READY])
def test_only_a_failed_import_is_retried(group, member, member_api, status):
    paper = _upload(group, member, status=status)
    answer = member_api.post(f"/api/v1/papers/{paper.pk}/retry/")
    assert answer.status_code == 400 and "Only a failed import" in answer.json()["detail"]


def test_a_retry_needs_the_stored_file(group, member, member_api):
    paper = _upload(group, member, status=Paper.Status.FAILED)
    Paper.objects.filter(pk=paper.pk).update(source_file="")
    answer = member_api.post(f"/api/v1/papers/{paper.pk}/retry/")
    assert answer.status_code == 400 and "upload it again" in answer.json()["detail"]


def test_a_retry_costs_few_queries(group, member, member_api, django_assert_max_num_queries):
    paper = _upload(group, member, status=Paper.Status.FAILED)
    with django_assert_max_num_queries(8):
        assert member_api.post(f"/api/v1/papers/{paper.pk}/retry/").status_code == 202


def test_the_retry_button_queues_it_and_comes_back(
    group, member, client, django_capture_on_commit_callbacks
):
    paper = _upload(group, member, status=Paper.Status.FAILED)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=False):
        answer = client.post(f"/papers/{paper.pk}/retry/")
    assert answer.status_code == 302 and answer["Location"] == f"/papers/{paper.pk}/"
    page = client.get(answer["Location"])
    assert page.context["import_poll"]["url"] == f"/api/v1/papers/{paper.pk}/"


def test_the_retry_button_on_a_ready_paper_says_why(group, member, client):
    paper = _upload(group, member, status=Paper.Status.READY)
    client.force_login(member)
    page = client.post(f"/papers/{paper.pk}/retry/", follow=True)
    assert "Only a failed import can be tried again" in page.content.decode()


# Dismiss


def test_a_dismissed_import_leaves_the_groups_list(group, member, client):
    paper = _upload(group, member, status=Paper.Status.FAILED)
    client.force_login(member)
    assert "Import failed" in client.get(f"/groups/{group.slug}/").content.decode()
    answer = client.post(f"/papers/{paper.pk}/dismiss/")
    assert answer.status_code == 302 and answer["Location"] == f"/groups/{group.slug}/"
    assert not Paper.objects.filter(pk=paper.pk).exists()
    page = client.get(answer["Location"]).content.decode()
    assert "Import failed" not in page and "was dismissed" in page


def test_a_plain_member_may_not_dismiss_anothers_import(group, member, client):
    other = make_user("amos")
    join(group, other)
    paper = _upload(group, member, status=Paper.Status.FAILED)
    client.force_login(other)
    assert client.post(f"/papers/{paper.pk}/dismiss/").status_code == 403
    assert signed_in(other).delete(f"/api/v1/papers/{paper.pk}/").status_code == 403
    assert Paper.objects.filter(pk=paper.pk).exists()


def test_the_retry_service_refuses_what_is_not_failed(group, member):
    paper = _upload(group, member, status=Paper.Status.READY)
    with pytest.raises(ValidationError):
        paper_import_retry(actor=member, paper=paper)


@pytest.mark.django_db(transaction=True)
def test_a_row_locked_by_a_live_write_is_skipped(group, member):
    """PostgreSQL: while a worker's transaction holds the paper's row (the save), its heartbeat
    waits on that lock; the recovery skips the row rather than fail a live import."""
    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises writes instead")
    paper = _upload(group, member, beat_ago=120)
    locked, release = threading.Event(), threading.Event()

    def saving():
        try:
            with transaction.atomic():
                Paper.objects.select_for_update().get(pk=paper.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    writer = threading.Thread(target=saving)
    writer.start()
    try:
        assert locked.wait(timeout=10)
        assert papers_recover() == []
    finally:
        release.set()
        writer.join()
    assert papers_recover() == [paper.pk]
