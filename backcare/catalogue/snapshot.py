"""Read the catalogue into the plain values of `backcare.catalogue.values` (a handful of
queries, once per catalogue version in each process)."""

from django.db.models import Prefetch

from backcare.catalogue.cache import also_forget, remember
from backcare.catalogue.models import (
    Contraindication,
    Guideline,
    Movement,
    NoGoZone,
    PainCause,
    PainSpot,
    Prop,
    Region,
    SpotWarning,
    StopSignal,
    Technique,
)
from backcare.catalogue.values import (
    Area,
    Cause,
    FamilyInfo,
    GuidelineInfo,
    Line,
    MovementInfo,
    MuscleInfo,
    PropInfo,
    Question,
    Signal,
    Snapshot,
    Spot,
    TechniqueInfo,
    Wording,
    Zone,
)
from backcare.catalogue.version import current

# The current version's snapshot, in front of the cache in each process: the composer reads
# it on every builder request, and a copy unpickled from the cache each time would cost more
# than composing (it grows with the catalogue: 0.2 ms at the shipped size, ~20 ms at ×100).
_front: tuple[str, Snapshot] | None = None


def catalogue_snapshot() -> Snapshot:
    """The snapshot for the catalogue's current version (read once per version)."""
    global _front
    token = current()
    if token is None:
        return read_snapshot()
    front = _front
    if front is not None and front[0] == token:
        return front[1]
    snapshot = remember("catalogue.snapshot", read_snapshot)  # built once for all processes
    _front = (token, snapshot)
    return snapshot


def _forget_front() -> None:
    global _front
    _front = None


also_forget(_forget_front)


def read_snapshot() -> Snapshot:
    """The catalogue read afresh from the database."""
    techniques = Technique.objects.select_related("family").prefetch_related(
        "muscles__regions",
        # The areas each muscle sends pain to: the pain finder's spots on the back.
        Prefetch(
            "muscles__pain_causes",
            PainCause.objects.filter(
                how=PainCause.How.REFERS_HERE, spot__region__isnull=False
            ).select_related("spot__region"),
            to_attr="felt_in",
        ),
        "regions",
        "requirements__prop",
        "helpful_props",
        "steps",
    )
    zones = NoGoZone.objects.select_related("region").prefetch_related("families")
    regions = list(Region.objects.values_list("pk", "slug", "name", "knots_common"))
    slugs = {pk: slug for pk, slug, _, _ in regions}
    techniques, props = list(techniques), list(Prop.objects.all())
    muscles = {m.slug: m.pk for t in techniques for m in t.muscles.all()}
    # Read after the rest (the queryset keeps its rows for the ids below).
    movements = Movement.objects.prefetch_related("regions", "muscles", "needs", "sources")
    questions = {
        c.slug: question_of(c)
        for c in Contraindication.objects.prefetch_related("excluded_families")
    }
    return Snapshot(
        regions=tuple(Area(slug, name) for _, slug, name, _ in regions),
        techniques=tuple(_technique(t, slugs) for t in techniques),
        props=tuple(PropInfo(t.slug, t.name, t.cost_rank) for t in props),
        barred=tuple(
            (zone.region.slug, frozenset(f.slug for f in zone.families.all()))
            for zone in zones
            if zone.whole_region
        ),
        zones=tuple(
            Zone(
                zone.region and zone.region.slug,
                zone.keep_off,
                frozenset(f.slug for f in zone.families.all()),
            )
            for zone in zones
        ),
        knotty=frozenset(slug for _, slug, _, knots in regions if knots),
        guidelines=tuple(
            GuidelineInfo(g.slug, g.value, g.note, g.is_own_advice)
            for g in Guideline.objects.marked()
        ),
        questions=tuple(questions.values()),
        signals=tuple(
            Signal(s.slug, s.feeling, s.action, s.advice, s.order) for s in StopSignal.objects.all()
        ),
        spots=_spots(questions, frozenset(muscles)),
        movements=tuple(_movement(m) for m in movements),
        row_ids=(
            *(("technique", t.slug, t.pk) for t in techniques),
            *(("muscle", slug, pk) for slug, pk in muscles.items()),
            *(("region", slug, pk) for pk, slug, _, _ in regions),
            *(("prop", p.slug, p.pk) for p in props),
            *(("movement", m.slug, m.pk) for m in movements),
        ),
    )


