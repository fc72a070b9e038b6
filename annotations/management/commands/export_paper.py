"""python manage.py export_paper ID [--format json] [--output FILE]

Writes the same bytes as GET /api/v1/papers/{id}/export/, with everything included.
"""

from django.core.management.base import BaseCommand, CommandError

from annotations.exports import FORMATS, get_format
from papers.models import Paper


class Command(BaseCommand):
    help = "Export a paper (stdout, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("paper_id", type=int)
        parser.add_argument("--format", default="json", choices=sorted(FORMATS))
        parser.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args, **options):
        paper = Paper.objects.select_related("group").filter(pk=options["paper_id"]).first()
        if paper is None:
            raise CommandError(f"No paper with id {options['paper_id']}.")
        export = get_format(options["format"])
        chunks = export.paper(paper, user=None)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                out.writelines(chunks)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
