"""The catalogue as plain values, and the rules about what reaches where: pure, no ORM.

`backcare.catalogue.snapshot` reads them from the database. The session composer, the
builder's prop hints and the prop pages all answer "what does this prop let me reach?" from
`reachable()` here, so they can't disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, Protocol

from backcare.catalogue.choices import (
    EVERYDAY,
    SIDES,
    CauseHow,
    Effect,
    Pattern,
    Performer,
    Pressure,
    SignalAction,
)


# ---------- The catalogue, as plain values ----------
class Area(NamedTuple):
    """An area of the back (catalogue Region): a pair, so `dict(snapshot.regions)` works."""

    slug: str
    name: str


@dataclass(frozen=True)
class Line:
    """An instruction line: for every area the technique works (region None), or for one."""

    region: str | None
    text: str

    def is_for(self, areas: Iterable[str]) -> bool:
        """Whether a step on `areas` says this line (models.Technique.lines_for: the same rule
        on the rows)."""
        return self.region is None or self.region in areas


@dataclass(frozen=True)
class Wording:
    """A technique's words, as the catalogue holds them."""

    position: str = ""
    lines: tuple[Line, ...] = ()
    pressure_note: str = ""
    tempo: str = ""
    hold: tuple[int, int] | None = None  # seconds on one tender spot
    direction: str = ""
    cautions: str = ""


@dataclass(frozen=True)
class Zone:
    """A place to keep off: in one area, or (region None) running through every area; for
    some kinds of work only (rolling), or (no families) for all of them."""

    region: str | None
    keep_off: str
    families: frozenset[str] = frozenset()

    def concerns(self, family: str, region: str) -> bool:
        """A step of this kind of work on this area must be told to keep off it."""
        return (
            bool(self.keep_off)
            and self.region in (None, region)
            and (not self.families or family in self.families)
        )


@dataclass(frozen=True)
class MuscleInfo:
    slug: str
    name: str
    regions: tuple[str, ...]
    bilateral: bool = True
    refers_pain_to: tuple[str, ...] = ()  # areas where its tension is often felt
    summary: str = ""  # what it is, in a sentence or two (a saved step's aim starts from it)


@dataclass(frozen=True)
class TechniqueInfo:
    slug: str
    name: str
    family: str
    family_order: int
    performer: str
    pressure: int
    default_seconds: int
    min_seconds: int
    max_seconds: int
    muscles: tuple[MuscleInfo, ...]
    regions: tuple[str, ...]
    prop_groups: tuple[tuple[str, ...], ...] = ()
    each_side: bool = False
    warm_up: bool = False
    main: bool = True
    finish: bool = False
    setting: str = "sitting"
    helpful: tuple[str, ...] = ()  # props that help, never needed (oil, a mat)
    wording: Wording = field(default_factory=Wording)
    # One pass covers every area it lists (a stroke up the whole back): a warm-up or finish
    # only when all of them are worked.
    spans: bool = False
    family_name: str = ""  # "Effleurage", as a saved step shows it
    family_plain_name: str = ""  # "stroking"

    def usable_with(self, props: Iterable[str]) -> bool:
        """Every prop group is met: any one prop of each group (hands need none)."""
        owned = set(props)
        return all(any(prop in owned for prop in group) for group in self.prop_groups)

    def muscles_in(self, region: str) -> tuple[MuscleInfo, ...]:
        if region not in self.regions:
            return ()
        return tuple(m for m in self.muscles if region in m.regions)

    @property
    def hand_work(self) -> bool:
        """Your own hands do it, with no prop: they tire."""
        return self.performer == Performer.SELF and not self.prop_groups

    def props_for(self, owned: Iterable[str]) -> tuple[str, ...]:
        """The props this person would use for it: the first they own of each group, then the
        helpful ones they own."""
        owned = set(owned)
        needed = [next(t for t in group if t in owned) for group in self.prop_groups]
        return tuple(dict.fromkeys([*needed, *(t for t in self.helpful if t in owned)]))


