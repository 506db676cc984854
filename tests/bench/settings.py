"""Production-like settings for `make bench`: DEBUG off, plus the floor view's URL."""

from backcare.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
