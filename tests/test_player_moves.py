"""A movement step in the player: what its page says (the position, what to do, how much, the
cautions, the pose), how many times its ring counts, and who moves in a partner session."""

import html as markup
import re

import pytest

from tests.factories import MovementFactory, care_session, screened, with_movement

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "player"}  # the player's own swaps


def page(client, session, number: int) -> str:
    screened(client)
    response = client.get(f"/s/{session.code}/step/{number}/")
    assert response.status_code == 200
    return response.content.decode()


def words(html: str, attribute: str) -> str:
    """The words of the first element carrying `attribute` (a data-* or a class), as read."""
    found = re.search(rf"<(\w+)[^>]*\b{attribute}\b[^>]*>(.*?)</\1>", html, re.S)
    assert found, attribute
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", found[2])).split())


def test_a_movement_step_says_how_to_start_what_to_do_how_much_and_to_take_care(client):
    session = care_session("self", ["lower-back"], [], 10)
    step = with_movement(session)
    html = page(client, session, step.number)
    assert words(html, "eyebrow") == "Movement"
    assert words(html, "data-focus-after-swap") == "Knee rolls"
    assert words(html, "data-position") == step.position
    lines = re.search(r"<ol[^>]*data-lines>(.*?)</ol>", html, re.S)[1]
    assert re.findall(r"<li>(.*?)</li>", lines) == step.instructions
    assert words(html, "data-dose") == "Hold for one deep breath, 8 to 10 times."
    assert "<dt>Pace</dt>" not in html  # the dose says it: said once
    assert "Stop if it makes your symptoms worse" in words(html, "player__cautions")
    assert f'<a href="{step.source_url}" target="_blank"' in html
    # The pose, not the massage's place: lying on the back.
    assert words(html, "pictogram__caption") == "On your back, knees bent"
    assert "pictogram--pose" in html
    assert words(html, "data-player-stop") == "Stop — this hurts"
    assert "data-who" not in html and "data-watch" not in html  # on your own: nobody watches


def test_without_javascript_the_ring_says_how_many_and_times_the_step(client):
    session = care_session("self", ["lower-back"], [], 10)
    step = with_movement(session, pattern="each_side", reps=8, hold=5, move=4)
    html = page(client, session, step.number)
    assert step.seconds == 8 * 2 * (4 + 5)
    assert (
        f'data-seconds="{step.seconds}" data-reps="8" data-pattern="each_side" data-hold="5" '
        'data-move="4"'
    ) in html
    assert words(html, "data-rep-count") == "8 times"
    assert words(html, "data-rep-side") == "on each side"
    assert words(html, "data-rep-mini") == "8 times"  # the dock, on a phone
    assert words(html, "data-timer-clock") == "2:24"


def test_a_massage_step_has_no_counter(client):
    session = care_session("self", ["lower-back"], [], 10)
    with_movement(session)
    html = page(client, session, 1)
    assert "data-reps" not in html and "data-rep-" not in html and "pictogram--pose" not in html
    assert words(html, "eyebrow") != "Movement"


def test_in_a_partner_session_the_receiver_moves_and_the_giver_watches(client):
    session = care_session("partner", ["lower-back"], [], 10)
    step = with_movement(session)
    html = page(client, session, step.number)
    assert words(html, "data-who") == "Your partner does this one: read it out, then watch."
    assert words(html, "data-watch") == f"Watch for {step.watch}"


def test_a_movement_step_fragment_is_the_player_with_its_counter(client):
    session = care_session("self", ["lower-back"], [], 10)
    with_movement(session, number=1)
    screened(client)
    html = client.get(f"/s/{session.code}/step/1/", **HX).content.decode()
    assert "<html" not in html and 'id="player"' in html
    assert 'data-reps="4"' in html and "Knee rolls" in html
    assert session.steps.get(number=2).phase != "move"  # the massage moved down one


def test_a_movement_step_lights_the_muscles_its_movement_reaches(client):
    from backcare.catalogue.models import Muscle, Region
    from backcare.catalogue.version import bump

    session = care_session("self", ["lower-back"], [], 10)
    reached = list(Muscle.objects.filter(regions__slug="lower-back").order_by("slug")[:2])
    rolls = MovementFactory(regions=[Region.objects.get(slug="lower-back")], muscles=reached)
    step = with_movement(session, name=rolls.name, movement=rolls, movement_slug=rolls.slug)
    bump()
    html = page(client, session, step.number)
    lit = set(re.findall(r'class="muscle[^"]*is-selected[^"]*" data-muscle="([^"]+)"', html))
    assert lit == {muscle.slug for muscle in reached}
