"""What the content must obey that the database can't check: each technique can be used,
each instruction line stays in its own area and side, counts fit a timer, no banned claim,
every row has a source, safety rules rest on clinical sources on their publishers' sites, a
place on the pain finder that no muscle explains says what to do about it, a limit on a
session's length says it in its advice.

`manage.py validate_catalogue` prints what `problems()` finds; `make test` runs it on the
shipped fixtures, and the tests use the same word lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.apps import apps

from backcare.catalogue.models import (
    Contraindication,
    NoGoZone,
    PainSpot,
    Source,
    StopSignal,
    Technique,
    TechniqueStep,
    placeholders,
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

# Claims the sources make that Backcare never repeats.
BANNED_CLAIMS = re.compile(
    r"\btoxins?\b|\bdetox|\bimmun(e|ity)\b|\bcures?\b|\bcured\b|\bsalt deposits?\b|"
    r"\bcellulite\b|\bfat[- ](burning|loss|reduction)\b|\bdiagnos\w* (your |the )?organs?\b|"
    r"\b(liver|kidney|bladder|stomach) (point|zone)s?\b",
    re.IGNORECASE,
)


def _is_safety_rule(row) -> bool:
    """Screening questions, no-go zones, and the signals that stop a session. A question that
    only caps a session's length is about how a session is given, as a guideline is."""
    if isinstance(row, StopSignal):
        return row.action == StopSignal.Action.STOP
    if isinstance(row, Contraindication):
        return not row.only_shortens
    return isinstance(row, NoGoZone)


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
        *_techniques(),
        *_lines(),
        *_claims(),
        *_sources(),
        *_spots(),
        *_limits(),
    ]


def _spots() -> Iterator[str]:
    for spot in PainSpot.objects.filter(causes__isnull=True, note=""):
        yield f"Pain spot {spot.slug}: no muscle is behind pain here and no note says what to do."


def _techniques() -> Iterator[str]:
    techniques = Technique.objects.prefetch_related(
        "muscles__regions", "regions", "requirements__prop", "steps"
    )
    snapshot = read_snapshot()  # "works an area" is the composer's own rule
    info = {t.slug: t for t in snapshot.techniques}
    for t in techniques:
        if not any(snapshot.works(info[t.slug], region) for region in info[t.slug].regions):
            yield f"Technique {t.slug}: no area where it works a muscle and isn't barred."
        if t.hold_max_seconds and t.hold_max_seconds > t.max_seconds:
            yield f"Technique {t.slug}: a hold of {t.hold_max_seconds} s is longer than its step."
        if t.each_side and not all(m.bilateral for m in t.muscles.all()):
            yield f"Technique {t.slug}: done a side at a time on a muscle with no sides."
        applied = {r.slug for r in t.regions.all()}
        allowed = applied if len(applied) == 1 else set()
        for label, text in (
            ("name", t.name),
            ("position", t.position),
            ("pressure note", t.pressure_note),
            ("tempo", t.tempo),
            ("direction", t.direction),
        ):
            if extra := areas_named(text) - allowed:
                yield f"Technique {t.slug}: its {label} names {', '.join(sorted(extra))}."
        for label, text in (("tempo", t.tempo), ("direction", t.direction)):
            if COUNT_WORDS.search(text):
                yield f"Technique {t.slug}: its {label} has a count that won't fit a timer."
            if KIDNEY_WORDS.search(text):
                yield f"Technique {t.slug}: its {label} sends pressure to the kidney area."
        for region in t.regions.all():
            if not [s for s in t.steps.all() if s.region_id in (None, region.pk)]:
                yield f"Technique {t.slug}: no instructions for the {region.name.lower()}."


def _lines() -> Iterator[str]:
    for line in TechniqueStep.objects.select_related("technique", "region"):
        where = f"Technique {line.technique.slug}, line {line.number}"
        allowed = {line.region.slug} if line.region else set()
        if extra := areas_named(line.text) - allowed:
            yield f"{where}: names {', '.join(sorted(extra))}, outside its area."
        named = placeholders(line.text)
        if named - {"side", "other_side"}:
            yield f"{where}: only {{side}} and {{other_side}} can be filled in."
        elif named and not line.technique.each_side:
            yield f"{where}: says {{side}} but the technique works both sides at once."
        if line.technique.each_side and OTHER_SIDE_WORDS.search(line.text):
            yield f"{where}: sends a one-sided step to the other side."
        if COUNT_WORDS.search(line.text):
            yield f"{where}: has a count that won't fit the step's timer."
        if KIDNEY_WORDS.search(line.text):
            yield f"{where}: sends hands to the kidney area."
        if line.region_id and not line.technique.regions.filter(pk=line.region_id).exists():
            yield f"{where}: is for an area the technique isn't applied in."


def _claims() -> Iterator[str]:
    for model in apps.get_app_config("catalogue").get_models():
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
    for model in apps.get_app_config("catalogue").get_models():
        if not any(f.name == "sources" for f in model._meta.many_to_many):
            continue
        label = model._meta.model_name
        for row in model.objects.prefetch_related("sources"):
            kinds = {s.kind for s in row.sources.all()}
            name = f"{model._meta.verbose_name.capitalize()} {row}"
            if not kinds:
                yield f"{name}: cites no source."
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
