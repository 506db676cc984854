"""Every browse URL as a full page and as an htmx fragment; 404s; constant query counts."""

import pytest

from tests.factories import grow_catalogue
from tests.queries import cold_and_warm

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
    assert "<html" not in html and "<header" not in html.split("id=")[0]
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


# Queries per page, pinned: on a cold cache (the first request after the catalogue changed)
# the version, then what the page is built from; once kept, only the version. Each count is
# the same at any catalogue size.
QUERY_PAGES = [
    # 4 counts (regions, muscles, techniques, props) + the red flags
    ("/", {}, 6),
    # the muscle index + its regions; the diagram's muscles + no-go zones
    ("/muscles/", {}, 5),
    ("/muscles/", HX, 5),
    # the muscle, its regions, sources and techniques; their steps, muscles (+ regions),
    # regions, prop requirements (+ props); then the 4 of the index page above
    ("/muscles/erector-spinae/", {}, 15),
    ("/muscles/erector-spinae/", HX, 15),
    # families; their techniques with steps, muscles, regions, requirements (+ props)
    ("/techniques/", {}, 8),
    ("/techniques/?performer=self", HX, 8),
    # the technique + family; steps, muscles (+ regions), regions, requirements (+ props),
    # sources, helpful props; the no-go zones for it (+ sources); the diagram (2)
    ("/techniques/foam-roller-upper-back/", {}, 14),
    # props; what needs them; what they help
    ("/props/", {}, 4),
    # the prop, its swaps both ways, sources; the techniques it unlocks with steps, muscles
    # (+ regions), regions, requirements (+ props); what it helps; and what it opens alone,
    # from the catalogue snapshot the builder shares (14: regions, techniques + family, their
    # muscles (+ regions, + where their pain is felt), regions, requirements (+ props),
    # helpful props, lines; props; no-go zones (+ families); guidelines)
    ("/props/tennis-ball/", {}, 27),
    # contraindications, their sources and barred families; stop signals (+ sources);
    # no-go zones (+ sources, families); the diagram (2)
    ("/safety/", {}, 11),
]


def test_query_counts_are_pinned_and_do_not_grow_with_the_catalogue(client):
    def counts():
        return [
            cold_and_warm(lambda u=url, h=headers: client.get(u, **h))
            for url, headers, _ in QUERY_PAGES
        ]

    expected = [(cold, 1) for _, _, cold in QUERY_PAGES]
    assert counts() == expected
    grow_catalogue(10)
    assert counts() == expected
