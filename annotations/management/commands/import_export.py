"""python manage.py import_export FILE --group SLUG [--paper ID] [--user NAME] [--role SLUG]

Imports a native export (a paper's or a group's) or a Hypothesis search result (onto --paper)
through annotations.imports.import_file, as the API does. Prints what it did, and the new (or,
for Hypothesis, the annotated) paper ids on its last line; exits non-zero with a one-line reason
on bad input, having written nothing. --user is the importing user, an active member of the group
(default: the group's first owner).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations.imports import import_file
from papers.models import Membership, ReadingGroup
from papers.services import check_upload_size


class Command(BaseCommand):
    help = "Import a Marginalia export or a Hypothesis search result into a reading group."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--group", required=True, help="the target group's slug")
        parser.add_argument("--paper", type=int, help="Hypothesis: the paper to annotate")
        parser.add_argument("--user", help="the importing user (default: the group's first owner)")
        parser.add_argument(
            "--role", help="Hypothesis: the role when no tag names one (default: the first)"
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        group = ReadingGroup.objects.filter(slug=options["group"]).first()
        if group is None:
            raise CommandError(f"No reading group with slug {options['group']!r}.")
        user = self._user(group, options["user"])
        try:
            check_upload_size(path.stat().st_size)
            report = import_file(
                user=user,
                group=group,
                data=path.read_bytes(),
                paper=options["paper"],
                default_role=options["role"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(" ".join(messages).split())) from None
        self.stderr.write(f"Imported {path.name} into {group.slug} as {user.username}: "
                          f"{report.summary()}")  # fmt: skip
        for row in report.not_anchored:
            self.stderr.write(f"Not anchored: {row['id']}: {row['reason']}")
        self.stdout.write(" ".join(str(pk) for pk in report.papers))

    def _user(self, group: ReadingGroup, name: str | None):
        if name:
            user = get_user_model().objects.filter(username=name).first()
            if user is None:
                raise CommandError(f"No user named {name!r}.")
            return user
        owner = (
            Membership.objects.active()
            .filter(group=group, role=Membership.Role.OWNER)
            .order_by("created", "id")
            .select_related("user")
            .first()
        )
        if owner is None:
            raise CommandError(f"The group {group.slug!r} has no active owner; give --user.")
        return owner.user
