"""The snapshot, the one way views read the catalogue's rules and words, is read in a fixed
number of queries whatever the catalogue's size, once per catalogue version."""

import pytest

from backcare.catalogue.snapshot import catalogue_snapshot, read_snapshot
from backcare.catalogue.version import bump
from tests.factories import grow_catalogue
from tests.queries import SNAPSHOT, VERSION, tables

pytestmark = pytest.mark.django_db


def test_reading_the_snapshot_takes_the_same_queries_at_any_size():
    assert tables(read_snapshot) == SNAPSHOT
    grow_catalogue(10)
    assert tables(read_snapshot) == SNAPSHOT


def test_the_snapshot_is_read_once_per_catalogue_version():
    def read() -> list[str]:  # outside a request the version is read each time: left aside
        return [table for table in tables(catalogue_snapshot) if table != VERSION]

    bump()
    assert read() == SNAPSHOT
    assert read() == []
    bump()
    assert read() == SNAPSHOT
