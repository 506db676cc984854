"""The shipped catalogue (fixtures/catalogue.yaml) is valid, complete and safe to show."""

import re

import pytest
from django.core.management import call_command

from backcare.catalogue.choices import Motion, Performer, Position
from backcare.catalogue.models import (
    Contraindication,
    Family,
    Movement,
    Muscle,
    NoGoZone,
    PainSpot,
    Prop,
    Region,
    Source,
    Technique,
    content_models,
)
from backcare.catalogue.snapshot import read_snapshot
from backcare.catalogue.validation import is_nhs_or_nice, problems
from backcare.catalogue.values import Allowance, reachable
from backcare.planner.screening import verdict_for

pytestmark = pytest.mark.django_db

CATALOGUE_MODELS = content_models()

REQUIRED = {
    PainSpot: ["temples", "between-shoulder-blades", "lower-back", "buttock", "back-of-thigh"],
    Region: ["neck-shoulders", "upper-back", "mid-back", "lower-back", "hips-glutes"],
    Muscle: [
        "upper-trapezius",
        "rhomboids",
        "erector-spinae",
        "latissimus-dorsi",
        "teres-major",
        "gluteus-maximus",
        "gluteus-medius",
        "piriformis",
    ],
    Prop: [
        "tennis-ball",
        "lacrosse-ball",
        "foam-roller",
        "ball-sock",
        "massage-cane",
        "wall",
        "massage-oil",
        "handheld-massager",
    ],
    Contraindication: [
        "bowel-bladder",
        "limb-numbness",
        "fever",
        "blood-clot",
        "osteoporosis",
        "open-wound",
        "recent-strain",
    ],
    Family: [
        "effleurage",
        "petrissage",
        "friction",
        "compression",
        "vibration",
        "tapotement",
        "rolling",
    ],
}

# The seeds' pseudo-medical claims and plugs that must never reach a person.
EXCLUDED_CLAIMS = re.compile(
    r"toxin|salt deposit|deposits of salt|diagnos|\bcures?\b|cellulite|subcutaneous fat"
    r"|seminar|click here|bubnovsky|low back pain solved|jade|infrared|stagnation"
    r"|heart muscle|blood pressure normal",
    re.IGNORECASE,
)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in CATALOGUE_MODELS}


def test_loads_into_an_empty_database_and_again_without_duplicates():
    for model in reversed(CATALOGUE_MODELS):
        model.objects.all().delete()
    assert set(counts().values()) == {0}
    call_command("loaddata", "catalogue", verbosity=0)
    first = counts()
    call_command("loaddata", "catalogue", verbosity=0)
    assert counts() == first
    assert all(first.values()), first


@pytest.mark.parametrize("model", REQUIRED, ids=lambda m: m.__name__)
def test_public_slugs_exist(model):
    missing = set(REQUIRED[model]) - set(model.objects.values_list("slug", flat=True))
    assert not missing


def test_every_technique_reaches_a_muscle_where_it_is_applied_and_has_steps():
    for technique in Technique.objects.with_details():
        assert technique.muscles.all(), technique
        assert technique.steps.all(), technique
        assert [s.number for s in technique.steps.all()] == list(
            range(1, technique.steps.count() + 1)
        ), technique
        assert technique.min_seconds <= technique.default_seconds <= technique.max_seconds
        for region in technique.regions.all():
            assert technique.muscles.filter(regions=region).exists(), (technique, region)


def test_every_muscle_has_a_region_and_a_shape():
    for muscle in Muscle.objects.with_regions():
        assert muscle.regions.all(), muscle
        assert muscle.shape
        assert muscle.action and muscle.tightens_because and muscle.how_to_find


def test_everything_cites_a_source():
    for model in (Muscle, Prop, Family, Technique, Movement, NoGoZone, Contraindication):
        uncited = model.objects.filter(sources=None)
        assert not uncited.exists(), list(uncited)
    assert Source.objects.filter(kind=Source.Kind.CLINICAL).exists()


def test_no_excluded_claims_anywhere():
    for model in CATALOGUE_MODELS:
        text_fields = [
            f.name
            for f in model._meta.fields
            if f.get_internal_type() == "TextField" or f.get_internal_type() == "CharField"
        ]
        # A source's title and address are its publisher's words ("New and undiagnosed neck
        # problems"), as the validator's claim check also leaves them.
        if not text_fields or model is Source:
            continue
        for row in model.objects.values(*text_fields):
            for field, value in row.items():
                match = EXCLUDED_CLAIMS.search(value or "")
                assert not match, f"{model.__name__}.{field}: {match.group(0)!r} in {value!r}"


def test_rolling_never_works_the_lower_back():
    rolling = Technique.objects.filter(family__slug="rolling")
    assert rolling.exists()
    assert not rolling.filter(regions__slug="lower-back").exists()
    zone = NoGoZone.objects.get(region__slug="lower-back", whole_region=True)
    assert list(zone.families.values_list("slug", flat=True)) == ["rolling"]


def test_spine_and_kidneys_are_no_go_zones():
    zones = NoGoZone.objects.filter(families=None)
    assert {"spine", "kidney-area"} <= set(zones.values_list("slug", flat=True))


def test_a_substitute_stands_wherever_the_prop_it_replaces_is_asked_for():
    for prop in Prop.objects.prefetch_related("substitutes_for"):
        for replaced in prop.substitutes_for.all():
            for req in replaced.requirements.all():
                assert req.technique.requirements.filter(group=req.group, prop=prop).exists(), (
                    f"{prop} substitutes for {replaced} but not in {req.technique}"
                )


