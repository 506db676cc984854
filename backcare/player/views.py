"""Following a saved session: its overview, each step, stopping, and finishing with a rating."""

import json
import re
from collections.abc import Iterable

from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_list_or_404, get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from backcare.catalogue.cache import also_forget
from backcare.catalogue.choices import Phase
from backcare.catalogue.diagram import back_diagram
from backcare.catalogue.snapshot import catalogue_snapshot
from backcare.catalogue.version import current as catalogue_version
from backcare.planner.history import builder_answers
from backcare.planner.memory import is_owner, recall_felt, remember_felt
from backcare.planner.models import CareSession, CareStep, Felt, Run, StepFeedback
from backcare.planner.movement import Between, between_sessions
from backcare.planner.views import screen_url
from backcare.player.calendar import SessionEvent, reminder_calendar, whole_minutes
from backcare.player.forms import PainForm, ReminderForm
from backcare.player.today import Today, answers_today, go, not_today, stop_advice
from backcare.web import (
    FRAGMENT_HEADERS,
    HtmxHttpRequest,
    SeeOther,
    page_or_fragment,
    path_to,
    post_only,
    refuse,
    site_url,
)

STEP_NUMBER = re.compile(r"[0-9]{1,4}")  # ASCII digits only: "²".isdigit() is true
_KEPT_STEPS = caches["default"]  # a saved session's steps, per process (see _steps)
also_forget(_KEPT_STEPS.clear)


def _session(code: str) -> CareSession:
    """A session and its steps: two queries (a step keeps all it shows)."""
    return get_object_or_404(CareSession.objects.prefetch_related("steps"), code=code)


def _rate(
    request: HtmxHttpRequest, session: CareSession, field: str, pain: int, **also
) -> HttpResponse | None:
    """Save a rating of today's run (Run.objects.rate_today): once, by the browser that built
    the session (its owner cookie). A shared link lets anyone follow the session, not rewrite
    how it went. None when saved, else the refusal (409 when it was saved already, even by a
    request a moment ago)."""
    back = ("Back to this session", session.get_absolute_url())
    if not is_owner(request, session.code):
        return refuse(
            request,
            403,
            "Only the device that built this session can rate it",
            "You can follow this session from a shared link, but its pain ratings belong to "
            "the person who built it, on the device they built it on.",
            onward=back,
        )
    if not Run.objects.rate_today(session, field, pain, **also):
        return refuse(
            request,
            409,
            "This rating is already saved",
            "Each rating is saved once, so it stays a true record of how the session went.",
            onward=back,
        )
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("Cookie")  # what it shows depends on this device's answers and owner key
@cache_control(private=True, no_cache=True)
def overview(request: HtmxHttpRequest, code: str) -> HttpResponse:
    session = _session(code)
    verdict = answers_today(request)
    if verdict and verdict.stops_session:
        return stop_advice(request, code, verdict)
    owner = is_owner(request, code)
    now = Today(session, list(session.steps.all()), verdict, owner)
    # Today's run, unless it is finished: opening the session again is then a new run.
    run = _current_run(session) if owner else None
    form = PainForm(request.POST if request.method == "POST" else None, required=False)
    if request.method == "POST" and form.is_valid():
        return _start(request, now, form.cleaned_data["pain"])
    context = {
        "session": session,
        "owner": owner,  # only the browser that built it sees its ratings
        "run": run,
        "today": now,
        "form": form,
        "to_hand": _to_hand(now.played),
        "keep_off": _keep_off(now.played),
        # What makes a person stop at once (the rest say ease off, on the stop page and card).
        "stop_now": catalogue_snapshot().stop_now,
        "can_rate": owner and (run is None or run.pain_before is None),
        "screen_url": screen_url(code),
        "again": _again(now),
    }
    if verdict and now.first:  # pages a device may play from: kept for offline use
        context["offline_pages"] = _offline_pages(code, len(now.steps))
    return render(request, "player/overview.html", context, status=400 if form.errors else 200)


