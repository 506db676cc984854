"""Step cards say exactly what their step does, and never touch what the safety answers left
out: the catalogue's lines, the card of one step, and every step page of saved sessions."""

import html
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.catalogue.choices import PARTNER_MAX_PRESSURE, Performer, Pressure
from backcare.catalogue.models import (
    SIDE_PLACEHOLDERS,
    Contraindication,
    NoGoZone,
    Technique,
    TechniqueStep,
    placeholders,
)
from backcare.catalogue.validation import COUNT_WORDS, KIDNEY_WORDS, OTHER_SIDE_WORDS, areas_named
from backcare.catalogue.values import Line, Wording, Zone
from backcare.planner.cards import UNDER_A_CAP, UNTIL_THE_TIMER_ENDS, write_card
from backcare.planner.models import CareSession
from tests.factories import screened
from tests.shipped import ALL_PROPS, ALL_REGIONS, LIMITS, LOCAL

pytestmark = pytest.mark.django_db


# ---------- One card, from plain values ----------
WORDING = Wording(
    position="Sit tall.",
    lines=(
        Line(None, "Breathe out and let your shoulders drop."),
        Line("neck-shoulders", "Reach your {other_side} hand to your {side} shoulder."),
        Line("lower-back", "Put your thumbs on your lower back."),
    ),
    pressure_note="Moderate.",
    tempo="About one squeeze a second",
    hold=(10, 30),
)


def test_under_a_light_cap_how_hard_says_the_limit_first_and_once():
    light = Wording(pressure_note="Light: the weight of your hands, gliding.")
    card = write_card(light, "lower-back", "both", cap=Pressure.LIGHT)
    assert card.how_hard == f"{UNDER_A_CAP[Pressure.LIGHT]} The weight of your hands, gliding."
    assert write_card(light, "lower-back", "both").how_hard == light.pressure_note  # no cap


def test_a_zone_for_one_kind_of_work_is_said_only_on_steps_of_that_kind():
    """Rolling's no-go zone on the lower back says nothing to a partner's kneading hands."""
    zones = (
        Zone(None, "Never on the spine."),
        Zone("lower-back", "Never roll the lower back.", frozenset({"rolling"})),
    )
    kneading = write_card(WORDING, "lower-back", "", zones, family="petrissage")
    rolling = write_card(WORDING, "lower-back", "", zones, family="rolling")
    assert kneading.keep_off == ("Never on the spine.",)
    assert rolling.keep_off == ("Never on the spine.", "Never roll the lower back.")


def test_a_step_over_several_areas_has_the_lines_and_zones_of_each():
    zones = (Zone("lower-back", "No pressure on the kidneys."),)
    card = write_card(
        WORDING, "neck-shoulders", "both", zones, span=("neck-shoulders", "lower-back")
    )
    assert "Put your thumbs on your lower back." in card.instructions
    assert card.keep_off == ("No pressure on the kidneys.",)


def test_a_card_shows_the_lines_for_its_area_and_every_area_only():
    card = write_card(WORDING, "neck-shoulders", "left")
    assert card.instructions == (
        "Breathe out and let your shoulders drop.",
        "Reach your right hand to your left shoulder.",
    )


def test_left_and_right_cards_are_mirror_images():
    right = write_card(WORDING, "neck-shoulders", "right")
    assert right.instructions[1] == "Reach your left hand to your right shoulder."


def test_the_pace_fits_any_timer():
    card = write_card(WORDING, "lower-back", "both")
    assert card.pace == (
        "Hold each tender spot for 10 to 30 seconds. About one squeeze a second. "
        + UNTIL_THE_TIMER_ENDS
    )


def test_a_card_keeps_off_the_zones_of_its_area_and_those_everywhere():
    zones = (Zone(None, "Never on the spine."), Zone("lower-back", "No pressure on the kidneys."))
    assert write_card(WORDING, "lower-back", "").keep_off == ()
    assert write_card(WORDING, "lower-back", "", zones).keep_off == (
        "Never on the spine.",
        "No pressure on the kidneys.",
    )
    assert write_card(WORDING, "neck-shoulders", "", zones).keep_off == ("Never on the spine.",)


# ---------- The catalogue's lines obey the rules a card relies on ----------
def _techniques():
    return Technique.objects.prefetch_related("regions", "muscles", "steps__region")


def test_every_line_names_only_its_own_area():
    for line in TechniqueStep.objects.select_related("region", "technique"):
        allowed = {line.region.slug} if line.region else set()
        if line.technique.spans_regions:  # one pass over all its areas names each of them
            allowed = {r.slug for r in line.technique.regions.all()}
        assert areas_named(line.text) <= allowed, (line, line.text)


