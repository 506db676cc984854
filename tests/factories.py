"""factory-boy factories for every catalogue model (tests build the data they need)."""

import factory
from django.db import transaction
from factory.django import DjangoModelFactory

from backcare.catalogue import models
from backcare.catalogue.choices import Phase, Side
from backcare.catalogue.version import bump


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source article {n}")
    kind = models.Source.Kind.ARTICLE


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = models.Region
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"region-{n}")
    name = factory.Sequence(lambda n: f"Region {n}")
    order = factory.Sequence(lambda n: 100 + n)
    summary = "An area of the back."


class FamilyFactory(DjangoModelFactory):
    class Meta:
        model = models.Family
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"family-{n}")
    name = factory.Sequence(lambda n: f"Family {n}")
    plain_name = factory.Sequence(lambda n: f"movement {n}")
    order = factory.Sequence(lambda n: 100 + n)
    description = "A kind of massage movement."


class MuscleFactory(DjangoModelFactory):
    class Meta:
        model = models.Muscle
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"muscle-{n}")
    name = factory.Sequence(lambda n: f"Muscle {n}")
    latin_name = factory.Sequence(lambda n: f"Musculus {n}")
    order = factory.Sequence(lambda n: 1000 + n)
    summary = "A muscle of the back."
    action = "Moves the shoulder blade."
    tightens_because = "Long hours at a desk."
    referred_pain = ""
    how_to_find = "Beside the spine."
    shape = factory.SelfAttribute("slug")

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            self.regions.set(extracted if extracted is not None else [RegionFactory()])


class PropFactory(DjangoModelFactory):
    class Meta:
        model = models.Prop
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"prop-{n}")
    name = factory.Sequence(lambda n: f"Prop {n}")
    summary = "Something to press with."
    description = "A prop."
    cost_rank = 1


class TechniqueFactory(DjangoModelFactory):
    """A technique; `muscles`, `regions` and `props` (a list of OR-groups) are optional."""

    class Meta:
        model = models.Technique
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"technique-{n}")
    name = factory.Sequence(lambda n: f"Technique {n}")
    family = factory.SubFactory(FamilyFactory)
    performer = models.Performer.SELF
    summary = "A movement."
    position = "Sitting upright."
    pressure = models.Pressure.MODERATE
    pressure_note = "Moderate: comfortable, never painful."
    tempo = "Slowly."
    default_seconds = 60
    min_seconds = 30
    max_seconds = 120

    @factory.post_generation
    def muscles(self, create, extracted, **kwargs):
        if create:
            self.muscles.set(extracted if extracted is not None else [MuscleFactory()])

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            if extracted is None:
                extracted = {r for m in self.muscles.all() for r in m.regions.all()}
            self.regions.set(extracted)

    @factory.post_generation
    def props(self, create, extracted, **kwargs):
        for number, group in enumerate(extracted or [], start=1):
            for prop in group:
                models.PropRequirement.objects.create(technique=self, group=number, prop=prop)

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        texts = extracted if extracted is not None else ["Find the spot.", "Press gently."]
        for number, text in enumerate(texts, start=1):
            models.TechniqueStep.objects.create(technique=self, number=number, text=text)


class MovementFactory(DjangoModelFactory):
    """A gentle movement; `regions`, `muscles`, `needs` and `sources` are optional (by default
    one new area, no muscles, nothing needed and one NHS page)."""

    class Meta:
        model = models.Movement
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"movement-{n}")
    name = factory.Sequence(lambda n: f"Movement {n}")
    summary = "Eases a stiff back."
    position = models.Position.LYING_BACK
    setting = models.Setting.FLOOR
    start = "Lie on your back with your knees bent."
    action = "Move slowly.\nCome back to the start."
    reps = 5
    hold_seconds = 5
    move_seconds = 3
    dose = "5 times"
    often = "3 times a day"
    order = factory.Sequence(lambda n: 100 + n)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            self.regions.set(extracted if extracted is not None else [RegionFactory()])

    @factory.post_generation
    def muscles(self, create, extracted, **kwargs):
        if create and extracted:
            self.muscles.set(extracted)

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set(extracted)

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create:
            default = [SourceFactory(url="https://www.nhs.uk/example/", title="An NHS page")]
            self.sources.set(extracted if extracted is not None else default)


