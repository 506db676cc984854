"""One test per safety rule, on hand-built questions that tell the rules apart (the shipped ones
happen to agree where a broken rule would not show: their two pressure caps are equal, say).

The rules, and where they live (tests go through the public functions and pages only, so they
guard any restructuring of screening):
- screen(): a "no massage today" or a "get help now" answer stops a session; "urgent" only when
  a stopping answer is a get-help-now one; a stop applies nothing else; the stopping answers
  are listed in the screen's order; an area question leaves out the areas it names, and only
  an area question does; pressure caps and length caps combine to the gentler and the
  shorter; barred kinds of work add up; what limits how hard and what limits how long.
- verdict_for(): remembered answers (slugs) give the same verdict; unknown slugs are ignored;
  a catalogue edit changes the verdict of the same answers.
- Allowance: work of a barred kind or firmer than the cap is not allowed; at the cap it is.
- The screen page (planner.views.screen_view) and the builder: what a person sees for each.
- The pain finder's spot warnings (catalogue.finder.find over pain_spots()): a warning whose
  question stops a session stops it (urgent or not, as the question says); one that doesn't is
  shown first; "both sides" and "with numbness" warnings only then; "ask" asks, never answers.
- A saved session today (player): a step is skipped when any area it goes over is left out,
  when it is firmer than the cap, or of a barred kind; a stopping answer shows the advice
  instead; with no answers, the start goes through the screen.
- Stop signals: "stop now" ones on the home page and the overview (not "ease off"); the stop
  page lists both, never "fine to carry on".
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from backcare.catalogue.choices import Pressure
from backcare.catalogue.finder import find, picks_from
from backcare.catalogue.models import (
    Contraindication,
    PainCause,
    PainSpot,
    SpotWarning,
    StopSignal,
)
from backcare.catalogue.snapshot import catalogue_snapshot, question_of
from backcare.planner import screening
from tests.factories import (
    CareSessionFactory,
    ContraindicationFactory,
    FamilyFactory,
    MuscleFactory,
    RegionFactory,
    StopSignalFactory,
    TechniqueFactory,
    screened,
)

pytestmark = pytest.mark.django_db

Effect = Contraindication.Effect
When = SpotWarning.When


def ask(effect: str = Effect.REFER, **fields) -> Contraindication:
    """A hand-built screening question (not one of the shipped ones)."""
    return ContraindicationFactory(effect=effect, **fields)


def limit(**fields) -> Contraindication:
    return ask(Effect.LIMIT, **fields)


def screen(answers, areas=None):
    """screening.screen on the questions' plain values, as the snapshot reads them."""
    return screening.screen([question_of(c) for c in answers], areas)


def verdict_for(flags, areas):
    """screening.verdict_for on the current catalogue's snapshot."""
    return screening.verdict_for(catalogue_snapshot(), flags, areas)


def slugs(questions) -> list[str]:
    return [c.slug for c in questions]


# ---------- screen(): what stops a session ----------
def test_a_see_a_doctor_answer_stops_a_session_without_calling_it_urgent():
    verdict = screen([ask(Effect.REFER)])
    assert verdict.stops_session and not verdict.urgent


def test_a_get_help_now_answer_stops_a_session_and_is_urgent():
    verdict = screen([ask(Effect.REFER_URGENTLY)])
    assert verdict.stops_session and verdict.urgent


def test_one_urgent_answer_among_others_makes_the_stop_urgent():
    verdict = screen([ask(Effect.REFER, order=1), ask(Effect.REFER_URGENTLY, order=2)])
    assert verdict.urgent


def test_area_and_limit_answers_never_stop_a_session():
    area, capped = ask(Effect.AVOID_REGION), limit(max_pressure=Pressure.LIGHT)
    verdict = screen([area, capped], {area.slug: ["lower-back"]})
    assert not verdict.stops_session and not verdict.urgent and verdict.stop == ()


