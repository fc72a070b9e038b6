"""Attribution of imported posts (annotations.models.Attributed), and the placeholder accounts
earlier imports made, freed.

Until now an import credited a post whose author it did not know to a *placeholder account*:
inactive, with an unusable password, no e-mail address, never logged in, member of no group.
Such an account reserved its username site-wide. `free_placeholders` turns each one's posts into
attributed posts (`source_author` = the name it carried, `-imported`/`-imported-N` taken off; the
post's `created` kept as `source_created`; `source_name` "Earlier import") with no author (who
imported them was never recorded: a Hypothesis file went onto papers others had uploaded), and
deletes the account. The rule (docs/imports.md, "Placeholder accounts") picks only accounts
nobody can use: nobody can log in as an inactive account with no usable password, no e-mail
address to reset it, and no membership, so deleting one takes nothing from a person.
"""

import re

from django.conf import settings
from django.db import migrations, models

# What people.py added to a name taken by someone real outside the group.
_SUFFIX = re.compile(r"-imported(-\d+)?$")
EARLIER_IMPORT = "Earlier import"


def placeholder_accounts(apps):
    """The accounts only an import can have made (module docstring)."""
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Membership = apps.get_model("papers", "Membership")
    EmailAddress = apps.get_model("account", "EmailAddress")
    Paper = apps.get_model("papers", "Paper")
    return (
        User.objects.filter(
            is_active=False,
            is_staff=False,
            is_superuser=False,
            last_login__isnull=True,
            email="",
            password__startswith="!",  # django.contrib.auth's UNUSABLE_PASSWORD_PREFIX
        )
        .exclude(pk__in=Membership.objects.values("user_id"))
        .exclude(pk__in=EmailAddress.objects.values("user_id"))
        .exclude(pk__in=Paper.objects.filter(created_by__isnull=False).values("created_by_id"))
    )


def free_placeholders(apps, schema_editor):
    Annotation = apps.get_model("annotations", "Annotation")
    Comment = apps.get_model("annotations", "Comment")
    Link = apps.get_model("annotations", "Link")
    SearchEntry = apps.get_model("annotations", "SearchEntry")
    accounts = placeholder_accounts(apps)
    for user_id, username in accounts.values_list("pk", "username"):
        name = _SUFFIX.sub("", username) or username
        for model in (Annotation, Comment):
            # One UPDATE per account and kind: the post's own date becomes the source's.
            model.objects.filter(author_id=user_id).update(
                source_author=name,
                source_created=models.F("created"),
                source_name=EARLIER_IMPORT,
                author=None,
            )
        Link.objects.filter(author_id=user_id).update(author=None)
        SearchEntry.objects.filter(author_id=user_id).update(author=None)
    accounts.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0006_annotation_import_jobs'),
        ('papers', '0007_paper_language'),
        ('account', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='annotation',
            name='source_author',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name='annotation',
            name='source_created',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='annotation',
            name='source_name',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='annotation',
            name='source_url',
            field=models.CharField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='comment',
            name='source_author',
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.AddField(
            model_name='comment',
            name='source_created',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='comment',
            name='source_name',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='comment',
            name='source_url',
            field=models.CharField(blank=True, max_length=2000),
        ),
        migrations.RunPython(free_placeholders, migrations.RunPython.noop, elidable=True),
    ]
