"""What the catalogue fixture would change in the database, and shipping it without losing an
editor's work.

Each row the fixture loads is remembered as shipped (`ShippedRow`: model, natural key, digest of
its fields). A later fixture then updates a row only while the database still holds it exactly
as shipped; a row an editor changed (or deleted) in the admin since is left as the editor left
it, and listed. Rows the fixture no longer has are listed, never deleted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.core import serializers
from django.db import DEFAULT_DB_ALIAS, models, transaction

from backcare.catalogue.models import ShippedRow, content_models
from backcare.catalogue.version import loading

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "catalogue.yaml"


class Kind:
    """What a content update does with a row, and how the plan says it."""

    ADD = "add"  # in the fixture, not in the database: added
    UPDATE = "update"  # as shipped in the database, changed in the fixture: updated
    KEPT = "kept"  # changed in the admin, and the fixture differs: the editor's version stays
    DELETED = "deleted"  # shipped, deleted in the admin, still in the fixture: not brought back
    REMOVED = "removed"  # shipped, no longer in the fixture: left in place
    LOCAL = "local"  # added in the admin, not in the fixture: left in place
    SAME = "same"  # the database already holds the fixture's row
    EDITED = "edited"  # changed in the admin, the fixture as shipped before: nothing to do

    SAID = {
        ADD: "add",
        UPDATE: "update",
        KEPT: "keep (changed in the admin since shipped)",
        EDITED: "leave (changed in the admin; the fixture's row is as shipped)",
        DELETED: "leave out (deleted in the admin since shipped)",
        REMOVED: "leave (no longer in the fixture)",
        LOCAL: "leave (added in the admin)",
    }
    COUNTED = {
        ADD: "to add",
        UPDATE: "to update",
        KEPT: "kept as edited",
        EDITED: "edited in the admin only",
        DELETED: "left deleted",
        REMOVED: "gone from the fixture",
        LOCAL: "added in the admin",
    }


@dataclass(frozen=True)
class Row:
    model: type[models.Model]
    key: str
    digest: str

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def named(self) -> str:
        """`technique self-palm-stroking`, `technique step self-palm-stroking 2`."""
        return f"{self.model._meta.verbose_name} {' '.join(map(str, json.loads(self.key)))}"


@dataclass
class Plan:
    """Every row of the fixture and of the database, by what an update does with it."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    fixture: dict[tuple[str, str], dict] = field(default_factory=dict)  # entries, in file order

    def of(self, kind: str) -> list[Row]:
        return self.rows.get(kind, [])

    def lines(self) -> list[str]:
        """One line per row an update adds, updates or leaves as an editor left it."""
        return [
            f"{Kind.SAID[kind]}: {row.named}"
            for kind in Kind.SAID
            for row in sorted(self.of(kind), key=lambda r: (r.label, r.key))
        ]

    def summary(self) -> str:
        """`2 to add, 1 to update, 1 kept as edited, …, 318 unchanged`."""
        counts = [(len(self.of(kind)), Kind.COUNTED[kind]) for kind in Kind.COUNTED]
        counts.append((len(self.of(Kind.SAME)), "unchanged"))
        return ", ".join(f"{n} {said}" for n, said in counts)


def read_fixture(path: Path = FIXTURE) -> list[dict]:
    with open(path, encoding="utf-8") as stream:
        return yaml.safe_load(stream) or []


@transaction.atomic
def seed(path: Path = FIXTURE, using: str = DEFAULT_DB_ALIAS) -> int | None:
    """Load the fixture into an empty catalogue (rows remembered as shipped): the number of
    rows loaded, or None when the catalogue holds anything (then nothing is written)."""
    if any(model.objects.using(using).exists() for model in content_models()):
        return None
    ShippedRow.objects.using(using).delete()  # what an emptied catalogue once shipped is moot
    plan = compare(read_fixture(path), using)
    apply(plan, using)
    return len(plan.of(Kind.ADD))


