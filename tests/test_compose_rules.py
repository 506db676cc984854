"""One test per rule of the session composer, each on a tiny hand-built catalogue whose data
tells that rule apart (the shipped catalogue happens not to exercise several of them).

Through the public API only — `compose(snapshot, request, allowance)` and the plain values —
so the tests keep guarding the rules however compose.py is arranged inside.
"""

import pytest

from backcare.catalogue.choices import Effect, Pressure
from backcare.catalogue.values import Allowance, Question, Wording, Zone
from backcare.planner.cards import UNDER_A_CAP
from backcare.planner.compose import compose
from backcare.planner.plan import HANDS_TIRE, NOTHING_MORE, TOLERANCE
from backcare.planner.screening import screen
from tests.snapshots import ask, muscle, snapshot, stroke, technique

BACK = muscle("erector")  # lies in the lower back
UPPER = muscle("rhomboid", "upper-back")
HIP = muscle("glute", "hips", refers_pain_to=("lower-back",))  # hips feed lower-back pain
KNEAD = technique("knead", BACK, UPPER, HIP)
PRESS = technique("press", BACK, UPPER, HIP, family="pressure")
ROLL = technique("roll", BACK, UPPER, family="rolling", props=(("roller",),))
# A light roll that opens and closes a session, on both halves of the back.
ROLL_WARM = technique(
    "roll-warm", BACK, UPPER, family="rolling", pressure=Pressure.LIGHT, main=False,
    warm_up=True, finish=True,
)  # fmt: skip
# One rolling sweep up the whole back, lower to upper.
SWEEP = technique(
    "sweep", BACK, UPPER, family="rolling", pressure=Pressure.LIGHT, main=False,
    warm_up=True, spans=True,
)  # fmt: skip
BOTH_HALVES = ("upper-back", "lower-back")


def worked(plan, region, phase=None):
    """The steps that touch `region` (a step over several areas touches each of them)."""
    return [
        s
        for s in plan.steps
        if region in (s.areas or (s.region,)) and (phase is None or s.phase == phase)
    ]


def families(plan, snap, region, phase=None):
    by_slug = {t.slug: t for t in snap.techniques}
    return {by_slug[s.technique].family for s in worked(plan, region, phase)}


# ---------- No-go zones bar a kind of work on an area ----------
def test_a_no_go_zone_keeps_rolling_off_the_lower_back_but_not_the_upper_back():
    snap = snapshot(KNEAD, ROLL, barred={"lower-back": ("rolling",)})
    plan = compose(snap, ask(*BOTH_HALVES, props=("roller",), minutes=10))
    assert "rolling" not in families(plan, snap, "lower-back")
    assert "rolling" in families(plan, snap, "upper-back")  # the bar is for that area only
    assert "kneading" in families(plan, snap, "lower-back")  # and for that kind of work only


def test_a_no_go_zone_on_the_only_work_leaves_the_area_unreachable():
    snap = snapshot(ROLL, barred={"lower-back": ("rolling",)})
    plan = compose(snap, ask("lower-back", props=("roller",)))
    assert plan.is_empty
    assert [u.region for u in plan.unreachable] == ["lower-back"]


def test_a_no_go_zone_for_every_kind_of_work_bars_them_all():
    snap = snapshot(KNEAD, PRESS, barred={"lower-back": ()})
    plan = compose(snap, ask(*BOTH_HALVES))
    assert not worked(plan, "lower-back") and worked(plan, "upper-back")


def test_a_no_go_zone_keeps_a_rolling_warm_up_and_finish_off_that_area():
    unbarred = snapshot(KNEAD, PRESS, ROLL_WARM)
    plan = compose(unbarred, ask(*BOTH_HALVES, minutes=10))
    assert "rolling" in families(plan, unbarred, "lower-back", "warm_up")  # it would go there
    snap = snapshot(KNEAD, PRESS, ROLL_WARM, barred={"lower-back": ("rolling",)})
    plan = compose(snap, ask(*BOTH_HALVES, minutes=10))
    assert "rolling" not in families(plan, snap, "lower-back")
    assert {s.phase for s in worked(plan, "upper-back")} >= {"warm_up", "main"}