def test_a_stop_applies_nothing_else():
    area, capped = ask(Effect.AVOID_REGION), limit(max_pressure=Pressure.LIGHT, max_minutes=10)
    verdict = screen([ask(Effect.REFER), area, capped], {area.slug: ["lower-back"]})
    assert verdict.stops_session
    assert verdict.limits == () and verdict.local == ()
    assert verdict.excluded_regions == frozenset() and verdict.max_minutes is None


def test_the_stopping_answers_are_listed_in_the_screens_order_not_as_ticked():
    # Slugs sort the other way round from the screen's order, so neither can pass for it.
    later = ask(Effect.REFER_URGENTLY, slug="a-later", order=20)
    first = ask(Effect.REFER, slug="z-first", order=10)
    assert slugs(screen([later, first]).stop) == ["z-first", "a-later"]
    assert slugs(screen([first, later, first]).stop) == ["z-first", "a-later"]  # each once


# ---------- screen(): areas left out ----------
def test_an_area_answer_leaves_out_the_areas_named_for_it():
    area = ask(Effect.AVOID_REGION)
    verdict = screen([area], {area.slug: ["lower-back", "hips"]})
    assert verdict.excluded_regions == {"lower-back", "hips"}
    assert verdict.local == ((question_of(area), ("hips", "lower-back")),)
    assert verdict.allowance().excluded_regions == {"lower-back", "hips"}


def test_only_an_area_answer_leaves_an_area_out():
    """Areas named for a limit question (which asks for none) leave nothing out."""
    capped = limit(max_minutes=10)
    verdict = screen([capped], {capped.slug: ["lower-back"]})
    assert verdict.excluded_regions == frozenset() and verdict.local == ()


def test_two_area_answers_leave_out_every_area_either_names():
    one, two = ask(Effect.AVOID_REGION, order=1), ask(Effect.AVOID_REGION, order=2)
    verdict = screen([one, two], {one.slug: ["neck-shoulders"], two.slug: ["lower-back"]})
    assert verdict.excluded_regions == {"neck-shoulders", "lower-back"}
    assert slugs(c for c, _ in verdict.local) == [one.slug, two.slug]


# ---------- screen(): limits ----------
@pytest.mark.parametrize(
    "caps", [(Pressure.MODERATE, Pressure.LIGHT), (Pressure.LIGHT, Pressure.MODERATE)]
)
def test_two_pressure_caps_combine_to_the_gentler(caps):
    """Whichever is asked first (the shipped caps are equal, so they can't tell)."""
    questions = [limit(max_pressure=cap, order=n) for n, cap in enumerate(caps)]
    verdict = screen(questions)
    assert verdict.max_pressure == Pressure.LIGHT
    assert verdict.allowance().max_pressure == Pressure.LIGHT


def test_a_limit_that_caps_no_pressure_leaves_firm_allowed():
    verdict = screen([limit(max_minutes=20)])
    assert verdict.max_pressure == Pressure.FIRM
    assert screen([]).max_pressure == Pressure.FIRM


def test_a_pressure_cap_is_kept_beside_a_limit_that_caps_none():
    verdict = screen(
        [limit(max_minutes=20, order=1), limit(max_pressure=Pressure.MODERATE, order=2)]
    )
    assert verdict.max_pressure == Pressure.MODERATE


@pytest.mark.parametrize("lengths", [(20, 10), (10, 20)])
def test_two_length_caps_combine_to_the_shorter(lengths):
    questions = [limit(max_minutes=m, order=n) for n, m in enumerate(lengths)]
    verdict = screen(questions)
    assert verdict.max_minutes == 10 and verdict.allowance().max_minutes == 10
    assert [c.max_minutes for c in verdict.shorter] == [10]


def test_no_length_cap_allows_any_length():
    verdict = screen([limit(max_pressure=Pressure.LIGHT)])
    assert verdict.max_minutes is None and verdict.shorter == ()
    assert verdict.allowance().max_minutes is None


def test_barred_kinds_of_work_add_up_across_limits():
    one, two = limit(order=1), limit(order=2)
    one.excluded_families.set([FamilyFactory(slug="tapping")])
    two.excluded_families.set([FamilyFactory(slug="rolling"), FamilyFactory(slug="kneading")])
    verdict = screen([one, two])
    assert verdict.excluded_families == {"tapping", "rolling", "kneading"}
    assert verdict.allowance().excluded_families == {"tapping", "rolling", "kneading"}


