"""Template filters and tags people-facing pages share."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from backcare.catalogue.cache import remember
from backcare.catalogue.diagram import Diagram
from backcare.web import wants_fragment

register = template.Library()
# {% if request|wants_fragment %}: rendered for an htmx swap, not as a whole page (a history
# restore gets the page).
register.filter("wants_fragment", wants_fragment)


@register.simple_tag
def draw_diagram(diagram: Diagram, label: str = "", swapped: bool = False) -> SafeString:
    """{% draw_diagram diagram label="…" swapped=True %}: the back diagram's SVG
    (catalogue/diagram.html), drawn once per catalogue version for what it shows.

    `label` is its accessible name; `swapped`, whether its muscle links fetch with htmx (where,
    and how, is set once on a container around it: hx-target, hx-swap, hx-push-url)."""
    context = {"diagram": diagram, "diagram_label": label, "diagram_swapped": swapped}
    key = ("diagram-svg", diagram.key, label, swapped)
    return remember(key, lambda: render_to_string("catalogue/diagram.html", context))


@register.filter
def duration(seconds: int | None) -> str:
    """90 -> "1:30", 45 -> "45 s", 600 -> "10 min": how long, the way a timer reads."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    return f"{seconds // 60} min" if seconds % 60 == 0 else clock(seconds)


@register.filter
def about_minutes(seconds: int | None) -> str:
    """1150 -> "19 min": a session's length in a heading, to the nearest minute ("Your 19:10
    session" reads as a time of day). The exact length is said beside it."""
    if seconds is None:
        return ""
    return f"{max(1, round(int(seconds) / 60))} min"


@register.filter
def spoken_duration(seconds: int | None) -> str:
    """375 -> "6 minutes 15 seconds": how long, in words a screen reader says as meant ("6:15"
    is read as a time of day)."""
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((minutes, "minute"), (rest, "second"))
        if n
    ]
    return " ".join(parts) or "0 seconds"


@register.filter
def get_item(mapping: dict, key: str):
    """{{ hints|get_item:slug }}: a dictionary look-up by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def clock(seconds: int | None) -> str:
    """90 -> "1:30", 5 -> "0:05": mm:ss, the way a countdown reads."""
    if seconds is None:
        return ""
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


@register.filter
def sub(value: int, other: int) -> int:
    """{{ before|sub:after }}: a difference, for the before-and-after pain rating."""
    return int(value) - int(other)


@register.filter
def first_sentence(text: str) -> str:
    """Text up to the end of its first sentence: the gist a one-page card has room for."""
    head, stop, _ = str(text).partition(". ")
    return f"{head}." if stop else str(text)


@register.filter
def cited(sources) -> list:
    """The sources a row cites, leaving out Backcare's own advice (not a citation)."""
    return [source for source in sources if not source.is_own_advice]


@register.filter
def own_advice(sources) -> bool:
    """The row says something no source does: Backcare's advice."""
    return any(source.is_own_advice for source in sources)
