"""The builder learns from this browser's own history: a step marked too much is left out of
the next session and the preview says why; undoing puts it back (and stays undone); what felt
good, or came before a meaningful fall twice, gets more of the time. A stranger's browser
learns nothing from someone else's sessions."""

from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.utils import timezone

from backcare.catalogue.choices import Phase
from backcare.planner.memory import remember_built
from backcare.planner.models import CareSession, Felt, StepFeedback
from tests.factories import care_session, followed, screened

pytestmark = pytest.mark.django_db

ANSWERS = {
    "performer": "self",
    "region": ["upper-back"],
    "prop": ["tennis-ball"],
    "minutes": "10",
    "movement": "0",
}


def keep_in_browser(client, *sessions) -> None:
    """This browser built `sessions` (its list holds them, as the builder writes it)."""
    response = HttpResponse()
    remember_built(response, [s.code for s in sessions])
    client.cookies.update(response.cookies)


def past_session(days_ago: int, **ratings) -> CareSession:
    session = care_session("self", ["upper-back"], ["tennis-ball"], 10, movement=False)
    CareSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago, hours=1)
    )
    followed(session, days_ago=days_ago, **ratings)
    return session


def mark(session: CareSession, slug: str, felt: str, days_ago: int = 3) -> StepFeedback:
    step = session.steps.filter(technique__slug=slug).first()
    run = session.runs.get()
    return StepFeedback.objects.create(
        run=run,
        number=step.number,
        felt=felt,
        work=slug,
        name=step.name,
        at=timezone.now() - timedelta(days=days_ago),
    )


def main_work(session_or_response) -> list[str]:
    return [s.technique.slug for s in session_or_response.steps.filter(phase=Phase.MAIN)]


def preview(client, **extra):
    return client.get("/build/", {**ANSWERS, **extra})


def planned(response) -> set[str]:
    return {s.technique for s in response.context["plan"].steps}


@pytest.fixture
def visitor(client):
    return screened(client)


def test_a_step_marked_too_much_is_left_out_next_time_and_the_preview_says_why(visitor):
    before = preview(visitor)
    past = past_session(3)
    slug = main_work(past)[0]
    assert slug in planned(before)
    feedback = mark(past, slug, Felt.TOO_MUCH)
    keep_in_browser(visitor, past)

    response = preview(visitor)
    assert slug not in planned(response)
    page = response.content.decode()
    day = timezone.localtime(feedback.at).strftime("%-d %B")
    assert f"Left out:</strong> {feedback.name.lower()} — you said it was too much on {day}" in page
    assert "Put it back" in page

    saved = visitor.post("/build/", ANSWERS)  # the session saved is the one previewed
    code = saved["Location"].split("/")[2]
    assert slug not in main_work(CareSession.objects.get(code=code))


def test_undoing_puts_it_back_stays_undone_and_can_be_done_again(visitor):
    past = past_session(3)
    slug = main_work(past)[0]
    mark(past, slug, Felt.TOO_MUCH)
    keep_in_browser(visitor, past)
    ((lesson, _),) = preview(visitor).context["learned"]

    undone = preview(visitor, undo=lesson.key)
    assert slug in planned(undone)
    assert "Put back:</strong>" in undone.content.decode()
    assert "Leave it out again" in undone.content.decode()
    assert slug in planned(preview(visitor))  # remembered: the next change keeps it back

    again = preview(visitor, redo=lesson.key)
    assert slug not in planned(again)
    assert slug not in planned(preview(visitor))


def test_a_newer_too_much_after_an_undo_leaves_it_out_again(visitor):
    past = past_session(5)
    slug = main_work(past)[0]
    mark(past, slug, Felt.TOO_MUCH, days_ago=5)
    keep_in_browser(visitor, past)
    ((lesson, _),) = preview(visitor).context["learned"]
    assert slug in planned(preview(visitor, undo=lesson.key))
    later = past_session(1)
    mark(later, slug, Felt.TOO_MUCH, days_ago=1)
    keep_in_browser(visitor, later, past)
    assert slug not in planned(preview(visitor))


