"""A saved session under today's safety answers: which of its steps are done, which are skipped
and why, and the way through the ones that are left. Pure: plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from backcare.catalogue.values import Allowance

LEFT_OUT_AREA = "area"  # the answers leave the step's area out today
BARRED_MOVEMENT = "movement"  # …or a movement's position or what it asks of the spine
# …or its kind of work: values.BARRED_FAMILY ("family"), values.TOO_FIRM ("pressure")


@dataclass(frozen=True)
class SavedStep:
    """What today's answers judge of a saved step, and what its place in the session needs."""

    number: int
    region: str  # the area's slug
    family: str
    pressure: int
    seconds: int
    areas: tuple[str, ...] = ()  # every area it goes over, when more than its region
    pose: str = ""  # a movement's position ("" for massage)
    motions: tuple[str, ...] = ()  # …and what it asks of the spine


def skipped_today(steps: Iterable[SavedStep], allowance: Allowance) -> dict[int, str]:
    """The rule: step number -> why today's answers leave it out (LEFT_OUT_AREA, or what
    `Allowance.objection` says of its kind); steps they allow are not in it."""
    found = {}
    for step in steps:
        if {step.region, *step.areas} & allowance.excluded_regions:
            found[step.number] = LEFT_OUT_AREA
        elif step.pose and allowance.bars_movement(step.pose, step.motions):
            found[step.number] = BARRED_MOVEMENT
        elif why := allowance.objection(step):
            found[step.number] = why
    return found


@dataclass(frozen=True)
class Replay:
    """The saved steps in order, and those skipped today (number -> why)."""

    steps: tuple[SavedStep, ...]
    skipped: Mapping[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, steps: Iterable[SavedStep], allowance: Allowance) -> Replay:
        steps = tuple(steps)
        return cls(steps, skipped_today(steps, allowance))

    @cached_property
    def played(self) -> tuple[int, ...]:
        """The numbers of the steps done today, in order."""
        return tuple(s.number for s in self.steps if s.number not in self.skipped)

    @property
    def count(self) -> int:
        return len(self.played)

    @property
    def seconds(self) -> int:
        """How long the steps done today take."""
        return self.seconds_from(0)

    def seconds_from(self, number: int) -> int:
        """How long the steps done today take from step `number` on (itself included)."""
        return sum(s.seconds for s in self.steps if s.number >= number and s.number in self.played)

    def position(self, number: int) -> int | None:
        """Where step `number` comes among today's (1 for the first), None if it is skipped."""
        return self.played.index(number) + 1 if number in self.played else None

    def before(self, number: int) -> int | None:
        """The step done today that comes before step `number`, if any."""
        return next((n for n in reversed(self.played) if n < number), None)

    def after(self, number: int) -> int | None:
        """The step done today that comes after step `number`, if any."""
        return next((n for n in self.played if n > number), None)
