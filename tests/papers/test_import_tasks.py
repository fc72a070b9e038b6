"""Imports of large files as background tasks: what is queued, what the API and the pages show
while it runs (status, progress) and after (ready, or failed with the reason and no structure),
and the command's progress report. The tests run the immediate task backend; a queued import
runs when its transaction's on-commit callbacks do."""

import hashlib
import io
from functools import partial
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from papers import ingest, saving, services
from papers.importing import parse_document, pipeline
from papers.importing.isolation import parse_isolated
from papers.importing.readers import markup
from papers.models import Paper, Section
from papers.services import imports_in_background, paper_delete, paper_import_start
from tests.conftest import make_group

from .test_isolation import segfaulting_parse

# Fork from a process with threads (pytest's, after the browser tests) is what Python 3.12 warns
# about; the child only parses, and the timeout bounds a child that deadlocks all the same.
pytestmark = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")

PAPERS = "/api/v1/papers/"
THRESHOLD = 4000

SECTION = """## Part {n}

Claim {n} about reading in groups (Smith 2020), with enough words to be a paragraph of its own.

Paragraph {n} carries the argument further, as long papers do on page after page after page.
"""
BIG_MARKDOWN = (
    "# A Long Paper\n\nAnn Author\n\n"
    + "\n".join(SECTION.format(n=n) for n in range(1, 40))
    + "\n## References\n\n- Smith, J. (2020). A work. Press.\n"
).encode()
SMALL_MARKDOWN = BIG_MARKDOWN[:1500]


@pytest.fixture(autouse=True)
def _small_threshold(settings):
    """Files from 4 KB on go to the background (1 MB in production)."""
    settings.MARGINALIA_ASYNC_IMPORT_BYTES = THRESHOLD
    assert len(BIG_MARKDOWN) > THRESHOLD > len(SMALL_MARKDOWN)


def start(group, user, data=BIG_MARKDOWN, filename="long-paper.md", **kwargs) -> Paper:
    return paper_import_start(group=group, user=user, data=data, filename=filename, **kwargs)


# Which imports go to the background


def test_a_small_file_is_imported_at_once_and_kept(group, member):
    paper = start(group, member, data=SMALL_MARKDOWN, filename="short.md")
    assert paper.status == Paper.Status.READY and paper.progress == 100
    assert paper.paragraphs.exists()
    sha = hashlib.sha256(SMALL_MARKDOWN).hexdigest()
    assert paper.source_file.name == f"sources/{sha[:2]}/{sha}"
    assert paper.source_file.read() == SMALL_MARKDOWN


