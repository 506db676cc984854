"""Every gunicorn worker keeps browse pages for the catalogue's version, and serves an edit
made anywhere else once it rechecks the version (CATALOGUE_RECHECK_SECONDS, 2 s served)."""

import subprocess
import sys
import time

import pytest

from tests.serving import ROOT, Browser

pytestmark = pytest.mark.slow

RENAME = (
    "from backcare.catalogue.models import Muscle; "
    "m = Muscle.objects.get(slug='rhomboids'); m.name = 'Rhomboid pair'; m.save()"
)


def test_every_worker_serves_an_edit_within_the_recheck_interval(production_server):
    browser = Browser(production_server.url)
    for _ in range(30):  # every worker has the page kept by now
        status, _, html = browser.request("GET", "/muscles/")
        assert status == 200 and "Rhomboids" in html
    # A content editor's save, from another process (as the admin, in another worker).
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", RENAME],
        env=production_server.env,
        cwd=ROOT,
        check=True,
    )
    time.sleep(2)  # the default CATALOGUE_RECHECK_SECONDS
    pages = [browser.request("GET", "/muscles/")[2] for _ in range(30)]
    assert all("Rhomboid pair" in html and "Rhomboids<" not in html for html in pages)