class NoGoZoneFactory(DjangoModelFactory):
    class Meta:
        model = models.NoGoZone

    slug = factory.Sequence(lambda n: f"zone-{n}")
    name = factory.Sequence(lambda n: f"Zone {n}")
    label = "No pressure"
    description = "Never press here."
    shape = factory.SelfAttribute("slug")


class ContraindicationFactory(DjangoModelFactory):
    class Meta:
        model = models.Contraindication

    slug = factory.Sequence(lambda n: f"condition-{n}")
    question = factory.Sequence(lambda n: f"Do you have condition {n}?")
    label = factory.Sequence(lambda n: f"Condition {n}")
    effect = models.Contraindication.Effect.REFER
    order = factory.Sequence(lambda n: 1000 + n)
    advice = "See a doctor before massage."
    why = "It may not be safe."


class StopSignalFactory(DjangoModelFactory):
    class Meta:
        model = models.StopSignal

    slug = factory.Sequence(lambda n: f"signal-{n}")
    feeling = factory.Sequence(lambda n: f"A feeling {n}")
    action = models.StopSignal.Action.STOP
    advice = "Stop and rest."
    order = factory.Sequence(lambda n: 1000 + n)


class CareSessionFactory(DjangoModelFactory):
    """A saved session with its steps (`steps` techniques, one step each)."""

    class Meta:
        model = "planner.CareSession"
        skip_postgeneration_save = True

    performer = models.Performer.SELF
    minutes = 5
    total_seconds = 0

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        from backcare.planner.models import CareStep

        for number, technique in enumerate(extracted or [TechniqueFactory()], start=1):
            muscle = technique.muscles.first()
            region = muscle.regions.first()
            CareStep.objects.create(
                session=self,
                number=number,
                phase=Phase.MAIN,
                technique=technique,
                family=technique.family.slug,
                pressure=technique.pressure,
                muscle=muscle,
                region=region,
                # The words the player reads (a saved step never looks its rows up again).
                family_name=technique.family.name,
                family_plain_name=technique.family.plain_name,
                muscle_slug=muscle.slug,
                muscle_name=muscle.name,
                region_slug=region.slug,
                region_name=region.name,
                name=technique.name,
                side=Side.BOTH,
                seconds=technique.default_seconds,
                title=f"{technique.name} · {muscle.name}",
            )
        self.total_seconds = sum(step.seconds for step in self.steps.all())
        self.save(update_fields=["total_seconds"])


