"""Compose a session as a therapist would: a pure, deterministic function of (catalogue
snapshot, request, allowance).

No ORM, no request, no randomness: the same inputs always give the same plan. The snapshot
is read from the database by `backcare.catalogue.snapshot`. The plan:

- opens with a warm-up (about a sixth of the time) and closes with a calm finish (about a
  tenth); the main work gets the rest, shared between the areas asked for;
- brings the areas that feed an area's pain (the hips for the lower back: catalogue data),
  with about a third of that area's time;
- varies the work: each technique on each muscle and side once, at most its longest time;
  your own hands do at most what they can before tiring (a catalogue guideline);
- is shorter than asked, and says why, rather than padded with repeats;
- keeps steps in one place together (sitting, at the wall, on the floor);
- when time is short, leaves out whole areas (and says how many minutes would fit them)
  before it gives up the warm-up.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count, product

from backcare.catalogue.choices import SIDES, GuidelineSlug, Performer, Phase, Side
from backcare.catalogue.values import (
    NO_LIMITS,
    Allowance,
    Snapshot,
    TechniqueInfo,
    reachable,
)
from backcare.planner.cards import Card, write_card

__all__ = ["Allowance", "Plan", "PlannedStep", "Request", "compose"]

TOLERANCE = 5  # seconds the plan may differ from the asked time
WARM_UP_SHARE, FINISH_SHARE = 0.17, 0.10  # of the session: a therapist's 15–20 % and 10 %
SHORTEST_WARM_UP = 20  # seconds: even a 3-minute session starts gently
LINKED_SHARE = 1 / 3  # of an area's main time, for the areas that feed its pain
MAX_UNITS = 60  # per area: more than an hour's work, however large the catalogue
HANDS_MINUTES = 12  # when the catalogue has no guideline for it

# Why a plan is shorter than asked.
HANDS_TIRE = "hands_tire"
NOTHING_MORE = "nothing_more"


# ---------- What the person asks ----------
@dataclass(frozen=True)
class Request:
    performer: str
    regions: tuple[str, ...]
    props: frozenset[str]
    minutes: int
    # (area, "left" or "right") for an area that hurts on one side; the others: both sides.
    sides: tuple[tuple[str, str], ...] = ()
    # Muscles to work first in the areas asked for ("a session for this muscle").
    focus: tuple[str, ...] = ()

    def side_of(self, region: str) -> str:
        return dict(self.sides).get(region, Side.BOTH)


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
    props: tuple[str, ...] = ()  # the props this step uses (needed, then helpful)
    setting: str = ""

    @property
    def where(self) -> str:
        """The area in plain words; main work adds its muscle: "Lower back, erector spinae"."""
        if self.phase != Phase.MAIN:
            return self.region_name
        return f"{self.region_name}, {self.muscle_name[:1].lower()}{self.muscle_name[1:]}"


@dataclass(frozen=True)
class Unreachable:
    region: str
    region_name: str
    props: tuple[str, ...] = ()  # the cheapest set of props that would unlock it
    partner: bool = False  # …or a partner could reach it
    excluded: bool = False  # left out by the safety screen
    no_time: bool = False  # reachable, but the time asked is too short
    minutes_needed: int = 0  # …and this many more minutes would fit it


@dataclass(frozen=True)
class Linked:
    """An area added because its muscles feed the pain of one asked for."""

    region: str
    region_name: str
    feeds: str
    feeds_name: str
    muscles: tuple[str, ...]  # names


@dataclass(frozen=True)
class UnusedProp:
    slug: str
    name: str
    why: str


@dataclass(frozen=True)
class Plan:
    steps: tuple[PlannedStep, ...]
    unreachable: tuple[Unreachable, ...] = ()
    asked_seconds: int = 0
    left_out: tuple[str, ...] = ()  # areas the safety answers left out: every step keeps off
    linked: tuple[Linked, ...] = ()
    shortfall: str = ""  # HANDS_TIRE or NOTHING_MORE when shorter than asked
    unused_props: tuple[UnusedProp, ...] = ()
    props_used: tuple[str, ...] = ()  # names, in the order the steps use them

    @property
    def total_seconds(self) -> int:
        return sum(step.seconds for step in self.steps)

    @property
    def is_empty(self) -> bool:
        return not self.steps

    @property
    def is_short(self) -> bool:
        return bool(self.steps) and self.total_seconds < self.asked_seconds - TOLERANCE


# ---------- Composing ----------
@dataclass
class _Unit:
    """One technique on one muscle in one area: one step, or one per side."""

    technique: TechniqueInfo
    region: str
    phase: str
    muscle_slug: str
    muscle_name: str
    sides: tuple[str, ...]
    weight: float = 1.0  # the share of time it should get, before clamping
    seconds: int = 0
    area_target: float = 0.0  # the time its area should get

    @property
    def count(self) -> int:
        return len(self.sides)

    @property
    def low(self) -> int:
        return self.technique.min_seconds * self.count

    @property
    def high(self) -> int:
        return self.technique.max_seconds * self.count

    @property
    def ample(self) -> int:
        """As long as it is worth doing before other work would serve better: about twice
        its usual time."""
        return min(self.technique.max_seconds, 2 * self.technique.default_seconds) * self.count


@dataclass
class _Area:
    region: str
    choices: list[TechniqueInfo]
    side: str
    weight: float = 1.0
    muscles: frozenset[str] | None = None  # only these (an area added for the pain it feeds)
    feeds: str = ""
    focus: frozenset[str] = frozenset()  # these first (the muscle a session is for)
    queue: list[_Unit] = field(default_factory=list)  # its possible units, best first
    chosen: list[_Unit] = field(default_factory=list)
    target: float = 0.0  # seconds of main work it should get


def compose(snapshot: Snapshot, request: Request, allowance: Allowance = NO_LIMITS) -> Plan:
    total = min(request.minutes, allowance.max_minutes or request.minutes) * 60  # a limit caps it
    owned = snapshot.everyday | frozenset(request.props)
    left_out = tuple(slug for slug, _ in snapshot.regions if slug in allowance.excluded_regions)
    asked = sorted(set(request.regions), key=snapshot.region_order)
    hands_limit = 60 * snapshot.guideline(GuidelineSlug.SOLO_HANDS_MINUTES, HANDS_MINUTES)

    unreachable: list[Unreachable] = []
    areas: list[_Area] = []
    for region in asked:
        if region in allowance.excluded_regions:
            unreachable.append(Unreachable(region, snapshot.region_name(region), excluded=True))
            continue
        found = _main_choices(snapshot, request.performer, owned, allowance, region)
        if found:
            focus = frozenset(request.focus)
            areas.append(_Area(region, found, request.side_of(region), focus=focus))
        else:
            unreachable.append(_unlock(snapshot, request, allowance, region))
    _link(snapshot, request, owned, allowance, areas, asked)

    def plan(steps=(), **more) -> Plan:
        unreachable.sort(key=lambda item: snapshot.region_order(item.region))
        return Plan(
            tuple(steps),
            tuple(unreachable),
            total,
            left_out,
            linked=tuple(
                Linked(
                    a.region,
                    snapshot.region_name(a.region),
                    a.feeds,
                    snapshot.region_name(a.feeds),
                    tuple(dict.fromkeys(u.muscle_name for u in a.chosen)),
                )
                for a in areas
                if a.feeds and a.chosen
            ),
            **more,
        )

    if not areas:
        return plan(unused_props=_unused(snapshot, request, owned, allowance, areas, ()))

    for area in areas:
        area.queue = _queue(area)
    warm, finish = _bookends(snapshot, request, owned, allowance, areas)
    # Your own hands can only do so much: a session of hand work alone stops there.
    hands_only = all(u.technique.hand_work for a in areas for u in a.queue)
    length = min(total, hands_limit) if hands_only else total
    warm_s, finish_s = _bookend_seconds(length, warm, finish)

    # Too little time: drop the finish, then whole areas (saying so), before the warm-up.
    def fits() -> bool:
        return sum(a.queue[0].low for a in areas) <= length - warm_s - finish_s

    if not fits() and finish:
        finish, finish_s = None, 0
    while not fits() and len(areas) > 1:
        dropped = areas.pop(_least_needed(areas))
        if warm and warm.region == dropped.region:  # warm up where the work still is
            warm = _bookends(snapshot, request, owned, allowance, areas)[0]
            warm_s, _ = _bookend_seconds(length, warm, None)
        if not dropped.feeds:
            need = dropped.queue[0].low + sum(a.queue[0].low for a in areas) + warm_s
            minutes = max(1, math.ceil((need - total) / 60))
            unreachable.append(
                Unreachable(
                    dropped.region,
                    snapshot.region_name(dropped.region),
                    no_time=True,
                    minutes_needed=minutes,
                )
            )
    if not fits() and warm:
        warm, warm_s = None, 0

    hand_bookends = sum(
        seconds
        for u, seconds in ((warm, warm_s), (finish, finish_s))
        if u and u.technique.hand_work
    )
    main_hands = max(0, hands_limit - hand_bookends)
    _choose(areas, length - warm_s - finish_s, main_hands, (warm, finish))
    main, warm, finish = _order(areas, warm, finish)
    warm_s, finish_s = (warm_s if warm else 0), (finish_s if finish else 0)
    shortfall = _spread(main, length - warm_s - finish_s, main_hands)
    if shortfall:  # nothing more worth doing: a shorter plan, with bookends to match
        done = sum(u.seconds * u.count for u in main)
        warm_s, finish_s = _bookend_seconds(
            round(done / (1 - WARM_UP_SHARE - FINISH_SHARE)), warm, finish
        )
        if done + warm_s + finish_s >= total - TOLERANCE:
            shortfall = ""  # the warm-up and finish took up the rest
    elif length < total:
        shortfall = HANDS_TIRE
    if not shortfall:  # the last seconds go to the warm-up or finish: every step on a 5 s grid
        ends = ((warm, warm_s), (finish, finish_s))
        hands_used = sum(u.seconds * u.count for u in main if u.technique.hand_work)
        hands_used += sum(s for u, s in ends if u and u.technique.hand_work)
        main_s = sum(u.seconds * u.count for u in main)
        warm_s, finish_s = _close_gap(total - main_s, hands_limit - hands_used, *ends)
    for unit, seconds in ((warm, warm_s), (finish, finish_s)):
        if unit:
            unit.seconds = seconds
    units = ([warm] if warm else []) + main + ([finish] if finish else [])
    steps = tuple(
        PlannedStep(
            u.phase,
            u.technique.slug,
            u.technique.name,
            u.muscle_slug,
            u.muscle_name,
            u.region,
            snapshot.region_name(u.region),
            side,
            u.seconds,
            write_card(u.technique.wording, u.region, side, snapshot.zones),
            u.technique.props_for(owned),
            u.technique.setting,
        )
        for u in units
        for side in u.sides
    )
    used = tuple(dict.fromkeys(p for s in steps for p in s.props))
    return plan(
        steps,
        shortfall=shortfall,
        unused_props=_unused(snapshot, request, owned, allowance, areas, used),
        props_used=tuple(snapshot.prop(p).name for p in used),
    )


def _main_choices(
    snapshot: Snapshot, performer: str, owned: frozenset[str], allowance: Allowance, region: str
) -> list[TechniqueInfo]:
    """The main work an area can get, best first: what uses a prop the person owns, then work
    for bare hands that isn't also a warm-up or finish, then gentle before firm."""
    props = owned - snapshot.everyday
    found = [t for t in snapshot.working_with(performer, region, props) if allowance.permits(t)]
    return sorted(
        found,
        key=lambda t: (
            not any(set(group) - snapshot.everyday for group in t.prop_groups),
            _is_filler(t),
            t.family_order,
            t.pressure,
            t.slug,
        ),
    )


