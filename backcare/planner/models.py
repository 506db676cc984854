"""A saved session: the steps a person follows and the inputs that shaped them.

Health answers are never stored here: only performer, regions, props and minutes.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from backcare.catalogue.choices import (
    MAX_MINUTES,
    MIN_MINUTES,
    Performer,
    Phase,
    Pressure,
    Side,
)
from backcare.catalogue.models import Movement, Muscle, Prop, Region, Technique
from backcare.catalogue.templatetags.backcare import first_sentence
from backcare.catalogue.values import MovementInfo, Snapshot
from backcare.planner.plan import Plan, PlannedStep, Request

CODE_LENGTH = 12
CODE_PATTERN = f"[A-Za-z0-9_-]{{{CODE_LENGTH}}}"  # what new_code() makes
_CODE = re.compile(rf"\A{CODE_PATTERN}\Z")


def new_code() -> str:
    """A short, unguessable, URL-safe code (72 random bits)."""
    return secrets.token_urlsafe(9)


def is_code(text: str) -> bool:
    """Whether `text` has a session code's form (not whether such a session exists)."""
    return bool(_CODE.match(text))


# What a saved step keeps, by the same names, of the planned step and of its technique (as it
# was when the session was saved).
STEP_KEPT = ("phase", "muscle_name", "region_name", "areas", "side", "seconds", "setting")
TECHNIQUE_KEPT = ("family", "pressure", "family_name", "family_plain_name")


def _ids(snapshot: Snapshot, kind: str, slugs: set[str]) -> dict[str, int]:
    return {slug: pk for slug in slugs if (pk := snapshot.id_of(kind, slug)) is not None}


class CareSessionManager(models.Manager):
    def unopened_before(self, moment) -> models.QuerySet:
        """Saved before `moment` and never followed since (no run: never started nor
        rated): what `manage.py prune` removes (a script saving sessions nobody plays would
        otherwise fill the database)."""
        return self.filter(created_at__lt=moment, started_at=None)

    @transaction.atomic
    def create_from_plan(self, plan: Plan, ask: Request, snapshot: Snapshot) -> CareSession:
        """Save a composed plan and the inputs that shaped it (never the screen's answers).
        `snapshot`: the catalogue it was composed from (the rows' ids and names)."""
        steps = plan.steps
        order, names = snapshot.region_order, snapshot.muscle_names
        ids = {
            model: _ids(snapshot, model._meta.model_name, slugs)
            for model, slugs in (
                (Technique, {step.technique for step in steps if not step.movement}),
                (Muscle, {step.muscle for step in steps}),
                (Region, {*ask.regions, *plan.left_out, *(step.region for step in steps)}),
                (Prop, set(ask.props)),
            )
        }
        asked = sorted(dict.fromkeys(s for s in ask.regions if s in ids[Region]), key=order)
        left = sorted((s for s in plan.left_out if s in ids[Region]), key=order)
        session = self.create(
            areas=[[slug, snapshot.region_name(slug)] for slug in asked],
            left_out_areas=[[slug, snapshot.region_name(slug)] for slug in left],
            performer=ask.performer,
            minutes=ask.minutes,
            total_seconds=plan.total_seconds,
            sides=[list(pair) for pair in ask.sides],
            focus=list(ask.focus),
            focus_names=[names[slug] for slug in ask.focus if slug in names],
        )
        # A new session links to nothing yet: insert the links without .add()'s look-up.
        owned = [slug for slug in sorted(ask.props) if slug in ids[Prop]]
        links = (("regions", Region, asked), ("left_out", Region, left), ("props", Prop, owned))
        for field, model, slugs in links:
            through, column = getattr(CareSession, field).through, f"{model._meta.model_name}_id"
            through.objects.bulk_create(
                through(caresession=session, **{column: ids[model][slug]}) for slug in slugs
            )
        kinds = {slug: snapshot.technique(slug) for slug in ids[Technique]}
        aimed = [s for s in steps if s.phase == Phase.MAIN and kinds[s.technique].each_side]
        summaries = {m.slug: m.summary for t in kinds.values() for m in t.muscles}
        moving = _ids(snapshot, "movement", {s.technique for s in steps if s.movement})
        CareStep.objects.bulk_create(
            CareStep(
                session=session,
                number=number,
                **{name: getattr(step, name) for name in STEP_KEPT},
                region_id=ids[Region][step.region],
                region_slug=step.region,
                over=step.where if step.span else "",
                title=step_title(step, ask.performer),
                name=step.technique_name,
                **vars(step.card),  # its words, field for field
                props=[snapshot.prop(slug).name for slug in step.props],
                **(
                    _movement_fields(step.movement, moving)
                    if step.movement
                    else _massage_fields(step, kinds, ids, summaries, ask, step in aimed)
                ),
            )
            for number, step in enumerate(plan.steps, start=1)
        )
        return session


