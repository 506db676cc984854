"""Feedback per step: "Too much", "Felt good", "Skip next time", one tap while following a
session, saved with today's run by the browser that built it (the learning reads it), listed
on My sessions, and forgotten with everything else."""

from __future__ import annotations

import gzip
import html as entities
import re

import pytest
from django.test import Client

from backcare.planner.memory import BUILT_COOKIE, BUILT_SALT, _signed
from backcare.planner.models import CareSession, Felt, Run, StepFeedback
from tests.factories import as_owner, care_session, followed, last_run, screened

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "player"}  # the player's own swaps
PRESSED = re.compile(r'<button[^>]*value="(\w+)"[^>]*aria-pressed="true"')


@pytest.fixture
def session() -> CareSession:
    return care_session("self", ["upper-back", "lower-back"], ["tennis-ball", "wall"], 15)


@pytest.fixture
def owner(client, session) -> Client:
    """The browser that built `session`, past today's safety screen (nothing applies)."""
    return as_owner(screened(client), session)


def url(session: CareSession, number: int) -> str:
    return f"/s/{session.code}/step/{number}/feedback/"


def massage_step(session: CareSession):
    return session.steps.exclude(phase="move").select_related("technique").first()


def movement_step(session: CareSession):
    return session.steps.filter(phase="move").first()


# ---------- Saving a tap ----------
def test_the_owner_taps_too_much_and_it_is_saved_with_todays_run(owner, session):
    step = massage_step(session)
    response = owner.post(url(session, step.number), {"felt": "too_much"})
    assert response.status_code == 303
    assert response["Location"] == f"/s/{session.code}/step/{step.number}/"
    said = StepFeedback.objects.get()
    assert said.run == last_run(session) and said.number == step.number
    assert said.felt == Felt.TOO_MUCH
    # The copies, made at tap time: the technique's slug, the step's name, not a movement.
    assert said.work == step.technique.slug and said.name == step.name
    assert said.movement is False


def test_a_movement_step_keeps_its_movements_slug(owner, session):
    step = movement_step(session)
    assert step is not None
    owner.post(url(session, step.number), {"felt": "felt_good"})
    said = StepFeedback.objects.get()
    assert said.work == step.movement_slug != "" and said.movement is True
    assert said.name == step.name


def test_a_deleted_technique_leaves_the_copy_empty_but_the_name(owner, session):
    step = massage_step(session)
    step.technique.delete()
    owner.post(url(session, step.number), {"felt": "skip_next"})
    said = StepFeedback.objects.get()
    assert said.work == "" and said.name == step.name


def test_the_latest_tap_on_a_step_wins(owner, session):
    for felt in ("too_much", "felt_good", "skip_next"):
        assert owner.post(url(session, 2), {"felt": felt}).status_code == 303
    assert list(StepFeedback.objects.values_list("number", "felt")) == [(2, "skip_next")]
    owner.post(url(session, 3), {"felt": "felt_good"})
    assert StepFeedback.objects.count() == 2 and Run.objects.count() == 1


def test_a_tap_joins_the_run_the_before_rating_began(owner, session):
    assert owner.post(f"/s/{session.code}/", {"pain": "6"}).status_code == 303
    owner.post(url(session, 1), {"felt": "felt_good"})
    run = Run.objects.get()
    assert run.pain_before == 6 and run.feedback.get().felt == "felt_good"


def test_a_tap_after_yesterdays_run_begins_todays(owner, session):
    yesterday = followed(session, days_ago=1, pain_before=5, pain_after=3)
    owner.post(url(session, 1), {"felt": "too_much"})
    assert Run.objects.count() == 2
    assert not yesterday.feedback.exists()
    session.refresh_from_db()
    assert last_run(session).feedback.get().felt == "too_much"


@pytest.mark.parametrize("felt", ["", "TOO_MUCH", "too much", "bad", "too_much_really"])
def test_an_answer_not_offered_is_refused(owner, session, felt):
    response = owner.post(url(session, 1), {"felt": felt})
    assert response.status_code == 400
    assert "That isn't an answer" in entities.unescape(response.content.decode())
    assert not StepFeedback.objects.exists() and not Run.objects.exists()


def test_a_step_the_session_has_not_is_404(owner, session):
    assert owner.post(url(session, 999), {"felt": "too_much"}).status_code == 404
    assert owner.post(url(session, 0), {"felt": "too_much"}).status_code == 404
    assert owner.post("/s/AAAAAAAAAAAA/step/1/feedback/", {"felt": "too_much"}).status_code == 404


def test_a_get_where_a_post_belongs_is_the_designed_405(owner, session):
    response = owner.get(url(session, 1))
    assert response.status_code == 405 and response["Allow"] == "POST"
    html = response.content.decode()
    assert "Say how a step felt from the step" in html and 'class="site-header' in html


# ---------- Owned, like the ratings ----------
def test_a_stranger_with_the_link_can_not_say_how_it_felt(session):
    stranger = screened(Client())
    response = stranger.post(url(session, 1), {"felt": "too_much"})
    assert response.status_code == 403
    assert "Only the device that built this session" in response.content.decode()
    assert not StepFeedback.objects.exists() and not Run.objects.exists()


def test_a_stranger_sees_no_buttons(session):
    stranger = screened(Client())
    for headers in ({}, HX):
        html = stranger.get(f"/s/{session.code}/step/1/", **headers).content.decode()
        assert "How was this step?" not in html and "Too much" not in html


def test_the_tap_needs_the_csrf_token(session):
    client = Client(enforce_csrf_checks=True)
    as_owner(screened(client), session)
    page = client.get(f"/s/{session.code}/step/1/").content.decode()
    refused = client.post(url(session, 1), {"felt": "too_much"})
    assert refused.status_code == 403
    assert "This form has expired" in refused.content.decode()
    assert not StepFeedback.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    sent = client.post(url(session, 1), {"felt": "too_much", "csrfmiddlewaretoken": token})
    assert sent.status_code == 303 and StepFeedback.objects.count() == 1


