"""`manage.py prune`: sessions nobody ever started or rated go after 30 days, with spent
limit counters, old sign-in records and expired sign-in sessions; --dry-run only counts."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from backcare.limits import Limit, hit
from backcare.planner.models import CareSession, CareStep, RateCount
from tests.factories import as_owner, care_session, followed, screened

pytestmark = pytest.mark.django_db


def aged(days: float, **fields) -> CareSession:
    session = care_session()
    CareSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - timedelta(days=days), **fields
    )
    return session


def prune(*args: str) -> str:
    out = StringIO()
    call_command("prune", *args, stdout=out)
    return out.getvalue()


def kept() -> set[str]:
    return set(CareSession.objects.values_list("code", flat=True))


def test_sessions_never_opened_go_after_30_days_and_the_rest_stay():
    now = timezone.now()
    old = aged(31)
    recent = aged(29)
    started = aged(400, started_at=now)
    rated = aged(400)
    followed(rated, days_ago=399, pain_before=4)  # its one run
    finished = aged(400)
    followed(finished, days_ago=399, pain_after=2, finished_at=now)
    assert "Removed 1 unopened sessions" in prune()
    assert kept() == {s.code for s in (recent, started, rated, finished)}
    assert not CareStep.objects.filter(session_id=old.pk).exists()  # its steps with it
    assert old.code not in kept()


def test_a_pruned_session_is_gone_from_its_steps_once_a_process_stops_keeping_it(monkeypatch):
    """Its steps were opened (so this process keeps them) but it was never started: once
    pruned, its step and stop pages say it is gone, as every other page of it does, at the
    latest when the process's kept copy lapses."""
    import time

    from backcare.player.views import KEEP_STEPS_SECONDS

    old = aged(31)
    player = screened(Client())
    for url in (f"/s/{old.code}/step/1/", f"/s/{old.code}/stop/?step=1"):
        assert player.get(url).status_code == 200
    prune()
    assert player.get(f"/s/{old.code}/").status_code == 404  # its overview: at once
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + KEEP_STEPS_SECONDS + 1)
    for url in (f"/s/{old.code}/step/1/", f"/s/{old.code}/stop/?step=1"):
        assert player.get(url).status_code == 404, url


def test_the_retention_comes_from_the_settings(settings):
    settings.UNOPENED_SESSION_DAYS = 7
    aged(8)
    assert "Removed 1 unopened sessions" in prune()


def test_a_dry_run_counts_and_removes_nothing():
    session = aged(31)
    out = prune("--dry-run")
    assert "Would remove 1 unopened sessions" in out
    assert session.code in kept()


def test_starting_a_session_keeps_it_from_the_pruning():
    """Opening is recorded when a session is started from its overview, by anyone who has
    its link (rating it needs the owner's browser; starting doesn't)."""
    session = aged(31)
    client = as_owner(screened(Client()), session)
    assert client.post(f"/s/{session.code}/").status_code == 303
    session.refresh_from_db()
    assert session.started_at is not None
    prune()
    assert session.code in kept()


def test_spent_counters_old_sign_in_records_and_expired_sessions_go():
    past = timezone.now().timestamp() - 2 * 24 * 60 * 60
    hit(Limit("old", 10, 60), "someone", now=past)
    hit(Limit("current", 10, 60 * 60), "someone")
    attempt = {"user_agent": "x", "ip_address": "192.0.2.1", "username": "x", "path_info": "/"}
    for n in (1, 2):
        AccessAttempt.objects.create(
            **attempt | {"username": f"x{n}"}, get_data="", post_data="", failures_since_start=n
        )
    AccessAttempt.objects.filter(failures_since_start=1).update(
        attempt_time=timezone.now() - timedelta(hours=2)
    )
    AccessLog.objects.create(**attempt)
    AccessLog.objects.update(attempt_time=timezone.now() - timedelta(days=91))
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=now + timedelta(1))

    out = prune()

    assert "Removed 1 limit counters" in out
    [left] = RateCount.objects.values_list("key", flat=True)
    assert left.startswith("current:")
    assert "Removed 1 sign-in attempts" in out
    assert AccessAttempt.objects.get().failures_since_start == 2  # still within the hour
    assert "Removed 1 sign-in log entries" in out and not AccessLog.objects.exists()
    assert "Removed 1 expired sign-in sessions" in out
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
