"""How an instruction line reads for one side: pure text, shared by the catalogue's pages and
the step cards of sessions."""

from backcare.catalogue.choices import Side

OPPOSITE = {Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT}


def with_side(text: str, side: str) -> str:
    """Fill in {side} and {other_side}: "your {side} shoulder" -> "your left shoulder"."""
    this, other = (side, OPPOSITE[side]) if side in OPPOSITE else ("one", "other")
    return text.replace("{other_side}", other).replace("{side}", this)
