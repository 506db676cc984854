"""The reminder's calendar file: RFC 5545 lines, folding, escaping, and when it starts."""

from datetime import UTC, date, datetime, time

import pytest

from backcare.player.calendar import (
    Reminder,
    SessionEvent,
    escape,
    fold,
    reminder_calendar,
    whole_minutes,
)

TODAY = date(2026, 12, 1)  # a Tuesday
NOW = datetime(2026, 12, 1, 18, 5, 9, tzinfo=UTC)
EVENT = SessionEvent(
    code="abcDEF123_-x",
    seconds=14 * 60 + 30,
    steps=[("Palm strokes · Neck and shoulders · both sides", 90), ("Kneading", 45)],
    url="https://backcare.example/s/abcDEF123_-x/",
)


def unfold(text: str) -> list[str]:
    """The content lines: CRLF-separated, a line starting with a space continues the last."""
    assert text.endswith("\r\n")
    lines: list[str] = []
    for raw in text[:-2].split("\r\n"):
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def properties(text: str) -> dict[str, list[str]]:
    """Each property's values by name (parameters kept in the name: "DTSTART;TZID=…")."""
    found: dict[str, list[str]] = {}
    for line in unfold(text):
        name, _, value = line.partition(":")
        found.setdefault(name, []).append(value)
    return found


def test_a_daily_reminder_starts_today_at_the_time_and_lasts_the_session():
    ics = reminder_calendar(EVENT, Reminder("daily", time(7, 30)), TODAY, NOW)
    props = properties(ics)
    assert props["BEGIN"] == ["VCALENDAR", "VEVENT", "VALARM"]
    assert props["VERSION"] == ["2.0"] and props["METHOD"] == ["PUBLISH"]
    assert props["PRODID"] == ["-//Backcare//Session reminder//EN"]
    assert props["CALSCALE"] == ["GREGORIAN"]
    assert props["UID"] == ["abcDEF123_-x-daily@backcare"]
    assert props["DTSTAMP"] == ["20261201T180509Z"]
    assert props["DTSTART"] == ["20261201T073000"]  # floating: no TZID, no Z
    assert props["DURATION"] == ["PT15M"]  # 14:30 rounded up
    assert props["RRULE"] == ["FREQ=DAILY"]
    assert props["SUMMARY"] == ["Back-care session (15 min)"]
    assert props["URL"] == [EVENT.url]
    assert props["ACTION"] == ["DISPLAY"] and props["TRIGGER"] == ["PT0M"]
    assert props["END"] == ["VALARM", "VEVENT", "VCALENDAR"]


@pytest.mark.parametrize(
    ("days", "first", "rule"),
    [
        (("MO", "TH"), date(2026, 12, 3), "FREQ=WEEKLY;BYDAY=MO,TH"),  # Thursday comes first
        (("TU",), date(2026, 12, 1), "FREQ=WEEKLY;BYDAY=TU"),  # today is a Tuesday
        (("MO",), date(2026, 12, 7), "FREQ=WEEKLY;BYDAY=MO"),  # next week
        (("SU", "MO", "SU"), date(2026, 12, 6), "FREQ=WEEKLY;BYDAY=MO,SU"),  # weekday order, once
    ],
)
def test_a_weekly_reminder_starts_on_the_next_chosen_day(days, first, rule):
    ics = reminder_calendar(EVENT, Reminder("weekly", time(18, 0), days), TODAY, NOW)
    props = properties(ics)
    assert props["RRULE"] == [rule]
    assert props["DTSTART"] == [f"{first:%Y%m%d}T180000"]
    assert props["UID"] == ["abcDEF123_-x-weekly@backcare"]


def test_the_description_lists_the_steps_and_the_address_escaped():
    ics = reminder_calendar(EVENT, Reminder("daily", time(7, 30)), TODAY, NOW)
    (description,) = [v for v in properties(ics)["DESCRIPTION"] if "steps" in v]
    assert "1. Palm strokes · Neck and shoulders · both sides (1:30)\\n" in description
    assert "2. Kneading (0:45)\\n" in description
    assert description.startswith("Back-care session (15 min)\\, 2 steps:\\n")
    assert description.endswith(f"Open it: {EVENT.url}")


def test_text_is_escaped_as_rfc_5545_says():
    assert escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert escape("line\r\nnext") == "line\\nnext"
    event = SessionEvent("c" * 12, 60, [("Knead; then rub, gently \\ slowly", 60)], "http://x/")
    ics = reminder_calendar(event, Reminder("daily", time(7, 0)), TODAY, NOW)
    assert "Knead\\; then rub\\, gently \\\\ slowly (1:00)" in "".join(unfold(ics))


def test_every_line_ends_in_crlf_and_fits_75_octets():
    steps = [("Ball press on the hip and buttock · Hips and glutes, gluteus medius", 180)] * 28
    event = SessionEvent("abcDEF123_-x", 3600, steps, "https://backcare.example/s/abcDEF123_-x/")
    ics = reminder_calendar(event, Reminder("weekly", time(6, 5), ("MO",)), TODAY, NOW)
    assert "\n" not in ics.replace("\r\n", "")
    physical = ics.split("\r\n")[:-1]
    assert len(physical) > len(unfold(ics))  # the long description was folded
    assert all(len(line.encode()) <= 75 for line in physical)


def test_folding_never_splits_a_character_and_joins_back():
    line = "DESCRIPTION:" + "é·—" * 60  # two- and three-byte characters
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    for part in parts:
        part.encode().decode()  # each physical line is whole UTF-8 on its own
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line
    assert fold("SHORT:line") == "SHORT:line"


def test_lengths_round_up_to_whole_minutes():
    assert [whole_minutes(s) for s in (1, 60, 61, 870, 3600)] == [1, 1, 2, 15, 60]


@pytest.mark.parametrize(
    ("repeat", "days"), [("hourly", ()), ("weekly", ()), ("weekly", ("XX",)), ("daily", ("mo",))]
)
def test_a_reminder_that_cannot_be_written_is_refused(repeat, days):
    with pytest.raises(ValueError):
        Reminder(repeat, time(7, 0), days)
