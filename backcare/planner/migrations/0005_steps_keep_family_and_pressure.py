"""Each saved step keeps its technique's family and pressure, so a session replayed under new
safety answers is judged on what it was saved with, not on today's catalogue."""

from django.db import migrations, models


def fill_from_catalogue(apps, schema_editor):
    """Steps saved before this kept neither: they get their technique's, once."""
    CareStep = apps.get_model("planner", "CareStep")
    Technique = apps.get_model("catalogue", "Technique")
    kinds = dict(
        (pk, (family, pressure))
        for pk, family, pressure in Technique.objects.values_list("pk", "family__slug", "pressure")
    )
    for technique_id, (family, pressure) in kinds.items():
        CareStep.objects.filter(technique_id=technique_id).update(family=family, pressure=pressure)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0007_pain_spots"),
        ("planner", "0004_session_focus"),
    ]

    operations = [
        # The defaults only stand for a moment: every step is filled from its technique next.
        migrations.AddField(
            model_name="carestep",
            name="family",
            field=models.SlugField(
                default="", help_text="The technique's family (its slug).", max_length=60
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="carestep",
            name="pressure",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Light"), (2, "Moderate"), (3, "Firm")], default=3
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_from_catalogue, migrations.RunPython.noop, elidable=True),
    ]
