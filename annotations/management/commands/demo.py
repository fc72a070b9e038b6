"""`python manage.py demo`: a public demo group, three users and an annotated paper written for
the project (its discussion: annotations.demo).

Idempotent: running it again changes nothing that is already there (it only restores the demo
passwords, so that the login it prints always works). `make run` calls it. It lives in the
annotations app because it writes both apps' data (papers never imports annotations).
"""

from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

import papers
from annotations.demo import annotate_demo_paper
from papers.accounts.services import account_setup
from papers.models import Membership, ReadingGroup
from papers.services import paper_import

DEMO_PAPER = Path(papers.__file__).resolve().parent / "demo" / "demo-paper.md"
GROUP_SLUG = "demo"
GROUP_NAME = "Demo reading group"
PASSWORD = "demo-pass-2026"
# username -> role in the demo group
USERS = {
    "demo": Membership.Role.OWNER,
    "reader": Membership.Role.MEMBER,
    "newcomer": Membership.Role.MEMBER,
}


class Command(BaseCommand):
    help = (
        "Load a public demo group with users 'demo' (owner), 'reader' and 'newcomer' and an "
        "annotated demo paper."
    )
    requires_migrations_checks = True

    def handle(self, *args, **options) -> None:
        try:
            with transaction.atomic():
                group, users = self._group_and_users()
                self._paper(group, users)
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            raise CommandError(f"Could not import the demo paper: {reason}") from None
        self.stdout.write(f"Demo group: {GROUP_NAME} (slug {GROUP_SLUG!r}, public)")
        self.stdout.write(f"Demo login: demo / {PASSWORD}")
        self.stdout.write(f"A plain member: reader / {PASSWORD}")

    def _group_and_users(self):
        group, created = ReadingGroup.objects.get_or_create(
            slug=GROUP_SLUG,
            defaults={
                "name": GROUP_NAME,
                "visibility": ReadingGroup.Visibility.PUBLIC,
                "description": "A sample group to try Marginalia with. Anyone may read it.",
            },
        )
        if created:
            self.stdout.write(f"Created the group '{GROUP_NAME}'.")
        users = {}
        for username, role in USERS.items():
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            if created or not user.check_password(PASSWORD):
                user.set_password(PASSWORD)
                user.save(update_fields=["password"])
            if created:
                self.stdout.write(f"Created the user '{username}'.")
            # A confirmed address, so that the demo login works when confirmation is mandatory,
            # and the "My papers" group every account has.
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )
            account_setup(user=user)
            Membership.objects.get_or_create(group=group, user=user, defaults={"role": role})
            users[username] = user
        return group, users

    def _paper(self, group: ReadingGroup, users: dict) -> None:
        existing = group.papers.filter(source_filename=DEMO_PAPER.name).first()
        if existing is not None:
            self.stdout.write(f"The demo paper is already there (id {existing.pk}).")
            return
        paper = paper_import(
            group=group,
            user=users["demo"],
            data=DEMO_PAPER.read_bytes(),
            filename=DEMO_PAPER.name,
            fmt="markdown",
        )
        annotate_demo_paper(
            paper, owner=users["demo"], reader=users["reader"], newcomer=users["newcomer"]
        )
        self.stdout.write(
            f"Imported the demo paper '{paper.title}' (id {paper.pk}) with its discussion."
        )
