"""What one step's card says: the technique's lines for that step's area and side, how to
lie or sit, how hard and how fast, its cautions and the places to keep off.

Pure, like the composer: plain values in, plain values out. A session keeps the cards it
was built with (see CareStep), so a shared link reads the same after the catalogue changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backcare.catalogue.choices import Pressure
from backcare.catalogue.values import MovementInfo, Wording, Zone
from backcare.catalogue.wording import with_side

UNTIL_THE_TIMER_ENDS = "Keep going until the timer ends."
# What "How hard" says first when the safety answers cap the pressure: the session's limit,
# then the technique's own words for keeping to it.
UNDER_A_CAP = {
    Pressure.LIGHT: "Light only today: your safety answers ask for gentle pressure, so ease off "
    "at once if it starts to feel like more.",
    Pressure.MODERATE: "No firmer than moderate today, as your safety answers ask.",
}


@dataclass(frozen=True)
class Card:
    position: str
    instructions: tuple[str, ...]
    how_hard: str
    pace: str
    direction: str
    cautions: str
    keep_off: tuple[str, ...]


def write_card(
    wording: Wording,
    region: str,
    side: str,
    zones: Iterable[Zone] = (),
    *,
    family: str = "",
    cap: int = Pressure.FIRM,
    span: tuple[str, ...] = (),
) -> Card:
    """The card of one step: `wording` on `region` (or on every area of `span`, in turn), on
    `side` ("left", "right", "both", ""), for a technique of `family`, in a session whose
    safety answers allow at most `cap`.

    It keeps off the zones that concern this kind of work there (rolling's no-go zone says
    nothing to hands kneading), and under a cap "How hard" says the session's limit first."""
    areas = {region, *span}
    pace = [wording.tempo.strip()]
    if wording.hold:
        low, high = wording.hold
        pace.insert(0, f"Hold each tender spot for {low} to {high} seconds.")
    pace.append(UNTIL_THE_TIMER_ENDS)
    return Card(
        position=with_side(wording.position, side),
        instructions=tuple(
            with_side(line.text, side) for line in wording.lines if line.is_for(areas)
        ),
        how_hard=_how_hard(wording.pressure_note, cap),
        pace=" ".join(_sentence(part) for part in pace if part),
        direction=with_side(wording.direction, side),
        cautions=wording.cautions,
        keep_off=tuple(
            dict.fromkeys(z.keep_off for z in zones for r in areas if z.concerns(family, r))
        ),
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _how_hard(note: str, cap: int) -> str:
    """The technique's pressure note, led by the session's limit under a cap. The note's own
    opening word for that limit ("Light:") is then not said twice."""
    limit = UNDER_A_CAP.get(cap)
    if not limit:
        return note
    word = Pressure(cap).label
    if note.startswith((f"{word}:", f"{word}.")):
        rest = note[len(word) + 1 :].strip()
        note = rest[:1].upper() + rest[1:]
    return f"{limit} {note}".strip()


# Said on every movement step (NHS inform's advice for its back exercises, in our words).
STOP_MOVING = "Stop if it makes your pain worse or brings on a new pain."
COMFORTABLE = "Only as far as is comfortable."


def movement_card(movement: MovementInfo, cautions: Iterable[str] = ()) -> Card:
    """The card of a movement step: where to start, what to do, how far (with the cautions
    the safety answers add, like a small range after a strain), how much, its tips (in
    `direction`), when not to."""
    return Card(
        position=movement.start,
        instructions=movement.action,
        how_hard=" ".join([COMFORTABLE, *cautions]),
        pace=_sentence(movement.dose),
        direction=movement.tips,
        cautions=" ".join(part for part in (movement.when_not, STOP_MOVING) if part),
        keep_off=(),
    )
