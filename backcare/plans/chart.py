"""The weekly check-ins drawn and said: each activity's 0–10 score (the Patient-Specific
Functional Scale; higher is better) at weeks 0, 1 and 2, as coordinates the template draws as
SVG (My sessions' chart's box and marks), and the change in words against the scale's
published minimal important change (docs/psfs.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from backcare.planner.history import BOTTOM, HEIGHT, LEFT, MARK, RIGHT, TOP, WIDTH, Mark
from backcare.plans.models import SCORE_MAX, WEEKS

# The smallest change people notice as a real change in what they can do (docs/psfs.md).
MIC_AVERAGE = 2  # points, on the average of the activities
MIC_ACTIVITY = 3  # points, on one activity alone: the cautious figure
SHAPES = ("circle", "square", "diamond")  # one per activity, so colour is never the only cue


def _y(score: int) -> float:
    return round(BOTTOM - score * (BOTTOM - TOP) / SCORE_MAX, 1)


def _x(week: int) -> float:
    step = (RIGHT - LEFT) / len(WEEKS)
    return round(LEFT + (week + 0.5) * step, 1)


def _points(text: float) -> str:
    number = f"{text:.1f}".rstrip("0").rstrip(".")
    return f"{number} point{'' if number == '1' else 's'}"


@dataclass(frozen=True)
class Line:
    number: int
    name: str
    shape: str
    marks: tuple[tuple[int, Mark], ...]  # (week, mark)

    @property
    def path(self) -> str:
        return " ".join(f"{mark.x},{mark.y}" for _, mark in self.marks)

    @property
    def by_week(self) -> dict[int, int]:
        return {week: mark.pain for week, mark in self.marks}

    @property
    def cells(self) -> list[str]:
        scores = self.by_week
        return [str(scores[week]) if week in scores else "—" for week in WEEKS]

    @property
    def change(self) -> int | None:
        if len(self.marks) < 2:
            return None
        return self.marks[-1][1].pain - self.marks[0][1].pain

    @property
    def said(self) -> str:
        """The change from the first check-in to the latest, in words, against the threshold."""
        change = self.change
        if change is None:
            return "no second score yet"
        if change == 0:
            return "no change"
        way = "up" if change > 0 else "down"
        if abs(change) >= MIC_ACTIVITY:
            return f"{way} {_points(abs(change))}: a clear change ({MIC_ACTIVITY} points or more)"
        return (
            f"{way} {_points(abs(change))}: less than the {MIC_ACTIVITY} points "
            "that count as a clear change for one activity"
        )


@dataclass(frozen=True)
class ScoreChart:
    lines: tuple[Line, ...]
    gridlines: tuple[Mark, ...]
    weeks: tuple[tuple[int, float], ...]  # (week, x)
    summary: str
    average: str  # the average's change in words ("" with one check-in)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    mark: int = MARK
    side: int = 2 * MARK
    middle: float = (LEFT + RIGHT) / 2
    score_labels_x: int = LEFT - 8
    week_labels_y: int = BOTTOM + 18
    axis_title_y: int = HEIGHT - 6


def score_chart(activities: Sequence[str], check_ins: Sequence[tuple[int, Sequence[int]]]):
    """`check_ins`: (week, scores) in week order. None when the plan names no activity."""
    if not activities or not check_ins:
        return None
    lines = tuple(
        Line(
            number,
            name,
            SHAPES[(number - 1) % len(SHAPES)],
            tuple(
                (week, Mark(scores[number - 1], _x(week), _y(scores[number - 1])))
                for week, scores in check_ins
                if len(scores) >= number
            ),
        )
        for number, name in enumerate(activities, start=1)
    )
    gridlines = tuple(Mark(score, LEFT, _y(score)) for score in range(0, SCORE_MAX + 1, 2))
    weeks = tuple((week, _x(week)) for week in WEEKS)
    average = _average_said(check_ins)
    summary = " ".join(
        [
            f"How well you can do {len(lines)} everyday "
            f"activit{'y' if len(lines) == 1 else 'ies'}, "
            f"from 0 (can't do it) to {SCORE_MAX} (as well as before), at each weekly check-in.",
            *(f"{line.name}: {', '.join(line.cells)}; {line.said}." for line in lines),
            average,
        ]
    ).strip()
    return ScoreChart(lines, gridlines, weeks, summary, average)


def _average_said(check_ins: Sequence[tuple[int, Sequence[int]]]) -> str:
    if len(check_ins) < 2:
        return ""
    (first_week, first), (last_week, last) = check_ins[0], check_ins[-1]
    before, after = sum(first) / len(first), sum(last) / len(last)
    change = round(after - before, 1)
    said = (
        f"Your average score went from {before:.1f} in week {first_week} "
        f"to {after:.1f} in week {last_week}"
    )
    if change == 0:
        return f"{said}: no change."
    way = "up" if change > 0 else "down"
    if abs(change) >= MIC_AVERAGE:
        return (
            f"{said}, {way} {_points(abs(change))}: a clear change ({MIC_AVERAGE} points or more)."
        )
    return (
        f"{said}, {way} {_points(abs(change))}: less than the {MIC_AVERAGE} points that count "
        "as a clear change."
    )
