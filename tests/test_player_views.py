"""The player's pages: overview, steps (page and htmx fragment), stop, done and ratings."""

import gzip
import html
import json
import re

import pytest
from django.test import Client
from django.utils.html import escape

from backcare.catalogue.models import StopSignal
from backcare.planner.models import CODE_PATTERN, CareSession
from tests.factories import (
    as_owner,
    care_session,
    grow_catalogue,
    last_run,
    ratings,
    screened,
)
from tests.queries import VERSION, cold_and_warm, own

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "player"}  # the player's own swaps


@pytest.fixture
def session(client):
    """A session built by `client` (the browser that may rate it), which answered today's
    safety screen: nothing applies."""
    built = care_session(
        "self", ["neck-shoulders", "upper-back", "mid-back"], ["tennis-ball", "wall"], 10
    )
    as_owner(screened(client), built)
    return built


def test_overview_lists_the_steps_props_and_no_go_reminder(client, session):
    html = client.get(f"/s/{session.code}/").content.decode()
    assert '<ol class="plan">' in html
    assert html.count('class="plan__step') == session.steps.count()
    assert 'datetime="PT' in html and "tennis ball" in html
    assert "Start the session" in html
    # What to keep off and when to stop, from the catalogue (the steps' zones, each once).
    keep_off = re.search(r'<ul class="keep-off__list">(.*?)</ul>', html, re.S)[1]
    lines = re.findall(r"<li>(.*?)</li>", keep_off)
    zones = [line for step in session.steps.all() for line in step.keep_off]
    assert lines == [escape(line) for line in dict.fromkeys(zones)]
    assert any("spine" in line for line in lines)
    stop = re.search(r'<div class="note note--safety">(.*?)</div>', html, re.S)[1]
    feelings = StopSignal.objects.filter(action="stop").order_by("order")
    assert re.findall(r"<li>(.*?)</li>", stop) == [escape(s.feeling) for s in feelings]
    assert "Sharp, stabbing or shooting pain" in stop


def test_starting_with_a_pain_rating_stores_it(client, session):
    response = client.post(f"/s/{session.code}/", {"pain": "6"})
    assert response.status_code == 303
    assert response["Location"] == f"/s/{session.code}/step/1/"
    session.refresh_from_db()
    assert ratings(session)[0] == 6


def test_starting_without_a_rating_is_fine(client, session):
    assert client.post(f"/s/{session.code}/").status_code == 303
    session.refresh_from_db()
    assert ratings(session)[0] is None


@pytest.mark.parametrize("bad", ["11", "-1", "seven", "6.5", "99999999999"])
def test_a_bad_rating_is_a_form_error_and_stores_nothing(client, session, bad):
    response = client.post(f"/s/{session.code}/", {"pain": bad})
    assert response.status_code == 400
    assert "choose a number from 0 to 10" in response.content.decode()
    session.refresh_from_db()
    assert ratings(session)[0] is None


def test_a_step_page_shows_what_where_how_and_the_timer(client, session):
    first = session.steps.first()
    html = client.get(f"/s/{session.code}/step/1/").content.decode()
    assert "<html" in html and f"Step 1 of {session.steps.count()}" in html
    assert first.technique.name in html
    assert f'data-seconds="{first.seconds}"' in html
    assert "Stop — this hurts" in html and "js/player.js" in html
    assert f'href="/s/{session.code}/step/2/"' in html


def test_a_step_fragment_is_just_the_player(client, session):
    html = client.get(f"/s/{session.code}/step/2/", **HX).content.decode()
    assert "<html" not in html and 'id="player"' in html
    assert 'href="/s/' in html and "Step 2 of" in html


def test_the_last_step_leads_to_finishing(client, session):
    last = session.steps.count()
    html = client.get(f"/s/{session.code}/step/{last}/").content.decode()
    assert f'href="/s/{session.code}/done/"' in html and "Finish" in html


@pytest.mark.parametrize("step", ["0", "999", "abc", "-1", "1.5"])
def test_steps_out_of_range_or_bogus_are_404(client, session, step):
    assert client.get(f"/s/{session.code}/step/{step}/").status_code == 404


