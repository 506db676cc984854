"""A two-week plan built from a session's answers, the days its sessions were done, and its
weekly check-ins (the Patient-Specific Functional Scale: the person's own activities, 0–10).

Like a saved session, a plan keeps no health answers: who, where, what props, how long."""

from __future__ import annotations

from datetime import date, time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from backcare.catalogue.choices import MAX_MINUTES, MIN_MINUTES, Performer
from backcare.planner.models import CODE_LENGTH, CareSession, new_code
from backcare.plans.schedule import Day, plan_days

ACTIVITY_CHARS = 60  # an activity in the person's own words
ACTIVITIES = 3  # the most a plan asks about
SCORE_MAX = 10  # PSFS: 0 can't do it, 10 as well as before the back trouble
WEEKS = (0, 1, 2)  # the check-ins: when the plan is made, then after each week


class CarePlan(models.Model):
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    starts = models.DateField(help_text="Day 1 of the 14.")
    weekdays = models.JSONField(default=list, help_text="Session days, Monday 0 … Sunday 6.")
    at = models.TimeField(default=time(18, 0), help_text="The calendar's time of day.")
    performer = models.CharField(max_length=10, choices=Performer)
    regions = models.JSONField(default=list, blank=True, help_text="Area slugs.")
    props = models.JSONField(default=list, blank=True, help_text="Prop slugs.")
    sides = models.JSONField(default=list, blank=True, help_text="[area, side], as a session's.")
    short_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]
    )
    long_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]
    )
    movement = models.BooleanField(default=True)
    activities = models.JSONField(
        default=list, blank=True, help_text="0–3 everyday activities, in the person's words."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "plan"

    def __str__(self) -> str:
        return f"Two-week plan {self.code} from {self.starts}"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan", args=[self.code])

    def days(self, today: date, done_days=()) -> list[Day]:
        """Its 14 days (`schedule.plan_days`) against `today` and the days done."""
        return plan_days(
            self.starts,
            self.weekdays,
            self.short_minutes,
            self.long_minutes,
            self.movement,
            today,
            done_days,
        )

    def builder_answers(self, minutes: int) -> list[tuple[str, str]]:
        """The builder's answers for a day of this plan (a `minutes` long session)."""
        return [
            ("performer", self.performer),
            *(("region", slug) for slug in self.regions),
            *(("prop", slug) for slug in self.props),
            ("minutes", str(minutes)),
            ("movement", "1" if self.movement else "0"),
            *(("side", f"{area}:{side}") for area, side in self.sides),
            ("plan", self.code),
        ]


class PlanSession(models.Model):
    """A session of the plan, done on `day` (started from the plan's page, through the builder)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="done")
    day = models.DateField()
    session = models.ForeignKey(CareSession, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "session"], name="plan_session_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} session on {self.day}"


class CheckIn(models.Model):
    """A week's check-in: each of the plan's activities scored 0–10 (higher is better)."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="check_ins")
    week = models.PositiveSmallIntegerField(choices=[(w, f"Week {w}") for w in WEEKS])
    scores = models.JSONField(default=list, help_text="One 0–10 score per activity.")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["week"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "week"], name="check_in_once_a_week"),
            models.CheckConstraint(condition=models.Q(week__lte=2), name="check_in_week_0_2"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} week {self.week}"
