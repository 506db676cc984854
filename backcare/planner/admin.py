"""Saved sessions, read-only: they hold no health answers, only what shaped the steps."""

from django.contrib import admin

from backcare.planner.models import CareSession, CareStep, Run


class CareStepInline(admin.TabularInline):
    model = CareStep
    extra = 0
    can_delete = False
    fields = ["number", "phase", "title", "seconds"]
    readonly_fields = fields


class RunInline(admin.TabularInline):
    model = Run
    extra = 0
    can_delete = False
    fields = ["started_at", "pain_before", "pain_after", "finished_at"]
    readonly_fields = fields


@admin.register(CareSession)
class CareSessionAdmin(admin.ModelAdmin):
    list_display = ["code", "created_at", "performer", "minutes", "started_at"]
    list_filter = ["performer", "created_at"]
    search_fields = ["code"]
    readonly_fields = [f.name for f in CareSession._meta.fields] + ["regions", "props"]
    inlines = [RunInline, CareStepInline]

    def has_add_permission(self, request) -> bool:
        return False
