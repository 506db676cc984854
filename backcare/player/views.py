"""Following a saved session: its overview, each step, stopping, and finishing with a rating."""

import json
import re

from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from backcare.catalogue.cache import row, stop_signals
from backcare.catalogue.choices import Performer, Phase
from backcare.catalogue.diagram import back_diagram
from backcare.catalogue.models import (
    Contraindication,
    Muscle,
    Region,
    StopSignal,
    Technique,
)
from backcare.catalogue.templatetags.backcare import first_sentence
from backcare.planner.memory import is_owner, recall_screen
from backcare.planner.models import CareSession, CareStep
from backcare.planner.screening import verdict_for
from backcare.player.calendar import SessionEvent, reminder_calendar, whole_minutes
from backcare.player.forms import PainForm, ReminderForm
from backcare.web import HtmxHttpRequest, SeeOther, page_or_fragment, refuse


def _session(code: str) -> CareSession:
    steps = CareStep.objects.select_related("muscle", "region")
    return get_object_or_404(
        CareSession.objects.prefetch_related(
            Prefetch("steps", queryset=steps), "props", "left_out"
        ),
        code=code,
    )


def _cannot_rate(request: HtmxHttpRequest, session: CareSession, field: str) -> HttpResponse | None:
    """A rating is set once, by the browser that built the session (its owner cookie): a
    shared link lets anyone follow the session, not rewrite how it went."""
    if not is_owner(request, session.code):
        return refuse(
            request,
            403,
            "Only the device that built this session can rate it",
            "You can follow this session from a shared link, but its pain ratings belong to "
            "the person who built it, on the device they built it on.",
        )
    if getattr(session, field) is not None:
        return refuse(
            request,
            409,
            "This rating is already saved",
            "Each rating is saved once, so it stays a true record of how the session went.",
        )
    return None


@require_http_methods(["GET", "POST"])
def overview(request: HtmxHttpRequest, code: str) -> HttpResponse:
    session = _session(code)
    form = PainForm(request.POST if request.method == "POST" else None, required=False)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["pain"] is not None:
            if refusal := _cannot_rate(request, session, "pain_before"):
                return refusal
            session.pain_before = form.cleaned_data["pain"]
            session.save(update_fields=["pain_before"])
        first = reverse("player:step", args=[code, 1])
        if request.htmx:  # step 1 swapped into this page: the tap that started it unlocks sound
            return HttpResponse(
                headers={"HX-Location": json.dumps({"path": first, "target": "body"})}
            )
        return SeeOther(first)
    context = {
        "session": session,
        "form": form,
        "to_hand": _to_hand(session),
        "keep_off": _keep_off(session),
        "stop_now": _stop_now(),
        "can_rate": is_owner(request, code) and session.pain_before is None,
        "offline_pages": _offline_pages(code, len(session.steps.all())),
    }
    return render(request, "player/overview.html", context, status=400 if form.errors else 200)


def _offline_pages(code: str, count: int) -> str:
    """The pages a session plays from (each step, and stop at each step), for the service
    worker to keep while the network is there. Not the pages with a form (the overview, the
    rating): fetched in the background they could replace this browser's CSRF cookie while
    the person fills a form in; the overview is kept when it is opened."""
    stop = reverse("player:stop", args=[code])
    pages = []
    for number in range(1, count + 1):
        pages += [reverse("player:step", args=[code, number]), f"{stop}?step={number}"]
    return json.dumps(pages)


def _aim(step: CareStep, performer: str) -> str:
    """Where the muscle of a step aimed at it (work done a side at a time) lies: the first
    sentence of its summary, said to whoever does the massage ("their hip" to a partner)."""
    if step.phase != Phase.MAIN or not step.technique.each_side:
        return ""
    where = first_sentence(step.muscle.summary)
    if performer == Performer.PARTNER:
        where = re.sub(r"\b([Yy])our\b", lambda m: "Their" if m[1] == "Y" else "their", where)
    return where


def _keep_off(session: CareSession) -> list[str]:
    """The no-go zones of the areas the steps work, each said once (every step says its own)."""
    return list(dict.fromkeys(line for step in session.steps.all() for line in step.keep_off))


def _stop_now() -> list[StopSignal]:
    """What makes a person stop at once (the rest say ease off, on the stop page and card)."""
    return [s for s in stop_signals() if s.action == StopSignal.Action.STOP]


def _to_hand(session: CareSession) -> list[str]:
    """The props the steps use, in the order they first need them."""
    return list(dict.fromkeys(name for step in session.steps.all() for name in step.props))


def _left_out(request: HtmxHttpRequest, session: CareSession) -> list[tuple[Region, str]]:
    """Each area the safety answers left out, with the line every step says about it. The
    session keeps which areas, never why: the reason comes from the answers this device
    still holds, when it holds them."""
    through = CareSession.left_out.through.objects.filter(caresession=session)
    region_ids = list(through.order_by("region__order").values_list("region_id", flat=True))
    if not region_ids:  # most sessions: nothing to say, and no answers to look at
        return []
    remembered = recall_screen(request)
    local = verdict_for(remembered.flags, remembered.areas).local if remembered else ()
    found = []
    for region_id in region_ids:
        region = row(Region, region_id)
        reasons = [c.keep_off_because for c, areas in local if region.slug in areas]
        reason = next((r for r in reasons if r), "you left it out in the safety questions")
        found.append((region, f"Keep off your {region.name.lower()} today — {reason}."))
    return found


