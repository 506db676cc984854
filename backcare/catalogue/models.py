"""What Backcare knows: regions, muscles, props, techniques, no-go zones and safety rules."""

from __future__ import annotations

from collections.abc import Iterable
from string import Formatter

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible

from backcare.catalogue.choices import (
    MAX_MINUTES,
    MIN_MINUTES,
    PARTNER_MAX_PRESSURE,
    CauseHow,
    Effect,
    Motion,
    Pattern,
    Performer,
    Position,
    Pressure,
    Reach,
    Setting,
    Side,
    SignalAction,
    WarnWhen,
)
from backcare.catalogue.values import ScreeningRule, SignalRule
from backcare.catalogue.wording import with_side


class SlugManager(models.Manager):
    """Every catalogue row is addressed by its public slug (fixtures use it as natural key)."""

    def get_by_natural_key(self, slug: str):
        return self.get(slug=slug)


class SlugModel(models.Model):
    slug = models.SlugField(max_length=60, unique=True)

    objects = SlugManager()

    class Meta:
        abstract = True

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Source(SlugModel):
    """Where a statement comes from: one of the seed articles or a clinical anchor, or
    Backcare itself, for what no source says (shown as "Backcare's advice", never as a
    citation)."""

    class Kind(models.TextChoices):
        ARTICLE = "article", "Source article"
        PROMOTIONAL = "promotional", "Article that sells or mixes in pseudo-medicine"
        CLINICAL = "clinical", "Clinical guidance"
        BACKCARE = "backcare", "Backcare's advice"

    # A promotional article may back how a massage is given (a technique, a prop, a kind of
    # movement, how long a session usually lasts), never a safety rule or a fact about the body.
    PROMOTIONAL_MAY_BACK = ("technique", "prop", "family", "guideline")

    title = models.CharField(max_length=200, help_text="As the publisher gives it.")
    publisher = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=12, choices=Kind)
    url = models.URLField(max_length=300, blank=True, help_text="The publisher's own page.")
    domain = models.CharField(
        max_length=100,
        blank=True,
        help_text="The publisher's web domain (nhs.uk): the link must be on it.",
    )
    read_on = models.DateField(
        null=True, blank=True, help_text="When someone last read the page and checked it."
    )

    class Meta:
        ordering = ["kind", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_own_advice(self) -> bool:
        return self.kind == self.Kind.BACKCARE


class Region(SlugModel):
    """An area of the back a person can ask to work on, ordered top to bottom."""

    name = models.CharField(max_length=60)
    order = models.PositiveSmallIntegerField(help_text="Top of the back first.")
    summary = models.TextField()
    knots_common = models.BooleanField(
        "knots are common here",
        default=False,
        help_text=(
            "Knots are a common find here (as between the shoulder blades), so a hold on a knot "
            "comes first in a session's work on this area when one can reach it."
        ),
    )

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name


class MuscleQuerySet(models.QuerySet):
    def with_regions(self) -> MuscleQuerySet:
        return self.prefetch_related("regions")


class Muscle(SlugModel):
    class Depth(models.TextChoices):
        SUPERFICIAL = "superficial", "Superficial"
        DEEP = "deep", "Deep (under other muscles)"

    name = models.CharField(max_length=80)
    latin_name = models.CharField(max_length=80)
    regions = models.ManyToManyField(Region, related_name="muscles")
    order = models.PositiveSmallIntegerField(help_text="Position in lists, top of the back first.")
    bilateral = models.BooleanField(default=True, help_text="A left and a right muscle.")
    depth = models.CharField(max_length=12, choices=Depth, default=Depth.SUPERFICIAL)
    summary = models.CharField(max_length=200, help_text="One line: where it is, what it does.")
    action = models.TextField("what it does")
    tightens_because = models.TextField("why it tightens")
    referred_pain = models.TextField("where it refers pain", blank=True)
    how_to_find = models.TextField("how to find it")
    shape = models.SlugField(
        max_length=60, help_text="Id of its shape on the back diagram (usually the slug)."
    )
    sources = models.ManyToManyField(Source, related_name="muscles")

    objects = SlugManager.from_queryset(MuscleQuerySet)()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:muscle", args=[self.slug])


class Prop(SlugModel):
    """A prop a person may own (people see the word "prop"). Hands are always available."""

    name = models.CharField(max_length=80)
    summary = models.CharField(max_length=200)
    description = models.TextField()
    cost_rank = models.PositiveSmallIntegerField(
        help_text="0 = found in every home (a wall); higher costs more. Used to suggest the "
        "cheapest prop that unlocks a region."
    )
    substitutes_for = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="substitutes",
        help_text="Props this one can stand in for (a lacrosse ball for a tennis ball).",
    )
    sources = models.ManyToManyField(Source, related_name="props")

    class Meta:
        ordering = ["cost_rank", "name"]
        verbose_name = "prop"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:prop", args=[self.slug])


