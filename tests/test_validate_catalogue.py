"""`manage.py validate_catalogue`: the shipped content keeps every rule, and a broken catalogue
is refused with a list that says what is wrong where."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from backcare.catalogue.choices import Motion, Pattern, Performer, Position, Pressure, Setting
from backcare.catalogue.models import (
    Contraindication,
    Movement,
    Muscle,
    PainCause,
    PainSpot,
    Prop,
    Region,
    Source,
    Technique,
    TechniqueStep,
)
from backcare.catalogue.validation import is_nhs_or_nice, source_on_its_site
from tests.factories import MuscleFactory, TechniqueFactory

pytestmark = pytest.mark.django_db


def run() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("validate_catalogue", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused() -> str:
    """What the command says is wrong (it must refuse the catalogue)."""
    err = StringIO()
    with pytest.raises(CommandError, match=r"breaks \d+ rule"):
        call_command("validate_catalogue", stdout=StringIO(), stderr=err)
    return err.getvalue()


def test_the_shipped_catalogue_keeps_every_rule():
    out, err = run()
    assert "keeps every content rule" in out and err == ""


def test_every_source_links_to_its_publishers_own_site():
    for source in Source.objects.all():
        assert source_on_its_site(source), (source.slug, source.url, source.domain)
    copied = Source(
        slug="copy",
        title="Massage",
        kind=Source.Kind.CLINICAL,
        url="http://ambersherbet.com/all-about-massage/is-massage-for-you.html",
        domain="mayoclinic.org",
    )
    assert not source_on_its_site(copied)
    lookalike = Source(
        slug="x", title="x", kind="clinical", url="https://evilnhs.uk/", domain="nhs.uk"
    )
    assert not source_on_its_site(lookalike)
    assert source_on_its_site(
        Source(slug="y", title="y", kind="clinical", url="https://www.nhs.uk/x/", domain="nhs.uk")
    )


def test_a_broken_catalogue_is_refused_with_each_problem_named():
    kneading = Technique.objects.get(slug="shoulder-kneading")
    TechniqueStep.objects.create(
        technique=kneading, number=99, text="Then move to the lower back and repeat five times."
    )
    Muscle.objects.filter(slug="piriformis").update(summary="Massage here cures sciatica.")
    nhs = Source.objects.get(slug="nhs-back-pain")
    nhs.url = "https://bridgwaterbayhealth.nhs.uk/back-pain"
    nhs.domain = "www.nhs.uk"
    nhs.save()
    promotional = Source.objects.create(slug="promo", title="Buy my course", kind="promotional")
    Contraindication.objects.get(slug="fever").sources.set([promotional])
    Region.objects.get(slug="hips-glutes").techniques.remove(
        *Technique.objects.filter(slug="ball-glute-press")
    )
    PainSpot.objects.filter(slug="saddle").update(note="")
    Contraindication.objects.filter(slug="osteochondrosis").update(advice="Keep it short.")
    blood = Contraindication.objects.get(slug="blood-thinners")  # a pressure cap: a safety rule
    blood.sources.set([Source.objects.get(slug="seed-004")])
    seed = Source.objects.get(slug="seed-003")  # an article: beside clinical pages, on a stop
    Contraindication.objects.get(slug="osteoporosis").sources.add(seed)  # a limit: no
    Contraindication.objects.get(slug="weight-loss").sources.set([seed])  # alone: no

    with pytest.raises(CommandError, match=r"breaks \d+ rule"):
        run()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("validate_catalogue", stderr=err)
    said = err.getvalue()
    assert "shoulder-kneading, line 99: names lower-back, outside its area." in said
    assert "shoulder-kneading, line 99: has a count that won't fit" in said
    assert "Piriformis: its summary makes a banned claim." in said
    assert "Source nhs-back-pain: its link is not on its publisher's site" in said
    assert "Fever: cites a promotional article." in said
    assert "Fever: a safety rule with no clinical source." in said
    assert "Technique ball-glute-press: no area where it works a muscle" in said
    assert "Osteoporosis or thin bones (not severe): a screening question that cites more" in said
    assert "Weight loss without trying: a safety rule with no clinical source." in said
    assert "Weight loss without trying: a screening question that cites more" not in said
    assert "Pain worse at night" not in said  # cites seed 003 beside the NHS: fine
    assert "Osteochondrosis: its advice doesn't say the 15 minutes it keeps a session to." in said
    assert "Blood thinners or a bleeding disorder: cites a promotional article." in said
    assert "Blood thinners or a bleeding disorder: a safety rule with no clinical source." in said
    # Only the length: how a session is given, which seed 004 may say, as for a guideline.
    assert "Osteochondrosis: cites" not in said and "Osteochondrosis: a safety" not in said
    assert "Pain spot saddle: no muscle is behind pain here and no note says what to do." in said


def test_a_pressure_tag_and_its_words_must_agree():
    """1 light, 2 moderate, 3 firm: the note says the tag's word, and no firmer one."""
    TechniqueFactory(slug="firm-words", pressure=Pressure.MODERATE, pressure_note="Firm, steady.")
    TechniqueFactory(slug="more-words", pressure=Pressure.LIGHT, pressure_note="Light to moderate.")
    TechniqueFactory(slug="no-word", pressure=Pressure.MODERATE, pressure_note="Let the head rest.")
    TechniqueFactory(
        slug="agrees", pressure=Pressure.MODERATE, pressure_note="Moderate: start light."
    )
    said = refused()
    assert "Technique firm-words: is tagged moderate but its note says firm." in said
    assert "Technique more-words: is tagged light but its note says moderate." in said
    assert "Technique no-word: is tagged moderate but its note doesn't say so." in said
    assert "Technique agrees:" not in said


