"""The catalogue as plain values, and the rules about what reaches where: pure, no ORM.

`backcare.catalogue.snapshot` reads them from the database. The session composer, the
builder's prop hints and the prop pages all answer "what does this prop let me reach?" from
`reachable()` here, so they can't disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from backcare.catalogue.choices import EVERYDAY, Performer, Pressure


# ---------- The catalogue, as plain values ----------
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
    regions: tuple[tuple[str, str], ...]  # (slug, name), top to bottom
    techniques: tuple[TechniqueInfo, ...]
    props: tuple[PropInfo, ...]
    # (region, families barred there); an empty family set bars every kind of pressure.
    barred: tuple[tuple[str, frozenset[str]], ...] = ()
    # Places every step in their area keeps off (the spine, the kidneys).
    zones: tuple[Zone, ...] = ()
    # Areas where knots are a common find: a hold on a knot comes first there.
    knotty: frozenset[str] = frozenset()
    # Numbers from the sources the planner follows: (slug, value).
    guidelines: tuple[tuple[str, int], ...] = ()
    # The database ids of the rows a saved session links to: (kind, slug, id), kind being
    # "technique", "muscle", "region" or "prop". Only saving reads them.
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

    def region_order(self, slug: str) -> int:
        return self._region_orders[slug]

    def region_name(self, slug: str) -> str:
        return self._region_names[slug]

    def prop(self, slug: str) -> PropInfo:
        return self._props[slug]

    def guideline(self, slug: str, default: int) -> int:
        return dict(self.guidelines).get(slug, default)

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
