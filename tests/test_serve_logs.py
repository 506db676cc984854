"""`make serve` writes only JSON lines: what its setup prints is wrapped, and gunicorn stops
on Ctrl-C without a traceback (`make serve-fresh` checks the whole of it on a fresh clone)."""

import json
import os
import signal
import subprocess
import sys

import pytest

from tests.serving import ROOT, serve_in


def test_what_a_setup_command_prints_becomes_json_records_and_its_status_is_kept():
    script = "echo 'Collecting packaging'; echo 'WARNING: a location is ignored' >&2; exit 3"
    script = """echo '{"message": "seeded", "level": "INFO"}'; """ + script
    wrapper = [sys.executable, "-m", "backcare.logs", "--name", "backcare.serve.prepare"]
    result = subprocess.run(
        [*wrapper, "--", "sh", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 3
    assert result.stderr == ""
    records = [json.loads(line) for line in result.stdout.splitlines()]
    # The two streams are read side by side, so only each stream's own order is kept.
    said = [r for r in records if r.get("level") != "WARNING"]
    assert said[0] == {"message": "seeded", "level": "INFO"}  # JSON already: as it is
    assert [(r["level"], r["message"]) for r in said[1:]] == [
        ("INFO", "Collecting packaging"),
        ("ERROR", "sh exited with status 3"),  # last: after both streams have ended
    ]
    assert records[-1]["level"] == "ERROR"
    warned = [(r["level"], r["message"]) for r in records if r.get("level") == "WARNING"]
    assert warned == [("WARNING", "WARNING: a location is ignored")]
    assert {r["logger"] for r in records if "logger" in r} == {"backcare.serve.prepare"}


@pytest.mark.slow
def test_ctrl_c_stops_gunicorn_with_json_lines_only_and_no_traceback(tmp_path):
    server = serve_in(tmp_path, workers=2, DJANGO_LOG_LEVEL="INFO")
    os.killpg(server.process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole group
    assert server.process.wait(timeout=20) == 0
    assert (tmp_path / "stderr.log").read_text() == ""
    lines = (tmp_path / "stdout.log").read_text().splitlines()
    assert all(isinstance(json.loads(line), dict) for line in lines)
    assert any(json.loads(line)["message"] == "Shutting down: Master" for line in lines)
