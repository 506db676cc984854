"""The catalogue's query rules, natural keys and constraints, on data built with factories."""

import pytest
from django.db import IntegrityError, transaction

from backcare.catalogue.choices import Performer, Pressure
from backcare.catalogue.models import Contraindication, Technique
from backcare.catalogue.snapshot import read_snapshot
from backcare.catalogue.values import Allowance
from tests.factories import (
    ContraindicationFactory,
    FamilyFactory,
    MuscleFactory,
    NoGoZoneFactory,
    PropFactory,
    RegionFactory,
    SourceFactory,
    StopSignalFactory,
    TechniqueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit():
    """A small world: a ball-or-lacrosse-ball AND wall technique, and a hands-only one, read
    as the builder, the prop pages and the composer read the catalogue (its snapshot)."""
    region = RegionFactory(slug="test-mid", order=90)
    muscle = MuscleFactory(regions=[region])
    ball, lacrosse = PropFactory(cost_rank=1), PropFactory(cost_rank=2)
    wall = PropFactory(cost_rank=0)
    wall_roll = TechniqueFactory(muscles=[muscle], props=[[ball, lacrosse], [wall]])
    hands = TechniqueFactory(muscles=[muscle], performer=Performer.PARTNER)
    snapshot = read_snapshot()
    info = {t.slug: t for t in snapshot.techniques}
    return {
        "ball": ball.slug,
        "lacrosse": lacrosse.slug,
        "wall": wall.slug,
        "wall_roll": info[wall_roll.slug],
        "hands": info[hands.slug],
        "model": wall_roll,
        "snapshot": snapshot,
        "region": region,
    }


def test_hands_only_technique_is_usable_with_no_props(kit):
    assert kit["hands"].usable_with([])
    assert not kit["wall_roll"].usable_with([])


def test_every_prop_group_must_be_met(kit):
    assert not kit["wall_roll"].usable_with([kit["ball"]])
    assert not kit["wall_roll"].usable_with([kit["wall"]])


def test_any_one_prop_of_a_group_is_enough(kit):
    for ball in (kit["ball"], kit["lacrosse"]):
        assert kit["wall_roll"].usable_with([ball, kit["wall"]])


def test_the_pages_show_the_same_groups(kit):
    groups = [[t.slug for t in group] for group in kit["model"].prop_groups()]
    assert groups == [[kit["ball"], kit["lacrosse"]], [kit["wall"]]]
    assert tuple(map(tuple, groups)) == tuple(map(tuple, kit["wall_roll"].prop_groups))


def test_a_technique_works_an_area_only_where_its_muscle_lies(kit):
    snapshot, elsewhere = kit["snapshot"], RegionFactory(slug="test-low", order=91)
    assert snapshot.works(kit["wall_roll"], "test-mid")
    assert not snapshot.works(kit["wall_roll"], elsewhere.slug)
    # Applied in a region but reaching no muscle that lies there: it doesn't work it.
    kit["model"].regions.add(elsewhere)
    again = {t.slug: t for t in read_snapshot().techniques}[kit["model"].slug]
    assert elsewhere.slug in again.regions and not read_snapshot().works(again, elsewhere.slug)


def test_a_pressure_cap_leaves_out_firmer_work(kit):
    firm = TechniqueFactory(pressure=Pressure.FIRM)
    info = {t.slug: t for t in read_snapshot().techniques}
    capped = Allowance(max_pressure=Pressure.MODERATE)
    assert not capped.permits(info[firm.slug])
    assert capped.permits(kit["hands"])


def test_contraindication_effects():
    urgent = ContraindicationFactory(effect=Contraindication.Effect.REFER_URGENTLY)
    local = ContraindicationFactory(effect=Contraindication.Effect.AVOID_REGION)
    assert urgent.stops_session and not urgent.asks_for_area
    assert local.asks_for_area and not local.stops_session


def test_natural_keys_round_trip():
    technique = TechniqueFactory(steps=["One"])
    step = technique.steps.get()
    assert Technique.objects.get_by_natural_key(*technique.natural_key()) == technique
    assert type(step).objects.get_by_natural_key(*step.natural_key()) == step


def test_str_is_the_name_people_read():
    assert str(MuscleFactory(name="Rhomboids")) == "Rhomboids"
    assert str(PropFactory(name="Tennis ball")) == "Tennis ball"
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


def test_only_limits_cap_a_sessions_length():
    with pytest.raises(IntegrityError), transaction.atomic():
        ContraindicationFactory(effect="avoid_region", max_minutes=15)
    shorter = ContraindicationFactory(effect="limit", max_minutes=15)
    assert shorter.only_shortens and not shorter.gentler and not shorter.stops_session


def test_stop_signals_read_as_the_feeling():
    assert str(StopSignalFactory(feeling="Tingling")) == "Tingling"


def test_a_saved_session_adds_up_its_steps():
    from tests.factories import CareSessionFactory

    first, second = TechniqueFactory(default_seconds=60), TechniqueFactory(default_seconds=90)
    session = CareSessionFactory(steps=[first, second])
    assert [s.number for s in session.steps.all()] == [1, 2]
    assert session.total_seconds == 150
    assert len(session.code) == 12 and session.get_absolute_url() == f"/s/{session.code}/"
