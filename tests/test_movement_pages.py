"""The movements pages, a muscle's movements and the finder's movements, with factory
movements (content-free: the shipped movements are tested with the fixture)."""

import re

import pytest

from backcare.catalogue.finder import Pick, find
from backcare.catalogue.models import Movement, Muscle, Prop, Region
from backcare.catalogue.snapshot import catalogue_snapshot
from tests.factories import MovementFactory, SourceFactory

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
STOP = "Stop if it makes your symptoms worse or brings on a new pain."


@pytest.fixture(autouse=True)
def no_shipped_movements(db):
    """Only the factory movements each test makes (the shipped ones: test_movement_content)."""
    Movement.objects.all().delete()


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def knee_rolls():
    lower = Region.objects.get(slug="lower-back")
    return MovementFactory(
        slug="knee-rolls-test",
        name="Knee rolls (test)",
        summary="Rolls both knees from side to side.",
        position="lying_back",
        regions=[lower],
        muscles=[Muscle.objects.get(slug="erector-spinae")],
        needs=[Prop.objects.get(slug="floor-mat")],
        start="Lie on your back, knees bent and together.",
        action="Roll both knees to one side.\nRoll them back and over to the other side.",
        dose="8 to 10 times each side",
        often="Every day",
        tips="Keep both shoulders on the floor.",
        when_not="Leave it out later in pregnancy.",
        watch="the shoulders stay down.",
        sources=[
            SourceFactory(
                slug="nhs-test", title="Back pain exercises (test)", url="https://www.nhs.uk/test/"
            )
        ],
    )


@pytest.fixture
def chin_tucks():
    neck = Region.objects.get(slug="neck-shoulders")
    return MovementFactory(
        slug="chin-tucks-test",
        name="Chin tucks (test)",
        position="sitting",
        setting="sitting",
        regions=[neck],
        dose="5 times",
    )


def test_movements_page_lists_each_movement_under_the_areas_it_moves(
    client, knee_rolls, chin_tucks
):
    html = _text(client.get("/movements/"))
    assert "NICE" in html and STOP in html
    neck = html[html.index('id="area-neck-shoulders"') : html.index('id="area-lower-back"')]
    assert 'href="/movements/chin-tucks-test/"' in neck and "knee-rolls" not in neck
    lower = html[html.index('id="area-lower-back"') :]
    assert 'href="/movements/knee-rolls-test/"' in lower
    assert "Rolls both knees from side to side." in lower
    assert "8 to 10 times each side" in lower
    assert "On your back, knees bent" in lower  # the pose's caption
    assert 'aria-current="page">Movements</a>' in html  # the site navigation


def test_movements_can_be_narrowed_to_a_position_in_a_fragment(client, knee_rolls, chin_tucks):
    response = client.get("/movements/?position=sitting", **HX)
    html = _text(response)
    assert "<html" not in html and 'id="movement-list"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert "/movements/chin-tucks-test/" in html and "/movements/knee-rolls-test/" not in html
    chosen = re.search(r'<a id="position-sitting"[^>]*>', html).group(0)
    assert 'aria-current="page"' in chosen
    none = _text(client.get("/movements/?position=lying_front"))
    assert "No movement here is done that way." in none
    # A junk position is all of them, from the same kept page.
    junk = _text(client.get("/movements/?position=upside-down"))
    assert "/movements/chin-tucks-test/" in junk and "/movements/knee-rolls-test/" in junk


def test_movement_page_says_how_to_do_it_how_much_and_when_not(client, knee_rolls):
    html = _text(client.get("/movements/knee-rolls-test/"))
    assert "<title>Knee rolls (test) — a gentle movement · Backcare</title>" in html
    assert "Lie on your back, knees bent and together." in html
    assert (
        '<ol class="steps"> <li>Roll both knees to one side.</li>'
        "<li>Roll them back and over to the other side.</li> </ol>"
    ) in html
    assert "8 to 10 times each side" in html and "Every day" in html
    assert "Keep both shoulders on the floor." in html
    assert "Leave it out later in pregnancy." in html
    assert "What a partner watches</dt><dd>The shoulders stay down." in html
    assert STOP in html
    assert 'href="/props/floor-mat/"' in html
    source = '<a href="https://www.nhs.uk/test/" rel="external noopener">Back pain exercises (test)'
    assert source in html
    assert 'href="/muscles/erector-spinae/"' in html and 'aria-current="true"' in html  # lit
    assert "On your back, knees bent" in html  # the pose
    assert 'href="/build/?region=lower-back">Build a session for the lower back</a>' in html