def test_what_limits_how_hard_apart_from_what_limits_how_long():
    capped = limit(max_pressure=Pressure.LIGHT, order=1)
    barring = limit(order=2)
    barring.excluded_families.set([FamilyFactory()])
    shortening = limit(max_minutes=15, order=3)
    verdict = screen([shortening, barring, capped])
    capped, barring, shortening = map(question_of, (capped, barring, shortening))
    assert verdict.gentler == (capped, barring)
    assert verdict.shorter == (shortening,)
    assert verdict.limits == (capped, barring, shortening)
    assert shortening.only_shortens and not capped.only_shortens


# ---------- Allowance: what choosing techniques is told ----------
def test_work_firmer_than_the_cap_or_of_a_barred_kind_is_not_allowed():
    rolling = FamilyFactory(slug="rolling")
    barring = limit(max_pressure=Pressure.MODERATE)
    barring.excluded_families.set([rolling])
    allowance = screen([barring]).allowance()
    firm = TechniqueFactory(pressure=Pressure.FIRM)
    at_cap = TechniqueFactory(pressure=Pressure.MODERATE)
    rolled = TechniqueFactory(pressure=Pressure.LIGHT, family=rolling)

    class Work:  # the plain values the composer reads (family slug, pressure)
        def __init__(self, technique):
            self.family, self.pressure = technique.family.slug, technique.pressure

    assert not allowance.permits(Work(firm))
    assert allowance.permits(Work(at_cap))
    assert not allowance.permits(Work(rolled))


# ---------- verdict_for(): remembered answers ----------
def test_remembered_answers_give_the_screens_verdict():
    area = ask(Effect.AVOID_REGION, order=1)
    capped = limit(max_pressure=Pressure.LIGHT, max_minutes=10, order=2)
    verdict = verdict_for([area.slug, capped.slug], ["lower-back"])
    assert not verdict.stops_session
    assert verdict.excluded_regions == {"lower-back"}
    assert verdict.max_pressure == Pressure.LIGHT and verdict.max_minutes == 10


def test_the_same_answers_with_other_areas_leave_out_those_areas():
    area = ask(Effect.AVOID_REGION)
    assert verdict_for([area.slug], ["lower-back"]).excluded_regions == {"lower-back"}
    assert verdict_for([area.slug], ["neck-shoulders"]).excluded_regions == {"neck-shoulders"}


def test_remembered_areas_leave_nothing_out_without_an_area_answer():
    capped = limit(max_minutes=10)
    assert verdict_for([capped.slug], ["lower-back"]).excluded_regions == frozenset()


def test_a_remembered_answer_the_catalogue_no_longer_has_is_ignored():
    capped = limit(max_minutes=10)
    verdict = verdict_for([capped.slug, "no-such-question"], [])
    assert verdict.max_minutes == 10 and not verdict.stops_session


def test_remembered_urgent_answers_stop_and_are_urgent():
    assert verdict_for([ask(Effect.REFER_URGENTLY).slug], []).urgent
    plain = verdict_for([ask(Effect.REFER).slug], [])
    assert plain.stops_session and not plain.urgent


def test_an_edit_to_a_question_changes_the_verdict_on_the_same_answers():
    """An editor makes a limit a stop: a device's remembered answers now stop a session."""
    question = limit(max_minutes=10)
    assert not verdict_for([question.slug], []).stops_session
    question.effect, question.max_minutes = Effect.REFER, None
    question.save()
    assert verdict_for([question.slug], []).stops_session


# ---------- The screen page: what a person sees ----------
def screen_post(client: Client, *flags: str, areas=(), next_query: str = "") -> object:
    return client.post(
        "/build/screen/", {"flag": list(flags), "area": list(areas), "next": next_query}
    )


def answers_kept(client: Client) -> bool:
    """Whether the builder has answers from this browser (else it asks the screen first)."""
    return client.get("/build/").status_code == 200


