"""Admin passwords guessed from rotating addresses, against make serve's setup, while /healthz
is timed: how many guesses had a password checked, and how fast the site kept answering.

    .venv/bin/python -m tests.attack.sign_in_flood [--seconds 15] [--workers 2] [--lifted]
        [--hasher-in-loop]

Each guess comes from a new loopback address (127.0.x.y) every 4 guesses, so the per-address
lock-out (django-axes, 5 failures) never sees enough of one. --lifted turns the per-username
and site-wide limits off (to see what the address lock alone allows); --hasher-in-loop uses
Django's own PBKDF2 hasher, whose work holds the gevent loop (backcare.signin runs it in a
native thread). Exits 1 if more than the limits allow got a password checked.
"""

import argparse
import http.client
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tests.serving import ROOT, Server, free_port, prepare, production_env

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def guess(port: int, address: str, username: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(address, 0))
    try:
        conn.request("GET", "/admin/login/")
        page = conn.getresponse()
        body = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
        token = TOKEN.search(body)[1]
        form = f"csrfmiddlewaretoken={token}&username={username}&password=wrong-{time.time()}"
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", "/admin/login/", form, headers)
        answer = conn.getresponse()
        answer.read()
        return answer.status
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--guessers", type=int, default=8)
    parser.add_argument("--lifted", action="store_true")
    parser.add_argument("--hasher-in-loop", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="backcare-sign-in-"))
    extra = {"DJANGO_STATIC_ROOT": str(folder / "static")}
    if args.lifted:
        extra |= {
            "BACKCARE_SIGN_IN_FAILURES_PER_USERNAME": "1000000",
            "BACKCARE_SIGN_IN_FAILURES_PER_MINUTE": "1000000",
        }
    if args.hasher_in_loop:
        extra["DJANGO_SETTINGS_MODULE"] = "tests.attack.hasher_in_loop"
    env = production_env(f"sqlite:///{folder / 'flood.sqlite3'}", **extra)
    prepare(env)
    make_editor = (
        "from django.contrib.auth.models import User; "
        "User.objects.create_superuser('editor', password='a-long-right-password')"
    )
    manage = [sys.executable, "manage.py", "shell", "-v0", "-c", make_editor]
    subprocess.run(manage, env=env, cwd=ROOT, check=True)
    server = Server(env, free_port(), workers=args.workers, output=folder).start()
    statuses: list[int] = []
    timings: list[float] = []
    stop = threading.Event()
    sent = iter(range(10**9))
    lock = threading.Lock()

    def guesser() -> None:
        while not stop.is_set():
            with lock:
                n = next(sent)
            address = f"127.0.{1 + n // 4 // 250}.{1 + n // 4 % 250}"
            try:
                statuses.append(guess(server.port, address, "editor" if n % 2 else f"guess{n}"))
            except OSError:
                statuses.append(0)

    def prober() -> None:
        while not stop.is_set():
            began = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            try:
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                timings.append((time.monotonic() - began) * 1000)
            except OSError:
                timings.append(30_000)
            finally:
                conn.close()
            time.sleep(0.1)

    try:
        quiet = []
        for _ in range(20):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            began = time.monotonic()
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            quiet.append((time.monotonic() - began) * 1000)
            conn.close()
        threads = [threading.Thread(target=guesser) for _ in range(args.guessers)]
        threads.append(threading.Thread(target=prober))
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.stop()

    checked = statuses.count(200)  # the form again, "wrong password": a password was hashed
    refused = statuses.count(429)
    print(
        f"{len(statuses)} guesses in {args.seconds:.0f} s from {len(statuses) // 4 + 1} "
        f"addresses ({args.workers} workers, {args.guessers} guessers"
        f"{', limits lifted' if args.lifted else ''}"
        f"{', PBKDF2 in the event loop' if args.hasher_in_loop else ', PBKDF2 in a thread'}): "
        f"{checked} had a password checked, {refused} refused (429), "
        f"{len(statuses) - checked - refused} other"
    )
    print(
        f"/healthz: quiet median {statistics.median(quiet):.0f} ms; during the flood median "
        f"{statistics.median(timings):.0f} ms, max {max(timings):.0f} ms over {len(timings)}"
    )
    # 20 a minute for the whole site (plus the few already in flight when it filled).
    allowed = 20 * (args.seconds // 60 + 1) + args.guessers
    return 0 if args.lifted or checked <= allowed else 1


if __name__ == "__main__":
    sys.exit(main())