@pytest.mark.parametrize("path", ["", "step/1/", "stop/", "done/"])
def test_unknown_or_tampered_codes_are_404(client, session, path):
    tampered = session.code[:-1] + ("A" if session.code[-1] != "A" else "B")
    for code in ["nope", tampered, session.code.upper() + "x", "x" * 200, "%00"]:
        response = client.get(f"/s/{code}/{path}")
        assert response.status_code == 404
        assert "find that page" in response.content.decode()


def test_the_stop_page_says_what_to_do_now(client, session):
    html = client.get(f"/s/{session.code}/stop/").content.decode()
    assert "Stop, and let your back rest" in html
    assert "electric" in html.lower() and "999" in html
    assert f'href="/s/{session.code}/"' in html


def test_stopping_at_a_step_goes_on_without_the_step_that_hurt(client, session):
    """The stop page says not to go back to the spot that hurt: going on skips that step."""
    step = client.get(f"/s/{session.code}/step/2/").content.decode()
    assert f'href="/s/{session.code}/stop/?step=2"' in step
    html = client.get(f"/s/{session.code}/stop/?step=2").content.decode()
    assert f'href="/s/{session.code}/step/3/">Skip it: go on to step 3</a>' in html
    assert "Going on skips step 2, the\n      step that hurt" in html
    assert f'href="/s/{session.code}/step/2/"' not in html
    assert f'href="/s/{session.code}/done/">End the session</a>' in html


def test_both_sides_in_a_row_skip_only_the_side_that_hurt(client):
    built = care_session("partner", ["lower-back"], [], 30)
    steps = list(built.steps.all())
    left = next(s for s in steps if s.side == "left" and steps[s.number].side == "right")
    right = steps[left.number]
    assert right.technique_id == left.technique_id  # the same kneading, the other side next
    html = screened(client).get(f"/s/{built.code}/stop/?step={left.number}").content.decode()
    assert f'href="/s/{built.code}/step/{right.number}/">Skip it: go on to step' in html


def test_stopping_at_the_last_step_offers_to_finish(client, session):
    last = session.steps.count()
    html = client.get(f"/s/{session.code}/stop/?step={last}").content.decode()
    assert f"Step {last} was the last step: finish here" in html
    assert f'href="/s/{session.code}/done/">Finish the session</a>' in html
    assert "Skip it" not in html


def test_a_stop_without_a_step_offers_no_way_on(client, session):
    for query in ({}, {"step": ""}):
        response = client.get(f"/s/{session.code}/stop/", query)
        assert response.status_code == 200
        assert "Skip it" not in response.content.decode()


@pytest.mark.parametrize("step", ["0", "999", "two", "-1", "2.0", "²", "٣", " 2", "2 ", "+2"])
def test_a_stop_at_a_step_that_isnt_one_is_a_bad_request(client, session, step):
    """Never a 500: "²".isdigit() is true, but int("²") fails."""
    response = client.get(f"/s/{session.code}/stop/", {"step": step})
    assert response.status_code == 400
    assert escape("That isn't a step of this session") in response.content.decode()


def test_the_overview_opens_each_step(client, session):
    html = client.get(f"/s/{session.code}/").content.decode()
    for number in range(1, session.steps.count() + 1):
        assert f'href="/s/{session.code}/step/{number}/"' in html


def test_done_saves_the_rating_and_shows_the_change(client, session):
    client.post(f"/s/{session.code}/", {"pain": "7"})
    response = client.post(f"/s/{session.code}/done/", {"pain": "3"})
    assert response.status_code == 303
    html = client.get(response["Location"]).content.decode()
    assert "went down by 4 points" in html
    session.refresh_from_db()
    assert ratings(session) == (7, 3)
    assert last_run(session).finished_at is not None


@pytest.mark.parametrize("bad", ["", "11", "ten"])
def test_done_needs_a_valid_rating(client, session, bad):
    response = client.post(f"/s/{session.code}/done/", {"pain": bad})
    assert response.status_code == 400
    session.refresh_from_db()
    assert ratings(session)[1] is None


def test_wrong_methods_are_refused(client, session):
    assert client.post(f"/s/{session.code}/step/1/").status_code == 405
    assert client.post(f"/s/{session.code}/stop/").status_code == 405
    assert client.delete(f"/s/{session.code}/").status_code == 405


