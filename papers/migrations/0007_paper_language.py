from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0006_membership_blind"),
    ]

    operations = [
        migrations.AddField(
            model_name="paper",
            name="language",
            field=models.CharField(blank=True, default="", max_length=8),
        ),
    ]