def grow_catalogue(times: int = 10, tag: str = "x") -> None:
    """Make the loaded catalogue `times` as large: copies of every muscle, prop, technique,
    contraindication, stop signal, pain spot and movement, wired like the originals (for
    query-count tests and the benchmark). `tag` keeps the copies' slugs unique when growing twice.

    Bulk inserts, so growing ×100 takes seconds; they send no signals, so this gives the
    catalogue a new version itself, as any change does.
    """
    muscles = list(models.Muscle.objects.prefetch_related("regions"))
    props = list(models.Prop.objects.all())
    techniques = list(
        models.Technique.objects.prefetch_related("muscles", "regions", "requirements", "steps")
    )
    contraindications = list(models.Contraindication.objects.all())
    signals = list(models.StopSignal.objects.all())
    spots = list(models.PainSpot.objects.prefetch_related("causes", "warnings"))
    movements = list(
        models.Movement.objects.prefetch_related("regions", "muscles", "needs", "sources")
    )
    with transaction.atomic():
        for copy in range(1, times):
            suffix = f"-{tag}{copy}"
            muscle_copy = _copies(muscles, suffix, copy)
            prop_copy = _copies(props, suffix, copy)
            technique_copy = _copies(techniques, suffix, copy)
            question_copy = _copies(contraindications, suffix, copy, name_field="label")
            spot_copy = _copies(spots, suffix, copy)
            movement_copy = _copies(movements, suffix, copy)
            _copies(signals, suffix, copy, name_field="feeling", order_offset=1000 * copy)
            _link(
                models.Muscle.regions.through,
                [(muscle_copy[m.pk], r.pk) for m in muscles for r in m.regions.all()],
                ("muscle_id", "region_id"),
            )
            _link(
                models.Technique.muscles.through,
                [
                    (technique_copy[t.pk], muscle_copy[m.pk])
                    for t in techniques
                    for m in t.muscles.all()
                ],
                ("technique_id", "muscle_id"),
            )
            _link(
                models.Technique.regions.through,
                [(technique_copy[t.pk], r.pk) for t in techniques for r in t.regions.all()],
                ("technique_id", "region_id"),
            )
            for field, column, copied in (
                ("regions", "region_id", None),
                ("muscles", "muscle_id", muscle_copy),
                ("needs", "prop_id", prop_copy),
                ("sources", "source_id", None),
            ):
                _link(
                    getattr(models.Movement, field).through,
                    [
                        (movement_copy[m.pk], copied[row.pk] if copied else row.pk)
                        for m in movements
                        for row in getattr(m, field).all()
                    ],
                    ("movement_id", column),
                )
            models.PropRequirement.objects.bulk_create(
                models.PropRequirement(
                    technique_id=technique_copy[t.pk], group=r.group, prop_id=prop_copy[r.prop_id]
                )
                for t in techniques
                for r in t.requirements.all()
            )
            models.TechniqueStep.objects.bulk_create(
                models.TechniqueStep(
                    technique_id=technique_copy[t.pk], number=s.number, text=s.text
                )
                for t in techniques
                for s in t.steps.all()
            )
            models.PainCause.objects.bulk_create(
                models.PainCause(
                    spot_id=spot_copy[spot.pk],
                    muscle_id=muscle_copy[c.muscle_id],
                    how=c.how,
                    rank=c.rank,
                    why=c.why,
                )
                for spot in spots
                for c in spot.causes.all()
            )
            models.SpotWarning.objects.bulk_create(
                models.SpotWarning(
                    spot_id=spot_copy[spot.pk],
                    when=w.when,
                    contraindication_id=question_copy[w.contraindication_id],
                )
                for spot in spots
                for w in spot.warnings.all()
            )
        bump()


