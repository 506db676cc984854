"""`make load`: a bounded load test of the production server on loopback.

Starts the server command given after `--`, waits for /healthz, then runs 50 simulated people
for 30 seconds (locust, headless): browsing, building (htmx previews), saving sessions and
playing steps. Prints requests/s, latency percentiles and errors, then checks that every
session the server acknowledged can be read back. Exits non-zero on any error or lost save.

    python -m tests.load.run --host 127.0.0.1 --port 8000 -- gunicorn backcare.wsgi ...
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
import requests  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402

MUSCLES = ["upper-trapezius", "rhomboids", "erector-spinae", "latissimus-dorsi", "piriformis"]
REGIONS = ["neck-shoulders", "upper-back", "mid-back", "lower-back", "hips-glutes"]
PROPS = ["tennis-ball", "wall", "foam-roller", "massage-cane", "ball-sock"]
HX = {"HX-Request": "true"}
SAVED: list[tuple[str, int]] = []  # (code, number of steps) acknowledged with a 303


def random_answers() -> dict:
    return {
        "performer": random.choice(["self", "partner"]),
        "region": random.sample(REGIONS, random.randint(1, 3)),
        "prop": random.sample(PROPS, random.randint(0, 3)),
        "minutes": random.choice([5, 10, 15, 20, 30]),
    }


class Person(HttpUser):
    """Someone with a sore back: reads, builds, saves and follows sessions."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.client.get("/build/screen/", name="/build/screen/")
        token = self.client.cookies.get("csrftoken")
        with self.client.post(
            "/build/screen/",
            {"csrfmiddlewaretoken": token, "next": ""},
            allow_redirects=False,
            name="POST /build/screen/",
            catch_response=True,
        ) as response:
            if response.status_code != 303:
                response.failure(f"screen answered {response.status_code}")

    @task(4)
    def browse(self) -> None:
        page = random.choice(["/", "/muscles/", "/techniques/", "/props/", "/safety/"])
        self.client.get(page, name=page)
        slug = random.choice(MUSCLES)
        self.client.get(f"/muscles/{slug}/", headers=HX, name="/muscles/<slug>/ (htmx)")

    @task(3)
    def build(self) -> None:
        self.client.get("/build/", params=random_answers(), headers=HX, name="/build/ (htmx)")

    @task(1)
    def save(self) -> None:
        data = random_answers() | {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken")}
        with self.client.post(
            "/build/", data, allow_redirects=False, name="POST /build/", catch_response=True
        ) as response:
            if response.status_code == 303:
                code = response.headers["Location"].strip("/").split("/")[-1]
                SAVED.append((code, 0))
            elif response.status_code == 400:
                response.success()  # nothing reachable with those answers: a form error
            else:
                response.failure(f"save answered {response.status_code}")

    @task(3)
    def play(self) -> None:
        if not SAVED:
            return
        code, _ = random.choice(SAVED)
        self.client.get(f"/s/{code}/", name="/s/<code>/")
        self.client.get(
            f"/s/{code}/step/1/",
            headers=HX | {"HX-Target": "player"},
            name="/s/<code>/step/<n>/ (htmx)",
        )


def wait_healthy(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become healthy in time")


def report(env: Environment, seconds: float, lost: int) -> bool:
    total = env.stats.total
    print(f"\n{'request':44} {'count':>7} {'fails':>6} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    for entry in sorted(env.stats.entries.values(), key=lambda e: e.name):
        print(
            f"{entry.name[:44]:44} {entry.num_requests:7} {entry.num_failures:6} "
            f"{entry.get_response_time_percentile(0.5):6.0f} "
            f"{entry.get_response_time_percentile(0.95):6.0f} "
            f"{entry.get_response_time_percentile(0.99):6.0f}"
        )
    print(
        f"\nTOTAL  requests {total.num_requests}  errors {total.num_failures}  "
        f"requests/s {total.num_requests / seconds:.1f}  "
        f"p50 {total.get_response_time_percentile(0.5):.0f} ms  "
        f"p95 {total.get_response_time_percentile(0.95):.0f} ms  "
        f"p99 {total.get_response_time_percentile(0.99):.0f} ms"
    )
    print(f"SAVES  acknowledged {len(SAVED)}  lost {lost}")
    for error in env.stats.errors.values():
        print(f"ERROR  {error.occurrences} × {error.method} {error.name}: {error.error}")
    return total.num_failures == 0 and lost == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("server", nargs=argparse.REMAINDER, help="-- the server command")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the load test only targets this machine's loopback address")
    args.seconds = min(args.seconds, 60)
    url = f"http://{args.host}:{args.port}"
    command = [part for part in args.server if part != "--"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen(command, start_new_session=True, **quiet) if command else None
    try:
        wait_healthy(url)
        env = Environment(user_classes=[Person], host=url)
        runner = env.create_local_runner()
        runner.start(args.users, spawn_rate=args.users)
        gevent.spawn_later(args.seconds, runner.quit)
        started = time.monotonic()
        runner.greenlet.join()
        elapsed = time.monotonic() - started
        lost = sum(
            1
            for code, _ in SAVED
            if requests.get(f"{url}/s/{code}/", timeout=10).status_code != 200
        )
        database = os.environ.get("DATABASE_URL", "sqlite (db.sqlite3)").split("@")[-1]
        print(f"\n{args.users} users for {elapsed:.0f} s against {url} on {database}")
        return 0 if report(env, elapsed, lost) else 1
    finally:
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
