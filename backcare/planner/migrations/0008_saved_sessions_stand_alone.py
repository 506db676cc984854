"""Saved sessions stand on their own: each step keeps what the player shows of its technique,
muscle and area (and each session its areas' names), so an editor may change or delete those
rows and the session reads the same; the links to them are let go (SET_NULL) instead."""

import django.db.models.deletion
from django.db import migrations, models

from backcare.planner.models import step_aim

BATCH = 500


def copy_from_catalogue(apps, schema_editor):
    """Sessions saved before this kept none of it: they get it from the rows they link to
    (which exist: the links were PROTECTed until now), once."""
    CareSession = apps.get_model("planner", "CareSession")
    CareStep = apps.get_model("planner", "CareStep")
    steps = CareStep.objects.select_related("session", "technique__family", "muscle", "region")
    kept = []
    for step in steps.order_by("pk").iterator(chunk_size=BATCH):
        if technique := step.technique:
            step.family_name = technique.family.name
            step.family_plain_name = technique.family.plain_name
            step.setting = technique.setting
        if muscle := step.muscle:
            step.muscle_slug, step.muscle_name = muscle.slug, muscle.name
            if step.phase == "main" and technique and technique.each_side:
                step.aim = step_aim(muscle.summary, step.session.performer)
        if region := step.region:
            step.region_slug, step.region_name = region.slug, region.name
        kept.append(step)
    fields = [
        "family_name",
        "family_plain_name",
        "setting",
        "muscle_slug",
        "muscle_name",
        "aim",
        "region_slug",
        "region_name",
    ]
    CareStep.objects.bulk_update(kept, fields, batch_size=BATCH)
    Muscle = apps.get_model("catalogue", "Muscle")
    named = dict(Muscle.objects.values_list("slug", "name"))
    sessions = list(CareSession.objects.prefetch_related("regions", "left_out"))
    for session in sessions:
        session.focus_names = [named[slug] for slug in session.focus if slug in named]
        worked = sorted(session.regions.all(), key=lambda r: (r.order, r.slug))
        session.areas = [[region.slug, region.name] for region in worked]
        left = sorted(session.left_out.all(), key=lambda r: (r.order, r.slug))
        session.left_out_areas = [[region.slug, region.name] for region in left]
    kept = ["areas", "left_out_areas", "focus_names"]
    CareSession.objects.bulk_update(sessions, kept, batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0013_shipped_rows"),
        ("planner", "0007_started_at_and_rate_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="caresession",
            name="focus_names",
            field=models.JSONField(
                blank=True, default=list, help_text="Those muscles' names, as when it was saved."
            ),
        ),
        migrations.AddField(
            model_name="caresession",
            name="left_out_areas",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The areas of `left_out`, [slug, name], top of the back first: named "
                "as when it was saved.",
            ),
        ),
        migrations.AddField(
            model_name="caresession",
            name="areas",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Its areas, [slug, name], top of the back first: named as when it was saved.",
            ),
        ),
        migrations.AddField(
            model_name="carestep",
            name="aim",
            field=models.TextField(
                blank=True,
                help_text="Where its muscle lies, for work done a side at a time (said to whoever massages); empty otherwise.",
            ),
        ),
        migrations.AddField(
            model_name="carestep",
            name="family_name",
            field=models.CharField(blank=True, help_text="Its family's name.", max_length=60),
        ),
        migrations.AddField(
            model_name="carestep",
            name="family_plain_name",
            field=models.CharField(
                blank=True, help_text="Its family's everyday word (stroking).", max_length=60
            ),
        ),
        migrations.AddField(
            model_name="carestep",
            name="muscle_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="carestep",
            name="muscle_slug",
            field=models.SlugField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name="carestep",
            name="region_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="carestep",
            name="region_slug",
            field=models.SlugField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name="carestep",
            name="setting",
            field=models.CharField(blank=True, help_text="Where it is done.", max_length=20),
        ),
        migrations.AlterField(
            model_name="carestep",
            name="muscle",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalogue.muscle",
            ),
        ),
        migrations.AlterField(
            model_name="carestep",
            name="region",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalogue.region",
            ),
        ),
        migrations.AlterField(
            model_name="carestep",
            name="technique",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalogue.technique",
            ),
        ),
        migrations.RunPython(copy_from_catalogue, migrations.RunPython.noop, elidable=True),
        # Whether it left any area out: now whether `left_out_areas` names one.
        migrations.RemoveField(model_name="caresession", name="leaves_out"),
    ]