def _massage_fields(step: PlannedStep, kinds, ids, summaries, ask: Request, aimed: bool) -> dict:
    """What a massage step keeps of its technique and muscle."""
    return dict(
        **{name: getattr(kinds[step.technique], name) for name in TECHNIQUE_KEPT},
        technique_id=ids[Technique][step.technique],
        muscle_id=ids[Muscle][step.muscle],
        muscle_slug=step.muscle,
        aim=step_aim(summaries[step.muscle], ask.performer) if aimed else "",
    )


# What a movement step keeps of its movement (CareStep.moving), and what a step without it
# reads: how it is counted, how often to do it between sessions, and where it comes from.
MOVEMENT_KEPT = {
    "movement_slug": "",
    "pose": "",  # a Position
    "motions": [],
    "pattern": "",  # a Pattern
    "reps": 0,  # 0: not counted (a massage step)
    "hold": 0,
    "move": 0,
    "dose": "",
    "often": "",
    "watch": "",
    "source": "",
    "source_url": "",
}


def _kept(name: str) -> property:
    return property(lambda step: step.moving.get(name, MOVEMENT_KEPT[name]))


def _movement_fields(movement: MovementInfo, ids: dict[str, int]) -> dict:
    """What a movement step keeps of its movement."""
    moving = {name: getattr(movement, name, None) for name in MOVEMENT_KEPT}
    moving |= {
        "movement_slug": movement.slug,
        "pose": movement.position,
        "motions": sorted(movement.motions),
    }
    return dict(movement_id=ids.get(movement.slug), pressure=Pressure.LIGHT, moving=moving)


def step_aim(summary: str, performer: str) -> str:
    """Where a muscle worked a side at a time lies (`summary`: its summary, "" for any other
    step): the first sentence, said to whoever does the massage ("their hip" to a partner)."""
    where = first_sentence(summary)
    if performer == Performer.PARTNER:
        where = re.sub(r"\b([Yy])our\b", lambda m: "Their" if m[1] == "Y" else "their", where)
    return where


def step_title(step: PlannedStep, performer: str = Performer.SELF) -> str:
    """What a step is called in lists: the technique, where, and which side (the receiver's,
    "their left side", to a partner: as the step and its spoken cues say it)."""
    side = {"left": "left side", "right": "right side", "both": "both sides"}.get(step.side)
    if side and step.side != "both" and performer == Performer.PARTNER:
        side = f"their {side}"
    return " · ".join(part for part in (step.technique_name, step.where, side) if part)


PAIN_MAX = 10  # ratings are on the 0–10 numeric pain scale: 0 no pain, 10 the worst


class CareSession(models.Model):
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    performer = models.CharField(max_length=10, choices=Performer)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_MINUTES), MaxValueValidator(MAX_MINUTES)]
    )
    regions = models.ManyToManyField(Region, related_name="+")
    props = models.ManyToManyField(Prop, blank=True, related_name="+")
    areas = models.JSONField(
        default=list,
        blank=True,
        help_text="Its areas, [slug, name], top of the back first: named as when it was saved.",
    )
    sides = models.JSONField(
        default=list, blank=True, help_text="[area, side] for areas that hurt on one side only."
    )
    focus = models.JSONField(
        default=list,
        blank=True,
        help_text="Muscles (slugs) the session was asked for: worked first in their areas.",
    )
    focus_names = models.JSONField(
        default=list, blank=True, help_text="Those muscles' names, as when it was saved."
    )
    left_out = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        help_text="Areas the safety answers left out (never why): every step says to keep off.",
    )
    left_out_areas = models.JSONField(
        default=list,
        blank=True,
        help_text="The areas of `left_out`, [slug, name], top of the back first: named as when "
        "it was saved.",
    )
    total_seconds = models.PositiveIntegerField()
    started_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it was first followed (its first run): sessions never followed are "
        "pruned after BACKCARE_UNOPENED_SESSION_DAYS (manage.py prune).",
    )

    objects = CareSessionManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "session"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=MIN_MINUTES, minutes__lte=MAX_MINUTES),
                name="session_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes}-minute session {self.code}"

    def get_absolute_url(self) -> str:
        return reverse("player:overview", args=[self.code])