class Family(SlugModel):
    """A kind of massage movement: effleurage, petrissage, friction, compression …"""

    name = models.CharField(max_length=60)
    plain_name = models.CharField(max_length=60, help_text="The everyday word: stroking.")
    order = models.PositiveSmallIntegerField(
        help_text="Where it comes in a session: broad, gentle work first, focused work later."
    )
    description = models.TextField()
    sources = models.ManyToManyField(Source, related_name="families")

    class Meta:
        ordering = ["order", "slug"]
        verbose_name_plural = "families"

    def __str__(self) -> str:
        return self.name


# Instruction lines of a technique done one side at a time say which side with these; the
# step fills them in ("your {side} shoulder" -> "your left shoulder").
SIDE_PLACEHOLDERS = ("side", "other_side")


class TechniqueQuerySet(models.QuerySet):
    def for_performer(self, performer: str) -> TechniqueQuerySet:
        return self.filter(performer=performer)

    def with_details(self) -> TechniqueQuerySet:
        return self.select_related("family").prefetch_related(
            "steps", "muscles", "regions", "requirements__prop"
        )


class Technique(SlugModel):
    name = models.CharField(max_length=100)
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="techniques")
    performer = models.CharField(max_length=10, choices=Performer, db_index=True)
    summary = models.CharField(max_length=240)
    position = models.TextField(help_text="How the person (or the receiver) is placed.")
    setting = models.CharField(
        max_length=10,
        choices=Setting,
        default=Setting.SITTING,
        help_text="Where the person is: a session keeps steps in one place together.",
    )
    pressure = models.PositiveSmallIntegerField(choices=Pressure)
    pressure_note = models.TextField(help_text="How hard, in the person's words.")
    tempo = models.CharField(max_length=200, help_text="How fast, or how many passes.")
    hold_min_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_max_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    direction = models.CharField(max_length=200, blank=True)
    default_seconds = models.PositiveSmallIntegerField()
    min_seconds = models.PositiveSmallIntegerField()
    max_seconds = models.PositiveSmallIntegerField()
    each_side = models.BooleanField(
        default=False, help_text="Done on one side, then the other (a step per side)."
    )
    warm_up = models.BooleanField(default=False, help_text="Suits the start of a session.")
    main = models.BooleanField(default=True, help_text="Suits the main work on a region.")
    finish = models.BooleanField(default=False, help_text="Suits a calm finish.")
    spans_regions = models.BooleanField(
        "one pass covers every area",
        default=False,
        help_text=(
            "One pass goes over every area listed (a stroke up the whole back), so it opens or "
            "closes a session only when all of them are worked."
        ),
    )
    cautions = models.TextField(blank=True)
    muscles = models.ManyToManyField(Muscle, related_name="techniques")
    regions = models.ManyToManyField(
        Region, related_name="techniques", help_text="Where on the back it is applied."
    )
    helpful_props = models.ManyToManyField(
        Prop,
        blank=True,
        related_name="helps",
        help_text="Nice to have, never needed (oil for stroking, a mat for floor work).",
    )
    sources = models.ManyToManyField(Source, related_name="techniques")

    objects = SlugManager.from_queryset(TechniqueQuerySet)()

    class Meta:
        ordering = ["family__order", "performer", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_seconds__gt=0)
                & Q(min_seconds__lte=models.F("default_seconds"))
                & Q(default_seconds__lte=models.F("max_seconds")),
                name="technique_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(hold_min_seconds__isnull=True)
                | Q(hold_max_seconds__gte=models.F("hold_min_seconds")),
                name="technique_hold_range",
            ),
            models.CheckConstraint(
                condition=Q(warm_up=True) | Q(main=True) | Q(finish=True),
                name="technique_has_a_phase",
            ),
            models.CheckConstraint(
                condition=~Q(performer="partner") | Q(pressure__lte=PARTNER_MAX_PRESSURE),
                name="partner_pressure_at_most_moderate",
                violation_error_message="A partner keeps to moderate pressure at most.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:technique", args=[self.slug])

    def prop_groups(self) -> list[list[Prop]]:
        """The AND-of-OR requirements: each inner list is one group of alternatives."""
        groups: dict[int, list[Prop]] = {}
        for req in self.requirements.all():
            groups.setdefault(req.group, []).append(req.prop)
        return [groups[number] for number in sorted(groups)]

    @property
    def reach(self) -> Reach:
        if self.performer == Performer.PARTNER:
            return Reach.PARTNER
        return Reach.PROP if self.prop_groups() else Reach.HANDS

    def lines_for(self, region: Region) -> list[str]:
        """The instruction lines a step on `region` says: those for every area it works, and
        those for this one (the card writer reads the same rule off the plain values:
        values.Line.is_for)."""
        return [line.text for line in self.steps.all() if line.region_id in (None, region.pk)]

    def instructions(self) -> list[tuple[Region, list[str]]]:
        """What a step on each area it works says (for the left, when done side by side)."""
        side = Side.LEFT if self.each_side else ""
        return [
            (region, [with_side(text, side) for text in self.lines_for(region)])
            for region in self.regions.all()
        ]