@require_safe
@vary_on_headers("HX-Request", "HX-Target")
def step(request: HtmxHttpRequest, code: str, number: int) -> HttpResponse:
    # One query (the steps, each with its session); the catalogue rows come from the cache.
    steps = list(CareStep.objects.filter(session__code=code).select_related("session"))
    if not steps:
        raise Http404("No such session.")
    if not 1 <= number <= len(steps):
        raise Http404("No such step in this session.")
    session, current = steps[0].session, steps[number - 1]
    current.technique = row(Technique, current.technique_id)
    current.muscle = row(Muscle, current.muscle_id)
    current.region = row(Region, current.region_id)
    lit_side = current.side if current.side in ("left", "right") else ""
    left_out = _left_out(request, session)
    before = steps[number - 2] if number > 1 else None
    after = steps[number] if number < len(steps) else None
    context = {
        "session": session,
        "step": current,
        "number": number,
        "count": len(steps),
        "keep_off_today": [line for _, line in left_out],
        "seconds_left": sum(s.seconds for s in steps[number - 1 :]),
        "seconds_after": sum(s.seconds for s in steps[number:]),
        "percent": round(100 * (number - 1) / len(steps)),
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < len(steps) else None,
        "next_step": after,
        # The same technique on the other side comes next: the cue is "switch sides".
        "switch_to": after.side
        if after and after.technique_id == current.technique_id and after.side != current.side
        else "",
        # A new place (the wall, the floor) takes longer to get into.
        "moves": before is None
        or row(Technique, before.technique_id).setting != current.technique.setting,
        "aim": _aim(current, session.performer),
        "diagram": back_diagram(
            selected=[current.muscle.slug],
            side=lit_side,
            size="mini",
            linked=False,
            labels=False,
            region=current.region.slug,
            kept_off=tuple(region for region, _ in left_out),
        ),
    }
    # The fragment for the player's own swaps (hx-target="#player"); the whole page otherwise,
    # also when the overview's Start swaps step 1 into the page.
    template = "player/step.html"
    if request.htmx and request.htmx.target == "player":
        template = page_or_fragment(request, template, "player")
    if template == "player/step.html":  # the whole page also lists the session's pages
        context["offline_pages"] = _offline_pages(code, len(steps))
    return render(request, template, context)


@require_safe
def stop(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """What to do now; and, when the person stopped at a step (?step=N), the way back to it."""
    session = get_object_or_404(CareSession.objects.annotate(step_count=Count("steps")), code=code)
    at = request.GET.get("step", "")
    resume_at = int(at) if at.isdigit() and 1 <= int(at) <= session.step_count else None
    red_flags = Contraindication.objects.by_effect(Contraindication.Effect.REFER_URGENTLY)
    context = {
        "session": session,
        "signals": stop_signals(),
        "red_flags": red_flags,
        "resume_at": resume_at,
    }
    return render(request, "player/stop.html", context)


@require_http_methods(["GET", "POST"])
def done(request: HtmxHttpRequest, code: str) -> HttpResponse:
    session = get_object_or_404(CareSession, code=code)
    form = PainForm(request.POST if request.method == "POST" else None, required=True)
    if request.method == "POST" and form.is_valid():
        if refusal := _cannot_rate(request, session, "pain_after"):
            return refusal
        session.pain_after = form.cleaned_data["pain"]
        session.finished_at = timezone.now()
        session.save(update_fields=["pain_after", "finished_at"])
        return SeeOther(reverse("player:done", args=[code]))
    context = {
        "session": session,
        "form": form,
        "can_rate": is_owner(request, code) and session.pain_after is None,
    }
    return render(request, "player/done.html", context, status=400 if form.errors else 200)


# ---------- Take it with you: a printable card, and a reminder to do the session again ----------
def _card(
    request: HtmxHttpRequest, code: str, form: ReminderForm, status: int = 200
) -> HttpResponse:
    """The card page: the session on one printed page, and the reminder form (`form`)."""
    steps = CareStep.objects.select_related("muscle")
    session = get_object_or_404(
        CareSession.objects.prefetch_related(Prefetch("steps", queryset=steps), "regions"),
        code=code,
    )
    left_out = _left_out(request, session)
    context = {
        "session": session,
        "minutes": whole_minutes(session.total_seconds),
        "session_url": request.build_absolute_uri(session.get_absolute_url()),
        "to_hand": _to_hand(session),
        "keep_off_today": [line for _, line in left_out],
        "keep_off": _keep_off(session),
        "signals": stop_signals(),
        "form": form,
        "diagram": back_diagram(
            selected={step.muscle.slug for step in session.steps.all()},
            size="mini",
            linked=False,
            labels=False,
            kept_off=tuple(region for region, _ in left_out),
        ),
    }
    return render(request, "player/card.html", context, status=status)


@require_safe
def card(request: HtmxHttpRequest, code: str) -> HttpResponse:
    return _card(request, code, ReminderForm())


@require_safe
def reminder(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The reminder as an .ics file; a wrong choice shows the card's form again, with why."""
    form = ReminderForm(request.GET)
    if not form.is_valid():
        return _card(request, code, form, status=400)
    steps = list(CareStep.objects.filter(session__code=code).only("title", "seconds"))
    if not steps:
        raise Http404("No such session.")
    overview = reverse("player:overview", args=[code])
    event = SessionEvent(
        code=code,
        seconds=sum(step.seconds for step in steps),
        steps=[(step.title, step.seconds) for step in steps],
        url=request.build_absolute_uri(overview),
    )
    ics = reminder_calendar(event, form.reminder(), timezone.localdate(), timezone.now())
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="backcare-session.ics"'
    return response
