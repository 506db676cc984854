"""What the rest of Backcare asks of the plans: record a plan's session as done (the builder),
forget plans ("Forget everything"), and this browser's plans for My sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from backcare.planner.memory import recall_plans
from backcare.planner.models import CareSession, is_code
from backcare.plans.models import CarePlan, PlanSession
from backcare.plans.schedule import DAYS, day_name, day_of_plan, next_session


def record_plan_session(request: HttpRequest, session: CareSession, code: str) -> bool:
    """`session`, just saved by the builder from a day of the plan `code`, is done today: saved
    only when this browser owns that plan. Whether it was saved."""
    if not (code and is_code(code) and code in recall_plans(request)):
        return False
    plan = CarePlan.objects.filter(code=code).only("pk").first()
    if plan is None:
        return False
    try:
        with transaction.atomic():
            PlanSession.objects.create(plan=plan, session=session, day=timezone.localdate())
    except IntegrityError:  # a session counts once
        return False
    return True


def forget_plans(codes: Sequence[str]) -> int:
    """Delete these plans, their days done and their check-ins: how many plans went."""
    _, by_model = CarePlan.objects.filter(code__in=list(codes)).delete()
    return by_model.get(CarePlan._meta.label, 0)


@dataclass(frozen=True)
class PlanListed:
    plan: CarePlan
    said: str  # "Day 3 of 14 — next: Wednesday 9 December"


def plans_listed(request: HttpRequest) -> list[PlanListed]:
    """This browser's plans, newest first, each said in a line (two queries)."""
    codes = recall_plans(request)
    if not codes:
        return []
    today = timezone.localdate()
    plans = CarePlan.objects.filter(code__in=codes).prefetch_related("done")
    listed = []
    for plan in plans:
        days = plan.days(today, [done.day for done in plan.done.all()])
        number = day_of_plan(plan.starts, today)
        coming = next_session(days)
        if number > DAYS:
            said = "The two weeks are over"
        else:
            said = f"Day {max(number, 1)} of {DAYS}"
            if coming:
                said += f" — next: {day_name(coming.date, today)}"
        listed.append(PlanListed(plan, said))
    return listed