def _link(snapshot, request, owned, allowance, areas: list[_Area], asked) -> None:
    """Add the areas whose muscles feed an asked area's pain (the hips for the lower back),
    with a third of that area's time, when they can be worked and weren't asked for."""
    added: dict[str, _Area] = {}
    for area in list(areas):
        for region, muscles in snapshot.feeders.get(area.region, ()):
            if region in asked or region in allowance.excluded_regions:
                continue
            found = [
                t
                for t in _main_choices(snapshot, request.performer, owned, allowance, region)
                if any(m.slug in muscles for m in t.muscles_in(region))
            ]
            if not found:
                continue
            share = area.weight * LINKED_SHARE
            area.weight -= share
            if region in added:
                added[region].weight += share
            else:
                added[region] = _Area(
                    region,
                    found,
                    area.side,
                    share,
                    frozenset(muscles),
                    feeds=area.region,
                )
    areas.extend(added.values())
    areas.sort(key=lambda a: snapshot.region_order(a.region))


def _queue(area: _Area) -> list[_Unit]:
    """Every piece of work the area could get, varied: each technique once on its first
    muscle there, then one-sided techniques on their next muscles, and so on. Work done on
    both sides at once covers the area in one step (on a muscle not yet named, if it can).
    One-sided work does the side that hurts, or both. The gentle stroking that also opens
    and closes a session comes last (a filler): main work only when nothing else is left.
    A muscle the session is for comes first: every one-sided technique that reaches it works
    it, and its work comes before the rest.
    """
    one_sided = area.side in SIDES
    choices = sorted(area.choices, key=lambda t: (_is_filler(t), one_sided and not t.each_side))
    muscles_of: dict[str, list] = {}  # worked out as needed: the catalogue may be large

    def muscles_for(t: TechniqueInfo) -> list:
        if t.slug not in muscles_of:
            found = [
                m
                for m in t.muscles_in(area.region)
                if area.muscles is None or m.slug in area.muscles
            ]
            # Work done a side at a time is aimed at one muscle: the focus muscle first.
            # Work over the whole area keeps naming the muscles in turn (palm circles over
            # the lower ribs are not "for the rhomboids").
            if t.each_side:
                found.sort(key=lambda m: m.slug not in area.focus)
            muscles_of[t.slug] = found
        return muscles_of[t.slug]

    queue: list[_Unit] = []
    named: list[str] = []
    for round_number in count():
        more = False
        for technique in choices:
            if len(queue) >= MAX_UNITS:
                break
            if round_number and not technique.each_side:
                continue  # one step covers the area
            muscles = muscles_for(technique)
            if round_number >= len(muscles):
                continue
            more = True
            muscle = muscles[round_number]
            if not technique.each_side:  # the muscle named least so far, in turn
                muscle = min(muscles, key=lambda m: named.count(m.slug))
            named.append(muscle.slug)
            if technique.each_side and muscle.bilateral:
                sides = (area.side,) if one_sided else SIDES
            else:
                sides = (Side.BOTH if muscle.bilateral else "",)
            queue.append(_Unit(technique, area.region, Phase.MAIN, muscle.slug, muscle.name, sides))
        if not more or len(queue) >= MAX_UNITS:
            break
    # Stable: the focus muscle's work first, fillers last.
    queue.sort(key=lambda u: (_is_filler(u.technique), u.muscle_slug not in area.focus))
    return queue