def _start(request: HtmxHttpRequest, now: Today, pain: int | None) -> HttpResponse:
    """Start: the before rating saved, on to the first step done today. A device with no
    answers goes through the screen first (and comes back here)."""
    code = now.session.code
    if now.verdict is None and pain is not None:
        # The answers ran out since the rating was given (one kept on the device while
        # offline, sent later): keep the rating, then ask today's questions before any step.
        if refusal := _rate(request, now.session, "pain_before", pain):
            return refusal
        pain = None
    if refusal := not_today(request, code, now.verdict):
        return refusal
    if now.first is None:  # nothing in it suits today's answers: the overview says so
        return go(request, reverse("player:overview", args=[code]))
    if pain is not None and (refusal := _rate(request, now.session, "pain_before", pain)):
        return refusal
    if pain is None and now.owner and _current_run(now.session) is None:
        Run.objects.begin(now.session)  # today's run begins, unrated
    elif pain is None and now.session.started_at is None:  # followed from a shared link
        # Opened: no longer one `manage.py prune` may remove (set once, by whoever starts it).
        CareSession.objects.filter(pk=now.session.pk, started_at=None).update(
            started_at=timezone.now()
        )
    first = reverse("player:step", args=[code, now.first])
    if request.htmx:  # step 1 swapped into this page: the tap that started it unlocks sound
        return HttpResponse(headers={"HX-Location": json.dumps({"path": first, "target": "body"})})
    return SeeOther(first)


def _current_run(session: CareSession) -> Run | None:
    """Today's run of the session, if one is going on (begun, not finished)."""
    run = Run.objects.latest_of(session)
    return run if run and run.finished_at is None else None


def _unrated_before(session: CareSession) -> bool:
    """Whether the next "before" rating is still to give: no run going on, or one without it."""
    run = _current_run(session)
    return run is None or run.pain_before is None


def _again(now: Today) -> tuple[tuple[str, str], ...]:
    """The session's own answers, to build it afresh with today's: offered when today's answers
    skip some of it (one query for its props, then). An area deleted from the catalogue since
    is still asked for: the builder then says plainly it no longer knows it."""
    if not now.replay.skipped:
        return ()
    props = now.session.props.values_list("slug", flat=True)
    return builder_answers(now.session, [slug for slug, _ in now.session.areas], list(props))


def _offline_pages(code: str, count: int) -> str:
    """Every page of a session, for the service worker to keep while the network is there, so
    that it plays, ends and is rated with the network gone: the overview, each step, stop at
    each step, the done page and the card. The pages with a form are safe to fetch in the
    background: the page listing them has set this browser's CSRF cookie already, and Django
    keeps its secret (each page's token is another mask of it), so a kept form still posts."""
    stop = reverse("player:stop", args=[code])
    pages = [reverse("player:overview", args=[code])]
    for number in range(1, count + 1):
        pages += [reverse("player:step", args=[code, number]), f"{stop}?step={number}"]
    pages += [stop, reverse("player:done", args=[code]), reverse("player:card", args=[code])]
    return json.dumps(pages)


def _keep_off(steps: Iterable[CareStep]) -> list[str]:
    """The no-go zones of the areas the steps work, each said once (every step says its own)."""
    return list(dict.fromkeys(line for step in steps for line in step.keep_off))


def _between(request: HtmxHttpRequest, session: CareSession, steps: Iterable[CareStep]) -> dict:
    """Two or three movements to do between sessions (`between`): the session's own, or, when
    it had none, some that this device's answers of today allow for its areas; and how often,
    when it is the same for each (`between_often`, said once)."""
    verdict = answers_today(request)
    allowance = verdict.allowance() if verdict and not verdict.stops_session else None
    saved = [
        Between(s.name, s.dose, s.often, s.movement_slug) for s in steps if s.phase == Phase.MOVE
    ]
    areas = [slug for slug, _ in session.areas] or [s.region_slug for s in steps]
    between = between_sessions(saved, catalogue_snapshot(), allowance, areas)
    often = {b.often for b in between}
    return {"between": between, "between_often": often.pop() if len(often) == 1 else ""}