def test_a_rolling_finish_alone_on_a_barred_area_is_left_out():
    snap = snapshot(KNEAD, PRESS, ROLL_WARM, barred={"lower-back": ("rolling",)})
    plan = compose(snap, ask("lower-back", minutes=10))
    assert plan.steps and "rolling" not in families(plan, snap, "lower-back")


def test_a_no_go_zone_stops_a_sweep_up_the_whole_back():
    plan = compose(snapshot(KNEAD, PRESS, SWEEP), ask(*BOTH_HALVES, minutes=10))
    assert [s.technique for s in plan.steps if s.phase == "warm_up"] == ["sweep"]
    snap = snapshot(KNEAD, PRESS, SWEEP, barred={"lower-back": ("rolling",)})
    plan = compose(snap, ask(*BOTH_HALVES, minutes=10))
    assert "sweep" not in {s.technique for s in plan.steps}


def test_a_card_keeps_off_the_zones_of_its_kind_of_work_there():
    spine = Zone("lower-back", "the spine", frozenset({"rolling"}))
    kidneys = Zone(None, "the kidneys")  # every area, every kind of work
    snap = snapshot(KNEAD, ROLL, zones=(spine, kidneys))
    plan = compose(snap, ask(*BOTH_HALVES, props=("roller",), minutes=10))
    cards = {(s.technique, s.region): s.card.keep_off for s in plan.steps}
    assert cards[("roll", "lower-back")] == ("the spine", "the kidneys")
    assert cards[("knead", "lower-back")] == ("the kidneys",)  # not rolling: no spine zone
    assert cards[("roll", "upper-back")] == ("the kidneys",)  # the spine zone is lower down


# ---------- Pressure caps, barred kinds of work ----------
LIGHT = technique("palms", BACK, pressure=Pressure.LIGHT, seconds=(30, 60, 300))
MODERATE = technique("thumbs", BACK, family="pressure", pressure=Pressure.MODERATE)
FIRM = technique("knuckles", BACK, family="rolling", pressure=Pressure.FIRM)


def test_a_pressure_cap_keeps_firmer_work_out_and_the_cards_say_so():
    snap = snapshot(LIGHT, MODERATE, FIRM)
    plan = compose(snap, ask(minutes=5), Allowance(max_pressure=Pressure.MODERATE))
    assert {s.technique for s in plan.steps} == {"palms", "thumbs"}
    assert all(s.card.how_hard.startswith(UNDER_A_CAP[Pressure.MODERATE]) for s in plan.steps)
    uncapped = compose(snap, ask(minutes=5))
    assert "knuckles" in {s.technique for s in uncapped.steps}
    assert not any(s.card.how_hard.startswith("No firmer") for s in uncapped.steps)


def test_two_pressure_caps_combine_to_the_gentler():
    moderate, light = (
        Question(f"cap-{cap}", "?", "cap", Effect.LIMIT, 40, max_pressure=cap)
        for cap in (Pressure.MODERATE, Pressure.LIGHT)
    )
    for answers in ([moderate, light], [light, moderate]):
        allowance = screen(answers).allowance()
        plan = compose(snapshot(LIGHT, MODERATE, FIRM), ask(minutes=5), allowance)
        assert {s.technique for s in plan.steps} == {"palms"}
        assert all(s.card.how_hard.startswith(UNDER_A_CAP[Pressure.LIGHT]) for s in plan.steps)


def test_a_barred_kind_of_work_is_left_out_of_the_main_work_and_the_bookends():
    snap = snapshot(KNEAD, PRESS, ROLL, ROLL_WARM)
    asked = ask(*BOTH_HALVES, props=("roller",), minutes=10)
    assert {"roll", "roll-warm"} <= {s.technique for s in compose(snap, asked).steps}
    plan = compose(snap, asked, Allowance(excluded_families=frozenset({"rolling"})))
    assert plan.steps and not {"roll", "roll-warm"} & {s.technique for s in plan.steps}


# ---------- Areas the safety answers leave out ----------
def test_an_area_left_out_stays_out_even_of_the_warm_up_and_finish():
    snap = snapshot(KNEAD, PRESS, ROLL_WARM)
    allowance = Allowance(excluded_regions=frozenset({"lower-back"}))
    plan = compose(snap, ask(*BOTH_HALVES, minutes=10), allowance)
    assert plan.steps and not worked(plan, "lower-back")
    assert [(u.region, u.excluded) for u in plan.unreachable] == [("lower-back", True)]
    assert plan.left_out == ("lower-back",)


