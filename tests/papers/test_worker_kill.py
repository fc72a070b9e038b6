"""A worker killed in the middle of an import (`-m killed_worker`): a real `manage.py db_worker`
process, on this test database (SQLite file or PostgreSQL), starts a paper import that cannot
finish (its stored file is a named pipe nobody writes to: the read blocks, while the heartbeat
thread keeps beating); the test waits until the heartbeat shows it running and beating, kills
the worker with SIGKILL, runs the recovery (`recover_imports`) and finds the paper failed with
"The import stopped unexpectedly; try again."; then the stored file is put right and the retry,
run by a second worker, makes the paper ready. Every wait is bounded; about 10 s in all."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from papers.models import Paper
from papers.recovery import STOPPED
from papers.services import paper_import_retry
from papers.tasks import import_paper_task
from tests.conftest import make_group, make_user

from .test_pages import MARKDOWN

pytestmark = [pytest.mark.killed_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Long enough for two Django start-ups on a busy machine; a healthy run needs a fraction.
PATIENCE = 30


def _database_url(settings) -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(settings, tmp_path, *args: str) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": _database_url(settings),
        "MARGINALIA_TASKS_BACKEND": "database",
        "MARGINALIA_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "MARGINALIA_IMPORT_HEARTBEAT_SECONDS": "1",
        "MARGINALIA_IMPORT_STALE_SECONDS": "3",
    }
    log = (tmp_path / f"worker-{len(list(tmp_path.glob('worker-*')))}.log").open("w")
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"]
    return subprocess.Popen(
        [*command, "--interval", "0.1", *args], cwd=ROOT, env=env, stdout=log, stderr=log
    )


def _wait_for(worker: subprocess.Popen, done, what: str, tmp_path) -> None:
    """Poll `done()` every 0.1 s (waiting on the worker, so that its death is seen at once)
    until it is true, for PATIENCE seconds at most."""
    deadline = time.monotonic() + PATIENCE
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}: {_logs(tmp_path)}")
        try:
            worker.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue
        if not done():
            pytest.fail(f"the worker ended before {what}: {_logs(tmp_path)}")


def _logs(tmp_path) -> str:
    return " | ".join(p.read_text()[-2000:] for p in sorted(tmp_path.glob("worker-*.log")))


def _kill_once_beating(settings, tmp_path, row, what: str) -> None:
    """Start a worker, wait until `row` (a Paper or an AnnotationImport) has beaten twice (the
    first beat, then one from the heartbeat thread: the import is running and stuck), and kill
    the worker with SIGKILL."""
    worker = _worker(settings, tmp_path)
    try:
        beats = []

        def beating() -> bool:
            row.refresh_from_db()
            if row.heartbeat is not None and row.heartbeat not in beats:
                beats.append(row.heartbeat)
            return len(beats) >= 2

        _wait_for(worker, beating, what, tmp_path)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=PATIENCE)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


@pytest.fixture
def database_tasks(settings):
    """Tasks queued in the database (django-tasks-db), for the worker processes to run."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_killed_worker_leaves_a_failed_import_that_retries(settings, tmp_path, database_tasks):
    group = make_group("Seminar")
    member = make_user("amina")
    group.memberships.create(user=member, role="member")
    sha256 = hashlib.sha256(MARKDOWN.encode()).hexdigest()
    stored = Path(settings.MEDIA_ROOT) / "sources" / sha256[:2] / sha256
    stored.parent.mkdir(parents=True)
    os.mkfifo(stored)  # the worker's read blocks here: an import that cannot finish
    paper = Paper.objects.create(
        group=group,
        created_by=member,
        title="long-paper",
        source_format="markdown",
        source_filename="long-paper.md",
        source_sha256=sha256,
        source_file=f"sources/{sha256[:2]}/{sha256}",
        status=Paper.Status.IMPORTING,
        progress=0,
    )
    import_paper_task.enqueue(paper.pk)
    _kill_once_beating(settings, tmp_path, paper, "the import's heartbeat")

    paper.refresh_from_db()
    assert paper.status == Paper.Status.IMPORTING  # dead, and nothing says so yet
    call_command("recover_imports", verbosity=0)  # the default stale time: not yet
    paper.refresh_from_db()
    assert paper.status == Paper.Status.IMPORTING
    call_command("recover_imports", stale_seconds=0, verbosity=0)
    paper.refresh_from_db()
    assert (paper.status, paper.error) == (Paper.Status.FAILED, STOPPED)

    stored.unlink()
    stored.write_text(MARKDOWN)
    paper_import_retry(actor=member, paper=paper)  # queued once committed (autocommit here)
    retry = _worker(settings, tmp_path, "--batch")
    try:
        retry.wait(timeout=PATIENCE)
    finally:
        if retry.poll() is None:
            retry.kill()
            retry.wait()
    paper.refresh_from_db()
    assert (paper.status, paper.error, paper.progress) == (Paper.Status.READY, "", 100), _logs(
        tmp_path
    )
    assert paper.paragraphs.exists()


def test_a_killed_worker_leaves_a_failed_annotation_import(settings, tmp_path, database_tasks):
    """The same for an import of annotations (annotations.imports.jobs): the job is failed with
    the same message, nothing of it was written, and its importer can dismiss it."""
    from annotations.imports.jobs import import_jobs_recover
    from annotations.imports.tasks import import_annotations_task
    from annotations.models import AnnotationImport

    group = make_group("Seminar")
    member = make_user("amina")
    group.memberships.create(user=member, role="member")
    stored = Path(settings.MEDIA_ROOT) / "imports" / "upload.json"
    stored.parent.mkdir(parents=True)
    os.mkfifo(stored)
    job = AnnotationImport.objects.create(
        importer=member, group=group, source_file="imports/upload.json", size=1
    )
    papers = Paper.objects.count()
    import_annotations_task.enqueue(job.pk)
    _kill_once_beating(settings, tmp_path, job, "the job's heartbeat")
    assert job.status == AnnotationImport.Status.RUNNING  # as it was when killed

    assert import_jobs_recover() == []  # the default stale time: not yet
    call_command("recover_imports", stale_seconds=0, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.error) == (AnnotationImport.Status.FAILED, STOPPED)
    assert Paper.objects.count() == papers
