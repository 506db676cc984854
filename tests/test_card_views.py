"""Take it with you: the printable session card and the .ics reminder to do it again."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from backcare.catalogue.models import StopSignal
from backcare.catalogue.templatetags.backcare import clock, first_sentence
from tests.factories import as_owner, care_session, grow_catalogue, leave_out
from tests.queries import VERSION, cold_and_warm, own
from tests.test_calendar import properties, unfold

pytestmark = pytest.mark.django_db

ALL_AREAS = ["neck-shoulders", "upper-back", "mid-back", "lower-back", "hips-glutes"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@pytest.fixture
def session():
    return care_session("self", ["upper-back", "mid-back"], ["tennis-ball", "wall"], 10)


def test_the_card_lists_every_step_with_its_time_and_what_to_do(client, session):
    response = client.get(f"/s/{session.code}/card/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your 10-minute back-care session" in html
    assert "On your own" in html and "Upper back, Mid back" in html
    assert f"{session.steps.count()}, " in html and "Ball-on-wall hold on a knot" in html
    assert html.count('class="session-card__step"') == session.steps.count()
    for step in session.steps.all():
        time = f'<time class="session-card__time" datetime="PT{step.seconds}S">'
        assert f"{time}{clock(step.seconds)}</time> <strong>{step.title}</strong>" in html
        assert step.instructions[0] in html
    # A position is said where it changes, not again for each step that keeps it.
    positions = [first_sentence(step.position) for step in session.steps.all()]
    changes = [p for n, p in enumerate(positions) if n == 0 or p != positions[n - 1]]
    assert len(changes) < len(positions)
    assert html.count('class="session-card__position') == len(changes)
    assert f'href="/s/{session.code}/"' in html  # back to the session


def test_a_card_line_keeps_to_its_first_sentence():
    assert first_sentence("Moderate: enough to move it. Lighten at once.") == (
        "Moderate: enough to move it."
    )
    assert first_sentence("Light and springy, never thumping.") == (
        "Light and springy, never thumping."
    )
    assert first_sentence("Stand or sit") == "Stand or sit"


def test_the_card_says_when_to_stop_and_what_to_keep_off(client, session):
    leave_out(session, "lower-back")
    html = as_owner(client, session).get(f"/s/{session.code}/card/").content.decode()
    for signal in StopSignal.objects.all():
        shown = escape(signal.feeling) in html
        assert shown == (signal.action != StopSignal.Action.CARRY_ON), signal.slug
    assert "Stop now:" in html and "Ease off:" in html
    assert "Keep off your lower back today" in html
    spine = session.steps.first().keep_off[0]
    assert html.count(spine) == 1  # every step's no-go line, said once


def test_the_card_lights_every_muscle_the_session_works(client, session):
    html = client.get(f"/s/{session.code}/card/").content.decode()
    worked = {step.muscle.slug for step in session.steps.all() if step.muscle}
    lit = set(re.findall(r'class="muscle[^"]*is-selected[^"]*" data-muscle="([\w-]+)"', html))
    assert lit == worked
    assert html.count('class="back-diagram') == 1  # one diagram, from the shared partial
    assert 'aria-label="The muscles this session works, lit on the back"' in html


def test_the_card_prints_alone_and_offers_print_and_reminder(client, session):
    html = client.get(f"/s/{session.code}/card/").content.decode()
    assert 'href="/static/css/backcare.css"' in html
    assert '<button type="button" class="button button--primary" data-print hidden>' in html
    assert "onclick" not in html and " style=" not in html and "{#" not in html
    css = (Path(settings.BASE_DIR) / "static/css/backcare.css").read_text()
    printed = css[css.index("@media print {") :]
    assert "@page {\n    margin: 8mm 10mm;" in printed
    assert re.search(r"\.site-header,\s*\.site-footer,[^{]*\.reminder \{\s*display: none", printed)
    assert "break-inside: avoid" in printed
    assert f'action="/s/{session.code}/reminder.ics"' in html and 'method="get"' in html
    assert 'type="time" name="time"' in html and 'value="07:30"' in html
    assert all(f'value="{day}"' in html for day in DAYS)


def test_the_overview_and_the_done_page_link_to_the_card(client, session):
    as_owner(client, session)
    for page in ("", "done/"):
        html = client.get(f"/s/{session.code}/{page}").content.decode()
        assert f'<a href="/s/{session.code}/card/">Print a card</a>' in html
        assert f'<a href="/s/{session.code}/card/#reminder">Remind me</a>' in html


@pytest.mark.parametrize("path", ["card/", "reminder.ics?repeat=daily&time=07:30"])
def test_unknown_codes_are_404(client, path):
    for code in ["nope", "A" * 12, "x" * 200]:
        response = client.get(f"/s/{code}/{path}")
        assert response.status_code == 404
        assert "find that page" in response.content.decode()


def test_the_card_and_reminder_are_read_only(client, session):
    assert client.post(f"/s/{session.code}/card/").status_code == 405
    assert client.post(f"/s/{session.code}/reminder.ics", {"repeat": "daily"}).status_code == 405


def test_a_daily_reminder_downloads_as_a_calendar_file(client, session):
    response = client.get(f"/s/{session.code}/reminder.ics?repeat=daily&time=07:30")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="backcare-session.ics"'
    ics = response.content.decode()
    props = properties(ics)
    assert props["RRULE"] == ["FREQ=DAILY"]
    assert props["DTSTART"] == [f"{timezone.localdate():%Y%m%d}T073000"]
    minutes = -(-session.total_seconds // 60)
    assert props["DURATION"] == [f"PT{minutes}M"]
    assert props["SUMMARY"] == [f"Back-care session ({minutes} min)"]
    assert props["UID"] == [f"{session.code}-daily@backcare"]
    assert props["URL"] == [f"{settings.SITE_ORIGIN}/s/{session.code}/"]
    description = "".join(unfold(ics))
    for step in session.steps.all():
        escaped = step.title.replace(",", "\\,").replace(";", "\\;")
        assert f"{step.number}. {escaped} ({clock(step.seconds)})" in description
    assert ics.count("\r\n") == len(ics.split("\n")) - 1  # CRLF only
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))


def test_a_weekly_reminder_starts_on_the_next_chosen_day(client, session):
    today = timezone.localdate()
    later = [DAYS[(today.weekday() + n) % 7] for n in (2, 5)]  # two days that aren't today
    query = f"repeat=weekly&day={later[1]}&day={later[0]}&time=18:00"
    props = properties(client.get(f"/s/{session.code}/reminder.ics?{query}").content.decode())
    in_order = sorted(later, key=DAYS.index)
    assert props["RRULE"] == [f"FREQ=WEEKLY;BYDAY={','.join(in_order)}"]
    assert props["DTSTART"] == [f"{today + timedelta(days=2):%Y%m%d}T180000"]
    assert props["UID"] == [f"{session.code}-weekly@backcare"]


def test_a_weekly_reminder_on_today_starts_today(client, session):
    today = timezone.localdate()
    query = f"repeat=weekly&day={DAYS[today.weekday()]}&time=06:15:00"
    props = properties(client.get(f"/s/{session.code}/reminder.ics?{query}").content.decode())
    assert props["DTSTART"] == [f"{today:%Y%m%d}T061500"]


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("", "Choose every day, or chosen days."),
        ("repeat=hourly&time=07:30", "Choose every day, or chosen days."),
        ("repeat=weekly&time=07:30", "Tick at least one day, or choose every day."),
        ("repeat=weekly&day=XX&time=07:30", "“XX” isn&#x27;t a day of the week."),
        ("repeat=weekly&day=mo&time=07:30", "“mo” isn&#x27;t a day of the week."),
        ("repeat=daily&time=25:00", "Give the time as hours and minutes, such as 07:30."),
        ("repeat=daily&time=7.30pm", "Give the time as hours and minutes, such as 07:30."),
        ("repeat=daily", "Choose a time, such as 07:30."),
        ("repeat=daily&time=" + "9" * 5000, "Give the time as hours and minutes"),
    ],
)
def test_a_wrong_reminder_shows_the_form_again_with_why(client, session, query, error):
    response = client.get(f"/s/{session.code}/reminder.ics?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "The reminder needs a look" in html and error in html
    assert 'class="session-card"' in html  # the card page, its form shown again


def test_a_daily_reminder_ignores_ticked_days(client, session):
    query = "repeat=daily&day=MO&time=07:30"
    props = properties(client.get(f"/s/{session.code}/reminder.ics?{query}").content.decode())
    assert props["RRULE"] == ["FREQ=DAILY"]


def _trimmed(steps: int):
    """A saved session cut to its first `steps` steps."""
    built = care_session("partner", ALL_AREAS, [], 60)
    built.steps.filter(number__gt=steps).delete()
    assert built.steps.count() == steps
    return built


@pytest.mark.engine_free  # the ORM's queries: the same on any engine
def test_card_and_reminder_query_counts_do_not_grow_with_steps_or_catalogue(client):
    small, large = _trimmed(3), _trimmed(20)
    leave_out(large, "lower-back")

    def counts(session):
        as_owner(client, session)  # only the owner is told what it left out
        card = f"/s/{session.code}/card/"
        ics = f"/s/{session.code}/reminder.ics?repeat=weekly&day=MO&day=FR&time=07:30"
        (cold, warm), ics_queries = (
            cold_and_warm(lambda u=url: client.get(u)) for url in (card, ics)
        )
        return [(own(cold), warm), ics_queries]

    # card: the session, its steps (each keeps what it shows, its areas too); first after a change
    # also the version, the snapshot (the stop signals, the areas' order) and the diagram's
    # muscles and zones (once kept, the process remembers the version: no query for it).
    # reminder: the steps' titles and times.
    card = ["planner_caresession", "planner_carestep"]
    warm = card
    cold = [*card, VERSION, "muscle", "nogozone"]
    reminder = ["planner_carestep"]
    expected = [(cold, warm), (reminder, reminder)]
    assert counts(small) == expected
    with_left_out = expected
    assert counts(large) == with_left_out
    grow_catalogue(10)
    assert counts(small) == expected
    assert counts(large) == with_left_out


def test_a_partners_card_names_the_receivers_side_alone_it_is_yours(client):
    """The card says a side as the step and its spoken cues do: "their left side" to a
    partner, plainly "left side" to someone massaging themselves."""
    partner = care_session("partner", ["hips-glutes"], [], 20)
    titles = re.findall(r"<strong>([^<]*)</strong>", client.get(f"/s/{partner.code}/card/").text)
    sided = [t for t in titles if re.search(r"(left|right) side", t)]
    assert sided and all(re.search(r"· their (left|right) side$", t) for t in sided)
    alone = care_session("self", ["hips-glutes"], ["tennis-ball"], 10)
    titles = re.findall(r"<strong>([^<]*)</strong>", client.get(f"/s/{alone.code}/card/").text)
    sided = [t for t in titles if re.search(r"(left|right) side", t)]
    assert sided and all(re.search(r"· (left|right) side$", t) for t in sided)
