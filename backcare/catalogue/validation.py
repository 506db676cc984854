"""What the content must obey that the database can't check: each technique can be used,
each instruction line stays in its own area and side, counts fit a timer, the words agree
with the data (pressure tags, settings, the muscles a step names, "their" to a partner), no
banned claim, every row has a source or says it is Backcare's advice, safety rules rest on
clinical sources on their publishers' sites, a place on the pain finder that no muscle
explains says what to do about it, a limit on a session's length says it in its advice, each
movement rests on an NHS or NICE page and fits a timer, the place it is done and the props
every home has.

`manage.py validate_catalogue` prints what `problems()` finds; `make test` runs it on the
shipped fixtures, and the tests use the same word lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from backcare.catalogue.choices import Effect, Performer, Position, Pressure, Setting
from backcare.catalogue.models import (
    Contraindication,
    Movement,
    Muscle,
    NoGoZone,
    PainCause,
    PainSpot,
    Source,
    StopSignal,
    Technique,
    TechniqueStep,
    content_models,
)
from backcare.catalogue.snapshot import read_snapshot

# The words that put hands on an area of the back. A line for one area names only that area;
# a line for every area names none; a step never names an area the safety answers left out.
AREA_WORDS = {
    "neck-shoulders": [r"\bneck\b", r"\bshoulders?\b(?![ -]blades?)", r"\bupper trapezius\b"],
    "upper-back": [r"\bupper back\b", r"\bbetween (your|the|their) shoulder[ -]blades\b"],
    "mid-back": [r"\bmid(dle)?[ -]back\b", r"\bmiddle of (your|the|their) back\b"],
    "lower-back": [
        r"\blower back\b",
        r"\bsmall of (your|the|their) back\b",
        r"\bbottom of (your|the|their) back\b",
        r"\blumbar\b",
    ],
    "hips-glutes": [
        r"\bhips?\b",
        r"\bbuttocks?\b",
        r"\bglutes?\b",
        r"\bgluteal\b",
        r"\bsacrum\b",
        r"\bthigh\b",
    ],
}
_AREAS = {
    region: re.compile("|".join(words), re.IGNORECASE) for region, words in AREA_WORDS.items()
}

# Pressing below the lowest ribs is pressing on the kidneys.
KIDNEY_WORDS = re.compile(
    r"kidney|(below|under|beneath) (your|the|their) (lowest |bottom )?ribs", re.IGNORECASE
)

# A one-sided step never sends you to the other side: the next step does.
OTHER_SIDE_WORDS = re.compile(
    r"swap (sides|hands)|switch (sides|hands)|(the|your|their) other side|repeat on the other",
    re.IGNORECASE,
)

# Counts that can't fit a timer of 30 s to 5 min: "five passes", "a minute or so".
COUNT_WORDS = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twenty)"
    r"( (to|or) \w+)? (full |slow |long |light )?(times|passes|strokes|rounds|repetitions)\b"
    r"(?! (a|per|each) minute)"
    r"|a minute or so|for (about )?a minute\b",
    re.IGNORECASE,
)

_LYING = r"\b(lie|lies|lying) (down|back|on|flat|face)\b"  # not "the knots lie between"
# Words that put the person (the receiver, for a partner) somewhere other than the setting
# says: a session keeps steps in one place together, so the words must be in that place.
SETTING_CLASHES = {
    Setting.SITTING: re.compile(_LYING + r"|\bface down\b", re.IGNORECASE),
    Setting.WALL: re.compile(
        _LYING + r"|\bface down\b|\b(sit|sits|sitting)\b(?! up)|\bchair\b", re.IGNORECASE
    ),
    Setting.FLOOR: re.compile(
        r"\b(stand|stands|standing)\b|\bchair\b|\bwall\b|\bface down\b", re.IGNORECASE
    ),
    Setting.FACE_DOWN: re.compile(
        r"\b(lie|lies|lying) on (your|their) (back|side)\b|\b(sit|sits|sitting)\b|\bwall\b|"
        r"\bchair\b",
        re.IGNORECASE,
    ),
}

# A partner technique speaks to the giver: "your" is their hands, never the receiver's body.
RECEIVERS_BODY_AS_YOURS = re.compile(
    r"\byour (lowest |lower |upper |bottom )?(back|spine|neck|shoulders?|shoulder[ -]blades?|"
    r"ribs|hips?|buttocks?|pelvis|sacrum|legs?|thighs?|kidneys?|skin|waist|head)\b",
    re.IGNORECASE,
)

# Where each muscle lies, as a step's lines put the hands there: a step is labelled with a
# muscle only if its lines for that area reach where the muscle lies (seed 001 puts the
# gluteus medius "high on the side of the hip", the piriformis "between" the hip bone and
# the sacrum; seeds 000 and 001 put the rhomboids "between the shoulder blade and the
# spine"). A muscle not listed here isn't checked.
_BLADE = r"shoulder[ -]blades?"
MUSCLE_PLACES = {
    "upper-trapezius": r"\btops? of (the|your|their) ([{}\w]+ )?shoulders?\b",
    "lower-trapezius": rf"\bspine\b|\b{_BLADE}\b|\bacross (the|your|their) (upper |mid )?back\b",
    "rhomboids": (
        rf"\bbetween (the|your|their) (spine and (the|your|their) ([{{}}\w]+ )?{_BLADE}|"
        r"shoulder[ -]blades\b)"
        rf"|\binner edge of\b|\btops? of (the|your|their) {_BLADE}"
        rf"|\b(around|over|level with) (the|your|their) {_BLADE}"
        r"|\bacross (your|the|their) upper back"
    ),
    "teres-major": (
        rf"\bouter edges? of (the|your|their) {_BLADE}"
        r"|\bsides? of (the|your|their) back at the lower tips?\b"
    ),
    "latissimus-dorsi": (
        r"\bsides? of (the|your|their) (back|ribs|lower back|waist)\b|\balong the sides\b"
    ),
    "erector-spinae": r"\bspine\b|\bacross (the|your|their) (upper |mid )?back\b",
    "gluteus-maximus": r"\bbuttocks?\b",
    "gluteus-medius": r"\bsides? of (the|your|their) ([{}\w]+ )?hips?\b|\babove the hip bone\b",
    "piriformis": r"\bbuttocks?\b|\bbetween the two\b|\bbetween the side of (your|the|their)",
}
_MUSCLE_PLACES = {slug: re.compile(words, re.IGNORECASE) for slug, words in MUSCLE_PLACES.items()}

# A step either lifts the hands off between strokes or keeps them on: never both.
LIFT_OFF_WORDS = re.compile(
    r"\blift\w*( (your|their) hands?| them| it)? off (and|to) (start|begin)\b", re.IGNORECASE
)
KEEP_ON_WORDS = re.compile(
    r"\bkeep\w* (a|one|your|both|the) (hands?|palms?) (resting|on|in contact)\b|"
    r"\bkeep\w* (them|it) in contact\b|\bwithout lifting\b|\bnever lift",
    re.IGNORECASE,
)

# Claims the sources make that Backcare never repeats.
BANNED_CLAIMS = re.compile(
    r"\btoxins?\b|\bdetox|\bimmun(e|ity)\b|\bcures?\b|\bcured\b|\bsalt deposits?\b|"
    r"\bcellulite\b|\bfat[- ](burning|loss|reduction)\b|\bdiagnos\w* (your |the )?organs?\b|"
    r"\b(liver|kidney|bladder|stomach) (point|zone)s?\b",
    re.IGNORECASE,
)


# How hard, in the words a pressure note uses: a note says its tag's word and no firmer one.
PRESSURE_WORDS = {
    Pressure.LIGHT: re.compile(r"\blight\b", re.IGNORECASE),
    Pressure.MODERATE: re.compile(r"\bmoderate\b", re.IGNORECASE),
    Pressure.FIRM: re.compile(r"\bfirm(ly)?\b", re.IGNORECASE),
}


def pressure_words_disagree(pressure: int, note: str) -> str:
    """What is wrong with a pressure note for its tag ("" when it agrees): it must say the
    tag's word (light, moderate, firm) and no firmer one."""
    label = Pressure(pressure).label.lower()
    firmer = [p.label.lower() for p in Pressure if p > pressure and PRESSURE_WORDS[p].search(note)]
    if firmer:
        return f"is tagged {label} but its note says {' and '.join(firmer)}"
    if not PRESSURE_WORDS[pressure].search(note):
        return f"is tagged {label} but its note doesn't say so"
    return ""