def test_an_urgent_answer_on_the_screen_says_get_help_now_and_forgets_the_answers(client):
    question = ask(Effect.REFER_URGENTLY, label="Sudden numbness")
    assert answers_kept(screened(client))
    response = screen_post(client, question.slug)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Get medical help now" in html and "Call 999" in html and "Sudden numbness" in html
    assert not answers_kept(client)


def test_a_see_a_doctor_answer_on_the_screen_says_dont_massage_today_not_999(client):
    question = ask(Effect.REFER, label="A rash on the back")
    assert answers_kept(screened(client))
    html = screen_post(client, question.slug).content.decode()
    assert "Please don't massage today" in html and "A rash on the back" in html
    assert "Get medical help now" not in html and "tel:999" not in html
    assert not answers_kept(client)


def test_an_area_answer_needs_its_area(client):
    response = screen_post(client, ask(Effect.AVOID_REGION).slug)
    assert response.status_code == 400
    assert "tick where it is" in response.content.decode()
    assert not answers_kept(client)


def test_the_screen_leaves_an_area_out_only_for_an_area_answer(client):
    """An area ticked beside a limit question (which asks for none) is not remembered."""
    build = "/build/?performer=self&region=mid-back&minutes=5"
    response = screen_post(client, limit(max_minutes=10).slug, areas=["mid-back"])
    assert response.status_code == 303
    assert "left out, as your safety answers asked" not in client.get(build).content.decode()
    assert not ticked_areas(client.get("/build/screen/").content.decode())  # nor shown ticked
    screen_post(client, ask(Effect.AVOID_REGION).slug, areas=["mid-back"])
    assert "left out, as your safety answers asked" in client.get(build).content.decode()
    assert ticked_areas(client.get("/build/screen/").content.decode()) == ["mid-back"]


def ticked_areas(html: str) -> list[str]:
    """The areas the screen shows ticked (the answers this browser gave last)."""
    boxes = re.findall(r'<input type="checkbox" name="area"[^>]*>', html)
    return [re.search(r'value="([^"]*)"', box)[1] for box in boxes if " checked" in box]


def test_the_builder_says_which_areas_the_answers_left_out(client):
    area = ask(Effect.AVOID_REGION)
    screened(client, [area.slug], ["mid-back"])
    html = client.get("/build/?performer=self&region=mid-back&minutes=5").content.decode()
    assert "left out, as your safety answers asked" in html
    screened(client)
    html = client.get("/build/?performer=self&region=mid-back&minutes=5").content.decode()
    assert "left out, as your safety answers asked" not in html


def test_the_builder_offers_no_longer_than_the_shortest_cap(client):
    short, longer = limit(max_minutes=10, order=1), limit(max_minutes=20, order=2)
    screened(client, [longer.slug, short.slug])
    html = client.get("/build/").content.decode()
    assert 'name="minutes" value="10"' in html
    assert 'name="minutes" value="15"' not in html and 'name="minutes" value="20"' not in html


def test_the_builder_sends_remembered_answers_that_now_stop_back_to_the_screen(client):
    question = limit(max_minutes=10)
    screened(client, [question.slug])
    assert client.get("/build/").status_code == 200
    question.effect, question.max_minutes = Effect.REFER, None
    question.save()
    response = client.get("/build/")
    assert response.status_code == 303 and response["Location"] == "/build/screen/"


# ---------- The pain finder's spot warnings ----------
@pytest.fixture
def spot():
    """A bilateral spot on a hand-built area, one muscle behind it."""
    region = RegionFactory(slug="test-area")
    made = PainSpot.objects.create(
        slug="test-spot", name="Test spot", order=999, region=region, bilateral=True, shape="s"
    )
    PainCause.objects.create(
        spot=made,
        muscle=MuscleFactory(regions=[region]),
        how=PainCause.How.LIES_HERE,
        rank=1,
        why="It lies here.",
    )
    return made


def warn(spot: PainSpot, when: str, effect: str, **fields):
    question = ask(effect, **fields)
    SpotWarning.objects.create(spot=spot, when=when, contraindication=question)
    return question_of(question)


