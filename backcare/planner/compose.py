"""Compose a session: a pure, deterministic function of (catalogue snapshot, request, verdict).

No ORM, no request, no randomness: the same inputs always give the same plan. The snapshot
is built from the database by `backcare.planner.snapshot`.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import count, product

from backcare.planner.cards import Card, Wording, Zone, write_card

SELF, PARTNER = "self", "partner"
WARM_UP, MAIN, FINISH = "warm_up", "main", "finish"
BOTH_SIDES = "both"
SIDES = ("left", "right")
TOLERANCE = 5  # seconds the plan may differ from the asked time


# ---------- The catalogue, as plain values ----------
@dataclass(frozen=True)
class MuscleInfo:
    slug: str
    name: str
    regions: tuple[str, ...]
    bilateral: bool = True


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
    wording: Wording = field(default_factory=Wording)

    def usable_with(self, props: frozenset[str]) -> bool:
        return all(any(tool in props for tool in group) for group in self.prop_groups)

    def muscles_in(self, region: str) -> tuple[MuscleInfo, ...]:
        if region not in self.regions:
            return ()
        return tuple(m for m in self.muscles if region in m.regions)


@dataclass(frozen=True)
class ToolInfo:
    slug: str
    name: str
    cost_rank: int


@dataclass(frozen=True)
class Snapshot:
    regions: tuple[tuple[str, str], ...]  # (slug, name), top to bottom
    techniques: tuple[TechniqueInfo, ...]
    tools: tuple[ToolInfo, ...]
    # (region, families barred there); an empty family set bars every kind of pressure.
    barred: tuple[tuple[str, frozenset[str]], ...] = ()
    # Places every step in their area keeps off (the spine, the kidneys).
    zones: tuple[Zone, ...] = ()

    # Look-ups worked out once per snapshot (it never changes), so composing a session
    # needn't go through the whole catalogue.
    @cached_property
    def _region_orders(self) -> dict[str, int]:
        return {slug: i for i, (slug, _) in enumerate(self.regions)}

    @cached_property
    def _region_names(self) -> dict[str, str]:
        return dict(self.regions)

    @cached_property
    def _tools(self) -> dict[str, ToolInfo]:
        return {t.slug: t for t in self.tools}

    def region_order(self, slug: str) -> int:
        return self._region_orders[slug]

    def region_name(self, slug: str) -> str:
        return self._region_names[slug]

    def tool(self, slug: str) -> ToolInfo:
        return self._tools[slug]

    def is_barred(self, family: str, region: str) -> bool:
        return any(r == region and (not fams or family in fams) for r, fams in self.barred)

    @cached_property
    def bookends(self) -> tuple[TechniqueInfo, ...]:
        """Techniques that can open or close a session, in `_ordered` order."""
        return tuple(t for t in _ordered(self.techniques) if t.warm_up or t.finish)

    @cached_property
    def mains(self) -> dict[tuple[str, str], tuple[tuple[TechniqueInfo, ...], ...]]:
        """(performer, region) -> the main techniques that work a muscle there and aren't
        barred there: (those that need props, those for bare hands), each in the order
        `_main_choices` wants them."""
        found: dict[tuple[str, str], tuple[list, list]] = {}
        for t in self.techniques:
            if not t.main:
                continue
            for region in t.regions:
                if t.muscles_in(region) and not self.is_barred(t.family, region):
                    with_props, hands = found.setdefault((t.performer, region), ([], []))
                    (with_props if t.prop_groups else hands).append(t)
        return {
            key: (
                tuple(sorted(with_props, key=lambda t: (t.family_order, t.pressure, t.slug))),
                tuple(
                    sorted(
                        hands,
                        key=lambda t: (t.warm_up or t.finish, t.family_order, t.pressure, t.slug),
                    )
                ),
            )
            for key, (with_props, hands) in found.items()
        }

    @cached_property
    def needing(self) -> dict[str, frozenset[str]]:
        """Prop -> the techniques (slugs) that name it in a requirement."""
        found: dict[str, set[str]] = {}
        for t in self.techniques:
            for group in t.prop_groups:
                for tool in group:
                    found.setdefault(tool, set()).add(t.slug)
        return {tool: frozenset(slugs) for tool, slugs in found.items()}


# ---------- What the person asks, and what the screen allows ----------
@dataclass(frozen=True)
class Request:
    performer: str
    regions: tuple[str, ...]
    props: frozenset[str]
    minutes: int


@dataclass(frozen=True)
class Allowance:
    """The screen's verdict, reduced to what composing needs."""

    excluded_regions: frozenset[str] = frozenset()
    max_pressure: int = 3
    excluded_families: frozenset[str] = frozenset()

    def permits(self, technique: TechniqueInfo) -> bool:
        """The technique's kind and pressure are allowed (where it goes is checked apart)."""
        return (
            technique.family not in self.excluded_families
            and technique.pressure <= self.max_pressure
        )


