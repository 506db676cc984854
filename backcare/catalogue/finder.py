"""The pain finder: from the places that hurt to the muscles most likely behind them.

The spots, the muscles behind each and the warnings are catalogue rows (PainSpot, PainCause,
SpotWarning), read once per catalogue version into plain values; `find()` is pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.http import QueryDict

from backcare.catalogue.cache import remember
from backcare.catalogue.choices import SIDES
from backcare.catalogue.models import (
    Contraindication,
    PainCause,
    PainSpot,
    SpotWarning,
    Technique,
)


@dataclass(frozen=True)
class Cause:
    muscle: str
    name: str
    how: str  # PainCause.How
    rank: int
    why: str
    regions: tuple[str, ...]  # the areas of the back the muscle lies in
    bilateral: bool
    order: int
    worked: bool = True  # some technique works it (a session can be built for it)

    @property
    def lies_here(self) -> bool:
        return self.how == PainCause.How.LIES_HERE


@dataclass(frozen=True)
class Spot:
    slug: str
    name: str
    region: str | None  # the area of the back it lies in (None: the head, the leg)
    bilateral: bool
    shape: str
    causes: tuple[Cause, ...]
    warnings: tuple[tuple[str, Contraindication], ...]  # (SpotWarning.When, the question)
    note: str = ""  # when to see a GP about pain here, for a place no muscle explains

    def choices(self) -> tuple[tuple[str, str], ...]:
        """(value, side) the finder's form offers: one per side, or the spot on the midline."""
        if self.bilateral:
            return tuple((f"{self.slug}:{side}", side) for side in SIDES)
        return ((self.slug, ""),)

    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.choices())

    def warned(self, when: str) -> tuple[Contraindication, ...]:
        return tuple(c for w, c in self.warnings if w == when)


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
    stop: tuple[Contraindication, ...] = ()  # pain the screen stops a session for
    check_first: tuple[Contraindication, ...] = ()  # questions that allow a session: shown first
    ask: tuple[Contraindication, ...] = ()  # questions this pain brings to mind but doesn't answer
    suspects: tuple[Suspect, ...] = ()

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
        sides: dict[str, list[str]] = {}
        spots: dict[str, Spot] = {}
        for pick in self.picks:
            spots[pick.spot.slug] = pick.spot
            sides.setdefault(pick.spot.slug, []).append(pick.side)
        return [(spots[slug], " and ".join(filter(None, found))) for slug, found in sides.items()]


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


def pain_spots() -> tuple[Spot, ...]:
    """Every spot with its causes and warnings, top of the body first (once per version)."""
    return remember("finder.spots", _read_spots)


def _read_spots() -> tuple[Spot, ...]:
    worked = Technique.muscles.through.objects.filter(muscle_id=OuterRef("muscle_id"))
    causes = (
        PainCause.objects.select_related("muscle")
        .prefetch_related("muscle__regions")
        .annotate(worked=Exists(worked))
    )
    warnings = SpotWarning.objects.select_related("contraindication")
    spots = PainSpot.objects.select_related("region").prefetch_related(
        Prefetch("causes", causes), Prefetch("warnings", warnings)
    )
    return tuple(
        Spot(
            slug=spot.slug,
            name=spot.name,
            region=spot.region.slug if spot.region else None,
            bilateral=spot.bilateral,
            shape=spot.shape,
            causes=tuple(
                Cause(
                    muscle=c.muscle.slug,
                    name=c.muscle.name,
                    how=c.how,
                    rank=c.rank,
                    why=c.why,
                    regions=tuple(r.slug for r in c.muscle.regions.all()),
                    bilateral=c.muscle.bilateral,
                    order=c.muscle.order,
                    worked=c.worked,
                )
                for c in spot.causes.all()
            ),
            warnings=tuple((w.when, w.contraindication) for w in spot.warnings.all()),
            note=spot.note,
        )
        for spot in spots
    )


def picks_from(spots: Iterable[Spot], values: Iterable[str]) -> tuple[Pick, ...]:
    """The picks the form's values name, in the spots' order (unknown values are left out)."""
    chosen = set(values)
    return tuple(
        Pick(spot, value.partition(":")[2])
        for spot in spots
        for value in spot.values()
        if value in chosen
    )


def find(picks: Iterable[Pick], numbness: bool = False) -> Finding:
    """What may be behind pain at these places, or the warning that rules a session out."""
    picks = tuple(picks)
    sides: dict[str, set[str]] = {}
    for pick in picks:
        sides.setdefault(pick.spot.slug, set()).add(pick.side)
    spots = {pick.spot.slug: pick.spot for pick in picks}.values()
    answered: list[Contraindication] = []  # the screen's questions this pain says yes to
    for spot in spots:
        answered += spot.warned(SpotWarning.When.ALWAYS)
        if set(SIDES) <= sides[spot.slug]:
            answered += spot.warned(SpotWarning.When.BOTH_SIDES)
        if numbness:
            answered += spot.warned(SpotWarning.When.WITH_NUMBNESS)
    # The screen's own rule, so the finder never offers a session the screen would refuse.
    stop = _in_order(c for c in answered if c.stops_session)
    # Asked even when something else stops a session: its answer may be more urgent.
    said = {c.slug for c in stop}
    ask = _in_order(
        c for spot in spots for c in spot.warned(SpotWarning.When.ASK) if c.slug not in said
    )
    if stop:
        return Finding(picks, stop=stop, ask=ask)
    return Finding(picks, check_first=_in_order(answered), ask=ask, suspects=_ranked(picks))


def _in_order(found: Iterable[Contraindication]) -> tuple[Contraindication, ...]:
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
