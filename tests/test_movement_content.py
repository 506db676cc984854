"""The shipped movements as a person browses them (reads fixtures/catalogue.yaml)."""

import re

import pytest

from backcare.catalogue.models import Movement

pytestmark = pytest.mark.django_db

STOP = "Stop if it makes your symptoms worse or brings on a new pain."


def test_every_shipped_movement_is_listed_and_has_its_page_with_an_nhs_source(client):
    listed = client.get("/movements/").content.decode()
    movements = list(Movement.objects.prefetch_related("sources"))
    assert len(movements) >= 12
    for movement in movements:
        assert f'href="/movements/{movement.slug}/"' in listed
        html = re.sub(r"\s+", " ", client.get(f"/movements/{movement.slug}/").content.decode())
        assert STOP in html, movement.slug
        assert re.search(r'href="https://[\w.]*(nhs\.uk|nhsinform\.scot|nice\.org\.uk)', html), (
            movement.slug
        )


def test_the_finder_suggests_lower_back_movements_for_lower_back_pain(client):
    html = re.sub(r"\s+", " ", client.get("/where-it-hurts/?spot=lower-back:left").content.decode())
    moves = html[html.index("Keep it moving") :]
    suggested = re.findall(r'<a href="/movements/([\w-]+)/">', moves)
    assert len(suggested) == 2
    for slug in suggested:
        assert Movement.objects.filter(slug=slug, regions__slug="lower-back").exists()
