"""A spot's warning does what its screening question does (a question that stops a session
stops the pain finder too), so "check first" goes: its rows become "pain here"."""

from django.db import migrations, models


def check_first_to_always(apps, schema_editor):
    SpotWarning = apps.get_model("catalogue", "SpotWarning")
    for warning in SpotWarning.objects.filter(when="check_first"):
        if SpotWarning.objects.filter(spot=warning.spot_id, when="always").exists():
            warning.delete()  # the spot already warns whenever it hurts, once (unique)
        else:
            warning.when = "always"
            warning.save(update_fields=["when"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0009_backcare_advice_source")]

    operations = [
        migrations.RunPython(check_first_to_always, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="spotwarning",
            name="when",
            field=models.CharField(
                choices=[
                    ("always", "Pain here"),
                    ("both_sides", "Pain here on both sides"),
                    ("with_numbness", "Pain here with numbness, tingling or weakness"),
                ],
                max_length=16,
            ),
        ),
    ]
