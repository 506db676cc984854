"""The session composer's rules, on the shipped catalogue (plain values, no requests)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.catalogue.snapshot import catalogue_snapshot, read_snapshot
from backcare.catalogue.values import Allowance
from backcare.planner.compose import compose
from backcare.planner.plan import TOLERANCE, Request
from backcare.planner.screening import verdict_for
from tests.shipped import ALL_PROPS, ALL_REGIONS

pytestmark = [pytest.mark.django_db, pytest.mark.engine_free]  # plans from the catalogue read once


@pytest.fixture
def snapshot():
    return catalogue_snapshot()


def techniques_by_slug(snapshot):
    return {t.slug: t for t in snapshot.techniques}


def massage(plan):
    """The plan's massage steps (its movement steps aside)."""
    return [s for s in plan.steps if s.phase != "move"]


def ask(performer="self", regions=ALL_REGIONS, props=(), minutes=15):
    return Request(performer, tuple(regions), frozenset(props), minutes)


def allowance_for(*slugs, areas=None):
    areas = [area for named in (areas or {}).values() for area in named]
    return verdict_for(catalogue_snapshot(), slugs, areas).allowance()


def test_mid_back_needs_a_prop_when_alone(snapshot):
    plan = compose(snapshot, ask(regions=["mid-back"]))
    assert plan.is_empty
    (missing,) = plan.unreachable
    assert missing.region == "mid-back" and missing.props
    # The suggestion really unlocks it.
    unlocked = compose(snapshot, ask(regions=["mid-back"], props=missing.props))
    assert not unlocked.is_empty
    assert {s.region for s in unlocked.steps if s.phase == "main"} == {"mid-back"}


def test_a_tennis_ball_and_a_wall_open_the_mid_back(snapshot):
    plan = compose(snapshot, ask(regions=["mid-back"], props=["tennis-ball", "wall"]))
    mid = [s for s in plan.steps if s.region == "mid-back" and s.phase == "main"]
    assert any(s.technique == "ball-against-wall" for s in mid)
    assert plan.unreachable == ()


def test_a_partner_session_starts_with_stroking_and_ends_calmly(snapshot):
    plan = compose(snapshot, ask(performer="partner", minutes=30))
    by_slug = techniques_by_slug(snapshot)
    first, last = by_slug[plan.steps[0].technique], by_slug[plan.steps[-1].technique]
    assert plan.steps[0].phase == "warm_up" and first.family == "effleurage"
    assert plan.steps[-1].phase == "finish" and last.family in {"effleurage", "tapotement"}
    assert last.pressure == 1 or last.family == "effleurage"
    assert all(by_slug[s.technique].performer == "partner" for s in massage(plan))


def test_regions_come_top_to_bottom_between_warm_up_and_finish(snapshot):
    plan = compose(snapshot, ask(performer="partner", regions=["hips-glutes", "neck-shoulders"]))
    main = [s.region for s in plan.steps if s.phase == "main"]
    assert main == sorted(main, key=ALL_REGIONS.index)
    phases = [s.phase for s in plan.steps]
    assert phases == sorted(phases, key=["warm_up", "main", "move", "finish"].index)


def test_osteoporosis_means_no_rolling_no_tapping_no_firm_pressure(snapshot):
    allowance = allowance_for("osteoporosis")
    by_slug = techniques_by_slug(snapshot)
    for performer, props in (("self", ["foam-roller", "tennis-ball", "wall"]), ("partner", [])):
        plan = compose(snapshot, ask(performer, props=props, minutes=20), allowance)
        families = {by_slug[s.technique].family for s in massage(plan)}
        assert not families & {"rolling", "tapotement"}
        assert all(by_slug[s.technique].pressure <= allowance.max_pressure for s in massage(plan))


@pytest.mark.parametrize("performer", ["self", "partner"])
def test_a_length_cap_keeps_the_session_to_it_whatever_was_asked(snapshot, performer):
    props = ["tennis-ball", "foam-roller"] if performer == "self" else []
    capped = Allowance(max_minutes=15)
    for minutes in (10, 15, 30, 60):
        plan = compose(snapshot, ask(performer, props=props, minutes=minutes), capped)
        assert plan.asked_seconds == min(minutes, 15) * 60
        assert plan.total_seconds <= 15 * 60 + TOLERANCE
    # The same as asking for 15 minutes with no cap: the cap changes the length, nothing else.
    asked_long = compose(snapshot, ask(performer, props=props, minutes=45), capped)
    assert asked_long == compose(snapshot, ask(performer, props=props, minutes=15))
    assert allowance_for("osteochondrosis") == capped


def test_an_open_wound_area_is_left_out_and_said(snapshot):
    allowance = allowance_for("open-wound", areas={"open-wound": ["lower-back"]})
    plan = compose(snapshot, ask("partner"), allowance)
    assert "lower-back" not in {s.region for s in plan.steps}
    excluded = [u for u in plan.unreachable if u.excluded]
    assert [u.region for u in excluded] == ["lower-back"]


def test_a_foam_roller_never_works_the_lower_back(snapshot):
    plan = compose(snapshot, ask(regions=["lower-back", "mid-back"], props=["foam-roller"]))
    by_slug = techniques_by_slug(snapshot)
    for step in massage(plan):
        if step.region == "lower-back":
            assert by_slug[step.technique].family != "rolling"


