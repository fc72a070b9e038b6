"""python manage.py send_digests

The daily e-mail run (annotations.notifications.mail.send_digests), from cron:

    0 7 * * * cd /srv/marginalia && .venv/bin/python manage.py send_digests

For each member with mail waiting: one digest of their notifications chosen for a digest that
they may see now; the single mails whose task failed or never ran, again; and what has not shown
for 7 days given up. Running it twice sends nothing twice.
"""

from django.core.management.base import BaseCommand

from annotations.notifications.mail import send_digests


class Command(BaseCommand):
    help = "Mail the daily digests of notifications, and retry the single mails that failed."

    def handle(self, *args, **options):
        run = send_digests()
        self.stdout.write(f"{run}.")
