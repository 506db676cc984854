"""manage.py validate_catalogue: what the content must obey that the database can't check."""

from django.core.management.base import BaseCommand, CommandError

from backcare.catalogue.validation import problems


class Command(BaseCommand):
    help = (
        "Check the catalogue's content: techniques that can be used, instruction lines in their "
        "own area and side, counts that fit a timer, words that agree with the data (pressure, "
        "setting, the muscles a step names, 'their' to a partner), no banned claims, a source "
        "(or Backcare's advice) for every row, clinical sources for safety rules, links on "
        "their publishers' sites."
    )

    def handle(self, *args, **options) -> None:
        found = problems()
        if found:
            for problem in found:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"The catalogue breaks {len(found)} rule(s): see the list above.")
        self.stdout.write(self.style.SUCCESS("The catalogue keeps every content rule."))
