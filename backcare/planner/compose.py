"""Compose a session as a therapist would: a pure, deterministic function of (catalogue
snapshot, request, allowance), in named stages, each returning new values:

    areas -> fit -> choose -> order -> time -> movements -> steps

The massage is composed in the time the movement block leaves it (`planner.movement`).

No ORM, no request, no randomness. The plan's values are in `plan`, time allotment in
`timing`; the snapshot is read from the database by `backcare.catalogue.snapshot`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import product
from typing import NamedTuple

from backcare.catalogue.choices import SIDES, GuidelineSlug, Performer, Phase, Pressure, Side
from backcare.catalogue.values import NO_LIMITS, Allowance, Snapshot, TechniqueInfo, reachable
from backcare.planner import movement
from backcare.planner.cards import write_card
from backcare.planner.plan import (
    HANDS_TIRE,
    TOLERANCE,
    Linked,
    Plan,
    PlannedStep,
    Request,
    Unreachable,
    Unused,
    UnusedProp,
)
from backcare.planner.timing import (
    Unit,
    bookend_seconds,
    capacity,
    close_gap,
    round5,
    spread,
    whole_for,
)

LINKED_SHARE = 1 / 3  # of an area's main time, for the areas that feed its pain
ROOM_TO_SPARE = 1.25  # an area's next piece may go this far over the time left to it
SPARE_CAPACITY = 1.1  # the work chosen can take this much more than the time, for the shares
PER_KIND = 3  # techniques of one kind of work an area chooses among (the likeliest)
HANDS_MINUTES = 12  # when the catalogue has no guideline for it
FAVOURED = 1.5  # a favoured technique's usual time, times this (within its longest)
# Main work at moderate pressure first, then firm, then light (light is for capped sessions
# and the gentle strokes): a healthy neck gets kneading, not the weight of your fingers.
PRESSURE_RANK = {Pressure.MODERATE: 0, Pressure.FIRM: 1, Pressure.LIGHT: 2}


@dataclass(frozen=True)
class Context:
    """What every stage reads: the catalogue, the request and what the safety answers allow."""

    snapshot: Snapshot
    request: Request
    allowance: Allowance
    owned: frozenset[str]  # the props ticked and those every home has
    total: int  # seconds asked, within the allowance's longest session
    hands_limit: int  # seconds of work your own hands can do before tiring
    # The techniques the person's history favours, with a longer usual time: one copy each,
    # used wherever the technique is chosen in this session.
    favoured: dict[str, TechniqueInfo]

    @classmethod
    def of(cls, snapshot: Snapshot, request: Request, allowance: Allowance) -> Context:
        minutes = min(request.minutes, allowance.max_minutes or request.minutes)
        hands = snapshot.guideline(GuidelineSlug.SOLO_HANDS_MINUTES, HANDS_MINUTES)
        owned = snapshot.everyday | frozenset(request.props)
        favoured = {
            t.slug: replace(t, default_seconds=_longer(t))
            for t in map(snapshot.technique, sorted(request.favour))
            if t is not None
        }
        return cls(snapshot, request, allowance, owned, minutes * 60, hands * 60, favoured)

    def permits(self, technique: TechniqueInfo) -> bool:
        """The safety answers allow it, and the person's history doesn't leave it out."""
        return self.allowance.permits(technique) and technique.slug not in self.request.avoid

    def as_chosen(self, techniques) -> list[TechniqueInfo]:
        """Those permitted, a favoured one as this session gives it more time."""
        return [self.favoured.get(t.slug, t) for t in techniques if self.permits(t)]

    def unreachable(self, region: str, **why) -> Unreachable:
        return Unreachable(region, self.snapshot.region_name(region), **why)

    def main_choices(self, region: str) -> list[TechniqueInfo]:
        """The main work an area can get with what the person has and the answers allow."""
        props = self.owned - self.snapshot.everyday
        return self.as_chosen(self.snapshot.working_with(self.request.performer, region, props))


def _longer(technique: TechniqueInfo) -> int:
    return min(technique.max_seconds, round5(technique.default_seconds * FAVOURED))


class Area(NamedTuple):
    """An area to work: the few techniques it chooses among, and how much time it wants."""

    region: str
    choices: tuple[TechniqueInfo, ...]  # the allowed main work that reaches it
    side: str
    weight: float = 1.0
    muscles: frozenset[str] | None = None  # only these (an area added for the pain it feeds)
    feeds: str = ""
    focus: frozenset[str] = frozenset()  # these first (the muscle a session is for)
    knotty: bool = False  # knots are common here: a hold on a knot first
    first: Unit | None = None  # what it would get first, on its own
    cheapest: int = 0  # the least time worth giving it (`Unit.short` of its cheapest work)

    def reaches(self, technique: TechniqueInfo) -> list:
        """The muscles of this area `technique` can work (of those it is for, if any)."""
        return [
            m
            for m in technique.muscles_in(self.region)
            if self.muscles is None or m.slug in self.muscles
        ]


@dataclass(frozen=True)
class Fit:
    """The areas that fit the time, and the warm-up and finish with their seconds."""

    areas: tuple[Area, ...]
    warm: Unit | None
    finish: Unit | None
    warm_s: int
    finish_s: int
    length: int  # seconds the session can take (hand work alone: until your hands tire)
    main_hands: int  # seconds your own hands can give the main work
    left: tuple[Unreachable, ...]  # areas asked for that there was no time for


@dataclass(frozen=True)
class Worked:
    """An area and the work chosen for it, in the order chosen."""

    area: Area
    units: tuple[Unit, ...]
    target: float  # seconds of main work it should get


def compose(snapshot: Snapshot, request: Request, allowance: Allowance = NO_LIMITS) -> Plan:
    ctx = Context.of(snapshot, request, allowance)
    found, unreachable = areas(ctx)
    if not found:
        return _plan(ctx, (), unreachable, (), "")
    block = movement.budget(ctx.total) if request.movement and snapshot.movements else 0
    moves = movements(ctx, found, block)
    used = sum(map(movement.seconds, moves))
    massage = _massage(ctx, found, used)  # in the time the movement leaves
    # The massage's steps of 5 s a side may take a step too many: then a step less of it, and
    # the movement rests the difference.
    if moves and not massage[3] and (over := _seconds(massage[0]) + used - ctx.total) > 0:
        massage = _massage(ctx, found, used + over)
    timed, fitted, worked, shortfall = massage
    planned = steps(ctx, timed)
    if moves:  # after the main work, before the finish
        at = len(planned) - (planned[-1].phase == Phase.FINISH)
        moving = movement.steps(snapshot, allowance, moves, _about(ctx, worked))
        if not shortfall:  # the massage's 5 s grid may miss by a step: the movement takes it
            moving = movement.even_out(moving, ctx.total - sum(s.seconds for s in planned))
        planned = (*planned[:at], *moving, *planned[at:])
    return _plan(ctx, planned, unreachable + fitted.left, worked, shortfall)


def _seconds(units: tuple[Unit, ...]) -> int:
    return sum(u.seconds * u.count for u in units)


def _massage(ctx: Context, found: tuple[Area, ...], moving: int):
    """The massage in the session's time less `moving` seconds of movement: its units with
    their seconds, what fitted, the work chosen, and why it is shorter than asked (or "")."""
    ctx = replace(ctx, total=ctx.total - moving)
    fitted = fit(ctx, found)
    worked = choose(ctx, fitted)
    main, warm, finish = order(worked, fitted.warm, fitted.finish)
    timed, shortfall = time(ctx, fitted, worked, main, warm, finish)
    return timed, fitted, worked, shortfall


def _about(ctx: Context, worked: tuple[Worked, ...]) -> list[str]:
    """The areas a session is about: those asked for that the answers allow, then the others
    worked (an area feeding the pain of one asked for)."""
    asked = [r for r in ctx.request.regions if r not in ctx.allowance.excluded_regions]
    return list(dict.fromkeys([*asked, *(w.area.region for w in worked)]))


def movements(ctx: Context, found: tuple[Area, ...], block: int):
    """The movement block (stage 7), in `block` seconds: for the areas the session is about,
    starting where the main work would end, were the massage to leave it that time."""
    if not block:
        return ()
    less = replace(ctx, total=ctx.total - block)
    fitted = fit(less, found)
    worked = choose(less, fitted)
    main, _, _ = order(worked, fitted.warm, fitted.finish)
    here = main[-1].technique.setting if main else ""
    about, avoid = _about(ctx, worked), ctx.request.avoid
    return movement.choose(ctx.snapshot, ctx.allowance, about, here, block, avoid)


# ---------- 1. Areas ----------
def areas(ctx: Context) -> tuple[tuple[Area, ...], tuple[Unreachable, ...]]:
    """The areas to work, top to bottom, with those that feed their pain (the hips for the
    lower back); those that can't be worked, with what would open them."""
    snapshot, request, excluded = ctx.snapshot, ctx.request, ctx.allowance.excluded_regions
    asked = sorted(set(request.regions), key=snapshot.region_order)
    found: list[Area] = []
    unreachable: list[Unreachable] = []
    focus = frozenset(request.focus)
    for region in asked:
        if region in excluded:
            unreachable.append(ctx.unreachable(region, excluded=True))
        elif choices := ctx.main_choices(region):
            found.append(Area(region, tuple(choices), request.side_of(region), focus=focus))
        else:
            unreachable.append(_unlock(ctx, region))
    ready = (_ready(ctx, a) for a in _with_linked(ctx, found, asked))
    return tuple(sorted(ready, key=lambda a: snapshot.region_order(a.region))), tuple(unreachable)


