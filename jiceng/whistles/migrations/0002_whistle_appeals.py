from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("appeals", "0001_initial"),
        ("whistles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="whistle",
            name="appeals",
            field=models.ManyToManyField(blank=True, related_name="whistles", to="appeals.appeal",
                                         verbose_name="关联诉求"),
        ),
    ]
