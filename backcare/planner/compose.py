"""Compose a session as a therapist would: a pure, deterministic function of (catalogue
snapshot, request, allowance).

No ORM, no request, no randomness: the same inputs always give the same plan. The snapshot
is read from the database by `backcare.catalogue.snapshot`. A plan is made in stages:

1. **Areas.** The areas asked for that can be worked, and those that feed their pain (the
   hips for the lower back: catalogue data) with about a third of that area's time.
2. **Warm-up and finish** (about a sixth and a tenth of the time), only on areas worked: one
   stroke up the whole back when the whole back is worked; none when the gentle work that
   would open the session is already the first work of every area.
3. **Fit.** When time is short the finish goes first, then whole areas, the least needed
   first (said, with the minutes that would fit them), then the warm-up; a step is never cut
   below what is worth doing.
4. **Choose.** Each area gets its share of the time piece by piece, each piece chosen for
   what it adds: a kind of work the area hasn't had (a hold after rolling or rubbing), a
   technique not yet used, a muscle not yet worked; never the same work twice on one area.
   Your own hands do at most what they can before tiring (a catalogue guideline).
5. **Time.** Seconds for each step, in its technique's range and on a 5 s grid; no technique
   takes more than about 40 % of the main work while others can take the time. A plan is
   shorter than asked, and says why, rather than padded with repeats.
6. **Order.** Steps in one place together (sitting, at the wall, on the floor), top to bottom.
7. **Cards,** written under the session's limits (light wording under a pressure cap).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count, product

from backcare.catalogue.choices import SIDES, GuidelineSlug, Performer, Phase, Pressure, Side
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
TECHNIQUE_SHARE = 0.4  # of the main work, at most, for one technique while others have room
WORTH_DOING = 0.75  # of a technique's usual time: a piece shorter than that isn't planned
ROOM_TO_SPARE = 1.25  # an area's next piece may go this far over the time left to it
SPARE_CAPACITY = 1.1  # the work chosen can take this much more than the time, for the shares
PER_KIND = 3  # techniques of one kind of work an area chooses among (the likeliest)
HANDS_MINUTES = 12  # when the catalogue has no guideline for it
# Main work at moderate pressure first, then firm, then light (light is for capped sessions
# and the gentle strokes): a healthy neck gets kneading, not the weight of your fingers.
PRESSURE_RANK = {Pressure.MODERATE: 0, Pressure.FIRM: 1, Pressure.LIGHT: 2}


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
    # A warm-up or finish over several areas: their names, top to bottom; `region` is the first.
    span: tuple[str, ...] = ()
    one_pass: bool = False  # …in one stroke up the back, not one area after another
    areas: tuple[str, ...] = ()  # the slugs of the areas of `span`

    @property
    def where(self) -> str:
        """The area in plain words; main work adds its muscle: "Lower back, erector spinae";
        a step over several areas names them in turn ("Mid back, then lower back") or, in one
        stroke up the back, from the bottom ("Lower back up to the upper back")."""
        if self.span and self.one_pass:
            return f"{self.span[-1]} up to the {self.span[0].lower()}"
        if self.span:
            return ", then ".join(n if i == 0 else n.lower() for i, n in enumerate(self.span))
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
    hands_tire: bool = False  # …or no length would: your own hands would tire first


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
    places: tuple[str, ...] = ()  # when it works only other areas: those (region slugs)


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
    seconds: int = 0  # a side
    area_target: float = 0.0  # the time its area should get
    ceiling: int = 0  # seconds a side at most while its technique's share is capped (0: none)
    span: tuple[str, ...] = ()  # the areas, top to bottom, of a warm-up or finish over several

    @property
    def count(self) -> int:
        return len(self.sides)

    @property
    def hi(self) -> int:
        """The most seconds a side may get."""
        top = self.technique.max_seconds
        return max(self.technique.min_seconds, min(top, self.ceiling)) if self.ceiling else top

    @property
    def low(self) -> int:
        return self.technique.min_seconds * self.count

    @property
    def high(self) -> int:
        return self.technique.max_seconds * self.count

    @property
    def short(self) -> int:
        """The least time worth planning for it: most of its usual time, never below its
        shortest (a 20 s piece of kneading is not worth stopping and starting for)."""
        usual = _round5(self.technique.default_seconds * WORTH_DOING)
        return max(self.technique.min_seconds, usual) * self.count

    @property
    def usual(self) -> int:
        """Its usual time: what an area's share is filled with, piece by piece."""
        return self.technique.default_seconds * self.count