RUN_HOURS = 12  # a run goes on this long at most: as long as a device's safety answers last


class RunManager(models.Manager):
    def latest_of(self, session: CareSession) -> Run | None:
        """The session's run of today (begun less than RUN_HOURS ago), finished or not; None
        when it has none: opening it again is then a new run."""
        since = timezone.now() - timedelta(hours=RUN_HOURS)
        return self.filter(session=session, started_at__gte=since).order_by("-started_at").first()

    def begin(self, session: CareSession, **ratings) -> Run:
        """A new run of `session`, now; the session is no longer one prune may remove."""
        run = self.create(session=session, **ratings)
        CareSession.objects.filter(pk=session.pk, started_at=None).update(started_at=run.started_at)
        return run

    @transaction.atomic
    def rate_today(self, session: CareSession, field: str, pain: int, **also) -> bool:
        """Save a rating of today's run of `session` (the one begun less than RUN_HOURS
        ago): once. The "before" rating of a finished run, or any rating with no run today,
        begins a new run. False when today's run has that rating already."""
        # One rating of a session at a time: requests at once queue on the session's row, so
        # only the first begins a run and the rest find it (SQLite writes one at a time anyway).
        list(CareSession.objects.select_for_update().filter(pk=session.pk).values_list("pk"))
        run = self.latest_of(session)
        if run is None or (field == "pain_before" and run.finished_at is not None):
            self.begin(session, **{field: pain}, **also)
            return True
        return self.rate(run, field, pain, **also)

    def rate(self, run: Run, field: str, pain: int, **also) -> bool:
        """Save a rating of the run (`field`: pain_before or pain_after) once, with `also`
        (other fields saved with it). One conditional UPDATE, so the database decides which of
        several requests at once saves it: True for that one, False for every other (the
        rating was already saved), whatever each had read before."""
        rated = self.filter(pk=run.pk, **{f"{field}__isnull": True}).update(**{field: pain}, **also)
        if rated:
            for name, value in {field: pain, **also}.items():
                setattr(run, name, value)
        return bool(rated)