def test_an_area_left_out_stops_a_sweep_up_the_whole_back():
    allowance = Allowance(excluded_regions=frozenset({"lower-back"}))
    plan = compose(snapshot(KNEAD, PRESS, SWEEP), ask(*BOTH_HALVES, minutes=10), allowance)
    assert plan.steps and "sweep" not in {s.technique for s in plan.steps}


def test_an_area_that_feeds_the_pain_is_added_unless_it_was_left_out():
    snap = snapshot(KNEAD, PRESS)
    plan = compose(snap, ask("lower-back", minutes=10))
    assert [(link.region, link.feeds) for link in plan.linked] == [("hips", "lower-back")]
    assert worked(plan, "hips")
    allowance = Allowance(excluded_regions=frozenset({"hips"}))
    plan = compose(snap, ask("lower-back", minutes=10), allowance)
    assert plan.steps and not worked(plan, "hips") and plan.linked == ()
    assert plan.left_out == ("hips",)


def test_an_added_area_works_only_the_muscles_that_feed_the_pain_and_less_than_the_area():
    other_hip = muscle("hip-flexor", "hips")  # lies in the hips, feeds nothing
    knead = technique("knead", BACK, HIP, other_hip)
    press = technique("press", BACK, HIP, other_hip, family="pressure")
    plan = compose(snapshot(knead, press), ask("lower-back", minutes=5))
    hips, back = worked(plan, "hips", "main"), worked(plan, "lower-back", "main")
    assert hips and {s.muscle for s in hips} == {"glute"}
    assert sum(s.seconds for s in hips) < sum(s.seconds for s in back)


def test_an_added_area_never_gets_more_time_than_the_area_it_feeds():
    # The lower back can take only a minute; the upper back can take the rest of the time.
    short_back = technique("back-knead", BACK, seconds=(30, 60, 60))
    upper = [technique(f"up-{i}", UPPER, family=f"f{i}", seconds=(30, 120, 600)) for i in range(3)]
    hip = technique("hip-knead", HIP, seconds=(30, 60, 600))
    plan = compose(snapshot(short_back, *upper, hip), ask(*BOTH_HALVES, minutes=10))
    hips = sum(s.seconds for s in worked(plan, "hips"))
    assert 0 < hips <= sum(s.seconds for s in worked(plan, "lower-back"))
    assert abs(plan.total_seconds - 600) <= TOLERANCE  # the upper back took the rest


# ---------- Your own hands tire ----------
def test_hand_work_alone_stops_where_hands_tire():
    snap = snapshot(KNEAD, PRESS, hands_minutes=4)
    plan = compose(snap, ask("lower-back", minutes=10))
    assert plan.shortfall == HANDS_TIRE and plan.is_short
    assert plan.total_seconds <= 4 * 60 + TOLERANCE
    # A longer allowance of hand time gives a longer session: the limit is the guideline.
    longer = compose(snapshot(KNEAD, PRESS, hands_minutes=8), ask("lower-back", minutes=10))
    assert longer.total_seconds > 6 * 60


def test_a_prop_takes_the_time_hands_cannot():
    ball = technique("ball", BACK, family="pressure", props=(("ball",),), seconds=(30, 120, 480))
    snap = snapshot(KNEAD, PRESS, ball, hands_minutes=4)
    plan = compose(snap, ask("lower-back", props=("ball",), minutes=10))
    by_hand = sum(s.seconds for s in plan.steps if s.technique != "ball")
    assert by_hand <= 4 * 60 + TOLERANCE
    assert plan.total_seconds > 4 * 60 + TOLERANCE and "ball" in {s.technique for s in plan.steps}


def test_a_partners_hands_do_not_count_against_your_own():
    partner = [
        technique(t.slug, *t.muscles, family=t.family, performer="partner") for t in (KNEAD, PRESS)
    ]
    alone = compose(snapshot(KNEAD, PRESS, hands_minutes=4), ask(minutes=6))
    assert alone.shortfall == HANDS_TIRE
    plan = compose(snapshot(*partner, hands_minutes=4), ask(performer="partner", minutes=6))
    assert not plan.shortfall and abs(plan.total_seconds - 6 * 60) <= TOLERANCE


