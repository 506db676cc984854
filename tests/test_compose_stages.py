"""One test per stage of the composer (areas -> fit -> choose -> order -> time -> steps), each
fed plain values built by hand, so each fails when its stage's rule goes. The rules as a person
sees them, through `compose` alone, are in test_compose_rules.py."""

from django.template.loader import render_to_string

from backcare.catalogue.values import NO_LIMITS, Allowance, PropInfo
from backcare.planner.compose import (
    Area,
    Context,
    Fit,
    Worked,
    areas,
    choose,
    fit,
    order,
    steps,
    time,
    unused,
)
from backcare.planner.plan import NOTHING_MORE, Unused, UnusedProp
from backcare.planner.timing import Unit
from tests.snapshots import ask, muscle, snapshot, stroke, technique

BACK = muscle("erector")  # lies in the lower back
UPPER = muscle("rhomboid", "upper-back")
HIP = muscle("glute", "hips", refers_pain_to=("lower-back",))  # hips feed lower-back pain
KNEAD = technique("knead", BACK, UPPER, HIP)
LOW_KNEAD = technique("knead", BACK)  # the lower back only
STROKE = stroke("stroke", BACK, UPPER, seconds=(20, 30, 60))


def context(snap, *regions, allowance=NO_LIMITS, **asked):
    return Context.of(snap, ask(*regions, **asked), allowance)


def unit(t, region="lower-back", muscle=BACK, sides=("both",), seconds=0):
    return Unit(t, region, "main", muscle.slug, muscle.name, sides, seconds=seconds)


def fitted(*found, length=600, main_hands=10_000, warm=None, finish=None):
    return Fit(tuple(found), warm, finish, 0, 0, length, main_hands, ())


def test_areas_gives_a_feeding_area_a_third_and_leaves_out_what_the_answers_exclude():
    ctx = context(
        snapshot(KNEAD),
        "upper-back",
        "lower-back",
        allowance=Allowance(excluded_regions=frozenset({"upper-back"})),
    )
    found, unreachable = areas(ctx)
    assert [(a.region, round(a.weight, 3), a.feeds) for a in found] == [
        ("lower-back", 0.667, ""),
        ("hips", 0.333, "lower-back"),
    ]
    assert found[1].muscles == {"glute"}
    assert [(u.region, u.excluded) for u in unreachable] == [("upper-back", True)]


def test_areas_says_which_props_would_open_an_area():
    roll = technique("roll", UPPER, family="rolling", props=(("roller", "ball"),))
    found, unreachable = areas(context(snapshot(roll, LOW_KNEAD), "upper-back", "lower-back"))
    assert [a.region for a in found] == ["lower-back"]
    assert [(u.region, u.props) for u in unreachable] == [("upper-back", ("ball",))]


def test_areas_keeps_only_the_likeliest_few_of_each_kind_of_work():
    kneads = [technique(f"knead-{i}", BACK) for i in range(5)]
    press = technique("press", BACK, family="pressure")
    (area,), _ = areas(context(snapshot(*kneads, press), "lower-back"))
    assert [t.slug for t in area.choices] == ["knead-0", "knead-1", "knead-2", "press"]


def test_fit_drops_the_finish_first_then_the_area_needed_least_saying_what_would_fit_it():
    snap = snapshot(technique("knead", BACK, UPPER), STROKE)
    roomy = fit(context(snap, "upper-back", "lower-back", minutes=3), areas(context(snap))[0])
    two = context(snap, "upper-back", "lower-back", minutes=2)
    tight = fit(two, areas(two)[0])
    one = context(snap, "upper-back", "lower-back", minutes=1)
    short = fit(one, areas(one)[0])
    assert roomy.finish and roomy.warm
    assert tight.finish is None and tight.warm and len(tight.areas) == 2
    assert [a.region for a in short.areas] == ["lower-back"] and short.warm is None
    assert [(u.region, u.no_time, u.minutes_needed) for u in short.left] == [
        ("upper-back", True, 1)
    ]


def test_choose_never_gives_a_muscle_the_same_kind_of_work_twice():
    other_knead = technique("knead-more", BACK)
    press = technique("press", BACK, family="pressure")
    ctx = context(snapshot(LOW_KNEAD, other_knead, press), "lower-back")
    (area,), _ = areas(ctx)
    (worked,) = choose(ctx, fitted(area, length=1200))
    assert sorted(u.technique.slug for u in worked.units) == ["knead", "press"]


def test_choose_stops_adding_hand_work_when_your_hands_would_tire():
    press = technique("press", BACK, family="pressure")
    roll = technique("roll", BACK, family="rolling", props=(("roller",),))
    ctx = context(snapshot(LOW_KNEAD, press, roll), "lower-back", props=("roller",))
    (area,), _ = areas(ctx)
    (roomy,) = choose(ctx, fitted(area, length=1200))
    (tired,) = choose(ctx, fitted(area, length=1200, main_hands=60))
    assert {u.technique.slug for u in roomy.units} == {"knead", "press", "roll"}
    assert [u.technique.hand_work for u in tired.units].count(True) == 1