def _with_linked(ctx: Context, asked_areas: list[Area], asked: list[str]) -> list[Area]:
    """The areas asked for, each giving a third of its time to each area not asked for whose
    muscles feed its pain and can be worked; and those areas."""
    kept: list[Area] = []
    added: dict[str, Area] = {}
    for area in asked_areas:
        weight = area.weight
        for region, muscles in ctx.snapshot.feeders.get(area.region, ()):
            if region in asked or region in ctx.allowance.excluded_regions:
                continue
            found = [
                t
                for t in ctx.main_choices(region)
                if any(m.slug in muscles for m in t.muscles_in(region))
            ]
            if not found:
                continue
            share = weight * LINKED_SHARE
            weight -= share
            if region in added:
                added[region] = added[region]._replace(weight=added[region].weight + share)
            else:
                found, muscles = tuple(found), frozenset(muscles)
                added[region] = Area(region, found, area.side, share, muscles, area.region)
        kept.append(area._replace(weight=weight))
    return kept + list(added.values())


def _ready(ctx: Context, area: Area) -> Area:
    """`area` with its shortlist of work, and what it would get first on its own."""
    everyday, favour = ctx.snapshot.everyday, ctx.request.favour
    area = area._replace(
        knotty=area.region in ctx.snapshot.knotty, choices=_shortlist(area, everyday, favour)
    )
    cheapest = _next_unit(area, (), ((), []), everyday, room=0, favour=favour).short
    first = _next_unit(area, (), ((), []), everyday, favour=favour)
    return area._replace(first=first, cheapest=cheapest)


