"""A saved session opened again after new safety answers (issue 22): the player obeys today's
answers. Steps on an area left out, of a kind barred or too firm are skipped and said so;
the rest carry the keep-off line; a device with no answers is asked them first; answers that
stop any session stop it."""

import gzip
import re

import pytest
from django.test import Client
from django.utils.html import escape

from backcare.planner.history import builder_answers
from backcare.planner.memory import SCREEN_COOKIE
from backcare.planner.models import CareSession
from tests.factories import care_session, grow_catalogue, screened
from tests.queries import cold_and_warm

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "player"}  # the player's own swaps
STRAIN = "recent-strain"  # avoid_region: "you told us about a recent strain there"
THINNERS = "blood-thinners"  # limit: light pressure only; no compression, rolling, tapping
TODAY = {"flag": [STRAIN, THINNERS], "area": ["lower-back"]}
KEEP_OFF_LOW_BACK = "Keep off your lower back today — you told us about a recent strain there."
LIGHT_ONLY = "Your answers today: light pressure only"


def plan_rows(html: str) -> list[tuple[str, str]]:
    """Each step the overview lists: (its text, why it is skipped or "")."""
    rows = []
    for row in re.findall(r'<li class="plan__step.*?</li>', html, re.S):
        why = re.search(r'<span class="plan__why">(.*?)</span>', row)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        rows.append((text, why[1] if why else ""))
    return rows


def step_links(html: str, code: str) -> list[int]:
    return [int(n) for n in re.findall(rf'href="/s/{code}/step/(\d+)/"', html)]


@pytest.fixture
def partner_upper_and_low_back(client) -> CareSession:
    """Built through the builder on a device that answered nothing, then the same device
    answers the screen anew: a strain in the lower back, and blood thinners."""
    assert client.post("/build/screen/", {"next": ""}).status_code == 303
    answers = {"performer": "partner", "region": ["upper-back", "lower-back"], "minutes": "30"}
    built = client.post("/build/", answers)
    assert built.status_code == 303
    session = CareSession.objects.get(code=built["Location"].split("/")[2])
    assert client.post("/build/screen/", TODAY).status_code == 303
    return session


# ---------- The scenario: build, new answers, open it again ----------
def test_replay_skips_kneading_on_a_low_back_left_out_and_tapping_barred(
    client, partner_upper_and_low_back
):
    session = partner_upper_and_low_back
    saved = list(session.steps.all())
    html = client.get(f"/s/{session.code}/").content.decode()
    rows = plan_rows(html)
    assert len(rows) == len(saved)
    kneading = "Skipped today Kneading Lower back"
    kneading_low_back = [why for text, why in rows if text.startswith(kneading)]
    assert len(kneading_low_back) == 2  # left and right
    assert set(kneading_low_back) == {escape(KEEP_OFF_LOW_BACK)}
    tapping = [why for text, why in rows if "tapping" in text.lower()]
    assert tapping == [
        "No tapping today, as you told us about blood thinners or a bleeding disorder."
    ]
    firm = [why for text, why in rows if "rubbing" in text.lower() and "Upper back" in text]
    assert firm and all(why.startswith("Too firm for today: light pressure only") for why in firm)
    done_today = [s for s, (_, why) in zip(saved, rows, strict=True) if not why]
    assert done_today and all(s.region.slug != "lower-back" and s.pressure == 1 for s in done_today)
    # The count and total time say what is done today; only those steps are linked.
    seconds = sum(s.seconds for s in done_today)
    assert f'{len(done_today)} steps, <time datetime="PT{seconds}S">' in html
    assert f"with {len(saved) - len(done_today)} steps skipped for today" in html
    assert sorted(set(step_links(html, session.code))) == [s.number for s in done_today]
    assert LIGHT_ONLY in html and "Keep off your lower back today" in html
    assert "Build a fresh session with today's answers" in html

    # Each step done today: counted among today's, the keep-off line and the light wording.
    first = done_today[0].number
    step = client.get(f"/s/{session.code}/step/{first}/").content.decode()
    assert f"Step 1 of {len(done_today)}" in step
    assert f'<li class="keep-off__today">{escape(KEEP_OFF_LOW_BACK)}</li>' in step
    assert LIGHT_ONLY in step


