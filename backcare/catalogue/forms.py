"""The pain finder's form: the places that hurt (a spot and its side) and numbness."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from backcare.catalogue.values import Spot


class FinderForm(forms.Form):
    spot = forms.MultipleChoiceField(required=False, label="Where does it hurt?")
    numb = forms.BooleanField(
        required=False,
        label="I also have numbness, tingling or weakness, or pain spreading down an arm or a leg",
    )

    def __init__(self, *args, spots: Iterable[Spot], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spot"].choices = [
            (value, f"{spot.name}{f' ({side})' if side else ''}")
            for spot in spots
            for value, side in spot.choices()
        ]
        self.fields["spot"].error_messages["invalid_choice"] = (
            "“%(value)s” is not a place on the picture: tick the places that hurt."
        )

    def picked(self) -> set[str]:
        """The values ticked, as sent (to redraw the form even when one is unknown)."""
        return set(self["spot"].value() or ())
