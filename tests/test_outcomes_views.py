"""Outcomes as clinicians read them, where a person sees them: the done page after rating, My
sessions (each run's change and one line over the whole history), and the history to take
away: a CSV file (/mine/export.csv) and a one-page summary for a GP (/mine/summary/)."""

import csv
import io
import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from backcare.planner.export import COLUMNS
from backcare.planner.history import built_sessions
from backcare.planner.memory import BUILT_COOKIE, remember_built
from backcare.planner.models import CareSession
from tests.factories import as_owner, care_session, followed, screened

pytestmark = pytest.mark.django_db

MEANINGFUL = "that is a meaningful change"
SMALL = "A small fall: the usual measure of a meaningful change on this scale is 2 points"
GENTLER = "Go more gently next time, or rest; if it keeps getting worse, speak to your GP"


def keep_in_browser(client, codes) -> None:
    """This browser's list holds `codes`, as the builder would have written it."""
    response = HttpResponse()
    remember_built(response, list(codes))
    client.cookies.update(response.cookies)


def rated(before, after, days_ago: float = 0, **kwargs) -> CareSession:
    session = care_session(**kwargs)
    followed(session, days_ago=days_ago, pain_before=before, pain_after=after)
    return session


def text(html: str) -> str:
    """What a person reads: the tags gone, the spaces one."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# ---------- The done page, to the browser that built the session ----------
@pytest.mark.parametrize(
    ("before", "after", "said", "not_said"),
    [
        (10, 7, "went down by 3 points, from 10 to 7 out of 10. By the usual", SMALL),  # 30 %
        (7, 5, "went down by 2 points, from 7 to 5 out of 10. By the usual", SMALL),  # 28.6 %
        (3, 2, "went down by 1 point, from 3 to 2 out of 10. By the usual", SMALL),  # 33 %
        (4, 3, SMALL, MEANINGFUL),  # 1 point, 25 %
        (8, 7, SMALL, MEANINGFUL),  # 1 point, 12.5 %
        (5, 5, "Your pain stayed at 5 out of 10.", "meaningful"),
        (5, 6, f"Your pain went up, from 5 to 6 out of 10. {GENTLER}", "meaningful"),
        (4, 6, f"Your pain went up by 2 points, from 4 to 6 out of 10. {GENTLER}", "meaningful"),
    ],
)
def test_the_done_page_says_whether_the_fall_is_meaningful(client, before, after, said, not_said):
    session = care_session()
    screened(as_owner(client, session))
    client.post(f"/s/{session.code}/", {"pain": str(before)})
    assert client.post(f"/s/{session.code}/done/", {"pain": str(after)}).status_code == 303
    page = text(client.get(f"/s/{session.code}/done/").content.decode())
    assert said in page and not_said not in page
    if MEANINGFUL in said or SMALL in said:
        assert "studies of several weeks of treatment, not of one session" in page


def test_a_stranger_with_the_link_sees_no_ratings_and_no_judgement(client):
    session = rated(7, 3)
    page = text(Client().get(f"/s/{session.code}/done/").content.decode())
    assert "kept by the device that built it" in page
    assert "meaningful" not in page and "from 7 to 3" not in page


# ---------- My sessions ----------
def test_my_sessions_judges_each_run_and_the_whole_history(client):
    sessions = [rated(10, 7), rated(4, 3), rated(3, 2), rated(5, 5), rated(4, 6), rated(6, None)]
    keep_in_browser(client, [s.code for s in sessions])
    page = text(client.get("/mine/").content.decode())
    assert "2 of your 5 sessions rated before and after brought a meaningful fall in pain " in page
    assert "(2 points, or 30% or more). After 1, pain rose by 2 points or more." in page
    for said in (
        "10 → 7 Change down 3: a meaningful fall",
        "4 → 3 Change down 1: a small fall",
        "3 → 2 Change down 1: a meaningful fall",
        "5 → 5 Change no change",
        "4 → 6 Change up 2: worse",
    ):
        assert said in page, said
    assert "6 → not rated Do it again" in page  # no change said without both ratings
    assert "a guide, not a diagnosis" in page


def test_all_or_none_of_the_sessions_are_said_so(client):
    keep_in_browser(client, [rated(6, 3).code, rated(5, 3).code])
    page = text(client.get("/mine/").content.decode())
    assert "All 2 of your sessions rated before and after brought a meaningful fall" in page
    keep_in_browser(client, [rated(6, 5).code, rated(5, 5).code])
    page = text(client.get("/mine/").content.decode())
    assert "None of your 2 sessions rated before and after brought a meaningful fall" in page


def test_one_session_short_of_the_line_is_counted_as_such(client):
    keep_in_browser(client, [rated(8, 7).code])
    page = text(client.get("/mine/").content.decode())
    assert "Your one session rated before and after did not bring a meaningful fall" in page
    assert "pain rose" not in page


def test_my_sessions_links_to_the_summary_and_the_file(client):
    keep_in_browser(client, [care_session().code])
    html = client.get("/mine/").content.decode()
    assert '<a href="/mine/summary/">A one-page summary for your GP or physiotherapist</a>' in html
    assert '<a href="/mine/export.csv" download>Download your history (CSV)</a>' in html
    assert "brought a meaningful fall" not in html  # nothing rated: no line


# ---------- The CSV file ----------
def test_the_csv_round_trips_the_list_of_my_sessions(client):
    sessions = [
        rated(7, 4, days_ago=3, performer="partner", regions=["lower-back", "hips-glutes"]),
        rated(4, 3, days_ago=2),
        rated(5, None, days_ago=1),
        care_session(minutes=5),  # built, never followed
    ]
    codes = [s.code for s in reversed(sessions)]
    keep_in_browser(client, codes)
    response = client.get("/mine/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="backcare-history-\d{4}-\d\d-\d\d\.csv"',
        response["Content-Disposition"],
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    listed = built_sessions(codes)
    assert len(rows) == len(listed) == 4 and tuple(rows[0]) == COLUMNS
    for row, item in zip(rows, listed, strict=True):
        session = item.session
        assert row["session"].removeprefix("'") == session.code  # a code may start with "-"
        assert row["areas"] == "; ".join(item.areas)
        assert row["minutes"] == str(session.minutes)
        assert row["date"] == timezone.localtime(item.moment).strftime("%Y-%m-%d %H:%M")
        assert row["pain_before"] == ("" if item.pain_before is None else str(item.pain_before))
        assert row["pain_after"] == ("" if item.pain_after is None else str(item.pain_after))
    oldest = rows[3]  # newest first, as My sessions lists them
    assert oldest["who"] == "with a partner" and oldest["areas"] == "Lower back; Hips and glutes"
    assert (oldest["change"], oldest["meaningful"]) == ("-3", "yes")
    assert (rows[2]["change"], rows[2]["meaningful"], rows[2]["who"]) == ("-1", "no", "on your own")
    assert (rows[1]["change"], rows[1]["meaningful"]) == ("", "")
    assert (rows[0]["pain_before"], rows[0]["date"] != "") == ("", True)  # never followed


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_text(client, start):
    session = rated(4, 6)
    session.areas = [["upper-back", f'{start}HYPERLINK("http://evil.example")']]
    session.save(update_fields=["areas"])
    keep_in_browser(client, [session.code])
    row = next(csv.DictReader(io.StringIO(client.get("/mine/export.csv").content.decode())))
    assert row["areas"] == f'\'{start}HYPERLINK("http://evil.example")'
    assert row["change"] == "2"  # a number stays a number


def test_the_csv_holds_this_browsers_sessions_only(client):
    mine, theirs = rated(6, 3), rated(5, 1)
    keep_in_browser(client, [mine.code])
    body = client.get("/mine/export.csv").content.decode()
    assert mine.code in body and theirs.code not in body
    stranger = Client().get("/mine/export.csv").content.decode()  # no list: the header only
    assert stranger.splitlines() == [",".join(COLUMNS)]


# ---------- The summary for a GP ----------
def test_the_summary_says_dates_sessions_areas_and_the_changes_without_codes(client):
    first = rated(7, 4, days_ago=10, regions=["lower-back"])
    second = rated(4, 3, days_ago=2, regions=["upper-back"])
    unrated = care_session(regions=["neck-shoulders"])  # built, never followed
    keep_in_browser(client, [unrated.code, second.code, first.code])
    response = client.get("/mine/summary/")
    assert response.status_code == 200
    html = response.content.decode()
    page = text(html)
    assert "Backcare is a website that builds back-massage sessions" in page
    assert "it does not diagnose" in page
    assert "Sessions done 2" in page and "Rated before and after 2" in page
    assert "Areas worked Lower back, Upper back" in page and "Neck" not in page
    assert re.search(r"Dates \d+ \w+ \d{4} to \d+ \w+ \d{4}", page)
    line = "1 of 2 sessions rated before and after brought a meaningful fall in pain: 2 points, "
    assert f"{line}or 30% or more of the score before. The thresholds are the usual" in page
    assert "Farrar et al., Pain 2001" in page
    assert "Lower back 7 4 down 3: a meaningful fall" in page
    assert "Upper back 4 3 down 1: a small fall" in page
    assert page.index("Lower back 7 4") < page.index("Upper back 4 3")  # oldest first
    for session in (first, second, unrated):
        assert session.code not in html
    assert "/s/" not in html  # no link opens a session
    assert 'href="/mine/"' in html and "data-print" in html


def test_the_summary_with_nothing_followed_says_so(client):
    keep_in_browser(client, [care_session().code])
    page = text(client.get("/mine/summary/").content.decode())
    assert "nothing to summarise" in page and "Sessions done" not in page


# ---------- What both answer, and to whom ----------
@pytest.mark.parametrize("url", ["/mine/export.csv", "/mine/summary/"])
def test_they_are_private_and_never_stored(client, url):
    keep_in_browser(client, [rated(6, 3).code])
    assert client.cookies[BUILT_COOKIE]["path"] == "/mine/"  # so the list reaches them
    response = client.get(url)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
    head = client.head(url)
    assert head.status_code == 200 and head.content == b""


@pytest.mark.parametrize("url", ["/mine/export.csv", "/mine/summary/"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_get_the_designed_405_page(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"
    html = response.content.decode()
    assert "<html" in html and "Open it from the link in My sessions." in html


@pytest.mark.engine_free
@pytest.mark.parametrize("url", ["/mine/export.csv", "/mine/summary/"])
def test_they_take_the_same_queries_for_1_or_30_runs(client, django_assert_max_num_queries, url):
    sessions = [rated(n % 11, (n * 3) % 11, days_ago=n) for n in range(30)]
    for count in (1, 30):
        keep_in_browser(client, [s.code for s in sessions[:count]])
        # The sessions (each keeps its areas' names); their runs.
        with django_assert_max_num_queries(2):
            assert client.get(url).status_code == 200