@pytest.mark.engine_free  # the ORM's queries: the same on any engine
def test_player_query_counts_do_not_grow_with_the_catalogue(client, session):
    urls = [
        (f"/s/{session.code}/", {}),
        (f"/s/{session.code}/step/2/", {}),
        (f"/s/{session.code}/step/2/", HX),
        (f"/s/{session.code}/stop/", {}),
        (f"/s/{session.code}/done/", {}),
    ]

    def counts():
        found = [
            cold_and_warm(lambda u=url, h=headers: client.get(u, **h)) for url, headers in urls
        ]
        return [(own(cold) if VERSION in cold else cold, warm) for cold, warm in found]

    # Once kept, the process remembers the catalogue's version: only the first request after
    # a change reads it.
    # overview: the session, its steps (each keeps what it shows: no catalogue row), and
    # nothing else while nothing is skipped (first after a change also the version and the
    # snapshot: the screen's questions for the verdict on this device's answers, the stop
    # signals). It left no area out: no need to ask which. Then, for the browser that built
    # it, today's run of it (its ratings so far).
    overview = ["planner_caresession", "planner_carestep", "planner_run"]
    first_overview = [*overview[:2], VERSION, overview[2]]
    # step: nothing. A session and its steps never change once saved (the card and the words
    # it shows of the catalogue are on the step; ratings are on its runs), so the process
    # keeps them for a few minutes: they are read on the first request after a change, under
    # the catalogue's version (a deleted muscle unlinks its steps), with the snapshot, the
    # diagram's muscles and zones.
    step: list[str] = []
    first_step = [VERSION, "planner_carestep", "muscle", "nogozone"]
    # stop: the same kept steps (first after a change also the version, the steps and the
    # snapshot: the verdict's questions, the stop signals, the red flags).
    stop: list[str] = []
    first_stop = [VERSION, "planner_carestep"]
    # done: the session, today's run of it, and whether it was a day of a plan (to lead back).
    done = ["planner_caresession", "planner_run", "plans_plansession"]
    # …and the kept steps (their movements, for between sessions): first after a change, read.
    first_done = [*done[:2], VERSION, "planner_carestep", done[2]]
    expected = [
        (first_overview, overview),
        (first_step, step),
        (first_step, step),
        (first_stop, stop),
        (first_done, done),
    ]
    assert counts() == expected
    grow_catalogue(10)
    care_session("partner", ["lower-back"], [], 30)
    assert counts() == expected
    assert CareSession.objects.count() == 2


def test_a_step_fragment_stays_small_and_draws_each_shape_once_at_any_size(client, session):
    url = f"/s/{session.code}/step/2/"
    small = client.get(url, **HX).content
    grow_catalogue(10)
    large = client.get(url, **HX).content
    for body in (small, large):
        assert len(gzip.compress(body)) <= 4 * 1024
        assert body.decode().count("data-muscle=") == 9  # the shipped shapes, once each
    assert 'id="shape-rhomboids"' not in small.decode()  # the page's defs serve it


def test_another_browser_can_follow_a_shared_session_but_not_rate_it(session):
    stranger = screened(Client())  # it answered the safety questions
    overview = stranger.get(f"/s/{session.code}/")
    assert overview.status_code == 200
    assert "how much does your back hurt" not in overview.content.decode().lower()
    assert stranger.post(f"/s/{session.code}/", {"pain": "9"}).status_code == 403
    assert stranger.post(f"/s/{session.code}/", {}).status_code == 303  # just starting
    done = stranger.get(f"/s/{session.code}/done/").content.decode()
    assert "kept by the device that built it" in done
    refused = stranger.post(f"/s/{session.code}/done/", {"pain": "0"})
    assert refused.status_code == 403
    assert "Only the device that built this session can rate it" in refused.content.decode()
    session.refresh_from_db()
    assert last_run(session) is None


def test_a_forged_or_borrowed_owner_cookie_is_refused(client, session):
    from backcare.planner.memory import OWNER_COOKIE, owner_key

    other = care_session()
    forged = Client()
    forged.cookies[OWNER_COOKIE] = owner_key(other.code)  # the key to a different session
    assert forged.post(f"/s/{session.code}/done/", {"pain": "1"}).status_code == 403
    forged.cookies[OWNER_COOKIE] = owner_key(session.code)[:-2] + "xx"
    assert forged.post(f"/s/{session.code}/done/", {"pain": "1"}).status_code == 403


