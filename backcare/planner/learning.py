"""What this browser's own history teaches the next session: pure, no ORM, no request.

The history comes in as plain values (`Past`: a run of a session, its pain ratings, the work
it did and the steps marked), read by `planner.history.lessons_of`; out come `Lesson`s, each
a change to the next session with why, said by the builder, which a person can undo:

- a technique or movement marked "too much" is left out, until it is marked otherwise;
- one marked "skip next time" is left out of the next session built, and only that one;
- one marked "felt good", or in at least two sessions after which the pain fell by a
  meaningful amount (`planner.outcomes`), gets more of the time (the composer's `favour`).

Only what a person did and said counts: a warm-up or finish (in every session) is never
credited with a fall; of the falls, only the few techniques seen most often are favoured.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from backcare.planner.models import Felt
from backcare.planner.outcomes import judged
from backcare.planner.plan import Plan

TIMES = 2  # sessions followed by a meaningful fall before a technique is credited with it
RECENT_RUNS = 60  # the runs whose falls count: what helped lately (two months, followed daily)
MOST_FAVOURED = 2  # techniques given more time from falls alone: a few, or it means nothing


class Change(StrEnum):
    OUT = "out"  # left out
    MORE = "more"  # more of the time


class Why(StrEnum):
    TOO_MUCH = "too_much"  # marked too much
    SKIP = "skip_next"  # marked "skip next time"
    GOOD = "felt_good"  # marked felt good
    FELL = "fell"  # pain fell meaningfully after sessions with it


@dataclass(frozen=True)
class Tap:
    """A step marked by the person: the work's slug (a technique's or a movement's) and name."""

    work: str
    name: str
    felt: str  # Felt
    at: datetime
    movement: bool = False


@dataclass(frozen=True)
class Past:
    """A run of a session: when, its ratings, the main work and movements it did (slug, name)
    and the steps marked."""

    at: datetime
    before: int | None = None
    after: int | None = None
    works: tuple[tuple[str, str], ...] = ()
    marks: tuple[Tap, ...] = ()


@dataclass(frozen=True)
class Lesson:
    change: str  # Change
    work: str  # a technique's slug (or a movement's, left out)
    name: str
    why: str  # Why
    on: datetime  # the mark, or the latest fall
    times: int = 0  # FELL: how many sessions were followed by a meaningful fall
    least: int = 0  # …by how many points at least
    most: int = 0  # …and at most
    movement: bool = False

    @property
    def key(self) -> str:
        """What an undo names: a newer mark or fall makes a new lesson, undone or not."""
        return f"{self.change}:{self.work}:{self.on:%Y%m%d%H%M}"

    @property
    def out(self) -> bool:
        return self.change == Change.OUT


@dataclass(frozen=True)
class Applied:
    """The lessons, and those a person undid: what the composer is asked to avoid and
    favour."""

    lessons: tuple[Lesson, ...] = ()
    undone: frozenset[str] = frozenset()  # keys

    @property
    def kept(self) -> tuple[Lesson, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.key not in self.undone)

    @property
    def taken_back(self) -> tuple[Lesson, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.key in self.undone)

    @property
    def avoid(self) -> frozenset[str]:
        return frozenset(lesson.work for lesson in self.kept if lesson.out)

    @property
    def favour(self) -> frozenset[str]:
        return frozenset(lesson.work for lesson in self.kept if not lesson.out)


NOTHING_LEARNED = Applied()


def learn(history: Iterable[Past], built: Sequence[datetime] = ()) -> tuple[Lesson, ...]:
    """The lessons of `history` (runs, any order), newest mark first. `built`: when this
    browser built each of its sessions (a "skip next time" is spent once one is built after
    it)."""
    runs = sorted(history, key=lambda past: past.at)
    latest: dict[str, Tap] = {}
    for mark in sorted((m for past in runs for m in past.marks), key=lambda m: m.at):
        latest[mark.work] = mark  # the latest mark of a work wins
    lessons: dict[str, Lesson] = {}
    for work, mark in latest.items():
        if not work:
            continue
        if mark.felt == Felt.TOO_MUCH:
            lessons[work] = _lesson(Change.OUT, mark, Why.TOO_MUCH)
        elif mark.felt == Felt.SKIP and not any(when > mark.at for when in built):
            lessons[work] = _lesson(Change.OUT, mark, Why.SKIP)
        elif mark.felt == Felt.GOOD and not mark.movement:
            lessons[work] = _lesson(Change.MORE, mark, Why.GOOD)
    for lesson in _falls(runs, latest):
        lessons.setdefault(lesson.work, lesson)
    return tuple(
        sorted(lessons.values(), key=lambda lesson: (lesson.on, lesson.work), reverse=True)
    )


def meaningful(before: int | None, after: int | None) -> bool:
    """A run whose pain fell by a meaningful amount (`planner.outcomes`)."""
    change = judged(before, after)
    return change is not None and change.meaningful


def _lesson(change: str, mark: Tap, why: str) -> Lesson:
    return Lesson(change, mark.work, mark.name, why, mark.at, movement=mark.movement)


def _falls(runs: Sequence[Past], latest: dict[str, Tap]) -> list[Lesson]:
    """The techniques in at least TIMES runs after which the pain fell meaningfully (and not
    marked too much or skipped since), the MOST_FAVOURED seen most often."""
    seen: dict[str, list[tuple[Past, int]]] = {}
    names: dict[str, str] = {}
    for past in runs:
        change = judged(past.before, past.after)
        if change is None or not change.meaningful:
            continue
        for work, name in dict(past.works).items():
            mark = latest.get(work)
            if mark and mark.felt != Felt.GOOD and mark.at >= past.at:
                continue  # marked too much or skipped after this run: not credited
            seen.setdefault(work, []).append((past, change.points))
            names[work] = name
    credited = [(work, falls) for work, falls in seen.items() if len(falls) >= TIMES]
    credited.sort(key=lambda item: (-len(item[1]), -sum(p for _, p in item[1]), item[0]))
    return [
        Lesson(
            Change.MORE,
            work,
            names[work],
            Why.FELL,
            falls[-1][0].at,
            times=len(falls),
            least=min(p for _, p in falls),
            most=max(p for _, p in falls),
        )
        for work, falls in credited[:MOST_FAVOURED]
    ]


def said(applied: Applied, plan: Plan | None, without: Plan | None = None):
    """The changes a preview of `plan` says, each with whether it was undone: the lessons that
    matter to it — work left out that it could otherwise have used; favoured work given more
    time than in the plan `without` the favour; work put back, or given its usual time again,
    that it has."""
    if plan is None:
        return []
    used = {step.technique for step in plan.steps}

    def more(work: str) -> bool:
        return without is not None and _seconds(plan, work) > _seconds(without, work)

    found = []
    for lesson in applied.lessons:
        if lesson.key in applied.undone:
            if lesson.work in used:
                found.append((lesson, True))
        elif lesson.work in plan.learned_out if lesson.out else more(lesson.work):
            found.append((lesson, False))
    return found


def _seconds(plan: Plan, work: str) -> int:
    return sum(step.seconds for step in plan.steps if step.technique == work)