def test_felt_good_gives_it_more_time_and_says_so(visitor):
    plain = preview(visitor)
    past = past_session(2)
    slug = main_work(past)[0]
    feedback = mark(past, slug, Felt.GOOD, days_ago=2)
    keep_in_browser(visitor, past)
    response = preview(visitor)

    def seconds(r):
        return sum(s.seconds for s in r.context["plan"].steps if s.technique == slug)

    assert seconds(response) > seconds(plain)
    day = timezone.localtime(feedback.at).strftime("%-d %B")
    assert f"you said it felt good on {day}" in response.content.decode()


def test_two_meaningful_falls_after_a_technique_are_said_in_points(visitor):
    first, second = (
        past_session(6, pain_before=6, pain_after=3),
        past_session(3, pain_before=5, pain_after=3),
    )
    keep_in_browser(visitor, first, second)
    page = preview(visitor).content.decode()
    assert "your pain fell by 2 to 3 points after it twice" in page


def test_small_falls_teach_nothing(visitor):
    sessions = [past_session(n, pain_before=5, pain_after=4) for n in (6, 4, 2)]
    keep_in_browser(visitor, *sessions)
    response = preview(visitor)
    assert response.context["learned"] == []
    assert "Changed by your past sessions" not in response.content.decode()


def test_a_browser_that_did_not_build_the_sessions_learns_nothing_from_them(client):
    past = past_session(3)
    mark(past, main_work(past)[0], Felt.TOO_MUCH)
    stranger = screened(client)  # has the link, perhaps, but not the list
    response = preview(stranger)
    assert response.context["learned"] == []
    assert main_work(past)[0] in planned(response)


def test_a_tampered_or_stale_undo_is_ignored(visitor):
    past = past_session(3)
    slug = main_work(past)[0]
    mark(past, slug, Felt.TOO_MUCH)
    keep_in_browser(visitor, past)
    for key in ("out:x:202601010000", "<script>", f"out:{slug}:999999999999", "x" * 500):
        response = preview(visitor, undo=key)
        assert response.status_code == 200
        assert slug not in planned(response)


def test_the_builder_reads_a_long_history_in_the_same_queries(
    visitor, django_assert_max_num_queries
):
    one = past_session(1, pain_before=6, pain_after=3)
    followed(one, days_ago=2, pain_before=6, pain_after=3)  # two falls: its work is read
    keep_in_browser(visitor, one)
    preview(visitor)  # what is kept per catalogue version
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as short:
        preview(visitor)
    many = [past_session(n % 14 + 1, pain_before=6, pain_after=3) for n in range(12)]
    for session in many:
        for days in (2, 5):
            followed(session, days_ago=days, pain_before=5, pain_after=2)
    keep_in_browser(visitor, one, *many)
    with django_assert_max_num_queries(len(short)):
        preview(visitor)


def test_forget_everything_forgets_what_was_learned_plans_and_undos(visitor):
    from backcare.planner.memory import PLANS_COOKIE, PROPS_COOKIE, UNDONE_COOKIE
    from backcare.plans.models import CarePlan, CheckIn
    from tests.factories import owned_plan

    past = past_session(3)
    slug = main_work(past)[0]
    mark(past, slug, Felt.TOO_MUCH)
    keep_in_browser(visitor, past)
    ((lesson, _),) = preview(visitor).context["learned"]
    preview(visitor, undo=lesson.key)  # undone, and remembered
    plan = owned_plan(visitor)
    CheckIn.objects.create(plan=plan, week=0, scores=[4])

    response = visitor.post("/mine/forget/all/")
    assert response.status_code == 303
    assert not StepFeedback.objects.exists() and not CarePlan.objects.exists()
    assert not CheckIn.objects.exists()
    for name in (UNDONE_COOKIE, PROPS_COOKIE, PLANS_COOKIE, f"{PLANS_COOKIE}_build"):
        assert response.cookies[name].value == "", name
    assert preview(visitor).status_code == 303  # today's answers forgotten too: asked again
    screened(visitor)
    keep_in_browser(visitor, past)  # even were the list kept, nothing is left to learn from
    assert preview(visitor).context["learned"] == []


