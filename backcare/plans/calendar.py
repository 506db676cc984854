"""A plan's sessions as one iCalendar file (RFC 5545): an event for each session day, at the
plan's time of day (floating local time, as the reminder's), as long as that day's session.
Pure: the days in, the text out; the lines are folded and escaped as the reminder's are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from backcare.plans.schedule import Day
from backcare.player.calendar import vcalendar, vevent

PRODID = "-//Backcare//Two-week plan//EN"


def day_summary(day: Day) -> str:
    moving = " (with movement)" if day.movement else ""
    return f"Backcare: {day.minutes}-minute session{moving}"


def plan_calendar(code: str, days: Sequence[Day], at: time, url: str, now: datetime) -> str:
    sessions = [day for day in days if day.is_session]
    lines: list[str] = []
    for day in sessions:
        summary = day_summary(day)
        description = f"Day {day.number} of your two-week plan. Open the plan to start it: {url}"
        start = datetime.combine(day.date, at)
        uid = f"{code}-day-{day.number}@backcare"
        lines += vevent(uid, now, start, day.minutes, summary, description, url)
    return vcalendar(lines, PRODID)
