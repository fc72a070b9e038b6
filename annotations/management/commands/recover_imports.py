"""`manage.py recover_imports [--stale-seconds N]`: mark failed the background imports whose
worker died, paper uploads (papers.recovery) and annotation imports (annotations.imports.jobs)
alike: running, with no heartbeat for MARGINALIA_IMPORT_STALE_SECONDS (or N). Cheap (one
indexed query per kind when nothing is stale), for cron every minute or so; pages and the API
also do it for the import they show. Prints how many it marked, and which."""

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from annotations.imports.jobs import import_jobs_recover
from papers.heartbeat import stale_cutoff
from papers.recovery import papers_recover


class Command(BaseCommand):
    help = "Mark failed the background imports whose worker stopped (no heartbeat)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-seconds",
            type=float,
            default=None,
            help="Silence that counts as dead (default: MARGINALIA_IMPORT_STALE_SECONDS).",
        )

    def handle(self, *args, **options):
        seconds = options["stale_seconds"]
        if seconds is not None and seconds < 0:
            raise CommandError("--stale-seconds cannot be negative.")
        cutoff = stale_cutoff(seconds)
        try:
            papers = papers_recover(cutoff=cutoff)
            jobs = import_jobs_recover(cutoff=cutoff)
        except OperationalError as exc:  # SQLite busy with a long import's write: next time
            raise CommandError(f"The database is busy ({exc}); try again later.") from None
        if options["verbosity"] > 0:
            self.stdout.write(f"Paper imports marked failed: {_counted(papers)}.")
            self.stdout.write(f"Annotation imports marked failed: {_counted(jobs)}.")


def _counted(ids: list[int]) -> str:
    named = ", ".join(str(pk) for pk in sorted(ids))
    return f"{len(ids)} ({named})" if ids else "0"
