"""Coming back to a saved session (its link, the calendar reminder, My sessions): a new run of
it, with today's rating before and after, listed in My sessions as a new entry; the earlier
run's ratings stay as they were."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from backcare.planner.memory import remember_built
from backcare.planner.models import Run
from tests.factories import as_owner, care_session, followed, ratings, screened

pytestmark = pytest.mark.django_db

BEFORE_LEGEND = "Before you start: how much does your back hurt right now?"


@pytest.fixture
def owner(client: Client):
    session = care_session("self", ["upper-back"], [], 5)
    screened(as_owner(client, session))
    return client, session


def listed(client: Client, session) -> Client:
    from django.http import HttpResponse

    response = HttpResponse()
    remember_built(response, [session.code])
    client.cookies.update(response.cookies)
    return client


def test_coming_back_the_next_day_asks_for_todays_rating(owner):
    client, session = owner
    followed(session, days_ago=1, pain_before=5, pain_after=3, finished_at=timezone.now())
    html = client.get(f"/s/{session.code}/").content.decode()
    assert BEFORE_LEGEND in html
    assert "you rated the pain 5" not in html
    assert client.post(f"/s/{session.code}/", {"pain": "4"}).status_code == 303
    assert client.post(f"/s/{session.code}/done/", {"pain": "2"}).status_code == 303
    done = client.get(f"/s/{session.code}/done/").content.decode()
    assert "from 4 to 2 out of 10" in done
    runs = list(Run.objects.filter(session=session).order_by("started_at"))
    assert [(r.pain_before, r.pain_after) for r in runs] == [(5, 3), (4, 2)]


def test_doing_it_again_the_same_day_after_finishing_is_a_new_run(owner):
    client, session = owner
    client.post(f"/s/{session.code}/", {"pain": "6"})
    client.post(f"/s/{session.code}/done/", {"pain": "3"})
    html = client.get(f"/s/{session.code}/").content.decode()
    assert BEFORE_LEGEND in html and "you rated the pain 6" not in html
    assert client.post(f"/s/{session.code}/", {"pain": "5"}).status_code == 303
    assert Run.objects.filter(session=session).count() == 2
    assert ratings(session) == (5, None)


def test_a_run_going_on_keeps_its_before_rating(owner):
    client, session = owner
    client.post(f"/s/{session.code}/", {"pain": "6"})
    html = client.get(f"/s/{session.code}/").content.decode()
    assert "Before you started, you rated the pain 6 out of 10." in html
    assert BEFORE_LEGEND not in html
    assert client.post(f"/s/{session.code}/", {"pain": "2"}).status_code == 409
    assert Run.objects.filter(session=session).count() == 1


def test_each_run_is_its_own_entry_in_my_sessions(owner):
    client, session = owner
    followed(session, days_ago=2, pain_before=7, pain_after=4, finished_at=timezone.now())
    followed(session, days_ago=1, pain_before=5, pain_after=3, finished_at=timezone.now())
    html = listed(client, session).get("/mine/").content.decode()
    assert html.count(f'<a href="/s/{session.code}/">') == 2
    assert html.index("<dd>5 → 3</dd>") < html.index("<dd>7 → 4</dd>")  # newest first
    chart = re.search(r'<svg class="pain-chart__svg".*?</svg>', html, re.S)[0]
    assert chart.count('class="pain-chart__before"') == 2  # charted as two sessions


def test_a_session_never_followed_is_one_entry_not_rated(owner):
    client, session = owner
    html = listed(client, session).get("/mine/").content.decode()
    assert html.count(f'<a href="/s/{session.code}/">') == 1
    assert "<dd>not rated</dd>" in html


def test_a_run_left_unfinished_yesterday_is_not_todays(owner):
    client, session = owner
    followed(session, days_ago=1, pain_before=5)  # started, never finished
    html = client.get(f"/s/{session.code}/").content.decode()
    assert BEFORE_LEGEND in html and "you rated the pain 5" not in html
    assert client.post(f"/s/{session.code}/", {"pain": "3"}).status_code == 303
    assert Run.objects.filter(session=session).count() == 2
    assert ratings(session) == (3, None)


def test_a_rating_sent_after_the_answers_ran_out_is_kept_and_the_questions_come_first(client):
    """A before-rating kept on the device while offline may arrive after today's safety
    answers have expired: it is saved (never lost), and the questions come before any step."""
    session = care_session("self", ["upper-back"], [], 5)
    as_owner(client, session)  # the owner, with no answers on this device now
    response = client.post(f"/s/{session.code}/", {"pain": "6"})
    assert response.status_code == 303 and response["Location"].startswith("/build/screen/")
    assert ratings(session) == (6, None)
    screened(client)
    response = client.post(f"/s/{session.code}/", {})  # Start, after the questions
    assert response["Location"] == f"/s/{session.code}/step/1/"
    assert Run.objects.filter(session=session).count() == 1