def _to_hand(steps: Iterable[CareStep]) -> list[str]:
    """The props the steps use, in the order they first need them."""
    return list(dict.fromkeys(name for step in steps for name in step.props))


@require_safe
@vary_on_headers(*FRAGMENT_HEADERS, "HX-Target", "Cookie")
@cache_control(private=True, no_cache=True)
def step(request: HtmxHttpRequest, code: str, number: int) -> HttpResponse:
    steps = _steps(code)
    if not 1 <= number <= len(steps):
        raise Http404("No such step in this session.")
    verdict = answers_today(request)
    if refusal := not_today(request, code, verdict):
        return refusal
    now = Today(steps[0].session, steps, verdict, is_owner(request, code))
    context = _step_context(request, now, number)
    # The fragment for the player's own swaps (hx-target="#player"); the whole page otherwise,
    # also when the overview's Start swaps step 1 into the page.
    template = "player/step.html"
    if request.htmx and request.htmx.target == "player":
        template = page_or_fragment(request, template, "player")
    if template == "player/step.html":  # the whole page also lists the session's pages
        context["offline_pages"] = _offline_pages(code, len(steps))
        # …for the service worker to fetch, forms among them: with the CSRF cookie set first
        # (as ensure_csrf_cookie sets it), those fetches all mask the one secret, and none
        # replaces it while a form the person is filling in carries a token of an earlier one.
        # The player's own swaps list nothing: they spare the work (a form in one sets it).
        get_token(request)
    return render(request, template, context)


NOTED = {
    Felt.TOO_MUCH: "Noted: too much — next time this is left out.",
    Felt.GOOD: "Noted: felt good.",
    Felt.SKIP: "Noted: skipped next time.",
}


def _felt(request: HtmxHttpRequest, code: str, number: int) -> dict:
    """A step's feedback buttons (shown to the browser that built the session only): their
    address, the choices, the one pressed (as this browser's cookie remembers today's run) and
    what was noted of it."""
    pressed = recall_felt(request).get(number, "")
    return {
        "url": path_to("player:feedback", code, number),
        "choices": Felt.choices,
        "pressed": pressed,
        "said": NOTED.get(pressed, ""),
    }


@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request: HtmxHttpRequest, code: str, number: int) -> HttpResponse:
    """One tap on a step: "too much", "felt good" or "skip next time", saved with today's run
    (begun now if none has: as a rating begins one), by the browser that built the session
    only; the latest tap on a step wins. htmx gets the buttons and what was noted; without
    JavaScript, back to the step."""
    if request.method != "POST":
        return post_only(
            request,
            "Say how a step felt from the step",
            "Each step of a session you built has its own buttons: Too much, Felt good, "
            "Skip next time.",
        )
    steps = _steps(code)
    if not 1 <= number <= len(steps):
        raise Http404("No such step in this session.")
    session, felt = steps[0].session, request.POST.get("felt", "")
    back = ("Back to this step", reverse("player:step", args=[code, number]))
    if not is_owner(request, code):
        return refuse(
            request,
            403,
            "Only the device that built this session can say how it felt",
            "You can follow this session from a shared link, but what was felt of its steps "
            "belongs to the person who built it, on the device they built it on.",
            onward=back,
        )
    if felt not in Felt.values:
        return refuse(
            request, 400, "That isn't an answer", "Tap one of the step's buttons.", onward=back
        )
    saved = StepFeedback.objects.tap(session, steps[number - 1], felt)
    # htmx: what was noted, into the live region beside the buttons (player.js presses one).
    response = HttpResponse(NOTED[felt]) if request.htmx else SeeOther(back[1])
    remember_felt(request, response, saved.run, {number: felt})
    return response


KEEP_STEPS_SECONDS = 300  # how long a process keeps a session it served (see _steps)


