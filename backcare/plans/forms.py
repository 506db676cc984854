"""The new-plan form and the weekly check-in's."""

from __future__ import annotations

from datetime import time

from django import forms

from backcare.catalogue.choices import MAX_MINUTES, MIN_MINUTES
from backcare.planner.models import is_code
from backcare.plans.models import ACTIVITIES, ACTIVITY_CHARS, SCORE_MAX
from backcare.player.calendar import DAY_NAMES

MONDAY, WEDNESDAY, FRIDAY = 0, 2, 4
SCORE_SAID = f"Choose a whole number from 0 (can't do it) to {SCORE_MAX} (as well as before)."


def _score(raw: str) -> int | None:
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) > SCORE_MAX:
        return None
    return int(raw)


class PlanForm(forms.Form):
    """Which days, how long, moving or not, when; and up to three activities with their score
    now (`activity` and `score`, sent in pairs, in order). `from`: the session it comes from."""

    weekdays = forms.TypedMultipleChoiceField(
        choices=list(enumerate(DAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[MONDAY, WEDNESDAY, FRIDAY],
        label="Which days of the week?",
        error_messages={"required": "Choose at least one day of the week."},
    )
    # The builder's own bounds (BuildForm.minutes): a plan's day is a session the builder makes.
    short_minutes = forms.IntegerField(
        min_value=MIN_MINUTES, max_value=MAX_MINUTES, label="Short days, minutes"
    )
    long_minutes = forms.IntegerField(
        min_value=MIN_MINUTES, max_value=MAX_MINUTES, label="Long days, minutes"
    )
    movement = forms.TypedChoiceField(
        choices=[("1", "Yes"), ("0", "No")],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
        label="Add a few minutes of gentle movement on days of 10 minutes or more?",
    )
    at = forms.TimeField(initial=time(18, 0), label="What time of day, for your calendar?")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.CharField(required=False, widget=forms.HiddenInput)
        for name in ("short_minutes", "long_minutes"):
            self.fields[name].error_messages |= {
                key: f"Choose a whole number of minutes from {MIN_MINUTES} to {MAX_MINUTES}."
                for key in ("invalid", "min_value", "max_value", "required")
            }

    def clean_from(self) -> str:
        code = self.cleaned_data["from"]
        if code and not is_code(code):
            raise forms.ValidationError("That isn't one of your sessions: start again from it.")
        return code

    def clean(self):
        data = super().clean()
        short, long = data.get("short_minutes"), data.get("long_minutes")
        if short is not None and long is not None and short > long:
            self.add_error("long_minutes", "Long days can't be shorter than short days.")
        data["activities"] = self._activities()
        return data

    def _activities(self) -> list[tuple[str, int]]:
        """(activity, score) pairs as sent; errors on the form's `activities`."""
        names = self.data.getlist("activity") if self.is_bound else []
        scores = self.data.getlist("score") if self.is_bound else []
        pairs, problems = [], []
        for index in range(max(len(names), len(scores))):
            name = (names[index] if index < len(names) else "").strip()
            raw = scores[index] if index < len(scores) else ""
            if not name and not raw.strip():
                continue
            score = _score(raw)
            if not name:
                problems.append("Name the activity you scored, or leave its score empty.")
            elif len(name) > ACTIVITY_CHARS:
                problems.append(f"Say “{name[:20]}…” in {ACTIVITY_CHARS} characters or fewer.")
            elif score is None:
                problems.append(f"How well can you do “{name}” now? {SCORE_SAID}")
            else:
                pairs.append((name, score))
        if len(pairs) > ACTIVITIES:
            problems.append(f"Name up to {ACTIVITIES} activities.")
        for problem in problems:
            self.add_error(None, problem)
        return pairs

    def rows(self) -> list[tuple[int, str, str]]:
        """The activity rows to draw: (number, activity, score) as sent, at least three."""
        names = self.data.getlist("activity") if self.is_bound else []
        scores = self.data.getlist("score") if self.is_bound else []
        count = max(ACTIVITIES, len(names), len(scores))
        return [
            (
                number,
                names[number - 1] if number <= len(names) else "",
                scores[number - 1] if number <= len(scores) else "",
            )
            for number in range(1, count + 1)
        ]


class CheckInForm(forms.Form):
    """A score, 0–10, for each of the plan's activities (`score`, in order)."""

    def __init__(self, data=None, *, activities, **kwargs):
        super().__init__(data, **kwargs)
        self.activities = list(activities)
        for number, name in enumerate(self.activities, start=1):
            self.fields[f"score_{number}"] = forms.IntegerField(
                min_value=0,
                max_value=SCORE_MAX,
                label=name,
                error_messages={
                    key: f"“{name}”: {SCORE_SAID}"
                    for key in ("invalid", "min_value", "max_value", "required")
                },
            )

    def scores(self) -> list[int]:
        return [self.cleaned_data[f"score_{n}"] for n in range(1, len(self.activities) + 1)]
