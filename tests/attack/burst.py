"""`make attack`, on PostgreSQL: a burst of simultaneous requests must get no 5xx.

Run under tests/with_postgres.sh (DATABASE_URL names a throwaway server with PostgreSQL's
default max_connections, 100). Starts gunicorn as `make serve` does (backcare/server.py,
DEBUG off), saves a few sessions, then sends 600 GETs of mixed pages (kept catalogue pages,
the builder, saved sessions' pages, which always query) all at once, then 250 simultaneous
`/healthz`. The burst comes from many loopback addresses (127.0.0.2 onwards, as many people
would), so the per-client connection cap of backcare/server.py lets every request through to
Django and the database. Each case PASS only if every request is answered 200; prints the
figures. Exits non-zero on any FAIL.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from tests.serving import Browser, RawResponse, Server, free_port, prepare, production_env

PAGES = [
    "/",
    "/muscles/",
    "/muscles/rhomboids/",
    "/techniques/",
    "/techniques/?performer=self",
    "/props/",
    "/props/tennis-ball/",
    "/safety/",
    "/build/?performer=self&region=mid-back&prop=tennis-ball&prop=wall",
]


CLIENTS = 20  # source addresses: 600 requests are 30 from each, under the cap of 50


def burst(port: int, paths: list[str], cookie: str = "") -> tuple[Counter, list[float]]:
    """Every path requested at the same moment, one connection each (all opened first, then
    every request sent at once) from CLIENTS addresses in turn: statuses and seconds."""
    cookie = f"Cookie: {cookie}\r\n" if cookie else ""
    statuses: Counter = Counter()
    seconds: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(len(paths))

    def one(n: int, path: str) -> None:
        data = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Connection: close\r\n\r\n"
        status = 0  # refused or timed out: counted, never hidden
        try:
            source = (f"127.0.0.{2 + n % CLIENTS}", 0)
            sock = socket.create_connection(("127.0.0.1", port), 60, source)
        except OSError:
            sock = None
        start.wait()
        began = time.monotonic()
        if sock is not None:
            with sock, contextlib.suppress(OSError):
                sock.sendall(data.encode())
                received = b""
                while chunk := sock.recv(65536):
                    received += chunk
                status = RawResponse(received).status
        with lock:
            statuses[status] += 1
            seconds.append(time.monotonic() - began)

    threads = [threading.Thread(target=one, args=item) for item in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses, seconds


def report(name: str, statuses: Counter, seconds: list[float]) -> bool:
    failed = sum(n for status, n in statuses.items() if status != 200)
    ordered = sorted(seconds)
    figures = (
        f"{sum(statuses.values())} at once: "
        + ", ".join(f"{n} × {status or 'no answer'}" for status, n in sorted(statuses.items()))
        + f"; median {statistics.median(ordered) * 1000:.0f} ms, "
        f"slowest {ordered[-1] * 1000:.0f} ms"
    )
    print(f"{'PASS' if not failed else 'FAIL'}  {name:18} {figures}", flush=True)
    return not failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--probes", type=int, default=250)
    args = parser.parse_args()
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://")):
        print("make attack (burst): needs DATABASE_URL=postgres://… (tests/with_postgres.sh)")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="backcare-burst-"))
    env = production_env(database, DJANGO_STATIC_ROOT=str(folder / "static"))
    prepare(env)
    server = Server(env, free_port(), workers=args.workers, output=folder)
    try:
        server.start()
        print(
            f"\nmake attack (burst): gunicorn with backcare/server.py, {args.workers} workers, "
            f"DEBUG off, PostgreSQL; {args.pages} GETs then {args.probes} /healthz at once"
        )
        owner = Browser(server.url)
        owner.answer_screen()
        codes = [owner.save_session(regions=(r,)) for r in ("upper-back", "lower-back")]
        sessions = [f"/s/{code}/" for code in codes] + [f"/s/{code}/step/2/" for code in codes]
        mix = PAGES + sessions
        paths = [mix[n % len(mix)] for n in range(args.pages)]
        for path in set(paths):  # as a visited site is: kept pages are kept
            owner.request("GET", path)
        # The owner's browser, many times over: its sessions' pages are shown, not redirected.
        cookie = "; ".join(f"{c.name}={c.value}" for c in owner.jar)
        results = [report("burst of pages", *burst(server.port, paths, cookie))]
        results.append(report("burst of /healthz", *burst(server.port, ["/healthz"] * args.probes)))
        print(f"\n{'ALL PASS' if all(results) else 'FAILED'}: {sum(results)}/{len(results)}")
        return 0 if all(results) else 1
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