# ---------- The plan ----------
@dataclass(frozen=True)
class PlannedStep:
    phase: str
    technique: str
    technique_name: str
    muscle: str
    muscle_name: str
    region: str
    region_name: str
    side: str  # "left", "right", "both" (a bilateral muscle worked together) or "" (single)
    seconds: int
    card: Card

    @property
    def where(self) -> str:
        """Warm-up and finish cover an area; main work names its muscle."""
        return self.muscle_name if self.phase == MAIN else self.region_name


@dataclass(frozen=True)
class Unreachable:
    region: str
    region_name: str
    props: tuple[str, ...] = ()  # the cheapest set of props that would unlock it
    partner: bool = False  # …or a partner could reach it
    excluded: bool = False  # left out by the safety screen
    no_time: bool = False  # reachable, but the time asked is too short


@dataclass(frozen=True)
class Plan:
    steps: tuple[PlannedStep, ...]
    unreachable: tuple[Unreachable, ...] = ()
    asked_seconds: int = 0
    left_out: tuple[str, ...] = ()  # areas the safety answers left out: every step keeps off

    @property
    def total_seconds(self) -> int:
        return sum(step.seconds for step in self.steps)

    @property
    def is_empty(self) -> bool:
        return not self.steps


# ---------- Composing ----------
@dataclass
class _Unit:
    """One technique on one region: one step, or two (left then right)."""

    technique: TechniqueInfo
    region: str
    phase: str
    muscle: MuscleInfo
    seconds: int = 0
    sides: tuple[str, ...] = field(default=())

    @property
    def count(self) -> int:
        return len(self.sides)


def compose(snapshot: Snapshot, request: Request, allowance: Allowance = Allowance()) -> Plan:
    total = request.minutes * 60
    owned = frozenset(request.props)
    asked = sorted(set(request.regions), key=snapshot.region_order)

    def allowed(t: TechniqueInfo, region: str) -> bool:
        return (
            t.performer == request.performer
            and allowance.permits(t)
            and not snapshot.is_barred(t.family, region)
            and bool(t.muscles_in(region))
        )

    unreachable: list[Unreachable] = []
    mains: dict[str, list[TechniqueInfo]] = {}
    for region in asked:
        if region in allowance.excluded_regions:
            unreachable.append(Unreachable(region, snapshot.region_name(region), excluded=True))
            continue
        found = _main_choices(snapshot, request, allowance, region)
        if found:
            mains[region] = found
        else:
            unreachable.append(_unlock(snapshot, request, allowance, region, allowed))

    left_out = tuple(slug for slug, _ in snapshot.regions if slug in allowance.excluded_regions)
    if not mains:
        return Plan((), tuple(unreachable), total, left_out)

    reached = list(mains)
    # A general warm-up and finish: on an asked area if one suits, else on any area allowed.
    elsewhere = sorted(
        (
            slug
            for slug, _ in snapshot.regions
            if slug not in reached and slug not in allowance.excluded_regions
        ),
        key=lambda slug: min(
            abs(snapshot.region_order(slug) - snapshot.region_order(r)) for r in reached
        ),
    )
    warm = _bookend(snapshot, owned, reached + elsewhere, allowed, "warm_up")
    finish = _bookend(snapshot, owned, reached + elsewhere, allowed, "finish", avoid=warm)
    opening = {b.technique.slug for b in (warm, finish) if b}
    for region, found in mains.items():  # the main work shouldn't just repeat the bookends
        mains[region] = sorted(found, key=lambda t: t.slug in opening)
    units = _fit(_rounds(mains), warm, finish, total)
    dropped = [r for r in reached if not any(u.region == r and u.phase == MAIN for u in units)]
    for region in dropped:
        unreachable.append(Unreachable(region, snapshot.region_name(region), no_time=True))
    steps = tuple(
        PlannedStep(
            u.phase,
            u.technique.slug,
            u.technique.name,
            u.muscle.slug,
            u.muscle.name,
            u.region,
            snapshot.region_name(u.region),
            side,
            u.seconds,
            write_card(u.technique.wording, u.region, side, snapshot.zones),
        )
        for u in units
        for side in u.sides
    )
    unreachable.sort(key=lambda item: snapshot.region_order(item.region))
    return Plan(steps, tuple(unreachable), total, left_out)


