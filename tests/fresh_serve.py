"""`make serve-fresh`: `make serve` works on a fresh clone, and writes only JSON lines.

Clones this repository's HEAD into a temporary folder and runs `make serve` there as a
newcomer would: first on SQLite (the venv created and everything installed from nothing),
stopped with Ctrl-C (SIGINT to the whole process group, as a terminal sends it); then, when
DATABASE_URL names a PostgreSQL server (run under tests/with_postgres.sh), on that empty
database, stopped with SIGTERM (as a service manager stops it). Each time: /healthz answers
"ok", the server stops cleanly, and every line it wrote on stdout is one JSON object, with
nothing on stderr. Exits non-zero on any failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 120  # a fresh venv: pip, from a warm cache, takes most of it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clone(into: Path) -> Path:
    target = into / "backcare"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(target)], check=True
    )
    return target


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.status == 200 and answer.read() == b"ok"
    except OSError:
        return False


def serve(folder: Path, database_url: str | None, stop: signal.Signals) -> list[str]:
    """`make serve` in `folder`, until /healthz answers, then `stop`: what went wrong."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST", "VIRTUAL_ENV", "MAKE", "DATABASE_URL"))
        and k not in {"MFLAGS", "PYTHONPATH"}
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    port = free_port()
    server = subprocess.Popen(
        ["make", "serve", f"PORT={port}", "WORKERS=2"],  # fewer to boot: faster, same setup
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lambda: out.extend(server.stdout), daemon=True),
        threading.Thread(target=lambda: err.extend(server.stderr), daemon=True),
    ]
    for reader in readers:
        reader.start()
    problems = []
    deadline = time.monotonic() + START_SECONDS
    while not healthy(port):
        if server.poll() is not None or time.monotonic() > deadline:
            problems.append(f"/healthz never answered 'ok' (exit status {server.poll()})")
            break
        time.sleep(0.5)
    if server.poll() is None:
        os.killpg(server.pid, stop)
        try:
            status = server.wait(timeout=30)
            if status not in (0, -stop, 128 + stop):
                problems.append(f"stopped with exit status {status}")
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            problems.append(f"did not stop within 30 s of {stop.name}")
    for reader in readers:
        reader.join(timeout=5)
    records = []
    for line in out:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if not isinstance(record, dict):
            problems.append(f"not a JSON object on stdout: {line.rstrip()[:200]!r}")
        else:
            records.append(record)
    problems += [f"on stderr: {line.rstrip()[:200]!r}" for line in err if line.strip()]
    if not any(r.get("path") == "/healthz" and r.get("status") == 200 for r in records):
        problems.append("no access log record of the /healthz answer")
    return problems


def main() -> int:
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="backcare-fresh-"))
    try:
        repository = clone(folder)
        runs = [("SQLite", None, signal.SIGINT)]
        database_url = os.environ.get("DATABASE_URL", "")
        if database_url.startswith(("postgres://", "postgresql://")):
            runs.append(("PostgreSQL", database_url, signal.SIGTERM))
        else:
            print("make serve-fresh: no DATABASE_URL=postgres://…: the PostgreSQL run is skipped")
        failed = False
        for name, url, stop in runs:
            began = time.monotonic()
            problems = serve(repository, url, stop)
            said = f"{time.monotonic() - began:.0f} s, stopped with {stop.name}"
            print(f"{'FAIL' if problems else 'PASS'}  make serve on a fresh clone, {name} ({said})")
            for problem in problems[:20]:
                print(f"      {problem}")
            failed |= bool(problems)
        print(f"make serve-fresh: {time.monotonic() - started:.0f} s in all")
        return 1 if failed else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