def test_hands_too_tired_for_every_area_leave_one_out_rather_than_overwork():
    slow = [
        technique(f"slow-{i}", BACK, UPPER, family=f"f{i}", seconds=(120, 150, 180))
        for i in range(2)
    ]
    plan = compose(snapshot(*slow, hands_minutes=3), ask(*BOTH_HALVES, minutes=10))
    assert plan.total_seconds <= 3 * 60 + TOLERANCE and plan.shortfall == HANDS_TIRE
    (dropped,) = plan.unreachable
    assert dropped.no_time and not worked(plan, dropped.region)


def test_an_area_dropped_because_hands_would_tire_says_so_not_a_minute_more():
    slow = [
        technique(f"slow-{i}", BACK, UPPER, family=f"f{i}", seconds=(120, 150, 180))
        for i in range(2)
    ]
    snap = snapshot(*slow, hands_minutes=3)
    (dropped,) = compose(snap, ask(*BOTH_HALVES, minutes=10)).unreachable
    assert dropped.no_time and dropped.hands_tire and dropped.minutes_needed == 0
    assert not worked(compose(snap, ask(*BOTH_HALVES, minutes=60)), dropped.region)


def test_the_minutes_said_to_fit_a_dropped_area_do_fit_it():
    slow = [
        technique(f"slow-{i}", BACK, UPPER, family=f"f{i}", seconds=(120, 150, 180))
        for i in range(2)
    ]
    snap = snapshot(*slow)  # hands that last the session: only the time asked is short
    (dropped,) = compose(snap, ask(*BOTH_HALVES, minutes=3)).unreachable
    assert dropped.no_time and not dropped.hands_tire and dropped.minutes_needed > 0
    longer = compose(snap, ask(*BOTH_HALVES, minutes=3 + dropped.minutes_needed))
    assert worked(longer, dropped.region)


def test_hand_work_stops_being_added_once_hands_would_tire():
    ball = technique("ball", BACK, family="rolling", props=(("ball",),), seconds=(30, 300, 900))
    hands = [technique(f"hand-{i}", BACK, family=f"f{i}", seconds=(60, 60, 120)) for i in range(4)]
    plan = compose(snapshot(ball, *hands, hands_minutes=2), ask(props=("ball",), minutes=20))
    by_hand = [s for s in plan.steps if s.technique != "ball"]
    assert by_hand and sum(s.seconds for s in by_hand) <= 2 * 60 + TOLERANCE


# ---------- Who does it, and with what ----------
def test_only_the_performers_techniques_are_used():
    mine = technique("self-knead", BACK, UPPER)
    theirs = technique("partner-knead", BACK, UPPER, performer="partner")
    snap = snapshot(mine, theirs)
    alone = compose(snap, ask(*BOTH_HALVES))
    together = compose(snap, ask(*BOTH_HALVES, performer="partner"))
    assert {s.technique for s in alone.steps} == {"self-knead"}
    assert {s.technique for s in together.steps} == {"partner-knead"}


def test_work_that_needs_a_prop_waits_for_the_prop_and_says_the_cheapest():
    wall = technique("wall-lean", UPPER, family="pressure", props=(("wall",),))
    roll = technique("roll", BACK, family="rolling", props=(("roller", "ball"),))
    snap = snapshot(wall, roll)
    plan = compose(snap, ask(*BOTH_HALVES))
    # Every home has a wall: it needs no ticking. The lower back needs a prop, the cheaper one.
    assert {s.technique for s in plan.steps} == {"wall-lean"}
    assert [(u.region, u.props) for u in plan.unreachable] == [("lower-back", ("ball",))]
    with_ball = compose(snap, ask(*BOTH_HALVES, props=("ball",)))
    assert {s.technique for s in with_ball.steps} == {"wall-lean", "roll"}
    assert {s.props for s in with_ball.steps if s.technique == "roll"} == {("ball",)}