def _ordered(techniques: Sequence[TechniqueInfo]) -> list[TechniqueInfo]:
    """Gentle before firm, then the catalogue's family order, then by slug: stable, no chance."""
    return sorted(techniques, key=lambda t: (t.pressure, t.family_order, t.slug))


def _main_choices(
    snapshot: Snapshot, request: Request, allowance: Allowance, region: str
) -> list[TechniqueInfo]:
    """The main work a region can get, best first: what uses the props the person said they
    own, then work that isn't also the warm-up or finish (plain stroking opens anyway), then
    the session order of families, gentle before firm (the order `Snapshot.mains` keeps)."""
    with_props, hands = snapshot.mains.get((request.performer, region), ((), ()))
    maybe = frozenset().union(*(snapshot.needing.get(tool, ()) for tool in request.props))
    return [
        t
        for t in with_props
        if t.slug in maybe and t.usable_with(request.props) and allowance.permits(t)
    ] + [t for t in hands if allowance.permits(t)]


def _unit(
    technique: TechniqueInfo, region: str, phase: str, worked: frozenset[str] = frozenset()
) -> _Unit:
    """The technique on a region, on its first muscle there not `worked` already."""
    muscles = technique.muscles_in(region)
    muscle = next((m for m in muscles if m.slug not in worked), muscles[0])
    if technique.each_side and muscle.bilateral:
        sides = SIDES
    else:
        sides = (BOTH_SIDES if muscle.bilateral else "",)
    return _Unit(technique, region, phase, muscle, sides=sides)


def _bookend(
    snapshot: Snapshot, owned, regions, allowed, flag: str, avoid: _Unit | None = None
) -> _Unit | None:
    """The warm-up (or finish): the gentlest allowed technique that suits it and needs only
    props the person owns, on the first of `regions` (in order of preference) where it is
    allowed."""
    for technique in snapshot.bookends:
        if not getattr(technique, flag) or (avoid and avoid.technique == technique):
            continue
        if not technique.usable_with(owned):
            continue
        for region in regions:
            if allowed(technique, region):
                return _unit(technique, region, WARM_UP if flag == "warm_up" else FINISH)
    if avoid is not None:  # the same gentle stroking may open and close a session
        return _bookend(snapshot, owned, regions, allowed, flag)
    return None


def _rounds(mains: dict[str, list[TechniqueInfo]]) -> Iterator[_Unit]:
    """Main work in rounds: each region's first technique, then each one's second, and so on.

    A region that runs out of techniques starts its list again (a second pass), so a long
    session is filled with varied work rather than one very long step.
    """
    used: set[str] = set()
    worked: set[str] = set()
    for round_number in count():
        for region, found in mains.items():
            fresh = next((t for t in found if t.slug not in used), None)  # vary the work
            technique = fresh or found[round_number % len(found)]
            unit = _unit(technique, region, MAIN, frozenset(worked))
            used.add(technique.slug)
            worked.add(unit.muscle.slug)
            yield unit


MAX_UNITS = 60  # a 60-minute session never needs more; a guard against a runaway loop


def _fit(candidates: Iterator[_Unit], warm, finish, total: int) -> list[_Unit]:
    """Choose units and seconds so the steps add up to `total` within TOLERANCE seconds."""
    chosen = [next(candidates)]
    while chosen[-1].region != chosen[0].region or len(chosen) == 1:
        chosen.append(next(candidates))
    pending = chosen.pop()  # the first round is everything before a region repeats
    regions = [u.region for u in chosen]

    def bounds(units):
        low = sum(u.technique.min_seconds * u.count for u in units)
        high = sum(u.technique.max_seconds * u.count for u in units)
        return low, high

    bookends = [b for b in (warm, finish) if b]
    # Too little time: drop the finish, the warm-up, then the lowest regions.
    while bookends and bounds([*chosen, *bookends])[0] > total:
        bookends.pop()
    while len(chosen) > 1 and bounds([*chosen, *bookends])[0] > total:
        chosen.pop()
    # Plenty of time: add more main work until the longest steps could fill it.
    kept = {u.region for u in chosen}
    while len(chosen) < MAX_UNITS and bounds([*chosen, *bookends])[1] < total:
        if pending.region in kept:
            chosen.append(pending)
        pending = next(candidates)
    # Within a region, broad work before focused work (the families' session order).
    main = sorted(
        chosen,
        key=lambda u: (regions.index(u.region), u.technique.family_order, chosen.index(u)),
    )
    units = ([warm] if warm in bookends else []) + main + ([finish] if finish in bookends else [])
    _share(units, total)
    return units


