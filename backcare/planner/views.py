"""The safety screen, the live session builder, saving a session, and the list of sessions
this browser built (/mine/)."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from backcare.catalogue.cache import cache_key, remember
from backcare.catalogue.choices import EVERYDAY, GuidelineSlug, Performer, Phase
from backcare.catalogue.diagram import back_diagram
from backcare.catalogue.snapshot import catalogue_snapshot
from backcare.catalogue.values import Snapshot, needed_beside, reachable, unlocks
from backcare.catalogue.version import current
from backcare.limits import Limit, client_key, hit
from backcare.planner.compose import compose
from backcare.planner.export import history_csv, summary
from backcare.planner.forms import (
    FALLBACK_MINUTES,
    REPLAY_KEY,
    BuildForm,
    Options,
    ScreenForm,
)
from backcare.planner.history import at, built_sessions, forget_history, lessons_of, pain_chart
from backcare.planner.learning import NOTHING_LEARNED, Applied, said
from backcare.planner.memory import (
    ScreenAnswers,
    forget_built,
    forget_choices,
    forget_plan_list,
    forget_screen,
    forget_sessions,
    recall_built,
    recall_plans,
    recall_props,
    recall_screen,
    recall_undone,
    remember_built,
    remember_owner,
    remember_props,
    remember_screen,
    remember_undone,
)
from backcare.planner.models import CareSession, Run, is_code
from backcare.planner.plan import HANDS_TIRE, Request
from backcare.planner.screening import screen, verdict_for
from backcare.plans.keeping import forget_plans, record_plan_session
from backcare.web import (
    FRAGMENT_HEADERS,
    HtmxHttpRequest,
    SeeOther,
    client_address,
    page_or_fragment,
    post_only,
    read_only,
    refuse,
    too_many,
)

# The guideline that says each performer's usual session length.
DEFAULT_MINUTES = {
    Performer.SELF: GuidelineSlug.SOLO_DEFAULT_MINUTES,
    Performer.PARTNER: GuidelineSlug.PARTNER_DEFAULT_MINUTES,
}
BUILD_KEYS = ("performer", "region", "prop", "minutes", "side", "muscle", "plan")


def builder_query(source: QueryDict) -> str:
    """Only the builder's own parameters survive a trip through the screen (no open redirect)."""
    kept = QueryDict(mutable=True)
    for key in BUILD_KEYS:
        values = [v[:100] for v in source.getlist(key)[:20]]
        if values:
            kept.setlist(key, values)
    return kept.urlencode()


def _with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


# ---------- After the screen: the builder with its answers, or back to a saved session ----------
def screen_url(code: str) -> str:
    """The safety screen, asked before a saved session plays; it comes back to its overview."""
    return _with_query(reverse("planner:screen"), urlencode({REPLAY_KEY: code}))


def _screen_next(source: QueryDict) -> str:
    """What the screen carries (its `next`): a saved session's code, or the builder's answers."""
    code = source.get(REPLAY_KEY, "")
    return urlencode({REPLAY_KEY: code}) if is_code(code) else builder_query(source)


def _after_screen(next_query: str) -> str:
    """Where the answers go: back to the saved session, or on to the builder (never elsewhere)."""
    query = QueryDict(next_query.lstrip("?"))
    code = query.get(REPLAY_KEY, "")
    if is_code(code):
        return reverse("player:overview", args=[code])
    return _with_query(reverse("planner:build"), builder_query(query))


