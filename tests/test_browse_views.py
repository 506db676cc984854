"""Every browse URL as a full page and as an htmx fragment; 404s; constant query counts."""

import re

import pytest

from backcare.catalogue import models
from backcare.catalogue.models import Muscle, Prop, Region
from tests.factories import MovementFactory, grow_catalogue
from tests.queries import VERSION, by_table, cold_and_warm, own

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}

PAGES = [
    "/",
    "/muscles/",
    "/muscles/piriformis/",
    "/techniques/",
    "/techniques/?performer=partner",
    "/techniques/ball-against-wall/",
    "/props/",
    "/props/tennis-ball/",
    "/safety/",
    "/movements/",
]
FRAGMENTS = ["/muscles/", "/muscles/rhomboids/", "/techniques/?performer=self"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_in_full(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!doctype html>") and "</html>" in html
    assert "<script>" not in html and " style=" not in html


@pytest.mark.parametrize("url", FRAGMENTS)
def test_htmx_gets_a_fragment_without_the_page_around_it(client, url):
    response = client.get(url, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<body" not in html
    assert 'class="site-header' not in html and 'class="site-footer' not in html
    assert 'id="muscle-browser"' in html or 'id="technique-list"' in html
    assert "HX-Request" in response.headers["Vary"]


def test_history_restore_gets_the_full_page(client):
    response = client.get("/muscles/rhomboids/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/muscles/no-such-muscle/",
        "/techniques/no-such-technique/",
        "/props/no-such-prop/",
        "/movements/no-such-movement/",
        "/muscles/" + "x" * 300 + "/",
        "/muscles/rhomboïds/",
    ],
)
def test_unknown_slugs_get_the_designed_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


@pytest.mark.parametrize("url", ["/muscles/", "/muscles/rhomboids/", "/safety/"])
def test_posting_to_a_browse_page_is_refused(client, url):
    assert client.post(url).status_code == 405


def test_muscle_page_teaches_the_muscle_and_groups_the_ways_to_reach_it(client):
    html = client.get("/muscles/piriformis/").content.decode()
    assert "Piriformis" in html and "sciatic" in html.lower()
    for group in ("Alone, hands only", "Alone, with a prop", "With a partner"):
        assert group in html
    assert 'aria-current="true"' in html  # lit on the diagram
    assert 'href="/techniques/' in html


def test_mid_back_muscle_says_hands_alone_cannot_reach_it(client):
    html = client.get("/muscles/rhomboids/").content.decode()
    assert "tennis ball" in html


def test_muscles_no_article_describes_say_backcares_advice_and_how_they_are_reached(client):
    """Only seed 004 names the latissimus and the teres major (and misplaces them): their
    pages cite no article, say 'Backcare's advice', and each has a way to reach it."""
    for slug in ("latissimus-dorsi", "teres-major"):
        html = client.get(f"/muscles/{slug}/").content.decode()
        assert '<span class="own-advice">Backcare\'s advice</span>' in html
        assert "Our own, not from a source article." in html
        assert "Sources:" not in html
    lat = client.get("/muscles/latissimus-dorsi/").content.decode()
    alone = lat[lat.index('id="reach-hands"') : lat.index('id="reach-prop"')]
    assert "/techniques/self-palm-stroking/" in alone  # the sides of the lower back (seed 000)
    teres = client.get("/muscles/teres-major/").content.decode()
    partner = teres[teres.index('id="reach-partner"') :]
    assert "/techniques/partner-stroking/" in partner
    assert "/techniques/partner-side-rubbing/" in partner


def test_upper_trapezius_names_tension_headaches(client):
    assert "headache" in client.get("/muscles/upper-trapezius/").content.decode().lower()


def test_gluteus_medius_refers_to_the_lower_back(client):
    assert "lower back" in client.get("/muscles/gluteus-medius/").content.decode().lower()


def test_technique_page_gives_the_numbers(client):
    html = client.get("/techniques/ball-against-wall/").content.decode()
    assert '<ol class="steps">' in html
    assert 'datetime="PT' in html
    assert "wall" in html.lower() and "Spine" in html


def test_prop_page_says_what_it_unlocks(client):
    html = client.get("/props/tennis-ball/").content.decode()
    assert "Mid back" in html
    assert "/techniques/ball-against-wall/" in html
    assert "lacrosse" in html.lower()


def test_safety_page_lists_red_flags_stop_signals_and_no_go_zones(client):
    html = client.get("/safety/").content.decode()
    assert "Get medical help now" in html and "999" in html
    assert "electric" in html.lower()
    assert "Spine" in html and "Kidney" in html
    assert "nice.org.uk" in html or "NICE" in html


def test_safety_page_says_what_each_limit_does_in_a_session(client):
    html = re.sub(r"\s+", " ", client.get("/safety/").content.decode())
    assert "Go gently, or keep it short" in html
    osteoporosis = "In a session: no more than light pressure; no rolling, sustained pressure"
    assert osteoporosis in html
    assert "In a session: 15 minutes at most." in html  # osteochondrosis: the length alone
    assert "In a session: ;" not in html and "In a session: ." not in html


# Queries per page, pinned by table: on a cold cache (the first request after the catalogue
# changed) the version, then what the page is built from; once kept, nothing (the process
# remembers the version for CATALOGUE_RECHECK_SECONDS). Each is the same at any catalogue size.
QUERY_PAGES = [
    # counts of regions, muscles, techniques, props; the places never to press (the red flags
    # and the signals to stop at come from the snapshot)
    ("/", {}, {"region": 1, "muscle": 1, "technique": 1, "prop": 1, "nogozone": 1}),
    # the muscle index + its regions; the diagram's muscles + no-go zones
    ("/muscles/", {}, {"muscle": 2, "region": 1, "nogozone": 1}),
    ("/muscles/", HX, {"muscle": 2, "region": 1, "nogozone": 1}),
    # the muscle, its regions, sources, movements and techniques; their steps, muscles
    # (+ regions), regions, prop requirements (+ props); then the index page's
    (
        "/muscles/erector-spinae/",
        {},
        {"muscle": 4, "region": 4, "source": 1, "technique": 1, "techniquestep": 1}
        | {"proprequirement": 1, "prop": 1, "nogozone": 1, "movement": 1},
    ),
    (
        "/muscles/erector-spinae/",
        HX,
        {"muscle": 4, "region": 4, "source": 1, "technique": 1, "techniquestep": 1}
        | {"proprequirement": 1, "prop": 1, "nogozone": 1, "movement": 1},
    ),
    # families; their techniques with steps, muscles, regions, requirements (+ props)
    (
        "/techniques/",
        {},
        {"family": 1, "technique": 1, "techniquestep": 1, "muscle": 1, "region": 1}
        | {"proprequirement": 1, "prop": 1},
    ),
    (
        "/techniques/?performer=self",
        HX,
        {"family": 1, "technique": 1, "techniquestep": 1, "muscle": 1, "region": 1}
        | {"proprequirement": 1, "prop": 1},
    ),
    # the technique + family; steps, muscles (+ regions), regions, requirements (+ props),
    # sources, helpful props; the no-go zones for it (+ sources); the diagram's muscles, zones
    (
        "/techniques/foam-roller-upper-back/",
        {},
        {"technique": 1, "techniquestep": 1, "muscle": 2, "region": 2, "proprequirement": 1}
        | {"prop": 2, "source": 2, "nogozone": 2},
    ),
    # props; what needs them; what they help
    ("/props/", {}, {"prop": 1, "proprequirement": 1, "technique": 1}),
    # the prop, its swaps both ways, sources; the techniques it unlocks (steps, muscles,
    # regions, requirements + props); what it helps (+ families). What it opens alone comes
    # from the snapshot the builder shares.
    (
        "/props/tennis-ball/",
        {},
        {"prop": 4, "source": 1, "region": 2, "technique": 2, "muscle": 1, "proprequirement": 1}
        | {"techniquestep": 1},
    ),
    # contraindications, their sources and barred families; stop signals (+ sources); no-go
    # zones (+ sources, families); the diagram's muscles
    (
        "/safety/",
        {},
        {"contraindication": 1, "source": 3, "family": 2, "stopsignal": 1, "nogozone": 2}
        | {"muscle": 1},
    ),
]


READ_SNAPSHOT = ("/", "/muscles/erector-spinae/", "/props/tennis-ball/")  # and the snapshot


@pytest.mark.engine_free  # the ORM's queries: the same on any engine
def test_query_counts_are_pinned_and_do_not_grow_with_the_catalogue(client):
    def seen():
        found = []
        for url, headers, _ in QUERY_PAGES:
            cold, warm = cold_and_warm(lambda u=url, h=headers: client.get(u, **h))
            if url in READ_SNAPSHOT:
                cold = own(cold)
            found.append((by_table(cold), warm))
        return found

    expected = [({VERSION: 1} | tables, []) for _, _, tables in QUERY_PAGES]
    assert seen() == expected
    grow_catalogue(10)
    assert seen() == expected


MOVEMENT_PAGES = [
    # the regions; their movements
    ("/movements/", {}, {"region": 1, "movement": 1}),
    ("/movements/?position=sitting", HX, {"region": 1, "movement": 1}),
    # the movement; its regions, muscles, props, sources; the diagram's muscles, no-go zones
    (
        "/movements/pinned-movement/",
        {},
        {"movement": 1, "region": 1, "muscle": 2, "prop": 1, "source": 1, "nogozone": 1},
    ),
    (
        "/movements/pinned-movement/",
        HX,
        {"movement": 1, "region": 1, "muscle": 2, "prop": 1, "source": 1, "nogozone": 1},
    ),
]


@pytest.mark.engine_free  # the ORM's queries: the same on any engine
def test_movement_pages_query_counts_are_pinned_and_do_not_grow_with_the_catalogue(client):
    """Apart from the others: with a movement added to the catalogue, the snapshot the other
    pages read would read its links too (the shipped movements bring those to SNAPSHOT)."""
    MovementFactory(
        slug="pinned-movement",
        regions=Region.objects.filter(slug__in=["lower-back", "hips-glutes"]),
        muscles=Muscle.objects.filter(slug__in=["erector-spinae", "gluteus-maximus"]),
        needs=Prop.objects.filter(slug="floor-mat"),
    )

    def seen():
        return [
            (by_table(cold), warm)
            for cold, warm in (
                cold_and_warm(lambda u=url, h=headers: client.get(u, **h))
                for url, headers, _ in MOVEMENT_PAGES
            )
        ]

    expected = [({VERSION: 1} | tables, []) for _, _, tables in MOVEMENT_PAGES]
    assert seen() == expected
    grow_catalogue(10)
    assert models.Movement.objects.count() >= 10
    assert seen() == expected


def test_a_muscle_page_builds_a_session_for_it(client):
    """The link opens the builder (after the safety questions) on the areas the muscle lies in."""
    html = client.get("/muscles/rhomboids/").content.decode()
    link = "/build/?region=upper-back&amp;muscle=rhomboids"  # between the shoulder blades
    assert f'href="{link}">Build a session for the rhomboids' in html
    client.post("/build/screen/", {"next": ""})
    page = client.get(link.replace("&amp;", "&")).content.decode()
    assert re.search(r"A session for the rhomboids:\s+\d of its \d+ steps works? it\.", page)
    preview = page[page.index('id="preview"') :]
    main = re.findall(r"(Upper back|Mid back), (\w[\w ]*)", preview)
    assert main and main[0][1].strip() == "rhomboids", main  # the first main step works it
