"""The safety screen and the session builder's form; choices come from the catalogue."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.utils.datastructures import MultiValueDict

from backcare.catalogue.choices import MAX_MINUTES, MIN_MINUTES, SIDES, Effect, Performer, Side
from backcare.catalogue.values import Question
from backcare.planner.models import is_code

MINUTE_CHOICES = (5, 10, 15, 20, 30, 45, 60)
# When the catalogue has no guideline: a solo session is short, a partner's about half an hour.
FALLBACK_MINUTES = {Performer.SELF: 5, Performer.PARTNER: 30}


# The screen's `next` names a saved session to go back to (session=<code>), or holds the
# builder's answers to go on with.
REPLAY_KEY = "session"
LESSON_KEY = re.compile(r"^(out|more):[a-z0-9-]{1,60}:[0-9]{12}$")  # `learning.Lesson.key`
UNKNOWN_AREA = "“%(value)s” is not an area of the back we know."


def _say_invalid(form: forms.Form, **messages: str) -> None:
    """What each named field says of a choice it doesn't offer."""
    for name, message in messages.items():
        form.fields[name].error_messages["invalid_choice"] = message


class ScreenForm(forms.Form):
    """Yes-answers as `flag` (contraindication slugs); local problems' areas as `area`."""

    flag = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    area = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, contraindications, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.contraindications = list(contraindications)
        self.fields["flag"].choices = [(c.slug, c.question) for c in self.contraindications]
        self.fields["area"].choices = list(regions)  # (slug, name)
        _say_invalid(self, flag="“%(value)s” is not one of the questions on this screen.")
        _say_invalid(self, area=UNKNOWN_AREA)

    def clean(self):
        data = super().clean()
        chosen = self.answers()
        if any(c.asks_for_area for c in chosen) and not data.get("area"):
            self.add_error(
                "area", "You ticked a problem in one area of your back: tick where it is."
            )
        return data

    @property
    def before_replay(self) -> bool:
        """Asked before a saved session plays again (not before building one)."""
        return str(self["next"].value() or "").startswith(f"{REPLAY_KEY}=")

    def answers(self) -> list[Question]:
        ticked = set(self.cleaned_data.get("flag", ()))
        return [c for c in self.contraindications if c.slug in ticked]

    def grouped(self) -> list[tuple[str, list, bool]]:
        """The questions as the screen asks them: by effect, most urgent first; with whether
        one of them is ticked (its group opens)."""
        bound = {choice.data["value"]: choice for choice in self["flag"]}
        ticked = set(self["flag"].value() or ())
        groups = []
        for effect in Effect:
            asked = [(c, bound[c.slug]) for c in self.contraindications if c.effect == effect]
            if asked:
                groups.append((effect, asked, any(c.slug in ticked for c, _ in asked)))
        return groups


@dataclass(frozen=True)
class Options:
    """What a field offers: (slug, name) pairs in order, and the slugs, to check answers."""

    choices: tuple[tuple[str, str], ...]
    slugs: frozenset[str]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Options:
        choices = tuple(pairs)
        return cls(choices, frozenset(slug for slug, _ in choices))


class OptionsField(forms.MultipleChoiceField):
    """Checkboxes over `Options`: an answer is checked by a set look-up, and the choices are
    only listed when the field is drawn, so a long catalogue costs nothing per answer."""

    def offer(self, options: Options) -> None:
        self.options = options
        self.choices = lambda: options.choices  # listed lazily

    def valid_value(self, value) -> bool:
        return str(value) in self.options.slugs