def test_what_every_card_of_a_technique_shows_names_no_other_area():
    for technique in _techniques():
        applied = {r.slug for r in technique.regions.all()}
        allowed = applied if len(applied) == 1 or technique.spans_regions else set()
        for text in (
            technique.name,
            technique.position,
            technique.pressure_note,
            technique.tempo,
            technique.direction,
        ):
            assert areas_named(text) <= allowed, (technique.slug, text)


def test_lines_fill_in_a_side_only_for_one_sided_techniques():
    for line in TechniqueStep.objects.select_related("technique"):
        named = placeholders(line.text)
        assert named <= set(SIDE_PLACEHOLDERS), line.text
        if named:
            assert line.technique.each_side, line.text
        if line.technique.each_side:
            assert not OTHER_SIDE_WORDS.search(line.text), line.text


def test_each_area_a_technique_works_has_instructions():
    for technique in _techniques():
        lines = list(technique.steps.all())
        assert lines, technique.slug
        for region in technique.regions.all():
            shown = [line for line in lines if line.region_id in (None, region.pk)]
            assert shown, (technique.slug, region.slug)
        for line in lines:
            assert line.region is None or line.region in technique.regions.all(), line


def test_one_sided_techniques_work_muscles_that_have_two_sides():
    for technique in _techniques().filter(each_side=True):
        assert all(m.bilateral for m in technique.muscles.all()), technique.slug


def test_no_instruction_presses_the_kidney_area():
    for technique in _techniques():
        texts = [technique.tempo, technique.direction, technique.pressure_note]
        texts += [line.text for line in technique.steps.all()]
        for text in texts:
            assert not KIDNEY_WORDS.search(text), (technique.slug, text)


def test_counts_fit_a_timer():
    for technique in _techniques():
        for text in [
            technique.tempo,
            technique.direction,
            *(s.text for s in technique.steps.all()),
        ]:
            assert not COUNT_WORDS.search(text), (technique.slug, text)


def test_a_partner_keeps_to_moderate_pressure():
    partner = Technique.objects.filter(performer=Performer.PARTNER)
    assert partner.exists()
    assert all(t.pressure <= PARTNER_MAX_PRESSURE for t in partner)


def test_every_no_go_zone_says_what_to_keep_off_and_the_kidneys_sit_in_the_lower_back():
    zones = {zone.slug: zone for zone in NoGoZone.objects.select_related("region")}
    assert all(zone.keep_off for zone in zones.values())
    kidneys = zones["kidney-area"]
    assert kidneys.region.slug == "lower-back" and not kidneys.whole_region
    assert not kidneys.families.exists()  # no pressure of any kind
    assert zones["lower-lumbar-rolling"].whole_region


def test_every_answer_that_leaves_an_area_out_says_why_on_the_cards():
    local = Contraindication.objects.filter(effect=Contraindication.Effect.AVOID_REGION)
    assert local.exists()
    assert all(c.keep_off_because.endswith("there") for c in local)


# ---------- Every step page of saved sessions, over random requests ----------
STEP_CARD = re.compile(
    r'<h1 id="step-title"[^>]*>(?P<name>.*?)</h1>\s*<p class="player__target">(?P<target>.*?)</p>',
    re.S,
)


def _items(page: str, list_class: str) -> list[str]:
    found = re.search(rf'<(?:ol|ul) class="{list_class}"[^>]*>(.*?)</(?:ol|ul)>', page, re.S)
    if not found:
        return []
    return [_text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S)]


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _field(page: str, css_class: str) -> str:
    found = re.search(rf'<p class="{css_class}">(.*?)</p>', page, re.S)
    return _text(found.group(1)) if found else ""