def test_an_area_only_a_partner_can_reach_says_so():
    theirs = technique("partner-knead", BACK, performer="partner")
    plan = compose(snapshot(technique("knead-up", UPPER), theirs), ask(*BOTH_HALVES))
    assert [(u.region, u.partner) for u in plan.unreachable] == [("lower-back", True)]


# ---------- Time ----------
@pytest.mark.parametrize("minutes", [3, 5, 10, 20])
def test_the_plan_takes_the_time_asked_each_step_in_its_range(minutes):
    hold = technique("hold", UPPER, BACK, family="stretch")
    snap = snapshot(KNEAD, PRESS, ROLL, ROLL_WARM, hold, hands_minutes=60)
    plan = compose(snap, ask(*BOTH_HALVES, props=("roller",), minutes=minutes))
    assert not plan.shortfall and abs(plan.total_seconds - minutes * 60) <= TOLERANCE
    by_slug = {t.slug: t for t in snap.techniques}
    for step in plan.steps:
        assert (
            by_slug[step.technique].min_seconds
            <= step.seconds
            <= by_slug[step.technique].max_seconds
        )
        assert step.seconds % 5 == 0


def test_a_length_limit_caps_the_session():
    snap = snapshot(KNEAD, PRESS, ROLL, ROLL_WARM)
    plan = compose(snap, ask(*BOTH_HALVES, props=("roller",), minutes=20), Allowance(max_minutes=5))
    assert plan.asked_seconds == 300 and plan.total_seconds <= 300 + TOLERANCE


def test_a_plan_is_shorter_rather_than_padded_with_repeats():
    knead = technique("knead", BACK)
    plan = compose(snapshot(knead), ask("lower-back", minutes=20))
    assert [s.technique for s in plan.steps] == ["knead"]  # once, at its longest
    assert plan.steps[0].seconds == knead.max_seconds and plan.shortfall == NOTHING_MORE


def test_no_technique_takes_most_of_the_time_while_others_can():
    long = technique("long-knead", BACK, seconds=(30, 300, 600))
    short = [technique(f"press-{i}", BACK, family=f"f{i}", seconds=(30, 60, 600)) for i in range(3)]
    plan = compose(snapshot(long, *short), ask("lower-back", minutes=10))
    (step,) = [s for s in plan.steps if s.technique == "long-knead"]
    assert step.seconds <= 0.4 * plan.total_seconds + 5


def test_when_time_is_short_the_finish_goes_before_an_area():
    snap = snapshot(KNEAD, PRESS, stroke("stroke", BACK, UPPER))
    roomy = compose(snap, ask(*BOTH_HALVES, minutes=10))
    assert [s.phase for s in roomy.steps][-1] == "finish"
    tight = compose(snap, ask(*BOTH_HALVES, minutes=3))
    assert "finish" not in {s.phase for s in tight.steps}
    assert tight.steps[0].phase == "warm_up"  # the warm-up goes last of all
    assert {s.region for s in tight.steps if s.phase == "main"} >= set(BOTH_HALVES)


def test_when_an_area_must_go_the_one_that_hurts_on_one_side_stays():
    slow = [
        technique(f"slow-{i}", BACK, UPPER, family=f"f{i}", seconds=(120, 150, 180))
        for i in range(2)
    ]
    for hurts, dropped in (("upper-back", "lower-back"), ("lower-back", "upper-back")):
        plan = compose(snapshot(*slow), ask(*BOTH_HALVES, minutes=3, sides=((hurts, "left"),)))
        assert [u.region for u in plan.unreachable] == [dropped]
        assert {s.region for s in plan.steps} == {hurts}


def test_a_gentle_session_is_the_stroking_not_a_warm_up_before_it():
    plan = compose(snapshot(stroke("stroke", BACK)), ask(minutes=3))
    assert [(s.phase, s.technique) for s in plan.steps] == [("main", "stroke")]
    with_work = compose(snapshot(stroke("stroke", BACK), KNEAD), ask(minutes=3))
    phases = [s.phase for s in with_work.steps]
    assert phases[0] == "warm_up" and phases[-1] == "finish"