def _share(units: list[_Unit], total: int) -> None:
    """Seconds per unit: proportional to each default, clamped to its range, summing to total.

    Found by bisection on a common scale factor (water-filling), then rounded to 5 s and the
    remainder handed out one second at a time to units with room, in order.
    """

    ranges = [
        (u.technique.default_seconds, u.technique.min_seconds, u.technique.max_seconds)
        for u in units
    ]
    counts = [u.count for u in units]

    def seconds_at(scale: float) -> list[int]:
        return [min(max(round(default * scale), lo), hi) for default, lo, hi in ranges]

    def used(values: list[int]) -> int:
        return sum(map(operator.mul, values, counts))

    low, high = 0.0, 100.0
    for _ in range(60):
        middle = (low + high) / 2
        if used(seconds_at(middle)) < total:
            low = middle
        else:
            high = middle
    values = [_round5(v, u) for v, u in zip(seconds_at(high), units, strict=True)]
    # Hand out (or take back) the difference in turn where ranges allow: in 5-second steps
    # while that helps (round numbers read better on a timer), then a second at a time.
    turn = 0
    for quantum, good_enough in ((5, TOLERANCE - 1), (1, 0)):
        while abs(gap := total - used(values)) > good_enough:
            step = quantum if gap > 0 else -quantum
            room = [
                i
                for i, u in enumerate(units)
                if u.count * quantum <= abs(gap)
                and u.technique.min_seconds <= values[i] + step <= u.technique.max_seconds
            ]
            if not room:
                break
            values[room[turn % len(room)]] += step
            turn += 1
    for value, unit in zip(values, units, strict=True):
        unit.seconds = value


def _round5(value: int, unit: _Unit) -> int:
    rounded = 5 * round(value / 5)
    return min(max(rounded, unit.technique.min_seconds), unit.technique.max_seconds)


def _unlock(snapshot, request, allowance, region, allowed) -> Unreachable:
    """What would open a region: the cheapest props (fewest on a tie), else a partner."""
    name = snapshot.region_name(region)
    options: list[tuple[int, int, tuple[str, ...]]] = []
    for technique in snapshot.techniques:
        if not (technique.main and allowed(technique, region)):
            continue
        unmet = [g for g in technique.prop_groups if not any(t in request.props for t in g)]
        for pick in product(*unmet):
            props = tuple(sorted(set(pick)))
            cost = sum(snapshot.tool(slug).cost_rank for slug in props)
            options.append((cost, len(props), props))
    if options:
        return Unreachable(region, name, props=min(options)[2])
    partner_can = request.performer == SELF and any(
        t.performer == PARTNER
        and t.main
        and allowance.permits(t)
        and not snapshot.is_barred(t.family, region)
        and t.muscles_in(region)
        for t in snapshot.techniques
    )
    return Unreachable(region, name, partner=partner_can)


def reachable(
    snapshot: Snapshot, performer: str, props: frozenset[str], allowance: Allowance = Allowance()
) -> set[str]:
    """Regions some allowed main technique reaches for this performer with these props."""
    return {
        region
        for t in snapshot.techniques
        if t.performer == performer and t.main and t.usable_with(props) and allowance.permits(t)
        for region in t.regions
        if t.muscles_in(region) and not snapshot.is_barred(t.family, region)
    }


def unlocks(
    snapshot: Snapshot, performer: str, allowance: Allowance = Allowance()
) -> dict[str, tuple[str, ...]]:
    """For each prop: the regions it opens beyond bare hands (plus what every home has)."""
    everyday = frozenset(t.slug for t in snapshot.tools if t.cost_rank == 0)
    base = reachable(snapshot, performer, everyday, allowance)
    return {
        tool.slug: tuple(
            sorted(
                reachable(snapshot, performer, everyday | {tool.slug}, allowance) - base,
                key=snapshot.region_order,
            )
        )
        for tool in snapshot.tools
    }
