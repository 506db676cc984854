"""factory-boy factories for every catalogue model (tests build the data they need)."""

import factory
from factory.django import DjangoModelFactory

from backcare.catalogue import models


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


class ToolFactory(DjangoModelFactory):
    class Meta:
        model = models.Tool
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
    pressure_note = "Firm but comfortable."
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
            for tool in group:
                models.ToolRequirement.objects.create(technique=self, group=number, tool=tool)

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        texts = extracted if extracted is not None else ["Find the spot.", "Press gently."]
        for number, text in enumerate(texts, start=1):
            models.TechniqueStep.objects.create(technique=self, number=number, text=text)


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
            CareStep.objects.create(
                session=self,
                number=number,
                phase=CareStep.Phase.MAIN,
                technique=technique,
                muscle=muscle,
                region=muscle.regions.first(),
                side=CareStep.Side.BOTH,
                seconds=technique.default_seconds,
                title=f"{technique.name} · {muscle.name}",
            )
        self.total_seconds = sum(step.seconds for step in self.steps.all())
        self.save(update_fields=["total_seconds"])


def grow_catalogue(times: int = 10, tag: str = "x") -> None:
    """Make the loaded catalogue `times` as large: copies of every muscle, prop, technique,
    contraindication and stop signal, wired like the originals (for query-count tests and
    the benchmark). `tag` keeps the copies' slugs unique when growing twice."""
    muscles = list(models.Muscle.objects.prefetch_related("regions"))
    tools = list(models.Tool.objects.all())
    techniques = list(
        models.Technique.objects.with_details().prefetch_related("muscles", "regions")
    )
    contraindications = list(models.Contraindication.objects.all())
    signals = list(models.StopSignal.objects.all())
    for copy in range(1, times):
        muscle_copy = {
            m.pk: MuscleFactory(
                slug=f"{m.slug}-{tag}{copy}",
                name=f"{m.name} {copy}",
                regions=list(m.regions.all()),
                depth=m.depth,
                shape=m.shape,
            )
            for m in muscles
        }
        tool_copy = {
            t.pk: ToolFactory(
                slug=f"{t.slug}-{tag}{copy}", name=f"{t.name} {copy}", cost_rank=t.cost_rank
            )
            for t in tools
        }
        for t in techniques:
            TechniqueFactory(
                slug=f"{t.slug}-{tag}{copy}",
                name=f"{t.name} {copy}",
                family=t.family,
                performer=t.performer,
                pressure=t.pressure,
                each_side=t.each_side,
                warm_up=t.warm_up,
                main=t.main,
                finish=t.finish,
                default_seconds=t.default_seconds,
                min_seconds=t.min_seconds,
                max_seconds=t.max_seconds,
                muscles=[muscle_copy[m.pk] for m in t.muscles.all()],
                regions=list(t.regions.all()),
                props=[[tool_copy[tool.pk] for tool in group] for group in t.prop_groups()],
                steps=[s.text for s in t.steps.all()],
            )
        for c in contraindications:
            ContraindicationFactory(
                slug=f"{c.slug}-{tag}{copy}",
                label=f"{c.label} {copy}",
                effect=c.effect,
                max_pressure=c.max_pressure,
            )
        for s in signals:
            StopSignalFactory(
                slug=f"{s.slug}-{tag}{copy}",
                feeling=s.feeling,
                action=s.action,
                advice=s.advice,
                order=1000 * copy + s.order,
            )


def care_session(performer="self", regions=("upper-back",), props=(), minutes=10):
    """A saved session composed from the loaded catalogue, as the builder saves one."""
    from backcare.planner.compose import Request, compose
    from backcare.planner.models import CareSession
    from backcare.planner.snapshot import catalogue_snapshot

    ask = Request(performer, tuple(regions), frozenset(props), minutes)
    return CareSession.objects.create_from_plan(compose(catalogue_snapshot(), ask), ask)
