"""The pain finder: from the places that hurt to the muscles behind them, or to the safety
advice; its rules (`find`) on their own; its data shared with the composer."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from backcare.catalogue.finder import Pick, find, picks_from
from backcare.catalogue.models import Contraindication, Muscle, PainCause, PainSpot, SpotWarning
from backcare.catalogue.snapshot import catalogue_snapshot, read_snapshot
from backcare.catalogue.values import Cause, Question, Spot
from tests.factories import grow_catalogue
from tests.queries import VERSION, by_table, cold_and_warm, own

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
URL = "/where-it-hurts/"


def finding(client, *spots: str, numb: bool = False, **headers) -> str:
    query = "&".join([*(f"spot={spot}" for spot in spots), *(["numb=on"] if numb else [])])
    response = client.get(f"{URL}?{query}", **headers)
    assert response.status_code == 200
    return unescape(response.content.decode())


def ranked(html: str) -> list[str]:
    """The muscles listed, in their order."""
    return re.findall(r'<li class="suspect" data-muscle="([\w-]+)"', html)


def build_links(html: str) -> dict[str, str]:
    """Each listed muscle's "Build a session for this" link."""
    items = re.findall(r'data-muscle="([\w-]+)".*?href="(/build/\?[^"]*)"', html, re.S)
    return dict(items)


def build_query(html: str, muscle: str) -> dict[str, list[str]]:
    """The query of the muscle's "Build a session for this" link, parsed."""
    return parse_qs(urlsplit(build_links(html)[muscle]).query)