def _is_filler(technique: TechniqueInfo) -> bool:
    """Light work that opens or closes a session (palm strokes): main work only when there is
    nothing else (a gentle session)."""
    return (technique.warm_up or technique.finish) and technique.pressure == 1


def _bookends(snapshot, request, owned, allowance, areas: list[_Area]):
    """The warm-up and the finish: the gentlest allowed technique that suits each, on the
    first (the finish: last) worked area it can reach where it isn't also that area's first
    main work, else on the nearest area not worked. None when that technique is the first
    main work of every area (a gentle session: the stroking is the session, not something
    before it)."""
    worked = [a.region for a in areas]
    elsewhere = sorted(
        (
            slug
            for slug, _ in snapshot.regions
            if slug not in worked and slug not in allowance.excluded_regions
        ),
        key=lambda slug: min(
            abs(snapshot.region_order(slug) - snapshot.region_order(w)) for w in worked
        ),
    )

    def pick(flag: str, phase: str, avoid=None) -> _Unit | None:
        # The warm-up on the first area worked, the finish on the last asked for (where the
        # work ends; an area added for the pain it feeds only when no asked area will do).
        if phase == Phase.FINISH:
            asked = [a.region for a in areas if not a.feeds]
            order = asked[::-1] + [r for r in worked if r not in asked] + elsewhere
        else:
            order = worked + elsewhere
        for prefer_other in (True, False):
            for technique in snapshot.bookends.get(request.performer, ()):
                if not getattr(technique, flag) or (prefer_other and technique is avoid):
                    continue
                if not (allowance.permits(technique) and technique.usable_with(owned)):
                    continue
                if all(a.queue[0].technique is technique for a in areas):
                    continue  # it is the main work everywhere
                for region in order:
                    if not snapshot.works(technique, region):
                        continue
                    area = next((a for a in areas if a.region == region), None)
                    if area and area.queue and area.queue[0].technique is technique:
                        continue  # it would repeat that area's first main step
                    muscle = technique.muscles_in(region)[0]
                    side = Side.BOTH if muscle.bilateral else ""
                    return _Unit(technique, region, phase, muscle.slug, muscle.name, (side,))
        return None

    warm = pick("warm_up", Phase.WARM_UP)
    finish = pick("finish", Phase.FINISH, avoid=warm.technique if warm else None)
    return warm, finish


