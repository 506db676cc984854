"""`pain_change`: a run's (or a listed entry's) before/after pain, judged (planner.outcomes),
for the templates to word."""

from django import template

from backcare.planner.outcomes import Change, Tally, judged, tally

register = template.Library()


@register.filter
def pain_change(rated) -> Change | None:
    """The change of anything with `pain_before` and `pain_after`; None when one is missing."""
    if rated is None:
        return None
    return judged(rated.pain_before, rated.pain_after)


@register.filter
def pain_tally(listed) -> Tally:
    """Over entries with `pain_before` and `pain_after`: how many have both, and how many of
    those brought a meaningful fall."""
    return tally((item.pain_before, item.pain_after) for item in listed)