def test_reachability_matches_the_articles():
    """As the builder and the prop pages see it (the one rule, `values.reachable`)."""
    snapshot = read_snapshot()
    # "Much of the back is inaccessible to the hands": alone, the mid back needs a prop
    # beyond what every home has (a wall, a chair, the floor).
    assert "mid-back" not in reachable(snapshot, Performer.SELF, ())
    assert "mid-back" in reachable(snapshot, Performer.SELF, {"tennis-ball"})
    every_area = {slug for slug, _ in snapshot.regions}
    assert reachable(snapshot, Performer.PARTNER, ()) == every_area
    for performer in Performer:
        hands = [t for t in snapshot.techniques if t.performer == performer and t.usable_with(())]
        assert any(t.warm_up for t in hands) and any(t.finish for t in hands), performer


def test_limits_cap_pressure_and_bar_families():
    osteoporosis = Contraindication.objects.get(slug="osteoporosis")
    assert osteoporosis.effect == "limit"
    assert osteoporosis.max_pressure is not None and osteoporosis.max_pressure < 3
    barred = set(osteoporosis.excluded_families.values_list("slug", flat=True))
    assert {"rolling", "tapotement"} <= barred


def test_red_flags_cover_the_clinical_anchors():
    urgent = set(
        Contraindication.objects.filter(effect="refer_urgently").values_list("slug", flat=True)
    )
    assert {"bowel-bladder", "saddle-numbness", "both-legs"} <= urgent
    for slug in ("limb-numbness", "fever", "blood-clot"):
        assert Contraindication.objects.get(slug=slug).stops_session
    for slug in ("open-wound", "recent-strain"):
        assert Contraindication.objects.get(slug=slug).asks_for_area


# ---------- Movements (issue 26): content tests on the shipped rows ----------
LYING_ON_THE_BACK = {"knee-rolls", "pelvic-tilts", "knee-hugs", "bridging"}


def test_a_dozen_movements_for_the_lower_back_and_the_neck():
    slugs = set(Movement.objects.values_list("slug", flat=True))
    assert len(slugs) >= 12
    assert {"bottom-to-heels", "back-extensions", "chin-tucks", *LYING_ON_THE_BACK} <= slugs
    # Seen only on pages that credit the NHS, never on an NHS page: not shipped.
    assert not slugs & {"standing-side-bend", "seated-twist", "cat-stretch", "shoulder-rolls"}
    assert Movement.objects.first().slug == "chin-tucks"  # the neck first


def test_every_movement_rests_on_an_nhs_or_nice_page_and_keeps_every_rule():
    found = problems()
    for movement in Movement.objects.prefetch_related("sources"):
        assert any(map(is_nhs_or_nice, movement.sources.all())), movement.slug
        assert not [p for p in found if p.startswith(f"Movement {movement.slug}:")], found
    # The page shown with a movement (the snapshot's) is that NHS or NICE page, too.
    for info in read_snapshot().movements:
        source = Source.objects.get(url=info.source_url)
        assert is_nhs_or_nice(source), (info.slug, info.source_url)


def test_a_movement_with_no_number_at_its_source_says_so_and_cites_backcare():
    for slug in ("knee-hugs", "bridging"):
        movement = Movement.objects.get(slug=slug)
        assert "no hold or count" in movement.dose and "Backcare's suggestion" in movement.dose
        assert movement.sources.filter(kind=Source.Kind.BACKCARE).exists()
    for movement in Movement.objects.filter(often__contains="Backcare's suggestion"):
        assert movement.sources.filter(kind=Source.Kind.BACKCARE).exists(), movement.slug


def test_pregnancy_bars_lying_on_the_back_from_16_weeks():
    pregnancy = next(q for q in read_snapshot().questions if q.slug == "pregnancy")
    assert pregnancy.excluded_positions == (Position.LYING_BACK,)
    assert "nhs-pregnancy-exercise" in Contraindication.objects.get(
        slug="pregnancy"
    ).sources.values_list("slug", flat=True)
    allowance = Allowance(excluded_positions=frozenset(pregnancy.excluded_positions))
    barred = {m.slug for m in read_snapshot().movements if not allowance.moves(m)}
    assert barred == LYING_ON_THE_BACK
    for slug in LYING_ON_THE_BACK:
        assert "16 weeks of pregnancy" in Movement.objects.get(slug=slug).when_not


def test_osteoporosis_leaves_out_bending_forward_and_twisting_and_says_so():
    allowance = verdict_for(read_snapshot(), ["osteoporosis"], ()).allowance()
    assert allowance.excluded_motions == {Motion.BEND_FORWARD, Motion.TWIST}
    barred = {m.slug for m in read_snapshot().movements if not allowance.moves(m)}
    assert barred == {"bottom-to-heels", "knee-hugs", "knee-rolls"}
    advice = Contraindication.objects.get(slug="osteoporosis").advice
    assert "leave out bending your back forward and twisting" in advice


def test_a_settling_strain_keeps_movements_small_and_out_of_its_area():
    allowance = verdict_for(read_snapshot(), ["recent-strain"], ["neck-shoulders"]).allowance()
    assert allowance.movement_cautions == (
        "Move only through a small, easy range today: you told us about a strain that is settling.",
    )
    allowed = {m.slug for m in read_snapshot().movements if allowance.moves(m)}
    assert "chin-tucks" not in allowed and "sit-tall" in allowed