def _bookend_seconds(total: int, warm: _Unit | None, finish: _Unit | None) -> tuple[int, int]:
    def share(unit: _Unit | None, fraction: float, floor: int) -> int:
        if unit is None:
            return 0
        low = max(unit.technique.min_seconds, floor)
        return min(max(_round5(total * fraction), low), unit.technique.max_seconds)

    return share(warm, WARM_UP_SHARE, SHORTEST_WARM_UP), share(finish, FINISH_SHARE, 0)


def _close_gap(total: int, hands_room: int, *bookends: tuple[_Unit | None, int]) -> tuple[int, int]:
    """The bookends' seconds, moved 5 s at a time (warm-up, then finish, in turn) within
    their ranges towards adding up to `total`: what the main work's 5 s steps left over.
    Your own hands get no more than `hands_room` seconds more."""
    seconds = [s for _, s in bookends]
    for turn in count():
        gap = total - sum(seconds)
        step = 5 if gap > 0 else -5
        if abs(gap) < 5:
            break
        movable = [
            i
            for i, (unit, _) in enumerate(bookends)
            if unit
            and unit.technique.min_seconds <= seconds[i] + step <= unit.technique.max_seconds
            and not (unit.technique.hand_work and step > hands_room)
        ]
        if not movable:
            break
        chosen = movable[turn % len(movable)]
        seconds[chosen] += step
        if bookends[chosen][0].technique.hand_work:
            hands_room -= step
    return seconds[0], seconds[1]