def _is_safety_rule(row) -> bool:
    """Screening questions, no-go zones, and the signals that stop a session. A question that
    only caps a session's length is about how a session is given, as a guideline is."""
    if isinstance(row, StopSignal):
        return row.stop_now
    if isinstance(row, Contraindication):
        return not row.only_shortens
    return isinstance(row, NoGoZone)


# A movement's guidance comes from the NHS or NICE: the pages on these domains (and any NHS
# trust's, under nhs.uk) are the ones it may rest on.
NHS_DOMAINS = ("nhs.uk", "nhs.scot", "nhsinform.scot", "nhs.wales", "nice.org.uk")

# Where a movement is done, as a session groups its steps: on the floor, or up on a chair or
# on your feet. Lying on the front fits a partner session's face-down place too.
POSITION_SETTINGS = {
    Position.LYING_BACK: {Setting.FLOOR},
    Position.LYING_FRONT: {Setting.FLOOR, Setting.FACE_DOWN},
    Position.ALL_FOURS: {Setting.FLOOR},
    Position.SITTING: {Setting.SITTING},
    Position.STANDING: {Setting.SITTING},
}

# How long a movement takes at its dose (MovementInfo.seconds): long enough to be worth a step,
# short enough for a block of a few minutes.
MOVEMENT_SECONDS = (20, 240)