@dataclass
class _Area:
    region: str
    choices: list[TechniqueInfo]  # the allowed main work that reaches it
    side: str
    weight: float = 1.0
    muscles: frozenset[str] | None = None  # only these (an area added for the pain it feeds)
    feeds: str = ""
    focus: frozenset[str] = frozenset()  # these first (the muscle a session is for)
    knotty: bool = False  # knots are common here: a hold on a knot first
    chosen: list[_Unit] = field(default_factory=list)
    target: float = 0.0  # seconds of main work it should get
    planned: int = 0  # what the chosen work is worth (`_Unit.short`)
    first: _Unit | None = None  # what it would get first, on its own
    cheapest: int = 0  # the least time worth giving it (`_Unit.short` of its cheapest work)

    def reaches(self, technique: TechniqueInfo) -> list:
        """The muscles of this area `technique` can work (of those it is for, if any)."""
        return [
            m
            for m in technique.muscles_in(self.region)
            if self.muscles is None or m.slug in self.muscles
        ]

    @property
    def kinds(self) -> set[tuple[str, str]]:
        """(family, muscle) of the work chosen here: a muscle gets each kind of work once."""
        return {(u.technique.family, u.muscle_slug) for u in self.chosen}


@dataclass
class _Chosen:
    """What the whole session has so far: techniques used, muscles named, hand work."""

    used: set[str] = field(default_factory=set)
    named: list[str] = field(default_factory=list)
    hands_short: int = 0  # what the hand work chosen is worth (`_Unit.short`)