def _steps(code: str) -> list[CareStep]:
    """A session's steps, each with its session. Neither changes once saved (the session's
    ratings live on its runs), so each process keeps them for a few minutes (Django's
    per-process `default` cache), under the catalogue's version too: deleting a muscle
    unlinks the steps that name it. A session `manage.py prune` removes (one nobody opened
    for a month) stays playable from a process that kept it for at most KEEP_STEPS_SECONDS."""
    token, key = catalogue_version(), f"care-steps:{code}"
    steps = _KEPT_STEPS.get(key, version=token) if token else None
    if steps is None:
        steps = list(CareStep.objects.filter(session__code=code).select_related("session"))
        if token:
            _KEPT_STEPS.set(key, steps, KEEP_STEPS_SECONDS, version=token)
    if not steps:
        raise Http404("No such session.")
    return steps


def _step_context(request: HtmxHttpRequest, now: Today, number: int) -> dict:
    """What a step's page shows: the step, and where it stands among the steps done today."""
    replay, current = now.replay, now.steps[number - 1]
    before, after = replay.before(number), replay.after(number)
    next_step = now.steps[after - 1] if after else None
    # Where it stands: a skipped step (opened from its address) stands before the next one.
    position = replay.position(number) or replay.position(after or 0) or replay.count + 1
    code = now.session.code
    return {
        "session": now.session,
        "links": {
            "back": path_to("player:step", code, before) if before else "",
            "next": path_to("player:step", code, after) if after else "",
            "overview": path_to("player:overview", code),
            "stop": path_to("player:stop", code),
            "done": path_to("player:done", code),
            # Its muscle's page, while the catalogue has it.
            "muscle": path_to("catalogue:muscle", current.muscle_slug) if current.muscle_id else "",
        },
        "step": current,
        # What this browser said of the step today (the owner's taps: from its cookie, no query).
        "felt": _felt(request, code, number) if now.owner else None,
        # The key of what the step page keeps of the saved step (see player/step.html).
        "card_key": f"{now.session.pk}-{number}-{catalogue_version()}",
        "today": now,
        "number": number,
        "position": position,
        "count": replay.count,
        "skipped": now.skipped.get(number, ""),
        "keep_off_today": [line for _, line in now.keep_off],
        # Started straight from the builder: the overview's before-rating, offered on the
        # first step (folded away: it is optional) while today's run has none; not in the
        # player's own swaps (back from step 2: the session is under way), to keep them small.
        "rate_before": PainForm(required=False)
        if now.owner
        and number == now.first
        and not (request.htmx and request.htmx.target == "player")
        and _unrated_before(now.session)
        else None,
        "seconds_left": replay.seconds_from(number),
        "seconds_after": replay.seconds_from(after) if after else 0,
        "percent": round(100 * (position - 1) / max(replay.count, 1)),
        "previous": before,
        "next": after,
        "next_step": next_step,
        # The same technique on the other side comes next: the cue is "switch sides".
        "switch_to": next_step.side
        if next_step and next_step.name == current.name and next_step.side != current.side
        else "",
        # A new place (the wall, the floor) takes longer to get into.
        "moves": before is None or now.steps[before - 1].setting != current.setting,
        "again": _again(now) if not replay.played else (),
        "diagram": back_diagram(
            selected=_moved(current) if current.reps else [current.muscle_slug],
            side=current.side if current.side in ("left", "right") else "",
            size="mini",
            linked=False,
            labels=False,
            region="" if current.reps else current.region_slug,
            kept_off=tuple(region for region, _ in now.keep_off),
        ),
    }


def _moved(step: CareStep) -> tuple[str, ...]:
    """The muscles a movement step reaches, lit on its drawing: its movement's, while the
    catalogue has it (a saved step keeps its movement's slug, not the muscles it reaches)."""
    found = (m for m in catalogue_snapshot().movements if m.slug == step.movement_slug)
    return next((m.muscles for m in found), ())