@pytest.mark.parametrize("minutes", [3, 5, 10, 15, 30, 45, 60])
@pytest.mark.parametrize("performer", ["self", "partner"])
def test_step_durations_add_up_and_stay_in_range(snapshot, minutes, performer):
    props = ["tennis-ball", "wall", "foam-roller"] if performer == "self" else []
    plan = compose(snapshot, ask(performer, props=props, minutes=minutes))
    if plan.shortfall:  # every piece of work at its longest: shorter, and says why
        assert minutes >= 45 and plan.total_seconds < minutes * 60
    else:
        assert abs(plan.total_seconds - minutes * 60) <= TOLERANCE
    by_slug = techniques_by_slug(snapshot)
    for step in massage(plan):
        technique = by_slug[step.technique]
        assert technique.min_seconds <= step.seconds <= technique.max_seconds


def test_each_side_work_names_the_side(snapshot):
    plan = compose(snapshot, ask(regions=["neck-shoulders"], minutes=10))
    by_slug = techniques_by_slug(snapshot)
    sided = [s for s in massage(plan) if by_slug[s.technique].each_side]
    assert sided and {s.side for s in sided} == {"left", "right"}


def test_the_same_answers_give_the_same_session(snapshot):
    """Two snapshots read separately from the database (not one kept object) give equal
    plans: composing depends on the catalogue's content, not on object identity or order."""
    request = ask("self", props=["tennis-ball", "wall", "massage-cane"], minutes=25)
    again = read_snapshot()
    assert again is not snapshot
    assert compose(snapshot, request) == compose(again, request)
    assert compose(snapshot, request) == compose(snapshot, request)


def test_nothing_reachable_gives_a_clear_empty_plan(snapshot):
    allowance = allowance_for("open-wound", areas={"open-wound": list(ALL_REGIONS)})
    plan = compose(snapshot, ask("partner"), allowance)
    assert plan.is_empty and len(plan.unreachable) == len(ALL_REGIONS)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    performer=st.sampled_from(["self", "partner"]),
    regions=st.sets(st.sampled_from(ALL_REGIONS), min_size=1),
    props=st.sets(st.sampled_from(ALL_PROPS)),
    minutes=st.integers(min_value=3, max_value=60),
    limits=st.sets(st.sampled_from(["osteoporosis", "blood-thinners"])),
)
def test_any_valid_request_gives_a_safe_well_formed_plan(
    snapshot, performer, regions, props, minutes, limits
):
    allowance = allowance_for(*limits)
    plan = compose(snapshot, ask(performer, sorted(regions), props, minutes), allowance)
    by_slug = techniques_by_slug(snapshot)
    assert plan == compose(snapshot, ask(performer, sorted(regions), props, minutes), allowance)
    linked = {area.region for area in plan.linked}
    accounted = {s.region for s in plan.steps if s.phase == "main"} | {
        u.region for u in plan.unreachable
    }
    assert accounted - linked == set(regions)  # nothing silently dropped
    if plan.steps and not plan.shortfall:
        assert abs(plan.total_seconds - minutes * 60) <= TOLERANCE
    for step in massage(plan):
        technique = by_slug[step.technique]
        assert technique.performer == performer
        assert technique.usable_with(snapshot.everyday | frozenset(props))
        assert technique.family not in allowance.excluded_families
        assert technique.pressure <= allowance.max_pressure
        assert technique.min_seconds <= step.seconds <= technique.max_seconds
        assert step.muscle in {m.slug for m in technique.muscles_in(step.region)}
        assert not snapshot.is_barred(technique.family, step.region)
        assert step.region not in allowance.excluded_regions
        if step.phase == "main":
            assert step.region in set(regions) | linked


@pytest.mark.parametrize(
    ("regions", "muscle", "props"),
    [
        (("hips-glutes",), "piriformis", ()),
        (("hips-glutes",), "gluteus-medius", ("tennis-ball",)),
        (("upper-back", "mid-back"), "rhomboids", ()),
        (("neck-shoulders",), "upper-trapezius", ()),
    ],
)
def test_a_session_for_a_muscle_works_it_first_with_every_one_sided_technique_reaching_it(
    snapshot, regions, muscle, props
):
    asked = Request("self", regions, frozenset(props), 5, focus=(muscle,))
    plain = compose(snapshot, Request("self", regions, frozenset(props), 5))
    plan = compose(snapshot, asked)
    main = [s for s in plan.steps if s.phase == "main"]
    assert main[0].muscle == muscle
    reaching = {
        t.slug
        for t in snapshot.techniques
        if t.slug in {s.technique for s in main}
        and t.each_side
        and any(m.slug == muscle for r in regions for m in t.muscles_in(r))
    }
    worked = {s.technique for s in main if s.muscle == muscle}
    assert reaching <= worked  # each one-sided technique that can work it does
    assert plan.total_seconds == plain.total_seconds  # the same length, other work first
    assert compose(snapshot, asked) == plan  # still deterministic


def test_work_over_a_whole_area_is_not_named_for_the_focus_muscle(snapshot):
    """Palm circles over the lower ribs are not "for the rhomboids": whole-area work keeps
    naming the area's muscles in turn; one-sided work is aimed at the focus muscle."""
    asked = Request("partner", ("upper-back", "mid-back"), frozenset(), 45, focus=("rhomboids",))
    plan = compose(snapshot, asked)
    plain = compose(snapshot, Request("partner", ("upper-back", "mid-back"), frozenset(), 45))
    one_sided = {t.slug for t in snapshot.techniques if t.each_side}

    def whole_area(p):
        return [
            (s.technique, s.region, s.muscle)
            for s in p.steps
            if s.phase == "main" and s.technique not in one_sided
        ]

    # Whole-area work keeps naming the area's muscles in turn, focus or not.
    def named_for_focus(p):
        return sum(muscle == "rhomboids" for _, _, muscle in whole_area(p))

    for p in (plan, plain):
        assert whole_area(p) and named_for_focus(p) < len(whole_area(p)) / 2
    aimed = [s for s in plan.steps if s.phase == "main" and s.technique in one_sided]
    assert aimed and aimed[0].muscle == "rhomboids"