# ---------- What the player shows ----------
def test_the_owner_sees_three_buttons_none_pressed_on_every_step(owner, session):
    for step in session.steps.all():
        for headers in ({}, HX):
            html = owner.get(f"/s/{session.code}/step/{step.number}/", **headers).content.decode()
            assert "How was this step?" in html
            buttons = re.findall(r'<button[^>]*name="felt" value="(\w+)"[^>]*>([^<]+)<', html)
            assert buttons == [(v, str(label)) for v, label in Felt.choices]
            assert not PRESSED.search(html)
            assert f'action="{url(session, step.number)}"' in html


def test_the_buttons_are_quieter_than_stop(owner, session):
    html = owner.get(f"/s/{session.code}/step/1/").content.decode()
    assert html.count("button--stop") == 2  # the dock's Stop, and the Esc dialog's
    assert re.findall(r'<button class="([^"]+)" name="felt"', html) == ["button button--small"] * 3


def test_the_htmx_tap_says_what_was_noted(owner, session):
    response = owner.post(url(session, 2), {"felt": "too_much"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode() == "Noted: too much — next time this is left out."
    again = owner.post(url(session, 2), {"felt": "felt_good"}, HTTP_HX_REQUEST="true")
    assert again.content.decode() == "Noted: felt good."
    skip = owner.post(url(session, 2), {"felt": "skip_next"}, HTTP_HX_REQUEST="true")
    assert skip.content.decode() == "Noted: skipped next time."


def test_the_pressed_button_and_the_note_stay_after_a_reload(owner, session):
    owner.post(url(session, 2), {"felt": "skip_next"})
    html = owner.get(f"/s/{session.code}/step/2/").content.decode()
    assert PRESSED.findall(html) == ["skip_next"]
    assert '<p id="felt-said" role="status">Noted: skipped next time.</p>' in html
    swapped = owner.get(f"/s/{session.code}/step/2/", **HX).content.decode()
    assert PRESSED.findall(swapped) == ["skip_next"]  # the button says it, pressed
    other = owner.get(f"/s/{session.code}/step/3/").content.decode()
    assert not PRESSED.search(other)


def test_the_owners_step_swap_stays_within_its_budget(owner):
    """The player's swaps stay under 4 KB (gz) with the buttons, one pressed, on the longest
    cards (a partner's elbow lean; the pain already rated, as the overview's Start asks: step
    1's folded before-rating form is over the budget on its own)."""
    session = care_session("partner", ["lower-back", "hips-glutes"], [], 30)
    as_owner(owner, session)
    owner.post(f"/s/{session.code}/", {"pain": "5"})
    for step in session.steps.all():
        owner.post(url(session, step.number), {"felt": "too_much"})
        body = owner.get(f"/s/{session.code}/step/{step.number}/", **HX).content
        assert b'aria-pressed="true"' in body
        assert len(gzip.compress(body)) <= 4 * 1024, step.number


# ---------- My sessions ----------
def keep_in_browser(client: Client, codes: list[str]) -> None:
    client.cookies[BUILT_COOKIE] = _signed(codes, BUILT_SALT)


def test_my_sessions_lists_the_steps_marked_per_run(owner, session):
    massage, moving = massage_step(session), movement_step(session)
    owner.post(url(session, massage.number), {"felt": "too_much"})
    owner.post(url(session, moving.number), {"felt": "felt_good"})
    followed(session, days_ago=2, pain_before=4, pain_after=2)  # an earlier run: nothing said
    keep_in_browser(owner, [session.code])
    html = owner.get("/mine/").content.decode()
    lists = re.findall(r'<ul class="mine-felt"[^>]*>(.*?)</ul>', html, re.S)
    assert lists == [f"<li>Too much: {massage.name}</li><li>Felt good: {moving.name}</li>"]


# ---------- Forget everything ----------
def test_forget_everything_removes_runs_and_feedback_and_keeps_the_sessions(owner, session):
    other = care_session("partner", ["lower-back"], [], 10)
    stranger_run = followed(care_session(), pain_before=3)  # another browser's: not listed
    owner.post(url(session, 1), {"felt": "too_much"})
    followed(other, days_ago=1, pain_before=7, pain_after=4)
    keep_in_browser(owner, [session.code, other.code])
    page = owner.get("/mine/").content.decode()
    assert "Forget everything?" in page and 'action="/mine/forget/all/"' in page

    response = owner.post("/mine/forget/all/")
    assert response.status_code == 303 and response["Location"] == "/mine/"
    assert list(Run.objects.all()) == [stranger_run]
    assert not StepFeedback.objects.exists()
    assert CareSession.objects.filter(code__in=[session.code, other.code]).count() == 2
    assert response.cookies[BUILT_COOKIE].value == ""  # the list, emptied
    assert response.cookies["backcare_felt"]["path"] == f"/s/{other.code}/"
    html = owner.get("/mine/").content.decode()
    assert "Forgotten: everything this browser kept." in html and "No sessions yet" in html
    assert owner.get(f"/s/{session.code}/").status_code == 200  # its link still works


def test_forget_everything_is_a_post_with_the_token(owner, session):
    response = owner.get("/mine/forget/all/")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "Forget everything" in response.content.decode()
    strict = Client(enforce_csrf_checks=True)
    followed(session, pain_before=5)
    keep_in_browser(strict, [session.code])
    refused = strict.post("/mine/forget/all/")
    assert refused.status_code == 403 and "This form has expired" in refused.content.decode()
    assert Run.objects.count() == 1