def _least_needed(areas: list[_Area]) -> int:
    """Which area to leave out when time is short: an added linked area first, then the
    lowest area asked for."""
    linked = [i for i, a in enumerate(areas) if a.feeds]
    return linked[-1] if linked else len(areas) - 1


def _choose(areas: list[_Area], main_time: int, hands_limit: int, bookends=()) -> None:
    """Choose each area's work: enough varied units to fill its share of the main time
    (linked areas a third of the area they feed); then more, from any area, while the chosen
    work can't fill the time and anything worth doing is left. Your own hands are held to
    what they can do; the gentle stroking that also opens a session comes last of all, and
    not where the warm-up or finish already strokes an area that has other work."""
    weights = sum(a.weight for a in areas)
    hands_low = hands_high = other_high = 0

    def take(area: _Area, unit: _Unit) -> None:
        nonlocal hands_low, hands_high, other_high
        if unit.technique.hand_work:
            if area.chosen and (hands_low + unit.low > hands_limit or hands_high >= hands_limit):
                return  # hands would tire, or already have all the work they can do
            hands_low += unit.low
            hands_high += unit.high
        else:
            other_high += unit.high
        area.chosen.append(unit)
        unit.area_target = area.target

    for area in areas:
        area.target = main_time * area.weight / weights
        ample = low = 0
        while area.queue:
            unit = area.queue[0]
            if area.chosen and (
                ample >= area.target
                or _is_filler(unit.technique)  # stroking is main work only when nothing else is
                or low + unit.low > area.target
            ):
                break
            area.queue.pop(0)
            ample, low = ample + unit.ample, low + unit.low
            take(area, unit)
    for fillers in (False, True):
        while other_high + min(hands_limit, hands_high) < main_time:
            waiting = [a for a in areas if a.queue and _is_filler(a.queue[0].technique) == fillers]
            if not waiting:
                break
            for area in waiting:
                unit = area.queue.pop(0)
                if area.chosen and any(b and _same(unit, b) for b in bookends):
                    continue  # the same strokes again, on an area worked otherwise
                take(area, unit)


