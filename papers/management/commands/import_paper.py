"""python manage.py import_paper PATH [--group SLUG] [--user NAME] [--format FMT]

Prints the new paper's id on its last line; exits non-zero with a one-line reason on bad input.
The import runs here, in the foreground, whatever the file's size (no task queue), with the same
isolation of binary formats as the web. Progress goes to stderr: a bar on a terminal, otherwise a
line at every tenth, and nothing with --verbosity 0.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from papers.importing import FORMATS
from papers.models import ReadingGroup
from papers.services import check_upload_size, paper_import

DEFAULT_GROUP = "library"


class Command(BaseCommand):
    help = "Import a paper from a file into a reading group and print its id."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--group",
            help=f"the reading group's slug (default: a private group '{DEFAULT_GROUP}', "
            "created when missing)",
        )
        parser.add_argument("--user", help="the username recorded as the uploader")
        parser.add_argument("--format", choices=FORMATS, help="skip detection")
        parser.add_argument("--title", help="use this title instead of the one found")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user named {options['user']!r}.")
        group = self._group(options["group"])
        progress = ProgressReport(self.stderr, quiet=options["verbosity"] == 0)
        try:
            check_upload_size(path.stat().st_size)
            paper = paper_import(
                group=group,
                user=user,
                data=path.read_bytes(),
                filename=path.name,
                fmt=options["format"],
                title=options["title"],
                progress=progress,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        finally:
            progress.close()
        counts = (
            f"{paper.sections.count()} sections, {paper.paragraphs.count()} paragraphs, "
            f"{paper.references.count()} references, {paper.citations.count()} citations"
        )
        self.stderr.write(f"Imported “{paper.title}” into {group.slug}: {counts}")
        self.stdout.write(str(paper.pk))

    def _group(self, slug: str | None) -> ReadingGroup:
        if slug:
            group = ReadingGroup.objects.filter(slug=slug).first()
            if group is None:
                raise CommandError(f"No reading group with slug {slug!r}.")
            return group
        group, _ = ReadingGroup.objects.get_or_create(
            slug=DEFAULT_GROUP, defaults={"name": "Library"}
        )
        return group


class ProgressReport:
    """The import's progress on stderr: a bar redrawn in place on a terminal, otherwise (a log,
    a pipe) one line per tenth reached."""

    WIDTH = 30

    def __init__(self, stream, *, quiet: bool = False):
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.shown = -1

    def __call__(self, fraction: float) -> None:
        percent = max(0, min(100, int(fraction * 100)))
        if self.quiet:
            return
        if self.tty:
            if percent != self.shown:
                filled = self.WIDTH * percent // 100
                bar = "█" * filled + "·" * (self.WIDTH - filled)
                self.stream.write(f"\rImporting {bar} {percent:3d}%", ending="")
                self.stream.flush()
                self.shown = percent
        elif percent // 10 * 10 > max(self.shown, 0):
            self.shown = percent // 10 * 10
            self.stream.write(f"Importing: {self.shown}%")

    def close(self) -> None:
        """End the bar's line, so that what follows starts on its own."""
        if self.tty and self.shown >= 0 and not self.quiet:
            self.stream.write("")
            self.shown = -1
