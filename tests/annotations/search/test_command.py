"""`manage.py search_index` rebuilds what the app would have written."""

from io import StringIO

from django.core.management import call_command

from annotations.models import SearchEntry
from annotations.services import comment_create


def test_search_index_rebuilds_lost_entries(paragraph, member):
    comment_create(user=member, paragraph=paragraph, body="Serendipity in the margins.")
    written = sorted(SearchEntry.objects.values_list("kind", "object_id", "text"))
    SearchEntry.objects.all().delete()  # as before the index existed
    out = StringIO()
    call_command("search_index", stdout=out)
    rebuilt = sorted(SearchEntry.objects.values_list("kind", "object_id", "text"))
    assert set(written) <= set(rebuilt)
    # The fixture's paper was written row by row, not through paper_save: the rebuild indexes
    # it too.
    assert ("paragraph", paragraph.pk, paragraph.text) in rebuilt
    assert f"{len(rebuilt):,} entries" in out.getvalue()