def test_a_large_file_is_queued_as_an_importing_paper(
    group, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        paper = start(group, member)
    assert len(callbacks) == 1
    paper.refresh_from_db()
    assert paper.status == Paper.Status.IMPORTING and paper.progress == 0
    assert paper.title == "long-paper"  # the file's name until the paper's own title is found
    assert paper.source_format == "markdown" and paper.created_by == member
    assert paper.source_file.read() == BIG_MARKDOWN
    assert not paper.paragraphs.exists()


@pytest.mark.parametrize(
    ("size", "fmt", "background"),
    [
        (THRESHOLD - 1, "markdown", False),
        (THRESHOLD, "markdown", True),
        (THRESHOLD - 1, "pdf", False),
        (THRESHOLD, "docx", True),
    ],
)
def test_the_size_decides(size, fmt, background):
    assert imports_in_background(size, fmt) is background


def test_every_pdf_over_2_mb_goes_to_the_background_whatever_the_threshold(settings):
    settings.MARGINALIA_ASYNC_IMPORT_BYTES = 50 * 1024 * 1024
    assert imports_in_background(2 * 1024 * 1024 + 1, "pdf")
    assert not imports_in_background(2 * 1024 * 1024, "pdf")
    assert not imports_in_background(3 * 1024 * 1024, "markdown")


def test_input_refused_before_parsing_saves_nothing_even_when_large(group, member):
    zipped = b"PK\x03\x04" + b"\x00" * THRESHOLD
    with pytest.raises(ValidationError, match="ZIP archive"):
        start(group, member, data=zipped, filename="big.zip")
    assert not Paper.objects.exists()


# The background task


def test_the_task_fills_the_same_paper(group, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paper = start(group, member)
    paper.refresh_from_db()
    assert paper.status == Paper.Status.READY and paper.progress == 100 and paper.error == ""
    assert paper.title == "A Long Paper" and paper.authors == ["Ann Author"]
    assert paper.sections.count() == 39
    assert paper.citations.filter(reference__isnull=False).count() == 39
    assert Paper.objects.count() == 1


def test_a_title_given_at_upload_is_kept(group, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paper = start(group, member, title="My Own Title")
    paper.refresh_from_db()
    assert paper.status == Paper.Status.READY and paper.title == "My Own Title"


def test_a_failed_import_keeps_the_paper_with_the_reason_and_no_structure(
    group, member, django_capture_on_commit_callbacks
):
    headings_only = b"# Heading\n\n## Another heading\n\n" * 200
    with django_capture_on_commit_callbacks(execute=True):
        paper = start(group, member, data=headings_only, filename="headings.md")
    paper.refresh_from_db()
    assert paper.status == Paper.Status.FAILED
    assert paper.error.startswith("No paragraphs found")
    assert not Section.objects.exists() and not paper.paragraphs.exists()


def test_a_failure_while_saving_leaves_nothing_half_written(
    group, member, django_capture_on_commit_callbacks, monkeypatch
):
    structure_write = saving.structure_write

    def save_then_break(paper, structure):
        structure_write(paper, structure)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(saving, "structure_write", save_then_break)
    with django_capture_on_commit_callbacks(execute=True):
        paper = start(group, member)
    paper.refresh_from_db()
    assert paper.status == Paper.Status.FAILED
    assert paper.error == "The import failed because of an error on our side; it has been logged."
    assert paper.title == "long-paper" and paper.authors == []
    assert not Section.objects.exists() and not paper.paragraphs.exists()
    assert not paper.references.exists() and not paper.citations.exists()


def test_a_parser_crash_in_the_background_is_a_failed_import(
    group, member, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(ingest, "parse_isolated", partial(parse_isolated, parse=segfaulting_parse))
    page = b"<!doctype html><html><body>" + b"<p>Text of the paper.</p>" * 200 + b"</body></html>"
    with django_capture_on_commit_callbacks(execute=True):
        paper = start(group, member, data=page, filename="paper.html")
    paper.refresh_from_db()
    assert paper.source_format == "html"
    assert paper.status == Paper.Status.FAILED
    assert paper.error == "The importer crashed on this file (segmentation fault)."


def test_progress_is_written_forward_as_the_import_goes(
    group, member, django_capture_on_commit_callbacks, monkeypatch
):
    written = []
    save_progress = ingest.paper_progress_save

    def spy(*, paper_id, percent):
        written.append(percent)
        save_progress(paper_id=paper_id, percent=percent)

    monkeypatch.setattr(ingest, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(ingest, "paper_progress_save", spy)
    with django_capture_on_commit_callbacks(execute=True):
        paper = start(group, member)
    assert written == [70, 75, 85, 95]  # reading, cleanup, structure, citations; 100 on save
    paper.refresh_from_db()
    assert paper.progress == 100


def test_a_reader_that_reports_progress_has_the_first_70_percent(monkeypatch):
    def read_markdown(text, *, progress=None):
        for fraction in (0.5, 0.25, 1.0):  # a step back is not passed on
            progress(fraction)
        return markup.read_markdown(text)

    monkeypatch.setattr(
        pipeline, "import_module", lambda name: SimpleNamespace(read_markdown=read_markdown)
    )
    seen = []
    parse_document(BIG_MARKDOWN, filename="paper.md", progress=seen.append)
    assert seen == pytest.approx([0.35, 0.7, 0.75, 0.85, 0.95])


def test_a_reader_without_a_progress_keyword_is_called_as_before(monkeypatch):
    monkeypatch.setattr(
        pipeline, "import_module", lambda name: SimpleNamespace(read_markdown=markup.read_markdown)
    )
    seen = []
    parse_document(BIG_MARKDOWN, filename="paper.md", progress=seen.append)
    assert seen == [0.7, 0.75, 0.85, 0.95]


def test_progress_is_written_at_most_every_half_second(group):
    paper = Paper.objects.create(group=group, title="t", status="importing", progress=0)
    now = [0.0]
    progress = ingest.ImportProgress(paper.pk, clock=lambda: now[0])

    def saved() -> int:
        paper.refresh_from_db()
        return paper.progress

    progress(0.10)
    assert saved() == 10
    now[0] = 0.2
    progress(0.30)
    assert saved() == 10  # too soon
    now[0] = 0.6
    progress(0.05)
    assert saved() == 10  # never backwards
    progress(0.40)
    assert saved() == 40
    now[0] = 2.0
    progress(1.0)
    assert saved() == 99  # 100 belongs to the save


def test_a_paper_deleted_while_queued_is_not_brought_back(
    group, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        paper = start(group, member)
    paper_delete(actor=member, paper=paper)
    for callback in callbacks:
        callback()
    assert not Paper.objects.exists() and not Section.objects.exists()


def test_an_import_that_cannot_be_queued_is_marked_failed(
    group, member, django_capture_on_commit_callbacks, monkeypatch
):
    def enqueue(*args):
        raise ConnectionError("the queue is down")

    monkeypatch.setattr(services, "import_paper_task", SimpleNamespace(enqueue=enqueue))
    with django_capture_on_commit_callbacks(execute=True):
        paper = start(group, member)
    paper.refresh_from_db()
    assert paper.status == Paper.Status.FAILED
    assert paper.error == "The import could not be queued; please upload it again."


def test_the_stored_upload_goes_with_the_last_paper_that_uses_it(
    group, member, django_capture_on_commit_callbacks
):
    first = start(group, member, data=SMALL_MARKDOWN)
    second = start(group, member, data=SMALL_MARKDOWN, filename="again.md")
    assert first.source_file.name == second.source_file.name
    storage = first.source_file.storage
    with django_capture_on_commit_callbacks(execute=True):
        paper_delete(actor=member, paper=first)
    assert storage.exists(second.source_file.name)
    with django_capture_on_commit_callbacks(execute=True):
        paper_delete(actor=member, paper=second)
    assert not storage.exists(second.source_file.name)


# The API


def upload(data=BIG_MARKDOWN, name="long-paper.md"):
    return SimpleUploadedFile(name, data, content_type="text/markdown")


def test_api_answers_202_with_the_importing_paper_and_where_to_poll(
    member_api, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = member_api.post(PAPERS, {"group": group.slug, "file": upload()})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "importing" and body["progress"] == 0 and body["error"] == ""
    assert body["title"] == "long-paper" and body["sections"] == []
    assert response["Location"] == f"http://testserver{PAPERS}{body['id']}/"

    polled = member_api.get(response["Location"]).json()
    assert polled["status"] == "importing" and polled["progress"] == 0

    for callback in callbacks:
        callback()
    polled = member_api.get(response["Location"]).json()
    assert polled["status"] == "ready" and polled["progress"] == 100
    assert polled["title"] == "A Long Paper" and len(polled["sections"]) == 39


def test_api_answers_201_for_a_small_file(member_api, group):
    response = member_api.post(PAPERS, {"group": group.slug, "file": upload(SMALL_MARKDOWN)})
    assert response.status_code == 201
    assert response.json()["status"] == "ready" and response.json()["progress"] == 100
    assert response["Location"].endswith(f"{PAPERS}{response.json()['id']}/")


def test_api_shows_a_failed_import_with_its_reason(
    member_api, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_api.post(
            PAPERS, {"group": group.slug, "file": upload(b"# H\n\n" * 1000, "h.md")}
        )
    assert response.status_code == 202
    polled = member_api.get(response["Location"]).json()
    assert polled["status"] == "failed" and polled["error"].startswith("No paragraphs found")


def test_an_importing_paper_is_as_private_as_any(group, member, outsider_api):
    paper = start(group, member)
    assert outsider_api.get(f"{PAPERS}{paper.pk}/").status_code == 404
    assert APIClient().get(f"{PAPERS}{paper.pk}/").status_code == 404
    assert outsider_api.delete(f"{PAPERS}{paper.pk}/").status_code == 404


# Pages


def reading_url(paper) -> str:
    return paper.get_absolute_url()


def test_upload_page_sends_a_large_file_to_its_reading_page(member_client, group):
    response = member_client.post(
        reverse("papers:paper_upload", kwargs={"slug": group.slug}),
        {"file": upload(), "format": "auto", "title": ""},
    )
    paper = Paper.objects.get()
    assert response.status_code == 302 and response["Location"] == reading_url(paper)
    assert paper.status == Paper.Status.IMPORTING


def test_reading_page_shows_the_progress_and_polls(member_client, group, member):
    paper = start(group, member)
    Paper.objects.filter(pk=paper.pk).update(progress=42)
    response = member_client.get(reading_url(paper))
    assert response.status_code == 200
    html = response.text
    assert '<progress id="import-progress" max="100" value="42"' in html
    assert "papers/import-progress.js" in html
    assert f"/api/v1/papers/{paper.pk}/" in html  # in the json_script the module reads
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html


def test_reading_page_shows_why_an_import_failed(member_client, group, member):
    paper = Paper.objects.create(
        group=group, title="broken", status="failed", error="This PDF is encrypted."
    )
    html = member_client.get(reading_url(paper)).text
    assert "The import failed." in html and "This PDF is encrypted." in html
    assert "<progress" not in html and "import-progress.js" not in html
    assert 'http-equiv="refresh"' not in html


def test_reading_page_of_an_importing_paper_answers_404_to_outsiders(
    outsider_client, group, member
):
    paper = start(group, member)
    assert outsider_client.get(reading_url(paper)).status_code == 404


def test_group_page_shows_the_status_of_papers_that_are_not_ready(member_client, group, member):
    start(group, member)
    Paper.objects.create(group=group, title="broken", status="failed", error="No text layer.")
    html = member_client.get(reverse("papers:group_detail", kwargs={"slug": group.slug})).text
    assert "Importing, 0%" in html
    assert "Import failed</strong>: No text layer." in html


# The command


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def big_file(tmp_path):
    path = tmp_path / "long-paper.md"
    path.write_bytes(BIG_MARKDOWN)
    return path


def test_command_imports_a_large_file_in_the_foreground_with_progress_lines(big_file, db):
    make_group("Seminar")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_paper", str(big_file), "--group", "seminar", stdout=out, stderr=err)
    paper = Paper.objects.get()
    assert paper.status == Paper.Status.READY
    assert out.getvalue().splitlines()[-1] == str(paper.pk)
    lines = err.getvalue().splitlines()
    assert lines[:4] == ["Importing: 70%", "Importing: 80%", "Importing: 90%", "Importing: 100%"]
    assert lines[4].startswith("Imported “A Long Paper”")


def test_command_draws_a_bar_on_a_terminal(big_file, db):
    out, err = io.StringIO(), Terminal()
    call_command("import_paper", str(big_file), stdout=out, stderr=err)
    text = err.getvalue()
    assert "\rImporting " in text and text.count("\r") == 5  # 70, 75, 85, 95, 100
    assert "█" * 30 + " 100%\n" in text
    assert out.getvalue().strip() == str(Paper.objects.get().pk)


def test_command_is_quiet_about_progress_at_verbosity_0(big_file, db):
    err = io.StringIO()
    call_command("import_paper", str(big_file), "-v", "0", stdout=io.StringIO(), stderr=err)
    assert "Importing" not in err.getvalue()
