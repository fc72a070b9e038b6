"""python manage.py export_group SLUG [--format json|jsonld|csv|aif] [--output FILE]

Every paper of the group, as GET /api/v1/groups/{slug}/export/ gives it, with everything
(`user=None`), as export_paper does for one paper.
"""

from django.core.management.base import BaseCommand, CommandError

from annotations.exports import FORMATS, get_format
from papers.models import ReadingGroup

from .export_paper import write


class Command(BaseCommand):
    help = "Export every paper of a group, hidden items marked (stdout, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", default="json", choices=sorted(FORMATS))
        parser.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args, **options):
        group = ReadingGroup.objects.filter(slug=options["slug"]).first()
        if group is None:
            raise CommandError(f"No group with the slug {options['slug']!r}.")
        write(self, get_format(options["format"]).group(group, user=None), options["output"])
