"""A kept page is kept once for what it shows: junk or repeated values of the parameters a
page reads get the page they mean (or a refusal), never a cache entry of their own."""

import pytest

from tests.test_catalogue_cache import kept_keys

pytestmark = pytest.mark.django_db


def test_junk_or_repeated_performers_get_the_page_they_mean(client):
    everyone = client.get("/techniques/").content
    alone = client.get("/techniques/?performer=self").content
    for n in range(20):
        assert client.get(f"/techniques/?performer=junk{n}").content == everyone
    assert client.get("/techniques/?performer=self&performer=self").content == alone
    assert client.get("/techniques/?performer=junk&performer=self").content == alone
    assert len(kept_keys(":page:")) == 2  # all techniques, and those done on your own


def test_places_sent_twice_or_in_another_order_are_one_kept_page(client):
    url = "/where-it-hurts/"
    first = client.get(f"{url}?spot=buttock:left&spot=temples:right")
    assert first.status_code == 200
    same = [
        "spot=temples:right&spot=buttock:left",
        "spot=buttock:left&spot=buttock:left&spot=temples:right",
        "spot=buttock:left&spot=temples:right&spot=temples:right&utm=1",
    ]
    for query in same:
        assert client.get(f"{url}?{query}").content == first.content, query
    assert client.get(f"{url}?spot=buttock:left&numb=on").status_code == 200
    assert client.get(f"{url}?spot=buttock:left&numb=yes").status_code == 200
    assert client.get(f"{url}?utm=1").status_code == client.get(url).status_code == 200
    assert client.get(f"{url}?spot=nowhere").status_code == 400  # refused, never kept
    assert len(kept_keys(":page:")) == 3  # the two places; one with numbness; none ticked
