"""The sessions this browser built, as /mine/ lists them (each time one was followed, a run, is
an entry of its own), and the chart of their pain ratings: plain values and coordinates, drawn
as SVG by the template (no script, no chart library)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import dateformat, timezone

from backcare.catalogue.choices import Phase
from backcare.planner.learning import RECENT_RUNS, TIMES, Lesson, Past, Tap, learn, meaningful
from backcare.planner.models import PAIN_MAX, CareSession, CareStep, Felt, Run, StepFeedback

WHEN = "D j M Y, H:i"  # "Tue 1 Dec 2026, 18:40", in the site's time zone
WHEN_SHORT = "j\u00a0M\u00a0Y, H:i"  # in the chart's narrow table: wraps only after the day
CHART_SESSIONS = 12  # the newest rated sessions charted; the table beside it lists the same
# The chart's drawing box (viewBox units, about CSS pixels on a phone) and its plot area.
WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 348, 12, 178


def at(moment: datetime, pattern: str = WHEN) -> str:
    return dateformat.format(timezone.localtime(moment), pattern)


@dataclass(frozen=True)
class Listed:
    """An entry of My sessions: a run of a session (each time it was followed), or a session
    never followed yet (`run` None)."""

    session: CareSession
    when: str
    areas: tuple[str, ...]  # their names, top of the back first, with the side if one only
    focus: tuple[str, ...] = ()  # the names of the muscles it was built for, if any
    run: Run | None = None

    @property
    def moment(self) -> datetime:
        return self.run.started_at if self.run else self.session.created_at

    @property
    def key(self) -> str:
        """Its id on the page: the session's code, and the run's number if any."""
        return f"{self.session.code}-{self.run.pk}" if self.run else self.session.code

    @property
    def pain_before(self) -> int | None:
        return self.run.pain_before if self.run else None

    @property
    def felt(self) -> list[StepFeedback]:
        """What was said of its steps in this run ("Too much: Elbow lean"), step by step (read
        by built_sessions(…, felt=True))."""
        return sorted(self.run.feedback.all(), key=lambda said: said.number) if self.run else []

    @property
    def pain_after(self) -> int | None:
        return self.run.pain_after if self.run else None


def built_sessions(codes: Sequence[str], felt: bool = False) -> list[Listed]:
    """The sessions of these codes that still exist, newest first, an entry for each run of
    each (a session never followed: one entry), each with its areas and the muscles it was
    built for (as named when it was saved): two queries however many there are; with `felt`,
    a third for what was said of their steps in every run (`Listed.felt`)."""
    listed = []
    found = CareSession.objects.filter(code__in=codes)
    for session in found.prefetch_related("runs__feedback" if felt else "runs"):
        sides = dict(session.sides)
        named = tuple(
            f"{name} ({sides[slug]} side)" if slug in sides else name
            for slug, name in session.areas
        )
        focus = tuple(session.focus_names)
        for run in session.runs.all() or [None]:
            moment = run.started_at if run else session.created_at
            listed.append(Listed(session, at(moment), named, focus, run))
    return sorted(listed, key=lambda item: item.moment, reverse=True)


def lessons_of(codes: Sequence[str]) -> tuple[Lesson, ...]:
    """What the history of the sessions of these codes (this browser's) teaches the next one
    (`planner.learning`): the steps marked, the newest runs and their ratings, and the main
    work and movements of the sessions after which the pain fell meaningfully, as plain values:
    one query for a browser that followed none of them yet, at most four however long the
    history (the fourth only for a "skip next time")."""
    if not codes:
        return ()
    runs = Run.objects.filter(session__code__in=codes).order_by("-started_at")
    fields = ("pk", "session", "started_at", "pain_before", "pain_after")
    rows = list(runs.values_list(*fields)[:RECENT_RUNS])  # the falls of lately
    if not rows:
        return ()
    marks: dict[int, list[Tap]] = {}
    marked = StepFeedback.objects.filter(run__session__code__in=codes)
    for run, work, name, felt, moment, moved in marked.values_list(
        "run", "work", "name", "felt", "at", "movement"
    ):
        marks.setdefault(run, []).append(Tap(work, name, felt, moment, moved))
    fallen = [session for _, session, _, before, after in rows if meaningful(before, after)]
    works: dict[int, dict[str, str]] = {}
    if len(fallen) >= TIMES:  # else no fall is credited: the sessions' work is not needed
        steps = CareStep.objects.filter(session__in=set(fallen), phase__in=(Phase.MAIN, Phase.MOVE))
        for session, technique, moved, name in steps.values_list(
            "session", "technique__slug", "movement__slug", "name"
        ):
            if slug := technique or moved:
                works.setdefault(session, {})[slug] = name
    history = [
        Past(
            started, before, after, tuple(works.get(session, {}).items()), tuple(marks.pop(pk, []))
        )
        for pk, session, started, before, after in rows
    ]
    # The marks of older runs count however old: each a run of just its marks.
    history += [Past(taps[0].at, marks=tuple(taps)) for taps in marks.values()]
    skips = any(tap.felt == Felt.SKIP for past in history for tap in past.marks)
    built = CareSession.objects.filter(code__in=codes).values_list("created_at", flat=True)
    return learn(history, tuple(built) if skips else ())


def forget_history(codes: Sequence[str]) -> int:
    """Forget what was kept of how the sessions `codes` went: each time one was followed (its
    runs, with their pain ratings) and what was said of its steps (their feedback, with them).
    The sessions stay, for their links. Whatever else comes to be kept of a browser's sessions
    is forgotten here too. Returns how many rows went."""
    deleted, _ = Run.objects.filter(session__code__in=codes).delete()
    return deleted


def builder_answers(
    session: CareSession, areas: Sequence[str], props: Iterable[str]
) -> tuple[tuple[str, str], ...]:
    """The builder's answers that made `session` (`areas`: its areas' slugs, top of the back
    first; `props`: its props' slugs), to post to the builder again: a replay's "Build a fresh
    session with today's answers"."""
    return (
        ("performer", session.performer),
        *(("region", slug) for slug in areas),
        *(("prop", slug) for slug in sorted(props)),
        ("minutes", str(session.minutes)),
        *(("side", f"{area}:{side}") for area, side in session.sides),
        *(("muscle", slug) for slug in session.focus),
    )


MARK = 6  # a mark's half-width: the circle's radius, half the square's side


@dataclass(frozen=True)
class Mark:
    pain: int
    x: float
    y: float

    @property
    def corner(self) -> tuple[float, float]:
        """Where the square drawn round this mark starts."""
        return round(self.x - MARK, 1), round(self.y - MARK, 1)


@dataclass(frozen=True)
class Pair:
    """One rated session's column: its number (oldest first), its marks, and the change."""

    number: int
    when: str
    x: float
    before: Mark | None
    after: Mark | None

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after.pain - self.before.pain

    @property
    def change_said(self) -> str:
        change = self.change
        if change is None:
            return "—"
        return "no change" if change == 0 else f"{'down' if change < 0 else 'up'} {abs(change)}"

    @property
    def scores(self) -> str:
        before = "not rated" if self.before is None else self.before.pain
        after = "not rated" if self.after is None else self.after.pain
        return f"before {before}, after {after}"


@dataclass(frozen=True)
class PainChart:
    pairs: tuple[Pair, ...]
    gridlines: tuple[Mark, ...]  # every other pain score, labelled on the y axis
    summary: str
    # Where the template draws: fixed, as the drawing box is.
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    mark: int = MARK
    side: int = 2 * MARK
    middle: float = (LEFT + RIGHT) / 2
    pain_labels_x: int = LEFT - 8  # the scores, right-aligned left of the plot
    number_labels_y: int = BOTTOM + 18  # each column's session number, under the plot
    axis_title_y: int = HEIGHT - 6


SPREAD = 8  # before sits this far left of its column's middle, after as far right


def _y(pain: int) -> float:
    return round(BOTTOM - pain * (BOTTOM - TOP) / PAIN_MAX, 1)


def _mark(pain: int | None, x: float) -> Mark | None:
    return None if pain is None else Mark(pain, round(x, 1), _y(pain))


def pain_chart(listed: Sequence[Listed]) -> PainChart | None:
    """Pain before and after the newest rated sessions (`listed`: newest first), drawn oldest
    first from left to right; None when no session has a rating yet."""
    rated = [
        item for item in listed if item.pain_before is not None or item.pain_after is not None
    ][:CHART_SESSIONS][::-1]
    if not rated:
        return None
    step = (RIGHT - LEFT) / len(rated)
    middles = [LEFT + (number - 0.5) * step for number in range(1, len(rated) + 1)]
    pairs = tuple(
        Pair(
            number,
            at(item.moment, WHEN_SHORT),
            round(x, 1),
            _mark(item.pain_before, x - SPREAD),
            _mark(item.pain_after, x + SPREAD),
        )
        for number, (item, x) in enumerate(zip(rated, middles, strict=True), start=1)
    )
    gridlines = tuple(Mark(pain, LEFT, _y(pain)) for pain in range(0, PAIN_MAX + 1, 2))
    return PainChart(pairs, gridlines, _summary(pairs))


def _summary(pairs: tuple[Pair, ...]) -> str:
    count = len(pairs)
    words = [
        f"Pain from 0 to {PAIN_MAX} before and after your {count} most recent rated "
        f"session{'s' if count > 1 else ''}, oldest first."
    ]
    changes = [pair.change for pair in pairs if pair.change is not None]
    if changes:
        down = sum(1 for change in changes if change < 0)
        up = sum(1 for change in changes if change > 0)
        words.append(
            f"Of {len(changes)} with both ratings, pain went down after {down}, "
            f"up after {up} and stayed the same after {len(changes) - down - up}."
        )
    latest = pairs[-1]
    words.append(f"Latest, {latest.when}: {latest.scores}.")
    return " ".join(words)
