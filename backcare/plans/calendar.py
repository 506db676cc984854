"""A plan's sessions as one iCalendar file (RFC 5545): an event for each session day, at the
plan's time of day (floating local time, as the reminder's), as long as that day's session.
Pure: the days in, the text out; the lines are folded and escaped as the reminder's are."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

from backcare.plans.schedule import Day
from backcare.player.calendar import escape, vcalendar

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
        lines += [
            "BEGIN:VEVENT",
            f"UID:{code}-day-{day.number}@backcare",
            f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
            f"DTSTART:{datetime.combine(day.date, at):%Y%m%dT%H%M%S}",
            f"DURATION:PT{day.minutes}M",
            f"SUMMARY:{escape(summary)}",
            f"DESCRIPTION:{escape(description)}",
            f"URL:{url}",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "TRIGGER:PT0M",
            f"DESCRIPTION:{escape(summary)}",
            "END:VALARM",
            "END:VEVENT",
        ]
    return vcalendar(lines, PRODID)
