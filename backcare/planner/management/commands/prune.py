"""manage.py prune: removes what Backcare keeps no longer than it needs (run it daily)."""

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db.models import QuerySet
from django.utils import timezone

from backcare import limits
from backcare.planner.models import CareSession

BATCH = 1000  # sessions deleted at a time: a long backlog never holds one huge transaction


class Command(BaseCommand):
    help = (
        "Remove sessions never started nor rated after BACKCARE_UNOPENED_SESSION_DAYS days, "
        "limit counters whose window is over, sign-in records past their use (attempts after "
        "the lock-out's hour, logs after BACKCARE_SIGN_IN_LOG_DAYS days) and expired sign-in "
        "sessions. --dry-run counts without removing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, remove nothing.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        now = timezone.now()
        logs_before = now - timedelta(days=settings.SIGN_IN_LOG_DAYS)
        found = {
            "unopened sessions": self._sessions(
                now - timedelta(days=settings.UNOPENED_SESSION_DAYS), dry_run
            ),
            "limit counters": limits.prune(now.timestamp(), dry_run=dry_run),
            "sign-in attempts": _remove(
                AccessAttempt.objects.filter(
                    attempt_time__lt=now - timedelta(hours=settings.AXES_COOLOFF_TIME)
                ),
                dry_run,
            ),
            "sign-in log entries": _remove(
                AccessLog.objects.filter(attempt_time__lt=logs_before), dry_run
            )
            + _remove(AccessFailureLog.objects.filter(attempt_time__lt=logs_before), dry_run),
            "expired sign-in sessions": _remove(
                Session.objects.filter(expire_date__lt=now), dry_run
            ),
        }
        verb = "Would remove" if dry_run else "Removed"
        for what, count in found.items():
            self.stdout.write(f"{verb} {count} {what}")

    def _sessions(self, before, dry_run: bool) -> int:
        old = CareSession.objects.unopened_before(before)
        if dry_run:
            return old.count()
        removed = 0
        while ids := list(old.values_list("pk", flat=True)[:BATCH]):
            CareSession.objects.filter(pk__in=ids).delete()
            removed += len(ids)
        return removed


def _remove(found: QuerySet, dry_run: bool) -> int:
    """How many `found` holds, removed unless `dry_run` (not counting rows removed with them)."""
    if dry_run:
        return found.count()
    return found.delete()[1].get(found.model._meta.label, 0)