@dataclass(frozen=True)
class MovementInfo:
    """A gentle movement from NHS exercise guidance (catalogue Movement): the person who has
    the back pain does it, in a session's movement block and between sessions."""

    slug: str
    name: str
    position: str  # a Position: how the person is placed
    setting: str  # a Setting: a session keeps steps in one place together
    regions: tuple[str, ...]  # the areas of the back it moves, top first
    muscles: tuple[str, ...] = ()  # the muscles it reaches (slugs)
    needs: tuple[str, ...] = ()  # what every home has that it needs (prop slugs: a chair)
    motions: frozenset[str] = frozenset()  # Motion: what it asks of the spine
    pattern: str = Pattern.HOLD
    reps: int = 5  # repetitions (on each side, for each_side and alternate)
    hold: int = 0  # seconds each repetition is held
    move: int = 3  # seconds to move into it and back again
    dose: str = ""  # how much, as the source says it: "Hold for one deep breath, 8 to 10 times."
    often: str = ""  # how often the source says to do it
    start: str = ""  # the start position
    action: tuple[str, ...] = ()  # what to do, a line each
    tips: str = ""
    when_not: str = ""  # who leaves it out or changes it
    watch: str = ""  # in a partner session: what the giver watches for
    source: str = ""  # the NHS or NICE page it comes from: its title…
    source_url: str = ""  # …and address
    order: int = 0

    @property
    def sides(self) -> int:
        return 2 if self.pattern in (Pattern.EACH_SIDE, Pattern.ALTERNATE) else 1

    @property
    def seconds(self) -> int:
        """How long it takes at its dose: each repetition is a move and a hold, per side."""
        return self.reps * self.sides * (self.move + self.hold)


# ---------- Safety: the screen's questions, the signals to stop, the pain finder's spots ----------
class ScreeningRule:
    """What a yes to a screening question does: the rules once, for the catalogue row
    (models.Contraindication) and its plain value (`Question`). Each says for itself whether
    it bars a kind of work, `bars_families()` (a related manager on the row, slugs here)."""

    effect: str
    max_pressure: int | None
    max_minutes: int | None
    bars_families: Callable[[], bool]

    @property
    def stops_session(self) -> bool:
        return self.effect in (Effect.REFER_URGENTLY, Effect.REFER)

    @property
    def urgent(self) -> bool:
        """A red flag: a yes means get medical help now (the screen, the pain finder)."""
        return self.effect == Effect.REFER_URGENTLY

    @property
    def asks_for_area(self) -> bool:
        return self.effect == Effect.AVOID_REGION

    @property
    def gentler(self) -> bool:
        """A limit on how hard or what kind of work."""
        return self.effect == Effect.LIMIT and bool(self.max_pressure or self.bars_families())

    @property
    def only_shortens(self) -> bool:
        """A limit on the session's length alone: how a session is given, like a guideline."""
        return self.effect == Effect.LIMIT and bool(self.max_minutes) and not self.gentler


@dataclass(frozen=True)
class FamilyInfo:
    slug: str
    plain_name: str  # "stroking"
    order: int = 0


@dataclass(frozen=True)
class Question(ScreeningRule):
    """A screening question and what a yes does (catalogue Contraindication)."""

    slug: str
    question: str
    label: str
    effect: str
    order: int
    advice: str = ""
    why: str = ""
    max_pressure: int | None = None
    max_minutes: int | None = None
    excluded_families: tuple[FamilyInfo, ...] = ()
    keep_off_because: str = ""
    excluded_positions: tuple[str, ...] = ()  # Position: movements done so are left out
    excluded_motions: tuple[str, ...] = ()  # Motion: movements that do these are left out
    movement_caution: str = ""  # said on every movement step after a yes

    def __str__(self) -> str:
        return self.label

    def bars_families(self) -> bool:
        return bool(self.excluded_families)


class SignalRule:
    """What a feeling during a session calls for (models.StopSignal and `Signal`)."""

    action: str

    @property
    def stop_now(self) -> bool:
        return self.action == SignalAction.STOP

    def get_action_display(self) -> str:
        return SignalAction(self.action).label


@dataclass(frozen=True)
class Signal(SignalRule):
    slug: str
    feeling: str
    action: str
    advice: str
    order: int = 0

    def __str__(self) -> str:
        return self.feeling


@dataclass(frozen=True)
class GuidelineInfo:
    """A number the planner follows, with its note as people read it."""

    slug: str
    value: int
    note: str = ""
    is_own_advice: bool = False  # Backcare's advice, not a source's


@dataclass(frozen=True)
class Cause:
    """A muscle that may be behind pain at a spot (catalogue PainCause)."""

    muscle: str
    name: str
    how: str  # CauseHow
    rank: int
    why: str
    regions: tuple[str, ...]  # the areas of the back the muscle lies in
    bilateral: bool
    order: int
    worked: bool = True  # some technique works it (a session can be built for it)

    @property
    def lies_here(self) -> bool:
        return self.how == CauseHow.LIES_HERE


