"""python manage.py search_index

Rebuilds the search index (annotations.search.index.index_all) in one transaction: after
upgrading to the version that brought search (posts written before it have no entries), or
whenever the index is in doubt. The app keeps it up to date by itself otherwise.
"""

from django.core.management.base import BaseCommand

from annotations.models import SearchEntry
from annotations.search.index import index_all


class Command(BaseCommand):
    help = "Rebuild the search index of every paper, annotation and comment."

    def handle(self, *args, **options):
        index_all()
        self.stdout.write(f"Search index rebuilt: {SearchEntry.objects.count():,} entries.")
