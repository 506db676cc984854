"""The SQL a request runs, as the tables each query reads or writes, with the catalogue
memory cold and then warm. Pinning tables, not only a count, means a test says which queries
it expects and fails when one is swapped for another."""

import re
from collections import Counter
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backcare.catalogue.version import bump

VERSION = "catalogueversion"  # the one query a kept page needs
_TABLE = re.compile(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)
_TRANSACTION = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)", re.I)


def tables(call: Callable[[], object]) -> list[str]:
    """Each query's first table, in order, without the app's prefix for catalogue tables
    ("savepoint" for transaction control)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    found = []
    for query in captured:
        sql = query["sql"]
        if _TRANSACTION.match(sql):
            found.append("savepoint")
            continue
        match = _TABLE.search(sql)
        table = match.group(1) if match else sql.split()[0].lower()
        found.append(table.removeprefix("catalogue_"))
    return found


def by_table(found: list[str]) -> dict[str, int]:
    """How many queries read or wrote each table."""
    return dict(Counter(found))


def queries(call: Callable[[], object]) -> int:
    return len(tables(call))


def cold_and_warm(call: Callable[[], object]) -> tuple[list[str], list[str]]:
    """The tables on the first request after the catalogue changed (so nothing is kept yet),
    then on the same request again."""
    bump()
    return tables(call), tables(call)


# What reading the snapshot, the one read model, costs: once per catalogue version in each
# process, on whichever request first needs it (tests/test_snapshot_queries.py pins it).
SNAPSHOT = [
    "region",
    "technique",
    "muscle",
    "region",
    "paincause",
    "region",
    "proprequirement",
    "prop",
    "prop",
    "techniquestep",
    "prop",
    "contraindication",
    "family",
    "nogozone",
    "family",
    "guideline",
    "stopsignal",
    "painspot",
    "paincause",
    "region",
    "spotwarning",
    "movement",  # the movements, then their areas, muscles, props and sources
    "region",
    "muscle",
    "prop",
    "source",
]


def own(found: list[str]) -> list[str]:
    """A request's queries besides reading the snapshot, which must be among them (once, in
    its order): what the page itself reads."""
    for start in range(len(found) - len(SNAPSHOT) + 1):
        if found[start : start + len(SNAPSHOT)] == SNAPSHOT:
            return found[:start] + found[start + len(SNAPSHOT) :]
    raise AssertionError(f"the snapshot's queries are not among {found}")
