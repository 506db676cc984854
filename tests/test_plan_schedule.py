"""A two-week plan's days: dated, on the chosen weekdays, short and long in turn, and each
said against today and the sessions done (a missed day kindly)."""

from datetime import date, timedelta

from backcare.plans.schedule import (
    DONE,
    MISSED,
    MISSED_SAID,
    TODAY,
    UPCOMING,
    check_in_due,
    day_of_plan,
    plan_days,
    progress,
)

MONDAY = date(2026, 12, 7)  # a Monday
MON_WED_FRI = (0, 2, 4)


def days(
    starts=MONDAY, weekdays=MON_WED_FRI, today=MONDAY, done=(), short=10, long=20, moving=True
):
    return plan_days(starts, weekdays, short, long, moving, today, done)


def test_a_plan_has_fourteen_dated_days_from_its_start():
    plan = days()
    assert len(plan) == 14
    assert [d.number for d in plan] == list(range(1, 15))
    assert plan[0].date == MONDAY and plan[-1].date == MONDAY + timedelta(days=13)


def test_sessions_fall_on_the_chosen_weekdays_only():
    plan = days()
    assert [d.date.weekday() for d in plan if d.is_session] == [0, 2, 4, 0, 2, 4]
    assert all(d.minutes == 0 for d in plan if d.date.weekday() not in MON_WED_FRI)


def test_short_and_long_days_take_turns_a_short_one_first():
    assert [d.minutes for d in days() if d.is_session] == [10, 20, 10, 20, 10, 20]
    assert [d.long for d in days() if d.is_session] == [False, True] * 3


def test_movement_only_on_days_long_enough_for_the_composer_to_add_it():
    plan = days(short=5, long=15)
    assert [d.movement for d in plan if d.is_session] == [False, True] * 3
    assert not any(d.movement for d in days(moving=False))


def test_a_plan_starting_on_a_day_not_chosen_begins_with_a_rest_day():
    tuesday = MONDAY + timedelta(days=1)
    plan = days(starts=tuesday, today=tuesday)
    assert not plan[0].is_session and plan[0].is_today
    assert plan[1].date.weekday() == 2 and plan[1].minutes == 10  # Wednesday: the first, short
    assert sum(d.is_session for d in plan) == 6


def test_today_is_marked_and_the_states_follow_it():
    wednesday = MONDAY + timedelta(days=2)
    plan = days(today=wednesday, done=[MONDAY])
    assert [d.is_today for d in plan].index(True) == 2
    assert [d.state for d in plan if d.is_session][:3] == [DONE, TODAY, UPCOMING]


def test_a_missed_day_is_said_kindly_never_as_a_failure():
    friday = MONDAY + timedelta(days=4)
    plan = days(today=friday)
    missed = [d for d in plan if d.state == MISSED]
    assert [d.date.weekday() for d in missed] == [0, 2]
    assert all(d.said == "Missed — that's fine; carry on with the next one." for d in missed)
    assert missed[0].said == MISSED_SAID and all(d.can_start for d in missed)
    assert "fail" not in MISSED_SAID.lower()


def test_a_session_done_on_a_rest_day_catches_up_the_earliest_missed_one():
    tuesday = MONDAY + timedelta(days=1)
    plan = days(today=tuesday, done=[tuesday])
    assert plan[0].state == DONE and plan[0].done_on == tuesday


def test_progress_says_what_is_done_and_what_is_next():
    tuesday = MONDAY + timedelta(days=1)
    said = progress(days(today=tuesday, done=[MONDAY]), tuesday)
    assert said == "1 of 6 sessions done. Next: Wednesday 9 December, 20 minutes."
    assert progress(days(), MONDAY) == "0 of 6 sessions done. Next: today, 10 minutes."
    after = MONDAY + timedelta(days=20)
    assert progress(days(today=after), after) == "0 of 6 sessions done. The two weeks are over."


def test_the_check_in_is_asked_from_day_7_and_from_day_14_once_each():
    on = lambda day: MONDAY + timedelta(days=day - 1)  # noqa: E731
    assert check_in_due(MONDAY, on(6), [0]) is None
    assert check_in_due(MONDAY, on(7), [0]) == 1
    assert check_in_due(MONDAY, on(8), [0, 1]) is None
    assert check_in_due(MONDAY, on(14), [0, 1]) == 2
    assert check_in_due(MONDAY, on(20), [0]) == 2
    assert check_in_due(MONDAY, on(20), [0, 1, 2]) is None
    assert day_of_plan(MONDAY, on(3)) == 3 and day_of_plan(MONDAY, on(30)) == 15
