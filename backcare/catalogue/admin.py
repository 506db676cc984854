"""The content editors' admin: every catalogue table, searchable, with inlines for techniques."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Field, QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst

from backcare.catalogue.models import (
    ChoiceList,
    Contraindication,
    Family,
    Guideline,
    Movement,
    Muscle,
    NoGoZone,
    PainCause,
    PainSpot,
    Prop,
    PropRequirement,
    Region,
    Source,
    SpotWarning,
    StopSignal,
    Technique,
    TechniqueStep,
)

admin.site.site_header = "Backcare content"
admin.site.site_title = "Backcare admin"
admin.site.index_title = "Catalogue and sessions"


class ChoiceListCheckboxes:
    """A JSON list of choices (a movement's motions, the positions a question leaves out) is
    edited as a row of checkboxes, not as JSON typed by hand."""

    def formfield_for_dbfield(self, db_field: Field, request: HttpRequest, **kwargs):
        for rule in db_field.validators:
            if isinstance(rule, ChoiceList):
                return forms.MultipleChoiceField(
                    choices=rule.choices.choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    label=capfirst(db_field.verbose_name),
                    help_text=db_field.help_text,
                )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "kind", "publisher"]
    list_filter = ["kind"]
    search_fields = ["slug", "title", "publisher"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "muscle_count"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return super().get_queryset(request).annotate(n_muscles=Count("muscles"))

    @admin.display(description="muscles", ordering="n_muscles")
    def muscle_count(self, region: Region) -> int:
        return region.n_muscles


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "plain_name", "slug", "order"]
    search_fields = ["name", "plain_name", "slug"]
    autocomplete_fields = ["sources"]


@admin.register(Muscle)
class MuscleAdmin(admin.ModelAdmin):
    list_display = ["name", "latin_name", "slug", "depth", "bilateral", "order"]
    list_filter = ["regions", "depth", "bilateral"]
    search_fields = ["name", "latin_name", "slug", "summary"]
    autocomplete_fields = ["regions", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "latin_name", "slug", "regions", "order", "summary"]}),
        ("Shape", {"fields": ["bilateral", "depth", "shape"]}),
        (
            "What people read",
            {"fields": ["action", "tightens_because", "referred_pain", "how_to_find"]},
        ),
        ("Evidence", {"fields": ["sources"]}),
    ]


class PainCauseInline(admin.TabularInline):
    model = PainCause
    fields = ["rank", "muscle", "how", "why", "sources"]
    autocomplete_fields = ["muscle", "sources"]
    extra = 1
    ordering = ["rank"]
    verbose_name_plural = (
        "muscles behind pain here, most likely first (one that sends pain to a spot in an "
        "area is worked by sessions for that area)"
    )


class SpotWarningInline(admin.TabularInline):
    model = SpotWarning
    autocomplete_fields = ["contraindication"]
    extra = 1
    verbose_name_plural = "warnings: pain here that says yes to a safety-screen question"


@admin.register(PainSpot)
class PainSpotAdmin(admin.ModelAdmin):
    """Where people feel pain, and the muscles behind it: the pain finder and the composer's
    linked areas read the same rows."""

    list_display = ["name", "slug", "region", "bilateral", "order"]
    list_filter = ["region"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["region", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PainCauseInline, SpotWarningInline]


@admin.register(Prop)
class PropAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "cost_rank", "summary"]
    list_editable = ["cost_rank"]
    search_fields = ["name", "slug", "summary"]
    autocomplete_fields = ["substitutes_for", "sources"]
    prepopulated_fields = {"slug": ["name"]}


class TechniqueStepInline(admin.TabularInline):
    model = TechniqueStep
    fields = ["number", "region", "text"]
    extra = 1
    ordering = ["number"]
    verbose_name_plural = "instruction lines (an area: shown only on steps there; {side} fills in)"


class PropRequirementInline(admin.TabularInline):
    model = PropRequirement
    extra = 1
    autocomplete_fields = ["prop"]
    verbose_name_plural = "props needed (same group = any one of them; every group is needed)"


@admin.register(Technique)
class TechniqueAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "performer", "pressure", "duration_range", "phases"]
    list_filter = ["performer", "family", "pressure", "regions", "warm_up", "finish"]
    search_fields = ["name", "slug", "summary", "muscles__name"]
    autocomplete_fields = ["family", "muscles", "regions", "helpful_props", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["family"]
    inlines = [TechniqueStepInline, PropRequirementInline]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "family", "performer", "summary", "position", "setting"]},
        ),
        ("Where", {"fields": ["muscles", "regions", "each_side"]}),
        (
            "How",
            {
                "fields": [
                    "pressure",
                    "pressure_note",
                    "tempo",
                    ("hold_min_seconds", "hold_max_seconds"),
                    "direction",
                    "cautions",
                ]
            },
        ),
        (
            "Timing and place in a session",
            {
                "fields": [
                    ("min_seconds", "default_seconds", "max_seconds"),
                    ("warm_up", "main", "finish"),
                ]
            },
        ),
        ("Props and evidence", {"fields": ["helpful_props", "sources"]}),
    ]

    @admin.display(description="seconds")
    def duration_range(self, technique: Technique) -> str:
        return f"{technique.min_seconds}–{technique.default_seconds}–{technique.max_seconds}"

    @admin.display(description="phases")
    def phases(self, technique: Technique) -> str:
        names = {"warm-up": technique.warm_up, "main": technique.main, "finish": technique.finish}
        return ", ".join(name for name, on in names.items() if on)


@admin.register(Movement)
class MovementAdmin(ChoiceListCheckboxes, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "pattern", "reps", "hold_seconds", "order"]
    list_filter = ["position", "setting", "pattern", "regions"]
    list_editable = ["order"]
    search_fields = ["name", "slug", "summary", "muscles__name"]
    autocomplete_fields = ["regions", "muscles", "needs", "sources"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "order"]}),
        ("Where", {"fields": ["position", "setting", "regions", "muscles", "needs", "motions"]}),
        ("How", {"fields": ["start", "action", "tips", "when_not", "watch"]}),
        (
            "How much",
            {"fields": ["pattern", ("reps", "hold_seconds", "move_seconds"), "dose", "often"]},
        ),
        ("Evidence", {"fields": ["sources"]}),
    ]


@admin.register(NoGoZone)
class NoGoZoneAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "label", "region", "whole_region"]
    list_filter = ["region", "families"]
    search_fields = ["name", "slug", "description"]
    autocomplete_fields = ["region", "families", "sources"]


@admin.register(Contraindication)
class ContraindicationAdmin(ChoiceListCheckboxes, admin.ModelAdmin):
    list_display = ["label", "slug", "effect", "order", "max_pressure", "max_minutes"]
    list_filter = ["effect"]
    list_editable = ["order"]
    search_fields = ["label", "slug", "question", "advice"]
    autocomplete_fields = ["excluded_families", "sources"]
    fieldsets = [
        (None, {"fields": ["label", "slug", "order", "question"]}),
        (
            "What a yes does",
            {"fields": ["effect", "max_pressure", "excluded_families", "max_minutes"]},
        ),
        ("Movements a yes leaves out", {"fields": ["excluded_positions", "excluded_motions"]}),
        (
            "What people read",
            {"fields": ["advice", "why", "keep_off_because", "movement_caution"]},
        ),
        ("Evidence", {"fields": ["sources"]}),
    ]


@admin.register(StopSignal)
class StopSignalAdmin(admin.ModelAdmin):
    list_display = ["feeling", "action", "order"]
    list_filter = ["action"]
    list_editable = ["order"]
    search_fields = ["feeling", "advice"]
    autocomplete_fields = ["sources"]


@admin.register(Guideline)
class GuidelineAdmin(admin.ModelAdmin):
    list_display = ["name", "value", "unit", "slug"]
    search_fields = ["name", "slug", "note"]
    autocomplete_fields = ["sources"]