class LessonKeysField(forms.Field):
    """Lesson keys (`Lesson.key`), the well-formed ones, a few at most."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> frozenset[str]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return frozenset(v for v in values[:20] if isinstance(v, str) and LESSON_KEY.match(v))


class BuildForm(forms.Form):
    """The builder's answers. The URL carries them, so a bookmark reproduces the preview."""

    performer = forms.ChoiceField(
        choices=Performer.choices, initial=Performer.SELF, widget=forms.RadioSelect
    )
    region = OptionsField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Where does it hurt?"
    )
    prop = OptionsField(
        required=False, widget=forms.CheckboxSelectMultiple, label="What do you have?"
    )
    minutes = forms.IntegerField(min_value=MIN_MINUTES, max_value=MAX_MINUTES)
    muscle = OptionsField(
        required=False,
        widget=forms.MultipleHiddenInput,
        label="A muscle to work first",
        help_text="From a muscle's page or the pain finder: a session for that muscle.",
    )
    # A hidden "0" and a checkbox "1" (build.html): the last one sent wins, so unticking says
    # "0", and a URL without it (a bookmark, a muscle's page) keeps the movement in.
    movement = forms.TypedChoiceField(
        choices=[("1", "Yes"), ("0", "No")],
        coerce=lambda value: value == "1",
        empty_value=True,
        required=False,
        label="Add a few minutes of gentle movement",
    )
    # What a person's history changed that they undo, or do again (`planner.learning`):
    # lesson keys; one that names no lesson of theirs is ignored, never an error.
    undo = LessonKeysField(label="Put back as it was")
    redo = LessonKeysField(label="Do again")
    side = forms.MultipleChoiceField(
        required=False,
        widget=forms.MultipleHiddenInput,
        label="Which side hurts?",
        help_text="area:left or area:right; an area not named hurts on both sides.",
    )

    # A day of a two-week plan (its code): the session saved is recorded as that day's, when
    # this browser owns the plan (backcare.plans.keeping.record_plan_session).
    plan = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data=None,
        *,
        regions: Options,
        props: Options,
        muscles: Options | None = None,
        default_minutes: dict[str, int] | None = None,
        max_minutes: int | None = None,
        **kwargs,
    ):
        self.default_minutes = default_minutes or FALLBACK_MINUTES
        self.max_minutes = max_minutes  # the safety answers' longest session, if any
        # Until someone picks a length, the usual one for who's doing it applies.
        self.minutes_chosen = bool(data and data.get("minutes"))
        if data is not None:
            data = _with_defaults(data, self.default_minutes, max_minutes)
        super().__init__(data, **kwargs)
        self.fields["minutes"].initial = min(
            self.default_minutes[Performer.SELF], max_minutes or MAX_MINUTES
        )
        self.fields["region"].offer(regions)
        self.fields["prop"].offer(props)
        self.fields["muscle"].offer(muscles or Options.of(()))
        self.fields["side"].choices = lambda: [  # listed only when a side is answered
            (f"{slug}:{side}", f"{name}: {side}")
            for slug, name in regions.choices
            for side in (Side.BOTH, *SIDES)
        ]
        _say_invalid(
            self,
            performer="“%(value)s” isn't an option: choose yourself or a partner.",
            region=UNKNOWN_AREA,
            prop="“%(value)s” is not a prop we know.",
            muscle="“%(value)s” is not a muscle we know.",
            side="“%(value)s” isn't a side we know: choose left, right or both for an area.",
        )

    def clean_side(self) -> tuple[tuple[str, str], ...]:
        """(area, side) for the areas that hurt on one side only, of those asked for."""
        asked = set(self.cleaned_data.get("region", ()))
        chosen = dict(value.split(":", 1) for value in self.cleaned_data.get("side", ()))
        return tuple(
            (region, side)
            for region, side in sorted(chosen.items())
            if region in asked and side in SIDES
        )

    def clean_plan(self) -> str:
        code = self.cleaned_data["plan"]
        return code if is_code(code) else ""  # anything else is ignored, never an error

    def side_of(self, region: str) -> str:
        """The side shown as chosen for an area in the form ("both" unless one was picked)."""
        for value in self["side"].value() or ():
            if value.startswith(f"{region}:"):
                return value.split(":", 1)[1]
        return Side.BOTH

    def full_clean(self) -> None:
        super().full_clean()
        if "minutes" in self.errors and self.data:
            raw = self.data.get("minutes", "")
            self.errors["minutes"] = self.error_class(
                [
                    f"“{raw[:20]}” minutes won't work: choose a whole number of minutes "
                    f"from {MIN_MINUTES} to {MAX_MINUTES}."
                ]
            )

    def minute_choices(self) -> list[int]:
        value = self["minutes"].value()
        try:
            current = int(value)
        except (TypeError, ValueError):
            current = self.default_minutes[Performer.SELF]
        longest = self.max_minutes or MAX_MINUTES
        choices = {m for m in MINUTE_CHOICES if m <= longest} | {longest}
        if MIN_MINUTES <= current <= longest:
            choices.add(current)
        return sorted(choices)


def _with_defaults(
    data: MultiValueDict, default_minutes: dict[str, int], max_minutes: int | None = None
) -> MultiValueDict:
    """A builder URL may leave out the performer or the minutes: on your own, a short session;
    with a partner, about half an hour (the sources' usual lengths). A length the safety
    answers don't allow comes down to the longest they do (a length outside the builder's
    bounds stays, to be refused)."""
    data = MultiValueDict(dict(data.lists()))  # a shallow copy (a QueryDict's is a deep one)
    if not data.get("performer"):
        data["performer"] = Performer.SELF
    if not data.get("minutes"):
        data["minutes"] = str(default_minutes.get(data["performer"], MIN_MINUTES))
    if max_minutes:
        try:
            asked = int(data["minutes"])
        except ValueError:
            return data
        if max_minutes < asked <= MAX_MINUTES:
            data["minutes"] = str(max_minutes)
    return data