def test_a_plan_day_is_built_from_what_the_history_teaches(visitor):
    import re

    from tests.factories import owned_plan

    past = past_session(3)
    slug = main_work(past)[0]
    feedback = mark(past, slug, Felt.TOO_MUCH)
    keep_in_browser(visitor, past)
    answers = dict(regions=["upper-back"], props=["tennis-ball"], movement=False)
    plan = owned_plan(
        visitor, **answers, weekdays=list(range(7)), short_minutes=10, long_minutes=10
    )
    page = visitor.get(f"/plan/{plan.code}/").content.decode()
    start = re.search(r'href="(/build/\?[^"]+)"[^>]*>Start this session', page).group(1)
    response = visitor.get(start.replace("&amp;", "&"))
    assert slug not in planned(response)
    assert f"Left out:</strong> {feedback.name.lower()}" in response.content.decode()


def test_a_mark_counts_however_many_runs_came_after_it(visitor):
    from backcare.planner.history import lessons_of
    from backcare.planner.learning import RECENT_RUNS

    past = past_session(90)
    slug = main_work(past)[0]
    mark(past, slug, Felt.TOO_MUCH, days_ago=90)
    later = care_session("self", ["upper-back"], ["tennis-ball"], 10, movement=False)
    for n in range(RECENT_RUNS + 1):  # newer runs than the marked one, more than are read
        followed(later, days_ago=n / 10 + 1, pain_before=5, pain_after=4)
    (lesson,) = lessons_of([later.code, past.code])
    assert (lesson.work, lesson.out) == (slug, True)


def test_a_prop_whose_work_the_history_left_out_says_so(visitor):
    past = past_session(3)
    for slug in {s.technique.slug for s in past.steps.all() if s.props}:
        mark(past, slug, Felt.TOO_MUCH)
    keep_in_browser(visitor, past)
    page = preview(visitor).content.decode()
    assert "Tennis ball:</strong> not used today." in page
    assert "What it does is left out, as your past sessions asked (above)." in page


def test_skip_next_time_leaves_it_out_of_the_next_session_saved_and_no_more(visitor):
    past = past_session(3)
    slug = main_work(past)[0]
    feedback = mark(past, slug, Felt.SKIP, days_ago=2)
    keep_in_browser(visitor, past)
    response = preview(visitor)
    assert slug not in planned(response)
    day = timezone.localtime(feedback.at).strftime("%-d %B")
    assert f"you asked to skip it next time, on {day}" in response.content.decode()
    saved = visitor.post("/build/", ANSWERS)  # the next session: built without it
    skipped = CareSession.objects.get(code=saved["Location"].split("/")[2])
    assert slug not in main_work(skipped)
    assert slug in planned(preview(visitor))  # the one after: back as usual


def test_an_area_left_with_nothing_says_it_was_the_history(visitor):
    from backcare.catalogue.snapshot import catalogue_snapshot

    past = past_session(3)
    run, step = past.runs.get(), past.steps.first()
    reaching = catalogue_snapshot().working_with("self", "upper-back", {"tennis-ball"})
    for number, technique in enumerate(reaching, start=100):  # every one marked too much
        StepFeedback.objects.create(
            run=run, number=number, felt=Felt.TOO_MUCH, work=technique.slug, name=step.name
        )
    keep_in_browser(visitor, past)
    response = preview(visitor)
    (unreachable,) = response.context["plan"].unreachable
    assert unreachable.learned
    assert "what would work it is left out, as your past sessions asked (above)." in (
        response.content.decode()
    )
