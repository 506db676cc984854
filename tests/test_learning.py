"""Learning from a browser's own history: the lessons (`planner.learning.learn`) and what the
composer does with them (`Request.avoid`, `Request.favour`), on hand-built catalogues."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from backcare.catalogue.choices import Phase
from backcare.planner.compose import compose
from backcare.planner.learning import Applied, Change, Past, Tap, Why, learn, said
from backcare.planner.models import Felt
from backcare.planner.plan import Unused
from tests.snapshots import ask, movement, muscle, snapshot, stroke, technique

pytestmark = pytest.mark.engine_free

DAY = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
BACK, HIPS = muscle("erector", "lower-back"), muscle("glute", "hips")
KNEAD = technique("knead", BACK, seconds=(30, 90, 300))
LEAN = technique("elbow-lean", BACK, family="pressure", seconds=(30, 60, 120))
BALL = technique("ball-wall", BACK, family="rolling", seconds=(30, 60, 180), props=(("ball",),))
STROKE = stroke("stroke", BACK, HIPS)
ROLLS = movement("knee-rolls")
TILTS = movement("pelvic-tilts", order=2)
SNAP = snapshot(KNEAD, LEAN, BALL, STROKE, movements=(ROLLS, TILTS))


def day(n: int, hour: int = 18) -> datetime:
    return DAY + timedelta(days=n, hours=hour - 18)


def run(n: int, before=None, after=None, works=("knead", "elbow-lean"), marks=()) -> Past:
    named = tuple((slug, slug.replace("-", " ").capitalize()) for slug in works)
    return Past(day(n), before, after, named, tuple(marks))


def mark(work: str, felt: str, n: int, movement=False) -> Tap:
    return Tap(work, work.replace("-", " ").capitalize(), felt, day(n, 19), movement)


def techniques(plan) -> set[str]:
    return {s.technique for s in plan.steps if s.phase != Phase.MOVE}


def seconds_of(plan, slug: str) -> int:
    return sum(s.seconds for s in plan.steps if s.technique == slug)


# ---------- What is learned ----------
def test_a_step_marked_too_much_is_left_out_and_says_when():
    (lesson,) = learn([run(1, marks=[mark("elbow-lean", Felt.TOO_MUCH, 1)])])
    assert (lesson.change, lesson.work, lesson.why) == (Change.OUT, "elbow-lean", Why.TOO_MUCH)
    assert lesson.on == day(1, 19)
    assert lesson.name == "Elbow lean"


def test_the_latest_mark_of_a_technique_wins():
    marks = [mark("elbow-lean", Felt.TOO_MUCH, 1), mark("elbow-lean", Felt.GOOD, 3)]
    (lesson,) = learn([run(1, marks=marks[:1]), run(3, marks=marks[1:])])
    assert (lesson.change, lesson.why) == (Change.MORE, Why.GOOD)
    (again,) = learn([run(3, marks=marks[1:]), run(1, marks=marks[:1])])  # any order given
    assert again == lesson


def test_skip_next_time_leaves_it_out_of_the_next_session_built_only():
    history = [run(1, marks=[mark("knead", Felt.SKIP, 1)])]
    (lesson,) = learn(history, built=[day(0)])
    assert (lesson.change, lesson.why) == (Change.OUT, Why.SKIP)
    assert learn(history, built=[day(0), day(2)]) == ()  # a session built since: spent


def test_two_meaningful_falls_after_a_technique_give_it_more_time():
    history = [run(1, 6, 3, works=("ball-wall",)), run(2, 5, 3, works=("ball-wall",))]
    (lesson,) = learn(history)
    assert (lesson.change, lesson.why, lesson.times) == (Change.MORE, Why.FELL, 2)
    assert (lesson.least, lesson.most) == (2, 3)
    assert lesson.on == day(2)


def test_one_fall_or_small_falls_teach_nothing():
    assert learn([run(1, 6, 3, works=("ball-wall",))]) == ()
    small = [run(n, 5, 4, works=("ball-wall",)) for n in range(1, 5)]  # 1 point, 20 %
    assert learn(small) == ()
    unrated = [run(n, 6, None, works=("ball-wall",)) for n in range(1, 5)]
    assert learn(unrated) == ()


def test_a_fall_is_not_credited_to_work_marked_too_much_since():
    history = [
        run(1, 6, 3, works=("ball-wall",)),
        run(2, 6, 3, works=("ball-wall",), marks=[mark("ball-wall", Felt.TOO_MUCH, 2)]),
    ]
    (lesson,) = learn(history)
    assert lesson.change == Change.OUT


def test_only_the_techniques_seen_most_often_with_falls_are_favoured():
    works = ("a", "b", "c")
    history = [run(1, 6, 2, works=works), run(2, 6, 2, works=works), run(3, 6, 2, works=("c",))]
    favoured = {lesson.work for lesson in learn(history)}
    assert len(favoured) == 2 and "c" in favoured


def test_a_movement_marked_felt_good_is_not_favoured_but_too_much_leaves_it_out():
    good = [run(1, marks=[mark("knee-rolls", Felt.GOOD, 1, movement=True)])]
    assert learn(good) == ()
    (lesson,) = learn([run(1, marks=[mark("knee-rolls", Felt.TOO_MUCH, 1, movement=True)])])
    assert lesson.out and lesson.movement


def test_undoing_a_lesson_takes_it_out_of_what_the_composer_is_asked():
    lessons = learn(
        [run(1, marks=[mark("elbow-lean", Felt.TOO_MUCH, 1), mark("knead", Felt.GOOD, 1)])]
    )
    applied = Applied(lessons)
    assert applied.avoid == {"elbow-lean"} and applied.favour == {"knead"}
    out = next(lesson for lesson in lessons if lesson.out)
    undone = Applied(lessons, frozenset({out.key}))
    assert undone.avoid == frozenset() and undone.favour == {"knead"}
    assert undone.taken_back == (out,)


def test_a_newer_mark_makes_a_new_lesson_that_an_old_undo_does_not_cover():
    first = learn([run(1, marks=[mark("elbow-lean", Felt.TOO_MUCH, 1)])])
    later = learn(
        [
            run(1, marks=[mark("elbow-lean", Felt.TOO_MUCH, 1)]),
            run(4, marks=[mark("elbow-lean", Felt.TOO_MUCH, 4)]),
        ]
    )
    assert Applied(later, frozenset({first[0].key})).avoid == {"elbow-lean"}


# ---------- What the composer does with it ----------
def test_work_the_history_leaves_out_is_not_in_the_session_and_the_plan_says_so():
    plain = compose(SNAP, ask(minutes=8, movement=False))
    assert "elbow-lean" in techniques(plain)
    plan = compose(SNAP, _asking(avoid={"elbow-lean"}))
    assert "elbow-lean" not in techniques(plan)
    assert plan.learned_out == ("elbow-lean",)
    assert seconds_of(plan, "knead") > seconds_of(plain, "knead")  # its time goes to other work


def test_a_left_out_technique_the_session_could_not_use_anyway_is_not_said():
    other = technique("partner-lean", BACK, performer="partner")
    snap = snapshot(KNEAD, LEAN, other)
    plan = compose(snap, _asking(avoid={"partner-lean"}))
    assert plan.learned_out == ()


def test_a_movement_the_history_leaves_out_is_replaced():
    plain = compose(SNAP, ask(minutes=10))
    assert "knee-rolls" in {s.technique for s in plain.steps if s.phase == Phase.MOVE}
    plan = compose(SNAP, _asking(minutes=10, movement=True, avoid={"knee-rolls"}))
    moved = {s.technique for s in plan.steps if s.phase == Phase.MOVE}
    assert "knee-rolls" not in moved and "pelvic-tilts" in moved
    assert plan.learned_out == ("knee-rolls",)


def test_favoured_work_comes_first_in_its_area_and_gets_more_of_the_time():
    asking = _asking(props=("ball",))
    plain = compose(SNAP, asking)
    plan = compose(SNAP, _asking(props=("ball",), favour={"ball-wall"}))
    assert seconds_of(plan, "ball-wall") > seconds_of(plain, "ball-wall")
    assert abs(plan.total_seconds - plain.total_seconds) <= 5  # the same length


def test_favoured_work_is_never_given_more_than_its_longest():
    plan = compose(SNAP, _asking(props=("ball",), minutes=30, favour={"ball-wall"}))
    assert all(s.seconds <= BALL.max_seconds for s in plan.steps if s.technique == "ball-wall")


def test_a_prop_whose_only_work_is_left_out_says_so():
    plan = compose(SNAP, _asking(props=("ball",), avoid={"ball-wall"}))
    (unused,) = plan.unused_props
    assert unused.why == Unused.YOU_SAID


def test_the_composer_is_the_same_without_history():
    assert compose(SNAP, ask(minutes=12)) == compose(SNAP, _asking(minutes=12, movement=True))


def _asking(*, avoid=(), favour=(), minutes=8, movement=False, props=()):
    base = ask(minutes=minutes, movement=movement, props=props)
    return replace(base, avoid=frozenset(avoid), favour=frozenset(favour))


# ---------- What the preview says ----------
def test_the_preview_says_only_what_changed_this_session():
    marks = [mark("elbow-lean", Felt.TOO_MUCH, 1), mark("ball-wall", Felt.GOOD, 1)]
    lessons = learn([run(1, marks=marks), run(1, marks=[mark("partner-lean", Felt.TOO_MUCH, 1)])])
    applied = Applied(lessons)
    plan = compose(SNAP, _asking(props=("ball",), avoid=applied.avoid, favour=applied.favour))
    without = compose(SNAP, _asking(props=("ball",), avoid=applied.avoid))
    said_here = {(lesson.work, undone) for lesson, undone in said(applied, plan, without)}
    assert said_here == {("elbow-lean", False), ("ball-wall", False)}  # not the partner's
    # No more time than without the favour: "more" is not said.
    assert all(lesson.out for lesson, _ in said(applied, without, without))


def test_favoured_work_already_at_its_longest_is_not_said_to_get_more():
    full = technique("full", BACK, seconds=(30, 120, 120))
    snap = snapshot(full, KNEAD)
    applied = Applied(learn([run(1, marks=[mark("full", Felt.GOOD, 1)])]))
    plan = compose(snap, _asking(favour=applied.favour, minutes=5))
    without = compose(snap, _asking(minutes=5))
    assert seconds_of(plan, "full") == seconds_of(without, "full")
    assert said(applied, plan, without) == []


def test_an_undone_change_is_said_as_undone_while_the_session_has_that_work():
    applied = Applied(learn([run(1, marks=[mark("elbow-lean", Felt.TOO_MUCH, 1)])]))
    undone = Applied(applied.lessons, frozenset({applied.lessons[0].key}))
    plan = compose(SNAP, _asking())
    assert said(undone, plan, None) == [(applied.lessons[0], True)]


def test_an_area_whose_only_work_the_history_left_out_says_so():
    plan = compose(snapshot(LEAN), _asking(avoid={"elbow-lean"}))
    (unreachable,) = plan.unreachable
    assert unreachable.learned and not unreachable.props and not unreachable.partner
    assert plan.learned_out == ("elbow-lean",)