class Run(models.Model):
    """One time a saved session was followed: its day's pain before and after. The session is
    the plan, kept; each time it is opened again (its link, a reminder, My sessions) is a new
    run, with that day's safety answers and ratings, and a new entry in My sessions."""

    session = models.ForeignKey(CareSession, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now, editable=False)
    pain_before = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(PAIN_MAX)]
    )
    pain_after = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(PAIN_MAX)]
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RunManager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["session", "-started_at"], name="run_session_latest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pain_before__lte=PAIN_MAX) | models.Q(pain_before__isnull=True),
                name="run_pain_before_0_10",
            ),
            models.CheckConstraint(
                condition=models.Q(pain_after__lte=PAIN_MAX) | models.Q(pain_after__isnull=True),
                name="run_pain_after_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session.code} run of {self.started_at:%Y-%m-%d %H:%M}"


class Felt(models.TextChoices):
    """What a person says of a step, in one tap while following it."""

    TOO_MUCH = "too_much", "Too much"
    GOOD = "felt_good", "Felt good"
    SKIP = "skip_next", "Skip next time"


class StepFeedbackManager(models.Manager):
    @transaction.atomic
    def tap(self, session: CareSession, step: CareStep, felt: str) -> StepFeedback:
        """Save what was felt of `step` in today's run of `session` (begun now when there is
        none, as a rating begins one): one per step of a run, the latest tap wins. Taps at
        once queue on the session's row, as ratings do, so only the first begins a run."""
        list(CareSession.objects.select_for_update().filter(pk=session.pk).values_list("pk"))
        run = Run.objects.latest_of(session) or Run.objects.begin(session)
        technique = step.technique.slug if step.technique_id else ""  # while the row exists
        feedback, _ = self.update_or_create(
            run=run,
            number=step.number,
            defaults={
                "felt": felt,
                "work": technique or step.movement_slug,
                "name": step.name,
                "movement": step.phase == Phase.MOVE,
                "at": timezone.now(),
            },
        )
        return feedback


class StepFeedback(models.Model):
    """What was felt of one step in one run ("too much", "felt good", "skip next time"), with
    copies, made at tap time, of what the step was: the learning reads these, never the step."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="feedback")
    number = models.PositiveSmallIntegerField(help_text="The step's number in its session.")
    felt = models.CharField(max_length=10, choices=Felt)
    work = models.SlugField(
        max_length=60,
        blank=True,
        help_text="The step's technique (its slug) or, on a movement step, its movement's; "
        "empty when neither was known.",
    )
    name = models.CharField(max_length=100, help_text="The step's name when it was tapped.")
    movement = models.BooleanField(default=False, help_text="A movement step.")
    at = models.DateTimeField(default=timezone.now)

    objects = StepFeedbackManager()

    class Meta:
        ordering = ["run", "number"]
        verbose_name = "step feedback"
        verbose_name_plural = "step feedback"
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="step_feedback_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run}: step {self.number} {self.get_felt_display().lower()}"


class CareStep(models.Model):
    """One step of a saved session, with the card it was built with: the words are kept, not
    looked up again, so a session reads the same after the catalogue is edited."""

    session = models.ForeignKey(CareSession, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=10, choices=Phase)
    # The catalogue rows it was built from, while they exist: an editor may delete one, and the
    # step still reads the same from the words kept below (the player never follows these).
    technique = models.ForeignKey(
        Technique, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the safety screen judges, as the technique was when the step was saved: a replay
    # under new answers reads them here, not from today's catalogue.
    family = models.SlugField(max_length=60, help_text="The technique's family (its slug).")
    pressure = models.PositiveSmallIntegerField(choices=Pressure)
    muscle = models.ForeignKey(
        Muscle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        Region, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the player shows of those rows, as they were when the step was saved.
    family_name = models.CharField(max_length=60, blank=True, help_text="Its family's name.")
    family_plain_name = models.CharField(
        max_length=60, blank=True, help_text="Its family's everyday word (stroking)."
    )
    setting = models.CharField(max_length=20, blank=True, help_text="Where it is done.")
    muscle_slug = models.SlugField(max_length=60, blank=True)
    muscle_name = models.CharField(max_length=100, blank=True)
    region_slug = models.SlugField(max_length=60, blank=True)
    region_name = models.CharField(max_length=100, blank=True)
    aim = models.TextField(
        blank=True,
        help_text="Where its muscle lies, for work done a side at a time (said to whoever "
        "massages); empty otherwise.",
    )
    areas = models.JSONField(
        default=list,
        blank=True,
        help_text="Every area a warm-up or finish over several goes over (slugs, top to "
        "bottom); empty: only its region.",
    )
    over = models.CharField(
        max_length=200,
        blank=True,
        help_text="Those areas in words ('Lower back up to the upper back'); empty: one area.",
    )
    side = models.CharField(max_length=5, choices=[*Side.choices, ("", "—")], blank=True)
    seconds = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, help_text="As shown in lists: what, where, side.")
    name = models.CharField(max_length=100, help_text="The technique's name when it was built.")
    position = models.TextField(blank=True)
    instructions = models.JSONField(default=list, help_text="The lines for this area and side.")
    how_hard = models.TextField(blank=True)
    pace = models.TextField(blank=True)
    direction = models.TextField(blank=True)
    cautions = models.TextField(blank=True)
    keep_off = models.JSONField(default=list, help_text="The no-go zones of this step's area.")
    props = models.JSONField(default=list, blank=True, help_text="The props it uses, by name.")
    # A movement step (phase "move"): the person with the back pain moves, counted by the player.
    movement = models.ForeignKey(
        Movement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # …how it is counted, said and sourced (MOVEMENT_KEPT), in one column: a massage step
    # keeps none of it, and saving a session writes a dozen columns fewer a step.
    moving = models.JSONField(default=dict, blank=True, help_text="A movement step's counts.")

    class Meta:
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="care_step_number"),
            models.CheckConstraint(condition=models.Q(seconds__gt=0), name="care_step_seconds"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name} · {self.muscle_name}"

    # What a movement step keeps (`moving`), read as fields: empty on a massage step.
    movement_slug = _kept("movement_slug")
    pose = _kept("pose")
    motions = _kept("motions")
    pattern = _kept("pattern")
    reps = _kept("reps")
    hold = _kept("hold")
    move = _kept("move")
    dose = _kept("dose")
    often = _kept("often")
    watch = _kept("watch")
    source = _kept("source")
    source_url = _kept("source_url")


class RateCount(models.Model):
    """One counter of backcare.limits: how often `key` happened in the window that starts at
    `window` (seconds since the epoch). In the database, so every process and host shares it;
    pruned once `expires` has passed."""

    key = models.CharField(max_length=80)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="rate_count_key")]

    def __str__(self) -> str:
        return f"{self.key} × {self.count}"
