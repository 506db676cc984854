"""A session's ratings are saved once: when several requests rate it at once (a double tap,
two tabs, a retrying client), the database lets exactly one through; the rest get the
designed "already saved" page (409), also inside an htmx swap."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from backcare.planner.models import CareSession, Run
from tests.factories import as_owner, care_session, ratings, screened


@pytest.mark.django_db
def test_a_rating_read_before_another_was_saved_still_cannot_overwrite_it():
    session = care_session()
    run = Run.objects.begin(session)
    first, late = Run.objects.get(pk=run.pk), Run.objects.get(pk=run.pk)
    assert Run.objects.rate(first, "pain_after", 3) is True
    assert late.pain_after is None  # it read the run before the first was saved
    assert Run.objects.rate(late, "pain_after", 9) is False
    assert Run.objects.rate(late, "pain_before", 7) is True  # the other rating
    assert ratings(session) == (7, 3)


@pytest.mark.django_db
def test_the_loser_of_a_race_gets_the_already_saved_page(client, monkeypatch):
    """Two taps: both read today's run before either saved (the read is made to return a copy
    from before the save); only the first is saved."""
    session = care_session()
    screened(as_owner(client, session))
    stale = Run.objects.begin(session)
    monkeypatch.setattr(Run.objects, "latest_of", lambda session: stale)
    assert client.post(f"/s/{session.code}/done/", {"pain": "2"}).status_code == 303
    assert stale.pain_after == 2
    stale.pain_after = None  # the second tap's copy, read before the first was saved
    lost = client.post(f"/s/{session.code}/done/", {"pain": "8"})
    assert lost.status_code == 409
    html = lost.content.decode()
    assert "This rating is already saved" in html and 'class="error-page"' in html
    assert f'href="/s/{session.code}/">Back to this session</a>' in html  # not only home
    assert ratings(session)[1] == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency: PostgreSQL")
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["", "done/"])
def test_twelve_owner_ratings_at_once_save_exactly_one(path):
    """Twelve browsers holding the owner's key rate at once, each on its own connection. The
    test's own connection holds an open transaction, so the session is made, read and removed
    on connections of their own (committed, as the server's would be)."""
    session = _on_own_connection(care_session)
    try:
        statuses = _at_once(12, f"/s/{session.code}/{path}", session)
        runs = _on_own_connection(lambda: list(Run.objects.filter(session_id=session.pk)))
    finally:
        _on_own_connection(session.delete)
    assert sorted(statuses) == [303] + [409] * 11
    (saved,) = runs  # one run, begun by the first; the others found it
    assert (saved.pain_after if path else saved.pain_before) is not None


def _on_own_connection(work):
    done = []
    _threads(1, lambda _: done.append(work()))
    return done[0]


def _at_once(count: int, url: str, session: CareSession) -> list[int]:
    start, statuses = threading.Barrier(count), []

    def rate(n: int) -> None:
        browser = screened(as_owner(Client(), session))
        start.wait()
        statuses.append(browser.post(url, {"pain": str(n % 11)}).status_code)

    _threads(count, rate)
    return statuses


def _threads(count: int, work) -> None:
    """`work(n)` in `count` threads at once, each with its own database connection."""

    def run(n: int) -> None:
        try:
            work(n)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