def _technique(t: Technique, region_slugs: dict[int, str]) -> TechniqueInfo:
    hold = t.hold_min_seconds, t.hold_max_seconds
    return TechniqueInfo(
        slug=t.slug,
        name=t.name,
        family=t.family.slug,
        family_order=t.family.order,
        performer=t.performer,
        pressure=t.pressure,
        default_seconds=t.default_seconds,
        min_seconds=t.min_seconds,
        max_seconds=t.max_seconds,
        muscles=tuple(
            MuscleInfo(
                m.slug,
                m.name,
                tuple(r.slug for r in m.regions.all()),
                m.bilateral,
                tuple(dict.fromkeys(cause.spot.region.slug for cause in m.felt_in)),
                m.summary,
            )
            for m in t.muscles.all()
        ),
        regions=tuple(r.slug for r in t.regions.all()),
        prop_groups=tuple(tuple(prop.slug for prop in g) for g in t.prop_groups()),
        each_side=t.each_side,
        warm_up=t.warm_up,
        main=t.main,
        finish=t.finish,
        setting=t.setting,
        helpful=tuple(prop.slug for prop in t.helpful_props.all()),
        spans=t.spans_regions,
        family_name=t.family.name,
        family_plain_name=t.family.plain_name,
        wording=Wording(
            position=t.position,
            lines=tuple(
                Line(region_slugs.get(line.region_id), line.text) for line in t.steps.all()
            ),
            pressure_note=t.pressure_note,
            tempo=t.tempo,
            hold=hold if None not in hold else None,
            direction=t.direction,
            cautions=t.cautions,
        ),
    )


# The fields a plain value takes from its row as they are (the rest are read or reshaped).
MOVEMENT_SAME = "slug name position setting pattern reps dose often start tips when_not watch order"
QUESTION_SAME = (
    "slug question label effect order advice why max_pressure max_minutes keep_off_because"
    " movement_caution"
)


def _same(row, names: str) -> dict:
    return {name: getattr(row, name) for name in names.split()}


def _movement(m: Movement) -> MovementInfo:
    # Its NHS or NICE page: the first source with an address (the validator asks for one).
    source = next((s for s in m.sources.all() if s.url), None)
    return MovementInfo(
        **_same(m, MOVEMENT_SAME),
        regions=tuple(r.slug for r in m.regions.all()),
        muscles=tuple(muscle.slug for muscle in m.muscles.all()),
        needs=tuple(p.slug for p in m.needs.all()),
        motions=frozenset(m.motions),
        hold=m.hold_seconds,
        move=m.move_seconds,
        action=tuple(m.action_lines()),
        source=source.title if source else "",
        source_url=source.url if source else "",
    )


def question_of(c: Contraindication) -> Question:
    """A screening question's row as the plain value screening reads."""
    families = sorted(c.excluded_families.all(), key=lambda f: (f.order, f.slug))
    return Question(
        **_same(c, QUESTION_SAME),
        excluded_families=tuple(FamilyInfo(f.slug, f.plain_name, f.order) for f in families),
        excluded_positions=tuple(c.excluded_positions),
        excluded_motions=tuple(c.excluded_motions),
    )


def _spots(questions: dict[str, Question], worked: frozenset[str]) -> tuple[Spot, ...]:
    """The pain finder's spots with the muscles behind each and the questions pain there
    answers, top of the body first. `worked`: the muscles some technique works."""
    causes = PainCause.objects.select_related("muscle").prefetch_related("muscle__regions")
    warnings = SpotWarning.objects.select_related("contraindication")
    spots = PainSpot.objects.select_related("region").prefetch_related(
        Prefetch("causes", causes), Prefetch("warnings", warnings)
    )
    return tuple(
        Spot(
            slug=spot.slug,
            name=spot.name,
            region=spot.region.slug if spot.region else None,
            bilateral=spot.bilateral,
            shape=spot.shape,
            causes=tuple(
                Cause(
                    muscle=c.muscle.slug,
                    name=c.muscle.name,
                    how=c.how,
                    rank=c.rank,
                    why=c.why,
                    regions=tuple(r.slug for r in c.muscle.regions.all()),
                    bilateral=c.muscle.bilateral,
                    order=c.muscle.order,
                    worked=c.muscle.slug in worked,
                )
                for c in spot.causes.all()
            ),
            warnings=tuple(
                (w.when, questions[w.contraindication.slug]) for w in spot.warnings.all()
            ),
            note=spot.note,
        )
        for spot in spots
    )
