"""Safety-screen answers -> a verdict: stop (and why), or what a session must leave out.

The rules are data (the snapshot's `Question`s, from the catalogue's Question rows);
this only applies them, as pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from backcare.catalogue.choices import Effect, Pressure
from backcare.catalogue.values import Allowance, Question, Snapshot


@dataclass(frozen=True)
class Verdict:
    """What the screen decided. `stop` holds the answers that rule out any session today."""

    stop: tuple[Question, ...] = ()
    urgent: bool = False
    excluded_regions: frozenset[str] = frozenset()
    max_pressure: int = Pressure.FIRM
    excluded_families: frozenset[str] = frozenset()
    max_minutes: int | None = None  # the longest session the answers allow
    excluded_positions: frozenset[str] = frozenset()  # for movements
    excluded_motions: frozenset[str] = frozenset()
    movement_cautions: tuple[str, ...] = ()
    limits: tuple[Question, ...] = ()
    local: tuple[tuple[Question, tuple[str, ...]], ...] = field(default=())

    @property
    def stops_session(self) -> bool:
        return bool(self.stop)

    @property
    def gentler(self) -> tuple[Question, ...]:
        """The limits on how hard, or on what kind of work."""
        return tuple(c for c in self.limits if c.gentler)

    @property
    def shorter(self) -> tuple[Question, ...]:
        """The limits that set the longest session allowed (the shortest of them wins)."""
        if self.max_minutes is None:
            return ()
        return tuple(c for c in self.limits if c.max_minutes == self.max_minutes)

    def allowance(self) -> Allowance:
        """What choosing techniques needs of it: the fields of the same names."""
        return Allowance(**{f.name: getattr(self, f.name) for f in fields(Allowance)})


def screen(answers: Iterable[Question], areas: dict[str, Iterable[str]] | None = None) -> Verdict:
    """Apply the yes-answers. `areas` maps an avoid_region answer's slug to its region slugs."""
    areas = areas or {}
    answers = sorted(set(answers), key=lambda c: c.order)
    stop = tuple(c for c in answers if c.stops_session)
    if stop:
        urgent = any(c.urgent for c in stop)
        return Verdict(stop=stop, urgent=urgent)
    local = tuple(
        (c, tuple(sorted(set(areas.get(c.slug, ())))))
        for c in answers
        if c.effect == Effect.AVOID_REGION
    )
    limits = tuple(c for c in answers if c.effect == Effect.LIMIT)
    caps = [c.max_pressure for c in limits if c.max_pressure]
    return Verdict(
        excluded_regions=frozenset(slug for _, slugs in local for slug in slugs),
        max_pressure=min(caps, default=Pressure.FIRM),
        excluded_families=frozenset(family.slug for c in limits for family in c.excluded_families),
        max_minutes=min((c.max_minutes for c in limits if c.max_minutes), default=None),
        excluded_positions=frozenset(p for c in answers for p in c.excluded_positions),
        excluded_motions=frozenset(m for c in answers for m in c.excluded_motions),
        movement_cautions=tuple(c.movement_caution for c in answers if c.movement_caution),
        limits=limits,
        local=local,
    )


def verdict_for(snapshot: Snapshot, flags: Iterable[str], areas: Iterable[str]) -> Verdict:
    """The verdict for remembered answers (slugs); unknown slugs are ignored."""
    flags, areas = frozenset(flags), tuple(areas)
    answers = [c for c in snapshot.questions if c.slug in flags]
    return screen(answers, {c.slug: areas for c in answers if c.asks_for_area})
