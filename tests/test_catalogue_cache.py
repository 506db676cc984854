"""What each process keeps from the catalogue is dropped as soon as the catalogue changes."""

import pytest
from django.db import transaction

from backcare.catalogue import cache, version
from backcare.catalogue.models import CatalogueVersion, Muscle, Technique
from tests.queries import queries

HX = {"HTTP_HX_REQUEST": "true"}
pytestmark = pytest.mark.django_db


def test_a_saved_change_shows_on_the_next_request(client):
    assert "Rhomboids" in client.get("/muscles/").content.decode()
    muscle = Muscle.objects.get(slug="rhomboids")
    muscle.name = "Rhomboid muscles"
    muscle.save()
    html = client.get("/muscles/").content.decode()
    assert "Rhomboid muscles" in html


def test_a_changed_link_between_rows_shows_too(client):
    technique = Technique.objects.get(slug="ball-against-wall")
    assert "/techniques/ball-against-wall/" in client.get("/muscles/rhomboids/").content.decode()
    technique.muscles.remove(Muscle.objects.get(slug="rhomboids"))
    assert "/techniques/ball-against-wall/" not in (
        client.get("/muscles/rhomboids/").content.decode()
    )


def test_a_deleted_row_is_gone_from_kept_pages(client):
    assert client.get("/techniques/ball-against-wall/").status_code == 200
    Technique.objects.get(slug="ball-against-wall").delete()
    assert client.get("/techniques/ball-against-wall/").status_code == 404
    assert "ball-against-wall" not in client.get("/techniques/").content.decode()


def test_a_rolled_back_change_leaves_the_version_as_it_was():
    before = version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        Muscle.objects.filter(slug="rhomboids").get().save()
        assert version.current() != before
        raise RuntimeError("the save fails")
    assert version.current() == before


def test_kept_pages_need_one_query_and_pages_and_fragments_are_kept_apart(client):
    url = "/muscles/rhomboids/"
    version.bump()
    client.get(url)
    client.get(url, **HX)
    assert queries(lambda: client.get(url)) == 1  # the catalogue's version
    page, fragment = client.get(url).content.decode(), client.get(url, **HX).content.decode()
    assert "<html" in page and "<html" not in fragment


def test_errors_and_posts_are_never_kept(client):
    assert client.get("/muscles/no-such-muscle/").status_code == 404
    Muscle.objects.create(slug="no-such-muscle", name="Found", shape="rhomboids", order=99)
    assert client.get("/muscles/no-such-muscle/").status_code == 200
    assert client.post("/muscles/").status_code == 405


def test_without_a_version_nothing_is_kept_and_pages_still_work(client):
    CatalogueVersion.objects.all().delete()
    assert version.current() is None
    built = []
    assert cache.remember("key", lambda: built.append(1) or len(built)) == 1
    assert cache.remember("key", lambda: built.append(1) or len(built)) == 2
    assert client.get("/muscles/").status_code == 200
    assert queries(lambda: client.get("/muscles/")) > 1  # built every time


def test_a_process_keeps_at_most_max_items(monkeypatch):
    monkeypatch.setattr(cache, "MAX_ITEMS", 3)
    version.bump()
    for key in range(10):
        cache.remember(key, lambda k=key: k)
    assert list(cache._store.items) == [7, 8, 9]


def test_loading_the_catalogue_writes_its_version_once():
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = version.current()
    with CaptureQueriesContext(connection) as captured:
        call_command("loaddata", "catalogue", verbosity=0)
    writes = [q["sql"] for q in captured if "catalogue_catalogueversion" in q["sql"]]
    assert len(writes) == 1 and writes[0].startswith("UPDATE"), writes
    assert version.current() != before
