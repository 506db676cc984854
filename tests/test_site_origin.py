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


def test_a_production_origin_the_site_does_not_answer_to_is_a_system_check_warning(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.DEBUG, settings.ALLOWED_HOSTS = False, ["backcare.example"]
    settings.SITE_ORIGIN = "http://127.0.0.1:8000"  # left at its default
    with pytest.raises(SystemCheckError, match=r"backcare\.W001"):
        call_command("check", "--fail-level", "WARNING", "--tag", "security")
    settings.SITE_ORIGIN = "https://backcare.example"
    call_command("check", "--fail-level", "WARNING", "--tag", "security")
    settings.DEBUG, settings.SITE_ORIGIN = True, "http://127.0.0.1:8000"  # developing: quiet
    call_command("check", "--fail-level", "WARNING", "--tag", "security")