def test_a_step_never_says_both_lift_off_and_keep_a_hand_on():
    TechniqueFactory(
        slug="both-ways",
        steps=[
            "Glide out to the shoulder tip, then lift off and start again by the neck.",
            "Keep a hand resting on your partner between strokes.",
        ],
    )
    TechniqueFactory(slug="lifts", steps=["Stroke up, lift your hand off and start again."])
    said = refused()
    assert "Technique both-ways on the region" in said
    assert "says both lift your hands off to start again and keep them on." in said
    assert "Technique lifts on" not in said


def test_a_setting_and_the_words_that_place_the_person_must_agree():
    TechniqueFactory(
        slug="says-lie",
        setting=Setting.SITTING,
        position="Sitting or standing, or lie on your side on a mat.",
    )
    TechniqueFactory(
        slug="wall-line-lies",
        setting=Setting.WALL,
        position="Stand with your back to a wall.",
        steps=["Or lie on a mat with the ball under your buttock."],
    )
    TechniqueFactory(
        slug="where-knots-lie",
        setting=Setting.SITTING,
        steps=["The knots usually lie between the two."],
    )
    said = refused()
    assert "Technique says-lie: set 'sitting or standing', but its position says 'lie on'." in said
    assert "Technique wall-line-lies: set 'against a wall', but its line 1 says 'lie on'." in said
    assert "where-knots-lie: set" not in said


def test_a_partner_technique_says_their_about_the_receivers_body():
    TechniqueFactory(
        slug="says-your-ribs",
        performer=Performer.PARTNER,
        cautions="No pressure on the kidney area just below your lowest ribs.",
    )
    TechniqueFactory(
        slug="says-their-ribs",
        performer=Performer.PARTNER,
        cautions="No pressure on the kidney area just below their lowest ribs.",
        steps=["Warm your hands, then rest them on your partner's back."],
    )
    TechniqueFactory(slug="alone", cautions="Nothing just below your lowest ribs.")
    said = refused()
    assert (
        "Technique says-your-ribs, cautions: says 'your lowest ribs' to the giver about the "
        "receiver's body; say 'their'." in said
    )
    assert "says-their-ribs," not in said
    assert "Technique alone," not in said


def test_a_row_with_no_source_is_reported_unless_marked_as_backcares_advice():
    MuscleFactory(name="Unsourced")
    MuscleFactory(name="Ours").sources.set([Source.objects.get(slug="backcare-advice")])
    said = refused()
    assert "Muscle Unsourced: cites no source (cite one, or mark it Backcare's advice)." in said
    assert "Muscle Ours:" not in said