def compare(entries: list[dict], using: str = DEFAULT_DB_ALIAS, take: Iterable[str] = ()) -> Plan:
    """What loading `entries` (a fixture's rows) would do to the database, row by row. `take`:
    rows (as `Row.named` says them) an editor changed or deleted that get the fixture's version
    all the same, when someone decided so."""
    models_by_label = {m._meta.label_lower: m for m in content_models()}
    plan = Plan()
    wanted: dict[tuple[str, str], Row] = {}
    for entry in entries:
        model = models_by_label[entry["model"].lower()]
        row = _row(model, entry["fields"])
        wanted[(row.label, row.key)] = row
        plan.fixture[(row.label, row.key)] = entry
    held = {(row.label, row.key): row for row in _database_rows(using)}
    shipped = {
        (model, key): digest
        for model, key, digest in ShippedRow.objects.using(using).values_list(
            "model", "key", "digest"
        )
    }
    for where, row in wanted.items():
        now, then = held.get(where), shipped.get(where)
        if now is None:
            kind = Kind.ADD if then is None else Kind.DELETED
        elif now.digest == row.digest:
            kind = Kind.SAME
        elif now.digest != then:  # changed in the admin (or never shipped: kept to be safe)
            kind = Kind.EDITED if then == row.digest else Kind.KEPT
        else:
            kind = Kind.UPDATE
        if row.named in take and kind in (Kind.KEPT, Kind.DELETED):
            kind = Kind.UPDATE if kind == Kind.KEPT else Kind.ADD
        plan.rows.setdefault(kind, []).append(row)
    for where, row in held.items():
        if where not in wanted:
            kind = Kind.REMOVED if where in shipped else Kind.LOCAL
            plan.rows.setdefault(kind, []).append(row)
    return plan


@transaction.atomic
def apply(plan: Plan, using: str = DEFAULT_DB_ALIAS) -> int:
    """Add and update what the plan says (nothing else), remember those rows and the ones
    already equal as shipped, and give the catalogue a new version when anything was written.
    The number of rows written."""
    writes = {(row.label, row.key) for row in plan.of(Kind.ADD) + plan.of(Kind.UPDATE)}
    entries = [entry for where, entry in plan.fixture.items() if where in writes]
    if entries:
        with loading(using):
            _load(entries, using)
    shipped = [
        ShippedRow(model=row.label, key=row.key, digest=row.digest)
        for kind in (Kind.ADD, Kind.UPDATE, Kind.SAME)
        for row in plan.of(kind)
    ]
    ShippedRow.objects.using(using).bulk_create(
        shipped, update_conflicts=True, unique_fields=["model", "key"], update_fields=["digest"]
    )
    return len(entries)


def _load(entries: list[dict], using: str) -> None:
    """As loaddata loads a fixture: by natural key, rows referring to later rows saved last."""
    deferred = []
    for found in serializers.deserialize(
        "python", entries, using=using, handle_forward_references=True
    ):
        found.save(using=using)
        if found.deferred_fields:
            deferred.append(found)
    for found in deferred:
        found.save_deferred_fields(using=using)


def _row(model: type[models.Model], fields: dict) -> Row:
    """A row as fixture fields (foreign keys and many-to-many as natural keys): its natural key
    and the digest of every field, defaults filled in, so a fixture's row and the database's
    hash alike."""
    values: dict[str, object] = {}
    for f in model._meta.fields:
        if f.primary_key:
            continue
        value = fields[f.name] if f.name in fields else f.get_default()
        values[f.name] = _natural(value) if f.remote_field else f.to_python(value)
    for f in model._meta.many_to_many:
        values[f.name] = sorted(_natural(value) for value in fields.get(f.name, []))
    key = []
    for name in _identity(model):
        part = values[name]
        key.extend(part if isinstance(part, list) else [part])
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()
    return Row(model, json.dumps(key), digest)


def _natural(value) -> list | None:
    return None if value is None else list(value)


def _identity(model: type[models.Model]) -> list[str]:
    """The fields of a row's natural key: its slug, or those its one uniqueness rule names."""
    if any(f.name == "slug" and f.unique for f in model._meta.fields):
        return ["slug"]
    (unique,) = [c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    return list(unique.fields)


def _database_rows(using: str) -> list[Row]:
    """Every content row in the database, as `_row` sees a fixture's."""
    rows = []
    for model in content_models():
        foreign = [f for f in model._meta.fields if f.remote_field]
        many = list(model._meta.many_to_many)
        found = model._default_manager.using(using).prefetch_related(*(f.name for f in many))
        if foreign:
            found = found.select_related(*(f.name for f in foreign))
        for obj in found:
            fields = {f.name: f.value_from_object(obj) for f in model._meta.fields}
            for f in foreign:
                related = getattr(obj, f.name)
                fields[f.name] = related.natural_key() if related is not None else None
            for f in many:
                fields[f.name] = [related.natural_key() for related in getattr(obj, f.name).all()]
            rows.append(_row(model, fields))
    return rows
