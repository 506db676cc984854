"""Hand-built catalogues for the composer's tests: plain snapshot values, no database.

A test names only what its rule is about; everything else has a dull default:

    back = muscle("erector", "lower-back")
    snap = snapshot(technique("knead", back), technique("roll", back, family="rolling"))
    plan = compose(snap, ask("lower-back", minutes=5))

The catalogue has three areas, top to bottom (`upper-back`, `lower-back`, `hips`), and three
props: a wall every home has, a ball and a roller.
"""

from __future__ import annotations

from backcare.catalogue.choices import (
    EVERYDAY,
    GuidelineSlug,
    Performer,
    Position,
    Pressure,
    Setting,
)
from backcare.catalogue.values import (
    GuidelineInfo,
    Line,
    MovementInfo,
    MuscleInfo,
    PropInfo,
    Snapshot,
    TechniqueInfo,
    Wording,
    Zone,
)
from backcare.planner.plan import Request

REGIONS = (("upper-back", "Upper back"), ("lower-back", "Lower back"), ("hips", "Hips"))
PROPS = (
    PropInfo("wall", "Wall", EVERYDAY),
    PropInfo("ball", "Ball", 1),
    PropInfo("roller", "Roller", 2),
)
FAMILY_ORDER = {"effleurage": 1, "kneading": 2, "pressure": 3, "rolling": 4, "tapotement": 5}


def muscle(
    slug: str,
    *regions: str,
    bilateral: bool = True,
    refers_pain_to: tuple[str, ...] = (),
) -> MuscleInfo:
    """A muscle lying in `regions` (the lower back when none are given)."""
    return MuscleInfo(
        slug,
        slug.replace("-", " ").capitalize(),
        regions or ("lower-back",),
        bilateral,
        refers_pain_to,
    )


def technique(
    slug: str,
    *muscles: MuscleInfo,
    family: str = "kneading",
    performer: str = Performer.SELF,
    pressure: int = Pressure.MODERATE,
    seconds: tuple[int, int, int] = (30, 60, 120),  # shortest, usual, longest
    regions: tuple[str, ...] | None = None,  # the areas it is applied to: its muscles' areas
    props: tuple[tuple[str, ...], ...] = (),  # groups: any one prop of each is needed
    main: bool = True,
    warm_up: bool = False,
    finish: bool = False,
    spans: bool = False,
    each_side: bool = False,
    setting: str = "sitting",
    wording: Wording | None = None,
) -> TechniqueInfo:
    """A technique on `muscles` (one lower-back muscle when none are given)."""
    muscles = muscles or (muscle("erector"),)
    shortest, usual, longest = seconds
    return TechniqueInfo(
        slug=slug,
        name=slug.replace("-", " ").capitalize(),
        family=family,
        family_order=FAMILY_ORDER.get(family, 9),
        performer=performer,
        pressure=pressure,
        default_seconds=usual,
        min_seconds=shortest,
        max_seconds=longest,
        muscles=muscles,
        regions=regions or tuple(dict.fromkeys(r for m in muscles for r in m.regions)),
        prop_groups=props,
        each_side=each_side,
        warm_up=warm_up,
        main=main,
        finish=finish,
        setting=setting,
        spans=spans,
        wording=wording
        or Wording(
            lines=(Line(None, f"Do the {slug}."),),
            pressure_note=f"{Pressure(pressure).label}: as the technique asks.",
        ),
    )


def stroke(slug: str = "stroke", *muscles: MuscleInfo, **overrides) -> TechniqueInfo:
    """Light stroking that opens and closes a session (palm strokes)."""
    fields = dict(family="effleurage", pressure=Pressure.LIGHT, warm_up=True, finish=True)
    return technique(slug, *muscles, **{**fields, **overrides})


def movement(
    slug: str,
    *regions: str,
    position: str = Position.LYING_BACK,
    seconds: int = 60,  # at its dose: reps × (move + hold)
    **fields,
) -> MovementInfo:
    """A movement of `regions` (the lower back when none are given), on the floor when lying
    or on all fours, else sitting."""
    floor = position in (Position.LYING_BACK, Position.LYING_FRONT, Position.ALL_FOURS)
    defaults = dict(
        name=slug.replace("-", " ").capitalize(),
        setting=Setting.FLOOR if floor else Setting.SITTING,
        reps=seconds // 5,
        hold=2,
        move=3,
        dose=f"{seconds // 5} times",
        start="Get ready.",
        action=(f"Do the {slug}.",),
    )
    return MovementInfo(
        slug, position=position, regions=regions or ("lower-back",), **{**defaults, **fields}
    )


def snapshot(
    *techniques: TechniqueInfo,
    movements: tuple[MovementInfo, ...] = (),
    barred: dict[str, tuple[str, ...]] | None = None,  # area -> families barred ((): all)
    zones: tuple[Zone, ...] = (),
    knotty: tuple[str, ...] = (),
    hands_minutes: int | None = None,
    regions: tuple[tuple[str, str], ...] = REGIONS,
    props: tuple[PropInfo, ...] = PROPS,
) -> Snapshot:
    """A catalogue of just these techniques."""
    guidelines = (
        (GuidelineInfo(GuidelineSlug.SOLO_HANDS_MINUTES, hands_minutes),)
        if hands_minutes is not None
        else ()
    )
    return Snapshot(
        regions=regions,
        techniques=techniques,
        props=props,
        barred=tuple((area, frozenset(families)) for area, families in (barred or {}).items()),
        zones=zones,
        knotty=frozenset(knotty),
        guidelines=guidelines,
        movements=movements,
    )


def ask(
    *regions: str,
    performer: str = Performer.SELF,
    props: tuple[str, ...] = (),
    minutes: int = 10,
    sides: tuple[tuple[str, str], ...] = (),
    focus: tuple[str, ...] = (),
    movement: bool = True,
) -> Request:
    """What a person asks for (the lower back when no area is given)."""
    return Request(
        performer, regions or ("lower-back",), frozenset(props), minutes, sides, focus, movement
    )
