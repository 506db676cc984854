"""The movement block: a few minutes of gentle movement from NHS guidance after the main work
and before the finish, for the areas the session is about (NICE advises massage for low back
pain only alongside exercise). Pure, like the rest of the composer.

The block's share of the session is bounded (`budget`); the movements fill it, one for each
area first (those asked for first), then more for the same areas, in the place the person is
already in where one suits (`choose`); the screen's answers filter them (`Allowance.moves`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from backcare.catalogue.choices import Phase, Position, Setting
from backcare.catalogue.values import Allowance, MovementInfo, Snapshot
from backcare.planner.cards import movement_card
from backcare.planner.plan import PlannedStep
from backcare.planner.timing import round5

SHORTEST_SESSION = 10 * 60  # seconds: a shorter session is all massage
BLOCK_SHARE = 0.15  # of the session, within:
SHORTEST_BLOCK, LONGEST_BLOCK = 2 * 60, 6 * 60
MOST = 4  # movements in a block: a few done well, not a circuit of getting up and down
# Where a person is: lying face down for a partner is on the floor; at a wall, standing.
PLACE = {Setting.FACE_DOWN: Setting.FLOOR, Setting.WALL: Setting.SITTING}
# A place's positions in the order a person moves through them: from lying on the back, roll
# over, push up onto hands and knees; from lying face down, the other way; sit, then stand,
# unless already standing at a wall.
POSES = [Position.LYING_BACK, Position.LYING_FRONT, Position.ALL_FOURS, Position.SITTING]
POSES_FROM = {
    Setting.FACE_DOWN: [Position.LYING_FRONT, Position.ALL_FOURS, Position.LYING_BACK],
    Setting.WALL: [Position.STANDING, Position.SITTING],
}


def seconds(movement: MovementInfo) -> int:
    """A movement step's seconds: its dose's, on the session's 5 s grid (a moment's rest)."""
    return 5 * math.ceil(movement.seconds / 5)


def budget(seconds: int) -> int:
    """The movement block's seconds in a session of `seconds` (0: too short for one)."""
    if seconds < SHORTEST_SESSION:
        return 0
    return min(max(round5(seconds * BLOCK_SHARE), SHORTEST_BLOCK), LONGEST_BLOCK)


def place(setting: str) -> str:
    return PLACE.get(setting, setting)


def choose(
    snapshot: Snapshot,
    allowance: Allowance,
    areas: Iterable[str],
    here: str,
    within: int,
    avoid: frozenset[str] = frozenset(),
) -> tuple[MovementInfo, ...]:
    """Movements for `areas` (the first matter most) within `within` seconds (`pick`), in the
    block's order: those done where the person is (`here`, a Setting) first, each place's
    positions in the order a person moves through them. None of those to `avoid` (slugs)."""
    poses = list(dict.fromkeys([*POSES_FROM.get(here, ()), *POSES, *Position]))
    chosen = pick(snapshot, allowance, areas, here, within, avoid=avoid)
    return tuple(
        sorted(chosen, key=lambda m: (place(m.setting) != place(here), poses.index(m.position)))
    )


def pick(
    snapshot: Snapshot,
    allowance: Allowance,
    areas: Iterable[str],
    here: str,
    within: int,
    most: int = MOST,
    avoid: frozenset[str] = frozenset(),
) -> list[MovementInfo]:
    """The movements the answers allow for `areas` within `within` seconds, as picked: one
    for each area in turn (the first matter most), then more for any of them while they fit
    (`most` at most); of those alike, the one done `here` first, then the catalogue's order."""
    areas = list(dict.fromkeys(areas))
    here = place(here)
    chosen: dict[str, MovementInfo] = {}
    covered: set[str] = set()

    def first(on: list[str]) -> MovementInfo | None:
        """The first movement of the areas `on` that the answers allow and the time left
        fits, done `here` if one is."""
        left = within - sum(map(seconds, chosen.values()))
        for same_place in (True, False):
            lists = [
                snapshot.moving.get((area, setting), ())
                for area in on
                for setting in Setting
                if (place(setting) == here) == same_place
            ]
            for m in _merged(lists):
                if (
                    m.slug not in chosen
                    and m.slug not in avoid
                    and seconds(m) <= left
                    and allowance.moves(m)
                ):
                    return m
        return None

    for area in areas:
        if len(chosen) < most and area not in covered and (found := first([area])):
            chosen[found.slug] = found
            covered.update(found.regions)
    while len(chosen) < most and (found := first(areas)):
        chosen[found.slug] = found
    return list(chosen.values())


def _merged(lists) -> Iterable[MovementInfo]:
    """The movements of several areas in the catalogue's order, each once, lazily (a long
    catalogue is not sorted for a movement found near the start)."""
    seen: set[str] = set()
    for m in heapq.merge(*lists, key=lambda m: (m.order, m.slug)):
        if m.slug not in seen:
            seen.add(m.slug)
            yield m


def steps(
    snapshot: Snapshot, allowance: Allowance, movements: Iterable[MovementInfo], areas
) -> tuple[PlannedStep, ...]:
    """A step for each movement, on the session's areas it moves."""
    areas = set(areas)
    found = []
    for m in movements:
        on = [r for r in m.regions if r in areas] or list(m.regions)
        names = tuple(snapshot.region_name(r) for r in on)
        found.append(
            PlannedStep(
                Phase.MOVE,
                m.slug,
                m.name,
                "",
                "",
                on[0],
                names[0],
                "",
                seconds(m),
                movement_card(m, allowance.movement_cautions),
                m.needs,
                m.setting,
                names if len(on) > 1 else (),
                False,
                tuple(on) if len(on) > 1 else (),
                m,
            )
        )
    return tuple(found)


def even_out(steps: tuple[PlannedStep, ...], seconds: int) -> tuple[PlannedStep, ...]:
    """The steps taking `seconds` together, when the longest can give or take the difference
    (a moment's more rest, or less, never less than its dose takes)."""
    if not steps or (gap := seconds - sum(s.seconds for s in steps)) == 0:
        return steps
    i = max(range(len(steps)), key=lambda i: steps[i].seconds)
    longest = steps[i]
    if longest.seconds + gap < longest.movement.seconds:
        return steps
    return (*steps[:i], replace(longest, seconds=longest.seconds + gap), *steps[i + 1 :])


@dataclass(frozen=True)
class Between:
    """A movement to do between sessions: its name, how much and how often its source says,
    and its slug for its page ("" once the catalogue no longer has it)."""

    name: str
    dose: str
    often: str
    slug: str = ""


BETWEEN = 3  # movements the done page and the card suggest, at most


def between_sessions(
    saved: Iterable[Between],
    snapshot: Snapshot,
    allowance: Allowance | None,
    areas: Iterable[str],
) -> tuple[Between, ...]:
    """Two or three movements for between sessions: the session's own (`saved`, as its steps
    keep them), then, when it had fewer than two and today's safety answers are known
    (`allowance`), others for its areas that they allow."""
    known = {m.slug for m in snapshot.movements}  # a deleted movement has no page to link
    found = [
        b if b.slug in known else replace(b, slug="") for b in {b.name: b for b in saved}.values()
    ]
    if len(found) < 2 and allowance is not None:
        named = {b.name for b in found}
        found += [
            Between(m.name, m.dose, m.often, m.slug)
            for m in pick(snapshot, allowance, areas, "", LONGEST_BLOCK, BETWEEN)
            if m.name not in named
        ]
    return tuple(found[:BETWEEN])