def by_reach(techniques: Iterable[Technique]) -> list[tuple[Reach, list[Technique]]]:
    """Techniques grouped as hands only / with a prop / with a partner, every group present."""
    groups: dict[Reach, list[Technique]] = {reach: [] for reach in Reach}
    for technique in techniques:
        groups[technique.reach].append(technique)
    return list(groups.items())


class TechniqueStepManager(models.Manager):
    def get_by_natural_key(self, technique: str, number: int):
        return self.get(technique__slug=technique, number=number)


class TechniqueStep(models.Model):
    """One instruction line of a technique, in order: for every area it works, or for one.

    A step of a session shows the lines for every area plus those for its own area, so a
    step on the upper back never sends hands to the lower back. Lines of a technique done
    one side at a time write the side as {side} and {other_side}."""

    technique = models.ForeignKey(Technique, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Shown only on steps in this area; empty: shown whatever the area.",
    )
    text = models.TextField(
        help_text="For a technique done one side at a time, write the side as {side} and the "
        'opposite as {other_side}: "your {side} shoulder".'
    )

    objects = TechniqueStepManager()

    class Meta:
        ordering = ["technique", "number"]
        constraints = [
            models.UniqueConstraint(fields=["technique", "number"], name="step_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.technique} · step {self.number}"

    def natural_key(self) -> tuple[str, int]:
        return (self.technique.slug, self.number)

    natural_key.dependencies = ["catalogue.technique", "catalogue.region"]

    def side_problem(self) -> str:
        """What is wrong with the line's {placeholders}, in words, or "" (the admin's form and
        validate_catalogue both say it)."""
        named = placeholders(self.text)
        if named - set(SIDE_PLACEHOLDERS):
            return "Only {side} and {other_side} can be filled in."
        if named and not self.technique.each_side:
            return "Only a technique done one side at a time says {side}."
        return ""

    def clean(self) -> None:
        errors = {}
        if problem := self.side_problem():
            errors["text"] = problem
        applied = self.technique.regions.all() if self.technique.pk else None
        if self.region_id and applied is not None and self.region not in applied:
            errors["region"] = "The technique isn't applied in this area."
        if errors:
            raise ValidationError(errors)


def placeholders(text: str) -> set[str]:
    """The names in {braces} of an instruction line."""
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


class PropRequirementManager(models.Manager):
    def get_by_natural_key(self, technique: str, group: int, prop: str):
        return self.get(technique__slug=technique, group=group, prop__slug=prop)


class PropRequirement(models.Model):
    """Props a technique needs: rows with the same group are alternatives (OR); groups AND."""

    technique = models.ForeignKey(Technique, on_delete=models.CASCADE, related_name="requirements")
    group = models.PositiveSmallIntegerField(default=1)
    prop = models.ForeignKey(Prop, on_delete=models.PROTECT, related_name="requirements")

    objects = PropRequirementManager()

    class Meta:
        ordering = ["technique", "group", "prop__cost_rank", "prop__name"]
        verbose_name = "prop requirement"
        constraints = [
            models.UniqueConstraint(
                fields=["technique", "group", "prop"], name="requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.technique}: group {self.group} · {self.prop}"

    def natural_key(self) -> tuple[str, int, str]:
        return (self.technique.slug, self.group, self.prop.slug)

    natural_key.dependencies = ["catalogue.technique", "catalogue.prop"]


@deconstructible
class ChoiceList:
    """Validates a JSON list of `choices` values (a movement's motions, a question's
    positions): each known, none twice."""

    def __init__(self, choices: type[models.TextChoices]):
        self.choices = choices

    def __call__(self, value) -> None:
        if not isinstance(value, list) or len(set(value)) != len(value):
            raise ValidationError("Give a list of different values.")
        if unknown := [v for v in value if v not in self.choices.values]:
            raise ValidationError(
                f"Unknown: {', '.join(map(str, unknown))}. Use {', '.join(self.choices.values)}."
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, ChoiceList) and other.choices is self.choices


class Movement(SlugModel):
    """A gentle movement from NHS exercise guidance, done by the person with the back pain: a
    session's movement block, and between sessions."""

    Position = Position
    Pattern = Pattern

    name = models.CharField(max_length=100)
    summary = models.CharField(max_length=240, help_text="One line: what it does.")
    position = models.CharField(max_length=12, choices=Position)
    setting = models.CharField(
        max_length=10,
        choices=Setting,
        help_text="Where the person is: a session keeps steps in one place together.",
    )
    regions = models.ManyToManyField(
        Region, related_name="movements", help_text="The areas of the back it moves."
    )
    muscles = models.ManyToManyField(
        Muscle, blank=True, related_name="movements", help_text="The muscles it reaches."
    )
    needs = models.ManyToManyField(
        Prop,
        blank=True,
        related_name="movements",
        help_text="What it needs, from what every home has (a chair, a mat or rug).",
    )
    motions = models.JSONField(
        default=list,
        blank=True,
        validators=[ChoiceList(Motion)],
        help_text=f"What it asks of the spine (for the screen): {', '.join(Motion.values)}.",
    )
    start = models.TextField("start position")
    action = models.TextField("what to do", help_text="One instruction a line.")
    pattern = models.CharField(max_length=10, choices=Pattern, default=Pattern.HOLD)
    reps = models.PositiveSmallIntegerField(
        "repetitions",
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="On each side when done a side at a time.",
    )
    hold_seconds = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(60)],
        help_text="Each repetition is held this long.",
    )
    move_seconds = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Seconds to move into it and back again.",
    )
    dose = models.CharField(
        max_length=200, help_text='How much, as its source says: "8 to 10 times".'
    )
    often = models.CharField(max_length=200, help_text="How often its source says to do it.")
    tips = models.TextField(blank=True)
    when_not = models.TextField("when not to do it, or change it", blank=True)
    watch = models.TextField(
        "what a partner watches for",
        blank=True,
        help_text="In a partner session the receiver moves; this is said to the giver.",
    )
    order = models.PositiveSmallIntegerField(help_text="Position in lists, neck first.")
    sources = models.ManyToManyField(Source, related_name="movements")

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:movement", args=[self.slug])

    def action_lines(self) -> list[str]:
        return [line.strip() for line in self.action.splitlines() if line.strip()]


class NoGoZoneQuerySet(models.QuerySet):
    def for_family(self, family: Family) -> NoGoZoneQuerySet:
        """Zones that bar every kind of pressure, and those that bar this family."""
        return self.filter(Q(families=None) | Q(families=family)).distinct()


class NoGoZone(SlugModel):
    """A place never to press (the spine, the kidneys), or an area never to use one family on
    (no rolling on the lower back). Every step working its area says `keep_off`."""

    name = models.CharField(max_length=80)
    label = models.CharField(max_length=40, help_text="The short label on the diagram.")
    description = models.TextField()
    shape = models.SlugField(max_length=60, help_text="Id of its shape on the back diagram.")
    bilateral = models.BooleanField(
        default=False, help_text="Drawn on the right and mirrored (the kidneys); else central."
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="no_go_zones",
        help_text="The area it lies in; empty: it runs through every area (the spine).",
    )
    whole_region = models.BooleanField(
        default=False,
        help_text="It covers its whole area, so the barred families never work there. Else "
        "it is a part of the area that every step there keeps off.",
    )
    keep_off = models.CharField(
        max_length=200, help_text="What every step card in its area says, in one line."
    )
    families = models.ManyToManyField(
        Family,
        blank=True,
        related_name="no_go_zones",
        help_text="Only these families are barred (empty: no pressure of any kind).",
    )
    sources = models.ManyToManyField(Source, related_name="no_go_zones")

    objects = SlugManager.from_queryset(NoGoZoneQuerySet)()

    class Meta:
        ordering = ["name"]
        verbose_name = "no-go zone"
        constraints = [
            models.CheckConstraint(
                condition=Q(whole_region=False) | Q(region__isnull=False),
                name="whole_region_zone_has_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Contraindication(ScreeningRule, SlugModel):
    """A screening question and what a "yes" does, as data."""

    Effect = Effect

    question = models.CharField(max_length=240, help_text="Asked directly, in plain words.")
    label = models.CharField(max_length=80, help_text="Short name shown in summaries.")
    effect = models.CharField(max_length=16, choices=Effect, db_index=True)
    order = models.PositiveSmallIntegerField(help_text="Position on the screen.")
    advice = models.TextField(help_text="What to do, shown to the person who answers yes.")
    why = models.TextField(help_text="Why it matters, in plain words.")
    max_pressure = models.PositiveSmallIntegerField(
        choices=Pressure, null=True, blank=True, help_text="limit: the firmest pressure allowed."
    )
    excluded_families = models.ManyToManyField(
        Family, blank=True, related_name="contraindications", help_text="limit: barred families."
    )
    max_minutes = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)],
        help_text="limit: the longest session allowed, in minutes (its advice says so).",
    )
    keep_off_because = models.CharField(
        max_length=120,
        blank=True,
        help_text='avoid_region: how a step card ends "Keep off your lower back today — …", '
        'e.g. "you told us about a wound there".',
    )
    excluded_positions = models.JSONField(
        default=list,
        blank=True,
        validators=[ChoiceList(Position)],
        help_text=f"Movements done so are left out: {', '.join(Position.values)}.",
    )
    excluded_motions = models.JSONField(
        default=list,
        blank=True,
        validators=[ChoiceList(Motion)],
        help_text=f"Movements that do these are left out: {', '.join(Motion.values)}.",
    )
    movement_caution = models.CharField(
        max_length=200, blank=True, help_text="Said on every movement step after a yes."
    )
    sources = models.ManyToManyField(Source, related_name="contraindications")

    objects = SlugManager()

    class Meta:
        ordering = ["order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effect="limit") | Q(max_pressure__isnull=True),
                name="only_limits_cap_pressure",
            ),
            models.CheckConstraint(
                condition=Q(effect="limit") | Q(max_minutes__isnull=True),
                name="only_limits_cap_minutes",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def bars_families(self) -> bool:
        return bool(self.excluded_families.all())  # prefetched, or one query


class StopSignal(SignalRule, SlugModel):
    """What a person may feel during a session, and what to do about it."""

    Action = SignalAction

    feeling = models.CharField(max_length=160, help_text="What the person notices.")
    action = models.CharField(max_length=10, choices=Action)
    advice = models.TextField(help_text="What to do, in plain words.")
    order = models.PositiveSmallIntegerField()
    sources = models.ManyToManyField(Source, related_name="stop_signals")

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.feeling


class GuidelineQuerySet(models.QuerySet):
    def marked(self) -> GuidelineQuerySet:
        """Each guideline knows, in the same query, whether it is Backcare's own advice."""
        return self.annotate(
            own_advice_sources=models.Count("sources", filter=Q(sources__kind=Source.Kind.BACKCARE))
        )


class Guideline(SlugModel):
    """A number the planner follows (how long hands last, how long a session usually takes),
    so editors can change it with its evidence beside it. One no source gives (the planner
    needs it anyway) cites Backcare's advice, and the pages say so."""

    name = models.CharField(max_length=120)
    value = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=20, default="minutes")
    note = models.TextField(help_text="What it means, in plain words; shown to people.")
    sources = models.ManyToManyField(Source, related_name="guidelines")

    objects = SlugManager.from_queryset(GuidelineQuerySet)()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.name}: {self.value} {self.unit}"

    @property
    def is_own_advice(self) -> bool:
        """Backcare's advice rather than a source's (shown as such beside its note). Read
        with `Guideline.objects.marked()`, as the snapshot (its only reader) reads them."""
        return self.own_advice_sources > 0


