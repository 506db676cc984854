"""A two-week plan's days: which are session days, how long each is, whether it moves, and
where each stands against today and the sessions done. Pure: dates in, plain values out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from backcare.planner.movement import SHORTEST_SESSION
from backcare.player.calendar import DAY_NAMES

DAYS = 14  # a plan's length
CHECK_IN_DAYS = {1: 7, 2: 14}  # week: the plan's day from which its check-in is asked
DONE, TODAY, MISSED, UPCOMING = "done", "today", "missed", "upcoming"
MISSED_SAID = "Missed — that's fine; carry on with the next one."


@dataclass(frozen=True)
class Day:
    """One of the plan's 14 days. `minutes` 0: no session that day (a rest day)."""

    number: int  # 1 … 14
    date: date
    minutes: int = 0
    long: bool = False
    movement: bool = False
    state: str = ""  # a session day's: done, today, missed or upcoming
    is_today: bool = False
    done_on: date | None = None  # when its session was done (a missed day caught up later)

    @property
    def is_session(self) -> bool:
        return self.minutes > 0

    @property
    def can_start(self) -> bool:
        """Today's session, or a missed one (people catch up)."""
        return self.state in (TODAY, MISSED)

    @property
    def said(self) -> str:
        return MISSED_SAID if self.state == MISSED else ""


def has_movement(minutes: int, movement: bool) -> bool:
    """Whether the composer adds its movement block to a session this long (when asked)."""
    return movement and minutes * 60 >= SHORTEST_SESSION


def plan_days(
    starts: date,
    weekdays: Iterable[int],
    short: int,
    long: int,
    movement: bool,
    today: date,
    done: Sequence[date] = (),
) -> tuple[Day, ...]:
    """The 14 days from `starts` (day 1). Session days fall on `weekdays` (Monday 0) and
    alternate short and long, a short one first. `done`: the day each session of the plan was
    done; one done on a day with no session still to do there catches up the earliest missed
    day before it."""
    chosen = set(weekdays)
    days, count = [], 0
    for number in range(1, DAYS + 1):
        when = starts + timedelta(days=number - 1)
        day = Day(number, when, is_today=when == today)
        if when.weekday() in chosen:
            minutes = long if count % 2 else short
            day = replace(day, minutes=minutes, long=bool(count % 2))
            day = replace(day, movement=has_movement(minutes, movement))
            count += 1
        days.append(day)
    for when in sorted(done):
        open_days = [d for d in days if d.is_session and d.done_on is None and d.date <= when]
        same = [d for d in open_days if d.date == when]
        if target := (same or open_days or [None])[0]:
            days[target.number - 1] = replace(target, done_on=when)
    return tuple(replace(d, state=_state(d, today)) if d.is_session else d for d in days)


def _state(day: Day, today: date) -> str:
    if day.done_on is not None:
        return DONE
    if day.date == today:
        return TODAY
    return MISSED if day.date < today else UPCOMING


def day_name(when: date, today: date | None = None) -> str:
    """ "Wednesday 9 December" ("today" when it is)."""
    if when == today:
        return "today"
    return f"{DAY_NAMES[when.weekday()]} {when.day} {when:%B}"


def next_session(days: Sequence[Day]) -> Day | None:
    """The next session to do: today's if not done, else the first still to come."""
    return next((d for d in days if d.state in (TODAY, UPCOMING)), None)


def progress(days: Sequence[Day], today: date) -> str:
    """What's done and what's next, in a sentence or two."""
    sessions = [d for d in days if d.is_session]
    done = sum(d.state == DONE for d in sessions)
    said = f"{done} of {len(sessions)} session{'s' if len(sessions) != 1 else ''} done."
    if (coming := next_session(days)) is not None:
        minutes = f"{coming.minutes} minutes"
        return f"{said} Next: {day_name(coming.date, today)}, {minutes}."
    if days and today > days[-1].date:
        return f"{said} The two weeks are over."
    return said


def day_of_plan(starts: date, today: date) -> int:
    """Which of the plan's days today is: 0 before it starts, DAYS + 1 once it has ended."""
    return max(0, min(DAYS + 1, (today - starts).days + 1))


def check_in_due(starts: date, today: date, weeks_done: Iterable[int]) -> int | None:
    """The week whose check-in to ask for now (1 from day 7, 2 from day 14), if not given
    yet: a week-1 check-in not given by day 14 is no longer asked (week 2's is)."""
    day, given = (today - starts).days + 1, set(weeks_done)
    for week in (2, 1):
        if day >= CHECK_IN_DAYS[week]:
            return None if week in given else week
    return None