def _spread(main: list[_Unit], main_time: int, hands_limit: int) -> str:
    """Seconds for the main work: each unit its share of its area's time, the steps adding up
    to `main_time`, hand work at most `hands_limit`. Returns why it falls short, if it does."""
    by_area: dict[str, list[_Unit]] = {}
    for unit in main:
        by_area.setdefault(unit.region, []).append(unit)
    for units in by_area.values():
        defaults = sum(u.technique.default_seconds * u.count for u in units)
        for unit in units:
            unit.weight = unit.area_target * unit.technique.default_seconds / defaults
    hands = [u for u in main if u.technique.hand_work]
    others = [u for u in main if not u.technique.hand_work]
    _share(main, main_time)
    if hands and sum(u.seconds * u.count for u in hands) > hands_limit:
        _share(hands, max(hands_limit, sum(u.low for u in hands)))
        _share(others, main_time - sum(u.seconds * u.count for u in hands))
    if sum(u.seconds * u.count for u in main) >= main_time - TOLERANCE:
        return ""
    hands_done = sum(u.seconds * u.count for u in hands)
    return HANDS_TIRE if hands and hands_done >= hands_limit - TOLERANCE else NOTHING_MORE


def _order(areas: list[_Area], warm, finish):
    """The main work in one place together (places in the order the areas first need them),
    top to bottom within a place, broad work before focused; left then right. A warm-up or
    finish that would repeat the step beside it moves the main work round, or goes."""
    main = [u for a in areas for u in a.chosen]
    area_order = {a.region: i for i, a in enumerate(areas)}
    main.sort(key=lambda u: (area_order[u.region], u.technique.family_order))
    places = list(dict.fromkeys(u.technique.setting for u in main))
    if warm and warm.technique.setting in places:  # start where the warm-up is
        places.insert(0, places.pop(places.index(warm.technique.setting)))
    if finish and len(places) > 2 and finish.technique.setting in places[1:]:
        places.append(places.pop(places.index(finish.technique.setting)))  # end there
    main.sort(key=lambda u: places.index(u.technique.setting))  # stable: keeps the rest
    # A bookend beside main work of the same technique reads as the same step twice: bring
    # other work on that area next to it (the order of areas stays top to bottom).
    if finish and main[-1].technique is finish.technique:
        last = main[-1].region
        other = next(
            (
                i
                for i in reversed(range(len(main)))
                if main[i].region == last and main[i].technique is not finish.technique
            ),
            None,
        )
        if other is not None:
            main.append(main.pop(other))
    if warm and main[0].technique is warm.technique:
        first = main[0].region
        other = next(
            (
                i
                for i, u in enumerate(main)
                if u.region == first and u.technique is not warm.technique
            ),
            None,
        )
        if other is not None:
            main.insert(0, main.pop(other))
    if warm and _same(warm, main[0]):
        warm = None  # the main work is the gentle stroking itself
    if finish and _same(finish, main[-1]):
        finish = None
    return main, warm, finish


def _same(a: _Unit, b: _Unit) -> bool:
    """Two steps a person would read as the same: one technique on one area."""
    return a.technique is b.technique and a.region == b.region