@dataclass(frozen=True)
class Spot:
    """A place on the body the pain finder offers (catalogue PainSpot)."""

    slug: str
    name: str
    region: str | None  # the area of the back it lies in (None: the head, the leg)
    bilateral: bool
    shape: str
    causes: tuple[Cause, ...]
    warnings: tuple[tuple[str, Question], ...]  # (WarnWhen, the question it answers)
    note: str = ""  # when to see a GP about pain here, for a place no muscle explains

    def choices(self) -> tuple[tuple[str, str], ...]:
        """(value, side) the finder's form offers: one per side, or the spot on the midline."""
        if self.bilateral:
            return tuple((f"{self.slug}:{side}", side) for side in SIDES)
        return ((self.slug, ""),)

    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices())

    def warned(self, when: str) -> tuple[Question, ...]:
        return tuple(c for w, c in self.warnings if w == when)


@dataclass(frozen=True)
class PropInfo:
    slug: str
    name: str
    cost_rank: int


class Kind(Protocol):
    """What the screen judges of a piece of work: a catalogue technique, or a saved step."""

    family: str  # a Family slug
    pressure: int  # a Pressure


BARRED_FAMILY, TOO_FIRM = "family", "pressure"  # why an allowance refuses a kind of work


@dataclass(frozen=True)
class Allowance:
    """What the safety screen allows, reduced to what choosing techniques needs."""

    excluded_regions: frozenset[str] = frozenset()
    max_pressure: int = Pressure.FIRM
    excluded_families: frozenset[str] = frozenset()
    max_minutes: int | None = None  # the longest session allowed (None: any length)
    excluded_positions: frozenset[str] = frozenset()  # for movements
    excluded_motions: frozenset[str] = frozenset()
    movement_cautions: tuple[str, ...] = ()  # said on every movement step

    def moves(self, movement: MovementInfo) -> bool:
        """The movement is allowed: its position and what it asks of the spine, and every
        area it moves (an area left out stays out)."""
        return not (
            self.bars_movement(movement.position, movement.motions)
            or self.excluded_regions.intersection(movement.regions)
        )

    def bars_movement(self, position: str, motions: Iterable[str]) -> bool:
        """A movement done in `position`, asking `motions` of the spine, is not allowed
        (where it goes is checked apart)."""
        return position in self.excluded_positions or not self.excluded_motions.isdisjoint(motions)

    def objection(self, work: Kind) -> str:
        """Why the work's kind is not allowed (BARRED_FAMILY, TOO_FIRM), or "" when it is.
        Where it goes is checked apart (`excluded_regions`)."""
        if work.family in self.excluded_families:
            return BARRED_FAMILY
        if work.pressure > self.max_pressure:
            return TOO_FIRM
        return ""

    def permits(self, work: Kind) -> bool:
        """The work's kind and pressure are allowed (where it goes is checked apart)."""
        return not self.objection(work)


NO_LIMITS = Allowance()


