"""Links that leave the site (a printed card, a reminder's .ics) use the configured origin
(BACKCARE_ORIGIN), never the Host header a client sent."""

import pytest

from tests.factories import care_session
from tests.test_calendar import properties

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.SITE_ORIGIN = "https://backcare.example"
    settings.ALLOWED_HOSTS = ["*"]  # a Host header Django would otherwise refuse first
    return settings.SITE_ORIGIN


def test_the_card_links_to_the_session_at_the_configured_origin(client, site):
    session = care_session()
    card = client.get(f"/s/{session.code}/card/", HTTP_HOST="evil.example").content.decode()
    assert f'href="{site}/s/{session.code}/"' in card
    assert "evil.example" not in card


def test_the_reminder_links_to_the_session_at_the_configured_origin(client, site):
    session = care_session()
    url = f"/s/{session.code}/reminder.ics?repeat=daily&time=07:30"
    ics = client.get(url, HTTP_HOST="evil.example").content.decode()
    assert properties(ics)["URL"] == [f"{site}/s/{session.code}/"]
    assert "evil.example" not in ics
