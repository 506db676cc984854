"""My sessions lists this browser's plans without its view knowing of them."""

from django import template

from backcare.plans.keeping import plans_listed
from backcare.plans.models import PlanSession

register = template.Library()


@register.simple_tag(takes_context=True)
def your_plans(context) -> list:
    request = context.get("request")
    return plans_listed(request) if request is not None else []


@register.simple_tag
def plan_of(session):
    """The plan `session` was built for a day of, if any (one query): its done page leads back
    to it (the plan's page asks whose it is)."""
    done = PlanSession.objects.filter(session=session).select_related("plan").first()
    return done.plan if done else None
