"""python manage.py export_paper ID [--format json|jsonld|csv|aif] [--output FILE]

Writes the same bytes as GET /api/v1/papers/{id}/export/ (annotations.export_files), with
everything (`user=None`): hidden and pending items included and marked by their status, and
the moderation lists (flags, revisions, audit log) a moderator's export has. To stdout, as bytes
(no locale encoding, no newline translation), or to FILE.
"""

from django.core.management.base import BaseCommand, CommandError

from annotations.exports import FORMATS, get_format
from annotations.exports.files import write_export
from papers.models import Paper


class Command(BaseCommand):
    help = "Export a paper with everything in it, hidden items marked (stdout, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("paper_id", type=int)
        parser.add_argument("--format", default="json", choices=sorted(FORMATS))
        parser.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args, **options):
        paper = Paper.objects.select_related("group").filter(pk=options["paper_id"]).first()
        if paper is None:
            raise CommandError(f"No paper with id {options['paper_id']}.")
        # As the API: a paper still importing, or whose import failed, has nothing to export.
        if paper.status != Paper.Status.READY:
            raise CommandError(
                f"Paper {paper.pk} is {paper.get_status_display().lower()}, not ready: "
                "nothing to export yet."
            )
        chunks = get_format(options["format"]).paper(paper, user=None)
        write(self, chunks, options["output"])


def write(command: BaseCommand, chunks, output: str | None) -> None:
    """To FILE (bytes, created or replaced), or to the command's stdout."""
    if output:
        try:
            with open(output, "wb") as out:
                write_export(chunks, out)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
    else:
        # The stream under Django's OutputWrapper, which would add a newline to each write.
        write_export(chunks, getattr(command.stdout, "_out", command.stdout))
