"""Ship a content update: compare the catalogue fixture with the database and say, row by row,
what would be added, updated, or left as an editor left it; `--apply` does it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backcare.catalogue.shipping import FIXTURE, Kind, apply, compare, read_fixture


class Command(BaseCommand):
    help = (
        "Compare the catalogue fixture with the database (a dry run); --apply adds new rows and "
        "updates rows no editor changed since shipped. Editors' changes are never overwritten, "
        "rows gone from the fixture never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fixture", type=Path, default=FIXTURE, help="default: %(default)s")
        parser.add_argument("--apply", action="store_true", dest="write", help="write the changes")
        parser.add_argument(
            "--take",
            action="append",
            default=[],
            metavar="ROW",
            help="give a row an editor changed or deleted the fixture's version all the same, "
            'named as the list says it ("technique shoulder-kneading"); repeatable',
        )

    def handle(self, *args, fixture: Path, write: bool, take: list[str], verbosity: int, **options):
        plan = compare(read_fixture(fixture), take=take)
        taken = {row.named for row in plan.of(Kind.UPDATE) + plan.of(Kind.ADD)}
        if unknown := [name for name in take if name not in taken]:
            raise CommandError(f"Not a row an editor changed or deleted: {', '.join(unknown)}")
        if verbosity >= 1:
            for line in plan.lines():
                self.stdout.write(line)
        if write:
            written = apply(plan)
            outcome = f"Applied: {written} rows written" + (
                ", catalogue version renewed." if written else "."
            )
        else:
            outcome = "Dry run: nothing was changed (--apply writes the changes)."
        self.stdout.write(f"{plan.summary()}. {outcome}")
