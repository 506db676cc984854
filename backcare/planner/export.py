"""This browser's history to take away: a CSV file, one row per entry of My sessions, and the
facts of the one-page summary for a GP or physiotherapist. Plain values from `Listed`."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from backcare.catalogue.choices import Performer
from backcare.planner.history import Listed, at
from backcare.planner.outcomes import Change, Tally, judged, tally

COLUMNS = (
    "date",
    "session",
    "areas",
    "minutes",
    "who",
    "pain_before",
    "pain_after",
    "change",
    "meaningful",
)
WHO = {Performer.SELF: "on your own", Performer.PARTNER: "with a partner"}
DAY = "Y-m-d H:i"  # in the site's time zone, as My sessions says it
# A spreadsheet reads a cell that starts with one of these as a formula (OWASP: CSV injection);
# an apostrophe before it makes it text. Only words are guarded: numbers are written as numbers.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SUMMARY_ROWS = 15  # the rated sessions the printed page has room for, newest


def guarded(value: str | int | None) -> str | int:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def row(item: Listed) -> dict[str, str | int]:
    change = judged(item.pain_before, item.pain_after)
    session = item.session
    values = {
        "date": at(item.moment, DAY),
        "session": session.code,
        "areas": "; ".join(item.areas),
        "minutes": session.minutes,
        "who": WHO.get(session.performer, session.performer),
        "pain_before": item.pain_before,
        "pain_after": item.pain_after,
        "change": None if change is None else item.pain_after - item.pain_before,
        "meaningful": "" if change is None else ("yes" if change.meaningful else "no"),
    }
    return {name: guarded(value) for name, value in values.items()}


def history_csv(listed: Sequence[Listed]) -> str:
    """The entries (newest first, as My sessions lists them) as CSV text, with a header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(row(item) for item in listed)
    return out.getvalue()


@dataclass(frozen=True)
class Rated:
    """A line of the summary's table: a session followed and rated, before and after."""

    when: str
    areas: tuple[str, ...]
    before: int | None
    after: int | None
    change: Change | None


@dataclass(frozen=True)
class Summary:
    first: datetime | None  # the first and last time a session was followed
    last: datetime | None
    done: int  # times a session was followed (runs)
    areas: tuple[str, ...]  # every area worked, each once, as first named
    rated: tuple[Rated, ...]  # the newest SUMMARY_ROWS rated, oldest first
    rated_count: int  # all of them
    counted: Tally


def summary(listed: Sequence[Listed]) -> Summary:
    """The summary's facts, from the entries of My sessions (newest first)."""
    runs = [item for item in listed if item.run is not None]
    rated = [item for item in runs if item.pain_before is not None or item.pain_after is not None]
    areas = dict.fromkeys(name for item in reversed(runs) for name in item.areas)
    return Summary(
        first=runs[-1].moment if runs else None,
        last=runs[0].moment if runs else None,
        done=len(runs),
        areas=tuple(areas),
        rated=tuple(
            Rated(
                at(item.moment, "j M Y"),
                item.areas,
                item.pain_before,
                item.pain_after,
                judged(item.pain_before, item.pain_after),
            )
            for item in reversed(rated[:SUMMARY_ROWS])
        ),
        rated_count=len(rated),
        counted=tally((item.pain_before, item.pain_after) for item in runs),
    )
