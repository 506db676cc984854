"""Judging a change in pain as clinicians read the 0–10 scale: a fall of 2 points or 30 % of
the score before is meaningful; a rise of 2 points or more is pain made worse."""

from fractions import Fraction

import pytest

from backcare.planner.outcomes import Kind, judge, judged, tally


@pytest.mark.parametrize(
    ("before", "after", "kind", "points", "percent"),
    [
        (10, 7, Kind.MEANINGFUL, 3, 30),  # 30 % exactly: meaningful
        (7, 5, Kind.MEANINGFUL, 2, 28),  # 28.6 %, but 2 points: meaningful
        (10, 8, Kind.MEANINGFUL, 2, 20),  # 20 %, but 2 points: meaningful
        (3, 2, Kind.MEANINGFUL, 1, 33),  # 1 point, but 33 %: meaningful by its share
        (4, 3, Kind.SMALL_FALL, 1, 25),  # 1 point and 25 %: a small fall
        (9, 8, Kind.SMALL_FALL, 1, 11),
        (6, 6, Kind.NO_CHANGE, 0, 0),
        (0, 0, Kind.NO_CHANGE, 0, None),  # no pain before: no share of it
        (5, 6, Kind.SMALL_RISE, 1, 20),
        (0, 1, Kind.SMALL_RISE, 1, None),
        (4, 6, Kind.WORSE, 2, 50),  # a rise of 2: said as worse
        (0, 3, Kind.WORSE, 3, None),
        (1, 0, Kind.MEANINGFUL, 1, 100),  # from a little pain to none
    ],
)
def test_a_change_is_judged_at_the_thresholds_edges(before, after, kind, points, percent):
    change = judge(before, after)
    assert (change.kind, change.points, change.percent) == (kind, points, percent)
    assert change.meaningful is (kind is Kind.MEANINGFUL)
    assert change.fell is (after < before) and change.rose is (after > before)


def test_one_point_is_short_of_two_and_two_is_not():
    assert not judge(8, 7).meaningful  # 1 point, 12 %
    assert judge(8, 6).meaningful  # 2 points, 25 %


def test_a_share_just_short_of_thirty_percent_is_not_meaningful():
    # 29 % vs 30 %: on whole numbers, a share just short of it needs a score before over 10,
    # so the means of several ratings stand in: 1 point of 3.45 is 28.9 %, of 3.3 is 30.3 %.
    short, enough = judge(3.45, 2.45), judge(3.3, 2.3)
    assert (short.kind, short.percent) == (Kind.SMALL_FALL, 28)
    assert (enough.kind, enough.percent) == (Kind.MEANINGFUL, 30)


def test_thirty_percent_exactly_is_meaningful_without_float_rounding():
    # 0.3 * 10 is 3.0000000000000004 in floats: a float comparison would miss 10 → 7's 30 %.
    assert judge(Fraction(10), Fraction(7)).meaningful
    assert judge(10.0, 7.0).meaningful and judge(5.0, 3.5).meaningful  # 1.5 of 5: 30 %


def test_a_mean_that_fell_by_1_9_points_is_judged_by_its_share():
    small = judge(8.0, 6.1)  # 1.9 points, 23.75 %: short of both
    assert (small.kind, small.points, small.percent) == (Kind.SMALL_FALL, 1.9, 23)
    assert judge(7, 5.1).points == 1.9  # not 1.9000000000000004
    assert judge(8.0, 6.0).meaningful  # 2 points
    assert judge(6.0, 4.1).meaningful  # 1.9 points, but 31.7 %


def test_a_missing_rating_is_not_judged():
    assert judged(None, 3) is None and judged(4, None) is None
    assert judged(4, 2).kind is Kind.MEANINGFUL


def test_a_history_is_tallied_over_its_sessions_with_both_ratings():
    counted = tally([(6, 3), (5, 5), (4, None), (None, None), (3, 2), (4, 6), (8, 7)])
    assert (counted.rated, counted.meaningful, counted.worse) == (5, 2, 1)
    assert tally([]).rated == 0