def test_a_step_is_never_labelled_with_a_muscle_its_lines_dont_reach():
    """A step names a muscle in an area when the technique lists it and it lies there; its
    lines for that area must put the hands where it lies (the latissimus at the sides of the
    back, not beside the spine; the gluteus medius high on the side of the hip)."""
    lower_back, hips = Region.objects.get(slug="lower-back"), Region.objects.get(slug="hips-glutes")
    TechniqueFactory(
        slug="circles-beside-the-spine",
        muscles=Muscle.objects.filter(slug__in=["erector-spinae", "latissimus-dorsi"]),
        regions=[lower_back],
        steps=["Rest both palms on the muscles either side of the spine.", "Circle slowly."],
    )
    TechniqueFactory(
        slug="lean-mid-buttock",
        muscles=Muscle.objects.filter(slug__in=["gluteus-maximus", "gluteus-medius"]),
        regions=[hips],
        steps=["Place your forearm on the thick muscle in the middle of their buttock."],
    )
    TechniqueFactory(
        slug="sides-in",
        muscles=Muscle.objects.filter(slug__in=["erector-spinae", "latissimus-dorsi"]),
        regions=[lower_back],
        steps=["Palms on the sides of the lower back.", "Rub in towards the spine."],
    )
    said = refused()
    assert (
        "Technique circles-beside-the-spine on the lower back: labelled latissimus dorsi, but "
        "its lines don't reach where it lies." in said
    )
    assert "circles-beside-the-spine on the lower back: labelled erector spinae" not in said
    assert "lean-mid-buttock on the hips and glutes: labelled gluteus medius, but" in said
    assert "lean-mid-buttock on the hips and glutes: labelled gluteus maximus" not in said
    assert "sides-in on" not in said


def test_a_muscle_is_filed_under_the_areas_where_the_pain_finder_says_it_lies():
    upper, mid = Region.objects.get(slug="upper-back"), Region.objects.get(slug="mid-back")
    between = PainSpot.objects.get(slug="between-shoulder-blades")  # an upper-back spot
    too_low = MuscleFactory(name="Filed too low", regions=[upper, mid])
    PainCause.objects.create(spot=between, muscle=too_low, how="lies_here", rank=9, why="It.")
    not_filed = MuscleFactory(name="Not filed there", regions=[mid])
    PainCause.objects.create(spot=between, muscle=not_filed, how="lies_here", rank=9, why="It.")
    said = refused()
    assert "Muscle Filed too low: filed under the mid back, where no pain spot says it lies." in (
        said
    )
    assert "Filed too low: filed under the upper back" not in said
    assert (
        "Muscle Not filed there: a pain spot in the upper back says it lies there, but it isn't "
        "filed under it." in said
    )


def test_only_a_one_sided_technique_says_its_side_and_only_with_the_two_placeholders():
    TechniqueFactory(slug="both-at-once", each_side=False, steps=["Knead the {side} side."])
    TechniqueFactory(slug="one-sided", each_side=True, steps=["Knead the {side} side."])
    TechniqueFactory(slug="odd-name", each_side=True, steps=["Knead the {spot} gently."])
    said = refused()
    assert (
        "Technique both-at-once, line 1: Only a technique done one side at a time says {side}."
        in said
    )
    assert "Technique odd-name, line 1: Only {side} and {other_side} can be filled in." in said
    assert "Technique one-sided" not in said
    for slug, problem in (("both-at-once", "one side at a time"), ("odd-name", "filled in")):
        line = TechniqueStep.objects.get(technique__slug=slug)
        with pytest.raises(ValidationError, match=problem):  # the admin's form says the same
            line.full_clean()


def movement(slug: str, **fields) -> Movement:
    """A movement that keeps every rule (a shipped one's words and sources) but `fields`."""
    chin_tucks = Movement.objects.get(slug="chin-tucks")
    row = {
        "name": slug,
        "summary": "A gentle movement.",
        "position": Position.SITTING,
        "setting": Setting.SITTING,
        "start": chin_tucks.start,
        "action": chin_tucks.action,
        "reps": 5,
        "hold_seconds": 5,
        "dose": "Hold for 5 seconds, 5 times.",
        "often": "Once a day.",
        "tips": "Only as far as is comfortable.",
        "order": 99,
    }
    regions = fields.pop("regions", Region.objects.filter(slug="neck-shoulders"))
    sources = fields.pop("sources", chin_tucks.sources.all())
    muscles, needs = fields.pop("muscles", []), fields.pop("needs", [])
    made = Movement.objects.create(slug=slug, **(row | fields))
    made.regions.set(regions)
    made.sources.set(sources)
    made.muscles.set(muscles)
    made.needs.set(needs)
    return made


