"""What each process keeps from the catalogue is dropped as soon as the catalogue changes."""

import copy
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.test import RequestFactory

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


def test_kept_pages_need_no_query_and_pages_and_fragments_are_kept_apart(client):
    url = "/muscles/rhomboids/"
    version.bump()
    client.get(url)
    client.get(url, **HX)
    assert queries(lambda: client.get(url)) == 0  # not even the version: it is remembered
    page, fragment = client.get(url).content.decode(), client.get(url, **HX).content.decode()
    assert "<html" in page and "<html" not in fragment


def test_errors_are_never_kept(client):
    """A 404 answered once must not be served again once the page exists. The row is added
    without signals, so the catalogue's version stays the same: only not keeping the 404
    lets the page appear."""
    assert client.get("/muscles/no-such-muscle/").status_code == 404
    Muscle.objects.bulk_create(
        [Muscle(slug="no-such-muscle", name="Found", shape="rhomboids", order=99)]
    )
    assert client.get("/muscles/no-such-muscle/").status_code == 200


def test_only_gets_are_answered_from_kept_pages(client):
    assert client.get("/muscles/").status_code == 200  # now kept
    assert client.post("/muscles/").status_code == 405
    assert client.head("/muscles/").status_code == 200


def test_without_a_version_nothing_is_kept_and_pages_still_work(client):
    CatalogueVersion.objects.all().delete()
    assert version.current() is None
    built = []
    assert cache.remember("key", lambda: built.append(1) or len(built)) == 1
    assert cache.remember("key", lambda: built.append(1) or len(built)) == 2
    assert client.get("/muscles/").status_code == 200
    assert queries(lambda: client.get("/muscles/")) > 1  # built every time


def test_the_keys_carry_the_release_so_a_deploy_never_serves_what_old_code_drew(settings):
    from django.conf import settings as live

    assert caches["catalogue"].key_prefix == f"backcare-{live.RELEASE}"
    assert len(live.RELEASE) == 12  # a digest of the code and templates, unless BACKCARE_RELEASE


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


def kept_keys(part: str) -> list[str]:
    """The catalogue cache's keys holding `part`, whichever backend holds them."""
    store = caches["catalogue"]
    if hasattr(store, "_cache") and isinstance(store._cache, dict):  # this process's memory
        return [key for key in store._cache if part in key]
    return [key.decode() for key in store._cache.get_client().scan_iter(f"*{part}*")]  # Redis


# ---- the kept-page contract, on views made for it ----


def counted(response: Callable[[object], HttpResponse], **options):
    """A view kept by catalogue_page, and the list its calls are counted in."""
    calls: list[int] = []

    def view(request):
        calls.append(1)
        return response(request)

    view.__qualname__ = f"view-{id(calls)}"  # pages are kept per view: each its own name
    return cache.catalogue_page(view, **options), calls


def test_only_a_get_or_head_answered_200_is_kept():
    factory = RequestFactory()
    fine, fine_calls = counted(lambda request: HttpResponse("fine"))
    refused, refused_calls = counted(lambda request: HttpResponse("no", status=400))
    for _ in range(2):
        fine(factory.get("/x/"))
        fine(factory.head("/x/"))
        refused(factory.get("/x/"))
    assert (len(fine_calls), len(refused_calls)) == (1, 2)
    fine(factory.post("/x/"))
    fine(factory.post("/x/"))
    assert len(fine_calls) == 3  # a POST is never answered from a kept page


@pytest.mark.parametrize(
    "answer",
    [
        lambda request: HttpResponse(
            Template("<form>{% csrf_token %}</form>").render(RequestContext(request))
        ),
        lambda request: _with_cookie(HttpResponse("hi")),
        lambda request: HttpResponse("hi", headers={"Vary": "Accept-Encoding, Cookie"}),
    ],
    ids=["uses the CSRF token", "sets a cookie", "varies on Cookie"],
)
def test_a_page_for_one_browser_is_never_kept(answer):
    view, calls = counted(answer)
    first, second = view(RequestFactory().get("/x/")), view(RequestFactory().get("/x/"))
    assert len(calls) == 2
    assert first.content != b"" and second.status_code == 200


