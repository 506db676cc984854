"""What a person asks for and the plan they get: the composer's plain values, with codes
(not sentences) for what it leaves out and why; the templates word them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backcare.catalogue.choices import Phase, Side
from backcare.catalogue.values import MovementInfo
from backcare.planner.cards import Card

TOLERANCE = 5  # seconds the plan may differ from the asked time

# Why a plan is shorter than asked.
HANDS_TIRE = "hands_tire"
NOTHING_MORE = "nothing_more"


class Unused(StrEnum):
    """Why a prop the person ticked is not in the plan (`templates/planner/build.html`)."""

    PARTNER_HANDS = "partner-hands"  # a partner's hands do its work
    NOT_ALONE = "not-alone"  # no technique for working alone uses it
    NOTHING_TO_WORK = "nothing-to-work"  # no area is worked
    ELSEWHERE = "elsewhere"  # it works other areas (`UnusedProp.places`)
    TOO_FIRM = "too-firm"  # the safety answers don't allow its work
    YOU_SAID = "you-said"  # its work is left out, as the person's history asks (`learning`)
    INSTEAD = "instead"  # another prop does its work (`UnusedProp.instead`)
    REPEATS = "repeats"  # it would only repeat work already planned
    NO_TIME = "no-time"  # a longer session would use it


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
    movement: bool = True  # a few minutes of gentle movement before the finish
    # What this browser's history teaches (`planner.learning`), as slugs: techniques and
    # movements to leave out, techniques to give more of the time.
    avoid: frozenset[str] = frozenset()
    favour: frozenset[str] = frozenset()

    def side_of(self, region: str) -> str:
        return dict(self.sides).get(region, Side.BOTH)


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
    movement: MovementInfo | None = None  # a movement step's movement (phase MOVE)

    @property
    def where(self) -> str:
        """The area in plain words; main work adds its muscle: "Lower back, erector spinae";
        a step over several areas names them in turn ("Mid back, then lower back") or, in one
        stroke up the back, from the bottom ("Lower back up to the upper back")."""
        if self.phase == Phase.MOVE:
            return and_list([self.region_name, *self.span[1:]])
        if self.span and self.one_pass:
            return f"{self.span[-1]} up to the {self.span[0].lower()}"
        if self.span:
            return ", then ".join(n if i == 0 else n.lower() for i, n in enumerate(self.span))
        if self.phase != Phase.MAIN:
            return self.region_name
        return f"{self.region_name}, {self.muscle_name[:1].lower()}{self.muscle_name[1:]}"


def and_list(names: list[str]) -> str:
    """ "Mid back, lower back and hips": names after the first in lower case."""
    names = [n if i == 0 else n[:1].lower() + n[1:] for i, n in enumerate(names)]
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True)
class Unreachable:
    region: str
    region_name: str
    props: tuple[str, ...] = ()  # the cheapest set of props that would unlock it
    partner: bool = False  # …or a partner could reach it
    excluded: bool = False  # left out by the safety screen
    learned: bool = False  # what would reach it, the person's history left out (`Request.avoid`)
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
    why: Unused
    places: tuple[str, ...] = ()  # when it works only other areas: those (region slugs)
    instead: str = ""  # the name of the prop in the plan that does its work

    @property
    def reason(self) -> tuple[str, tuple[str, ...], str]:
        """Props with the same reason are said together."""
        return self.why, self.places, self.instead


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
    # The work the person's history left out (`Request.avoid`, slugs) that this session could
    # otherwise have used.
    learned_out: tuple[str, ...] = ()

    @property
    def total_seconds(self) -> int:
        return sum(step.seconds for step in self.steps)

    @property
    def is_empty(self) -> bool:
        return not self.steps

    @property
    def is_short(self) -> bool:
        return bool(self.steps) and self.total_seconds < self.asked_seconds - TOLERANCE
