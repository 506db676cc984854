"""The rule for a saved session under today's safety answers: which steps are skipped, and why;
and the way through the steps that are left. Plain values, no request."""

import importlib

import pytest

from backcare.catalogue.choices import Pressure
from backcare.catalogue.snapshot import catalogue_snapshot
from backcare.catalogue.values import BARRED_FAMILY, NO_LIMITS, TOO_FIRM, Allowance
from backcare.player.replay import LEFT_OUT_AREA, Replay, SavedStep, skipped_today

BLOOD_THINNERS = Allowance(
    max_pressure=Pressure.LIGHT,
    excluded_families=frozenset({"compression", "rolling", "tapotement"}),
)
STRAIN_LOW_BACK = Allowance(excluded_regions=frozenset({"lower-back"}))
BOTH = Allowance(
    STRAIN_LOW_BACK.excluded_regions, BLOOD_THINNERS.max_pressure, BLOOD_THINNERS.excluded_families
)


def saved(number, region="upper-back", family="effleurage", pressure=Pressure.LIGHT, seconds=60):
    return SavedStep(number, region, family, pressure, seconds)


def test_a_step_on_an_area_left_out_today_is_skipped():
    steps = [saved(1, "upper-back"), saved(2, "lower-back")]
    assert skipped_today(steps, STRAIN_LOW_BACK) == {2: LEFT_OUT_AREA}


def test_a_barred_kind_of_work_is_skipped_however_light():
    tapping = saved(1, family="tapotement", pressure=Pressure.LIGHT)
    assert skipped_today([tapping], BLOOD_THINNERS) == {1: BARRED_FAMILY}


def test_work_firmer_than_the_cap_is_skipped():
    kneading = saved(1, family="petrissage", pressure=Pressure.MODERATE)
    stroking = saved(2, family="effleurage", pressure=Pressure.LIGHT)
    assert skipped_today([kneading, stroking], BLOOD_THINNERS) == {1: TOO_FIRM}


def test_an_area_left_out_is_the_reason_given_before_the_kind_of_work():
    kneading_low_back = saved(1, "lower-back", "petrissage", Pressure.MODERATE)
    tapping_low_back = saved(2, "lower-back", "tapotement", Pressure.LIGHT)
    assert skipped_today([kneading_low_back, tapping_low_back], BOTH) == {
        1: LEFT_OUT_AREA,
        2: LEFT_OUT_AREA,
    }


def test_no_answers_that_limit_skip_nothing():
    steps = [saved(1, "lower-back", "compression", Pressure.FIRM), saved(2, family="tapotement")]
    assert skipped_today(steps, NO_LIMITS) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("allowance", [BLOOD_THINNERS, Allowance(max_pressure=Pressure.MODERATE)])
def test_a_saved_step_is_judged_by_the_rule_that_chose_its_technique(allowance):
    """One rule: a step of a technique is skipped exactly when the composer would not choose
    that technique under the same answers (Allowance.permits)."""
    for number, technique in enumerate(catalogue_snapshot().techniques, start=1):
        step = saved(number, technique.regions[0], technique.family, technique.pressure)
        skipped = number in skipped_today([step], allowance)
        assert skipped is not allowance.permits(technique), technique.slug


# ---------- The way through what is left ----------
def test_the_steps_done_today_are_numbered_and_timed_without_the_skipped_ones():
    steps = [saved(1, seconds=100), saved(2, "lower-back", seconds=50), saved(3, seconds=30)]
    replay = Replay.of(steps, STRAIN_LOW_BACK)
    assert replay.skipped == {2: LEFT_OUT_AREA}
    assert replay.played == (1, 3) and replay.count == 2
    assert replay.seconds == 130
    assert [replay.position(n) for n in (1, 2, 3)] == [1, None, 2]
    assert replay.seconds_from(2) == replay.seconds_from(3) == 30


def test_back_and_next_jump_over_skipped_steps():
    steps = [saved(1), saved(2, "lower-back"), saved(3, "lower-back"), saved(4)]
    replay = Replay.of(steps, STRAIN_LOW_BACK)
    assert (replay.before(4), replay.after(1)) == (1, 4)
    assert (replay.before(1), replay.after(4)) == (None, None)
    assert (replay.before(3), replay.after(2)) == (1, 4)  # from a skipped step, too


def test_nothing_left_to_do():
    replay = Replay.of([saved(1, "lower-back"), saved(2, "lower-back")], STRAIN_LOW_BACK)
    assert replay.played == () and replay.count == 0 and replay.seconds == 0
    assert replay.after(0) is None


# ---------- A saved step keeps what the rule reads ----------
@pytest.mark.django_db
def test_a_saved_step_keeps_its_techniques_family_and_pressure():
    from tests.factories import care_session

    built = care_session("partner", ["lower-back"], [], 30, movement=False)
    for step in built.steps.select_related("technique__family"):
        assert (step.family, step.pressure) == (step.technique.family.slug, step.technique.pressure)


@pytest.mark.django_db
def test_steps_saved_before_are_given_their_techniques_family_and_pressure():
    from django.apps import apps

    from backcare.planner.models import CareStep
    from tests.factories import care_session

    built = care_session("partner", ["lower-back"], [], 30, movement=False)  # as saved then
    CareStep.objects.filter(session=built).update(family="", pressure=Pressure.FIRM)
    migration = importlib.import_module(
        "backcare.planner.migrations.0005_steps_keep_family_and_pressure"
    )
    migration.fill_from_catalogue(apps, None)
    kinds = {(s.family, s.pressure) for s in built.steps.all()}
    assert ("petrissage", Pressure.MODERATE) in kinds and ("effleurage", Pressure.LIGHT) in kinds
    for step in built.steps.select_related("technique__family"):
        assert (step.family, step.pressure) == (step.technique.family.slug, step.technique.pressure)
