"""A reminder to do a session again, as an iCalendar file (RFC 5545): pure, no request, no ORM.

The event starts at a floating local time (no TZID): it rings at that wall-clock time
wherever the person is, and needs no VTIMEZONE. Its first day is the first day from `today`
(included) that the repeat rule matches, so DTSTART is always one of the rule's own days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from backcare.catalogue.templatetags.backcare import clock

PRODID = "-//Backcare//Session reminder//EN"
DAILY, WEEKLY = "daily", "weekly"
REPEATS = ((DAILY, "Every day"), (WEEKLY, "On chosen days"))
# (RFC 5545 weekday code, name), in the order date.weekday() counts them (Monday is 0).
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS = tuple((name[:2].upper(), name) for name in DAY_NAMES)
_DAY_CODES = tuple(code for code, _ in WEEKDAYS)
LINE_OCTETS = 75


@dataclass(frozen=True)
class Reminder:
    """When to be reminded: every day, or weekly on `days` (RFC 5545 codes), at `at`."""

    repeat: str
    at: time
    days: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.repeat not in (DAILY, WEEKLY):
            raise ValueError(f"unknown repeat {self.repeat!r}")
        if self.repeat == WEEKLY and not self.days:
            raise ValueError("a weekly reminder needs at least one day")
        if any(day not in _DAY_CODES for day in self.days):
            raise ValueError(f"unknown day in {self.days!r}")

    @property
    def rule(self) -> str:
        if self.repeat == DAILY:
            return "FREQ=DAILY"
        ordered = sorted(set(self.days), key=_DAY_CODES.index)
        return "FREQ=WEEKLY;BYDAY=" + ",".join(ordered)

    def first_day(self, today: date) -> date:
        """The first day from `today` (included) that the rule matches."""
        if self.repeat == DAILY:
            return today
        return next(
            day
            for day in (today + timedelta(days=n) for n in range(7))
            if _DAY_CODES[day.weekday()] in self.days
        )


@dataclass(frozen=True)
class SessionEvent:
    """What the reminder says about the session: its code (for the UID), its length, its steps
    as (title, seconds), and the address that opens it."""

    code: str
    seconds: int
    steps: Sequence[tuple[str, int]]
    url: str

    @property
    def minutes(self) -> int:
        return whole_minutes(self.seconds)


def whole_minutes(seconds: int) -> int:
    """A length in whole minutes, rounded up: a 14½-minute session needs 15 minutes."""
    return max(1, math.ceil(seconds / 60))


def reminder_calendar(event: SessionEvent, reminder: Reminder, today: date, now: datetime) -> str:
    """The whole VCALENDAR, CRLF line endings, every line folded to 75 octets."""
    start = datetime.combine(reminder.first_day(today), reminder.at)
    summary = f"Back-care session ({event.minutes} min)"
    steps = "\n".join(
        f"{number}. {title} ({clock(seconds)})"
        for number, (title, seconds) in enumerate(event.steps, start=1)
    )
    description = f"{summary}, {len(event.steps)} steps:\n{steps}\n\nOpen it: {event.url}"
    uid = f"{event.code}-{reminder.repeat}@backcare"
    lines = vevent(uid, now, start, event.minutes, summary, description, event.url, reminder.rule)
    return vcalendar(lines)


def vevent(
    uid: str,
    now: datetime,
    start: datetime,
    minutes: int,
    summary: str,
    description: str,
    url: str,
    rule: str = "",
) -> list[str]:
    """One VEVENT's content lines (unfolded), from `start` (floating local time) for `minutes`,
    repeating by `rule` if any, with an alarm when it starts."""
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{now.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART:{start:%Y%m%dT%H%M%S}",
        f"DURATION:PT{minutes}M",
        *([f"RRULE:{rule}"] if rule else []),
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


def vcalendar(event_lines: Sequence[str], prodid: str = PRODID) -> str:
    """A whole VCALENDAR around `event_lines` (its VEVENTs' content lines, unfolded): CRLF
    line endings, every line folded to 75 octets."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *event_lines,
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)


def escape(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded (RFC 5545 3.1): no line longer than 75 octets, each continuation
    starting with one space, and never inside a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the leading space counts
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)