def _shortlist(area: Area, everyday, favour=frozenset()) -> tuple[TechniqueInfo, ...]:
    """The few likeliest techniques of each kind of work, so choosing costs the same however
    large the catalogue grows (an area takes one piece per muscle of each kind at most); what
    the person's history favours first."""

    def for_focus(t: TechniqueInfo) -> bool:
        return bool(area.focus) and t.each_side and any(m.slug in area.focus for m in t.muscles)

    ranked = sorted(
        area.choices,
        key=lambda t: (
            _is_filler(t),
            t.slug not in favour,
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
    return tuple(shortlist)


def _unlock(ctx: Context, region: str) -> Unreachable:
    """What would open an area: putting back what the person's history left out; else the
    cheapest props (fewest on a tie), else a partner."""
    snapshot, performer = ctx.snapshot, ctx.request.performer
    props = ctx.owned - snapshot.everyday
    if ctx.request.avoid and any(
        t.slug in ctx.request.avoid and ctx.allowance.permits(t)
        for t in snapshot.working_with(performer, region, props)
    ):
        return ctx.unreachable(region, learned=True)
    options: list[tuple[int, int, tuple[str, ...]]] = []
    for technique in snapshot.working.get((performer, region), ()):
        if not ctx.permits(technique):
            continue
        unmet = [g for g in technique.prop_groups if not any(t in ctx.owned for t in g)]
        for pick in product(*unmet):
            props = tuple(sorted(set(pick)))
            cost = sum(snapshot.prop(slug).cost_rank for slug in props)
            options.append((cost, len(props), props))
    if options:
        return ctx.unreachable(region, props=min(options)[2])
    partner_can = performer == Performer.SELF and region in reachable(
        snapshot, Performer.PARTNER, ctx.owned, ctx.allowance
    )
    return ctx.unreachable(region, partner=partner_can)


# ---------- 2. Fit ----------
def fit(ctx: Context, found: tuple[Area, ...]) -> Fit:
    """The warm-up and finish on the areas worked; when time is short the finish goes first,
    then whole areas, the least needed first (said, with the minutes that would fit them),
    then the warm-up. Hand work alone stops when your hands would tire."""
    hands_limit, total = ctx.hands_limit, ctx.total
    hands_only = all(t.hand_work for a in found for t in a.choices)
    length = min(total, hands_limit) if hands_only else total
    kept = list(found)
    warm, finish = _bookends(ctx, kept)
    warm_s, finish_s = bookend_seconds(length, warm, finish, hands_limit)
    left: list[Unreachable] = []

    def fits() -> bool:
        return sum(a.cheapest for a in kept) <= length - warm_s - finish_s

    if not fits() and finish:
        finish, finish_s = None, 0
    while not fits() and len(kept) > 1:
        dropped = kept.pop(_least_needed(ctx, kept))
        warm, new_finish = _bookends(ctx, kept)  # on the areas still worked
        finish = new_finish if finish else None
        warm_s, finish_s = bookend_seconds(length, warm, finish, hands_limit)
        if not dropped.feeds:
            need = sum(a.cheapest for a in (dropped, *kept)) + warm_s + finish_s
            # Hand work alone stops at the hands limit, however long the session asked.
            tire = hands_only and need > hands_limit
            more = 0 if tire else max(1, math.ceil((need - total) / 60))
            why = {"no_time": True, "minutes_needed": more, "hands_tire": tire}
            left.append(ctx.unreachable(dropped.region, **why))
    if not fits() and warm:
        warm, warm_s = None, 0
    ends = ((warm, warm_s), (finish, finish_s))
    hand_ends = sum(s for u, s in ends if u and u.technique.hand_work)
    main_hands = max(0, hands_limit - hand_ends)
    return Fit(tuple(kept), warm, finish, warm_s, finish_s, length, main_hands, tuple(left))


def _bookends(ctx: Context, found: list[Area]) -> tuple[Unit | None, Unit | None]:
    """The gentlest allowed warm-up and finish, on the worked areas they reach where they
    aren't the area's first main work (a stroke up the whole back first, when all of it is
    worked); the finish on the last. None where the stroking is the session itself."""
    snapshot = ctx.snapshot
    worked = [a.region for a in found]
    firsts = {a.region: a.first.technique for a in found}
    candidates = sorted(
        (
            t
            for t in ctx.as_chosen(snapshot.bookends.get(ctx.request.performer, ()))
            if not t.each_side and t.usable_with(ctx.owned)
        ),
        key=lambda t: not t.spans,  # stable: the gentlest first otherwise
    )

    def pick(flag: str, phase: str, order: list[str], avoid=None) -> Unit | None:
        # A stroke over the whole back opens a session first; a finish prefers what is only
        # a finish (the light tapping that closes a partner massage), when it is allowed.
        ordered = (
            candidates
            if phase == Phase.WARM_UP
            else sorted(candidates, key=lambda t: (t.warm_up, t.pressure, t.family_order, t.slug))
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
                    on = regions if phase == Phase.WARM_UP else regions[:1]
                    return _span(snapshot, technique, phase, on)
        return None

    # The warm-up from the first area worked; the finish on the last (where the work ends).
    warm = pick("warm_up", Phase.WARM_UP, worked)
    finish = pick("finish", Phase.FINISH, worked[::-1], avoid=warm.technique if warm else None)
    return warm, finish


def _span(snapshot: Snapshot, technique: TechniqueInfo, phase: str, regions) -> Unit:
    """One step of `technique` over `regions`, top to bottom: one area, several in turn, or all
    of them in one pass (a stroke up the whole back)."""
    regions = sorted(regions, key=snapshot.region_order)
    muscle = technique.muscles_in(regions[0])[0]
    sides = (Side.BOTH if muscle.bilateral else "",)
    span = tuple(regions) if len(regions) > 1 else ()
    return Unit(technique, regions[0], phase, muscle.slug, muscle.name, sides, span)


def _least_needed(ctx: Context, found: list[Area]) -> int:
    """The area to leave out when time is short: an added linked area; else the one needed
    least (not the one the session is for, one hurting on one side, or one feeding or fed by
    another worked), of those alike the one whose work takes longest, then the highest."""
    linked = [i for i, a in enumerate(found) if a.feeds]
    if linked:
        return linked[-1]
    feeders = ctx.snapshot.feeders
    sides = dict(ctx.request.sides)
    regions = {a.region for a in found}

    def need(i: int):
        area = found[i]
        feeding = {r for r, _ in feeders.get(area.region, ())}
        fed = {b for b in regions if area.region in {r for r, _ in feeders.get(b, ())}}
        for_it = area.first.muscle_slug in area.focus
        return (for_it, area.region in sides, bool((feeding | fed) & regions), -area.cheapest, i)

    return min(range(len(found)), key=need)


# ---------- 3. Choose ----------
def choose(ctx: Context, fitted: Fit) -> tuple[Worked, ...]:
    """Each area's work, piece by piece: the area furthest from its share first, until every
    share is full; then more, from the areas least served (a new kind of work first), while
    the chosen work can't fill the time; the gentle strokes last, your hands held to their limit."""
    found, ends, everyday = fitted.areas, (fitted.warm, fitted.finish), ctx.snapshot.everyday
    favour = ctx.request.favour
    main_time = fitted.length - fitted.warm_s - fitted.finish_s
    weights = sum(a.weight for a in found)
    targets = [main_time * a.weight / weights for a in found]
    picked: list[list[Unit]] = [[] for _ in found]
    planned = [0] * len(found)  # the usual time of what each area has
    session: tuple[set[str], list[str]] = set(), []  # techniques used, muscles named
    hands_short = 0  # what the hand work chosen is worth (`Unit.short`)

    def pieces(rooms: list[float], usual=False):
        """(area index, the piece that adds most there) for each area that has one."""
        hands = fitted.main_hands - hands_short
        for i, area in enumerate(found):
            unit = _next_unit(
                area, picked[i], session, everyday, rooms[i], hands, ends, usual, favour
            )
            if unit is not None:
                yield i, unit

    def chosen() -> list[tuple[Unit, bool]]:
        return [(u, bool(a.feeds)) for a, units in zip(found, picked, strict=True) for u in units]

    def take(best: list) -> None:
        nonlocal hands_short
        _, i, unit = min(best)
        picked[i].append(unit)
        planned[i] += unit.usual
        session[0].add(unit.technique.slug)
        session[1].append(unit.muscle_slug)
        hands_short += unit.short if unit.technique.hand_work else 0

    while True:  # each area up to its share
        rooms = [t - p for t, p in zip(targets, planned, strict=True)]
        best = [
            ((-rooms[i] / targets[i] if targets[i] else 0, i), i, u)
            for i, u in pieces(rooms, usual=True)
            if not (picked[i] and (u.usual > rooms[i] or _is_filler(u.technique)))
        ]
        if not best:
            break
        take(best)
    for fillers in (False, True):  # more, while what is chosen can't fill the time
        while capacity(chosen(), main_time, fitted.main_hands) < main_time * SPARE_CAPACITY:
            room = main_time - sum(u.short for units in picked for u in units)  # worth doing
            kinds = {u.technique.family for units in picked for u in units}
            served = [round(p / t, 1) if t else 0 for p, t in zip(planned, targets, strict=True)]
            best = [
                ((served[i], u.technique.family in kinds, i), i, u)
                for i, u in pieces([room] * len(found))
                if _is_filler(u.technique) == fillers and u.short <= room
            ]
            if not best:
                break
            take(best)
    return tuple(map(Worked, found, map(tuple, picked), targets))


def _is_filler(technique: TechniqueInfo) -> bool:
    """Light work that opens or closes a session (palm strokes): main work only when there is
    nothing else (a gentle session)."""
    return (technique.warm_up or technique.finish) and technique.pressure == Pressure.LIGHT


def _kinds(units) -> set[tuple[str, str]]:
    """(family, muscle) of the work chosen: a muscle gets each kind of work once an area."""
    return {(u.technique.family, u.muscle_slug) for u in units}


def _muscle_for(area: Area, had, technique: TechniqueInfo, named: list[str]):
    """The muscle a piece names: the one the session is for (work a side at a time); then one
    without this kind of work here; one the area hasn't had; the one named least so far."""
    in_area = [u.muscle_slug for u in had]
    kinds = _kinds(had)
    return min(
        area.reaches(technique),
        key=lambda m: (
            technique.each_side and m.slug not in area.focus,
            (technique.family, m.slug) in kinds,  # not this kind of work on it again
            in_area.count(m.slug),
            named.count(m.slug),
        ),
        default=None,
    )


def _needs(unit: Unit, had, usual: bool) -> float:
    """The time a piece needs to be worth adding to an area: its usual time (or, `usual`
    False, the least worth doing); an area's first piece may go a little over its room."""
    if not had:
        return unit.short / ROOM_TO_SPARE
    return unit.usual if usual else unit.short


def _next_unit(
    area: Area, had, session, everyday, room=None, hands=None, ends=(), usual=False, favour=()
):
    """The piece that adds most to `area` (which `had` that work already; the `session`: the
    techniques used and muscles named so far), or None: never a technique twice on an area,
    a kind of work twice on a muscle, the bookends' strokes again, nor hand work past `hands`
    seconds. Best first: not the gentle strokes; the muscle the session is for; a side at a
    time where one side hurts; a hold where knots are common; what fits `room`; a new kind
    of work; what the person's history `favour`s; moderate, firm, then light pressure; a
    technique not used yet; one using a prop the person has; broad work before focused."""
    taken, (used, named) = {u.technique.slug for u in had}, session
    kinds = _kinds(had)
    families = {u.technique.family for u in had}
    hold_first = area.knotty and not any(u.technique.wording.hold for u in had)
    best = None
    for technique in area.choices:
        if technique.slug in taken:
            continue
        if had and any(
            end and end.technique is technique and area.region in (end.span or (end.region,))
            for end in ends
        ):
            continue  # the same strokes again, on an area worked otherwise
        muscle = _muscle_for(area, had, technique, named)
        if muscle is None or (technique.family, muscle.slug) in kinds:
            continue
        unit = _unit(area, technique, muscle)
        if hands is not None and technique.hand_work and had and unit.short > hands:
            continue  # your hands would tire
        key = (
            _is_filler(technique),
            not (technique.each_side and muscle.slug in area.focus),
            area.side in SIDES and not technique.each_side,
            hold_first and not technique.wording.hold,
            room is not None and _needs(unit, had, usual) > room,
            technique.family in families,
            technique.slug not in favour,
            PRESSURE_RANK.get(technique.pressure, len(PRESSURE_RANK)),
            technique.slug in used,
            not any(set(group) - everyday for group in technique.prop_groups),
            technique.family_order,
            technique.slug,
        )
        if best is None or key < best[0]:
            best = (key, unit)
    return best and best[1]


def _unit(area: Area, technique: TechniqueInfo, muscle) -> Unit:
    """One technique on one muscle of an area: the side that hurts, or both in turn, for work
    done a side at a time; otherwise both sides at once."""
    if technique.each_side and muscle.bilateral:
        sides = (area.side,) if area.side in SIDES else SIDES
    else:
        sides = (Side.BOTH if muscle.bilateral else "",)
    return Unit(technique, area.region, Phase.MAIN, muscle.slug, muscle.name, sides)


# ---------- 4. Order ----------
def order(worked: tuple[Worked, ...], warm: Unit | None, finish: Unit | None):
    """(main work, warm-up, finish): work in one place together, top to bottom, broad work
    before focused, left then right; a bookend that would repeat the step beside it moves
    the main work round, or goes."""
    area_order = {w.area.region: i for i, w in enumerate(worked)}
    main = sorted(
        (u for w in worked for u in w.units),
        key=lambda u: (area_order[u.region], u.technique.family_order),
    )
    places = list(dict.fromkeys(u.technique.setting for u in main))
    if warm and warm.technique.setting in places:  # start where the warm-up is
        places.insert(0, places.pop(places.index(warm.technique.setting)))
    if finish and len(places) > 2 and finish.technique.setting in places[1:]:
        places.append(places.pop(places.index(finish.technique.setting)))  # end there
    main.sort(key=lambda u: places.index(u.technique.setting))  # stable: keeps the rest
    # A bookend beside main work of the same technique reads as the same step twice: bring
    # other work on that area next to it (the order of areas stays top to bottom).
    for end, at in ((finish, -1), (warm, 0)):  # the finish's end first, as before
        if end and main[at].technique is end.technique:
            place, done = main[at].region, end.technique
            other = [i for i, u in enumerate(main) if u.region == place and u.technique is not done]
            if other:
                moved = main.pop(other[at])
                main.insert(len(main) if at else 0, moved)
    # None where the main work beside it is the gentle stroking itself.
    warm, finish = (
        e if e and not _same(e, main[at]) else None for e, at in ((warm, 0), (finish, -1))
    )
    return tuple(main), warm, finish


def _same(a: Unit, b: Unit) -> bool:
    """Two steps a person would read as the same: one technique on one area."""
    return a.technique is b.technique and a.region == b.region


# ---------- 5. Time ----------
def time(ctx: Context, fitted: Fit, worked, main, warm, finish) -> tuple[tuple[Unit, ...], str]:
    """(units with their seconds, shortfall): a plan shorter than asked says why rather than
    pad with repeats; otherwise the bookends take the last seconds of the 5 s grid."""
    hands_limit, total = ctx.hands_limit, ctx.total
    warm_s, finish_s = (fitted.warm_s if warm else 0), (fitted.finish_s if finish else 0)
    targets = {w.area.region: w.target for w in worked}
    feeds = {w.area.region: w.area.feeds for w in worked if w.area.feeds}
    main_time = fitted.length - warm_s - finish_s
    favour = ctx.request.favour
    seconds, shortfall = spread(main, targets, main_time, fitted.main_hands, feeds, favour)
    main = [u._replace(seconds=s) for u, s in zip(main, seconds, strict=True)]
    done = sum(u.seconds * u.count for u in main)
    if shortfall:  # nothing more worth doing: a shorter plan, with bookends to match
        warm_s, finish_s = bookend_seconds(whole_for(done), warm, finish, hands_limit)
        if done + warm_s + finish_s >= total - TOLERANCE:
            shortfall = ""  # the warm-up and finish took up the rest
    elif fitted.length < total:
        shortfall = HANDS_TIRE
    if not shortfall:
        ends = ((warm, warm_s), (finish, finish_s))
        hands_used = sum(u.seconds * u.count for u in main if u.technique.hand_work)
        hands_used += sum(s for u, s in ends if u and u.technique.hand_work)
        warm_s, finish_s = close_gap(total - done, hands_limit - hands_used, *ends)
    first = [warm._replace(seconds=warm_s)] if warm else []
    last = [finish._replace(seconds=finish_s)] if finish else []
    return (*first, *main, *last), shortfall


# ---------- 6. Steps ----------
def steps(ctx: Context, units: tuple[Unit, ...]) -> tuple[PlannedStep, ...]:
    """A step for each unit and side, its card written under the session's pressure cap."""
    snapshot = ctx.snapshot
    return tuple(
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
                cap=ctx.allowance.max_pressure,
                span=u.span,
            ),
            u.technique.props_for(ctx.owned),
            u.technique.setting,
            tuple(snapshot.region_name(r) for r in u.span),
            u.technique.spans,
            u.span,
        )
        for u in units
        for side in u.sides
    )


# ---------- What the plan says besides its steps ----------
def _plan(ctx: Context, planned, unreachable, worked, shortfall: str) -> Plan:
    snapshot = ctx.snapshot
    used = tuple(dict.fromkeys(p for s in planned for p in s.props))
    left_out = tuple(s for s, _ in snapshot.regions if s in ctx.allowance.excluded_regions)
    name = snapshot.region_name
    linked = tuple(
        Linked(a.region, name(a.region), a.feeds, name(a.feeds), muscles)
        for a, muscles in (
            (w.area, tuple(dict.fromkeys(u.muscle_name for u in w.units))) for w in worked
        )
        if a.feeds and muscles
    )
    return Plan(
        planned,
        tuple(sorted(unreachable, key=lambda item: snapshot.region_order(item.region))),
        ctx.total,
        left_out,
        linked,
        shortfall,
        unused(ctx, worked, used),
        tuple(snapshot.prop(p).name for p in used),
        learned_out=_could_have(ctx, worked),
    )


def _could_have(ctx: Context, worked: tuple[Worked, ...]) -> tuple[str, ...]:
    """What the person's history left out that this session could otherwise have used: work
    for its performer on its areas, with what they have, that the safety answers allow; a
    movement for its areas, when it moves."""
    snapshot, request, allowance = ctx.snapshot, ctx.request, ctx.allowance
    if not request.avoid:
        return ()
    regions = set(_about(ctx, worked))
    moving = request.movement and movement.budget(ctx.total) > 0
    found = []
    for slug in sorted(request.avoid):
        if technique := snapshot.technique(slug):
            if (
                technique.performer == request.performer
                and technique.usable_with(ctx.owned)
                and allowance.permits(technique)
                and any(snapshot.works(technique, r) for r in regions)
            ):
                found.append(slug)
        elif moving and any(
            m.slug == slug and allowance.moves(m) and regions.intersection(m.regions)
            for m in snapshot.movements
        ):
            found.append(slug)
    return tuple(found)


def unused(ctx: Context, worked: tuple[Worked, ...], used) -> tuple[UnusedProp, ...]:
    """Why each prop the person ticked is not in the plan (`Unused`), alike together."""
    snapshot, request, allowance = ctx.snapshot, ctx.request, ctx.allowance
    regions = {w.area.region for w in worked} | (set(request.regions) - allowance.excluded_regions)
    found = []
    for slug in sorted(request.props, key=lambda s: (snapshot.prop(s).cost_rank, s)):
        if slug in used or slug in snapshot.everyday:
            continue
        mine = [t for t in snapshot.using.get(slug, ()) if t.performer == request.performer]
        reaching = [t for t in mine if any(snapshot.works(t, r) for r in regions)]
        places: tuple[str, ...] = ()
        instead = ""
        if not mine:
            partner = request.performer == Performer.PARTNER
            why = Unused.PARTNER_HANDS if partner else Unused.NOT_ALONE
        elif not regions:
            why = Unused.NOTHING_TO_WORK
        elif not reaching:
            why = Unused.ELSEWHERE
            worked_by = {r for t in mine for r in t.regions if snapshot.works(t, r)}
            places = tuple(sorted(worked_by, key=snapshot.region_order))
        elif all(t.slug in request.avoid for t in reaching):
            why = Unused.YOU_SAID
        elif not any(ctx.permits(t) and t.usable_with(ctx.owned) for t in reaching):
            why = Unused.TOO_FIRM
        elif instead := _used_instead(snapshot, slug, reaching, used):
            why = Unused.INSTEAD
        elif all(_repeats(t, worked) for t in reaching if ctx.permits(t)):
            why = Unused.REPEATS
        else:
            why = Unused.NO_TIME
        found.append(UnusedProp(slug, snapshot.prop(slug).name, why, places, instead))
    reasons = list(dict.fromkeys(prop.reason for prop in found))
    return tuple(sorted(found, key=lambda prop: reasons.index(prop.reason)))


def _used_instead(snapshot, slug: str, techniques, used) -> str:
    """The name of a prop in the plan that can stand in for `slug` in all its work there (a
    tennis ball for a lacrosse ball), or ""."""
    groups = [g for t in techniques for g in t.prop_groups if slug in g]
    other = next((p for g in groups for p in g if p in used and p != slug), None)
    return snapshot.prop(other).name if other else ""


def _repeats(technique: TechniqueInfo, worked: tuple[Worked, ...]) -> bool:
    """On every area worked that it reaches, the plan already gives each muscle it could work
    there the same kind of work."""
    return all(
        all((technique.family, m.slug) in _kinds(w.units) for m in w.area.reaches(technique))
        for w in worked
        if technique.muscles_in(w.area.region)
    )
