"""A two-week plan: making one, its page, its calendar, and its weekly check-in. Every page
but the new-plan form is this browser's own (its plans cookie): another gets the 403 page."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from backcare.catalogue.choices import MAX_MINUTES
from backcare.planner.history import at as said_at
from backcare.planner.memory import recall_built, recall_plans, remember_plans
from backcare.planner.models import CareSession, Run, is_code
from backcare.plans.calendar import plan_calendar
from backcare.plans.chart import MIC_ACTIVITY, MIC_AVERAGE, score_chart
from backcare.plans.forms import CheckInForm, PlanForm
from backcare.plans.models import CarePlan, CheckIn
from backcare.plans.schedule import DAYS, check_in_due, progress
from backcare.web import HtmxHttpRequest, SeeOther, refuse, site_url

DEFAULT_MINUTES = {"short_minutes": 10, "long_minutes": 20}


def _own_plan(request: HtmxHttpRequest, code: str) -> tuple[CarePlan | None, HttpResponse | None]:
    """The plan, if this browser made it; else the refusal (404 unknown, 403 another's)."""
    plan = get_object_or_404(CarePlan, code=code)
    if code not in recall_plans(request):
        return None, refuse(
            request,
            403,
            "Only the browser that made this plan can see it",
            "A two-week plan, its sessions and its check-ins stay with the person who made it, "
            "in the browser they made it in.",
            onward=("Build a session of your own", reverse("planner:build")),
        )
    return plan, None


# ---------- Making a plan ----------
def _source(request: HtmxHttpRequest, code: str) -> CareSession | None:
    """The session a plan is made from, if this browser built it (else nothing of it shows)."""
    if not code or code not in recall_built(request):
        return None
    return CareSession.objects.filter(code=code).first()


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("Cookie")
@cache_control(private=True, no_cache=True)
def new_plan(request: HtmxHttpRequest) -> HttpResponse:
    """GET: the form, prefilled from the session `from` if this browser built it. POST: the
    plan, its week-0 check-in, and this browser's key to it."""
    if request.method != "POST":
        code = request.GET.get("from", "")
        if code and not is_code(code):
            return _new_page(request, PlanForm(initial=DEFAULT_MINUTES), None, status=400)
        source = _source(request, code)
        initial = DEFAULT_MINUTES
        if source is not None:
            short = source.minutes
            initial = {
                "from": code,
                "short_minutes": short,
                "long_minutes": min(MAX_MINUTES, 2 * short),
            }
        return _new_page(request, PlanForm(initial=initial), source)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _new_page(request, form, _source(request, request.POST.get("from", "")), 400)
    plan = _create(form.cleaned_data, _source(request, form.cleaned_data["from"]))
    response = SeeOther(plan.get_absolute_url())
    remember_plans(response, [plan.code, *recall_plans(request)])
    return response


def _new_page(request, form: PlanForm, source: CareSession | None, status: int = 200):
    bad_from = status == 400 and not form.is_bound  # a `from` that is no session's code
    context = {"form": form, "source": source, "bad_from": bad_from, "nav": "mine"}
    if source is not None:
        context["source_when"] = said_at(source.created_at)
    return render(request, "plans/new.html", context, status=status)


@transaction.atomic
def _create(data: dict, source: CareSession | None) -> CarePlan:
    plan = CarePlan.objects.create(
        starts=timezone.localdate(),
        weekdays=sorted(set(data["weekdays"])),
        at=data["at"],
        performer=source.performer if source else "self",
        regions=[slug for slug, _ in source.areas] if source else [],
        props=sorted(source.props.values_list("slug", flat=True)) if source else [],
        sides=source.sides if source else [],
        short_minutes=data["short_minutes"],
        long_minutes=data["long_minutes"],
        movement=data["movement"],
        activities=[name for name, _ in data["activities"]],
    )
    if data["activities"]:
        CheckIn.objects.create(plan=plan, week=0, scores=[s for _, s in data["activities"]])
    return plan


# ---------- The plan's page, its calendar and its check-in ----------
@require_safe
@vary_on_headers("Cookie")
@cache_control(private=True, no_cache=True)
def plan_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    plan, refusal = _own_plan(request, code)
    if refusal:
        return refusal
    today = timezone.localdate()
    done = list(plan.done.all())  # the days its sessions were done
    # Each done session's run of that day, for its pain before → after: one query.
    runs = Run.objects.filter(session__in=plan.done.values("session")).order_by("started_at")
    ratings = {(run.session_id, timezone.localdate(run.started_at)): run for run in runs}
    by_day = {}
    for item in done:
        by_day.setdefault(item.day, []).append(ratings.get((item.session_id, item.day)))
    days = plan.days(today, [item.day for item in done])
    check_ins = list(plan.check_ins.all())
    shown = []
    for day in days:
        run = by_day.get(day.done_on, [None]).pop(0) if day.done_on else None
        shown.append({"day": day, "run": run, "start": _start_url(plan, day.minutes)})
    weeks = [(c.week, c.scores) for c in check_ins]
    context = {
        "plan": plan,
        "days": shown,
        "weeks": [shown[i : i + 7] for i in range(0, DAYS, 7)],
        "progress": progress(days, today),
        "over": today > days[-1].date,
        "due": check_in_due(plan.starts, today, [c.week for c in check_ins])
        if plan.activities
        else None,
        "chart": score_chart(plan.activities, weeks),
        "mic_activity": MIC_ACTIVITY,
        "mic_average": MIC_AVERAGE,
        "nav": "mine",
    }
    return render(request, "plans/plan.html", context)


def _start_url(plan: CarePlan, minutes: int) -> str:
    query = QueryDict(mutable=True)
    for name, value in plan.builder_answers(minutes):
        query.appendlist(name, value)
    return f"{reverse('planner:build')}?{query.urlencode()}"


@require_safe
@vary_on_headers("Cookie")
@cache_control(private=True, no_cache=True)
def plan_ics(request: HtmxHttpRequest, code: str) -> HttpResponse:
    plan, refusal = _own_plan(request, code)
    if refusal:
        return refusal
    days = plan.days(timezone.localdate())
    url = site_url(plan.get_absolute_url())
    ics = plan_calendar(plan.code, days, plan.at, url, timezone.now())
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="backcare-plan.ics"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("Cookie")
@cache_control(private=True, no_cache=True)
def check_in(request: HtmxHttpRequest, code: str) -> HttpResponse:
    plan, refusal = _own_plan(request, code)
    if refusal:
        return refusal
    given = plan.check_ins.values_list("week", flat=True)
    week = check_in_due(plan.starts, timezone.localdate(), given) if plan.activities else None
    if week is None:
        return refuse(
            request,
            409,
            "No check-in to give now",
            "A plan asks how your activities are going from its day 7 and from its day 14, "
            "once each week.",
            onward=("Back to your plan", plan.get_absolute_url()),
        )
    data = request.POST if request.method == "POST" else None
    form = CheckInForm(data, activities=plan.activities)
    if form.is_valid():
        CheckIn.objects.get_or_create(plan=plan, week=week, defaults={"scores": form.scores()})
        return SeeOther(plan.get_absolute_url())
    context = {"plan": plan, "week": week, "form": form, "nav": "mine"}
    return render(request, "plans/check_in.html", context, status=400 if form.errors else 200)
