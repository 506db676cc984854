"""A limit may cap a session's length (Contraindication.max_minutes): seed 004 keeps a massage
for osteochondrosis to 15 minutes at most."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0011_spot_notes_and_questions_to_ask"),
    ]

    operations = [
        migrations.AddField(
            model_name="contraindication",
            name="max_minutes",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="limit: the longest session allowed, in minutes (its advice says so).",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(3),
                    django.core.validators.MaxValueValidator(60),
                ],
            ),
        ),
        migrations.AlterField(
            model_name="contraindication",
            name="effect",
            field=models.CharField(
                choices=[
                    ("refer_urgently", "Get medical help now"),
                    ("refer", "No massage today: see a doctor"),
                    ("avoid_region", "Leave out the area"),
                    ("limit", "Limit pressure, techniques or length"),
                ],
                db_index=True,
                max_length=16,
            ),
        ),
        migrations.AddConstraint(
            model_name="contraindication",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("effect", "limit"), ("max_minutes__isnull", True), _connector="OR"
                ),
                name="only_limits_cap_minutes",
            ),
        ),
    ]