def test_a_replay_with_nothing_left_says_so_and_offers_only_the_rebuild(client):
    """The brief's case: a partner session for the lower back alone, then a strain there and
    blood thinners: every step is on the lower back or too firm for today."""
    session = care_session("partner", ["lower-back"], [], 30)
    screened(client, TODAY["flag"], TODAY["area"])
    html = client.get(f"/s/{session.code}/").content.decode()
    assert all(why for _, why in plan_rows(html))
    assert "Nothing in this session suits today's answers." in html
    assert "Start the session" not in html and step_links(html, session.code) == []
    assert "Just your partner's hands" not in html and "Have these to hand" not in html
    assert "Build a fresh session with today's answers" in html
    assert "data-offline-pages" not in html  # nothing to play, nothing to keep
    start = client.post(f"/s/{session.code}/")
    assert start.status_code == 303 and start["Location"] == f"/s/{session.code}/"
    skipped = client.get(f"/s/{session.code}/step/1/").content.decode()
    assert "Build a fresh session with today's answers" in skipped
    assert "data-timer" not in skipped and "Finish" not in skipped


def test_the_rebuild_posts_the_sessions_own_answers(client, partner_upper_and_low_back):
    session = partner_upper_and_low_back
    html = client.get(f"/s/{session.code}/").content.decode()
    again = r'<div class="again">.*?<form method="post" action="/build/">(.*?)</form>'
    form = re.search(again, html, re.S)
    posted = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form[1])
    posted = [pair for pair in posted if pair[0] != "csrfmiddlewaretoken"]
    areas = [slug for slug, _ in session.areas]
    props = session.props.values_list("slug", flat=True)
    assert posted == list(builder_answers(session, areas, props))
    data: dict[str, list[str]] = {}
    for name, value in posted:
        data.setdefault(name, []).append(value)
    fresh = client.post("/build/", data)
    assert fresh.status_code == 303
    rebuilt = CareSession.objects.get(code=fresh["Location"].split("/")[2])
    assert rebuilt.code != session.code
    assert {s.region.slug for s in rebuilt.steps.all()} <= {"upper-back", "hips-glutes"}
    assert all(s.pressure == 1 and s.family != "tapotement" for s in rebuilt.steps.all())
    assert "Skipped today" not in client.get(fresh["Location"]).content.decode()


# ---------- Following what is left ----------
@pytest.fixture
def replayed(client) -> CareSession:
    """The upper back (light work done today, firmer work skipped), then the lower back and
    the hips, all skipped; the warm-up strokes the lower back too, so it is skipped."""
    session = care_session("partner", ["upper-back", "lower-back"], [], 30)
    screened(client, TODAY["flag"], TODAY["area"])
    return session


def played(session) -> list[int]:
    return [
        s.number
        for s in session.steps.all()
        if {s.region.slug, *s.areas} == {"upper-back"}
        and s.pressure == 1
        and s.family not in ("tapotement", "compression", "rolling")
    ]


def test_a_step_page_counts_and_times_only_the_steps_done_today(client, replayed):
    numbers = played(replayed)
    steps = {s.number: s for s in replayed.steps.all()}
    assert len(numbers) >= 2 and steps[1].areas  # the warm-up over the lower back: skipped
    first, last_number = numbers[0], numbers[-1]
    count = len(numbers)
    html = client.get(f"/s/{replayed.code}/step/{first}/").content.decode()
    assert "<html" in html and f"Step 1 of {count}" in html
    assert f'data-step="1" data-count="{count}"' in html  # the player's progress bar reads these
    seconds = sum(steps[n].seconds for n in numbers)
    assert f'data-session-left datetime="PT{seconds}S"' in html
    assert f'<progress max="{count}" value="0"' in html
    # Next jumps over the steps skipped today; the last one done today leads to finishing.
    assert f'hx-get="/s/{replayed.code}/step/{numbers[1]}/" data-player-next' in html
    last = client.get(f"/s/{replayed.code}/step/{last_number}/", **HX).content.decode()
    assert f'hx-get="/s/{replayed.code}/step/{numbers[-2]}/" data-player-back' in last
    assert f'href="/s/{replayed.code}/done/" data-player-next>Finish' in last
    assert 'data-next-title=""' in last  # hands-free says "that was the last step"
    assert f"{len(steps) - count} steps skipped" in last


def test_the_step_fragment_is_just_the_player_with_todays_count(client, replayed):
    numbers = played(replayed)
    html = client.get(f"/s/{replayed.code}/step/{numbers[-1]}/", **HX).content.decode()
    assert "<html" not in html and html.startswith('<article id="player"')
    assert f"Step {len(numbers)} of {len(numbers)}" in html and LIGHT_ONLY in html
    assert escape(KEEP_OFF_LOW_BACK) in html


def test_a_skipped_step_opened_by_its_address_says_why_and_does_not_play(client, replayed):
    numbers = played(replayed)
    firm = next(  # rubbing that is more than light: too firm today
        s
        for s in replayed.steps.all()
        if s.pressure > 1 and s.family == "friction" and s.region.slug == "upper-back"
    )
    before = max((n for n in numbers if n < firm.number), default=None)
    after = min((n for n in numbers if n > firm.number), default=None)
    assert before or after
    for headers in ({}, HX):
        html = client.get(f"/s/{replayed.code}/step/{firm.number}/", **headers).content.decode()
        assert "Skipped today" in html and "Too firm for today: light pressure only" in html
        assert "data-timer" not in html and "data-player-pause" not in html
        if after:
            assert f'href="/s/{replayed.code}/step/{after}/"' in html  # on to the next one
        if before:
            assert f'href="/s/{replayed.code}/step/{before}/"' in html  # or back