def test_each_rating_is_saved_once(client, session):
    assert client.post(f"/s/{session.code}/", {"pain": "6"}).status_code == 303
    again = client.post(f"/s/{session.code}/", {"pain": "2"})
    assert again.status_code == 409 and "already saved" in again.content.decode()
    assert "you rated the pain 6" in client.get(f"/s/{session.code}/").content.decode()
    assert client.post(f"/s/{session.code}/done/", {"pain": "3"}).status_code == 303
    assert client.post(f"/s/{session.code}/done/", {"pain": "0"}).status_code == 409
    session.refresh_from_db()
    assert ratings(session) == (6, 3)


def test_saving_a_session_gives_this_browser_a_key_sent_only_to_its_pages(client):
    from backcare.planner.memory import OWNER_COOKIE

    client.post("/build/screen/", {"next": ""})
    saved = client.post("/build/", {"performer": "self", "region": "upper-back", "minutes": 5})
    code = saved["Location"].strip("/").split("/")[-1]
    cookie = saved.cookies[OWNER_COOKIE]
    assert cookie["path"] == f"/s/{code}/" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert client.post(f"/s/{code}/done/", {"pain": "4"}).status_code == 303


def test_the_app_can_be_installed_from_its_manifest(client):

    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["name"] == "Backcare" and data["display"] == "standalone"
    assert data["start_url"] == "/" and data["scope"] == "/"
    assert any(icon["sizes"] == "any" and icon["src"].endswith(".svg") for icon in data["icons"])
    assert 'rel="manifest" href="/manifest.webmanifest"' in client.get("/").content.decode()


def test_the_service_worker_keeps_the_shell_and_only_session_pages(client, session):
    """Every page of a session, to finish and rate it offline; nothing else of the site."""
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]  # a new version is picked up at once
    script = response.content.decode()
    assert '"/static/css/backcare.css"' in script and '"/static/js/player.js"' in script
    # A session's own pages only: its overview, steps, stop, done and card.
    assert "KEPT_PAGE = new RegExp(`^/s/${CODE}/(step/[0-9]+/|stop/|done/|card/)?$`)" in script
    # The code's format comes from the server: the worker's pattern is the one codes are made to.
    code = re.search(r'const CODE = "(.*)";', script)[1].encode().decode("unicode_escape")
    assert code == CODE_PATTERN and re.fullmatch(code, session.code)
    overview = client.get(f"/s/{session.code}/").content.decode()
    pages = json.loads(html.unescape(re.search(r'data-offline-pages="([^"]*)"', overview)[1]))
    base = f"/s/{session.code}/"
    assert pages[0] == base and f"{base}step/{session.steps.count()}/" in pages
    assert pages[-3:] == [f"{base}stop/", f"{base}done/", f"{base}card/"]


def test_no_template_comment_leaks_onto_a_page(client, session):
    """Django's {# #} comments end at the line's end: one left open shows on the page."""
    for url in (f"/s/{session.code}/", f"/s/{session.code}/step/1/", "/", "/build/screen/"):
        assert "{#" not in client.get(url).content.decode(), url


def test_a_main_step_links_its_muscle_to_its_page_in_a_new_tab(client, session):
    main = session.steps.filter(phase="main").first()
    html = client.get(f"/s/{session.code}/step/{main.number}/").content.decode()
    link = (
        f'<a href="/muscles/{main.muscle.slug}/" target="_blank">{main.muscle.name.lower()}'
        '<span class="visually-hidden"> (opens in a new tab)</span></a>'
    )
    assert link in html
    warm = session.steps.get(number=1)
    assert warm.phase == "warm_up"
    assert 'target="_blank"' not in client.get(f"/s/{session.code}/step/1/").content.decode()


def test_a_step_aimed_at_one_muscle_says_where_that_muscle_lies(client, session):
    """Work done a side at a time is aimed at its muscle: the step says where it is (the first
    sentence of its summary). Work over the whole area, and the warm-up, say no muscle's place."""
    said = []
    for step in session.steps.select_related("technique", "muscle"):
        html = client.get(f"/s/{session.code}/step/{step.number}/", **HX).content.decode()
        found = re.search(r'<p class="player__find" data-aim>(.*?)</p>', html)
        if step.phase == "main" and step.technique.each_side:
            assert found[1] == escape(step.muscle.summary.partition(". ")[0] + "."), step
            said.append(step.muscle.slug)
        else:
            assert found is None, step
    assert said  # the session has such steps


