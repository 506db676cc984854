"""My sessions (/mine/): the sessions this browser built, from its own cookie, with 'Do it
again', 'Forget this' and the chart of pain before and after."""

import re

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from backcare.planner.memory import (
    BUILT_AGE,
    BUILT_COOKIE,
    BUILT_LIMIT,
    BUILT_SALT,
    SCREEN_COOKIE,
    remember_built,
)
from backcare.planner.models import CareSession, new_code
from tests.factories import care_session, followed, grow_catalogue
from tests.queries import by_table, tables

pytestmark = pytest.mark.django_db

UPPER = {"performer": "self", "region": ["upper-back"], "prop": ["tennis-ball"], "minutes": "10"}
HIPS = {"performer": "partner", "region": ["lower-back", "hips-glutes"], "minutes": "20"}
NECK = {"performer": "self", "region": ["neck-shoulders"], "minutes": "5"}


@pytest.fixture
def screened(client):
    """A browser that has answered the safety screen with nothing to report."""
    assert client.post("/build/screen/", {"next": ""}).status_code == 303
    return client


def build(client, answers) -> CareSession:
    response = client.post("/build/", answers)
    assert response.status_code == 303, response.content.decode()[:500]
    return CareSession.objects.get(code=response["Location"].split("/")[2])


def rate(session: CareSession, before, after) -> None:
    """`session` followed (a run of it) as soon as it was built, rated `before` and `after`."""
    run = followed(session, pain_before=before, pain_after=after)
    run.started_at = session.created_at
    run.save(update_fields=["started_at"])


def keep_in_browser(client, codes) -> None:
    """This browser's list holds `codes`, as the builder would have written it."""
    response = HttpResponse()
    remember_built(response, list(codes))
    client.cookies.update(response.cookies)


def kept(client) -> list[str]:
    return signing.loads(client.cookies[BUILT_COOKIE].value, salt=BUILT_SALT)


def listed_codes(html: str) -> list[str]:
    return re.findall(r'<h3 id="session-([\w-]{12})(?:-\d+)?">', html)


def chart(html: str) -> str:
    found = re.search(r'<svg class="pain-chart__svg".*?</svg>', html, re.S)
    return found.group(0) if found else ""


