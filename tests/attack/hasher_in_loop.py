"""make serve's settings with Django's own PBKDF2 hasher, which holds the gevent loop while it
works: for tests.attack.sign_in_flood's comparison only."""

from backcare.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