def test_a_partner_is_told_where_the_muscle_lies_on_their_partner(client):
    built = care_session("partner", ["hips-glutes"], [], 15)
    screened(client)
    kneading = built.steps.filter(phase="main", technique__each_side=True)
    step = kneading.filter(muscle__slug="gluteus-medius").first()
    html = client.get(f"/s/{built.code}/step/{step.number}/", **HX).content.decode()
    said = re.search(r'<p class="player__find" data-aim>(.*?)</p>', html)[1]
    assert said == "A fan-shaped muscle high on the side of their hip."


# What HTML allows in a <time>'s datetime that these pages use: a duration, or a date.
DURATION_OR_DATE = re.compile(
    r"^(?:P(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?|\d{4}-\d\d-\d\d)$"
)


def test_every_time_on_the_players_pages_carries_a_duration_the_w3c_checker_accepts(
    client, session
):
    """A bare "2:55" inside <time> is not a valid time or duration: each <time> says its
    length in its datetime (PT175S), as the W3C checker asks."""
    pages = [f"/s/{session.code}/", f"/s/{session.code}/card/"]
    pages += [f"/s/{session.code}/step/{n}/" for n in (1, session.steps.count())]
    for url in pages:
        html = client.get(url).content.decode()
        times = re.findall(r"<time\b([^>]*)>", html)
        assert times, url
        for attributes in times:
            found = re.search(r'\bdatetime="([^"]*)"', attributes)
            assert found and DURATION_OR_DATE.match(found[1]), (url, attributes)


def test_what_a_step_keeps_of_its_card_never_carries_one_devices_day_to_another(client):
    """The process keeps each step's card once drawn; today's answers, the owner's rating and
    the way through the steps are still drawn for each request: every step fragment reads
    the same whether its card was kept, drawn by a device with other answers, or drawn now."""
    from backcare.catalogue.cache import forget_all

    session = care_session("partner", ["upper-back", "mid-back", "lower-back"], [], 30)
    owner = as_owner(screened(Client()), session)  # nothing applies
    limited = screened(Client(), ["blood-thinners", "recent-strain"], ["lower-back"])
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

    def fragments(device):
        count = session.steps.count()
        pages = [device.get(f"/s/{session.code}/step/{n}/", **HX) for n in range(1, count + 1)]
        return [token.sub("", page.content.decode()) for page in pages]

    drawn_now = {}
    for device in (owner, limited):
        forget_all()
        drawn_now[device] = fragments(device)
    for first, then in ((owner, limited), (limited, owner)):
        forget_all()
        fragments(first)  # its cards kept
        assert fragments(then) == drawn_now[then]
    assert "Your answers today: light pressure only" in "".join(drawn_now[limited])
    assert "Keep off your lower back today" in "".join(drawn_now[limited])
    assert 'id="felt-form"' in drawn_now[owner][0]  # the owner's own buttons, theirs only
    assert 'id="felt-form"' not in drawn_now[limited][0]


def test_the_owners_first_step_offers_the_rating_on_its_page_not_in_the_players_swaps(client):
    """Started straight from the builder, step 1's page folds the "before" rating in; back on
    step 1 from step 2 (the player's own swap) the session is under way: the swap leaves it
    out, and stays within the swaps' 4 KB (gz) with the owner's feedback buttons."""
    session = care_session("partner", ["lower-back", "hips-glutes"], [], 30)
    as_owner(screened(client), session)
    page = client.get(f"/s/{session.code}/step/1/").content.decode()
    assert "Before you start: rate the pain" in page
    swap = client.get(f"/s/{session.code}/step/1/", **HX).content
    assert b"Before you start: rate the pain" not in swap and b'id="felt-form"' in swap
    for step in session.steps.all():
        body = client.get(f"/s/{session.code}/step/{step.number}/", **HX).content
        assert len(gzip.compress(body)) <= 4 * 1024, step.number


def test_a_step_page_sets_the_csrf_cookie_before_listing_pages_with_forms(client, session):
    """The whole page lists the session's pages (forms among them) for the service worker:
    the cookie comes first, so those fetches all mask one secret."""
    from django.conf import settings

    response = client.get(f"/s/{session.code}/step/2/")
    assert "data-offline-pages" in response.content.decode()
    assert response.cookies[settings.CSRF_COOKIE_NAME].value
