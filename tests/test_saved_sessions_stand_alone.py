"""A saved session stands on its own: an editor may change or delete the catalogue rows it was
built from (in the admin), and every page of the session still reads exactly as it did."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client

from backcare.catalogue.models import (
    Movement,
    Muscle,
    NoGoZone,
    PainSpot,
    Region,
    Technique,
    TechniqueStep,
)
from backcare.catalogue.snapshot import catalogue_snapshot
from backcare.planner.compose import compose
from backcare.planner.history import builder_answers
from backcare.planner.models import CareSession, CareStep
from backcare.planner.plan import Request
from tests.factories import as_owner, leave_out, screened
from tests.test_editors_edits_kept import edit_in_the_admin
from tests.test_mine_views import keep_in_browser, rate

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "player"}
MIGRATION = "backcare.planner.migrations.0008_saved_sessions_stand_alone"


class _Text(HTMLParser):
    """What a person reads on a page: its text and accessible names, not the back diagram's
    shapes (a drawing of today's catalogue, not part of the saved session)."""

    def __init__(self):
        super().__init__()
        self.words, self.in_svg = [], 0

    def handle_starttag(self, tag, attrs):
        if not self.in_svg:
            self.words += [value for name, value in attrs if name == "aria-label" and value]
        self.in_svg += tag == "svg"

    def handle_endtag(self, tag):
        self.in_svg -= tag == "svg" and self.in_svg > 0

    def handle_data(self, data):
        if not self.in_svg:
            self.words.append(data)


def text(html: str) -> str:
    reader = _Text()
    reader.feed(html)
    return " ".join(" ".join(reader.words).split())


def pages(player: Client, session: CareSession) -> dict[str, str]:
    """Every page of the session, as `player` (its owner, screened) reads it."""
    code, count = session.code, session.steps.count()
    urls = [(f"/s/{code}/", {}), (f"/s/{code}/stop/", {}), (f"/s/{code}/done/", {})]
    urls += [(f"/s/{code}/card/", {}), ("/mine/", {})]
    for number in range(1, count + 1):
        step = f"/s/{code}/step/{number}/"
        urls += [(step, {}), (step, HX), (f"/s/{code}/stop/?step={number}", {})]
    read = {}
    for url, headers in urls:
        response = player.get(url, **headers)
        assert response.status_code == 200, url
        read[url + (" (fragment)" if headers else "")] = text(response.content.decode())
    ics = player.get(f"/s/{code}/reminder.ics?repeat=daily&time=07:30")
    assert ics.status_code == 200
    read["ics"] = re.sub(r"DTSTAMP:\S+", "", ics.content.decode())  # the moment it was made
    return read


@pytest.fixture
def built():
    """A partner's session for the gluteus medius, worked a side at a time (its main steps
    say where the muscle lies), built leaving the lower back out, rated; and the browser that
    built it, which answered today's screen."""
    ask = Request(
        "partner", ("hips-glutes",), frozenset(), 15, focus=("gluteus-medius",), movement=False
    )
    snapshot = catalogue_snapshot()
    session = CareSession.objects.create_from_plan(compose(snapshot, ask), ask, snapshot)
    leave_out(session, "lower-back")
    rate(session, 6, 3)
    player = as_owner(screened(Client()), session)
    keep_in_browser(player, [session.code])
    return session, player


def delete_area_in_the_admin(editor, region: Region) -> None:
    """What the catalogue itself holds on to in the area goes first (its own protections)."""
    TechniqueStep.objects.filter(region=region).delete()
    NoGoZone.objects.filter(region=region).delete()
    PainSpot.objects.filter(region=region).delete()
    delete_in_the_admin(editor, region)


def between_aside(page: str) -> str:
    return re.sub(r"\s*Between sessions .*? brings on a new pain\.\s*", " ", page)


def delete_in_the_admin(editor, obj) -> None:
    url = f"/admin/catalogue/{obj._meta.model_name}/{obj.pk}/delete/"
    deleted = editor.post(url, {"post": "yes"})
    assert deleted.status_code == 302, deleted.content.decode()[:2000]  # not the protected page
    assert not type(obj).objects.filter(pk=obj.pk).exists()


def test_a_session_reads_the_same_after_its_catalogue_rows_are_edited(editor, built):
    session, player = built
    aimed = session.steps.filter(phase="main", aim__gt="").select_related("technique", "muscle")
    step = aimed.first()
    before = pages(player, session)
    assert step.aim in before[f"/s/{session.code}/step/{step.number}/"]  # it says where it lies

    edit_in_the_admin(editor, step.muscle, name="Renamed muscle", summary="Moved. Elsewhere.")
    edit_in_the_admin(
        editor, step.technique, name="Renamed technique", **{"steps-0-text": "A new first line."}
    )

    assert Muscle.objects.get(pk=step.muscle_id).name == "Renamed muscle"
    assert TechniqueStep.objects.get(technique=step.technique_id, number=1).text.startswith("A new")
    after = pages(player, session)
    assert after == before
    assert "Renamed" not in str(after) and "A new first line" not in str(after)


def test_a_session_plays_unchanged_after_its_technique_muscle_and_area_are_deleted(
    editor,
    built,
):
    session, player = built
    step = session.steps.filter(phase="main", aim__gt="").first()
    before = pages(player, session)
    said = "Keep off your lower back today — you left it out in the safety questions."
    assert said in before[f"/s/{session.code}/step/{step.number}/"]
    assert "for the gluteus medius" in before["/mine/"]
    assert step.muscle.slug == "gluteus-medius"  # worked first: the session is for it

    for technique in Technique.objects.filter(pk__in=session.steps.values("technique")):
        delete_in_the_admin(editor, technique)
    delete_in_the_admin(editor, step.muscle)
    delete_area_in_the_admin(editor, step.region)
    delete_area_in_the_admin(editor, Region.objects.get(slug="lower-back"))  # the one left out

    assert not session.steps.filter(technique__isnull=False).exists()
    after = pages(player, session)
    # The one difference: the muscle's name no longer links to its page, which is gone.
    link = " (opens in a new tab)"
    unlinked = session.steps.filter(phase="main", muscle_slug=step.muscle_slug)
    steps = tuple(f"/step/{number}/" for number in unlinked.values_list("number", flat=True))
    assert after.keys() == before.keys()
    for url, page in before.items():
        if url.endswith((*steps, *(f"{s} (fragment)" for s in steps))):
            assert link in page and link not in after[url], url
            page = page.replace(link, "")
        # A session with no movement of its own suggests some from the catalogue, as it is.
        assert between_aside(after[url]) == between_aside(page), url


def test_doing_a_session_again_names_an_area_the_catalogue_no_longer_has(editor, built):
    """My sessions still lists the session as it was; doing it again opens it as it was saved;
    building it afresh asks the builder for an area it no longer knows, and the builder says
    so (a 400 page, not a server error)."""
    _, player = built
    region = Region.objects.get(slug="hips-glutes")
    name = region.name
    delete_area_in_the_admin(editor, region)

    mine = player.get("/mine/").content.decode()
    assert f"Areas {name} for the gluteus medius Length" in text(mine)  # as it was saved
    again = re.search(r'href="([^"]+)"[^>]*>Do it again</a>', mine)[1]
    assert player.get(again).status_code == 200
    session = CareSession.objects.get()
    areas = [slug for slug, _ in session.areas]
    posted = {}
    for name, value in builder_answers(
        session, areas, session.props.values_list("slug", flat=True)
    ):
        posted.setdefault(name, []).append(value)
    again = player.post("/build/", posted)
    assert again.status_code == 400
    assert "“hips-glutes” is not an area of the back we know." in text(again.content.decode())


def test_sessions_saved_before_get_what_the_player_shows_from_the_catalogue(built):
    """The data migration: steps and sessions saved without the copies get them from the rows
    they link to, as a session saved now keeps them."""
    session, _ = built
    fields = ["family_name", "family_plain_name", "setting", "muscle_slug", "muscle_name"]
    fields += ["aim", "region_slug", "region_name"]
    saved = list(session.steps.values_list(*fields))
    assert any(aim for *_, aim, _, _ in saved)  # the partner's side-at-a-time steps
    on_session = ["areas", "left_out_areas", "focus_names"]
    kept = CareSession.objects.values_list(*on_session).get(pk=session.pk)
    hips, lower = [["hips-glutes", "Hips and glutes"]], [["lower-back", "Lower back"]]
    assert kept == (hips, lower, ["Gluteus medius"])
    CareStep.objects.update(**dict.fromkeys(fields, ""))
    CareSession.objects.update(**{field: [] for field in on_session})

    __import__(MIGRATION, fromlist=["copy_from_catalogue"]).copy_from_catalogue(apps, None)

    assert list(session.steps.values_list(*fields)) == saved
    assert CareSession.objects.values_list(*on_session).get(pk=session.pk) == kept


def test_a_sessions_movements_play_unchanged_after_an_editor_deletes_them(editor):
    """A movement step keeps its words, counts and source: deleting the movements leaves
    every page as it was, but for the links to their own pages (gone with them)."""
    ask = Request("self", ("lower-back",), frozenset(), 20)
    snapshot = catalogue_snapshot()
    session = CareSession.objects.create_from_plan(compose(snapshot, ask), ask, snapshot)
    moving = session.steps.filter(phase="move")
    assert moving.count() >= 2
    player = as_owner(screened(Client()), session)
    keep_in_browser(player, [session.code])
    before = pages(player, session)
    for movement in Movement.objects.filter(pk__in=moving.values("movement")):
        delete_in_the_admin(editor, movement)
    assert not moving.filter(movement__isnull=False).exists()
    after = pages(player, session)
    assert after.keys() == before.keys()
    for url, page in before.items():
        assert after[url] == page or url.endswith(("/done/", "/card/")), url
    for step in moving:
        page = after[f"/s/{session.code}/step/{step.number}/"]
        assert step.name in page and step.instructions[0] in page and step.dose in page
    card = player.get(f"/s/{session.code}/card/").content.decode()
    assert "Between sessions" in card and "/movements/" not in card.split("Between sessions")[1]