def test_movement_page_is_a_fragment_for_htmx_with_its_title_and_drawing(client, knee_rolls):
    response = client.get("/movements/knee-rolls-test/", **HX)
    html = response.content.decode()
    assert "<html" not in html and 'class="site-header' not in html
    assert html.lstrip().startswith("<title>Knee rolls (test)")  # htmx sets the page's title
    assert 'class="diagram-defs"' in html  # the shapes the drawing uses
    assert "HX-Request" in response.headers["Vary"]
    assert (
        "<html"
        in client.get(
            "/movements/knee-rolls-test/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX
        ).content.decode()
    )


def test_unknown_movement_gets_the_designed_404(client, knee_rolls):
    response = client.get("/movements/no-such-movement/")
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_a_muscle_lists_the_movements_that_reach_it(client, knee_rolls):
    html = _text(client.get("/muscles/erector-spinae/"))
    moves = html[html.index('id="moves-title"') :]
    assert '<a href="/movements/knee-rolls-test/">Knee rolls (test)</a>' in moves
    other = _text(client.get("/muscles/rhomboids/", **HX))
    assert "No gentle movement here reaches it yet." in other
    assert "knee-rolls-test" not in other


def test_home_page_links_to_the_movements(client):
    html = client.get("/").content.decode()
    assert html.count('href="/movements/"') >= 2  # the navigation and the page itself


def test_finder_suggests_a_movement_for_the_area_that_hurts(client, knee_rolls, chin_tucks):
    snapshot = catalogue_snapshot()
    found = (
        (spot, find([Pick(spot, "left" if spot.bilateral else "")], False, snapshot.movements))
        for spot in snapshot.spots
        if spot.region == "lower-back" and spot.causes
    )
    lower, finding = next((s, f) for s, f in found if not f.stops)  # pain the screen allows
    assert [m.slug for m in finding.movements] == ["knee-rolls-test"]
    value = lower.values()[0]
    html = _text(client.get(f"/where-it-hurts/?spot={value}", **HX))
    moves = html[html.index("Keep it moving") :]
    assert '<a href="/movements/knee-rolls-test/">Knee rolls (test)</a>' in moves
    assert 'if your <a href="/build/screen/">safety answers</a> allow' in moves
    assert "chin-tucks-test" not in moves


def test_finder_suggests_at_most_two_movements_those_moving_more_places_first():
    from backcare.catalogue.values import MovementInfo, Spot

    def spot(slug, region):
        return Spot(slug, slug, region, False, slug, causes=(), warnings=())

    moves = [
        MovementInfo("a", "A", "sitting", "sitting", ("neck-shoulders",), order=1),
        MovementInfo("b", "B", "sitting", "sitting", ("lower-back",), order=2),
        MovementInfo("c", "C", "sitting", "sitting", ("lower-back", "hips-glutes"), order=3),
        MovementInfo("d", "D", "sitting", "sitting", ("hips-glutes",), order=4),
        MovementInfo("e", "E", "sitting", "sitting", ("neck-shoulders", "lower-back"), order=0),
    ]
    picks = [Pick(spot("low", "lower-back")), Pick(spot("hip", "hips-glutes"))]
    assert [m.slug for m in find(picks, False, moves).movements] == ["c", "b"]
    # One area: the movement for it alone first, then the one moving it and another.
    low = [Pick(spot("low", "lower-back"))]
    assert [m.slug for m in find(low, False, moves).movements] == ["b", "e"]
    assert find([Pick(spot("head", None))], False, moves).movements == ()


def test_finder_suggests_no_movement_for_pain_the_screen_stops_a_session_for():
    from backcare.catalogue.choices import Effect, WarnWhen
    from backcare.catalogue.values import MovementInfo, Question, Spot

    refer = Question("clot", "A clot?", "A clot", Effect.REFER, order=1)
    low = Spot("low", "Low", "lower-back", False, "low", (), ((WarnWhen.ALWAYS, refer),))
    moves = [MovementInfo("b", "B", "sitting", "sitting", ("lower-back",))]
    finding = find([Pick(low)], False, moves)
    assert finding.stops and finding.movements == ()
