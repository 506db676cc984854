"""Load the catalogue fixture into an empty catalogue, and never into one that holds anything:
what editors changed in the admin stays. Content updates ship with `update_catalogue`."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from backcare.catalogue.shipping import FIXTURE, seed


class Command(BaseCommand):
    help = "Load the catalogue fixture, only into an empty catalogue (one line says which)."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", type=Path, default=FIXTURE, help="default: %(default)s")
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="json: one log object"
        )

    def handle(self, *args, fixture: Path, format: str, verbosity: int, **options):
        loaded = seed(fixture)
        if loaded is None:
            message = (
                "The catalogue already holds content: left as it is (editors' changes kept). "
                "`manage.py update_catalogue` shows what the fixture would change."
            )
        else:
            message = f"The catalogue was empty: loaded {loaded} rows from {fixture.name}."
        if verbosity < 1:
            return
        if format == "json":
            entry = {
                "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "level": "INFO",
                "logger": "backcare.catalogue",
                "message": message,
                "seeded": loaded is not None,
                "rows": loaded or 0,
            }
            message = json.dumps(entry)
        self.stdout.write(message)
