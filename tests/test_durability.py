"""Acknowledged saves survive a crash: kill the production server mid-load, restart it, and
every session it answered 303 for is still there (SQLite in WAL mode, immediate writes)."""

import threading
import time

import pytest

from tests.serving import Browser

pytestmark = pytest.mark.slow


@pytest.fixture
def production_server(tmp_path):
    """conftest's server, with the per-client session limit lifted: eight browsers on one
    address save as fast as they can."""
    from tests.serving import serve_in

    server = serve_in(tmp_path, workers=3, BACKCARE_SESSIONS_PER_MINUTE="1000000")
    yield server
    server.stop()


def test_every_acknowledged_save_survives_a_crash(production_server):
    server = production_server
    acknowledged: list[str] = []
    failures: list[str] = []
    stop = threading.Event()

    def keep_saving(minutes: int) -> None:
        browser = Browser(server.url)
        try:
            browser.answer_screen()
        except Exception as error:  # the server may already be down
            failures.append(repr(error))
            return
        while not stop.is_set():
            try:
                acknowledged.append(browser.save_session(minutes=minutes))
            except Exception as error:  # expected once the server is killed
                failures.append(repr(error))
                return

    threads = [threading.Thread(target=keep_saving, args=(5 + i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()  # SIGKILL mid-load: no graceful shutdown
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= 40, f"only {len(acknowledged)} saves before the kill: {failures}"

    server.start()
    reader = Browser(server.url)
    reader.answer_screen()  # a step plays only after the safety questions
    lost = [code for code in acknowledged if reader.request("GET", f"/s/{code}/")[0] != 200]
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged saves were lost"
    status, _, body = reader.request("GET", f"/s/{acknowledged[-1]}/step/1/")
    assert status == 200 and "Step 1 of" in body
