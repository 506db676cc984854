"""Time allotment: seconds for each piece of work, in its technique's range and on a 5 s grid;
the warm-up's and finish's shares; no technique, nor an area added for the pain it feeds,
taking more than its share while other work can take the time."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from itertools import count
from typing import NamedTuple

from backcare.catalogue.values import TechniqueInfo
from backcare.planner.plan import HANDS_TIRE, NOTHING_MORE, TOLERANCE

WARM_UP_SHARE, FINISH_SHARE = 0.17, 0.10  # of the session: a therapist's 15–20 % and 10 %
SHORTEST_WARM_UP = 20  # seconds: even a 3-minute session starts gently
TECHNIQUE_SHARE = 0.4  # of the main work, at most, for one technique while others have room
FAVOURED_SHARE = 0.5  # …for one the person's history favours (`Request.favour`)
WORTH_DOING = 0.75  # of a technique's usual time: a piece shorter than that isn't planned


class Unit(NamedTuple):
    """One technique on one muscle in one area: one step, or one per side. (A named tuple,
    not a dataclass: the composer makes thousands, and a tuple is quicker to make.)"""

    technique: TechniqueInfo
    region: str
    phase: str
    muscle_slug: str
    muscle_name: str
    sides: tuple[str, ...]
    span: tuple[str, ...] = ()  # the areas, top to bottom, of a warm-up or finish over several
    seconds: int = 0  # a side

    @property
    def count(self) -> int:
        return len(self.sides)

    @property
    def short(self) -> int:
        """The least time worth planning for it: most of its usual time, never below its
        shortest (a 20 s piece of kneading is not worth stopping and starting for)."""
        usual = round5(self.technique.default_seconds * WORTH_DOING)
        return max(self.technique.min_seconds, usual) * self.count

    @property
    def usual(self) -> int:
        """Its usual time: what an area's share is filled with, piece by piece."""
        return self.technique.default_seconds * self.count

    def hi(self, ceiling: int) -> int:
        """The most seconds a side may get under `ceiling` (0: none)."""
        top = self.technique.max_seconds
        return max(self.technique.min_seconds, min(top, ceiling)) if ceiling else top


def round5(value: float) -> int:
    return 5 * round(value / 5)


def bookend_seconds(
    total: int, warm: Unit | None, finish: Unit | None, hands_limit: int
) -> tuple[int, int]:
    """The warm-up's and finish's shares of `total`; strokes by your own hands a share of
    what your hands can do, so they don't take the time the main work needs of them."""

    def share(unit: Unit | None, fraction: float, floor: int) -> int:
        if unit is None:
            return 0
        low = max(unit.technique.min_seconds, floor)
        base = min(total, hands_limit) if unit.technique.hand_work else total
        return min(max(round5(base * fraction), low), unit.technique.max_seconds)

    return share(warm, WARM_UP_SHARE, SHORTEST_WARM_UP), share(finish, FINISH_SHARE, 0)


def close_gap(total: int, hands_room: int, *bookends: tuple[Unit | None, int]) -> tuple[int, int]:
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


def capacity(chosen: Sequence[tuple[Unit, bool]], main_time: int, hands_limit: int) -> int:
    """The most time the chosen work (each unit, and whether its area was added for the pain
    it feeds) can take: each technique at most its share of the main work (unless that is less
    than its shortest), your own hands at most their limit."""
    by_technique: dict[str, list[tuple[Unit, bool]]] = {}
    for u, fed in chosen:
        by_technique.setdefault(u.technique.slug, []).append((u, fed))
    hands = other = 0
    for pairs in by_technique.values():
        t = pairs[0][0].technique
        # An area added for the pain it feeds takes its usual time, not more.
        top = [min(t.max_seconds, t.default_seconds) if fed else t.max_seconds for _, fed in pairs]
        high = sum(most * u.count for most, (u, _) in zip(top, pairs, strict=True))
        low = sum(t.min_seconds * u.count for u, _ in pairs)
        most = min(high, max(TECHNIQUE_SHARE * main_time, low))
        hands, other = (hands + most, other) if t.hand_work else (hands, other + most)
    return other + min(hands, hands_limit)


def whole_for(main_seconds: int) -> int:
    """The length of a session whose main work takes `main_seconds`."""
    return round(main_seconds / (1 - WARM_UP_SHARE - FINISH_SHARE))


