"""Saving sessions is limited per client (10 a minute, 100 a day; IPv6 per /64): past it, a
designed 429 page with a Retry-After, swapped in whole for htmx, and nothing saved."""

import subprocess
import sys

import pytest
from django.test import Client

from backcare.planner.models import CareSession, RateCount
from tests.factories import screened
from tests.serving import ROOT, production_env

pytestmark = pytest.mark.session_limits
START = {"performer": "self", "region": "upper-back", "minutes": "5"}


@pytest.fixture
def person(db):
    return screened(Client())


def save(client: Client, address: str = "192.0.2.1", **headers):
    return client.post("/build/", START, REMOTE_ADDR=address, **headers)


def test_the_eleventh_session_in_a_minute_gets_the_designed_429(person):
    assert [save(person).status_code for _ in range(10)] == [303] * 10
    refused = save(person)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    html = refused.content.decode()
    assert "a lot of sessions at once" in html and "try again in a minute" in html
    assert "Go to the home page" in html  # the site's error page, not a bare refusal
    assert 'href="/mine/">My sessions</a>' in html  # where the sessions so far are
    assert CareSession.objects.count() == 10


def test_another_address_still_saves(person):
    for _ in range(11):
        save(person)
    assert save(person, address="192.0.2.2").status_code == 303


def test_addresses_in_one_ipv6_64_share_a_limit(person):
    answers = [save(person, address=f"2001:db8::{n:x}").status_code for n in range(1, 12)]
    assert answers == [303] * 10 + [429]
    assert save(person, address="2001:db8:0:1::1").status_code == 303  # the next /64


def test_a_day_has_its_own_limit(person, settings):
    settings.SESSIONS_PER_MINUTE, settings.SESSIONS_PER_DAY = 1000, 3
    assert [save(person).status_code for _ in range(4)] == [303, 303, 303, 429]
    refused = save(person)
    assert int(refused["Retry-After"]) > 60 and "try again tomorrow" in refused.content.decode()


def test_an_htmx_request_gets_the_whole_page_swapped_in(person, settings):
    settings.SESSIONS_PER_MINUTE = 0
    refused = save(person, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429
    assert (refused["HX-Retarget"], refused["HX-Reswap"]) == ("body", "innerHTML")
    assert "a lot of sessions at once" in refused.content.decode()
    # htmx swaps a 429 (its default is to swap no 4xx): the page's htmx configuration says so.
    page = person.get("/").content.decode()
    assert '{"code": "429", "swap": true, "error": false}' in page


def test_the_counters_live_in_the_database_not_in_one_process(person):
    save(person)
    assert RateCount.objects.filter(key__startswith="sessions-minute:").get().count == 1
    assert "192.0.2.1" not in str(list(RateCount.objects.values()))  # kept hashed


HAMMER = """
from backcare.limits import Limit, hit
print(" ".join(str(hit(Limit("test", 1000, 3600), "someone").count) for _ in range(25)))
"""


@pytest.mark.slow
def test_hits_from_several_processes_are_each_counted_once(tmp_path):
    """Four processes (as gunicorn's workers) share one SQLite file: increment and read back in
    one statement, so no two see the same count."""
    env = production_env(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    workers = [
        subprocess.Popen(
            [*manage, "shell", "-v0", "-c", HAMMER],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    seen = [int(n) for worker in workers for n in worker.communicate(timeout=60)[0].split()]
    assert sorted(seen) == list(range(1, 101))