def test_a_warm_up_over_an_area_left_out_today_is_skipped(client, replayed):
    """The whole-session warm-up strokes the lower back on its way: with the lower back left
    out today it is skipped, though it starts on the upper back."""
    warm = replayed.steps.get(number=1)
    assert warm.region.slug == "upper-back" and "lower-back" in warm.areas
    html = client.get(f"/s/{replayed.code}/step/1/").content.decode()
    assert "Skipped today" in html and "data-timer" not in html


def test_start_goes_to_the_first_step_done_today(client):
    session = care_session("partner", ["lower-back", "hips-glutes"], [], 30)
    screened(client, ["osteoporosis"])  # light only: the warm-up strokes are still done
    first = client.post(f"/s/{session.code}/")
    assert first.status_code == 303
    assert first["Location"] == f"/s/{session.code}/step/1/"
    screened(client, [STRAIN], ["lower-back"])  # the warm-up was on the lower back
    numbers = [s.number for s in session.steps.all() if s.region.slug != "lower-back"]
    start = client.post(f"/s/{session.code}/", **HX)
    assert f'"path": "/s/{session.code}/step/{numbers[0]}/"' in start["HX-Location"]


def test_stopping_goes_on_past_the_step_that_hurt_and_those_skipped_today(client, replayed):
    numbers = played(replayed)
    html = client.get(f"/s/{replayed.code}/stop/?step={numbers[0]}").content.decode()
    assert f'href="/s/{replayed.code}/step/{numbers[1]}/">Skip it: go on to step 2</a>' in html
    last = client.get(f"/s/{replayed.code}/stop/?step={numbers[-1]}").content.decode()
    assert f"Step {len(numbers)} was the last step" in last and "Skip it" not in last


# ---------- No answers on this device: the safety questions first ----------
def test_with_no_answers_the_overview_asks_them_before_step_one(client):
    session = care_session("partner", ["upper-back"], [], 15)
    html = client.get(f"/s/{session.code}/").content.decode()
    assert f'href="/build/screen/?session={session.code}"' in html
    assert "Answer the safety questions" in html and "Start the session" not in html
    assert "data-offline-pages" not in html  # nothing kept for offline before the answers
    assert plan_rows(html) and not any(why for _, why in plan_rows(html))
    for response in (
        client.post(f"/s/{session.code}/"),
        client.get(f"/s/{session.code}/step/1/"),
    ):
        assert response.status_code == 303
        assert response["Location"] == f"/build/screen/?session={session.code}"
    for response in (
        client.post(f"/s/{session.code}/", **HX),
        client.get(f"/s/{session.code}/step/2/", **HX),
    ):
        assert response["HX-Redirect"] == f"/build/screen/?session={session.code}"


def test_the_screen_comes_back_to_the_session(client):
    session = care_session("partner", ["upper-back"], [], 15)
    screen = client.get(f"/build/screen/?session={session.code}").content.decode()
    assert "Before you start your session" in screen
    assert f'name="next" value="session={session.code}"' in screen
    back = client.post("/build/screen/", {"next": f"session={session.code}"})
    assert back.status_code == 303 and back["Location"] == f"/s/{session.code}/"
    html = client.get(back["Location"]).content.decode()
    assert "Start the session" in html


def test_an_expired_answer_is_no_answer(client, replayed):
    del client.cookies[f"{SCREEN_COOKIE}_player"]  # twelve hours later
    assert client.get(f"/s/{replayed.code}/step/1/").status_code == 303


@pytest.mark.parametrize(
    "next_", ["session=nope", "session=//evil.example/x", "session=https://evil.example"]
)
def test_the_screen_goes_back_only_to_a_sessions_own_page(client, next_):
    back = client.post("/build/screen/", {"next": next_})
    assert back.status_code == 303 and back["Location"] == "/build/"


