"""The movement block's rules, each with a hand-built catalogue that tells it apart: when a
session has one, where it goes, how long it is, which movements the safety answers leave out,
and which it picks (an area each first, where the person already is)."""

from backcare.catalogue.choices import Motion, Phase, Position, Setting
from backcare.catalogue.values import Allowance
from backcare.planner.cards import STOP_MOVING
from backcare.planner.compose import compose
from backcare.planner.movement import budget
from tests.snapshots import ask, movement, muscle, snapshot, stroke, technique

BACK, HIPS = muscle("erector", "lower-back"), muscle("glute", "hips")
KNEAD = technique("knead", BACK, HIPS, seconds=(30, 90, 300))
TAP = stroke("tap", BACK, HIPS, warm_up=False)  # a finish only
LONG = technique("long", BACK, seconds=(30, 300, 3600), props=(("wall",),))  # fills any time
FLOOR_ROLL = technique("floor-roll", BACK, setting=Setting.FLOOR, seconds=(30, 90, 300))


def moves(plan):
    return [s for s in plan.steps if s.phase == Phase.MOVE]


def test_a_session_of_ten_minutes_moves_after_the_main_work_and_before_the_finish():
    snap = snapshot(KNEAD, TAP, movements=(movement("rolls"),))
    plan = compose(snap, ask(minutes=10))
    phases = [s.phase for s in plan.steps]
    assert Phase.MOVE in phases
    assert phases[-1] == Phase.FINISH
    assert phases.index(Phase.MOVE) > max(i for i, p in enumerate(phases) if p == Phase.MAIN)


def test_a_shorter_session_and_one_that_leaves_movement_out_are_all_massage():
    snap = snapshot(LONG, TAP, movements=(movement("rolls"),))
    assert not moves(compose(snap, ask(minutes=9)))
    left_out = compose(snap, ask(minutes=20, movement=False))
    assert not moves(left_out)
    assert sum(s.seconds for s in left_out.steps) == 20 * 60  # the massage takes it all


def test_the_block_takes_its_share_and_the_massage_the_rest_of_the_time():
    snap = snapshot(LONG, TAP, movements=tuple(movement(f"m{i}") for i in range(8)))
    for minutes in (10, 20, 30, 60):
        plan = compose(snap, ask(minutes=minutes))
        moving = sum(s.seconds for s in moves(plan))
        assert 0 < moving <= budget(minutes * 60)
        assert moving <= max(0.2 * minutes * 60, 120)
        assert abs(sum(s.seconds for s in plan.steps) - minutes * 60) <= 5


def test_the_block_is_bounded_to_two_to_six_minutes():
    assert budget(9 * 60) == 0
    assert budget(10 * 60) == 120
    assert budget(20 * 60) == 180
    assert budget(60 * 60) == 360


def test_a_position_the_answers_bar_is_left_out_and_another_is_chosen():
    lying = movement("knee-rolls", position=Position.LYING_BACK, order=1, seconds=100)
    kneeling = movement("bottom-to-heels", position=Position.ALL_FOURS, order=2, seconds=100)
    snap = snapshot(KNEAD, TAP, movements=(lying, kneeling))
    assert [s.technique for s in moves(compose(snap, ask(minutes=10)))] == ["knee-rolls"]
    barred = Allowance(excluded_positions=frozenset({Position.LYING_BACK}))
    assert [s.technique for s in moves(compose(snap, ask(minutes=10), barred))] == [
        "bottom-to-heels"
    ]


def test_a_motion_the_answers_bar_is_left_out():
    twist = movement("twist", motions=frozenset({Motion.TWIST}), order=1, seconds=100)
    tilt = movement("tilt", order=2, seconds=100)
    snap = snapshot(KNEAD, TAP, movements=(twist, tilt))
    barred = Allowance(excluded_motions=frozenset({Motion.TWIST}))
    assert [s.technique for s in moves(compose(snap, ask(minutes=10), barred))] == ["tilt"]


def test_a_movement_of_an_area_left_out_stays_out():
    both = movement("rolls", "lower-back", "hips", order=1)
    hips_only = movement("bridge", "hips", order=2)
    snap = snapshot(KNEAD, TAP, movements=(both, hips_only))
    left_out = Allowance(excluded_regions=frozenset({"lower-back"}))
    plan = compose(snap, ask("lower-back", "hips", minutes=10), left_out)
    assert [s.technique for s in moves(plan)] == ["bridge"]


def test_each_area_gets_a_movement_before_any_gets_a_second():
    snap = snapshot(
        KNEAD,
        TAP,
        movements=(
            movement("back-1", "lower-back", seconds=50, order=1),
            movement("back-2", "lower-back", seconds=50, order=2),
            movement("hips-1", "hips", seconds=50, order=3),
        ),
    )
    chosen = [s.technique for s in moves(compose(snap, ask("lower-back", "hips", minutes=10)))]
    assert sorted(chosen) == ["back-1", "hips-1"]  # 120 s: one for each area, not two for one


def test_where_the_main_work_ends_a_movement_there_comes_first():
    sitting = movement("sit-tall", position=Position.SITTING, order=1, seconds=100)
    lying = movement("knee-rolls", position=Position.LYING_BACK, order=2, seconds=100)
    on_the_floor = snapshot(FLOOR_ROLL, movements=(sitting, lying))
    assert [s.technique for s in moves(compose(on_the_floor, ask(minutes=10)))] == ["knee-rolls"]
    sat = snapshot(KNEAD, movements=(sitting, lying))
    assert [s.technique for s in moves(compose(sat, ask(minutes=10)))] == ["sit-tall"]


def test_a_movement_card_says_the_stop_line_and_the_answers_cautions():
    snap = snapshot(KNEAD, TAP, movements=(movement("rolls", when_not="Not with a sore knee."),))
    careful = Allowance(movement_cautions=("Only a small range today.",))
    (step,) = moves(compose(snap, ask(minutes=10), careful))
    assert STOP_MOVING in step.card.cautions
    assert "Not with a sore knee." in step.card.cautions
    assert "Only a small range today." in step.card.how_hard


def test_a_movement_names_the_session_areas_it_moves():
    snap = snapshot(KNEAD, TAP, movements=(movement("rolls", "lower-back", "hips"),))
    (step,) = moves(compose(snap, ask("lower-back", "hips", minutes=10)))
    assert step.where == "Lower back and hips"
    (step,) = moves(compose(snap, ask("lower-back", minutes=10)))
    assert step.where == "Lower back"


def test_a_partner_session_moves_too():
    partner_knead = technique("p-knead", BACK, performer="partner", setting=Setting.FACE_DOWN)
    front = movement("back-extensions", position=Position.LYING_FRONT, order=2, seconds=100)
    sitting = movement("sit-tall", position=Position.SITTING, order=1, seconds=100)
    snap = snapshot(partner_knead, movements=(sitting, front))
    (step,) = moves(compose(snap, ask(performer="partner", minutes=10)))
    assert step.technique == "back-extensions"  # the receiver is already lying face down
