"""A pain spot says when to see a GP about pain no muscle explains (PainSpot.note), and a spot
warning may ask a question that pain there brings to mind without answering it ("ask"): pain
in the groin is not numbness there, so the saddle spot's warning on saddle numbness, which
stopped every finding, becomes a question to ask (the fixture adds "with numbness")."""

from django.db import migrations, models


def groin_pain_asks_about_numbness(apps, schema_editor):
    SpotWarning = apps.get_model("catalogue", "SpotWarning")
    SpotWarning.objects.filter(
        spot__slug="saddle", when="always", contraindication__slug="saddle-numbness"
    ).update(when="ask")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0010_spot_warnings_follow_their_question")]

    operations = [
        migrations.AddField(
            model_name="painspot",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="Said when this place is ticked and no muscle is behind pain here: "
                "when to see a GP about it, from the sources.",
            ),
        ),
        migrations.AlterField(
            model_name="spotwarning",
            name="when",
            field=models.CharField(
                choices=[
                    ("always", "Pain here"),
                    ("both_sides", "Pain here on both sides"),
                    ("with_numbness", "Pain here with numbness, tingling or weakness"),
                    ("ask", "Pain here: ask the question too (pain alone is not a yes)"),
                ],
                max_length=16,
            ),
        ),
        migrations.RunPython(groin_pain_asks_about_numbness, migrations.RunPython.noop),
    ]
