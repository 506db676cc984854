"""Counting the SQL queries a request makes, with the catalogue cache cold and then warm."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backcare.catalogue.version import bump


def queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def cold_and_warm(call: Callable[[], object]) -> tuple[int, int]:
    """Queries on the first request after the catalogue changed (so nothing is kept yet),
    then on the same request again."""
    bump()
    return queries(call), queries(call)