def table_rows(html: str) -> list[list[str]]:
    body = re.search(r'<table class="pain-table">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    cells = r"<t[hd][^>]*>(.*?)</t[hd]>"
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(cells, row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


# ---------- The list ----------
def test_with_no_sessions_it_says_so_and_how_to_build_one(client):
    response = client.get("/mine/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "No sessions yet" in html and 'href="/build/">Build a session</a>' in html
    assert "lives only in this browser" in html and "no account" in html
    assert 'aria-current="page">My sessions</a>' in html
    assert chart(html) == "" and 'class="pain-table"' not in html
    # Made from this browser's cookie (even with no form on it): never shared by a cache.
    assert "Cookie" in response["Vary"] and "private" in response["Cache-Control"]


def test_three_sessions_built_here_are_listed_newest_first(screened):
    first, second, third = build(screened, UPPER), build(screened, HIPS), build(screened, NECK)
    rate(first, 6, 3)
    rate(second, 5, None)
    html = screened.get("/mine/").content.decode()
    assert listed_codes(html) == [third.code, second.code, first.code]
    when = timezone.localtime(first.created_at).strftime("%a %-d %b %Y, %H:%M")
    assert f'<a href="/s/{first.code}/"><time datetime="' in html and f">{when}</time>" in html
    assert '-areas">Lower back, Hips and glutes</dd>' in html and "<dd>With a partner</dd>" in html
    assert "<dd>On your own</dd>" in html and ">10 minutes</time>" in html
    assert "<dd>6 → 3</dd>" in html and "<dd>5 → not rated</dd>" in html
    assert "<dd>not rated</dd>" in html  # the neck session, never rated


def test_an_area_worked_on_one_side_says_which(screened):
    build(screened, HIPS | {"side": ["hips-glutes:left"]})
    html = screened.get("/mine/").content.decode()
    assert '-areas">Lower back, Hips and glutes (left side)</dd>' in html


def test_the_date_is_in_the_sites_time_zone(screened, settings):
    settings.TIME_ZONE = "Europe/London"  # summer time: an hour ahead of UTC
    session = build(screened, UPPER)
    session.created_at = timezone.datetime(2026, 7, 14, 17, 40, tzinfo=timezone.UTC)
    session.save(update_fields=["created_at"])
    assert "Tue 14 Jul 2026, 18:40" in screened.get("/mine/").content.decode()


def test_the_list_goes_only_to_the_list_the_builder_and_the_plan_form(screened):
    response = screened.post("/build/", UPPER)
    found = {name: morsel for name, morsel in response.cookies.items() if "built" in name}
    assert {name: morsel["path"] for name, morsel in found.items()} == {
        BUILT_COOKIE: "/mine/",
        f"{BUILT_COOKIE}_build": "/build/",
        f"{BUILT_COOKIE}_plan": "/plan/",  # "Make this a plan" is prefilled from one's own
    }
    for morsel in found.values():
        assert morsel["httponly"] and morsel["samesite"] == "Lax"
        assert morsel["max-age"] == BUILT_AGE == 365 * 24 * 60 * 60


@pytest.mark.parametrize(
    "value",
    [
        "not signed at all",
        "tampered",
        signing.dumps({"codes": ["x"]}, salt=BUILT_SALT),  # signed, but not a list
        signing.dumps(["../../etc", "<script>", 42], salt=BUILT_SALT),  # not codes
        signing.dumps(["abcdefghijkl"], salt="another.salt"),
    ],
    # Named, not by value: a signed value holds the time, and the xdist workers must collect
    # the same names (a run whose collection straddled a second failed to start).
    ids=["unsigned", "tampered", "not-a-list", "not-codes", "another-salt"],
)
def test_a_tampered_or_strange_cookie_is_an_empty_list(screened, value):
    build(screened, UPPER)
    if value == "tampered":
        value = screened.cookies[BUILT_COOKIE].value[:-2] + "xx"
    screened.cookies[BUILT_COOKIE] = value
    response = screened.get("/mine/")
    assert response.status_code == 200
    assert listed_codes(response.content.decode()) == []


def test_an_expired_list_is_an_empty_list(screened, monkeypatch):
    build(screened, UPPER)
    later = timezone.now().timestamp() + BUILT_AGE + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert listed_codes(screened.get("/mine/").content.decode()) == []


def test_sessions_that_no_longer_exist_are_left_out(screened):
    kept_one, gone = build(screened, UPPER), build(screened, NECK)
    gone.delete()
    response = screened.get("/mine/")
    assert response.status_code == 200
    assert listed_codes(response.content.decode()) == [kept_one.code]


def test_the_list_keeps_the_newest_fifty(screened):
    older = [new_code() for _ in range(BUILT_LIMIT)]
    keep_in_browser(screened, older)
    newest = build(screened, UPPER)
    assert kept(screened) == [newest.code, *older[: BUILT_LIMIT - 1]]


def test_each_browser_sees_only_its_own_sessions(screened):
    mine = build(screened, UPPER)
    other = Client()
    other.post("/build/screen/", {"next": ""})
    theirs = build(other, NECK)
    assert listed_codes(screened.get("/mine/").content.decode()) == [mine.code]
    response = other.get("/mine/")
    assert listed_codes(response.content.decode()) == [theirs.code]
    assert "Cookie" in response["Vary"] and "private" in response["Cache-Control"]


# ---------- Forget this ----------
def test_forgetting_takes_a_session_off_the_list_only(screened):
    first, second = build(screened, UPPER), build(screened, NECK)
    response = screened.post("/mine/forget/", {"code": first.code})
    assert response.status_code == 303 and response["Location"] == "/mine/"
    assert BUILT_COOKIE in response.cookies and f"{BUILT_COOKIE}_build" in response.cookies
    said = response.cookies["messages"]  # the words go only to the page that shows them
    assert said["path"] == "/mine/" and said["httponly"] and said["samesite"] == "Lax"
    shown = screened.get("/mine/")
    assert shown.cookies["messages"]["path"] == "/mine/" and not shown.cookies["messages"].value
    html = shown.content.decode()
    assert listed_codes(html) == [second.code]
    when = timezone.localtime(first.created_at).strftime("%a %-d %b %Y, %H:%M")
    assert f"Forgotten: your session of {when}." in html
    assert screened.get(f"/s/{first.code}/").status_code == 200  # its link still works
    assert "Forgotten" not in screened.get("/mine/").content.decode()  # said once
    build(screened, HIPS)  # the builder's copy forgot it too
    assert first.code not in kept(screened)


def test_forget_is_a_form_post(client):
    response = client.get("/mine/forget/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Forget this" in response.content.decode() and "<html" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(client, method):
    assert getattr(client, method)("/mine/").status_code == 405
    assert getattr(client, method)("/mine/forget/").status_code == 405
    assert client.post("/mine/").status_code == 405


@pytest.mark.parametrize("code", ["", "../../admin", "x" * 500, "short"])
def test_forgetting_something_that_is_not_a_code_is_a_400_page(screened, code):
    session = build(screened, UPPER)
    response = screened.post("/mine/forget/", {"code": code})
    assert response.status_code == 400 and "<html" in response.content.decode()
    assert listed_codes(screened.get("/mine/").content.decode()) == [session.code]


def test_forgetting_a_code_not_on_the_list_changes_nothing(screened):
    session = build(screened, UPPER)
    response = screened.post("/mine/forget/", {"code": new_code()})
    assert response.status_code == 303
    html = screened.get("/mine/").content.decode()
    assert listed_codes(html) == [session.code] and "Forgotten" not in html


def test_forgetting_needs_the_csrf_token(screened):
    session = build(screened, UPPER)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies.update(screened.cookies)
    assert strict.post("/mine/forget/", {"code": session.code}).status_code == 403


# ---------- Do it again ----------
def test_do_it_again_opens_the_same_session_for_a_new_run(screened):
    """The same way in as the session's link and its reminder: today's rating, a new entry."""
    original = build(screened, HIPS | {"side": ["lower-back:left"]})
    followed(original, days_ago=1, pain_before=6, pain_after=3, finished_at=timezone.now())
    html = screened.get("/mine/").content.decode()
    again = re.search(r'<a class="button[^"]*" href="([^"]+)"[^>]*>Do it again</a>', html)[1]
    assert again == f"/s/{original.code}/"
    overview = screened.get(again).content.decode()
    assert "how much does the back being massaged hurt right now?" in overview  # today's
    assert "you rated the pain 6" not in overview
    assert screened.post(again, {"pain": "4"}).status_code == 303
    assert screened.post(f"{again}done/", {"pain": "2"}).status_code == 303
    html = screened.get("/mine/").content.decode()
    assert listed_codes(html) == [original.code, original.code]
    assert html.index("<dd>4 → 2</dd>") < html.index("<dd>6 → 3</dd>")  # newest first


def test_do_it_again_after_the_safety_answers_expired_asks_them_first(screened):
    original = build(screened, NECK | {"prop": ["tennis-ball"]})
    for copy in (SCREEN_COOKIE, f"{SCREEN_COOKIE}_player"):  # twelve hours later
        del screened.cookies[copy]
    overview = screened.get(f"/s/{original.code}/").content.decode()
    assert "Answer the safety questions" in overview
    assert f'href="/build/screen/?session={original.code}"' in overview
    assert "Start the session" not in overview


# ---------- The chart ----------
def test_the_chart_and_its_table_show_each_rated_session(screened):
    first, second, third, _unrated = (build(screened, a) for a in (UPPER, HIPS, NECK, UPPER))
    rate(first, 6, 3)
    rate(second, 5, 5)
    rate(third, 4, None)  # rated before only: one point
    html = screened.get("/mine/").content.decode()
    drawn = chart(html)
    assert drawn.count('class="pain-chart__before"') == 3
    assert drawn.count('class="pain-chart__after"') == 2
    assert drawn.count('class="pain-chart__join"') == 2
    assert 'role="img" aria-labelledby="pain-chart-title pain-chart-desc"' in drawn
    assert "Of 2 with both ratings, pain went down after 1, up after 0" in drawn
    assert [row[0] for row in table_rows(html)] == ["1", "2", "3"]  # oldest first
    assert [row[2:] for row in table_rows(html)] == [
        ["6", "3", "down 3"],
        ["5", "5", "no change"],
        ["4", "—", "—"],
    ]
    assert "Before (hollow circle)" in html and "After (filled square)" in html
    assert "style=" not in html and "<script>" not in html


def test_a_higher_pain_sits_higher_on_the_chart(screened):
    rate(build(screened, UPPER), 8, 1)
    drawn = chart(screened.get("/mine/").content.decode())
    circle_y = float(re.search(r'class="pain-chart__before" cx="[\d.]+" cy="([\d.]+)"', drawn)[1])
    square_y = float(re.search(r'class="pain-chart__after" x="[\d.]+" y="([\d.]+)"', drawn)[1])
    assert circle_y < square_y  # SVG's y grows downwards


def test_with_no_ratings_there_is_no_chart_but_a_sentence(screened):
    build(screened, UPPER)
    html = screened.get("/mine/").content.decode()
    assert chart(html) == "" and "once you rate a session" in html


def test_the_chart_shows_the_last_twelve_rated_sessions(screened):
    sessions = [care_session("self", ["upper-back"], [], 5) for _ in range(14)]
    for number, session in enumerate(sessions):
        rate(session, number % 11, None)
    keep_in_browser(screened, [s.code for s in reversed(sessions)])
    html = screened.get("/mine/").content.decode()
    assert len(listed_codes(html)) == 14
    assert chart(html).count('class="pain-chart__before"') == 12
    assert [row[2] for row in table_rows(html)] == [str(n % 11) for n in range(2, 14)]


@pytest.mark.engine_free  # the ORM's queries: the same on any engine
# ---------- Queries ----------
def test_the_page_takes_the_same_queries_for_1_3_or_30_sessions_at_any_catalogue_size(client):
    sessions = [care_session("self", ["upper-back", "mid-back"], ["tennis-ball"], 5)]
    sessions += [care_session("partner", ["lower-back"], [], 10) for _ in range(29)]
    for session in sessions:
        rate(session, 5, 2)

    def reads(count: int) -> dict[str, int]:
        keep_in_browser(client, [s.code for s in sessions[:count]])
        return by_table(tables(lambda: client.get("/mine/")))

    # The sessions (each keeps its areas' names); their runs (each time one was followed); what
    # was said of the runs' steps, for all of them at once: nothing from the catalogue's memory,
    # so not even its version.
    expected = {"planner_caresession": 1, "planner_run": 1, "planner_stepfeedback": 1}
    assert reads(1) == reads(3) == reads(30) == expected
    grow_catalogue(10)
    assert reads(1) == reads(30) == expected


def test_a_session_for_a_muscle_says_so_and_does_it_again_for_that_muscle(screened):
    session = build(screened, HIPS | {"muscle": ["piriformis"], "side": ["hips-glutes:right"]})
    assert session.focus == ["piriformis"]
    html = screened.get("/mine/").content.decode()
    assert '<span class="muted">for the piriformis</span>' in html
