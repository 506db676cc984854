"""The back diagram's data: which muscle shapes and no-go zones to draw, and what is lit.

One hand-drawn set of shapes (templates/catalogue/back_diagram_shapes.html) serves the
browser, the builder's region picker and the player; this says what each use shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property

from backcare.catalogue.cache import remember
from backcare.catalogue.models import Muscle, NoGoZone
from backcare.catalogue.values import Area


@dataclass(frozen=True)
class Diagram:
    """What a drawing shows. Its shapes (every muscle and no-go zone) are only read when it is
    drawn: a kept drawing of the same `key` needs none of them."""

    selected: frozenset[str] = field(default_factory=frozenset)
    side: str = ""  # "left" or "right" lights one side only (the player)
    size: str = "full"  # "full" or "mini"
    linked: bool = True  # each muscle links to its page
    pick_regions: bool = False  # muscles carry their regions (the builder's region picker)
    labels: bool = True  # name the no-go zones in the margins
    region: str = ""  # light the selected muscles only in this area (the player's step)
    kept_off: tuple[Area, ...] = ()  # areas hatched "keep off today" (the player)

    @property
    def key(self) -> tuple:
        """Everything that changes the drawing, besides the catalogue itself: every field (the
        kept-off areas with their names, which the drawing says)."""
        return tuple(getattr(self, f.name) for f in fields(self))

    @cached_property
    def muscles(self) -> list[MuscleShape]:
        return self._shapes[0]

    @cached_property
    def zones(self) -> list[ZoneShape]:
        return self._shapes[1]

    @cached_property
    def _shapes(self) -> tuple[list[MuscleShape], list[ZoneShape]]:
        return remember(("diagram", self.pick_regions), lambda: _shapes(self.pick_regions))

    @property
    def drawing_order(self) -> list[MuscleShape]:
        """Superficial muscles first; deep ones last, drawn dashed on top so they stay clickable.

        Each shape is drawn once (a lit muscle's, if one has it): muscles that share a shape
        would only be painted, and linked, over each other; the muscle index lists them all.
        """
        by_shape: dict[str, MuscleShape] = {}
        for muscle in sorted(self.muscles, key=lambda m: (m.slug not in self.selected, m.order)):
            by_shape.setdefault(muscle.shape, muscle)
        return sorted(by_shape.values(), key=lambda m: (m.depth == Muscle.Depth.DEEP, m.order))


def back_diagram(selected: Iterable[str] = (), **shown) -> Diagram:
    """A drawing lighting the `selected` muscles (slugs); `shown`: Diagram's other fields."""
    return Diagram(frozenset(selected), **shown)


@dataclass(frozen=True)
class MuscleShape:
    """A muscle as the diagram draws it."""

    slug: str
    name: str
    shape: str
    depth: str
    order: int
    bilateral: bool
    regions: tuple[str, ...] = ()  # its areas (read for the builder's region picker only)


@dataclass(frozen=True)
class ZoneShape:
    """A no-go zone as the diagram draws it."""

    slug: str
    name: str
    label: str
    shape: str
    bilateral: bool


def _shapes(pick_regions: bool) -> tuple[list[MuscleShape], list[ZoneShape]]:
    """Every muscle and no-go zone the diagram draws, as plain values (kept per version)."""
    columns = ("slug", "name", "shape", "depth", "order", "bilateral")
    muscles = Muscle.objects.only(*columns)
    if pick_regions:
        muscles = muscles.prefetch_related("regions")
    zones = NoGoZone.objects.only("slug", "name", "label", "shape", "bilateral")
    return (
        [
            MuscleShape(
                *(getattr(m, column) for column in columns),
                tuple(r.slug for r in m.regions.all()) if pick_regions else (),
            )
            for m in muscles
        ],
        [ZoneShape(z.slug, z.name, z.label, z.shape, z.bilateral) for z in zones],
    )