@require_http_methods(["GET", "HEAD", "POST"])
def screen_view(request: HtmxHttpRequest) -> HttpResponse:
    snapshot = catalogue_snapshot()
    questions, known_regions = snapshot.questions, snapshot.regions
    if request.method != "POST":
        remembered = recall_screen(request)
        initial = {"next": _screen_next(request.GET)}
        if remembered:
            initial |= {"flag": remembered.flags, "area": remembered.areas}
        form = ScreenForm(initial=initial, contraindications=questions, regions=known_regions)
        return render(request, "planner/screen.html", {"form": form, "nav": "build"})

    form = ScreenForm(request.POST, contraindications=questions, regions=known_regions)
    change = request.POST.get("change")  # back from the advice page: the answers, to change one
    if change or not form.is_valid():
        context = {"form": form, "nav": "build"}
        return render(request, "planner/screen.html", context, status=200 if change else 400)
    answers, areas = form.answers(), tuple(form.cleaned_data["area"])
    verdict = screen(answers, {c.slug: areas for c in answers if c.asks_for_area})
    if verdict.stops_session:
        flags = [c.slug for c in answers]
        return stop_page(request, verdict, flags, areas, form.cleaned_data["next"], nav="build")
    response = SeeOther(_after_screen(form.cleaned_data["next"]))
    local_areas = areas if verdict.local else ()
    remember_screen(response, ScreenAnswers(tuple(c.slug for c in answers), local_areas))
    return response


