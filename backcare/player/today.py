"""A saved session under this device's safety answers of today: read from its copy of the
screen's answers, applied to the saved steps (`replay.skipped_today` is the rule), and said in
plain words from the catalogue's screening data. No answers yet: the screen is asked first;
answers that stop any session: their advice, and nothing plays."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from django.http import HttpResponse
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from backcare.catalogue.choices import Motion, Position, Pressure
from backcare.catalogue.snapshot import catalogue_snapshot
from backcare.catalogue.values import BARRED_FAMILY, NO_LIMITS, Area
from backcare.planner.forms import REPLAY_KEY
from backcare.planner.memory import recall_screen
from backcare.planner.models import CareSession, CareStep
from backcare.planner.screening import Verdict, verdict_for
from backcare.planner.views import screen_url, stop_page
from backcare.player.replay import BARRED_MOVEMENT, LEFT_OUT_AREA, Replay, SavedStep
from backcare.web import HtmxHttpRequest, SeeOther, wants_fragment

# What a pressure cap allows, in the words the screen's advice uses.
CAPPED = {Pressure.LIGHT: "light pressure only", Pressure.MODERATE: "moderate pressure at most"}


def answers_today(request: HtmxHttpRequest) -> Verdict | None:
    """The verdict on this device's screen answers; None when it has none (never answered,
    expired, or altered)."""
    remembered = recall_screen(request)
    if remembered is None:
        return None
    return verdict_for(catalogue_snapshot(), remembered.flags, remembered.areas)


def go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """To another page: a whole-page visit, also from an htmx swap (a history restore follows
    a redirect like any visit)."""
    return HttpResponseClientRedirect(url) if wants_fragment(request) else SeeOther(url)


def not_today(request: HtmxHttpRequest, code: str, verdict: Verdict | None) -> HttpResponse | None:
    """Why no step may play on this device now: no answers (to the screen, then back to the
    session's overview), or answers that stop any session (their advice). None: it may."""
    if verdict is None:
        return go(request, screen_url(code))
    if verdict.stops_session:
        if wants_fragment(request):  # the advice is a whole page, not a step
            return go(request, reverse("player:overview", args=[code]))
        return stop_advice(request, code, verdict)
    return None


def stop_advice(request: HtmxHttpRequest, code: str, verdict: Verdict) -> HttpResponse:
    """The screen's own stop page, for answers this device kept that now stop any session. As
    the screen does, the answers are forgotten (and may be changed from this page)."""
    remembered = recall_screen(request)  # there are answers: they gave `verdict`
    return stop_page(request, verdict, remembered.flags, remembered.areas, f"{REPLAY_KEY}={code}")


def _because(answers: Sequence) -> str:
    """ ", as you told us about blood thinners or a bleeding disorder" (the answers' labels)."""
    labels = [c.label[:1].lower() + c.label[1:] for c in answers]
    return f", as you told us about {_either(labels)}" if labels else ""


def _either(words: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    return " or ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else ""


@dataclass
class Today:
    """A saved session on this device today. `verdict` None: the device has no answers (the
    session is shown as saved, and the screen comes before step 1). `owner`: this is the
    browser that built it, the only one shown what the session keeps of its builder's answers
    (the areas they left out)."""

    session: CareSession
    steps: Sequence[CareStep]  # all of them, in order
    verdict: Verdict | None
    owner: bool = False

    @cached_property
    def replay(self) -> Replay:
        allowance = self.verdict.allowance() if self.verdict else NO_LIMITS
        same = ("number", "family", "pressure", "seconds", "pose")  # named alike on both
        saved = [
            SavedStep(
                region=s.region_slug,
                areas=tuple(s.areas),
                motions=tuple(s.motions),
                **{f: getattr(s, f) for f in same},
            )
            for s in self.steps
        ]
        return Replay.of(saved, allowance)

    @property
    def played(self) -> list[CareStep]:
        return [self.steps[number - 1] for number in self.replay.played]

    @property
    def first(self) -> int | None:
        """The number of the first step done today."""
        return next(iter(self.replay.played), None)

    @property
    def listed(self) -> list[tuple[CareStep, str]]:
        """Every step, with why it is skipped today ("" when it is done)."""
        return [(step, self.skipped.get(step.number, "")) for step in self.steps]

    @cached_property
    def keep_off(self) -> list[tuple[Area, str]]:
        """Each area to keep off today, top of the back first, with the line every step says
        of it: those the session was built without (said only to the browser that built it:
        they come from its builder's health answers), and those today's answers leave out. The
        session keeps which areas, never why: the reason comes from today's answers."""
        today = self.verdict.excluded_regions if self.verdict else frozenset()
        # Those it left out, as named when it was saved (still said if an editor deleted one).
        saved = dict(self.session.left_out_areas) if self.owner else {}
        if not (saved or today):  # most sessions: nothing to say
            return []
        local = self.verdict.local if self.verdict else ()
        known = dict(catalogue_snapshot().regions)  # top of the back first
        slugs = [slug for slug in known if slug in today or slug in saved]
        slugs += [slug for slug in saved if slug not in known]
        found = []
        for slug in slugs:
            name = saved.get(slug) or known[slug]
            reasons = [c.keep_off_because for c, areas in local if slug in areas]
            reason = next((r for r in reasons if r), "you left it out in the safety questions")
            found.append((Area(slug, name), f"Keep off your {name.lower()} today — {reason}."))
        return found

    @cached_property
    def skipped(self) -> dict[int, str]:
        """Step number -> why it is skipped today, in plain words."""
        lines = {area.slug: line for area, line in self.keep_off}
        said = {}
        for number, why in self.replay.skipped.items():
            step = self.steps[number - 1]
            if why == LEFT_OUT_AREA:  # the first of its areas left out today
                areas = [step.region_slug, *step.areas]
                said[number] = next(lines[area] for area in areas if area in lines)
            elif why == BARRED_FAMILY:
                said[number] = self._barred(step)
            elif why == BARRED_MOVEMENT:
                said[number] = self._barred_movement(step)
            else:
                said[number] = self._too_firm(step)
        return said

    def _barred(self, step: CareStep) -> str:
        limits = self.verdict.limits if self.verdict else ()
        found = [(c, f) for c in limits for f in c.excluded_families if f.slug == step.family]
        name = found[0][1].plain_name if found else "this kind of massage"
        return f"No {name} today{_because([c for c, _ in found])}."

    def _barred_movement(self, step: CareStep) -> str:
        """ "No bending the back forward today, as you told us about osteoporosis…"."""
        limits = self.verdict.limits if self.verdict else ()
        if step.pose in self.verdict.excluded_positions:
            what = f"movements {Position(step.pose).label.lower()}"
            found = [c for c in limits if step.pose in c.excluded_positions]
        else:
            motion = next(m for m in step.motions if m in self.verdict.excluded_motions)
            what = Motion(motion).label.lower()
            found = [c for c in limits if motion in c.excluded_motions]
        return f"No {what} today{_because(found)}."

    def _too_firm(self, step: CareStep) -> str:
        limits = self.verdict.limits if self.verdict else ()
        capping = [c for c in limits if c.max_pressure and c.max_pressure < step.pressure]
        cap = CAPPED.get(self.verdict.max_pressure, "gentler pressure") if self.verdict else ""
        return f"Too firm for today: {cap}{_because(capping)}."

    @cached_property
    def limits(self) -> str:
        """What today's answers hold every step to, in one line ("" when nothing)."""
        if self.verdict is None:
            return ""
        parts = [CAPPED[self.verdict.max_pressure]] if self.verdict.max_pressure in CAPPED else []
        families = {f.slug: f for c in self.verdict.limits for f in c.excluded_families}
        barred = sorted(families.values(), key=lambda f: (f.order, f.slug))
        if barred:
            parts.append("no " + _either([f.plain_name for f in barred]))
        return f"Your answers today: {', and '.join(parts)}." if parts else ""