def spread(
    main: Sequence[Unit],
    targets: dict[str, float],
    main_time: int,
    hands_limit: int,
    feeds: dict[str, str],
    favour: frozenset[str] = frozenset(),
) -> tuple[list[int], str]:
    """(seconds a side, why they fall short): each unit its share of its area's `targets`,
    adding up to `main_time`, hand work at most `hands_limit`; while other work can take the
    time, no technique over about 40 % (one the person's history `favour`s, 50 %) and no area
    added for the pain it `feeds` over it."""
    defaults = _totals(main, [u.technique.default_seconds for u in main], lambda u: u.region)
    shorts = _totals(main, [u.short // u.count for u in main], lambda u: u.region)
    # Work added past an area's share (to fill the time) widens its share.
    weights = [
        max(targets[u.region], shorts[u.region]) * u.technique.default_seconds / defaults[u.region]
        for u in main
    ]
    seconds, ceilings = [0] * len(main), [0] * len(main)
    every = range(len(main))
    hands = [i for i in every if main[i].technique.hand_work]
    others = [i for i in every if not main[i].technique.hand_work]

    def used(part: Sequence[int]) -> int:
        return sum(seconds[i] * main[i].count for i in part)

    def share() -> int:
        _share(main, weights, ceilings, seconds, every, main_time)
        if hands and used(hands) > hands_limit:
            low = sum(main[i].technique.min_seconds * main[i].count for i in hands)
            _share(main, weights, ceilings, seconds, hands, max(hands_limit, low))
            _share(main, weights, ceilings, seconds, others, main_time - used(hands))
        return used(every)

    done = share()
    for _ in range(2 * len(main)):
        before = seconds[:], ceilings[:]
        if not (
            _cap_share(main, seconds, ceilings, main_time, favour)
            or _cap_linked(main, seconds, ceilings, feeds)
        ):
            break
        if share() < min(done, main_time) - TOLERANCE:  # left time no other work could take
            seconds[:], ceilings[:] = before
            break
    if used(every) >= main_time - TOLERANCE:
        return seconds, ""
    tired = hands and used(hands) >= hands_limit - TOLERANCE
    return seconds, HANDS_TIRE if tired else NOTHING_MORE


def _cap_share(main, seconds: list[int], ceilings: list[int], main_time: int, favour=()) -> bool:
    """Hold the technique with most time over about 40 % of the main work (50 % for one the
    person's history favours) to that share, as near as the others' room and what each piece
    is worth allow. Whether it lowered one."""
    totals = _totals(main, seconds, lambda u: u.technique.slug)
    done = min(main_time, sum(totals.values()))

    def share_of(slug: str) -> float:
        return (FAVOURED_SHARE if slug in favour else TECHNIQUE_SHARE) * done

    if len(totals) < 2:
        return False
    for slug, most in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        share = share_of(slug)
        if most <= share:
            continue
        mine = [i for i, u in enumerate(main) if u.technique.slug == slug]
        # What the other techniques can take without going over their own share.
        tops = [u.hi(c) - s for u, c, s in zip(main, ceilings, seconds, strict=True)]
        room = _totals(main, tops, lambda u: u.technique.slug)
        del room[slug]
        room_left = sum(max(0, min(more, share_of(t) - totals[t])) for t, more in room.items())
        target = max(share, most - room_left, sum(main[i].short for i in mine))
        if most - target >= 5 * len(mine):
            _lower_ceilings(main, seconds, ceilings, mine, target / most)
            return True
    return False


def _cap_linked(main, seconds: list[int], ceilings: list[int], feeds: dict[str, str]) -> bool:
    """Hold an area added for the pain it feeds to no more time than the area asked for.
    Returns whether a ceiling was lowered."""
    totals = _totals(main, seconds, lambda u: u.region)
    for linked, fed in feeds.items():
        mine = [i for i, u in enumerate(main) if u.region == linked]
        if linked not in totals or fed not in totals:
            continue
        target = max(totals[fed], sum(main[i].short for i in mine))
        if totals[linked] - target >= 5 * len(mine):
            _lower_ceilings(main, seconds, ceilings, mine, target / totals[linked])
            return True
    return False


def _totals(main: Sequence[Unit], seconds: list[int], key) -> dict[str, int]:
    """Seconds (a side) times sides, added up by `key`."""
    totals: dict[str, int] = {}
    for unit, s in zip(main, seconds, strict=True):
        totals[key(unit)] = totals.get(key(unit), 0) + s * unit.count
    return totals


def _lower_ceilings(main, seconds, ceilings: list[int], mine: list[int], scale: float) -> None:
    """Each of `mine`'s ceilings to `scale` of its seconds, never below what it is worth."""
    for i in mine:
        unit = main[i]
        limit = max(unit.short // unit.count, 5 * math.floor(seconds[i] * scale / 5))
        ceilings[i] = min(ceilings[i] or limit, limit)


def _share(main, weights, ceilings, seconds: list[int], part: Sequence[int], total: int) -> None:
    """Seconds for the units at `part`, proportional to their weights within their ranges,
    adding up to `total` as near as the ranges allow: bisection on a common scale (water-
    filling), then 5 s steps in turn. No unit gets less than it is worth if the time allows."""
    if not part:
        return
    units = [main[i] for i in part]
    worth = sum(u.short for u in units) <= total
    floors = [max(u.short // u.count, 5) if worth else u.technique.min_seconds for u in units]
    tops = [main[i].hi(ceilings[i]) for i in part]
    ranges = [(weights[i], lo, hi) for i, lo, hi in zip(part, floors, tops, strict=True)]
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
    rounded = zip(seconds_at(high), floors, tops, strict=True)
    values = [min(max(round5(v), lo), hi) for v, lo, hi in rounded]
    turn = 0
    while abs(gap := total - used(values)) >= 5:
        step = 5 if gap > 0 else -5
        room = [
            j
            for j, u in enumerate(units)
            if u.count * 5 <= abs(gap) and floors[j] <= values[j] + step <= tops[j]
        ]
        if not room:
            break
        values[room[turn % len(room)]] += step
        turn += 1
    for i, value in zip(part, values, strict=True):
        seconds[i] = value
