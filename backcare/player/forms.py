"""The 0–10 pain rating, before and after a session."""

from django import forms

PAIN_CHOICES = [(n, str(n)) for n in range(11)]


class PainForm(forms.Form):
    pain = forms.TypedChoiceField(
        choices=PAIN_CHOICES,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        label="How much does your back hurt right now?",
        error_messages={
            "invalid_choice": "“%(value)s” isn't on the scale: choose a number from 0 to 10.",
            "required": "Choose a number from 0 (no pain) to 10 (the worst pain).",
        },
    )

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pain"].required = required