def is_nhs_or_nice(source: Source) -> bool:
    """The source is an NHS or NICE page, linked on its publisher's own site."""
    domain = source.domain.lower().strip(".")
    on_nhs = any(domain == d or domain.endswith(f".{d}") for d in NHS_DOMAINS)
    return bool(source.url) and on_nhs and source_on_its_site(source)


def areas_named(text: str) -> set[str]:
    """The areas of the back that `text` names."""
    return {region for region, pattern in _AREAS.items() if pattern.search(text)}


def source_on_its_site(source: Source) -> bool:
    """A source's link is on its publisher's own domain (or it has no link: an article)."""
    if not source.url:
        return source.kind != Source.Kind.CLINICAL
    host = (urlsplit(source.url).hostname or "").lower()
    domain = source.domain.lower().strip(".")
    return bool(domain) and (host == domain or host.endswith(f".{domain}"))


def problems() -> list[str]:
    """Everything in the catalogue as it is now that breaks a rule, in plain words."""
    return [
        *_muscles(),
        *_techniques(),
        *_lines(),
        *_claims(),
        *_sources(),
        *_spots(),
        *_limits(),
        *_movements(),
        *_movement_limits(),
    ]


def _muscles() -> Iterator[str]:
    """A muscle is filed under the areas where the pain finder's spots say it lies: the two
    say where it is independently (the rhomboids, filed under the mid back too, lay only at
    spots between the shoulder blades)."""
    for muscle in Muscle.objects.prefetch_related("regions", "pain_causes__spot__region"):
        spots = {
            cause.spot.region
            for cause in muscle.pain_causes.all()
            if cause.how == PainCause.How.LIES_HERE and cause.spot.region
        }
        if not spots:
            continue  # the finder doesn't place it: nothing to compare with
        filed = set(muscle.regions.all())
        for region in sorted(filed - spots, key=lambda r: r.order):
            yield (
                f"Muscle {muscle.name}: filed under the {region.name.lower()}, where no pain "
                "spot says it lies."
            )
        for region in sorted(spots - filed, key=lambda r: r.order):
            yield (
                f"Muscle {muscle.name}: a pain spot in the {region.name.lower()} says it lies "
                "there, but it isn't filed under it."
            )


def _spots() -> Iterator[str]:
    for spot in PainSpot.objects.filter(causes__isnull=True, note=""):
        yield f"Pain spot {spot.slug}: no muscle is behind pain here and no note says what to do."