def _share(units: Sequence[_Unit], total: int) -> None:
    """Seconds per unit: proportional to each unit's weight, clamped to its technique's range,
    adding up to `total` (or as near as the ranges allow).

    Found by bisection on a common scale factor (water-filling), then rounded to 5 s and the
    remainder handed out 5 s at a time to units with room, in turn (what a pair of sides
    can't take, the warm-up or finish takes: `_close_gap`).
    """
    if not units:
        return
    ranges = [(u.weight, u.technique.min_seconds, u.technique.max_seconds) for u in units]
    counts = [u.count for u in units]

    def seconds_at(scale: float) -> list[int]:
        return [min(max(round(weight * scale), lo), hi) for weight, lo, hi in ranges]

    def used(values: list[int]) -> int:
        return sum(map(operator.mul, values, counts))

    low, high = 0.0, 10_000.0
    for _ in range(60):
        middle = (low + high) / 2
        if used(seconds_at(middle)) < total:
            low = middle
        else:
            high = middle
    values = [_clamp5(v, u) for v, u in zip(seconds_at(high), units, strict=True)]
    turn = 0
    while abs(gap := total - used(values)) >= 5:
        step = 5 if gap > 0 else -5
        room = [
            i
            for i, u in enumerate(units)
            if u.count * 5 <= abs(gap)
            and u.technique.min_seconds <= values[i] + step <= u.technique.max_seconds
        ]
        if not room:
            break
        values[room[turn % len(room)]] += step
        turn += 1
    for value, unit in zip(values, units, strict=True):
        unit.seconds = value


def _round5(value: float) -> int:
    return 5 * round(value / 5)


def _clamp5(value: int, unit: _Unit) -> int:
    return min(max(_round5(value), unit.technique.min_seconds), unit.technique.max_seconds)


def _unlock(snapshot: Snapshot, request: Request, allowance: Allowance, region: str):
    """What would open an area: the cheapest props (fewest on a tie), else a partner."""
    name = snapshot.region_name(region)
    owned = snapshot.everyday | frozenset(request.props)
    options: list[tuple[int, int, tuple[str, ...]]] = []
    for technique in snapshot.working.get((request.performer, region), ()):
        if not allowance.permits(technique):
            continue
        unmet = [g for g in technique.prop_groups if not any(t in owned for t in g)]
        for pick in product(*unmet):
            props = tuple(sorted(set(pick)))
            cost = sum(snapshot.prop(slug).cost_rank for slug in props)
            options.append((cost, len(props), props))
    if options:
        return Unreachable(region, name, props=min(options)[2])
    partner_can = request.performer == Performer.SELF and region in reachable(
        snapshot, Performer.PARTNER, owned, allowance
    )
    return Unreachable(region, name, partner=partner_can)


def _unused(snapshot, request, owned, allowance, areas: list[_Area], used) -> tuple:
    """Why each prop the person ticked is not in the plan."""
    worked = {a.region for a in areas} | (set(request.regions) - allowance.excluded_regions)
    found = []
    for slug in sorted(request.props, key=lambda s: snapshot.prop(s).cost_rank):
        if slug in used or slug in snapshot.everyday:
            continue
        mine = [t for t in snapshot.using.get(slug, ()) if t.performer == request.performer]
        reaching = [t for t in mine if any(snapshot.works(t, r) for r in worked)]
        if not mine:
            why = (
                "Your partner's hands do this work in a partner session."
                if request.performer == Performer.PARTNER
                else "None of the techniques for working on your own use it."
            )
        elif not worked:
            why = "There is nothing it can work in this session."
        elif not reaching:
            places = sorted(
                {r for t in mine for r in t.regions if snapshot.works(t, r)},
                key=snapshot.region_order,
            )
            names = " and ".join(snapshot.region_name(r).lower() for r in places)
            why = f"It works the {names}, not the areas in this session."
        elif not any(allowance.permits(t) and t.usable_with(owned) for t in reaching):
            why = "Not with today's safety answers: what it does is too firm for now."
        else:
            why = "There wasn't time for it: a longer session would use it."
        found.append(UnusedProp(slug, snapshot.prop(slug).name, why))
    reasons = list(dict.fromkeys(prop.why for prop in found))
    return tuple(sorted(found, key=lambda prop: reasons.index(prop.why)))  # alike together