def test_order_keeps_work_in_one_place_together_top_to_bottom():
    floor = technique("floor-roll", BACK, UPPER, family="rolling", setting="floor")
    upper = Area("upper-back", (), "both")
    lower = Area("lower-back", (), "both")
    worked = (
        Worked(upper, (unit(KNEAD, "upper-back", UPPER), unit(floor, "upper-back", UPPER)), 1),
        Worked(lower, (unit(floor), unit(KNEAD)), 1),
    )
    main, _, _ = order(worked, None, None)
    assert [(u.technique.setting, u.region) for u in main] == [
        ("sitting", "upper-back"),
        ("sitting", "lower-back"),
        ("floor", "upper-back"),
        ("floor", "lower-back"),
    ]


def test_order_drops_a_warm_up_that_is_the_first_main_work():
    only = unit(STROKE)
    main, warm, _ = order((Worked(Area("lower-back", (), "both"), (only,), 1),), only, None)
    assert main == (only,) and warm is None


def test_time_holds_one_technique_to_its_share_while_other_work_can_take_the_time():
    big = technique("big", BACK, seconds=(30, 200, 600))
    press = technique("press", BACK, family="pressure", seconds=(10, 20, 600))
    roll = technique("roll", BACK, family="rolling", seconds=(10, 20, 600))
    ctx = context(snapshot(big, press, roll), "lower-back", minutes=10)
    area = Area("lower-back", (), "both")
    main = (unit(big), unit(press), unit(roll))
    timed, shortfall = time(ctx, fitted(area), (Worked(area, main, 600),), main, None, None)
    seconds = {u.technique.slug: u.seconds for u in timed}
    assert not shortfall and sum(seconds.values()) == 600
    assert seconds["big"] <= 0.4 * 600 + 5 and all(s % 5 == 0 for s in seconds.values())


def test_time_says_when_nothing_more_is_worth_doing():
    brief = technique("brief", BACK, seconds=(30, 60, 90))
    ctx = context(snapshot(brief), "lower-back", minutes=10)
    area = Area("lower-back", (), "both")
    main = (unit(brief),)
    timed, shortfall = time(ctx, fitted(area), (Worked(area, main, 600),), main, None, None)
    assert shortfall == NOTHING_MORE and [u.seconds for u in timed] == [90]


def test_steps_are_one_per_side_each_with_its_card():
    each = technique("each", BACK, each_side=True, props=(("ball",),))
    ctx = context(snapshot(each), "lower-back", props=("ball",))
    made = steps(ctx, (unit(each, sides=("left", "right"), seconds=60),))
    assert [(s.side, s.seconds, s.region_name, s.props) for s in made] == [
        ("left", 60, "Lower back", ("ball",)),
        ("right", 60, "Lower back", ("ball",)),
    ]
    assert all(s.card.instructions for s in made)


def test_unused_props_carry_a_code_and_the_names_it_needs():
    roll = technique("roll", UPPER, family="rolling", props=(("roller",),))
    ctx = context(snapshot(KNEAD, roll), "lower-back", props=("roller",))
    assert unused(ctx, (), ()) == (
        UnusedProp("roller", "Roller", Unused.ELSEWHERE, ("upper-back",)),
    )


def test_the_page_words_each_reason():
    words = {
        Unused.PARTNER_HANDS: "Your partner's hands do this work in a partner session.",
        Unused.NOT_ALONE: "None of the techniques for working on your own use it.",
        Unused.NOTHING_TO_WORK: "There is nothing it can work in this session.",
        Unused.ELSEWHERE: "It works other areas, not the areas in this session.",
        Unused.TOO_FIRM: "Not with today's safety answers: what it does is too firm for now.",
        Unused.INSTEAD: "Your tennis ball does the same work in this session.",
        Unused.REPEATS: "It would only repeat work this session already does on the same muscles.",
        Unused.NO_TIME: "There wasn't time for it: a longer session would use it.",
    }
    for why, said in words.items():
        prop = UnusedProp("ball", "Ball", why, instead="Tennis ball")
        assert render_to_string("planner/build.html#unused-why", {"prop": prop}) == said


def test_time_gives_a_feeding_area_no_more_than_the_area_it_feeds():
    long = (30, 60, 600)  # seconds: shortest, usual, longest
    knead = technique("knead", BACK, seconds=long)
    knead_hip = technique("knead-hip", HIP, seconds=long)
    press_hip = technique("press-hip", HIP, family="pressure", seconds=long)
    ctx = context(snapshot(knead, knead_hip, press_hip), "lower-back", minutes=10)
    lower, hips = Area("lower-back", (), "both"), Area("hips", (), "both", feeds="lower-back")
    asked, fed = (unit(knead),), (unit(knead_hip, "hips", HIP), unit(press_hip, "hips", HIP))
    worked = (Worked(lower, asked, 200), Worked(hips, fed, 400))
    timed, _ = time(ctx, fitted(lower, hips), worked, asked + fed, None, None)
    by_area = {r: sum(u.seconds for u in timed if u.region == r) for r in ("lower-back", "hips")}
    assert by_area["hips"] <= by_area["lower-back"] + 5, by_area


def test_unused_props_of_the_same_cost_come_in_the_same_order_whatever_the_hash_seed():
    """Ticked props are a frozenset: with two props of one cost, their order (and so the
    order of the reasons on the page) followed the process's hash seed."""
    props = (PropInfo("wall", "Wall", 0), PropInfo("ball", "Ball", 1), PropInfo("cane", "Cane", 1))
    ctx = context(snapshot(LOW_KNEAD, props=props), "lower-back", props=("cane", "ball"))
    assert [p.slug for p in unused(ctx, (), ())] == ["ball", "cane"]