def _techniques() -> Iterator[str]:
    techniques = Technique.objects.prefetch_related(
        "muscles__regions", "regions", "requirements__prop", "steps"
    )
    snapshot = read_snapshot()  # "works an area" is the composer's own rule
    for t in techniques:
        info = snapshot.technique(t.slug)
        if not any(snapshot.works(info, region) for region in info.regions):
            yield f"Technique {t.slug}: no area where it works a muscle and isn't barred."
        if t.hold_max_seconds and t.hold_max_seconds > t.max_seconds:
            yield f"Technique {t.slug}: a hold of {t.hold_max_seconds} s is longer than its step."
        if t.each_side and not all(m.bilateral for m in t.muscles.all()):
            yield f"Technique {t.slug}: done a side at a time on a muscle with no sides."
        if wrong := pressure_words_disagree(t.pressure, t.pressure_note):
            yield f"Technique {t.slug}: {wrong}."
        if t.performer == Performer.PARTNER:
            for label, text in _said(
                t, "summary", "position", "pressure_note", "direction", "cautions", lines=True
            ):
                if yours := RECEIVERS_BODY_AS_YOURS.search(text):
                    yield (
                        f"Technique {t.slug}, {label}: says '{yours.group(0)}' to the giver "
                        "about the receiver's body; say 'their'."
                    )
        setting = Setting(t.setting)
        for label, text in _said(t, "position", "direction", lines=True):
            if clash := SETTING_CLASHES[setting].search(text):
                yield (
                    f"Technique {t.slug}: set '{setting.label.lower()}', but its {label} says "
                    f"'{clash.group(0)}'."
                )
        applied = {r.slug for r in t.regions.all()}
        # One pass over several areas (a stroke up the whole back) may name each of them.
        allowed = applied if len(applied) == 1 or t.spans_regions else set()
        for label, text in _said(t, "name", "position", "pressure_note", "tempo", "direction"):
            if extra := areas_named(text) - allowed:
                yield f"Technique {t.slug}: its {label} names {', '.join(sorted(extra))}."
        for label, text in _said(t, "tempo", "direction"):
            if COUNT_WORDS.search(text):
                yield f"Technique {t.slug}: its {label} has a count that won't fit a timer."
            if KIDNEY_WORDS.search(text):
                yield f"Technique {t.slug}: its {label} sends pressure to the kidney area."
        for region in t.regions.all():
            lines = t.lines_for(region)
            if not lines:
                yield f"Technique {t.slug}: no instructions for the {region.name.lower()}."
            for muscle in t.muscles.all():
                place = _MUSCLE_PLACES.get(muscle.slug)
                in_area = region in muscle.regions.all()
                if in_area and lines and place and not any(map(place.search, lines)):
                    yield (
                        f"Technique {t.slug} on the {region.name.lower()}: labelled "
                        f"{muscle.name.lower()}, but its lines don't reach where it lies."
                    )
            said = [t.position, t.direction, *lines]
            if any(map(LIFT_OFF_WORDS.search, said)) and any(map(KEEP_ON_WORDS.search, said)):
                yield (
                    f"Technique {t.slug} on the {region.name.lower()}: says both lift your "
                    "hands off to start again and keep them on."
                )


def _said(t: Technique, *fields: str, lines: bool = False) -> list[tuple[str, str]]:
    """(label, text) of a technique's `fields` ("pressure note" for pressure_note), then of
    each of its instruction lines ("line 2") when `lines`."""
    said = [(name.replace("_", " "), getattr(t, name)) for name in fields]
    return said + [(f"line {s.number}", s.text) for s in t.steps.all()] if lines else said


def _lines() -> Iterator[str]:
    for line in TechniqueStep.objects.select_related("technique", "region"):
        where = f"Technique {line.technique.slug}, line {line.number}"
        if line.region:
            allowed = {line.region.slug}
        elif line.technique.spans_regions:  # one pass over all its areas names each of them
            allowed = {r.slug for r in line.technique.regions.all()}
        else:
            allowed = set()
        if extra := areas_named(line.text) - allowed:
            yield f"{where}: names {', '.join(sorted(extra))}, outside its area."
        if problem := line.side_problem():
            yield f"{where}: {problem}"
        if line.technique.each_side and OTHER_SIDE_WORDS.search(line.text):
            yield f"{where}: sends a one-sided step to the other side."
        if COUNT_WORDS.search(line.text):
            yield f"{where}: has a count that won't fit the step's timer."
        if KIDNEY_WORDS.search(line.text):
            yield f"{where}: sends hands to the kidney area."
        if line.region_id and not line.technique.regions.filter(pk=line.region_id).exists():
            yield f"{where}: is for an area the technique isn't applied in."


def _claims() -> Iterator[str]:
    for model in content_models():
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if f.get_internal_type() in ("TextField", "CharField") and f.name != "slug"
        ]
        if model is Source:
            continue  # titles are the publishers' words
        for row in model.objects.all():
            for name in text_fields:
                if BANNED_CLAIMS.search(str(getattr(row, name))):
                    kind = model._meta.verbose_name.capitalize()
                    yield f"{kind} {row}: its {name} makes a banned claim."