@dataclass(frozen=True)
class Snapshot:
    regions: tuple[Area, ...]  # top to bottom
    techniques: tuple[TechniqueInfo, ...]
    props: tuple[PropInfo, ...]
    # (region, families barred there); an empty family set bars every kind of pressure.
    barred: tuple[tuple[str, frozenset[str]], ...] = ()
    # Places every step in their area keeps off (the spine, the kidneys).
    zones: tuple[Zone, ...] = ()
    # Areas where knots are a common find: a hold on a knot comes first there.
    knotty: frozenset[str] = frozenset()
    # Numbers from the sources the planner follows.
    guidelines: tuple[GuidelineInfo, ...] = ()
    questions: tuple[Question, ...] = ()  # the safety screen's, in its order
    signals: tuple[Signal, ...] = ()  # what to do about a feeling during a session, in order
    spots: tuple[Spot, ...] = ()  # the pain finder's, top of the body first
    movements: tuple[MovementInfo, ...] = ()  # in the catalogue's order
    # The database ids of the rows a saved session links to: (kind, slug, id), kind being
    # "technique", "muscle", "region", "prop" or "movement". Only saving reads them.
    row_ids: tuple[tuple[str, str, int], ...] = ()

    @cached_property
    def _ids(self) -> dict[tuple[str, str], int]:
        return {(kind, slug): pk for kind, slug, pk in self.row_ids}

    def id_of(self, kind: str, slug: str) -> int | None:
        return self._ids.get((kind, slug))

    @cached_property
    def _region_orders(self) -> dict[str, int]:
        return {slug: i for i, (slug, _) in enumerate(self.regions)}

    @cached_property
    def _region_names(self) -> dict[str, str]:
        return dict(self.regions)

    @cached_property
    def _techniques(self) -> dict[str, TechniqueInfo]:
        return {t.slug: t for t in self.techniques}

    def technique(self, slug: str) -> TechniqueInfo | None:
        return self._techniques.get(slug)

    @cached_property
    def _props(self) -> dict[str, PropInfo]:
        return {t.slug: t for t in self.props}

    @cached_property
    def muscle_names(self) -> dict[str, str]:
        """Every muscle some technique works: slug -> name, top of the back first (a muscle
        left in no area, its area deleted by an editor, last)."""
        found = {m.slug: m for t in self.techniques for m in t.muscles}
        last = len(self.regions)
        return {
            slug: m.name
            for slug, m in sorted(
                found.items(),
                key=lambda i: (min(map(self.region_order, i[1].regions), default=last), i[0]),
            )
        }

    def builds_for(self, muscle: str) -> bool:
        """A session can be built for this muscle: some technique works it (the builder
        offers it; the muscle's page and the pain finder link to it)."""
        return muscle in self.muscle_names

    def region_order(self, slug: str) -> int:
        return self._region_orders[slug]

    def region_name(self, slug: str) -> str:
        return self._region_names[slug]

    def prop(self, slug: str) -> PropInfo:
        return self._props[slug]

    @cached_property
    def notes(self) -> dict[str, GuidelineInfo]:
        """The guidelines by slug."""
        return {g.slug: g for g in self.guidelines}

    def guideline(self, slug: str, default: int) -> int:
        found = self.notes.get(slug)
        return found.value if found else default

    @property
    def during_a_session(self) -> tuple[Signal, ...]:
        """What makes a person stop or ease off (the stop page, the card): the signals that
        say carry on are for the safety page alone."""
        return tuple(s for s in self.signals if s.action != SignalAction.CARRY_ON)

    @property
    def stop_now(self) -> tuple[Signal, ...]:
        return tuple(s for s in self.signals if s.stop_now)

    @property
    def urgent(self) -> tuple[Question, ...]:
        """The red flags: a yes means get medical help now."""
        return tuple(q for q in self.questions if q.urgent)

    @cached_property
    def everyday(self) -> frozenset[str]:
        """What every home has (a wall, a chair, the floor): never needs ticking."""
        return frozenset(t.slug for t in self.props if t.cost_rank == EVERYDAY)

    def is_barred(self, family: str, region: str) -> bool:
        return any(r == region and (not fams or family in fams) for r, fams in self.barred)

    def works(self, technique: TechniqueInfo, region: str) -> bool:
        """The one rule for "this technique can work that area": it is applied there, on a
        muscle that lies there, and no no-go zone bars its kind there."""
        return bool(technique.muscles_in(region)) and not self.is_barred(technique.family, region)

    # Indexes worked out once per snapshot, so a request needn't go through the whole catalogue.
    @cached_property
    def working(self) -> dict[tuple[str, str], tuple[TechniqueInfo, ...]]:
        """(performer, area) -> the main techniques that work it, in the catalogue's order."""
        found: dict[tuple[str, str], list[TechniqueInfo]] = {}
        for t in self.techniques:
            if t.main:
                for region in t.regions:
                    if self.works(t, region):
                        found.setdefault((t.performer, region), []).append(t)
        return {key: tuple(found_) for key, found_ in found.items()}

    @cached_property
    def _working_split(
        self,
    ) -> tuple[dict[tuple[str, str], tuple], dict[tuple[str, str, str], tuple]]:
        """(performer, area) -> the working techniques every home can do (bare hands, a wall);
        (performer, area, prop) -> those that need that prop (besides everyday ones)."""
        free: dict[tuple[str, str], list[TechniqueInfo]] = {}
        needing: dict[tuple[str, str, str], list[TechniqueInfo]] = {}
        for (performer, region), techniques in self.working.items():
            for t in techniques:
                if t.usable_with(self.everyday):
                    free.setdefault((performer, region), []).append(t)
                    continue
                for prop in {s for g in t.prop_groups for s in g} - self.everyday:
                    needing.setdefault((performer, region, prop), []).append(t)
        return (
            {key: tuple(found) for key, found in free.items()},
            {key: tuple(found) for key, found in needing.items()},
        )

    def working_with(
        self, performer: str, region: str, props: Iterable[str]
    ) -> list[TechniqueInfo]:
        """The main techniques that work an area for this performer with these props (and what
        every home has), in the catalogue's order; without looking at the rest."""
        free, needing = self._working_split
        found = list(free.get((performer, region), ()))
        maybe = {id(t): t for prop in props for t in needing.get((performer, region, prop), ())}
        owned = self.everyday | frozenset(props)
        found += [t for t in maybe.values() if t.usable_with(owned)]
        return found

    @cached_property
    def bookends(self) -> dict[str, tuple[TechniqueInfo, ...]]:
        """Performer -> the techniques that suit a warm-up or a finish, gentlest first."""
        found: dict[str, list[TechniqueInfo]] = {}
        for t in sorted(self.techniques, key=lambda t: (t.pressure, t.family_order, t.slug)):
            if t.warm_up or t.finish:
                found.setdefault(t.performer, []).append(t)
        return {performer: tuple(found_) for performer, found_ in found.items()}

    @cached_property
    def using(self) -> dict[str, tuple[TechniqueInfo, ...]]:
        """Prop -> the techniques that need it or are helped by it."""
        found: dict[str, list[TechniqueInfo]] = {}
        for t in self.techniques:
            for prop in dict.fromkeys([*(s for g in t.prop_groups for s in g), *t.helpful]):
                found.setdefault(prop, []).append(t)
        return {prop: tuple(found_) for prop, found_ in found.items()}

    @cached_property
    def moving(self) -> dict[tuple[str, str], tuple[MovementInfo, ...]]:
        """(area, setting) -> the movements done there that move it, in the catalogue's
        order."""
        found: dict[tuple[str, str], list[MovementInfo]] = {}
        for m in sorted(self.movements, key=lambda m: (m.order, m.slug)):
            for region in m.regions:
                found.setdefault((region, m.setting), []).append(m)
        return {key: tuple(found_) for key, found_ in found.items()}

    @cached_property
    def feeders(self) -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
        """Area -> (another area, the muscles lying there whose tension is felt in the first):
        the hips feed the lower back."""
        found: dict[str, dict[str, list[str]]] = {}
        muscles = {m.slug: m for t in self.techniques for m in t.muscles}
        for muscle in sorted(muscles.values(), key=lambda m: m.slug):
            for felt in muscle.refers_pain_to:
                for lies in muscle.regions:
                    if lies != felt:
                        found.setdefault(felt, {}).setdefault(lies, []).append(muscle.slug)
        return {
            felt: tuple(
                (lies, tuple(slugs))
                for lies, slugs in sorted(by_area.items(), key=lambda i: self.region_order(i[0]))
            )
            for felt, by_area in found.items()
        }


