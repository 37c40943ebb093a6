"""The default dispatch catalogue (派单目录), from ``jiceng.appeals.catalogue_default``."""

from django.db import migrations

from jiceng.appeals.catalogue_default import seed as seed_catalogue


def seed(apps, schema_editor):
    seed_catalogue(apps.get_model("appeals", "Category"), apps.get_model("appeals", "CategoryDeadline"))


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
