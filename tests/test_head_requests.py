"""HEAD is answered wherever GET is: the same status and headers, and no body."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from backcare.catalogue.models import Movement, Muscle, Prop, Technique
from tests.factories import as_owner, care_session, owned_plan, screened

pytestmark = pytest.mark.django_db


def routes(patterns=None, prefix=""):
    """Every route of the URLconf (the admin's aside), as written: "s/<code:code>/"."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_every_page_answers_head_as_it_answers_get(client):
    session = care_session()
    screened(as_owner(client, session))
    values = {
        "<code:code>": session.code,
        "<int:number>": "1",
        "<plan:code>": owned_plan(client, activities=["Walking"]).code,
        "muscles/<slug:slug>": f"muscles/{Muscle.objects.first().slug}",
        "techniques/<slug:slug>": f"techniques/{Technique.objects.first().slug}",
        "props/<slug:slug>": f"props/{Prop.objects.first().slug}",
        "movements/<slug:slug>": f"movements/{Movement.objects.first().slug}",
    }
    walked = 0
    for route in routes():
        url = route
        for placeholder, value in values.items():
            url = url.replace(placeholder, value)
        assert "<" not in url, f"no sample value for {route}"
        got, head = client.get(f"/{url}"), client.head(f"/{url}")
        assert head.status_code == got.status_code, url
        assert head.status_code != 405 or got.status_code == 405, url  # forget: POST only
        assert head.content == b"", url
        assert head["Content-Type"] == got["Content-Type"], url
        walked += 1
    assert walked >= 18  # every page of the three apps, the manifest, the worker, healthz