# ---------- The page ----------
def test_the_page_shows_every_place_to_tick_with_its_sides(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "<h1>Where does it hurt?</h1>" in html
    for spot in catalogue_snapshot().spots:
        assert spot.name in html
        for value in spot.values():
            assert f'name="spot" value="{value}"' in html  # the checkbox
            assert f'data-spot="{value}"' in html  # its place on the picture
    assert 'value="temples:left"' in html and 'value="saddle"' in html
    assert "Tick the places that hurt" in html
    assert "<script>" not in html and " style=" not in html
    assert 'aria-current="page">Where it hurts</a>' in html


def test_htmx_gets_the_answer_alone_and_the_jump_link_out_of_band(client):
    html = finding(client, "buttock:left", **HX)
    assert "<html" not in html and "<h1>" not in html
    assert html.lstrip().startswith('<section id="finding"')
    assert 'id="finding-jump"' in html and 'hx-swap-oob="true"' in html
    assert "3 muscles may be behind it" in html
    # The short status a screen reader hears: its words swapped into the element that stays.
    assert (
        '<p id="finding-status" class="visually-hidden" role="status" hx-swap-oob="innerHTML">'
        "3 muscles may be behind it, most likely first: Piriformis, Gluteus medius, "
        "Gluteus maximus.</p>"
    ) in html
    assert "aria-live" not in html  # the long answer itself isn't read out at each tick


def test_between_the_shoulder_blades_gets_the_screens_own_advice_and_no_session(client):
    """The screen refuses a session for pain between the shoulder blades (the NHS: urgent GP
    or 111), so the finder offers none: it says the screen's own words, from the same row."""
    question = Contraindication.objects.get(slug="pain-between-shoulder-blades")
    assert question.stops_session
    for picked in (
        ["between-shoulder-blades:left"],
        ["between-shoulder-blades:right", "buttock:left"],
    ):
        html = finding(client, *picked)
        assert "Get this checked before any massage" in html
        assert ranked(html) == [] and build_links(html) == {} and "/build/?" not in html
        assert re.findall(r'href="/safety/#([\w-]+)"', html) == [question.slug]
        assert question.advice in html and question.why in html and question.label in html
        assert 'href="tel:111"' in html and 'href="tel:999"' not in html
    question.advice = "Edited advice, said once."
    question.save()  # one source of words: an edit shows on the finder at once
    assert "Edited advice, said once." in finding(client, "between-shoulder-blades:left")


def test_a_spot_warning_does_what_its_question_does_on_the_screen(client):
    """A question that allows a session (a limit) is said above the muscles, which keep their
    build links; switched to a question that stops a session, the links go."""
    warning = SpotWarning.objects.get(spot__slug="between-shoulder-blades", when="always")
    warning.contraindication = Contraindication.objects.get(slug="osteoporosis")
    warning.save()
    html = finding(client, "between-shoulder-blades:left")
    assert ranked(html)[:2] == ["rhomboids", "lower-trapezius"]
    assert html.index("Check first:") < html.index('class="suspects"')
    assert "rhomboids" in build_links(html)
    warning.contraindication = Contraindication.objects.get(slug="fever")
    warning.save()
    html = finding(client, "between-shoulder-blades:left")
    assert "Check first:" not in html and build_links(html) == {}


def test_the_temples_bring_the_upper_trapezius(client):
    html = finding(client, "temples:right")
    assert ranked(html) == ["upper-trapezius"]
    assert "sends pain here" in html and "tension headaches" in html
    assert build_query(html, "upper-trapezius") == {
        "region": ["neck-shoulders"],
        "side": ["neck-shoulders:right"],
        "muscle": ["upper-trapezius"],
    }


def test_the_buttock_brings_the_piriformis_and_gluteus_medius(client):
    html = finding(client, "buttock:left")
    assert ranked(html)[:2] == ["piriformis", "gluteus-medius"]
    assert "gluteus-maximus" in ranked(html)
    assert 'href="/muscles/piriformis/"' in html


def test_the_lower_back_lists_the_buttock_muscles_that_send_pain_there(client):
    html = finding(client, "lower-back:right")
    assert ranked(html)[:3] == ["erector-spinae", "gluteus-medius", "piriformis"]
    assert build_query(html, "gluteus-medius") == {
        "region": ["hips-glutes"],
        "side": ["hips-glutes:right"],
        "muscle": ["gluteus-medius"],
    }


def test_a_muscle_explaining_more_of_the_places_comes_first(client):
    html = finding(client, "buttock:left", "lower-back:left")
    assert ranked(html)[:2] == ["piriformis", "gluteus-medius"]
    piriformis = html[
        html.index('data-muscle="piriformis"') : html.index('data-muscle="gluteus-medius"')
    ]
    assert '<strong>Lower back</strong> <span class="tag">sends pain here</span>' in piriformis
    assert '<strong>Buttock</strong> <span class="tag">lies here</span>' in piriformis


@pytest.mark.parametrize(
    ("spots", "numb", "warnings"),
    [
        (["back-of-thigh:left"], True, ["limb-numbness"]),
        (["back-of-thigh:left"], False, ["limb-numbness"]),
        (["back-of-thigh:left", "back-of-thigh:right"], False, ["both-legs", "limb-numbness"]),
        (["saddle"], True, ["saddle-numbness"]),
        (["lower-back:left"], True, ["limb-numbness"]),
        (["buttock:right", "saddle"], True, ["saddle-numbness", "limb-numbness"]),
    ],
)
def test_pain_the_screen_stops_a_session_for_leads_to_the_safety_advice(
    client, spots, numb, warnings
):
    html = finding(client, *spots, numb=numb)
    assert "Get this checked before any massage" in html
    assert ranked(html) == [] and "Build a session for this" not in html
    shown = re.findall(r'href="/safety/#([\w-]+)"', html)
    assert shown == warnings  # the most urgent first
    for slug in warnings:
        assert Contraindication.objects.get(slug=slug).advice in html


def test_groin_pain_is_not_numbness_there_so_it_asks_and_says_when_to_see_a_gp(client):
    """Pain in the groin or inner thighs is not the 999 red flag (numbness there): the finder
    says Backcare has nothing for it and when to see a GP, and asks the red-flag question in
    the screen's own words."""
    numbness = Contraindication.objects.get(slug="saddle-numbness")
    spot = PainSpot.objects.get(slug="saddle")
    html = finding(client, "saddle")
    text = re.sub(r"\s+", " ", html)
    assert "Get this checked before any massage" not in html and 'href="tel:999"' not in html
    assert '<h2 id="finding-title">No massage to suggest for this</h2>' in html
    assert (
        "Groin, inner thighs or the saddle area:</strong> none of the back muscles in "
        "Backcare's sources is known to send pain here, so Backcare has no massage to suggest"
    ) in text
    assert spot.note and spot.note in html and "See a GP" in spot.note
    assert f"Ask yourself:</strong> {numbness.question}" in text
    assert f"If so: {numbness.advice}" in text
    assert ranked(html) == [] and build_links(html) == {}
    assert "No massage to suggest: see why" in html  # the jump link
    # With a place a muscle explains, its muscles come too, and the groin is still said.
    both = finding(client, "buttock:right", "saddle")
    assert ranked(both)[0] == "piriformis" and "piriformis" in build_links(both)
    assert spot.note in both and numbness.question in re.sub(r"\s+", " ", both)
    # Beside a place the screen refuses a session for (a GP or 111), it is still asked: its
    # answer would mean 999.
    stopped = re.sub(r"\s+", " ", finding(client, "between-shoulder-blades:left", "saddle"))
    assert "Get this checked before any massage" in stopped and build_links(stopped) == {}
    assert f"Ask yourself:</strong> {numbness.question}" in stopped
    assert stopped.index("Ask yourself") < stopped.index('class="rules rules--single"')
    # Numbness or tingling with it is the red flag: 999, with the screen's advice.
    numb = finding(client, "saddle", numb=True)
    assert "Get this checked before any massage" in numb and 'href="tel:999"' in numb
    assert numbness.advice in numb and "Ask yourself" not in numb


def test_the_leg_with_numbness_names_it(client):
    html = finding(client, "back-of-thigh:right", numb=True)
    assert (
        "Where it hurts: down the back of the thigh (right). You also have numbness, tingling "
        "or weakness, or pain spreading down an arm or a leg."
    ) in html
    assert 'href="tel:111"' in html and 'href="tel:999"' not in html  # see a GP: not urgent


def test_both_legs_are_said_once_and_urgent_pain_offers_a_call(client):
    html = finding(client, "back-of-thigh:left", "back-of-thigh:right", "lower-back:left")
    assert "Where it hurts: lower back (left); down the back of the thigh (left and right)." in html
    assert '<a class="button button--stop" href="tel:999">Call 999</a>' in html


@pytest.mark.parametrize("numb", [False, True])
def test_every_place_reads_as_plain_english_when_the_screen_stops_a_session(client, numb):
    """Each place's own name, as a list: never "Pain temples" or "in your between the…"."""
    every = [value for spot in catalogue_snapshot().spots for value in spot.values()]
    html = finding(client, *every, numb=numb)
    said = re.search(r"<p>Where it hurts: (.*?)</p>", html, re.S)[1]
    places = [
        spot.name.lower() + (" (left and right)" if spot.bilateral else "")
        for spot in catalogue_snapshot().spots
    ]
    assert said.startswith("; ".join(places) + ".")
    assert "Pain " not in said and "in your" not in said
    assert ("You also have numbness" in said) is numb


@pytest.mark.parametrize(
    "query",
    ["spot=nowhere", "spot=buttock:middle", "spot=saddle:left", "spot=buttock", "numb=maybe"],
)
def test_unknown_places_get_a_form_error_not_a_500(client, query):
    response = client.get(f"{URL}?{query}")
    if query == "numb=maybe":  # a checkbox's value is only ever "on" or absent: any is on
        assert response.status_code == 200
        return
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "is not a place on the picture" in html
    assert ranked(html) == []


def test_a_post_is_refused(client):
    assert client.post(URL, {"spot": "buttock:left"}).status_code == 405


# ---------- Build a session for this ----------
def test_build_a_session_for_this_opens_the_builder_filled_in_and_the_preview_agrees(client):
    from tests.test_planner_views import answer_screen

    link = build_links(finding(client, "buttock:left"))["piriformis"]
    first = client.get(link)
    assert first.status_code == 303 and "/build/screen/" in first["Location"]  # screen first
    assert answer_screen(client, next_query=urlsplit(link).query).status_code == 303
    response = client.get(link)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert re.search(r'value="hips-glutes" id="[\w_]+" checked', html)
    assert '<option value="hips-glutes:left" selected>left</option>' in html
    assert re.search(r"A session for the piriformis:\s+\d of its \d steps works? it\.", html)
    preview = html[html.index('id="preview"') :]
    main = re.findall(r"Hips and glutes, ([a-z ]+?) · (left|right|both)", preview)
    assert main[0] == ("piriformis", "left"), main  # the first main step works it
    assert {side for _, side in main} == {"left"}


# ---------- The rules, on their own ----------
def _spot(slug, causes=(), warnings=(), region="upper-back", bilateral=True):
    return Spot(slug, slug.title(), region, bilateral, slug, tuple(causes), tuple(warnings))


def _question(slug, order, effect):
    return Question(slug, f"{slug}?", slug.upper(), effect, order)


def _cause(muscle, rank, how=PainCause.How.LIES_HERE, regions=("upper-back",), order=1):
    return Cause(muscle, muscle.title(), how, rank, f"why {muscle}", regions, True, order)


def test_find_ranks_by_places_explained_then_rank_then_lying_there():
    a = _spot("a", [_cause("m1", 1), _cause("m2", 2), _cause("m3", 2, PainCause.How.REFERS_HERE)])
    b = _spot("b", [_cause("m3", 3, order=9), _cause("m4", 1, order=0)])
    found = find([Pick(a, "left"), Pick(b, "left")])
    assert [s.muscle for s in found.suspects] == ["m3", "m4", "m1", "m2"]
    one = find([Pick(a, "left")])
    assert [s.muscle for s in one.suspects] == ["m1", "m2", "m3"]  # lying there before


def test_find_keeps_the_side_only_when_every_place_is_on_it():
    a = _spot("a", [_cause("m1", 1)])
    assert find([Pick(a, "left")]).suspects[0].side == "left"
    assert find([Pick(a, "left"), Pick(a, "right")]).suspects[0].side == ""
    query = parse_qs(find([Pick(a, "right")]).suspects[0].build_query())
    assert query == {"region": ["upper-back"], "side": ["upper-back:right"], "muscle": ["m1"]}


def test_find_builds_on_the_muscles_own_area_when_the_pain_is_felt_elsewhere():
    head = _spot("head", [_cause("m1", 1, PainCause.How.REFERS_HERE, ("neck",))], region=None)
    assert find([Pick(head, "left")]).suspects[0].areas == ("neck",)


def test_find_warnings_need_their_condition():
    urgent = _question("u", 1, Contraindication.Effect.REFER_URGENTLY)
    refer = _question("r", 5, Contraindication.Effect.REFER)
    leg = _spot(
        "leg",
        [_cause("m1", 1)],
        [(SpotWarning.When.BOTH_SIDES, urgent), (SpotWarning.When.WITH_NUMBNESS, refer)],
    )
    assert not find([Pick(leg, "left")]).stops
    assert find([Pick(leg, "left")], numbness=True).stop == (refer,)
    both = find([Pick(leg, "left"), Pick(leg, "right")], numbness=True)
    assert both.stop == (urgent, refer) and both.suspects == ()


def test_find_stops_for_exactly_the_questions_that_stop_a_session_on_the_screen():
    refer = _question("r", 5, Contraindication.Effect.REFER)
    limit = _question("l", 35, Contraindication.Effect.LIMIT)
    gentle = _spot("g", [_cause("m1", 1)], [(SpotWarning.When.ALWAYS, limit)])
    found = find([Pick(gentle, "left")])
    assert found.check_first == (limit,) and not found.stops and found.suspects
    stopping = _spot("s", [_cause("m2", 1)], [(SpotWarning.When.ALWAYS, refer)])
    found = find([Pick(gentle, "left"), Pick(stopping, "left")])
    assert found.stop == (refer,) and found.suspects == () and found.check_first == ()


def test_find_asks_a_question_pain_brings_to_mind_without_answering_it():
    urgent = _question("u", 3, Contraindication.Effect.REFER_URGENTLY)
    groin = _spot("groin", [], [(SpotWarning.When.ASK, urgent)], region=None, bilateral=False)
    found = find([Pick(groin)])
    assert not found.stops and found.ask == (urgent,) and found.suspects == ()
    assert found.unexplained == (groin,)
    numb = _spot(
        "groin",
        [],
        [(SpotWarning.When.ASK, urgent), (SpotWarning.When.WITH_NUMBNESS, urgent)],
        region=None,
        bilateral=False,
    )
    assert find([Pick(numb)]).ask == (urgent,) and not find([Pick(numb)]).stops
    assert find([Pick(numb)], numbness=True).stop == (urgent,)
    hip = _spot("hip", [_cause("m1", 1)])
    assert find([Pick(hip, "left"), Pick(groin)]).unexplained == (groin,)


def test_picks_come_from_known_values_only():
    spots = catalogue_snapshot().spots
    picks = picks_from(spots, ["buttock:left", "saddle", "nowhere", "saddle:left"])
    assert [(p.spot.slug, p.side) for p in picks] == [("buttock", "left"), ("saddle", "")]


# ---------- One set of data for the finder and the composer ----------
def test_the_composers_linked_areas_are_the_finders_referrals():
    assert read_snapshot().feeders["lower-back"] == (
        ("hips-glutes", ("gluteus-medius", "piriformis")),
    )
    PainCause.objects.filter(spot__slug="lower-back", muscle__slug="piriformis").delete()
    assert read_snapshot().feeders["lower-back"] == (("hips-glutes", ("gluteus-medius",)),)
    PainCause.objects.filter(how=PainCause.How.REFERS_HERE, spot__region__isnull=False).delete()
    assert "lower-back" not in read_snapshot().feeders


def test_an_edit_shows_on_the_finder_at_once(client):
    assert ranked(finding(client, "buttock:left"))[0] == "piriformis"
    cause = PainCause.objects.get(spot__slug="buttock", muscle__slug="piriformis")
    cause.rank = 9
    cause.save()  # as the admin saves it
    assert ranked(finding(client, "buttock:left"))[0] == "gluteus-medius"


@pytest.mark.engine_free  # the ORM's queries: the same on any engine
# ---------- Queries ----------
def test_query_counts_stay_flat_as_the_catalogue_grows(client):
    urls = [URL, f"{URL}?spot=buttock:left&spot=temples:right", f"{URL}?spot=saddle"]

    def counts():
        found = [cold_and_warm(lambda u=u: client.get(u)) for u in urls]
        found += [cold_and_warm(lambda: client.get(urls[1], **HX))]
        return [(by_table(own(cold)), warm) for cold, warm in found]

    small = counts()
    # Cold: the version and the snapshot (the spots, their causes, warnings and questions);
    # a whole page also draws the body (the diagram's shapes are not read: the pain map
    # draws none). Warm: nothing (the page is kept, and this process remembers the version
    # it was kept under).
    assert small[0] == ({VERSION: 1}, [])
    grow_catalogue(10)
    assert counts() == small


# ---------- The data ----------
def test_every_spot_is_drawn_and_leads_somewhere():
    drawing = (settings.BASE_DIR / "templates/catalogue/pain_map.html").read_text()
    for spot in catalogue_snapshot().spots:
        for _, side in spot.choices():
            assert f'id="spot-{spot.shape}{f"-{side}" if side else ""}"' in drawing, spot
        assert spot.causes or spot.note, f"{spot.slug}: no muscle and nothing said about it"
        assert [c.rank for c in spot.causes] == sorted(c.rank for c in spot.causes)


def test_an_editor_adds_a_muscle_behind_a_spot_in_the_admin(client, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "pw")
    client.force_login(editor)
    spot = PainSpot.objects.get(slug="side-of-hip")
    url = f"/admin/catalogue/painspot/{spot.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "muscles behind pain here" in html.lower() and "warnings: pain here" in html.lower()
    causes = list(spot.causes.all())
    warnings = list(spot.warnings.all())
    form = {
        "name": spot.name,
        "slug": spot.slug,
        "order": spot.order,
        "region": spot.region_id,
        "bilateral": "on",
        "shape": spot.shape,
        "sources": [s.pk for s in spot.sources.all()],
        "causes-TOTAL_FORMS": len(causes) + 1,
        "causes-INITIAL_FORMS": len(causes),
        "warnings-TOTAL_FORMS": len(warnings),
        "warnings-INITIAL_FORMS": len(warnings),
    }
    for i, cause in enumerate(causes):
        form |= {
            f"causes-{i}-id": cause.pk,
            f"causes-{i}-spot": spot.pk,
            f"causes-{i}-rank": cause.rank,
            f"causes-{i}-muscle": cause.muscle_id,
            f"causes-{i}-how": cause.how,
            f"causes-{i}-why": cause.why,
            f"causes-{i}-sources": [s.pk for s in cause.sources.all()],
        }
    new = len(causes)
    form |= {
        f"causes-{new}-spot": spot.pk,
        f"causes-{new}-rank": 2,
        f"causes-{new}-muscle": Muscle.objects.get(slug="piriformis").pk,
        f"causes-{new}-how": PainCause.How.LIES_HERE,
        f"causes-{new}-why": "The piriformis reaches the top of the thigh bone, at the side.",
        f"causes-{new}-sources": [spot.sources.first().pk],
    }
    for i, warning in enumerate(warnings):
        form |= {
            f"warnings-{i}-id": warning.pk,
            f"warnings-{i}-spot": spot.pk,
            f"warnings-{i}-when": warning.when,
            f"warnings-{i}-contraindication": warning.contraindication_id,
        }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.cookies["messages"]["path"] == "/admin/"  # "was changed", for the admin
    listing = client.get(response["Location"]).content.decode()
    assert "was changed successfully" in listing
    assert ranked(finding(client, "side-of-hip:left")) == ["gluteus-medius", "piriformis"]


def test_a_muscle_no_technique_works_yet_offers_a_session_for_its_area(client):
    # Every muscle has a technique now (the teres major gained a partner's strokes along the
    # outer edge of the shoulder blade): take the teres major's away to see one without.
    Muscle.objects.get(slug="teres-major").techniques.clear()
    html = finding(client, "shoulder-blade:right")
    assert ranked(html)[0] == "teres-major"
    teres = html[html.index('data-muscle="teres-major"') : html.index('data-muscle="rhomboids"')]
    assert "No technique here works the teres major on its own yet." in teres
    assert "Build a session for its area" in teres and "&muscle=" not in teres
    assert '?region=upper-back&side=upper-back%3Aright"' in teres
    page = client.get("/muscles/teres-major/").content.decode()
    assert ">Build a session for the area it lies in</a>" in page
    assert 'href="/build/?region=upper-back">' in page