def _sources() -> Iterator[str]:
    for source in Source.objects.all():
        if not source_on_its_site(source):
            domain = source.domain or "no domain given"
            yield f"Source {source.slug}: its link is not on its publisher's site ({domain})."
    for model in content_models():
        if not any(f.name == "sources" for f in model._meta.many_to_many):
            continue
        label = model._meta.model_name
        for row in model.objects.prefetch_related("sources"):
            kinds = {s.kind for s in row.sources.all()}
            name = f"{model._meta.verbose_name.capitalize()} {row}"
            if not kinds:
                yield f"{name}: cites no source (cite one, or mark it Backcare's advice)."
            may_back = label in Source.PROMOTIONAL_MAY_BACK or not _is_safety_rule(row)
            if Source.Kind.PROMOTIONAL in kinds and not may_back:
                yield f"{name}: cites a promotional article."
            if _is_safety_rule(row) and Source.Kind.CLINICAL not in kinds:
                yield f"{name}: a safety rule with no clinical source."
            if model is Contraindication and kinds - _question_may_cite(row):
                yield f"{name}: a screening question that cites more than clinical sources."


def _question_may_cite(question: Contraindication) -> set[str]:
    """A screening question rests on clinical pages. One that stops a session may also cite the
    seed article that asks for that care (seed 003's "see a doctor right away" list): it can
    only make Backcare more careful, and a clinical source is still needed."""
    if question.only_shortens:  # how long a session lasts: any source may say
        return set(Source.Kind)
    if question.stops_session:
        return {Source.Kind.CLINICAL, Source.Kind.ARTICLE}
    return {Source.Kind.CLINICAL}


def _limits() -> Iterator[str]:
    for question in Contraindication.objects.filter(max_minutes__isnull=False):
        if f"{question.max_minutes} minutes" not in question.advice:
            yield (
                f"Screening question {question}: its advice doesn't say the "
                f"{question.max_minutes} minutes it keeps a session to."
            )


def _movements() -> Iterator[str]:
    infos = {m.slug: m for m in read_snapshot().movements}  # its time is the player's own rule
    low, high = MOVEMENT_SECONDS
    for m in Movement.objects.prefetch_related("regions", "muscles__regions", "needs", "sources"):
        name = f"Movement {m.slug}"
        if not any(map(is_nhs_or_nice, m.sources.all())):
            yield f"{name}: cites no NHS or NICE page on its publisher's site."
        regions = set(m.regions.all())
        if not regions:
            yield f"{name}: moves no area of the back."
        for muscle in m.muscles.all():
            if not regions.intersection(muscle.regions.all()):
                yield f"{name}: reaches {muscle.name.lower()}, which lies outside its areas."
        for prop in m.needs.all():
            if prop.cost_rank:
                yield f"{name}: needs {prop.name.lower()}, which not every home has."
        if m.setting not in POSITION_SETTINGS[Position(m.position)]:
            position = Position(m.position).label.lower()
            yield f"{name}: done {position}, but set '{Setting(m.setting).label.lower()}'."
        seconds = infos[m.slug].seconds
        if not low <= seconds <= high:
            yield f"{name}: takes {seconds} s at its dose; keep it between {low} and {high} s."
        for label in ("dose", "often"):
            if not getattr(m, label).strip():
                yield f"{name}: doesn't say {'how much' if label == 'dose' else 'how often'}."
        if not m.action_lines():
            yield f"{name}: has no instructions."
        if not (m.tips.strip() or m.when_not.strip()):
            yield f"{name}: gives no tips and no word on when not to do it."


def _movement_limits() -> Iterator[str]:
    """A question that lets a session go on but leaves movements out says so in its advice, as
    a limit on a session's length does: the person knows why some are missing."""
    goes_on = (Effect.LIMIT, Effect.AVOID_REGION)
    for question in Contraindication.objects.filter(effect__in=goes_on):
        leaves_out = question.excluded_positions or question.excluded_motions
        if leaves_out and "movement" not in question.advice.lower():
            yield (
                f"Screening question {question}: leaves movements out, but its advice doesn't "
                "say so."
            )