class CatalogueVersion(models.Model):
    """One row: a random token that every change to the catalogue replaces, in the same
    transaction (see backcare.catalogue.cache). What a process worked out from the catalogue
    is kept under the token it was worked out for."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class PainCauseManager(models.Manager):
    def get_by_natural_key(self, spot: str, muscle: str):
        return self.get(spot__slug=spot, muscle__slug=muscle)


class SpotWarningManager(models.Manager):
    def get_by_natural_key(self, spot: str, when: str):
        return self.get(spot__slug=spot, when=when)


class PainSpot(SlugModel):
    """A place where a person may feel pain, on the back or where back muscles send it (the
    temples, the back of the thigh): a spot on the pain finder's diagram."""

    name = models.CharField(
        max_length=80, help_text="In the person's words: Between the shoulder blades."
    )
    order = models.PositiveSmallIntegerField(help_text="Top of the body first.")
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pain_spots",
        help_text="The area of the back it lies in; empty: off the back (the head, the leg). "
        "Muscles that refer pain to a spot in an area come into sessions for that area.",
    )
    bilateral = models.BooleanField(
        default=True, help_text="A left and a right spot (drawn on the right and mirrored)."
    )
    shape = models.SlugField(max_length=60, help_text="Id of its shape on the pain diagram.")
    note = models.TextField(
        blank=True,
        help_text="Said when this place is ticked and no muscle is behind pain here: when to see "
        "a GP about it, from the sources.",
    )
    sources = models.ManyToManyField(Source, related_name="pain_spots")

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = "pain spot"

    def __str__(self) -> str:
        return self.name


