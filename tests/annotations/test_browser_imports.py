"""The import page in a real Chromium: a member goes from the group's page to "Import
annotations", uploads a paper's Marginalia JSON export (a file on disk, as the export page
downloads it), and lands on the new paper, told what came back, with the imported annotation
on the page. Screenshots in tests/artifacts/ (git-ignored)."""

import pytest
from playwright.sync_api import expect

from annotations.exports import get_format
from papers.models import Membership, Paper
from tests.annotations.conftest import make_annotation
from tests.browser import ARTIFACTS
from tests.conftest import join, make_group, make_user
from tests.papers.makers import make_paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Brought back from another group 📚"


@pytest.fixture
def world(db, tmp_path):
    """amina is a member of two groups; a paper of the first, annotated by her, exported to a
    file she will import into the second."""
    source, target = make_group("Seminar"), make_group("Reading Club")
    amina = make_user("amina")
    join(source, amina, Membership.Role.MEMBER)
    join(target, amina, Membership.Role.MEMBER)
    paper = make_paper(source, user=amina, title="On Reading Together")
    paragraph = paper.paragraphs.get(kind="body", text__contains="reader 0")
    make_annotation(amina, paragraph, "claim", quote={"exact": "readers disagree"}, note=NOTE)
    exported = tmp_path / "on-reading-together.json"
    exported.write_text("".join(get_format("json").paper(paper, user=None)), encoding="utf-8")
    return {"target": target, "amina": amina, "file": exported}


@pytest.fixture
def signed_in(signed_in_context):
    """A page signed in as a user."""

    def open_page(user):
        context, _ = signed_in_context(user)
        return context.new_page()

    return open_page


def test_a_member_imports_a_paper_export_and_lands_on_it(signed_in, live_server, world):
    page = signed_in(world["amina"])
    target = world["target"]
    page.goto(live_server.url + f"/groups/{target.slug}/")
    page.get_by_role("link", name="Import annotations").click()
    expect(page.get_by_role("heading", name="Import annotations")).to_be_visible()
    page.get_by_label("File").set_input_files(str(world["file"]))
    page.screenshot(path=str(ARTIFACTS / "import-page.png"), full_page=True)
    page.get_by_role("button", name="Import").click()

    new = Paper.objects.get(group=target)
    expect(page).to_have_url(live_server.url + f"/papers/{new.pk}/")
    expect(page.locator(".messages")).to_contain_text("Imported: 1 paper,")
    expect(page.locator(".messages")).to_contain_text("1 annotation, 0 comments")
    expect(page.get_by_role("heading", name="On Reading Together", level=1)).to_be_visible()
    # The workspace's script is a graph of small modules: wait until it has started (it shows
    # the tool bar) before clicking, as a reader's click before then only selects text.
    expect(page.locator("#ws-toolbar")).to_be_visible()
    # The imported annotation's note, on the new paper's page (rendered by its script).
    imported = new.annotations.get()
    page.locator(f'mark.hl[data-annotation="{imported.pk}"]').click()  # opens the panel
    expect(page.locator(".ws-note")).to_have_text(NOTE)
    page.screenshot(path=str(ARTIFACTS / "import-landed.png"), full_page=True)


def test_a_large_import_shows_its_progress_then_its_report(signed_in, live_server, world, settings):
    """A file over MARGINALIA_ASYNC_IMPORT_BYTES goes to a background job: the page follows it
    (polling the API) while it is queued, and shows the report once a worker has run it."""
    from annotations.imports.running import import_job_run
    from annotations.models import AnnotationImport

    settings.MARGINALIA_ASYNC_IMPORT_BYTES = 1024
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # no worker
    page = signed_in(world["amina"])
    target = world["target"]
    page.goto(live_server.url + f"/groups/{target.slug}/import/")
    page.get_by_label("File").set_input_files(str(world["file"]))
    page.get_by_role("button", name="Import").click()

    job = AnnotationImport.objects.get()
    expect(page).to_have_url(live_server.url + f"/groups/{target.slug}/import/{job.pk}/")
    expect(page.locator(".status-box")).to_contain_text("Queued.")
    expect(page.locator("#import-progress")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "import-job-queued.png"), full_page=True)

    import_job_run(job_id=job.pk)  # the worker's part, here
    expect(page.locator(".status-box")).to_contain_text("Imported.", timeout=10_000)
    expect(page.locator(".status-box")).to_contain_text("1 annotation")
    page.get_by_role("link", name="Go to what was imported").click()
    new = Paper.objects.get(group=target)
    expect(page).to_have_url(live_server.url + f"/papers/{new.pk}/")