@require_safe
@vary_on_headers("Cookie")
@cache_control(private=True, no_cache=True)
def stop(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """What to do now; and, when the person stopped at a step (?step=N), the way on without it."""
    steps = _steps(code)
    at = request.GET.get("step", "")
    if at and not (STEP_NUMBER.fullmatch(at) and 1 <= int(at) <= len(steps)):
        return refuse(
            request,
            400,
            "That isn't a step of this session",
            "Go back to the session: each of its steps has a Stop button of its own.",
        )
    verdict = answers_today(request)
    now = Today(steps[0].session, steps, verdict)
    hurt = int(at) if at and not (verdict and verdict.stops_session) else None
    resume_at = now.replay.after(hurt) if hurt else None
    context = {
        "session": now.session,
        "signals": catalogue_snapshot().during_a_session,
        "red_flags": catalogue_snapshot().urgent,
        "hurt": now.replay.position(hurt) if hurt else None,
        "resume_at": resume_at,
        "resume_position": now.replay.position(resume_at) if resume_at else None,
    }
    return render(request, "player/stop.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("Cookie")  # its ratings are shown only to the browser that built it
@cache_control(private=True, no_cache=True)
def done(request: HtmxHttpRequest, code: str) -> HttpResponse:
    session = get_object_or_404(CareSession, code=code)
    form = PainForm(request.POST if request.method == "POST" else None, required=True)
    if request.method == "POST" and form.is_valid():
        pain, now = form.cleaned_data["pain"], timezone.now()
        if refusal := _rate(request, session, "pain_after", pain, finished_at=now):
            return refusal
        return SeeOther(reverse("player:done", args=[code]))
    owner = is_owner(request, code)
    run = Run.objects.latest_of(session) if owner else None
    context = {
        "session": session,
        "run": run,
        "form": form,
        "owner": owner,
        "can_rate": owner and (run is None or run.pain_after is None),
        **_between(request, session, _steps(code)),
    }
    return render(request, "player/done.html", context, status=400 if form.errors else 200)


# ---------- Take it with you: a printable card, and a reminder to do the session again ----------
def _card(
    request: HtmxHttpRequest, code: str, form: ReminderForm, status: int = 200
) -> HttpResponse:
    """The card page: the session on one printed page, and the reminder form (`form`)."""
    session = _session(code)
    left_out = Today(session, (), answers_today(request), is_owner(request, code)).keep_off
    context = {
        "session": session,
        "minutes": whole_minutes(session.total_seconds),
        "session_url": site_url(session.get_absolute_url()),
        "to_hand": _to_hand(session.steps.all()),
        "keep_off_today": [line for _, line in left_out],
        "keep_off": _keep_off(session.steps.all()),
        **_between(request, session, session.steps.all()),
        "signals": catalogue_snapshot().during_a_session,
        "form": form,
        "diagram": back_diagram(
            selected={step.muscle_slug for step in session.steps.all()},
            size="mini",
            linked=False,
            labels=False,
            kept_off=tuple(region for region, _ in left_out),
        ),
    }
    return render(request, "player/card.html", context, status=status)


@require_safe
@vary_on_headers("Cookie")  # it says this device's answers, and the owner's left-out areas
@cache_control(private=True, no_cache=True)
def card(request: HtmxHttpRequest, code: str) -> HttpResponse:
    return _card(request, code, ReminderForm())


@require_safe
@vary_on_headers("Cookie")  # a wrong choice shows the card again
@cache_control(private=True, no_cache=True)
def reminder(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The reminder as an .ics file; a wrong choice shows the card's form again, with why."""
    form = ReminderForm(request.GET)
    if not form.is_valid():
        return _card(request, code, form, status=400)
    steps = get_list_or_404(CareStep.objects.only("title", "seconds"), session__code=code)
    overview = reverse("player:overview", args=[code])
    event = SessionEvent(
        code=code,
        seconds=sum(step.seconds for step in steps),
        steps=[(step.title, step.seconds) for step in steps],
        url=site_url(overview),
    )
    ics = reminder_calendar(event, form.reminder(), timezone.localdate(), timezone.now())
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="backcare-session.ics"'
    return response