def test_an_area_that_does_not_fit_is_dropped_and_says_how_long_would_fit_it():
    slow = [
        technique(f"slow-{i}", BACK, UPPER, family=f"f{i}", seconds=(120, 150, 180))
        for i in range(2)
    ]
    plan = compose(snapshot(*slow), ask(*BOTH_HALVES, minutes=3))
    (missing,) = plan.unreachable
    assert missing.no_time and missing.minutes_needed >= 1
    assert {s.region for s in plan.steps} == {"upper-back", "lower-back"} - {missing.region}


# ---------- What each area gets ----------
def test_never_the_same_technique_twice_on_one_area_even_on_another_muscle():
    deep = muscle("quadratus")  # a second muscle in the lower back
    knead = technique("knead", BACK, deep, seconds=(30, 60, 120))
    press = technique("press", BACK, deep, family="pressure", seconds=(30, 60, 120))
    plan = compose(snapshot(knead, press), ask(minutes=20))
    assert sorted(s.technique for s in plan.steps) == ["knead", "press"]
    assert plan.shortfall == NOTHING_MORE  # shorter, rather than the same card again


def test_one_sided_work_goes_to_the_side_that_hurts():
    sided = technique("side-press", BACK, family="pressure", each_side=True)
    snap = snapshot(KNEAD, sided)
    both = compose(snap, ask("lower-back", minutes=5))
    assert {s.side for s in both.steps if s.technique == "side-press"} == {"left", "right"}
    left = compose(snap, ask("lower-back", minutes=5, sides=(("lower-back", "left"),)))
    assert {s.side for s in left.steps if s.technique == "side-press"} == {"left"}


def test_a_session_for_a_muscle_works_it_first():
    deep = muscle("quadratus")
    knead, press = (
        technique(s, BACK, deep, family=f)
        for s, f in (("knead", "kneading"), ("press", "pressure"))
    )
    sided = technique("side-press", deep, family="pressure", each_side=True, seconds=(30, 45, 90))
    snap = snapshot(knead, press, sided)
    # In three minutes there is room for the muscle's one-sided work only when it is asked for.
    plain = compose(snap, ask(minutes=3))
    assert "side-press" not in {s.technique for s in plain.steps}
    plan = compose(snap, ask(minutes=3, focus=("quadratus",)))
    assert {s.muscle for s in plan.steps if s.technique == "side-press"} == {"quadratus"}


def test_where_knots_are_common_a_hold_comes_first():
    # Three minutes hold one piece of work: the hold, where knots are common.
    knead = technique("knead", BACK, seconds=(60, 150, 180))
    hold = technique(
        "hold", BACK, family="pressure", seconds=(60, 150, 180), wording=Wording(hold=(30, 90))
    )
    plain = compose(snapshot(knead, hold), ask(minutes=3))
    assert [s.technique for s in plain.steps] == ["knead"]
    knotty = compose(snapshot(knead, hold, knotty=("lower-back",)), ask(minutes=3))
    assert [s.technique for s in knotty.steps] == ["hold"]


def test_steps_come_top_to_bottom_in_one_place_together():
    floor = technique("floor-press", BACK, UPPER, family="pressure", setting="floor")
    knead = technique("knead", BACK, UPPER)
    plan = compose(snapshot(knead, floor), ask("lower-back", "upper-back", minutes=10))
    main = [(s.technique, s.region) for s in plan.steps if s.phase == "main"]
    settings = [s.setting for s in plan.steps if s.phase == "main"]
    assert settings == sorted(settings, key=settings.index)  # each place once, not back and forth
    for place in set(settings):
        regions = [r for (t, r), p in zip(main, settings, strict=True) if p == place]
        assert regions == sorted(regions, key=["upper-back", "lower-back"].index)


# ---------- Determinism ----------
def test_the_same_request_gives_the_same_plan():
    alike = [technique(f"hand-{i}", BACK, UPPER, family="pressure") for i in range(4)]
    catalogue = (KNEAD, PRESS, ROLL, ROLL_WARM, *alike)  # ties only the rules can break
    asked = ask(*BOTH_HALVES, props=("roller",), minutes=17)
    first = compose(snapshot(*catalogue), asked)
    assert first.steps
    for _ in range(3):
        assert compose(snapshot(*catalogue), asked) == first  # a separate, equal snapshot
    # The catalogue's order is not a rule: the same content gives the same plan.
    assert compose(snapshot(*reversed(catalogue)), asked) == first