class PainCause(models.Model):
    """A muscle that may be behind pain felt at a spot: lying there, or sending pain there
    (referred pain). A session for the spot's area works a muscle that sends pain there."""

    How = CauseHow

    spot = models.ForeignKey(PainSpot, on_delete=models.CASCADE, related_name="causes")
    muscle = models.ForeignKey(Muscle, on_delete=models.CASCADE, related_name="pain_causes")
    how = models.CharField(max_length=12, choices=How)
    rank = models.PositiveSmallIntegerField(
        help_text="1 = the most likely muscle behind pain at this spot."
    )
    why = models.CharField(
        max_length=240, help_text="One plain sentence: why this muscle, for pain here."
    )
    sources = models.ManyToManyField(Source, related_name="pain_causes")

    objects = PainCauseManager()

    class Meta:
        ordering = ["spot", "rank", "muscle"]
        verbose_name = "muscle behind pain here"
        verbose_name_plural = "muscles behind pain here"
        constraints = [
            models.UniqueConstraint(fields=["spot", "muscle"], name="pain_cause_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.spot}: {self.muscle}"

    def natural_key(self) -> tuple[str, str]:
        return (self.spot.slug, self.muscle.slug)

    natural_key.dependencies = ["catalogue.painspot", "catalogue.muscle"]


class SpotWarning(models.Model):
    """Pain at a spot that answers "yes" to a safety-screen question. What the pain finder does
    with it is the question's own effect, as on the screen: a question that stops a session
    shows its advice instead of muscles; any other is shown beside them. "Ask" is for a question
    that pain here does not answer but should bring to mind (pain in the groin is not numbness
    there): the finder asks it in the screen's words."""

    When = WarnWhen

    spot = models.ForeignKey(PainSpot, on_delete=models.CASCADE, related_name="warnings")
    when = models.CharField(max_length=16, choices=When)
    contraindication = models.ForeignKey(
        Contraindication,
        on_delete=models.PROTECT,
        related_name="spot_warnings",
        help_text="The screening question whose advice applies.",
    )

    objects = SpotWarningManager()

    class Meta:
        ordering = ["spot", "when"]
        constraints = [
            models.UniqueConstraint(fields=["spot", "when"], name="spot_warning_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_when_display()} ({self.spot}): {self.contraindication}"

    def natural_key(self) -> tuple[str, str]:
        return (self.spot.slug, self.when)

    natural_key.dependencies = ["catalogue.painspot", "catalogue.contraindication"]


class ShippedRow(models.Model):
    """A catalogue row as the fixture last shipped it: its model, its natural key and a digest
    of its fields. A row whose fields no longer match the digest was changed in the admin since,
    so a content update never overwrites it (`manage.py update_catalogue`)."""

    model = models.CharField(max_length=60, help_text="The row's model: catalogue.technique.")
    key = models.CharField(max_length=200, help_text="Its natural key, as JSON.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of its fields as shipped.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="shipped_row_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"


def content_models() -> list[type[models.Model]]:
    """The catalogue's content: every model of the app but its bookkeeping (the version token
    and the rows as shipped), in the order the app defines them."""
    from django.apps import apps

    bookkeeping = (CatalogueVersion, ShippedRow)
    return [m for m in apps.get_app_config("catalogue").get_models() if m not in bookkeeping]