def finding(*values: str, numbness: bool = False):
    return find(picks_from(catalogue_snapshot().spots, values), numbness=numbness)


def test_pain_the_screen_stops_for_stops_the_finder_too(spot):
    question = warn(spot, When.ALWAYS, Effect.REFER)
    found = finding("test-spot:left")
    assert found.stops and not found.urgent and found.stop == (question,)
    assert found.suspects == () and found.check_first == ()


def test_pain_that_needs_help_now_is_urgent_in_the_finder(spot):
    warn(spot, When.ALWAYS, Effect.REFER_URGENTLY)
    found = finding("test-spot:left")
    assert found.stops and found.urgent


def test_a_warning_whose_question_allows_a_session_is_shown_first_beside_the_muscles(spot):
    question = warn(spot, When.ALWAYS, Effect.LIMIT, max_minutes=10)
    found = finding("test-spot:left")
    assert not found.stops and found.check_first == (question,)
    assert [s.muscle for s in found.suspects] == [spot.causes.get().muscle.slug]


def test_a_both_sides_warning_only_when_both_sides_hurt(spot):
    warn(spot, When.BOTH_SIDES, Effect.REFER)
    assert not finding("test-spot:left").stops
    assert not finding("test-spot:right").stops
    assert finding("test-spot:left", "test-spot:right").stops


def test_a_numbness_warning_only_with_numbness(spot):
    warn(spot, When.WITH_NUMBNESS, Effect.REFER_URGENTLY)
    assert not finding("test-spot:left").stops
    found = finding("test-spot:left", numbness=True)
    assert found.stops and found.urgent


def test_an_ask_warning_asks_the_question_and_never_answers_it(spot):
    question = warn(spot, When.ASK, Effect.REFER_URGENTLY)
    found = finding("test-spot:left", "test-spot:right", numbness=True)
    assert not found.stops and found.ask == (question,) and found.check_first == ()
    assert found.suspects


def test_a_question_already_answered_is_not_asked_again(spot):
    question = warn(spot, When.ALWAYS, Effect.REFER)
    row = Contraindication.objects.get(slug=question.slug)
    SpotWarning.objects.create(spot=spot, when=When.ASK, contraindication=row)
    found = finding("test-spot:left")
    assert found.stop == (question,) and found.ask == ()


def test_the_finders_stops_are_in_the_screens_order(spot):
    later = warn(spot, When.ALWAYS, Effect.REFER, slug="a-later", order=20)
    first = warn(spot, When.WITH_NUMBNESS, Effect.REFER_URGENTLY, slug="z-first", order=10)
    assert finding("test-spot:left", numbness=True).stop == (first, later)


def test_the_finder_page_shows_the_stop_advice_not_muscles(client, spot):
    page = "/where-it-hurts/?spot=test-spot:left"
    assert 'class="suspect"' in client.get(page).content.decode()
    warn(spot, When.ALWAYS, Effect.REFER_URGENTLY, label="Pain with fever", advice="Call 999 now.")
    html = client.get(page).content.decode()
    assert "Get this checked before any massage: Pain with fever." in html
    assert "Call 999 now." in html and 'class="suspect"' not in html


# ---------- Today's answers on a saved session (the player) ----------
@pytest.fixture
def saved():
    """A saved session on two hand-built areas: a firm rolling step on the first, a light
    step of another kind on the second."""
    upper, lower = RegionFactory(name="Top area"), RegionFactory(name="Bottom area")
    rolling = FamilyFactory(plain_name="rolling")
    firm = TechniqueFactory(
        name="Firm roll",
        family=rolling,
        pressure=Pressure.FIRM,
        muscles=[MuscleFactory(regions=[upper])],
    )
    light = TechniqueFactory(
        name="Light hold", pressure=Pressure.LIGHT, muscles=[MuscleFactory(regions=[lower])]
    )
    session = CareSessionFactory(steps=[firm, light])
    return session, upper, lower, rolling


def skipped_lines(client: Client, session) -> list[str]:
    """What the overview says of each step skipped today."""
    html = client.get(f"/s/{session.code}/").content.decode()
    return [
        line
        for line in (
            "Keep off your top area today",
            "Keep off your bottom area today",
            "Too firm for today",
            "No rolling today",
        )
        if line in html
    ]


