"""The two-week plan's pages: made from a session this browser built, seen only by the browser
that made it, refused kindly when the answers are wrong, and its days recorded through the
builder. Its calendar is RFC 5545 like the reminder's (the same checks)."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from backcare.planner.memory import remember_built, remember_plans
from backcare.planner.models import CareSession
from backcare.plans.keeping import forget_plans
from backcare.plans.models import CarePlan, CheckIn, PlanSession
from tests.factories import as_owner, care_session, followed, screened
from tests.test_calendar import properties, unfold

pytestmark = pytest.mark.django_db


def keeps(client: Client, *, built=(), plans=()) -> Client:
    """`client` holds these lists (every copy, with its path), as the server sets them."""
    from django.http import HttpResponse

    response = HttpResponse()
    if built:
        remember_built(response, list(built))
    if plans:
        remember_plans(response, list(plans))
    for name, morsel in response.cookies.items():
        client.cookies[name] = morsel.value
        client.cookies[name]["path"] = morsel["path"]
    return client


FORM = {
    "weekdays": ["0", "2", "4"],
    "short_minutes": "10",
    "long_minutes": "20",
    "movement": "1",
    "at": "18:30",
    "activity": ["Carrying the shopping", "Sitting at my desk", ""],
    "score": ["4", "6", ""],
}


def make_plan(client: Client, **changes) -> CarePlan:
    response = client.post("/plan/new/", FORM | changes)
    assert response.status_code == 303, response.content.decode()[:2000]
    return CarePlan.objects.get(code=response["Location"].strip("/").split("/")[-1])


@pytest.fixture
def session():
    return care_session("self", ["upper-back"], ["tennis-ball"], 10)


@pytest.fixture
def owner(client, session):
    return keeps(as_owner(client, session), built=[session.code])


def test_the_form_is_prefilled_from_a_session_this_browser_built(owner, session):
    html = owner.get(f"/plan/new/?from={session.code}").content.decode()
    assert "From your session of" in html and "upper back" in html
    assert f'value="{session.code}"' in html
    assert 'name="long_minutes" id="id_long_minutes" min="3" max="60" value="20"' in html


def test_another_browsers_session_is_not_shown_at_all(session):
    html = Client().get(f"/plan/new/?from={session.code}").content.decode()
    assert "From your session of" not in html and session.code not in html
    assert "upper back" not in html.lower().split("</header>")[1]


def test_making_a_plan_keeps_its_answers_and_week_0_and_opens_its_page(owner, session):
    plan = make_plan(owner, **{"from": session.code})
    assert plan.regions == ["upper-back"] and plan.props == ["tennis-ball"]
    assert plan.weekdays == [0, 2, 4] and plan.at == time(18, 30) and plan.movement
    assert plan.activities == ["Carrying the shopping", "Sitting at my desk"]
    assert CheckIn.objects.get(plan=plan).scores == [4, 6]
    html = owner.get(f"/plan/{plan.code}/").content.decode()
    assert "Your two-week plan" in html and 'aria-current="date"' in html
    assert html.count('<li class="plan-day') == 14


def test_a_session_not_ours_gives_a_plan_with_none_of_it(client, session):
    plan = make_plan(client, **{"from": session.code})
    assert plan.regions == [] and plan.props == []


def test_a_stranger_with_the_plans_link_gets_the_designed_403(owner):
    plan = make_plan(owner)
    stranger = Client()
    for path in ("", "plan.ics", "check-in/"):
        response = stranger.get(f"/plan/{plan.code}/{path}")
        assert response.status_code == 403, path
        assert "Only the browser that made this plan" in response.content.decode()
        assert "Carrying the shopping" not in response.content.decode()


def test_an_unknown_plan_is_a_404(owner):
    assert owner.get("/plan/abcdefghijkl/").status_code == 404
    assert owner.get("/plan/not-a-code/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"weekdays": []}, "Choose at least one day of the week."),
        ({"short_minutes": "2"}, "from 3 to 60"),
        ({"long_minutes": "61"}, "from 3 to 60"),
        ({"short_minutes": "30", "long_minutes": "20"}, "shorter than short days"),
        ({"activity": ["a", "b", "c", "d"], "score": ["1", "2", "3", "4"]}, "up to 3 activities"),
        ({"activity": ["Walking"], "score": ["11"]}, "How well can you do “Walking” now?"),
        ({"activity": ["x" * 61], "score": ["3"]}, "60 characters or fewer"),
        ({"from": "../../etc"}, "one of your sessions: start again from it"),
        ({"weekdays": ["7"]}, "Select a valid choice"),
    ],
)
def test_bad_answers_get_the_form_again_with_why(owner, changes, said):
    response = owner.post("/plan/new/", FORM | changes)
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not CarePlan.objects.exists()


def test_a_tampered_from_on_the_form_link_is_a_400_not_a_500(owner):
    response = owner.get("/plan/new/?from=%3Cscript%3E")
    assert response.status_code == 400
    assert "name one of your sessions" in response.content.decode()


def test_making_a_plan_needs_the_csrf_token(session):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/plan/new/", FORM).status_code == 403
    assert not CarePlan.objects.exists()
    page = browser.get("/plan/new/")
    token = page.cookies["csrftoken"].value
    response = browser.post("/plan/new/", FORM | {"csrfmiddlewaretoken": token})
    assert response.status_code == 303


@pytest.mark.parametrize("path", ["plan.ics", ""])
def test_pages_that_only_show_say_405_with_allow_to_a_post(owner, path):
    plan = make_plan(owner)
    response = owner.post(f"/plan/{plan.code}/{path}")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_the_plan_calendar_has_one_valid_event_per_session_day(owner):
    plan = make_plan(owner)
    response = owner.get(f"/plan/{plan.code}/plan.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    ics = response.content.decode()
    props = properties(ics)
    assert props["BEGIN"][0] == "VCALENDAR" and props["END"][-1] == "VCALENDAR"
    assert props["VERSION"] == ["2.0"] and props["PRODID"] == ["-//Backcare//Two-week plan//EN"]
    session_days = [
        plan.starts + timedelta(days=n)
        for n in range(14)
        if (plan.starts + timedelta(days=n)).weekday() in (0, 2, 4)
    ]
    assert props["BEGIN"].count("VEVENT") == len(session_days) == 6
    assert props["DTSTART"] == [f"{day:%Y%m%d}T183000" for day in session_days]
    assert props["DURATION"] == ["PT10M", "PT20M"] * 3
    assert props["SUMMARY"][:2] == [
        "Backcare: 10-minute session (with movement)",
        "Backcare: 20-minute session (with movement)",
    ]
    assert len(set(props["UID"])) == 6
    assert all(url.endswith(f"/plan/{plan.code}/") for url in props["URL"])
    physical = ics.split("\r\n")[:-1]
    assert "\n" not in ics.replace("\r\n", "") and all(len(x.encode()) <= 75 for x in physical)
    assert len(unfold(ics)) <= len(physical)


def test_the_start_link_goes_to_the_builder_with_the_plan_and_saving_records_the_day(
    owner, session
):
    plan = make_plan(owner, **{"from": session.code}, weekdays=[str(d) for d in range(7)])
    html = owner.get(f"/plan/{plan.code}/").content.decode()
    start = html.split("Start this session")[0].rsplit('href="', 1)[1].split('"')[0]
    assert start.startswith("/build/?") and f"plan={plan.code}" in start
    unanswered = owner.get(start.replace("&amp;", "&"))  # today's safety questions first
    assert unanswered.status_code == 303 and f"plan={plan.code}" in unanswered["Location"]
    page = screened(owner).get(start.replace("&amp;", "&"))
    assert f'name="plan" value="{plan.code}"' in page.content.decode()
    post = {k: v for k, v in page.context["form"].data.lists()}
    response = owner.post("/build/", post)
    assert response.status_code == 303
    done = PlanSession.objects.get(plan=plan)
    assert done.day == timezone.localdate()
    assert done.session == CareSession.objects.latest("created_at")
    html = owner.get(f"/plan/{plan.code}/").content.decode()
    assert "1 of 14 sessions done." in html and "Done" in html


def test_a_plan_day_shows_the_pain_before_and_after(owner, session):
    plan = make_plan(owner)
    PlanSession.objects.create(plan=plan, session=session, day=timezone.localdate())
    followed(session, pain_before=6, pain_after=3)
    html = owner.get(f"/plan/{plan.code}/").content.decode()
    assert "pain 6 → 3" in html


@pytest.mark.parametrize("tampered", ["x" * 200, "<script>", "../../"])
def test_the_builder_ignores_a_plan_that_is_no_code(owner, tampered):
    page = screened(owner).get(
        "/build/", {"region": "upper-back", "minutes": "10", "plan": tampered}
    )
    assert page.status_code == 200 and 'name="plan"' not in page.content.decode()


def test_the_builder_ignores_a_plan_this_browser_does_not_own(owner, session):
    plan = make_plan(Client())  # someone else's
    page = screened(owner).get(f"/build/?region=upper-back&minutes=10&plan={plan.code}")
    post = {k: v for k, v in page.context["form"].data.lists()}
    assert owner.post("/build/", post).status_code == 303
    assert not PlanSession.objects.exists()


def test_the_plan_page_takes_the_same_queries_with_0_or_6_days_done(
    owner, django_assert_num_queries
):
    plan = make_plan(owner)
    # the plan; its days done; those sessions' runs; its check-ins
    with django_assert_num_queries(4):
        assert owner.get(f"/plan/{plan.code}/").status_code == 200
    for n in range(6):
        done = care_session("self", ["upper-back"], (), 5)
        followed(done, pain_before=5, pain_after=n)
        PlanSession.objects.create(plan=plan, session=done, day=plan.starts + timedelta(days=n))
    with django_assert_num_queries(4):
        html = owner.get(f"/plan/{plan.code}/").content.decode()
    assert "sessions done" in html


def test_forgetting_plans_removes_them_their_days_and_check_ins(owner, session):
    plan = make_plan(owner)
    PlanSession.objects.create(plan=plan, session=session, day=plan.starts)
    assert forget_plans([plan.code]) == 1
    assert not CarePlan.objects.exists() and not CheckIn.objects.exists()
    assert not PlanSession.objects.exists() and CareSession.objects.filter(pk=session.pk).exists()


def test_the_done_page_offers_a_plan_to_the_owner_only(owner, session):
    link = f"/plan/new/?from={session.code}"
    assert link in owner.get(f"/s/{session.code}/done/").content.decode()
    assert link not in Client().get(f"/s/{session.code}/done/").content.decode()


def test_my_sessions_lists_the_plan_and_offers_one_per_session(owner, session):
    plan = make_plan(owner)
    html = owner.get("/mine/").content.decode()
    assert f"/plan/{plan.code}/" in html and "Day 1 of 14" in html
    assert f"/plan/new/?from={session.code}" in html


def test_the_week_1_check_in_is_asked_from_day_7_and_charted(owner):
    plan = make_plan(owner)
    html = owner.get(f"/plan/{plan.code}/").content.decode()
    assert "Check in for week" not in html
    assert owner.get(f"/plan/{plan.code}/check-in/").status_code == 409
    CarePlan.objects.filter(pk=plan.pk).update(starts=plan.starts - timedelta(days=6))
    html = owner.get(f"/plan/{plan.code}/").content.decode()
    assert "Check in for week 1" in html
    bad = owner.post(f"/plan/{plan.code}/check-in/", {"score_1": "11", "score_2": "6"})
    assert bad.status_code == 400 and "from 0" in bad.content.decode()
    ok = owner.post(f"/plan/{plan.code}/check-in/", {"score_1": "7", "score_2": "7"})
    assert ok.status_code == 303
    html = owner.get(f"/plan/{plan.code}/").content.decode()
    assert "Check in for week 1" not in html
    assert "Carrying the shopping" in html and "up 3 points: a clear change" in html
    assert "up 1 point: less than the 3 points" in html
    assert "from 5.0 in week 0 to 7.0 in week 1, up 2 points: a clear change" in html
    assert "<svg" in html and "<table" in html


def test_a_check_in_needs_the_csrf_token(session):
    browser = Client(enforce_csrf_checks=True)
    token = browser.get("/plan/new/").cookies["csrftoken"].value
    response = browser.post("/plan/new/", FORM | {"csrfmiddlewaretoken": token})
    plan = CarePlan.objects.get(code=response["Location"].strip("/").split("/")[-1])
    CarePlan.objects.filter(pk=plan.pk).update(starts=plan.starts - timedelta(days=7))
    refused = browser.post(f"/plan/{plan.code}/check-in/", {"score_1": "7", "score_2": "7"})
    assert refused.status_code == 403 and CheckIn.objects.count() == 1


def test_a_plan_days_done_page_leads_back_to_the_plan(client):
    from backcare.plans.models import PlanSession
    from tests.factories import as_owner, care_session, owned_plan

    plan = owned_plan(client)
    session = care_session()
    as_owner(client, session)
    page = client.get(f"/s/{session.code}/done/").content.decode()
    assert "Make this a plan" in page and f"/plan/{plan.code}/" not in page
    PlanSession.objects.create(plan=plan, session=session, day=plan.starts)
    page = client.get(f"/s/{session.code}/done/").content.decode()
    assert f'href="/plan/{plan.code}/">See your plan and what' in page
    assert "Make this a plan" not in page
