"""Movement in sessions, through the pages: the builder's choice to leave it out, a saved
session's movements under today's answers, and what to do between sessions (the done page and
the card). On the shipped catalogue."""

import re

import pytest
from django.test import Client
from django.utils.html import escape

from backcare.planner.models import CareSession
from tests.factories import as_owner, care_session, screened

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def moves(session: CareSession):
    return list(session.steps.filter(phase="move"))


def test_the_builder_moves_by_default_and_leaves_it_out_when_unticked(client):
    screened(client)
    page = client.get("/build/?region=lower-back&minutes=20").content.decode()
    assert 'name="movement" value="0"' in page  # unticking sends 0: the last value wins
    assert re.search(
        r'<input type="checkbox" name="movement" value="1" id="id_movement"[^>]* checked', page
    )
    assert "NICE" in page and "only together with exercise" in page
    assert "Movement</span> Knee rolls" in page or "Movement</span>" in page
    still = client.get("/build/?region=lower-back&minutes=20&movement=0&movement=1", **HX)
    assert "Movement</span>" in still.content.decode()
    left_out = client.get("/build/?region=lower-back&minutes=20&movement=0", **HX)
    html = left_out.content.decode()
    assert "Movement</span>" not in html
    assert 'name="movement" value="0"' in html  # the start form carries the choice


def test_a_session_saved_without_movement_has_none(client):
    screened(client)
    data = {"performer": "self", "region": "lower-back", "minutes": 20, "movement": "0"}
    built = client.post("/build/", data)
    assert built.status_code == 303
    session = CareSession.objects.get(code=built["Location"].strip("/").split("/")[-1])
    assert not moves(session)
    data["movement"] = "1"
    again = CareSession.objects.get(code=client.post("/build/", data)["Location"].split("/")[-2])
    assert len(moves(again)) >= 2


def test_a_movement_today_s_answers_bar_is_skipped_and_said_why(client):
    session = care_session("self", ["lower-back"], [], 20)
    barred = [s for s in moves(session) if {"bend_forward", "twist"} & set(s.motions)]
    assert barred, [s.name for s in moves(session)]
    as_owner(screened(client, ["osteoporosis"]), session)
    overview = client.get(f"/s/{session.code}/").content.decode()
    for step in barred:
        why = (
            "No bending the back forward today"
            if "bend_forward" in step.motions
            else ("No twisting the back today")
        )
        assert escape(f"{why}, as you told us about osteoporosis") in overview, step.name
        page = client.get(f"/s/{session.code}/step/{step.number}/").content.decode()
        assert "Skipped today" in page or why in page


def test_the_done_page_and_card_say_what_to_do_between_sessions(client):
    session = care_session("self", ["lower-back"], [], 20)
    own = [s.name for s in moves(session)][:3]
    as_owner(screened(client), session)
    for url in (f"/s/{session.code}/done/", f"/s/{session.code}/card/"):
        html = client.get(url).content.decode()
        between = html.split("Between sessions", 1)[1]
        for name in own:
            assert name in between, (url, name)
        assert re.search(r"How often(, each of them)?:</span>", between)
        assert "/movements/" in between
        assert "brings on a new pain" in between


def test_a_session_with_no_movement_suggests_some_the_answers_allow(client):
    session = care_session("self", ["lower-back"], [], 5)  # too short for a movement block
    assert not moves(session)
    stranger = Client()
    assert "Between sessions" not in stranger.get(f"/s/{session.code}/done/").content.decode()
    screened(client, ["osteoporosis"])
    html = client.get(f"/s/{session.code}/done/").content.decode()
    between = html.split("Between sessions", 1)[1]
    assert between.count("How much:") in (2, 3) and "How often" in between
    for barred in ("Knee rolls", "Knee hugs", "Bottom to heels"):
        assert barred not in between


def test_a_partner_session_has_the_receiver_move_and_the_giver_watch(client):
    session = care_session("partner", ["lower-back"], [], 30)
    steps = moves(session)
    assert steps and all(step.watch for step in steps)
    screened(client)
    page = client.get(f"/s/{session.code}/step/{steps[0].number}/").content.decode()
    assert "Your partner does this one" in page
    assert escape(steps[0].watch) in page
