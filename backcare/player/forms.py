"""The 0–10 pain rating, before and after a session; and when to be reminded of it."""

import datetime

from django import forms

from backcare.planner.models import PAIN_MAX
from backcare.player.calendar import DAILY, REPEATS, WEEKDAYS, WEEKLY, Reminder

PAIN_CHOICES = [(n, str(n)) for n in range(PAIN_MAX + 1)]


class PainForm(forms.Form):
    pain = forms.TypedChoiceField(
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        label="How much does your back hurt right now?",
        error_messages={
            "invalid_choice": "“%(value)s” isn't on the scale: "
            f"choose a number from 0 to {PAIN_MAX}.",
            "required": f"Choose a number from 0 (no pain) to {PAIN_MAX} (the worst pain).",
        },
    )

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pain"].required = required


class ReminderForm(forms.Form):
    """How often to be reminded of a session, and when (read from the query string)."""

    repeat = forms.ChoiceField(
        choices=REPEATS,
        initial=DAILY,
        widget=forms.RadioSelect,
        label="How often?",
        error_messages={
            "required": "Choose every day, or chosen days.",
            "invalid_choice": "Choose every day, or chosen days.",
        },
    )
    day = forms.MultipleChoiceField(
        choices=WEEKDAYS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Which days?",
        error_messages={"invalid_choice": "“%(value)s” isn't a day of the week."},
    )
    time = forms.TimeField(
        input_formats=["%H:%M", "%H:%M:%S"],
        initial=datetime.time(7, 30),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        label="At what time?",
        error_messages={
            "required": "Choose a time, such as 07:30.",
            "invalid": "Give the time as hours and minutes, such as 07:30.",
        },
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("repeat") == WEEKLY and not data.get("day") and "day" not in self.errors:
            self.add_error("day", "Tick at least one day, or choose every day.")
        return data

    def reminder(self) -> Reminder:
        """The valid form's choice (days only count for a weekly reminder)."""
        data = self.cleaned_data
        days = tuple(data["day"]) if data["repeat"] == WEEKLY else ()
        return Reminder(data["repeat"], data["time"].replace(second=0), days)