def _copies(originals, suffix: str, copy: int, name_field="name", order_offset=0) -> dict:
    """Bulk-insert a copy of each row (every field but the id, a new slug and name); returns
    {original id: copy's id}."""
    if not originals:
        return {}
    model = type(originals[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    made = []
    for original in originals:
        row = model(**{f.attname: getattr(original, f.attname) for f in fields})
        row.slug = f"{original.slug}{suffix}"
        setattr(row, name_field, f"{getattr(original, name_field)} {copy}")
        if order_offset:
            row.order += order_offset
        made.append(row)
    made = model.objects.bulk_create(made)
    return {o.pk: m.pk for o, m in zip(originals, made, strict=True)}


def _link(through, pairs, columns: tuple[str, str]) -> None:
    through.objects.bulk_create(through(**dict(zip(columns, pair, strict=True))) for pair in pairs)


def care_session(performer="self", regions=("upper-back",), props=(), minutes=10, movement=True):
    """A saved session composed from the loaded catalogue, as the builder saves one (with its
    movement block unless `movement` is False: a session saved before movements)."""
    from backcare.catalogue.snapshot import catalogue_snapshot
    from backcare.planner.compose import compose
    from backcare.planner.models import CareSession
    from backcare.planner.plan import Request

    ask = Request(performer, tuple(regions), frozenset(props), minutes, movement=movement)
    snapshot = catalogue_snapshot()
    return CareSession.objects.create_from_plan(compose(snapshot, ask), ask, snapshot)


def as_owner(client, session):
    """`client` is now the browser that built `session` (it holds the owner cookie)."""
    from backcare.planner.memory import OWNER_COOKIE, owner_key

    client.cookies[OWNER_COOKIE] = owner_key(session.code)
    return client


def screened(client, flags=(), areas=()):
    """`client` answered today's safety screen: nothing applies, or the answers `flags` (with
    the `areas` an area's problem is in). Both copies, as the screen sets them."""
    from django.http import HttpResponse

    from backcare.planner.memory import ScreenAnswers, remember_screen

    response = HttpResponse()
    remember_screen(response, ScreenAnswers(tuple(flags), tuple(areas)))
    for name, morsel in response.cookies.items():
        client.cookies[name] = morsel.value
        client.cookies[name]["path"] = morsel["path"]
    return client


def leave_out(session, *slugs: str) -> None:
    """The safety answers had left these areas out when `session` was built."""
    regions = models.Region.objects.filter(slug__in=slugs).order_by("order", "slug")
    session.left_out.add(*regions)
    session.left_out_areas = [[region.slug, region.name] for region in regions]
    session.save(update_fields=["left_out_areas"])


def last_run(session):
    """The newest run of `session` (a time it was followed, with its ratings), or None."""
    from backcare.planner.models import Run

    return Run.objects.filter(session=session).order_by("-started_at", "-pk").first()


def ratings(session) -> tuple:
    """(pain before, pain after) of the newest run of `session`; (None, None) with none."""
    run = last_run(session)
    return (run.pain_before, run.pain_after) if run else (None, None)


def followed(session, days_ago: float = 0, **ratings):
    """A run of `session` begun `days_ago` days ago, with these ratings (and finished_at)."""
    from datetime import timedelta

    from django.utils import timezone

    from backcare.planner.models import Run

    run = Run.objects.begin(session, **ratings)
    if days_ago:
        run.started_at = timezone.now() - timedelta(days=days_ago)
        run.save(update_fields=["started_at"])
    return run


def with_movement(session, number: int | None = None, **fields):
    """`session` with a movement step (phase "move"), as the composer saves one: at `number`
    (the steps from there on move down one), else last. Knee rolls by default, counted the way
    `fields` say (pattern, reps, hold, move; its seconds follow from them)."""
    from backcare.catalogue.choices import Pattern, Position
    from backcare.planner.models import MOVEMENT_KEPT, CareStep

    steps = session.steps.order_by("-number")
    number = number or (steps.first().number + 1 if steps.exists() else 1)
    for later in steps.filter(number__gte=number):  # from the last, so numbers stay unique
        later.number += 1
        later.save(update_fields=["number"])
    values = {
        "name": "Knee rolls",
        "pose": Position.LYING_BACK,
        "setting": "floor",
        "position": "On your back, a small cushion under your head, knees bent and together.",
        "instructions": [
            "Let both knees roll slowly to one side, shoulders on the floor.",
            "Stay there for a breath, then bring them back to the middle.",
        ],
        "how_hard": "Only as far as feels comfortable",
        "pace": "Slow and smooth",
        "cautions": "Stop if it makes your symptoms worse or causes new pain.",
        "region_slug": "lower-back",
        "region_name": "Lower back",
        "pattern": Pattern.ALTERNATE,
        "reps": 4,
        "hold": 3,
        "move": 4,
        "dose": "Hold for one deep breath, 8 to 10 times.",
        "often": "Every day.",
        "watch": "That both shoulders stay on the floor and the knees go only as far as is easy.",
        "source": "Lower back pain exercises (NHS)",
        "source_url": "https://www.nhs.uk/live-well/exercise/lower-back-pain-exercises/",
        **fields,
    }
    sides = 2 if values["pattern"] in (Pattern.EACH_SIDE, Pattern.ALTERNATE) else 1
    values.setdefault("seconds", values["reps"] * sides * (values["move"] + values["hold"]))
    values.setdefault("title", f"{values['name']} · {values['region_name']}")
    moving = {name: values.pop(name) for name in MOVEMENT_KEPT if name in values}
    step = CareStep.objects.create(
        session=session,
        number=number,
        phase=Phase.MOVE,
        family="",
        pressure=1,
        moving=moving,
        **values,
    )
    session.total_seconds = sum(s.seconds for s in session.steps.all())
    session.save(update_fields=["total_seconds"])
    return step


def owned_plan(client, **fields):
    """A two-week plan starting today (Monday, Wednesday and Friday; 10 and 20 minutes), made
    by the browser `client` (it holds the plans cookie, each copy at its path)."""
    from django.http import HttpResponse
    from django.utils import timezone

    from backcare.planner.memory import remember_plans
    from backcare.plans.models import CarePlan

    values = dict(starts=timezone.localdate(), weekdays=[0, 2, 4], performer="self")
    plan = CarePlan.objects.create(**values | dict(short_minutes=10, long_minutes=20) | fields)
    response = HttpResponse()
    remember_plans(response, [plan.code])
    for name, morsel in response.cookies.items():
        client.cookies[name] = morsel.value
        client.cookies[name]["path"] = morsel["path"]
    return plan