def stop_page(request, verdict, flags, areas, next_query: str, nav: str = "") -> HttpResponse:
    """The screen's advice for answers that rule out any session today. The answers are
    forgotten, and sent back only if the person wants to change one (`next_query`: where the
    screen then goes on to)."""
    answers = {"flag": list(flags), "area": list(areas), "next": next_query}
    context = {"verdict": verdict, "answers": answers, "nav": nav}
    response = render(request, "planner/stop.html", context)
    forget_screen(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers(*FRAGMENT_HEADERS, "Cookie")
def build(request: HtmxHttpRequest) -> HttpResponse:
    remembered = recall_screen(request)
    if remembered is None:
        query = builder_query(request.POST if request.method == "POST" else request.GET)
        return SeeOther(_with_query(reverse("planner:screen"), query))
    snapshot = catalogue_snapshot()
    verdict = verdict_for(snapshot, remembered.flags, remembered.areas)
    if verdict.stops_session:  # the catalogue changed since: a remembered answer now stops
        return SeeOther(reverse("planner:screen"))
    form = _build_form(request, snapshot, verdict.max_minutes)
    plan = ask = plan_key = without = None
    learned, remembered = NOTHING_LEARNED, recall_undone(request)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        learned = _learned(request, data, remembered)
        ask = Request(
            data["performer"],
            tuple(data["region"]),
            frozenset(data["prop"]),
            data["minutes"],
            data["side"],
            tuple(data["muscle"]),
            data["movement"],
            learned.avoid,
            learned.favour,
        )
        # Kept per request and allowance, for this catalogue version: `make bench` shows the
        # preview at 5× its time without (composing, and drawing the steps: build.html).
        allowance = verdict.allowance()
        plan_key = cache_key(("planner.plan", current(), ask, allowance))
        plan = remember(plan_key, lambda: compose(snapshot, ask, allowance))
        if ask.favour:  # what it would be without, to say only what is more
            plain = replace(ask, favour=frozenset())
            key = cache_key(("planner.plan", current(), plain, allowance))
            without = remember(key, lambda: compose(snapshot, plain, allowance))
    if request.method == "POST" and plan is not None:
        if not plan.is_empty:
            return _start(request, plan, ask, snapshot, form.cleaned_data["plan"])
        form.add_error(None, "There is nothing to do in this session yet: see below.")

    template = page_or_fragment(request, "planner/build.html", "preview")
    context = _preview_context(form, plan, verdict, snapshot) | {"plan_key": plan_key}
    context["learned"] = said(learned, plan, without)
    if template == "planner/build.html":
        context |= _form_context(form, verdict, snapshot)
    response = render(request, template, context, status=400 if form.errors else 200)
    if ask is not None:
        remember_props(response, sorted(ask.props))
        if learned.undone != remembered:  # an undo, a redo, or one gone stale
            remember_undone(response, learned.undone)
    return response


def _learned(request: HtmxHttpRequest, data: dict, remembered: frozenset[str]) -> Applied:
    """What this browser's history teaches (`planner.learning`), less what the person undid
    (`remembered`, with this request's undo and redo)."""
    lessons = lessons_of(recall_built(request))
    undone = (remembered | data["undo"]) - data["redo"]
    return Applied(lessons, undone & {lesson.key for lesson in lessons})


def _build_form(
    request: HtmxHttpRequest, snapshot: Snapshot, max_minutes: int | None = None
) -> BuildForm:
    """Bound to the POST or the query string; unbound (with the props remembered) when empty.
    No longer than the safety answers allow."""
    offered = _build_options(snapshot) | {"max_minutes": max_minutes}
    if request.method == "POST":
        return BuildForm(request.POST, **offered)
    if any(key in request.GET for key in BUILD_KEYS):
        return BuildForm(request.GET, **offered)
    return BuildForm(initial={"prop": recall_props(request)}, **offered)


_offered: tuple[Snapshot, dict] | None = None  # the last snapshot's options


def _build_options(snapshot: Snapshot) -> dict:
    """What the form offers, from the snapshot: worked out once per snapshot (that is, per
    catalogue version in this process), not on every request (it grows with the catalogue)."""
    global _offered
    kept = _offered
    if kept is not None and kept[0] is snapshot:
        return kept[1]
    options = {
        "regions": Options.of(snapshot.regions),
        "props": Options.of((prop.slug, prop.name) for prop in snapshot.props),
        "muscles": Options.of(snapshot.muscle_names.items()),
        "default_minutes": {
            performer: snapshot.guideline(slug, FALLBACK_MINUTES[performer])
            for performer, slug in DEFAULT_MINUTES.items()
        },
    }
    _offered = (snapshot, options)
    return options


def _too_many_sessions(request: HtmxHttpRequest) -> HttpResponse | None:
    """A person saves a few sessions a day; a script saving thousands would fill the database.
    Counted per client address (IPv6: per /64), in every process at once (backcare.limits)."""
    who = client_key(client_address(request))
    for limit, again in (
        (Limit("sessions-minute", settings.SESSIONS_PER_MINUTE, 60), "in a minute"),
        (Limit("sessions-day", settings.SESSIONS_PER_DAY, 24 * 60 * 60), "tomorrow"),
    ):
        tally = hit(limit, who)
        if tally.over:
            return too_many(
                request,
                tally.retry_after,
                "That's a lot of sessions at once",
                "Backcare saves a limited number of new sessions from one place, so that nobody "
                f"can fill it up. Your sessions so far are safe in My sessions; try again {again}.",
                why=f"session limit ({limit.name})",
                onward=("My sessions", reverse("planner:mine")),
            )
    return None


def _start(
    request: HtmxHttpRequest, plan, ask: Request, snapshot: Snapshot, plan_day: str = ""
) -> HttpResponse:
    if refusal := _too_many_sessions(request):
        return refusal
    session = CareSession.objects.create_from_plan(plan, ask, snapshot)
    record_plan_session(request, session, plan_day)  # a day of this browser's plan: done
    where = session.get_absolute_url()  # the overview, to look it over first
    if request.POST.get("then") == "play":  # "Start this session": one tap to step 1
        Run.objects.begin(session)  # today's run, as the overview's Start begins it
        where = reverse("player:step", args=[session.code, 1])
    response = SeeOther(where)
    remember_props(response, sorted(ask.props))
    remember_owner(response, session.get_absolute_url(), session.code)
    remember_built(response, [session.code, *recall_built(request)])
    return response


def _preview_context(form, plan, verdict, snapshot) -> dict:
    """What the preview (the htmx fragment) shows: the plan and what it could not reach."""
    suggestions = [
        {
            "item": item,
            "props": [snapshot.prop(slug).name for slug in item.props],
            "add_url": _builder_url(form, add=[("prop", slug) for slug in item.props]),
            # More minutes would fit it, but the safety answers allow no more.
            "over_cap": bool(verdict.max_minutes)
            and plan.asked_seconds // 60 + item.minutes_needed > verdict.max_minutes,
        }
        for item in (plan.unreachable if plan else ())
    ]
    notes = snapshot.notes
    focus = form.cleaned_data.get("muscle", ()) if plan else ()
    unused = []  # ticked props not used, alike together; one tap adds an area one works
    for prop in plan.unused_props if plan else ():
        if unused and unused[-1]["props"][0].reason == prop.reason:
            unused[-1]["props"].append(prop)
            continue
        adds = [
            (snapshot.region_name(region), _builder_url(form, add=[("region", region)]))
            for region in prop.places
        ]
        unused.append({"why": prop.why, "props": [prop], "places": adds})
    return {
        "form": form,
        "plan": plan,
        # A session for one muscle: how many of its steps work it (none, with some answers).
        "focus": [snapshot.muscle_names[slug] for slug in focus],
        "focus_steps": sum(s.phase == Phase.MAIN and s.muscle in focus for s in plan.steps)
        if focus
        else 0,
        "whole_areas": _builder_url(form, drop="muscle"),
        "verdict": verdict,
        "suggestions": suggestions,
        "unused": unused,
        "hands_note": notes.get(GuidelineSlug.SOLO_HANDS_MINUTES),
        "beyond_hands": _beyond_hands(form, plan, verdict, snapshot)
        if plan and plan.shortfall == HANDS_TIRE
        else None,
        "excluded_names": [
            name for slug, name in snapshot.regions if slug in verdict.excluded_regions
        ],
    }


def _beyond_hands(form, plan, verdict, snapshot: Snapshot) -> dict:
    """When your own hands have done all they should, what would add more today: the
    cheapest props whose techniques the safety answers allow on the session's areas, and a
    partner. Never a prop the same page calls too firm (a ball with osteoporosis)."""
    allowance = verdict.allowance()
    asked = set(form.cleaned_data["region"]) | {step.region for step in plan.steps}
    areas = asked - allowance.excluded_regions
    owned = snapshot.everyday | set(form.cleaned_data["prop"])

    def adds_work(prop: str) -> bool:
        return any(
            allowance.permits(t) and not t.hand_work
            for area in areas
            for t in snapshot.working_with(Performer.SELF, area, owned | {prop})
        )

    opening = [p for p in snapshot.props if p.slug not in owned and adds_work(p.slug)]
    cheapest = [p.name.lower() for p in opening if p.cost_rank == opening[0].cost_rank]
    partner = bool(areas & reachable(snapshot, Performer.PARTNER, owned, allowance))
    return {"props": cheapest, "partner": partner}


def _form_context(form, verdict, snapshot) -> dict:
    """What only the whole page shows: the region picker and what each prop opens alone."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    performer = data.get("performer") or form["performer"].value() or "self"
    performer = performer if performer in ("self", "partner") else "self"
    chosen_regions = set(data.get("region", ()))
    # The picker's diagram already loads each muscle's regions: light the chosen ones from it.
    diagram = back_diagram(size="mini", linked=False, pick_regions=True, labels=False)
    lit = [m.slug for m in diagram.muscles if set(m.regions) & chosen_regions]
    allowance = verdict.allowance()
    hints = unlocks(snapshot, performer, allowance)
    notes = snapshot.notes
    everyday = [prop for prop in snapshot.props if prop.cost_rank == EVERYDAY]
    return {
        "performer": performer,
        "everyday": everyday,
        "everyday_slugs": {prop.slug for prop in everyday},
        "region_sides": {slug: form.side_of(slug) for slug, _ in snapshot.regions},
        "minute_notes": [notes[slug] for slug in DEFAULT_MINUTES.values() if slug in notes],
        "unlock_hints": {
            slug: [snapshot.region_name(r) for r in found] for slug, found in hints.items()
        },
        "hints_beside": {  # "for your mid back, with a wall"
            slug: [
                snapshot.prop(beside).name.lower()
                for beside in needed_beside(snapshot, performer, slug, found, allowance)
            ]
            for slug, found in hints.items()
            if found
        },
        "diagram": replace(diagram, selected=frozenset(lit)),
        "query": builder_query(form.data) if form.is_bound else "",
        "nav": "build",
    }


def _builder_url(form: BuildForm, add=(), drop: str = "") -> str:
    """The builder with the form's answers, and `add` ((name, value) pairs), less `drop`."""
    query = QueryDict(builder_query(form.data) if form.is_bound else "", mutable=True)
    query.pop(drop, None)
    for name, value in add:
        query.appendlist(name, value)
    return _with_query(reverse("planner:build"), query.urlencode())


# ---------- My sessions: the ones this browser built, from its own cookie ----------
@require_safe
@vary_on_headers("Cookie")
@cache_control(private=True)
def mine(request: HtmxHttpRequest) -> HttpResponse:
    """Never kept with the catalogue's pages: it is made from this browser's cookie."""
    listed = built_sessions(recall_built(request), felt=True)
    context = {"listed": listed, "chart": pain_chart(listed), "nav": "mine"}
    return render(request, "planner/mine.html", context)


# Both from this browser's cookie, like the list: private, and never stored on the way.
@cache_control(private=True, no_store=True)
@vary_on_headers("Cookie")
@read_only("Your history, as a file", "Open it from the link in My sessions.")
def export(request: HtmxHttpRequest) -> HttpResponse:
    """The entries of My sessions as a CSV file (export.history_csv)."""
    text = history_csv(built_sessions(recall_built(request)))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"backcare-history-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@cache_control(private=True, no_store=True)
@vary_on_headers("Cookie")
@read_only("A summary for your GP or physiotherapist", "Open it from the link in My sessions.")
def summary_page(request: HtmxHttpRequest) -> HttpResponse:
    """My sessions on one printed page, for a clinician: no codes, no links to the sessions."""
    context = {"summary": summary(built_sessions(recall_built(request))), "nav": "mine"}
    return render(request, "planner/summary.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def forget(request: HtmxHttpRequest) -> HttpResponse:
    """Takes one session off this browser's list (the session itself stays, for its link)."""
    if request.method != "POST":
        return post_only(
            request,
            "Forget a session from your list",
            "Sessions are forgotten with the “Forget this” button beside each one in My sessions.",
        )
    code, codes = request.POST.get("code", ""), recall_built(request)
    if not is_code(code):
        return refuse(request, 400, "That isn't a session", "Go back to My sessions and try again.")
    response = SeeOther(reverse("planner:mine"))
    if code in codes:
        remember_built(response, [kept for kept in codes if kept != code])
        session = CareSession.objects.filter(code=code).first()
        said = f"your session of {at(session.created_at)}" if session else "a session"
        messages.success(request, f"Forgotten: {said}. Its link still works if you kept it.")
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def forget_all(request: HtmxHttpRequest) -> HttpResponse:
    """Forgets everything this browser kept: how each of its sessions went (their runs, ratings
    and what was said of their steps), its two-week plans and their check-ins, its list of
    sessions and of plans, and what its cookies hold (the props ticked, the lessons undone,
    today's safety answers, its keys to its sessions). The sessions stay, for their links."""
    if request.method != "POST":
        return post_only(
            request,
            "Forget everything",
            "Everything is forgotten with the “Forget everything” button at the foot of My "
            "sessions, which says first what it removes.",
        )
    codes = recall_built(request)
    forget_history(codes)
    forget_plans(recall_plans(request))
    response = SeeOther(reverse("planner:mine"))
    forget_built(response)
    forget_plan_list(response)
    forget_choices(response)
    forget_screen(response)
    forget_sessions(response, [reverse("player:overview", args=[code]) for code in codes])
    messages.success(request, "Forgotten: everything this browser kept.")
    return response