def first_step(client: Client, session) -> str:
    """Where starting the session goes: the first step done today."""
    return client.post(f"/s/{session.code}/", {"pain": ""})["Location"]


def test_with_nothing_to_apply_no_step_is_skipped(client, saved):
    session, *_ = saved
    assert skipped_lines(screened(client), session) == []
    assert first_step(client, session) == f"/s/{session.code}/step/1/"


def test_today_an_area_answer_skips_the_steps_there(client, saved):
    session, upper, *_ = saved
    area = ask(Effect.AVOID_REGION, keep_off_because="you told us about a bruise there")
    screened(client, [area.slug], [upper.slug])
    assert skipped_lines(client, session) == ["Keep off your top area today"]
    assert first_step(client, session) == f"/s/{session.code}/step/2/"  # step 1 is up there
    step = client.get(f"/s/{session.code}/step/2/").content.decode()  # the step done today
    assert "Keep off your top area today — you told us about a bruise there." in step


def test_today_a_step_over_several_areas_is_skipped_when_any_of_them_is_left_out(client, saved):
    """A warm-up from the bottom area up to the top one goes over the area left out."""
    session, upper, lower, _ = saved
    area = ask(Effect.AVOID_REGION)
    screened(client, [area.slug], [upper.slug])
    line = "Keep off your top area today"
    alone = client.get(f"/s/{session.code}/").content.decode().count(line)
    session.steps.filter(number=2).update(areas=[upper.slug, lower.slug])
    assert client.get(f"/s/{session.code}/").content.decode().count(line) == alone + 1


def test_today_a_pressure_cap_skips_the_firmer_steps(client, saved):
    session, *_ = saved
    screened(client, [limit(max_pressure=Pressure.MODERATE).slug])
    assert skipped_lines(client, session) == ["Too firm for today"]
    assert first_step(client, session) == f"/s/{session.code}/step/2/"


def test_today_a_barred_kind_skips_its_steps(client, saved):
    session, _, _, rolling = saved
    barring = limit()
    barring.excluded_families.set([rolling])
    screened(client, [barring.slug])
    assert skipped_lines(client, session) == ["No rolling today"]
    assert first_step(client, session) == f"/s/{session.code}/step/2/"


def test_today_a_stopping_answer_shows_the_advice_instead_of_the_session(client, saved):
    session, *_ = saved
    screened(client, [ask(Effect.REFER, label="A new lump").slug])
    html = client.get(f"/s/{session.code}/").content.decode()
    assert "Please don't massage today" in html and "A new lump" in html
    assert "Light hold" not in html


def test_without_answers_today_the_start_goes_through_the_screen(client, saved):
    session, *_ = saved
    response = client.post(f"/s/{session.code}/", {"pain": ""})
    assert response.status_code == 303
    assert response["Location"].startswith("/build/screen/")


# ---------- What makes a person stop at once, or ease off ----------
@pytest.fixture
def signals():
    return {
        action: StopSignalFactory(action=action, feeling=f"A feeling that says {action}")
        for action in StopSignal.Action
    }


def test_the_stop_at_once_signals_are_on_the_home_page_and_the_overview(client, saved, signals):
    session, *_ = saved
    pages = [client.get("/").content.decode()]
    pages.append(screened(client).get(f"/s/{session.code}/").content.decode())
    for html in pages:
        assert signals[StopSignal.Action.STOP].feeling in html
        assert signals[StopSignal.Action.EASE].feeling not in html
        assert signals[StopSignal.Action.CARRY_ON].feeling not in html


def test_the_stop_page_says_stop_and_ease_off_never_carry_on(client, saved, signals):
    session, *_ = saved
    html = screened(client).get(f"/s/{session.code}/stop/").content.decode()
    assert signals[StopSignal.Action.STOP].feeling in html
    assert signals[StopSignal.Action.EASE].feeling in html
    assert signals[StopSignal.Action.CARRY_ON].feeling not in html
