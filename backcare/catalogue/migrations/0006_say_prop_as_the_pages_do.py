"""Say "prop" in code as the pages do: Tool -> Prop, ToolRequirement -> PropRequirement, their
fields with them. Renames only: every row, link and session keeps its data."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0005_sources_on_their_publishers_sites"),
        ("planner", "0003_sides_and_step_props"),
    ]

    operations = [
        migrations.RenameModel("Tool", "Prop"),
        migrations.RenameModel("ToolRequirement", "PropRequirement"),
        migrations.RemoveConstraint(model_name="proprequirement", name="requirement_unique"),
        migrations.RenameField("proprequirement", "tool", "prop"),
        migrations.RenameField("technique", "helpful_tools", "helpful_props"),
        migrations.AlterModelOptions(
            name="proprequirement",
            options={
                "ordering": ["technique", "group", "prop__cost_rank", "prop__name"],
                "verbose_name": "prop requirement",
            },
        ),
        migrations.AlterField(
            model_name="prop",
            name="sources",
            field=models.ManyToManyField(related_name="props", to="catalogue.source"),
        ),
        migrations.AddConstraint(
            model_name="proprequirement",
            constraint=models.UniqueConstraint(
                fields=("technique", "group", "prop"), name="requirement_unique"
            ),
        ),
    ]
