"""My sessions lists this browser's plans without its view knowing of them."""

from django import template

from backcare.plans.keeping import plans_listed

register = template.Library()


@register.simple_tag(takes_context=True)
def your_plans(context) -> list:
    request = context.get("request")
    return plans_listed(request) if request is not None else []
