"""The catalogue's query rules, natural keys and constraints, on data built with factories."""

import pytest
from django.db import IntegrityError, transaction

from backcare.catalogue.models import Contraindication, Muscle, Performer, Pressure, Technique
from tests.factories import (
    ContraindicationFactory,
    FamilyFactory,
    MuscleFactory,
    NoGoZoneFactory,
    RegionFactory,
    SourceFactory,
    StopSignalFactory,
    TechniqueFactory,
    ToolFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit():
    """A small world: a ball-or-lacrosse-ball AND wall technique, and a hands-only one."""
    region = RegionFactory(slug="test-mid", order=90)
    muscle = MuscleFactory(regions=[region])
    ball, lacrosse = ToolFactory(cost_rank=1), ToolFactory(cost_rank=2)
    wall = ToolFactory(cost_rank=0)
    wall_roll = TechniqueFactory(muscles=[muscle], props=[[ball, lacrosse], [wall]])
    hands = TechniqueFactory(muscles=[muscle], performer=Performer.PARTNER)
    ids = [wall_roll.pk, hands.pk]
    return {
        "ball": ball,
        "lacrosse": lacrosse,
        "wall": wall,
        "wall_roll": wall_roll,
        "hands": hands,
        "qs": Technique.objects.filter(pk__in=ids),
        "region": region,
    }


def test_hands_only_technique_is_usable_with_no_props(kit):
    assert list(kit["qs"].usable_with([])) == [kit["hands"]]


def test_every_prop_group_must_be_met(kit):
    assert kit["wall_roll"] not in kit["qs"].usable_with([kit["ball"].slug])
    assert kit["wall_roll"] not in kit["qs"].usable_with([kit["wall"].slug])


def test_any_one_prop_of_a_group_is_enough(kit):
    for ball in (kit["ball"], kit["lacrosse"]):
        assert kit["wall_roll"] in kit["qs"].usable_with([ball.slug, kit["wall"].slug])


def test_python_side_check_agrees_with_the_query(kit):
    technique = kit["wall_roll"]
    assert technique.usable_with([kit["lacrosse"].slug, kit["wall"].slug])
    assert not technique.usable_with([kit["lacrosse"].slug])
    assert technique.prop_groups() == [[kit["ball"], kit["lacrosse"]], [kit["wall"]]]


def test_hands_only_and_performer_filters(kit):
    assert list(kit["qs"].hands_only()) == [kit["hands"]]
    assert list(kit["qs"].for_performer(Performer.PARTNER)) == [kit["hands"]]


def test_reaching_needs_the_technique_applied_where_its_muscle_lies(kit):
    elsewhere = RegionFactory(slug="test-low", order=91)
    assert set(kit["qs"].reaching(kit["region"])) == {kit["wall_roll"], kit["hands"]}
    assert not kit["qs"].reaching(elsewhere).exists()
    # Applied in a region but reaching no muscle that lies there: not a candidate.
    kit["wall_roll"].regions.add(elsewhere)
    assert not kit["qs"].reaching(elsewhere.slug).exists()


def test_at_most_caps_pressure(kit):
    firm = TechniqueFactory(pressure=Pressure.FIRM)
    qs = Technique.objects.filter(pk__in=[firm.pk, kit["hands"].pk])
    assert list(qs.at_most(Pressure.MODERATE)) == [kit["hands"]]


def test_muscles_in_region():
    region = RegionFactory()
    inside, _outside = MuscleFactory(regions=[region]), MuscleFactory()
    assert list(Muscle.objects.in_region(region)) == [inside]
    assert list(Muscle.objects.in_region(region.slug)) == [inside]


def test_contraindication_effects():
    urgent = ContraindicationFactory(effect=Contraindication.Effect.REFER_URGENTLY)
    local = ContraindicationFactory(effect=Contraindication.Effect.AVOID_REGION)
    mine = Contraindication.objects.filter(pk__in=[urgent.pk, local.pk])
    assert list(mine.stopping()) == [urgent]
    assert list(mine.by_effect("avoid_region")) == [local]
    assert urgent.stops_session and not urgent.asks_for_area
    assert local.asks_for_area and not local.stops_session


def test_natural_keys_round_trip():
    technique = TechniqueFactory(steps=["One"])
    step = technique.steps.get()
    assert Technique.objects.get_by_natural_key(*technique.natural_key()) == technique
    assert type(step).objects.get_by_natural_key(*step.natural_key()) == step


def test_str_is_the_name_people_read():
    assert str(MuscleFactory(name="Rhomboids")) == "Rhomboids"
    assert str(ToolFactory(name="Tennis ball")) == "Tennis ball"
    assert str(NoGoZoneFactory(name="Spine")) == "Spine"
    assert str(SourceFactory(title="An article")) == "An article"
    assert str(FamilyFactory(name="Effleurage")) == "Effleurage"


@pytest.mark.parametrize(("low", "default", "high"), [(60, 30, 120), (30, 150, 120), (0, 0, 10)])
def test_default_duration_must_lie_in_its_range(low, default, high):
    with pytest.raises(IntegrityError), transaction.atomic():
        TechniqueFactory(min_seconds=low, default_seconds=default, max_seconds=high)


def test_a_technique_has_at_least_one_phase():
    with pytest.raises(IntegrityError), transaction.atomic():
        TechniqueFactory(warm_up=False, main=False, finish=False)


def test_only_limits_cap_pressure():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContraindicationFactory(effect="refer", max_pressure=Pressure.LIGHT)


def test_stop_signals_read_as_the_feeling():
    assert str(StopSignalFactory(feeling="Tingling")) == "Tingling"


def test_a_saved_session_adds_up_its_steps():
    from tests.factories import CareSessionFactory

    first, second = TechniqueFactory(default_seconds=60), TechniqueFactory(default_seconds=90)
    session = CareSessionFactory(steps=[first, second])
    assert [s.number for s in session.steps.all()] == [1, 2]
    assert session.total_seconds == 150
    assert len(session.code) == 12 and session.get_absolute_url() == f"/s/{session.code}/"


def test_the_plain_catalogue_uses_the_models_words():
    """values.py is pure (no ORM), so it names a few model constants itself: they agree."""
    from backcare.catalogue import values
    from backcare.catalogue.models import Guideline, Performer, Pressure, Tool
    from backcare.planner import compose

    assert (values.SELF, values.PARTNER) == (Performer.SELF, Performer.PARTNER)
    assert values.FIRM == Pressure.FIRM == max(Pressure)
    assert values.EVERYDAY == Tool.EVERYDAY
    assert compose.SOLO_HANDS == Guideline.SOLO_HANDS_MINUTES
