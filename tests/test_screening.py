"""The safety screen's rules on the shipped questions: what each answer does, in what order,
and that the questions about falls, sudden pain and night pain agree with each other."""

import pytest

from backcare.catalogue.models import Contraindication
from backcare.catalogue.snapshot import catalogue_snapshot
from backcare.planner.screening import verdict_for

pytestmark = pytest.mark.django_db

Effect = Contraindication.Effect


def question(slug: str) -> Contraindication:
    return Contraindication.objects.get(slug=slug)


def verdict(*slugs: str):
    return verdict_for(catalogue_snapshot(), slugs, ())


def test_the_questions_keep_the_screens_order_most_urgent_first():
    """The fixture's convention: 999 questions, then no massage today, then one area, then
    limits; the order field follows it, so the screen and the finder list the urgent first."""
    rank = [Effect.REFER_URGENTLY, Effect.REFER, Effect.AVOID_REGION, Effect.LIMIT]
    questions = list(Contraindication.objects.order_by("order"))
    effects = [rank.index(q.effect) for q in questions]
    assert effects == sorted(effects)
    assert len({q.order for q in questions}) == len(questions)


def test_pain_worse_lying_down_or_at_night_stops_a_session_with_a_gp_or_111():
    """Seed 003 and the NHS (HSCNI: pain that worsens lying down; nhs.uk: worse at night, not
    better after rest): no session today, an urgent GP appointment or 111."""
    night = question("night-pain")
    assert "when you lie down" in night.question and "at night" in night.question
    assert "rest" in night.question
    assert night.effect == Effect.REFER
    found = verdict("night-pain")
    assert found.stops_session and not found.urgent
    assert {"hscni-low-back-pain", "nhs-back-pain"} <= set(
        night.sources.values_list("slug", flat=True)
    )


def test_sudden_pain_counts_without_being_severe_too():
    sudden = question("sudden-severe-pain")
    assert "come on suddenly" in sudden.question
    assert "suddenly and severely" not in sudden.question
    assert verdict("sudden-severe-pain").stops_session
    # A strain or a fall has its own questions, so the two never give different answers.
    assert "without a strain or a fall" in sudden.question


def test_a_recent_fall_counts_without_pain_over_a_rib_or_the_spine():
    fall = question("recent-injury-bone-pain")
    assert "fall" in fall.question and "last few weeks" in fall.question
    assert "does it hurt over" not in fall.question
    assert fall.effect == Effect.REFER and verdict("recent-injury-bone-pain").stops_session


def test_the_fall_questions_agree_a_serious_fall_or_fragile_bones_is_999():
    """Three questions about falls, none a copy of another: a serious accident and a minor
    fall with fragile bones are 999 questions asked first; any other recent fall is a GP or
    111, whose advice also sends a serious fall to 999."""
    serious, fragile = question("serious-accident"), question("minor-fall-fragile-bones")
    fall = question("recent-injury-bone-pain")
    assert serious.effect == fragile.effect == Effect.REFER_URGENTLY
    assert serious.order < fall.order and fragile.order < fall.order
    assert "999" in fall.advice and "serious" in fall.advice
    both = verdict("recent-injury-bone-pain", "minor-fall-fragile-bones")
    assert both.urgent and [c.slug for c in both.stop] == [
        "minor-fall-fragile-bones",
        "recent-injury-bone-pain",
    ]
    labels = [q.label for q in (serious, fragile, fall)]
    assert len(set(labels)) == 3


def test_a_stop_leaves_nothing_else_to_apply():
    found = verdict("night-pain", "osteoporosis", "open-wound")
    assert found.stops_session and found.limits == () and found.local == ()


def test_osteochondrosis_keeps_a_session_to_15_minutes_and_nothing_else():
    """Seed 004: the same reasons not to massage as for anyone, one session 15 minutes at
    most. A limit on length alone: no pressure cap, no kind of work barred."""
    osteochondrosis = next(q for q in catalogue_snapshot().questions if q.slug == "osteochondrosis")
    assert osteochondrosis.effect == Effect.LIMIT and osteochondrosis.only_shortens
    assert "wear of the discs and joints" in osteochondrosis.question
    assert "15 minutes" in osteochondrosis.advice
    found = verdict("osteochondrosis")
    assert not found.stops_session and found.max_minutes == 15
    assert found.shorter == (osteochondrosis,) and found.gentler == ()
    allowance = found.allowance()
    assert allowance.max_minutes == 15
    assert allowance.excluded_families == frozenset() and allowance.max_pressure == 3


def test_limits_add_up_the_shortest_length_and_the_lightest_pressure_win():
    from tests.factories import ContraindicationFactory

    ContraindicationFactory(slug="ten-minutes", effect=Effect.LIMIT, max_minutes=10, order=99)
    found = verdict("osteochondrosis", "osteoporosis", "ten-minutes")
    assert found.max_minutes == 10 and [c.slug for c in found.shorter] == ["ten-minutes"]
    assert [c.slug for c in found.gentler] == ["osteoporosis"] and found.max_pressure == 1
    assert verdict("osteoporosis").max_minutes is None
    assert verdict("osteoporosis").allowance().max_minutes is None
