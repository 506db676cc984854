"""The home page, the designed error pages and the admin's door."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.queries import VERSION, cold_and_warm, own

pytestmark = pytest.mark.django_db


def test_home_says_what_backcare_is_and_links_the_three_flows(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Backcare" in html
    for words in ("Browse your back", "Build a session", "Follow it step by step"):
        assert words in html
    assert "Loss of bladder or bowel control" in html or "bladder" in html.lower()
    assert "During a session, never press on the spine or the kidney area, and stop at once" in html
    assert "<li>Sharp, stabbing or shooting pain</li>" in html


def test_home_has_htmx_and_css_and_no_inline_script_or_style(client):
    html = client.get("/").content.decode()
    assert "django_htmx/htmx-2.min.js" in html
    assert "css/backcare.css" in html
    assert "<script>" not in html and " style=" not in html and "hx-on" not in html


def test_home_is_served_under_a_strict_content_security_policy(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_home_query_count_is_small(client):
    cold, warm = cold_and_warm(lambda: client.get("/"))
    # the version; counts of regions, muscles, techniques and props; the snapshot (the red
    # flags, the signals to stop at); the places never to press (from the catalogue, not
    # written in)
    assert own(cold) == [VERSION, "region", "muscle", "technique", "prop", "nogozone"]
    assert warm == []  # the page is kept, and so is the version it was kept under


def test_unknown_page_gets_the_designed_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We couldn&#x27;t find that page" in html or "couldn't find" in html
    assert "css/backcare.css" in html


def test_post_to_home_is_refused_cleanly(client):
    assert client.post("/").status_code == 405


def test_admin_lets_only_staff_in():
    anonymous = Client()
    assert anonymous.get("/admin/").status_code == 302
    member = User.objects.create_user("reader", password="not-staff-pw-1")
    client = Client()
    client.force_login(member)
    assert client.get("/admin/catalogue/technique/").status_code == 302
    editor = User.objects.create_user(
        "editor", password="staff-pw-12345", is_staff=True, is_superuser=True
    )
    client.force_login(editor)
    assert client.get("/admin/catalogue/technique/").status_code == 200


@pytest.mark.parametrize(
    "page",
    ["region", "muscle", "prop", "family", "technique", "nogozone", "contraindication", "source"],
)
def test_admin_lists_and_edit_pages_render(admin_client, page):
    from django.apps import apps

    model = apps.get_model("catalogue", page)
    assert admin_client.get(f"/admin/catalogue/{page}/").status_code == 200
    assert admin_client.get(f"/admin/catalogue/{page}/?q=back").status_code == 200
    first = model.objects.first()
    assert admin_client.get(f"/admin/catalogue/{page}/{first.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/catalogue/{page}/add/").status_code == 200
