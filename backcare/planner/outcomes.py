"""How a change in pain on the 0–10 scale reads as clinicians read it: whether a fall is the
size usually counted as meaningful, judged from the two ratings alone (pure: no Django).

The line is the one most used for the 0–10 numeric pain scale: a fall of 2 points or of 30 %
of the score before (Farrar et al., Pain 2001, endorsed by the IMMPACT group in 2008; see
docs/research/outcomes.md). Those studies measured weeks of treatment, not one session, so
the pages say what the numbers are, never what they mean for a person's health.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from numbers import Rational

MEANINGFUL_POINTS = 2  # a fall of this many points or more is meaningful…
MEANINGFUL_PERCENT = 30  # …and so is one of this share of the score before, or more
WORSE_POINTS = 2  # a rise of this many points or more is said as pain made worse

Score = int | float | Rational  # a rating, or a mean of ratings (a float is read to 1/1000)


class Kind(StrEnum):
    MEANINGFUL = "meaningful"  # fell by MEANINGFUL_POINTS or MEANINGFUL_PERCENT or more
    SMALL_FALL = "small-fall"  # fell, by less than both
    NO_CHANGE = "no-change"
    SMALL_RISE = "small-rise"  # rose, by less than WORSE_POINTS
    WORSE = "worse"  # rose by WORSE_POINTS or more


@dataclass(frozen=True)
class Change:
    """A before/after change in pain, judged. `points`: how far it moved, either way (a whole
    number when the ratings are); `percent`: that as a share of the score before, rounded
    down (so it never reads 30 when it fell short of it), None when the score before was 0."""

    kind: Kind
    before: int | float
    after: int | float
    points: int | float
    percent: int | None

    @property
    def meaningful(self) -> bool:
        return self.kind is Kind.MEANINGFUL

    @property
    def fell(self) -> bool:
        return self.kind in (Kind.MEANINGFUL, Kind.SMALL_FALL)

    @property
    def rose(self) -> bool:
        return self.kind in (Kind.SMALL_RISE, Kind.WORSE)


def _exact(score: Score) -> Fraction:
    # A float (a mean of ratings) is read to the nearest thousandth, so 7 - 5.1 is 1.9 and
    # not 1.9000000000000004: the thresholds are compared exactly, never after float rounding.
    if isinstance(score, float):
        return Fraction(score).limit_denominator(1000)
    if isinstance(score, int):
        return score  # exact already, and quicker (the builder judges a long history)
    return Fraction(score)


def _plain(value: Fraction | int) -> int | float:
    return value.numerator if value.denominator == 1 else round(float(value), 1)


def judge(before: Score, after: Score) -> Change:
    """The change from `before` to `after` (0–10, lower is less pain), judged."""
    start, end = _exact(before), _exact(after)
    fall = start - end
    size = abs(fall)
    percent = int(size * 100 // start) if start else None  # rounded down
    if fall > 0:
        # fall / start >= 30 %, as fall * 100 >= start * 30: exact, whatever the scores.
        meaningful = fall >= MEANINGFUL_POINTS or fall * 100 >= start * MEANINGFUL_PERCENT
        kind = Kind.MEANINGFUL if meaningful else Kind.SMALL_FALL
    elif fall < 0:
        kind = Kind.WORSE if size >= WORSE_POINTS else Kind.SMALL_RISE
    else:
        kind = Kind.NO_CHANGE
    return Change(kind, _plain(start), _plain(end), _plain(size), percent)


def judged(before: Score | None, after: Score | None) -> Change | None:
    """`judge`, or None when either rating is missing."""
    return None if before is None or after is None else judge(before, after)


@dataclass(frozen=True)
class Tally:
    """Over a history: how many sessions have both ratings, and how many of those brought a
    meaningful fall (and how many a rise of WORSE_POINTS or more)."""

    rated: int
    meaningful: int
    worse: int


def tally(ratings: Iterable[tuple[Score | None, Score | None]]) -> Tally:
    """Counts over (before, after) pairs; a pair missing either rating is not counted."""
    changes = [change for pair in ratings if (change := judged(*pair)) is not None]
    return Tally(
        rated=len(changes),
        meaningful=sum(change.meaningful for change in changes),
        worse=sum(change.kind is Kind.WORSE for change in changes),
    )