def reachable(
    snapshot: Snapshot,
    performer: str,
    props: Iterable[str],
    allowance: Allowance = NO_LIMITS,
) -> set[str]:
    """Areas some allowed main technique works for this performer with these props (and what
    every home has)."""
    return {
        region
        for region, _ in snapshot.regions
        if any(allowance.permits(t) for t in snapshot.working_with(performer, region, props))
    }


def unlocks(
    snapshot: Snapshot, performer: str, allowance: Allowance = NO_LIMITS
) -> dict[str, tuple[str, ...]]:
    """For each prop: the areas it opens beyond bare hands and what every home has."""
    base = reachable(snapshot, performer, (), allowance)
    return {
        prop.slug: tuple(
            sorted(
                reachable(snapshot, performer, {prop.slug}, allowance) - base,
                key=snapshot.region_order,
            )
        )
        for prop in snapshot.props
        if prop.slug not in snapshot.everyday
    }


def needed_beside(
    snapshot: Snapshot,
    performer: str,
    prop: str,
    areas: Iterable[str],
    allowance: Allowance = NO_LIMITS,
) -> tuple[str, ...]:
    """What every home has that all the prop's work on these areas also needs (a ball held
    against a wall): the builder's hint says it beside the areas, "with a wall"."""
    needs = [
        frozenset(g[0] for g in t.prop_groups if all(p in snapshot.everyday for p in g))
        for t in snapshot.using.get(prop, ())
        if t.performer == performer
        and t.main
        and allowance.permits(t)
        and any(prop in g for g in t.prop_groups)
        and any(snapshot.works(t, area) for area in areas)
    ]
    common = frozenset.intersection(*needs) if needs else frozenset()
    return tuple(p.slug for p in snapshot.props if p.slug in common)
