"""Annotation imports as background jobs (annotations.imports.jobs, .running): a file from
MARGINALIA_ASYNC_IMPORT_BYTES on answers 202 with the job and a Location to poll; the job runs
(here with the immediate backend, when the request's transaction commits) the same
`import_file` as a small import, checked in a child process within the import limits, written
in one transaction with the job marked done. Who may poll and dismiss a job (its importer only;
everyone else 404), a job whose worker died, the page's progress and report, and the queries."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from annotations.exports import get_format
from annotations.imports import running
from annotations.imports.jobs import import_job_start
from annotations.models import Annotation, AnnotationImport
from papers.models import Paper
from papers.recovery import STOPPED
from tests.annotations.conftest import make_annotation
from tests.conftest import page_client, signed_in
from tests.papers.makers import make_paper

URL = "/api/v1/imports/"
Status = AnnotationImport.Status
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    """Files from 1 KB on go to the background (1 MB in production)."""
    settings.MARGINALIA_ASYNC_IMPORT_BYTES = 1024


@pytest.fixture
def export_file(group, owner, member):
    source = make_paper(group, user=owner, title="Exported")
    make_annotation(member, source.paragraphs.filter(kind="body").first(), "claim", note="n")
    data = "".join(get_format("json").paper(source, user=None)).encode()
    assert len(data) > 1024
    return data


def _upload(data: bytes, name: str = "export.json"):
    return SimpleUploadedFile(name, data, content_type="application/json")


def _post(api, group, data: bytes, run, **extra):
    with run(execute=True):
        return api.post(URL, {"group": group.slug, "file": _upload(data), **extra})


def _job(user, group, data: bytes, **kwargs) -> AnnotationImport:
    """A queued job (its task not run: the test's transaction never commits)."""
    return import_job_start(user=user, group=group, data=data, **kwargs)


# The request answers 202 at once with the job


@pytest.mark.django_db(transaction=True)
def test_a_large_file_answers_202_with_the_job_done_by_the_worker(group, member, export_file):
    """Committed as in production: the immediate backend runs the job when the request's
    transaction commits, before the answer, and the answer is still the job."""
    papers = Paper.objects.count()
    answer = signed_in(member).post(URL, {"group": group.slug, "file": _upload(export_file)})
    assert answer.status_code == 202, answer.content
    job = AnnotationImport.objects.get()
    assert answer["Location"].endswith(f"/api/v1/imports/{job.pk}/")
    body = answer.json()
    assert body["id"] == job.pk and body["group"] == group.slug
    assert (body["status"], body["progress"], body["error"]) == ("done", 100, "")
    assert body["report"]["kind"] == "native" and body["report"]["annotations"] == 1
    assert Paper.objects.count() == papers + 1
    assert job.heartbeat is not None and job.started and job.finished
    assert not job.source_file.storage.exists(job.source_file.name)  # deleted once done


def test_a_queued_job_is_stored_and_answered_queued(member_api, group, export_file):
    answer = member_api.post(URL, {"group": group.slug, "file": _upload(export_file)})
    assert answer.status_code == 202
    body = answer.json()
    assert (body["status"], body["progress"], body["report"]) == ("queued", 0, None)
    job = AnnotationImport.objects.get()
    assert job.source_file.read() == export_file and job.size == len(export_file)
    assert job.source_filename == "export.json" and job.heartbeat is None


def test_a_small_file_still_answers_201_with_the_report(member_api, group, export_file, settings):
    settings.MARGINALIA_ASYNC_IMPORT_BYTES = len(export_file) + 1
    answer = member_api.post(URL, {"group": group.slug, "file": _upload(export_file)})
    assert answer.status_code == 201 and answer.json()["annotations"] == 1
    assert not AnnotationImport.objects.exists()


def test_a_json_body_goes_to_the_background_too(
    member_api, group, export_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = member_api.post(
            URL, {"group": group.slug, "data": json.loads(export_file)}, format="json"
        )
    assert answer.status_code == 202
    assert member_api.get(answer["Location"]).json()["status"] == "done"


def test_who_may_start_one(api_for, group, export_file):
    for who, expected in (("anonymous", 401), ("outsider", 404), ("banned", 404)):
        answer = api_for(who).post(URL, {"group": group.slug, "file": _upload(export_file)})
        assert answer.status_code == expected, who
    assert not AnnotationImport.objects.exists()


# A bad file, the limits, a failure half-way


def test_a_bad_large_file_fails_the_job_with_one_line_and_writes_nothing(
    member_api, group, django_capture_on_commit_callbacks
):
    bad = {"schema": "marginalia-export/1", "paper": {"title": "x"}, "sections": [],
           "paragraphs": [{"id": 1, "anchor": "p-1", "position": 1, "text": "Hi " * 400}],
           "annotations": [{"id": 1, "paragraph": 2, "role": "claim"}]}  # fmt: skip
    papers = Paper.objects.count()
    answer = _post(member_api, group, json.dumps(bad).encode(), django_capture_on_commit_callbacks)
    assert answer.status_code == 202
    body = member_api.get(answer["Location"]).json()
    assert body["status"] == "failed"
    assert body["error"] == "annotations[0].paragraph: 2 is not a paragraph of this paper"
    assert Paper.objects.count() == papers


def test_the_check_runs_within_the_memory_limit(member, group, export_file, settings):
    settings.MARGINALIA_IMPORT_MEMORY_MB = 16  # far below the forked process's own size
    # Decoding makes two million lists (about 200 MB): more than the forked process has spare.
    padded = json.loads(export_file) | {"padding": [[1]] * 2_000_000}
    job = _job(member, group, json.dumps(padded).encode())
    running.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.error == "The import needed more memory than allowed (16 MB) and was stopped."


def test_the_check_runs_within_the_time_limit(member, group, export_file, settings):
    settings.MARGINALIA_IMPORT_TIMEOUT = 0
    job = _job(member, group, export_file)
    running.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (
        Status.FAILED,
        "The import took longer than 0 s and was stopped.",
    )


def test_a_failure_while_writing_leaves_nothing_and_fails_the_job(
    member, group, export_file, monkeypatch
):
    from annotations.imports import native

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(native, "create_keeping_times", broken)
    job = _job(member, group, export_file)
    papers, annotations = Paper.objects.count(), Annotation.objects.count()
    with pytest.raises(RuntimeError):
        running.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and "error on our side" in job.error
    assert (Paper.objects.count(), Annotation.objects.count()) == (papers, annotations)


def test_a_job_marked_failed_while_it_runs_writes_nothing(member, group, export_file, monkeypatch):
    """The recovery (or anything) ended the job meanwhile: its write is undone, not committed
    under a failed job."""
    job = _job(member, group, export_file)

    def recovered(job_id, fraction):
        AnnotationImport.objects.filter(pk=job_id).update(status=Status.FAILED, error=STOPPED)

    monkeypatch.setattr(running, "_progress", recovered)
    papers = Paper.objects.count()
    running.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == (Status.FAILED, STOPPED)
    assert Paper.objects.count() == papers


def test_a_job_runs_once(member, group, export_file):
    job = _job(member, group, export_file)
    assert running.import_job_run(job_id=job.pk).status == Status.DONE
    assert running.import_job_run(job_id=job.pk) is None


def test_an_importer_banned_before_it_runs_fails_it(member, group, export_file):
    job = _job(member, group, export_file)
    group.memberships.filter(user=member).update(status="banned")
    running.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Status.FAILED and "active members" in job.error


# Polling and dismissing: the importer's only


@pytest.fixture
def api_for(owner, moderator, member, outsider, banned):
    cast = {"owner": owner, "moderator": moderator, "member": member, "outsider": outsider,
            "banned": banned, "anonymous": None}  # fmt: skip
    return lambda who: signed_in(cast[who])


POLL = {"anonymous": 401, "outsider": 404, "banned": 404, "owner": 404, "moderator": 404,
        "member": 200}  # fmt: skip


@pytest.mark.parametrize("who", list(POLL))
def test_who_may_poll_a_job(who, api_for, member, group, export_file):
    job = _job(member, group, export_file)
    answer = api_for(who).get(f"{URL}{job.pk}/")
    assert answer.status_code == POLL[who]
    listed = api_for(who).get(URL)
    if who == "anonymous":
        assert listed.status_code == 401
    else:
        ids = [row["id"] for row in listed.json()["results"]]
        assert ids == ([job.pk] if who == "member" else [])


DISMISS = {"anonymous": 401, "outsider": 404, "banned": 404, "owner": 404, "moderator": 404,
           "member": 204}  # fmt: skip


@pytest.mark.parametrize("who", list(DISMISS))
def test_who_may_dismiss_a_failed_job(who, api_for, member, group, export_file):
    job = _job(member, group, export_file)
    AnnotationImport.objects.filter(pk=job.pk).update(status=Status.FAILED, error="x")
    answer = api_for(who).delete(f"{URL}{job.pk}/")
    assert answer.status_code == DISMISS[who]
    assert AnnotationImport.objects.filter(pk=job.pk).exists() == (DISMISS[who] != 204)


def test_a_running_job_cannot_be_dismissed(member_api, member, group, export_file):
    job = _job(member, group, export_file)
    answer = member_api.delete(f"{URL}{job.pk}/")
    assert answer.status_code == 400 and "still running" in answer.json()["detail"]
    assert AnnotationImport.objects.filter(pk=job.pk).exists()


def test_a_done_job_dismissed_keeps_what_it_imported(member_api, member, group, export_file):
    job = _job(member, group, export_file)
    papers = running.import_job_run(job_id=job.pk).report["papers"]
    assert member_api.delete(f"{URL}{job.pk}/").status_code == 204
    assert Paper.objects.filter(pk__in=papers).count() == 1


def test_polling_a_job_costs_few_queries(
    member_api, member, group, export_file, django_assert_max_num_queries
):
    job = _job(member, group, export_file)
    member_api.get(f"{URL}{job.pk}/")  # the session's and the user's first look-ups
    with django_assert_max_num_queries(2):
        assert member_api.get(f"{URL}{job.pk}/").status_code == 200
    for _ in range(3):
        _job(member, group, export_file)
    with django_assert_max_num_queries(3):
        assert len(member_api.get(URL).json()["results"]) == 4


# A job whose worker died


def _running(job: AnnotationImport, seconds_ago: float) -> None:
    beat = timezone.now() - timedelta(seconds=seconds_ago)
    AnnotationImport.objects.filter(pk=job.pk).update(status=Status.RUNNING, heartbeat=beat)


def test_a_job_without_a_heartbeat_is_failed_when_polled(member_api, member, group, export_file):
    job = _job(member, group, export_file)
    _running(job, seconds_ago=31)
    body = member_api.get(f"{URL}{job.pk}/").json()
    assert (body["status"], body["error"]) == ("failed", STOPPED)
    job.refresh_from_db()
    assert job.status == Status.FAILED and job.finished is not None


def test_a_beating_or_queued_job_is_left_alone(member_api, member, group, export_file):
    beating, queued = _job(member, group, export_file), _job(member, group, export_file)
    _running(beating, seconds_ago=5)
    AnnotationImport.objects.filter(pk=queued.pk).update(
        created=timezone.now() - timedelta(hours=1)
    )
    assert member_api.get(f"{URL}{beating.pk}/").json()["status"] == "running"
    assert member_api.get(f"{URL}{queued.pk}/").json()["status"] == "queued"


def test_the_command_fails_stale_jobs(member, group, export_file, capsys):
    stale, beating = _job(member, group, export_file), _job(member, group, export_file)
    _running(stale, seconds_ago=60)
    _running(beating, seconds_ago=2)
    call_command("recover_imports")
    assert capsys.readouterr().out.splitlines() == [
        "Paper imports marked failed: 0.",
        f"Annotation imports marked failed: 1 ({stale.pk}).",
    ]
    stale.refresh_from_db(), beating.refresh_from_db()
    assert (stale.status, stale.error) == (Status.FAILED, STOPPED)
    assert beating.status == Status.RUNNING


# The page


def test_the_page_sends_a_large_file_to_its_job_page_and_shows_the_report(
    member, group, export_file, django_capture_on_commit_callbacks
):
    browser = page_client(member)
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post(f"/groups/{group.slug}/import/", {"file": _upload(export_file)})
    job = AnnotationImport.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/groups/{group.slug}/import/{job.pk}/"
    page = browser.get(answer["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Importing export.json" in text
    assert "Imported." in text and "1 annotation" in text and "Dismiss" in text


def test_the_job_page_polls_while_it_runs(member, group, export_file):
    job = _job(member, group, export_file)
    page = page_client(member).get(f"/groups/{group.slug}/import/{job.pk}/")
    assert page.status_code == 200
    poll = page.context["import_poll"]
    assert poll["url"] == f"/api/v1/imports/{job.pk}/" and poll["pending"] == ["queued", "running"]
    assert b"import-progress.js" in page.content and b"Dismiss" not in page.content


def test_the_job_page_shows_the_error_of_a_dead_worker_and_dismisses(member, group, export_file):
    job = _job(member, group, export_file)
    _running(job, seconds_ago=60)
    browser = page_client(member)
    page = browser.get(f"/groups/{group.slug}/import/{job.pk}/")
    assert STOPPED in page.content.decode()
    answer = browser.post(f"/groups/{group.slug}/import/{job.pk}/dismiss/")
    assert answer.status_code == 302 and not AnnotationImport.objects.exists()


def test_the_job_page_costs_few_queries(member, group, export_file, django_assert_max_num_queries):
    job = _job(member, group, export_file)
    browser = page_client(member)
    browser.get(f"/groups/{group.slug}/import/{job.pk}/")
    with django_assert_max_num_queries(5):  # session, user, the job, the navigation
        assert browser.get(f"/groups/{group.slug}/import/{job.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["owner", "moderator", "outsider"])
def test_a_job_page_is_its_importers_only(who, request, member, group, export_file):
    job = _job(member, group, export_file)
    browser = page_client(request.getfixturevalue(who))
    assert browser.get(f"/groups/{group.slug}/import/{job.pk}/").status_code == 404
    assert browser.post(f"/groups/{group.slug}/import/{job.pk}/dismiss/").status_code == 404
    anonymous = page_client(None).get(f"/groups/{group.slug}/import/{job.pk}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