def _mirror(text: str) -> str:
    swap = {"left": "right", "right": "left", "Left": "Right", "Right": "Left"}
    return re.sub(r"\b(left|right|Left|Right)\b", lambda m: swap[m.group(1)], text)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    performer=st.sampled_from(["self", "partner"]),
    regions=st.sets(st.sampled_from(ALL_REGIONS), min_size=1),
    props=st.sets(st.sampled_from(ALL_PROPS)),
    minutes=st.integers(min_value=3, max_value=60),
    left_out=st.sets(st.sampled_from(ALL_REGIONS), max_size=3),
    local=st.sampled_from(LOCAL),
    limits=st.sets(st.sampled_from(LIMITS)),
)
def test_no_step_of_any_session_touches_what_the_safety_answers_left_out(
    performer, regions, props, minutes, left_out, local, limits
):
    client = Client()
    flags = sorted(limits) + ([local] if left_out else [])
    answered = client.post("/build/screen/", {"flag": flags, "area": sorted(left_out)})
    assert answered.status_code == 303
    built = client.post(
        "/build/",
        {
            "performer": performer,
            "region": sorted(regions),
            "prop": sorted(props),
            "minutes": minutes,
        },
    )
    if built.status_code == 400:  # nothing reachable: the builder said so, nothing saved
        assert regions <= left_out or b"nothing to do" in built.content
        return
    assert built.status_code == 303
    session = CareSession.objects.get(code=built["Location"].strip("/").split("/")[-1])
    reason = Contraindication.objects.get(slug=local).keep_off_because
    kidneys = NoGoZone.objects.get(slug="kidney-area").keep_off
    steps = list(session.steps.select_related("region", "technique"))
    by_side: dict[tuple, list[str]] = {}
    for step in steps:
        page = client.get(f"/s/{session.code}/step/{step.number}/").content.decode()
        card = STEP_CARD.search(page)
        title = f"{_text(card['name'])} · {_text(card['target'])}"
        instructions = _items(page, "steps player__steps")
        keep_off = _items(page, "keep-off__list")
        said = [title, _field(page, "player__position"), *instructions]
        assert instructions, step

        # No title or instruction line names a left-out area; each step says to keep off it.
        # (A movement is judged by the areas it moves, never one left out: its words may say
        # "let your shoulders relax".)
        for text in said if step.phase != "move" else said[:1]:
            assert not areas_named(text) & left_out, (step.title, text)
        today = [line for line in keep_off if line.startswith("Keep off your")]
        assert len(today) == len(left_out), (step.title, keep_off)
        assert all(line.endswith(f"today — {reason}.") for line in today), today
        for region in session.left_out.all():
            assert f"Keep off your {region.name.lower()} today" in " ".join(today)
            assert f'aria-label="Keep off today: {region.name}"' in page
        assert step.region.slug not in left_out

        # One side at a time: named, never "swap sides", and the mirror of the other side.
        if step.side in ("left", "right"):
            assert step.side in card["target"]
            for text in said:
                assert not OTHER_SIDE_WORDS.search(text), (step.title, text)
            by_side[(step.technique_id, step.region_id, step.side)] = instructions

        # No step presses the kidney area, and every lower-back step says so.
        for text in said:
            assert not KIDNEY_WORDS.search(text), (step.title, text)
        if step.phase == "move":  # no pressure anywhere: its drawing lights what it moves
            continue
        if step.region.slug == "lower-back":
            assert kidneys in keep_off, step.title
        assert f'clip-path="url(#clip-{step.region.slug})"' in page

    for (technique, region, side), lines in by_side.items():
        other = by_side.get((technique, region, "right" if side == "left" else "left"))
        if other is not None:
            assert [_mirror(line) for line in lines] == other


# ---------- A saved session, tomorrow ----------
def test_a_saved_session_reads_the_same_after_the_technique_is_edited(client):
    from tests.factories import care_session

    session = care_session("self", ["neck-shoulders"], [], 10)
    screened(client)
    step = session.steps.get(technique__slug="shoulder-kneading", side="right")
    url = f"/s/{session.code}/step/{step.number}/"
    before = client.get(url).content.decode()
    assert "Reach your left hand across" in before and "your right shoulder" in before

    kneading = Technique.objects.get(slug="shoulder-kneading")
    kneading.name = "Renamed by an editor"
    kneading.save()
    kneading.steps.all().delete()
    TechniqueStep.objects.create(technique=kneading, number=1, text="Something else.")

    after = client.get(url)
    assert after.status_code == 200
    assert after.content.decode() == before


def test_the_reason_is_named_only_while_this_device_holds_the_answers(client):
    client.post("/build/screen/", {"flag": ["burn"], "area": ["hips-glutes"]})
    built = client.post(
        "/build/", {"performer": "self", "region": ["neck-shoulders"], "minutes": 5}
    )
    url = built["Location"] + "step/1/"
    assert "Keep off your hips and glutes today — you told us about a burn there." in (
        client.get(url).content.decode()
    )
    # The shared link, on another device (which answered the screen with nothing to report):
    # what the builder's answers left out is theirs, shown only to the browser that built it.
    elsewhere = screened(Client()).get(url).content.decode()
    assert "Keep off your hips and glutes" not in elsewhere
    assert "burn" not in elsewhere.lower()
