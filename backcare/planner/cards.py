"""What one step's card says: the technique's lines for that step's area and side, how to
lie or sit, how hard and how fast, its cautions and the places to keep off.

Pure, like the composer: plain values in, plain values out. A session keeps the cards it
was built with (see CareStep), so a shared link reads the same after the catalogue changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backcare.catalogue.values import Wording, Zone
from backcare.catalogue.wording import with_side

UNTIL_THE_TIMER_ENDS = "Keep going until the timer ends."


@dataclass(frozen=True)
class Card:
    position: str
    instructions: tuple[str, ...]
    how_hard: str
    pace: str
    direction: str
    cautions: str
    keep_off: tuple[str, ...]


def write_card(wording: Wording, region: str, side: str, zones: Iterable[Zone] = ()) -> Card:
    """The card of one step: `wording` on `region`, on `side` ("left", "right", "both", "")."""
    pace = [wording.tempo.strip()]
    if wording.hold:
        low, high = wording.hold
        pace.insert(0, f"Hold each tender spot for {low} to {high} seconds.")
    pace.append(UNTIL_THE_TIMER_ENDS)
    return Card(
        position=with_side(wording.position, side),
        instructions=tuple(
            with_side(line.text, side)
            for line in wording.lines
            if line.region is None or line.region == region
        ),
        how_hard=wording.pressure_note,
        pace=" ".join(_sentence(part) for part in pace if part),
        direction=with_side(wording.direction, side),
        cautions=wording.cautions,
        keep_off=tuple(z.keep_off for z in zones if z.keep_off and z.region in (None, region)),
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."