# ---------- Answers that stop any session ----------
def test_answers_that_stop_any_session_stop_a_saved_one(client):
    session = care_session("self", ["upper-back"], ["tennis-ball", "wall"], 10)
    # A "refer" answer is kept only if the catalogue changed since it was given.
    for method, url in (
        (client.get, f"/s/{session.code}/"),
        (client.post, f"/s/{session.code}/"),
        (client.get, f"/s/{session.code}/step/1/"),
    ):
        screened(client, ["cough-sneeze-poo"])
        response = method(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Please don't massage today" in html
        assert "Pain worse when you cough, sneeze or poo" in html
        assert f"/s/{session.code}/step/" not in html and "data-timer" not in html
        assert f'name="next" value="session={session.code}"' in html  # to change an answer
        assert response.cookies[f"{SCREEN_COOKIE}_player"]["max-age"] == 0  # forgotten
    screened(client, ["cough-sneeze-poo"])
    fragment = client.get(f"/s/{session.code}/step/1/", **HX)
    assert fragment["HX-Redirect"] == f"/s/{session.code}/"
    stop = client.get(f"/s/{session.code}/stop/?step=1").content.decode()
    assert "Skip it" not in stop  # no way on


# ---------- Pages made from this device's answers are never shared by a cache ----------
def test_replay_pages_vary_on_the_cookie_and_are_kept_private(client, replayed):
    for url, headers in (
        (f"/s/{replayed.code}/", {}),
        (f"/s/{replayed.code}/step/1/", {}),
        (f"/s/{replayed.code}/step/1/", HX),
        (f"/s/{replayed.code}/stop/?step=1", {}),
    ):
        response = client.get(url, **headers)
        assert "Cookie" in response["Vary"], url
        assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_the_service_worker_forgets_kept_pages_when_the_answers_change(client):
    script = client.get("/sw.js").content.decode()
    assert 'const SCREEN = "/build/screen/";' in script
    assert "url.pathname === SCREEN" in script and "caches.delete(SESSIONS_CACHE)" in script
    assert "!response.redirected" in script  # the screen, sent on to, is never kept as a step
    assert "const ANSWERS_AGE_MS = 43200 * 1000;" in script


@pytest.mark.engine_free  # the ORM's queries: the same on any engine
# ---------- Constant queries whatever the catalogue's size ----------
def test_replay_query_counts_do_not_grow_with_the_catalogue(client, replayed):
    urls = [
        (f"/s/{replayed.code}/", {}),
        (f"/s/{replayed.code}/step/2/", HX),
        (f"/s/{replayed.code}/step/3/", {}),
        (f"/s/{replayed.code}/stop/?step=2", {}),
    ]

    def counts():
        return [cold_and_warm(lambda u=url, h=headers: client.get(u, **h)) for url, headers in urls]

    # Warm, the process remembers the catalogue's version: no query for it.
    # overview, warm: the session, its steps (each keeps what it shows), its props (for the
    # rebuild: something is skipped; its areas are kept on it). It was built leaving nothing
    # out (today's answers do): no need to ask which.
    overview = ["planner_caresession", "planner_carestep", "prop"]
    # step: nothing. A session and its steps never change once saved, so the process keeps
    # them (only a first request after a change, not pinned here, reads them).
    step: list[str] = []
    # stop: the same (the red flags are the snapshot's).
    stop: list[str] = []
    assert [warm for _, warm in counts()] == [overview, step, step, stop]
    cold = [len(first) for first, _ in counts()]
    grow_catalogue(10)
    care_session("partner", ["lower-back"], [], 30)
    assert [warm for _, warm in counts()] == [overview, step, step, stop]
    assert [len(first) for first, _ in counts()] == cold


@pytest.mark.engine_free  # the ORM's queries: the same on any engine
def test_replay_pages_take_few_queries_on_a_large_catalogue(
    client, replayed, django_assert_max_num_queries
):
    grow_catalogue(10)
    for url, headers in (
        (f"/s/{replayed.code}/", {}),
        (f"/s/{replayed.code}/step/2/", HX),
        (f"/s/{replayed.code}/step/2/", {}),
        (f"/s/{replayed.code}/stop/?step=2", {}),
    ):
        client.get(url, **headers)  # the catalogue's memory filled
        with django_assert_max_num_queries(6):
            assert client.get(url, **headers).status_code == 200


def test_another_device_with_other_answers_sees_the_session_its_own_way(replayed):
    """The same address, two devices: what each sees is made from its own answers."""
    other = screened(Client())
    html = other.get(f"/s/{replayed.code}/").content.decode()
    assert "Skipped today" not in html and LIGHT_ONLY not in html
    assert "Start the session" in html


def test_a_replay_step_fragment_stays_within_its_budget(client):
    """The player's swaps stay under 4 KB (gz) with today's lines added: the longest card (a
    partner's elbow lean) with three areas to keep off and steps skipped before it."""
    session = care_session("partner", ["lower-back", "hips-glutes"], [], 30)
    screened(client, [STRAIN], ["lower-back", "mid-back", "neck-shoulders"])
    for step in session.steps.all():
        body = client.get(f"/s/{session.code}/step/{step.number}/", **HX).content
        assert len(gzip.compress(body)) <= 4 * 1024, step.number