def _with_cookie(response: HttpResponse) -> HttpResponse:
    response.set_cookie("hello", "there")
    return response


def test_a_kept_page_keeps_its_headers():
    answer = HttpResponse("kept", content_type="text/plain; charset=utf-8")
    answer["X-Kept"] = "yes"
    view, calls = counted(lambda request: copy.copy(answer))
    view(RequestFactory().get("/x/"))
    again = view(RequestFactory().get("/x/"))
    assert len(calls) == 1
    assert again["X-Kept"] == "yes" and again["Content-Type"] == "text/plain; charset=utf-8"
    assert again.content == b"kept"


def test_unknown_query_parameters_never_keep_pages_of_their_own(client):
    """256 GETs of /safety/?utm=N once evicted every kept page."""
    client.get("/muscles/rhomboids/")
    for n in range(300):
        assert client.get(f"/safety/?utm={n}").status_code == 200
    assert len(kept_keys(":page:")) == 2  # the muscle page and the safety page, once
    assert queries(lambda: client.get("/muscles/rhomboids/")) == 0


def test_another_process_edit_shows_here_once_the_version_is_rechecked(
    client, settings, monkeypatch
):
    """A kept page costs no query for CATALOGUE_RECHECK_SECONDS; then the version is read
    again, and an edit saved by another process or host shows."""
    settings.CATALOGUE_RECHECK_SECONDS = 2
    now = [1000.0]
    monkeypatch.setattr(version, "time", SimpleNamespace(monotonic=lambda: now[0]))
    assert "Rhomboids" in client.get("/muscles/").content.decode()
    # Another process's save: new rows and a new token, and nothing in this process hears it.
    Muscle.objects.filter(slug="rhomboids").update(name="Rhomboid pair")
    CatalogueVersion.objects.filter(pk=version.ROW).update(token="another-process")
    now[0] += 1.9
    assert queries(lambda: client.get("/muscles/")) == 0
    assert "Rhomboid pair" not in client.get("/muscles/").content.decode()
    now[0] += 0.1
    assert "Rhomboid pair" in client.get("/muscles/").content.decode()


def test_a_save_in_this_process_shows_at_once_whatever_the_recheck_interval(client):
    client.get("/muscles/")
    Muscle.objects.filter(slug="rhomboids").get().save()  # bumps the version, forgets it
    assert queries(lambda: client.get("/muscles/")) > 1  # the version, then the page again


def test_the_parameters_a_view_reads_key_its_pages(client):
    alone = client.get("/techniques/?performer=self").content.decode()
    partner = client.get("/techniques/?performer=partner").content.decode()
    assert alone != partner
    assert client.get("/techniques/?performer=self").content.decode() == alone


def test_under_debug_a_template_edit_shows_on_the_next_request(client, settings, tmp_path):
    """As `make run` does: the autoreloader tells the template loaders a file changed, and no
    kept page hides the change."""
    from django.template.autoreload import template_changed

    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    settings.DEBUG = True
    page = tmp_path / "catalogue" / "safety.html"
    page.parent.mkdir()
    page.write_text("First draft")
    assert client.get("/safety/").content == b"First draft"
    page.write_text("Second draft")
    template_changed(None, page)
    assert client.get("/safety/").content == b"Second draft"


def test_the_catalogue_cache_is_redis_when_redis_url_is_set():
    """`make test-redis` runs this file with REDIS_URL: prove it used the server."""
    import os

    from django.core.cache.backends.locmem import LocMemCache
    from django.core.cache.backends.redis import RedisCache

    expected = RedisCache if os.environ.get("REDIS_URL") else LocMemCache
    assert isinstance(caches["catalogue"], expected)
    version.bump()
    cache.remember("shared", lambda: "built once")
    assert caches["catalogue"].get("shared", version=version.current()) == "built once"
