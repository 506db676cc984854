"""The pain finder: from the places that hurt to the muscles most likely behind them, and a
gentle movement or two for the same areas.

The spots, the muscles behind each, the warnings and the movements are the snapshot's plain
values (`Snapshot.spots`, `Snapshot.movements`); `find()` is pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict

from backcare.catalogue.choices import SIDES, WarnWhen
from backcare.catalogue.values import Cause, MovementInfo, Question, Spot


@dataclass(frozen=True)
class Pick:
    """A place that hurts: a spot, and its side ("" for a spot on the midline)."""

    spot: Spot
    side: str = ""


@dataclass(frozen=True)
class Suspect:
    """A muscle that may be behind the pain, with why, for each spot it explains."""

    muscle: str
    name: str
    reasons: tuple[tuple[Spot, Cause], ...]
    side: str  # "left"/"right" when every place it explains hurts on that side; else ""
    areas: tuple[str, ...]  # the areas to build a session on
    worked: bool = True  # some technique works it; else a session for its areas

    def build_query(self) -> str:
        return session_query(self.areas, self.muscle if self.worked else "", self.side)


@dataclass(frozen=True)
class Finding:
    picks: tuple[Pick, ...]
    stop: tuple[Question, ...] = ()  # pain the screen stops a session for
    check_first: tuple[Question, ...] = ()  # questions that allow a session: shown first
    ask: tuple[Question, ...] = ()  # questions this pain brings to mind but doesn't answer
    suspects: tuple[Suspect, ...] = ()
    movements: tuple[MovementInfo, ...] = ()  # one or two for the areas that hurt

    @property
    def stops(self) -> bool:
        return bool(self.stop)

    @property
    def urgent(self) -> bool:
        return any(c.urgent for c in self.stop)

    @property
    def unexplained(self) -> tuple[Spot, ...]:
        """The places picked that no muscle in the catalogue is behind: nothing to build."""
        return tuple({p.spot.slug: p.spot for p in self.picks if not p.spot.causes}.values())

    @property
    def places(self) -> list[tuple[Spot, str]]:
        """Each place picked once, with its sides in words: ("Buttock", "left and right")."""
        sides: dict[Spot, list[str]] = {}
        for pick in self.picks:
            sides.setdefault(pick.spot, []).append(pick.side)
        return [(spot, " and ".join(filter(None, found))) for spot, found in sides.items()]


def session_query(areas: Iterable[str], muscle: str, side: str = "") -> str:
    """The builder's query string for a session for `muscle`: its areas, and the side when
    only one hurts (the muscle's page, the pain finder)."""
    query = QueryDict(mutable=True)
    query.setlist("region", list(areas))
    if side:
        query.setlist("side", [f"{area}:{side}" for area in areas])
    if muscle:  # empty: no technique works it yet, so a session for its areas
        query["muscle"] = muscle
    return query.urlencode()


def picks_from(spots: Iterable[Spot], values: Iterable[str]) -> tuple[Pick, ...]:
    """The picks the form's values name, in the spots' order (unknown values are left out)."""
    chosen = set(values)
    return tuple(
        Pick(spot, value.partition(":")[2])
        for spot in spots
        for value in spot.values()
        if value in chosen
    )


MOVEMENTS_SUGGESTED = 2


def find(
    picks: Iterable[Pick], numbness: bool = False, movements: Iterable[MovementInfo] = ()
) -> Finding:
    """What may be behind pain at these places, and one or two of `movements` for their areas;
    or the warning that rules a session out (and so any movement: nothing is suggested)."""
    picks = tuple(picks)
    sides: dict[Spot, set[str]] = {}  # each spot picked, with its sides
    for pick in picks:
        sides.setdefault(pick.spot, set()).add(pick.side)
    answered: list[Question] = []  # the screen's questions this pain says yes to
    for spot, on in sides.items():
        answered += spot.warned(WarnWhen.ALWAYS)
        if set(SIDES) <= on:
            answered += spot.warned(WarnWhen.BOTH_SIDES)
        if numbness:
            answered += spot.warned(WarnWhen.WITH_NUMBNESS)
    # The screen's own rule, so the finder never offers a session the screen would refuse.
    stop = _in_order(c for c in answered if c.stops_session)
    # Asked even when something else stops a session: its answer may be more urgent.
    said = {c.slug for c in stop}
    ask = _in_order(c for spot in sides for c in spot.warned(WarnWhen.ASK) if c.slug not in said)
    if stop:
        return Finding(picks, stop=stop, ask=ask)
    return Finding(
        picks,
        check_first=_in_order(answered),
        ask=ask,
        suspects=_ranked(picks),
        movements=_moves_for(picks, movements),
    )


def _moves_for(picks: tuple[Pick, ...], movements: Iterable[MovementInfo]) -> tuple:
    """The movements that move an area that hurts: those moving more of the areas first, then
    those moving fewer others (the most to the point), then in the catalogue's order (neck
    first). A place outside the back (the head) suggests none."""
    areas = {pick.spot.region for pick in picks if pick.spot.region}
    fitting = []
    for m in movements:
        moved = len(areas.intersection(m.regions))
        fitting.append((-moved, len(m.regions) - moved, m.order, m.slug, m))
    ranked = sorted((f for f in fitting if f[0]), key=lambda f: f[:4])
    return tuple(m for *_, m in ranked[:MOVEMENTS_SUGGESTED])


def _in_order(found: Iterable[Question]) -> tuple[Question, ...]:
    """Each question once, most urgent first (the screen's own order)."""
    return tuple(sorted({c.slug: c for c in found}.values(), key=lambda c: (c.order, c.slug)))


def _ranked(picks: tuple[Pick, ...]) -> tuple[Suspect, ...]:
    """Muscles that explain more of the places first; then the likelier at any one place
    (its rank there), a muscle lying there before one sending pain there; then top to bottom."""
    reasons: dict[str, dict[str, tuple[Spot, Cause]]] = {}
    sides: dict[str, set[str]] = {}
    for pick in picks:
        for cause in pick.spot.causes:
            reasons.setdefault(cause.muscle, {})[pick.spot.slug] = (pick.spot, cause)
            sides.setdefault(cause.muscle, set()).add(pick.side)
    suspects = []
    for muscle, found in reasons.items():
        causes = [cause for _, cause in found.values()]
        first = causes[0]
        felt_in = [spot.region for spot, _ in found.values() if spot.region in first.regions]
        side = next(iter(sides[muscle])) if len(sides[muscle]) == 1 else ""
        suspects.append(
            (
                (-len(found), min(c.rank for c in causes), not any(c.lies_here for c in causes)),
                (first.order, muscle),
                Suspect(
                    muscle=muscle,
                    name=first.name,
                    reasons=tuple(found.values()),
                    side=side if first.bilateral and side in SIDES else "",
                    areas=tuple(dict.fromkeys(felt_in)) or first.regions,
                    worked=first.worked,
                ),
            )
        )
    return tuple(suspect for *_, suspect in sorted(suspects, key=lambda s: s[:2]))
