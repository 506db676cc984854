"""Shared fixtures: the real catalogue, a scaled-up catalogue, and the system Chromium."""

import os

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; live_server is fine with it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# The fixtures through which a test reaches the database (a view test's `client` does it
# through the `django_db` mark).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_collection_modifyitems(items):
    """A test that can't reach the database, or composes plans from the catalogue once read
    (`engine_free` on the module), runs the same on any engine: the PostgreSQL pass of
    `make test` leaves it out."""
    for item in items:
        if not (item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames)):
            item.add_marker(pytest.mark.engine_free)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the shipped catalogue once, exactly as `make run` does; each test rolls back."""
    with django_db_blocker.unblock():
        call_command("seed_catalogue", verbosity=0)


@pytest.fixture(autouse=True)
def empty_catalogue_memory():
    """No test sees what an earlier one in the same process left kept: each passes or fails
    on its own, in any order."""
    from backcare.catalogue import version
    from backcare.catalogue.cache import forget_all

    forget_all()
    version.forget()


@pytest.fixture(autouse=True)
def catalogue_version_remembered(settings):
    """A process trusts the version it read for a while (2 s when served); in tests, for the
    whole test, so query counts never depend on how fast a test runs: a page's first request
    reads the version, later ones don't until a catalogue save (which forgets it)."""
    settings.CATALOGUE_RECHECK_SECONDS = 3600


@pytest.fixture(autouse=True)
def sessions_unlimited(request, settings):
    """One test client is one address, and property tests save hundreds of sessions from it:
    the limit on new sessions is lifted but where a test is marked `session_limits`."""
    if not request.node.get_closest_marker("session_limits"):
        settings.SESSIONS_PER_MINUTE = settings.SESSIONS_PER_DAY = 10**9


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is slow on purpose; tests sign in often and don't need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(client, django_user_model):
    """A client signed in as a content editor: staff, with the catalogue's permissions."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("editor", "editor@example.org", "pw")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="catalogue"))
    client.force_login(user)
    return client


@pytest.fixture
def production_server(tmp_path):
    """gunicorn (3 workers, DEBUG off) on its own SQLite database, prepared as `make serve`
    prepares one; its stdout.log and stderr.log are in `server.output`."""
    from tests.serving import serve_in

    server = serve_in(tmp_path, workers=3)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