def compose(snapshot: Snapshot, request: Request, allowance: Allowance = NO_LIMITS) -> Plan:
    total = min(request.minutes, allowance.max_minutes or request.minutes) * 60  # a limit caps it
    owned = snapshot.everyday | frozenset(request.props)
    left_out = tuple(slug for slug, _ in snapshot.regions if slug in allowance.excluded_regions)
    hands_limit = 60 * snapshot.guideline(GuidelineSlug.SOLO_HANDS_MINUTES, HANDS_MINUTES)

    # 1. Areas.
    areas, unreachable = _areas(snapshot, request, owned, allowance)

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

    everyday = snapshot.everyday
    for area in areas:
        area.first = _next_unit(area, _Chosen(), everyday)
        area.cheapest = _next_unit(area, _Chosen(), everyday, room=0).short
    # Your own hands can only do so much: a session of hand work alone stops there.
    hands_only = all(t.hand_work for a in areas for t in a.choices)
    length = min(total, hands_limit) if hands_only else total

    # 2. Warm-up and finish.
    def bookends():
        return _bookends(snapshot, request.performer, owned, allowance, areas)

    warm, finish = bookends()
    warm_s, finish_s = _bookend_seconds(length, warm, finish, hands_limit)

    # 3. Fit: too little time drops the finish, then whole areas (saying so), then the warm-up.
    def fits() -> bool:
        return sum(a.cheapest for a in areas) <= length - warm_s - finish_s

    if not fits() and finish:
        finish, finish_s = None, 0
    while not fits() and len(areas) > 1:
        dropped = areas.pop(_least_needed(snapshot, request, areas))
        warm, new_finish = bookends()  # on the areas still worked
        finish = new_finish if finish else None
        warm_s, finish_s = _bookend_seconds(length, warm, finish, hands_limit)
        if not dropped.feeds:
            need = sum(a.cheapest for a in (dropped, *areas)) + warm_s + finish_s
            # Hand work alone stops at the hands limit, however long the session asked.
            tire = hands_only and need > hands_limit
            unreachable.append(
                Unreachable(
                    dropped.region,
                    snapshot.region_name(dropped.region),
                    no_time=True,
                    minutes_needed=0 if tire else max(1, math.ceil((need - total) / 60)),
                    hands_tire=tire,
                )
            )
    if not fits() and warm:
        warm, warm_s = None, 0

    # 4. Choose.
    hand_bookends = sum(
        seconds
        for u, seconds in ((warm, warm_s), (finish, finish_s))
        if u and u.technique.hand_work
    )
    main_hands = max(0, hands_limit - hand_bookends)
    _choose(areas, length - warm_s - finish_s, main_hands, everyday, (warm, finish))

    # 5. Time, and 6. order.
    main, warm, finish = _order(areas, warm, finish)
    warm_s, finish_s = (warm_s if warm else 0), (finish_s if finish else 0)
    feeds = {a.region: a.feeds for a in areas if a.feeds}
    shortfall = _spread(main, length - warm_s - finish_s, main_hands, feeds)
    if shortfall:  # nothing more worth doing: a shorter plan, with bookends to match
        done = sum(u.seconds * u.count for u in main)
        warm_s, finish_s = _bookend_seconds(
            round(done / (1 - WARM_UP_SHARE - FINISH_SHARE)), warm, finish, hands_limit
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

    # 7. Cards.
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
            write_card(
                u.technique.wording,
                u.region,
                side,
                snapshot.zones,
                family=u.technique.family,
                cap=allowance.max_pressure,
                span=u.span,
            ),
            u.technique.props_for(owned),
            u.technique.setting,
            tuple(snapshot.region_name(r) for r in u.span),
            u.technique.spans,
            u.span,
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


# ---------- 1. Areas ----------
def _areas(snapshot, request, owned, allowance) -> tuple[list[_Area], list[Unreachable]]:
    """The areas asked for that can be worked, top to bottom, and those that feed their pain;
    what can't be worked, and what would open it."""
    unreachable: list[Unreachable] = []
    areas: list[_Area] = []
    asked = sorted(set(request.regions), key=snapshot.region_order)
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
    for area in areas:
        area.knotty = area.region in snapshot.knotty
        area.choices = _shortlist(area, snapshot.everyday)
    return areas, unreachable


def _shortlist(area: _Area, everyday) -> list[TechniqueInfo]:
    """The few techniques of each kind of work an area could ever get, the likeliest first,
    so choosing among them costs the same however large the catalogue grows: an area takes
    at most one piece per muscle of each kind."""

    def for_focus(t: TechniqueInfo) -> bool:
        return bool(area.focus) and t.each_side and any(m.slug in area.focus for m in t.muscles)

    ranked = sorted(
        area.choices,
        key=lambda t: (
            _is_filler(t),
            not for_focus(t),
            area.side in SIDES and not t.each_side,
            not any(set(group) - everyday for group in t.prop_groups),
            PRESSURE_RANK.get(t.pressure, len(PRESSURE_RANK)),
            t.slug,
        ),
    )
    kept: dict[str, int] = {}
    shortlist = []
    for technique in ranked:
        if kept.get(technique.family, 0) < PER_KIND:
            kept[technique.family] = kept.get(technique.family, 0) + 1
            shortlist.append(technique)
    return shortlist


def _main_choices(
    snapshot: Snapshot, performer: str, owned: frozenset[str], allowance: Allowance, region: str
) -> list[TechniqueInfo]:
    """The main work an area can get with what the person has and the safety answers allow."""
    props = owned - snapshot.everyday
    return [t for t in snapshot.working_with(performer, region, props) if allowance.permits(t)]


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


# ---------- 2. Warm-up and finish ----------
def _bookends(snapshot, performer, owned, allowance, areas: list[_Area]):
    """The warm-up and the finish: the gentlest allowed technique that suits each, on the
    worked areas it reaches where it isn't that area's first main work (the finish: on the
    last); a stroke over several areas in one pass first, when all of them are worked.
    Never on an area not worked. None when that technique is the first main work of every
    area (a gentle session: the stroking is the session, not something before it)."""
    worked = [a.region for a in areas]
    firsts = {a.region: a.first.technique for a in areas}
    candidates = sorted(
        (
            t
            for t in snapshot.bookends.get(performer, ())
            if not t.each_side and allowance.permits(t) and t.usable_with(owned)
        ),
        key=lambda t: not t.spans,  # stable: the gentlest first otherwise
    )

    def pick(flag: str, phase: str, order: list[str], avoid=None) -> _Unit | None:
        # A stroke over the whole back opens a session first; a finish prefers what is only
        # a finish (the light tapping that closes a partner massage), when it is allowed.
        ordered = (
            candidates
            if phase == Phase.WARM_UP
            else sorted(candidates, key=lambda t: (t.warm_up, _gentlest(t)))
        )
        for prefer_other in (True, False):
            for technique in ordered:
                if not getattr(technique, flag):
                    continue
                if prefer_other and technique is avoid and not technique.spans:
                    continue
                if technique.spans:
                    if all(r in worked and snapshot.works(technique, r) for r in technique.regions):
                        return _span(snapshot, technique, phase, technique.regions)
                    continue
                # Not where it is that area's first main work: it would repeat it.
                regions = [
                    r for r in order if firsts[r] is not technique and snapshot.works(technique, r)
                ]
                if regions:
                    # A warm-up strokes every area worked that it reaches, one after another.
                    return _span(
                        snapshot,
                        technique,
                        phase,
                        regions if phase == Phase.WARM_UP else regions[:1],
                    )
        return None

    # The warm-up from the first area worked; the finish on the last (where the work ends).
    warm = pick("warm_up", Phase.WARM_UP, worked)
    finish = pick("finish", Phase.FINISH, worked[::-1], avoid=warm.technique if warm else None)
    return warm, finish


def _gentlest(technique: TechniqueInfo):
    return technique.pressure, technique.family_order, technique.slug


def _span(snapshot: Snapshot, technique: TechniqueInfo, phase: str, regions) -> _Unit:
    """One step of `technique` over `regions`, top to bottom: one area, several in turn, or all
    of them in one pass (a stroke up the whole back)."""
    regions = sorted(regions, key=snapshot.region_order)
    muscle = technique.muscles_in(regions[0])[0]
    return _Unit(
        technique,
        regions[0],
        phase,
        muscle.slug,
        muscle.name,
        (Side.BOTH if muscle.bilateral else "",),
        span=tuple(regions) if len(regions) > 1 else (),
    )


def _bookend_seconds(
    total: int, warm: _Unit | None, finish: _Unit | None, hands_limit: int
) -> tuple[int, int]:
    """The warm-up's and finish's shares of `total`; strokes by your own hands a share of
    what your hands can do, so they don't take the time the main work needs of them."""

    def share(unit: _Unit | None, fraction: float, floor: int) -> int:
        if unit is None:
            return 0
        low = max(unit.technique.min_seconds, floor)
        base = min(total, hands_limit) if unit.technique.hand_work else total
        return min(max(_round5(base * fraction), low), unit.technique.max_seconds)

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


# ---------- 3. Fit ----------
def _least_needed(snapshot: Snapshot, request: Request, areas: list[_Area]) -> int:
    """Which area to leave out when time is short: an added linked area first; then the area
    asked for that is needed least — not the one a session is for, nor one that hurts on one
    side, nor one whose pain is fed by (or feeds) another area being worked — and of those
    alike, the one whose work would take the most time, then the highest."""
    linked = [i for i, a in enumerate(areas) if a.feeds]
    if linked:
        return linked[-1]
    sides = dict(request.sides)
    regions = {a.region for a in areas}

    def need(i: int):
        area = areas[i]
        feeders = {r for r, _ in snapshot.feeders.get(area.region, ())}
        fed = {b for b in regions if area.region in {r for r, _ in snapshot.feeders.get(b, ())}}
        for_it = area.first.muscle_slug in area.focus
        return (for_it, area.region in sides, bool((feeders | fed) & regions), -area.cheapest, i)

    return min(range(len(areas)), key=need)


# ---------- 4. Choose ----------
def _is_filler(technique: TechniqueInfo) -> bool:
    """Light work that opens or closes a session (palm strokes): main work only when there is
    nothing else (a gentle session)."""
    return (technique.warm_up or technique.finish) and technique.pressure == Pressure.LIGHT


def _muscle_for(area: _Area, technique: TechniqueInfo, chosen: _Chosen):
    """The muscle a piece of work names: for work done a side at a time, the muscle the
    session is for; then one that hasn't had this kind of work here; then one this area
    hasn't had; then the one named least so far (work over a whole area names its muscles in
    turn). None if it reaches none of the area's muscles."""
    in_area = [u.muscle_slug for u in area.chosen]
    had = area.kinds
    return min(
        area.reaches(technique),
        key=lambda m: (
            technique.each_side and m.slug not in area.focus,
            (technique.family, m.slug) in had,  # not this kind of work on it again
            in_area.count(m.slug),
            chosen.named.count(m.slug),
        ),
        default=None,
    )


def _needs(unit: _Unit, area: _Area, usual: bool) -> float:
    """The time a piece needs to be worth adding to an area: its usual time (or, `usual`
    False, the least worth doing); an area's first piece may go a little over its room."""
    if not area.chosen:
        return unit.short / ROOM_TO_SPARE
    return unit.usual if usual else unit.short


def _next_unit(
    area: _Area, chosen: _Chosen, everyday, room=None, allowed=None, ends=(), usual=False
):
    """The piece of work that adds most to this area now, or None.

    Never the same technique twice on one area (its card would read the same), nor the same
    kind of work on a muscle this area has already had it on (two tools pressing one muscle),
    nor the strokes the warm-up or finish already give an area that has other work. Best
    first: not the gentle strokes that open a session; work on the muscle the session is for;
    work done a side at a time where only one side hurts; a hold on a knot where knots are
    common (between the shoulder blades); what fits in `room` seconds (a first piece may go a
    little over); a kind of work the area hasn't had; moderate pressure, then firm, then
    light; a technique not used yet; one that uses a prop the person has; then broad work
    before focused.
    """
    taken = {u.technique.slug for u in area.chosen}
    kinds = area.kinds
    families = {u.technique.family for u in area.chosen}
    hold_first = area.knotty and not any(u.technique.wording.hold for u in area.chosen)
    best = None
    for technique in area.choices:
        if technique.slug in taken:
            continue
        if area.chosen and any(
            end and end.technique is technique and area.region in (end.span or (end.region,))
            for end in ends
        ):
            continue  # the same strokes again, on an area worked otherwise
        muscle = _muscle_for(area, technique, chosen)
        if muscle is None or (technique.family, muscle.slug) in kinds:
            continue
        unit = _unit(area, technique, muscle)
        if allowed is not None and not allowed(unit):
            continue
        key = (
            _is_filler(technique),
            not (technique.each_side and muscle.slug in area.focus),
            area.side in SIDES and not technique.each_side,
            hold_first and not technique.wording.hold,
            room is not None and _needs(unit, area, usual) > room,
            technique.family in families,
            PRESSURE_RANK.get(technique.pressure, len(PRESSURE_RANK)),
            technique.slug in chosen.used,
            not any(set(group) - everyday for group in technique.prop_groups),
            technique.family_order,
            technique.slug,
        )
        if best is None or key < best[0]:
            best = (key, unit)
    return best and best[1]


def _unit(area: _Area, technique: TechniqueInfo, muscle) -> _Unit:
    """One technique on one muscle of an area: the side that hurts, or both in turn, for work
    done a side at a time; otherwise both sides at once."""
    if technique.each_side and muscle.bilateral:
        sides = (area.side,) if area.side in SIDES else SIDES
    else:
        sides = (Side.BOTH if muscle.bilateral else "",)
    return _Unit(technique, area.region, Phase.MAIN, muscle.slug, muscle.name, sides)


def _choose(areas: list[_Area], main_time: int, hands_limit: int, everyday, ends=()) -> None:
    """Choose each area's work: piece by piece, the area furthest from its share of the main
    time first (linked areas a third of the area they feed), each piece what adds most there
    (`_next_unit`), until every area's share is full; then more, from the areas least served
    (a kind of work the session hasn't had first), while the chosen work can't fill the time
    and anything worth doing is left. Your own hands
    are held to what they can do; the gentle strokes that also open a session come last."""
    weights = sum(a.weight for a in areas)
    for area in areas:
        area.target = main_time * area.weight / weights
    chosen = _Chosen()

    def allowed_in(area: _Area):
        def allowed(unit: _Unit) -> bool:
            if not unit.technique.hand_work or not area.chosen:
                return True
            return chosen.hands_short + unit.short <= hands_limit  # before your hands tire

        return allowed

    def take(area: _Area, unit: _Unit) -> None:
        if unit.technique.hand_work:
            chosen.hands_short += unit.short
        area.chosen.append(unit)
        area.planned += unit.usual
        unit.area_target = area.target
        chosen.used.add(unit.technique.slug)
        chosen.named.append(unit.muscle_slug)

    while True:  # each area up to its share
        best = None
        for i, area in enumerate(areas):
            room = area.target - area.planned
            unit = _next_unit(area, chosen, everyday, room, allowed_in(area), ends, usual=True)
            if unit is None or (area.chosen and (unit.usual > room or _is_filler(unit.technique))):
                continue
            key = (-room / area.target if area.target else 0, i)
            if best is None or key < best[0]:
                best = (key, area, unit)
        if best is None:
            break
        take(best[1], best[2])
    for fillers in (False, True):  # more, while what is chosen can't fill the time
        while _capacity(areas, main_time, hands_limit) < main_time * SPARE_CAPACITY:
            best = None
            room = main_time - sum(u.short for a in areas for u in a.chosen)  # worth doing
            kinds = {u.technique.family for a in areas for u in a.chosen}
            for i, area in enumerate(areas):
                unit = _next_unit(area, chosen, everyday, room, allowed_in(area), ends)
                if unit is None or _is_filler(unit.technique) != fillers or unit.short > room:
                    continue
                served = round(area.planned / area.target, 1) if area.target else 0
                key = (served, unit.technique.family in kinds, i)  # a new kind of work first
                if best is None or key < best[0]:
                    best = (key, area, unit)
            if best is None:
                break
            take(best[1], best[2])


def _capacity(areas: list[_Area], main_time: int, hands_limit: int) -> int:
    """The most time the chosen work can take: each technique at most its share of the main
    work (unless that is less than its shortest), your own hands at most their limit."""
    by_technique: dict[str, list[tuple[_Unit, bool]]] = {}
    for area in areas:
        for unit in area.chosen:
            by_technique.setdefault(unit.technique.slug, []).append((unit, bool(area.feeds)))
    hands = other = 0
    for pairs in by_technique.values():
        units = [u for u, _ in pairs]
        # An area added for the pain it feeds takes its usual time, not more.
        most = min(
            sum(min(u.high, u.usual) if linked else u.high for u, linked in pairs),
            max(TECHNIQUE_SHARE * main_time, sum(u.low for u in units)),
        )
        if units[0].technique.hand_work:
            hands += most
        else:
            other += most
    return other + min(hands, hands_limit)


# ---------- 5. Time ----------
def _spread(main: list[_Unit], main_time: int, hands_limit: int, feeds: dict[str, str]) -> str:
    """Seconds for the main work: each unit its share of its area's time, the steps adding up
    to `main_time`, hand work at most `hands_limit`; while other work can take the time, no
    technique more than about 40 % of it and no area added for the pain it feeds (`feeds`:
    that area -> the one asked for) more than the area asked for. Returns why it falls
    short, if it does."""
    by_area: dict[str, list[_Unit]] = {}
    for unit in main:
        by_area.setdefault(unit.region, []).append(unit)
    for units in by_area.values():
        defaults = sum(u.technique.default_seconds * u.count for u in units)
        # Work added past an area's share (to fill the time) widens its share.
        area_time = max(units[0].area_target, sum(u.short for u in units))
        for unit in units:
            unit.weight = area_time * unit.technique.default_seconds / defaults
    hands = [u for u in main if u.technique.hand_work]
    others = [u for u in main if not u.technique.hand_work]

    def share() -> int:
        _share(main, main_time)
        if hands and sum(u.seconds * u.count for u in hands) > hands_limit:
            _share(hands, max(hands_limit, sum(u.low for u in hands)))
            _share(others, main_time - sum(u.seconds * u.count for u in hands))
        return sum(u.seconds * u.count for u in main)

    done = share()
    for _ in range(2 * len(main)):
        before = [(u.seconds, u.ceiling) for u in main]
        if not (_cap_share(main, main_time) or _cap_linked(main, feeds)):
            break
        if share() < min(done, main_time) - TOLERANCE:  # left time no other work could take
            for unit, (seconds, ceiling) in zip(main, before, strict=True):
                unit.seconds, unit.ceiling = seconds, ceiling
            break
    if sum(u.seconds * u.count for u in main) >= main_time - TOLERANCE:
        return ""
    hands_done = sum(u.seconds * u.count for u in hands)
    return HANDS_TIRE if hands and hands_done >= hands_limit - TOLERANCE else NOTHING_MORE


def _cap_share(main: list[_Unit], main_time: int) -> bool:
    """Hold a technique over about 40 % of the main work (the one with the most time first) to
    that share, or as near as the other work's room (within its own share) and what each
    piece is worth allow. Returns whether anything changed."""
    totals: dict[str, int] = {}
    for unit in main:
        totals[unit.technique.slug] = totals.get(unit.technique.slug, 0) + unit.seconds * unit.count
    share = TECHNIQUE_SHARE * min(main_time, sum(totals.values()))  # of what is done
    for slug, most in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        if len(totals) < 2 or most <= share:
            return False
        mine = [u for u in main if u.technique.slug == slug]
        # What the other techniques can take without going over their own share.
        room: dict[str, int] = {}
        for unit in main:
            if unit.technique.slug != slug:
                more = (unit.hi - unit.seconds) * unit.count
                room[unit.technique.slug] = room.get(unit.technique.slug, 0) + more
        room_left = sum(max(0, min(more, share - totals[t])) for t, more in room.items())
        target = max(share, most - room_left, sum(u.short for u in mine))
        if most - target >= 5 * len(mine):
            _lower_ceilings(mine, target / most)
            return True
    return False


def _cap_linked(main: list[_Unit], feeds: dict[str, str]) -> bool:
    """Hold an area added for the pain it feeds to no more time than the area asked for.
    Returns whether anything changed."""
    totals: dict[str, int] = {}
    for unit in main:
        totals[unit.region] = totals.get(unit.region, 0) + unit.seconds * unit.count
    for linked, fed in feeds.items():
        mine = [u for u in main if u.region == linked]
        if linked not in totals or fed not in totals:
            continue
        target = max(totals[fed], sum(u.short for u in mine))
        if totals[linked] - target >= 5 * len(mine):
            _lower_ceilings(mine, target / totals[linked])
            return True
    return False


def _lower_ceilings(units: list[_Unit], scale: float) -> None:
    """Each unit's ceiling to `scale` of its seconds, never below what it is worth."""
    for unit in units:
        limit = max(unit.short // unit.count, 5 * math.floor(unit.seconds * scale / 5))
        unit.ceiling = min(unit.ceiling or limit, limit)


def _share(units: Sequence[_Unit], total: int) -> None:
    """Seconds per unit: proportional to each unit's weight, clamped to its range, adding up
    to `total` (or as near as the ranges allow).

    Found by bisection on a common scale factor (water-filling), then rounded to 5 s and the
    remainder handed out 5 s at a time to units with room, in turn (what a pair of sides
    can't take, the warm-up or finish takes: `_close_gap`). When the time allows, no unit
    gets less than it is worth (`_Unit.short`), only its technique's shortest when it doesn't.
    """
    if not units:
        return
    worth = sum(u.short for u in units) <= total
    floors = [max(u.short // u.count, 5) if worth else u.technique.min_seconds for u in units]
    ranges = [(u.weight, lo, u.hi) for u, lo in zip(units, floors, strict=True)]
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
    values = [
        min(max(_round5(v), lo), u.hi)
        for v, u, lo in zip(seconds_at(high), units, floors, strict=True)
    ]
    turn = 0
    while abs(gap := total - used(values)) >= 5:
        step = 5 if gap > 0 else -5
        room = [
            i
            for i, u in enumerate(units)
            if u.count * 5 <= abs(gap) and floors[i] <= values[i] + step <= u.hi
        ]
        if not room:
            break
        values[room[turn % len(room)]] += step
        turn += 1
    for value, unit in zip(values, units, strict=True):
        unit.seconds = value


def _round5(value: float) -> int:
    return 5 * round(value / 5)


# ---------- 6. Order ----------
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


# ---------- What the plan says besides its steps ----------
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
        places: tuple[str, ...] = ()
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
            places = tuple(
                sorted(
                    {r for t in mine for r in t.regions if snapshot.works(t, r)},
                    key=snapshot.region_order,
                )
            )
            names = " and ".join(snapshot.region_name(r).lower() for r in places)
            why = f"It works the {names}, not the areas in this session."
        elif not any(allowance.permits(t) and t.usable_with(owned) for t in reaching):
            why = "Not with today's safety answers: what it does is too firm for now."
        elif instead := _used_instead(snapshot, slug, reaching, used):
            why = f"Your {instead.lower()} does the same work in this session."
        elif all(_repeats(t, areas) for t in reaching if allowance.permits(t)):
            why = "It would only repeat work this session already does on the same muscles."
        else:
            why = "There wasn't time for it: a longer session would use it."
        found.append(UnusedProp(slug, snapshot.prop(slug).name, why, places))
    reasons = list(dict.fromkeys(prop.why for prop in found))
    return tuple(sorted(found, key=lambda prop: reasons.index(prop.why)))  # alike together


def _used_instead(snapshot, slug: str, techniques, used) -> str:
    """The name of a prop in the plan that can stand in for `slug` in all its work there (a
    tennis ball for a lacrosse ball), or ""."""
    for technique in techniques:
        for group in technique.prop_groups:
            if slug in group:
                other = next((p for p in group if p in used and p != slug), None)
                if other:
                    return snapshot.prop(other).name
    return ""


def _repeats(technique: TechniqueInfo, areas: list[_Area]) -> bool:
    """On every area worked that it reaches, the plan already gives each muscle it could work
    there the same kind of work."""
    return all(
        all((technique.family, m.slug) in a.kinds for m in a.reaches(technique))
        for a in areas
        if technique.muscles_in(a.region)
    )