def test_a_movement_rests_on_an_nhs_or_nice_page_on_its_own_site():
    ours = Source.objects.get(slug="backcare-advice")
    mayo = Source.objects.get(slug="mayo-massage")  # clinical, but not the NHS
    movement("only-ours", sources=[ours])
    movement("only-mayo", sources=[ours, mayo])
    movement("leeds", sources=Source.objects.filter(slug="leeds-neck-problems"))
    said = refused()
    assert "Movement only-ours: cites no NHS or NICE page on its publisher's site." in said
    assert "Movement only-mayo: cites no NHS or NICE page" in said
    assert "Movement leeds:" not in said
    trust = Source(url="https://www.cuh.nhs.uk/x/", domain="cuh.nhs.uk", kind="clinical")
    assert is_nhs_or_nice(trust)
    assert is_nhs_or_nice(Source(url="https://www.nice.org.uk/ng59", domain="nice.org.uk"))
    assert not is_nhs_or_nice(Source(url="https://www.nhs.uk.example.com/", domain="nhs.uk"))
    assert not is_nhs_or_nice(Source(url="https://evilnhs.uk/", domain="evilnhs.uk"))
    assert not is_nhs_or_nice(Source(url="", domain="nhs.uk"))


def test_a_movement_moves_an_area_and_reaches_only_muscles_there():
    movement("nowhere", regions=[])
    movement("glutes-from-the-neck", muscles=Muscle.objects.filter(slug="gluteus-maximus"))
    movement("trapezius", muscles=Muscle.objects.filter(slug="upper-trapezius"))
    said = refused()
    assert "Movement nowhere: moves no area of the back." in said
    assert "Movement glutes-from-the-neck: reaches gluteus maximus, which lies outside" in said
    assert "Movement trapezius:" not in said


def test_a_movement_needs_only_what_every_home_has():
    movement("on-a-roller", needs=Prop.objects.filter(slug__in=["foam-roller", "chair"]))
    movement("on-a-chair", needs=Prop.objects.filter(slug="chair"))
    said = refused()
    assert "Movement on-a-roller: needs foam roller, which not every home has." in said
    assert "needs a chair" not in said and "Movement on-a-chair:" not in said


def test_a_movement_is_set_where_its_position_puts_the_person():
    movement("lying-but-sitting", position=Position.LYING_BACK, setting=Setting.SITTING)
    movement("standing-on-the-floor", position=Position.STANDING, setting=Setting.FLOOR)
    movement("on-all-fours", position=Position.ALL_FOURS, setting=Setting.FLOOR)
    said = refused()
    assert (
        "Movement lying-but-sitting: done lying on your back, but set 'sitting or standing'."
        in said
    )
    assert "Movement standing-on-the-floor: done standing, but set 'lying on the floor'." in said
    assert "Movement on-all-fours:" not in said


def test_a_movement_fits_a_block_of_a_few_minutes():
    """Its time is reps × sides × (move + hold): 20 s to 4 minutes."""
    movement("too-short", reps=2, hold_seconds=0, move_seconds=3)  # 6 s
    movement("too-long", reps=10, hold_seconds=10, pattern=Pattern.EACH_SIDE)  # 10×2×13 = 260 s
    movement("just-right", reps=10, hold_seconds=5, pattern=Pattern.EACH_SIDE)  # 10×2×8 = 160 s
    said = refused()
    assert "Movement too-short: takes 6 s at its dose; keep it between 20 and 240 s." in said
    assert "Movement too-long: takes 260 s at its dose" in said
    assert "Movement just-right:" not in said


def test_a_movement_says_how_much_how_often_what_to_do_and_how_to_do_it_well():
    movement("no-dose", dose=" ")
    movement("no-often", often="")
    movement("no-action", action="\n  \n")
    movement("no-advice", tips="", when_not="")
    movement("only-when-not", tips="", when_not="With a knee problem, go only halfway.")
    said = refused()
    assert "Movement no-dose: doesn't say how much." in said
    assert "Movement no-often: doesn't say how often." in said
    assert "Movement no-action: has no instructions." in said
    assert "Movement no-advice: gives no tips and no word on when not to do it." in said
    assert "Movement only-when-not:" not in said


def test_a_question_that_leaves_movements_out_says_so_when_the_session_goes_on():
    osteoporosis = Contraindication.objects.get(slug="osteoporosis")  # a limit
    osteoporosis.advice = "Light pressure only."
    osteoporosis.save()
    strain = Contraindication.objects.get(slug="recent-strain")  # leaves out an area
    strain.excluded_motions = [Motion.TWIST]
    strain.save()
    # Pregnancy stops the session: its advice is to ask a midwife first, about everything.
    assert Contraindication.objects.get(slug="pregnancy").excluded_positions
    said = refused()
    assert (
        "Screening question Osteoporosis or thin bones (not severe): leaves movements out, but "
        "its advice doesn't say so." in said
    )
    assert "Strain or sprain that is settling: leaves movements out" in said
    assert "Screening question Pregnancy:" not in said
