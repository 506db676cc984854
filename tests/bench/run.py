"""`make bench`: Backcare's performance figures, each target judged PASS or FAIL.

Every target is a ratio measured in this one run (absolute times drift on shared machines):
server time per page against a bare constant view (the floor), timed in turn with the page so
drift touches both, and across catalogue sizes (×1, ×10, ×100, grown with the test
factories) as multiples of that floor; SQL queries per page; HTTP throughput under gunicorn
against /healthz; page weight; and the composer's time.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from itertools import count
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="backcare-bench-"))
# `make bench` runs this under tests/with_redis.sh where it can start a Redis server: the
# in-process figures use each process's own memory; the HTTP figures are taken with both.
REDIS_URL = os.environ.pop("REDIS_URL", None)
os.environ.update(
    DJANGO_SETTINGS_MODULE="tests.bench.settings",
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY="bench-only-secret-" + "b" * 40,
    DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
    DJANGO_SECURE_SSL_REDIRECT="0",
    DJANGO_SECURE_COOKIES="0",
    DJANGO_HSTS_SECONDS="0",
    DATABASE_URL=f"sqlite:///{TMP / 'bench.sqlite3'}",
    DJANGO_STATIC_ROOT=str(TMP / "static"),
    # Saving is measured thousands of times from one address: no per-client session limit.
    BACKCARE_SESSIONS_PER_MINUTE="1000000000",
    BACKCARE_SESSIONS_PER_DAY="1000000000",
    # A served process re-reads the catalogue version every 2 s; here, only after a catalogue
    # change (bump() forgets it), so query counts never depend on how long a measure takes.
    BACKCARE_CATALOGUE_RECHECK_SECONDS="3600",
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from backcare.catalogue.snapshot import catalogue_snapshot  # noqa: E402
from backcare.catalogue.version import bump  # noqa: E402
from backcare.planner.compose import compose  # noqa: E402
from backcare.planner.history import lessons_of  # noqa: E402
from backcare.planner.learning import Applied  # noqa: E402
from backcare.planner.memory import BUILT_COOKIE, remember_built  # noqa: E402
from backcare.planner.models import (  # noqa: E402
    CareSession,
    Felt,
    Run,
    StepFeedback,
)
from backcare.planner.plan import Request  # noqa: E402
from tests.factories import care_session, grow_catalogue  # noqa: E402
from tests.serving import Browser, Server, free_port, production_env  # noqa: E402

HX = {"HTTP_HX_REQUEST": "true"}
PLAYER_HX = HX | {"HTTP_HX_TARGET": "player"}  # the player's own swaps get its fragment
RUNS, WARM = 200, 20
PREVIEWS = {
    "preview: alone, mid back, ball + wall": "performer=self&region=mid-back&prop=tennis-ball"
    "&prop=wall&minutes=10",
    "preview: partner, 3 areas, 30 min": "performer=partner&region=upper-back"
    "&region=lower-back&region=hips-glutes&minutes=30",
    "preview: alone, all areas, 4 props": "performer=self&region=neck-shoulders&region=upper-back"
    "&region=mid-back&region=lower-back&region=hips-glutes&prop=foam-roller&prop=massage-cane"
    "&prop=tennis-ball&prop=wall&minutes=20",
}
MINE = "/mine/ (3 sessions)"
# A browser with a long history: the newest sessions it lists (50) followed 200 times in all,
# rated, some steps marked; the builder learns from it on every preview.
LEARNED = "preview: 200 runs of history"
LEARNING = "learning from 200 runs"
COMPOSER, COMPOSER_LEARNED = "composer (30 min)", "composer (30 min, learned)"
HISTORY_SESSIONS, HISTORY_RUNS = 50, 200
# Sessions whose every step fragment is weighed (with the one the other figures use).
STEP_SESSIONS = [
    ("partner", ["lower-back", "hips-glutes"], [], 30),
    ("partner", ["neck-shoulders", "upper-back", "mid-back", "lower-back", "hips-glutes"], [], 60),
    ("self", ["neck-shoulders", "upper-back", "lower-back", "hips-glutes"], ["tennis-ball"], 30),
]
REMINDER = "repeat=weekly&day=MO&day=TH&time=18:00"
# Pages whose content doesn't grow with the catalogue: at ×100 within 1.5× their ×1 time.
FLAT = {"a muscle", "pain finder", "player step (htmx)", MINE, LEARNED, LEARNING, *PREVIEWS}
# Saving a session writes each of its steps. A session's movement block adds 2 to 4 of them:
# saved with it, a target of its own; the same session without it keeps the pages' 10×.
SAVE, SAVE_ALONE = "POST /build/", "POST /build/ (no movement)"
FLAT |= {SAVE, SAVE_ALONE}
OWN_FLOOR = {SAVE: 15}
# Whole pages of saved sessions (their words read from the database on each request, never
# kept: the card, a person's list), and the builder reading a person's history: a target of
# their own, looser than the catalogue's and the builder's pages (those are kept, or answer an
# htmx swap).
SESSION_PAGES = {"session card", MINE, LEARNED, LEARNING}
SESSION_PAGE_FLOOR = 25
results: list[tuple[str, bool, str]] = []


def verdict(name: str, ok: bool, detail: str) -> None:
    results.append((name, ok, detail))
    print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")


def median_ms(call, floor) -> tuple[float, float]:
    """Median ms of `call` and of the floor, measured in turn: the machine's drift (these are
    shared machines) touches both alike, so their ratio holds."""
    for _ in range(WARM):
        call()
        floor()
    times: tuple[list, list] = ([], [])
    for _ in range(RUNS):
        for made, what in zip(times, (call, floor), strict=True):
            start = time.perf_counter()
            what()
            made.append(time.perf_counter() - start)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


# Two places that hurt: the muscles behind each, ranked.
FINDER = "/where-it-hurts/?spot=buttock%3Aleft&spot=temples%3Aright"


def pages(client: Client, code: str) -> dict:
    # The start form's POST, encoded as a browser sends it.
    save = "performer=self&region=upper-back&minutes=10"
    form = "application/x-www-form-urlencoded"
    found = {
        "floor": lambda: client.get("/bench/floor"),
        "/": lambda: client.get("/"),
        "/muscles/": lambda: client.get("/muscles/"),
        "a muscle": lambda: client.get("/muscles/rhomboids/"),
        "pain finder": lambda: client.get(FINDER),
        "pain finder (htmx)": lambda: client.get(FINDER, **HX),
        SAVE: lambda: fresh(client).post("/build/", save, content_type=form),
        SAVE_ALONE: lambda: fresh(client).post("/build/", save + "&movement=0", content_type=form),
        "player step (htmx)": lambda: client.get(f"/s/{code}/step/2/", **PLAYER_HX),
        "session card": lambda: client.get(f"/s/{code}/card/"),
        "reminder .ics": lambda: client.get(f"/s/{code}/reminder.ics?{REMINDER}"),
    }
    for name, query in PREVIEWS.items():
        found[name] = lambda q=query: fresh(client).get("/build/?" + q, **HX)
    found[MINE] = my_sessions()
    return found


def long_history() -> list[str]:
    """The codes of HISTORY_SESSIONS sessions followed HISTORY_RUNS times over 100 days, rated
    (a meaningful fall in half the runs), a step marked in one run of four: this browser's."""
    from datetime import timedelta

    from django.utils import timezone

    areas = [["upper-back"], ["lower-back", "hips-glutes"], ["neck-shoulders", "mid-back"]]
    sessions = [
        care_session("self", areas[i % 3], ["tennis-ball", "wall"], 10 + 5 * (i % 3))
        for i in range(HISTORY_SESSIONS)
    ]
    now = timezone.now()
    runs = Run.objects.bulk_create(
        Run(
            session=sessions[i % HISTORY_SESSIONS],
            started_at=now - timedelta(hours=12 * (HISTORY_RUNS - i)),
            pain_before=6,
            pain_after=3 if i % 2 else 5,
        )
        for i in range(HISTORY_RUNS)
    )
    felt = [Felt.TOO_MUCH, Felt.GOOD, Felt.SKIP]
    marks = []
    for i, run in enumerate(runs[::4]):
        step = sessions[(4 * i) % HISTORY_SESSIONS].steps.filter(phase="main").first()
        marks.append(
            StepFeedback(
                run=run,
                number=step.number,
                felt=felt[i % 3],
                work=step.technique.slug,
                name=step.name,
                at=run.started_at,
            )
        )
    StepFeedback.objects.bulk_create(marks)
    return [s.code for s in sessions][::-1]


def with_history(codes: list[str]) -> Client:
    browser = Client()
    browser.post("/build/screen/", {"next": ""})
    response = HttpResponse()
    remember_built(response, codes)
    browser.cookies.update(response.cookies)
    return browser


def fresh(client: Client) -> Client:
    """`client` as a browser with no history: the sessions it saved are not in its list (a
    browser's history is measured apart: LEARNED)."""
    for name in [name for name in client.cookies if name.startswith(BUILT_COOKIE)]:
        del client.cookies[name]
    return client


def my_sessions():
    """GET /mine/ from a browser that built three sessions (its own cookie lists them)."""
    browser = Client()
    browser.post("/build/screen/", {"next": ""})
    for regions in (["upper-back"], ["neck-shoulders"], ["upper-back", "lower-back"]):
        saved = browser.post("/build/", {"performer": "self", "region": regions, "minutes": 10})
        assert saved.status_code == 303, saved.status_code
    return lambda: browser.get("/mine/")


def measure(scale: str, history: list[str]) -> tuple[dict, dict]:
    """Each page's median time as a multiple of the floor measured alongside it, and its
    queries: on the first request after a catalogue change, and once kept."""
    client = Client()
    client.post("/build/screen/", {"next": ""})
    code = care_session("self", ["upper-back", "mid-back"], ["tennis-ball", "wall"], 10).code
    found = pages(client, code)
    floor = found.pop("floor")
    ask = Request(
        "self", ("upper-back", "mid-back", "hips-glutes"), frozenset({"tennis-ball", "wall"}), 30
    )
    snapshot = catalogue_snapshot()
    found[COMPOSER] = lambda: compose(snapshot, ask)
    learned = Applied(lessons_of(history))
    taught = replace(ask, avoid=learned.avoid, favour=learned.favour)
    found[COMPOSER_LEARNED] = lambda: compose(snapshot, taught)
    found[LEARNING] = lambda: lessons_of(history)
    browser = with_history(history)
    found[LEARNED] = lambda: browser.get("/build/?" + next(iter(PREVIEWS.values())), **HX)
    multiples, queries = {}, {}
    print(
        f"\n× {scale}: median of {RUNS} in-process requests, in turn with the floor (a bare "
        "view);\n  the first request after a catalogue change; SQL queries then / once kept"
    )
    for name, call in found.items():
        composer = name.startswith("composer") or name == LEARNING  # no request
        if not composer:
            bump()  # as after a catalogue change: the first request builds what is kept
            with CaptureQueriesContext(connection) as first:
                start = time.perf_counter()
                response = call()
                cold = (time.perf_counter() - start) * 1000
            assert response.status_code in (200, 302, 303), (name, response.status_code)
            with CaptureQueriesContext(connection) as kept:
                call()
            queries[name] = (len(first), len(kept))
        ms, floor_ms = median_ms(call, floor)
        multiples[name] = ms / floor_ms
        line = f"  {name:38} {ms:7.2f} ms  floor {floor_ms:5.2f} ms  {ms / floor_ms:5.1f}×"
        if not composer:
            line += f"   first {cold:8.1f} ms   queries {queries[name][0]} / {queries[name][1]}"
        print(line)
    CareSession.objects.exclude(code__in=[code, *history]).delete()  # the POSTs' sessions
    return multiples, queries


def http_throughput(backend: str, **extra: str) -> None:
    wrk = shutil.which("wrk")
    print(
        "\nHTTP throughput under gunicorn on loopback (wrk, 2 threads, 32 connections; each page"
        f" 4 s in turn with /healthz, three times, the median), catalogue cache: {backend}"
    )
    if not wrk:
        verdict("HTTP throughput", False, "wrk is not installed (make bench installs it as root)")
        return
    env = production_env(
        os.environ["DATABASE_URL"], DJANGO_STATIC_ROOT=os.environ["DJANGO_STATIC_ROOT"], **extra
    )
    env["DJANGO_SETTINGS_MODULE"] = "backcare.settings"
    env.pop("BACKCARE_CATALOGUE_RECHECK_SECONDS")  # served as make serve serves: its default
    workers = 2 * (os.cpu_count() or 1) + 1
    server = Server(env, free_port(), workers=workers).start()
    try:
        browser = Browser(server.url)
        browser.answer_screen()
        cookie = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
        code = browser.save_session(
            regions=("upper-back", "mid-back"), props=("tennis-ball", "wall")
        )
        targets = {
            "/healthz": ("/healthz", []),
            "/muscles/": ("/muscles/", []),
            "builder preview": (
                "/build/?" + next(iter(PREVIEWS.values())),
                ["-H", "HX-Request: true", "-H", f"Cookie: {cookie}"],
            ),
            "player step": (  # on a device that answered the safety questions
                f"/s/{code}/step/2/",
                ["-H", "HX-Request: true", "-H", "HX-Target: player", "-H", f"Cookie: {cookie}"],
            ),
        }

        def rate(name: str, seconds: int) -> float:
            path, extra = targets[name]
            out = subprocess.run(
                [wrk, "-t2", "-c32", f"-d{seconds}s", *extra, server.url + path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if errors := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
                print(f"  {name}: NON-2xx: {errors.group(1)}")
            return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

        # Each page is timed in turn with /healthz, three times over: a machine busy with
        # something else for a few seconds moves both, and the median ratio stands.
        ratios: dict[str, list[float]] = {name: [] for name in targets if name != "/healthz"}
        rates: dict[str, list[float]] = {name: [] for name in targets}
        for _ in range(3):
            for name in ratios:
                healthz = rate("/healthz", 4)
                found = rate(name, 4)
                rates["/healthz"].append(healthz)
                rates[name].append(found)
                ratios[name].append(found / healthz)
        rates = {name: statistics.median(found) for name, found in rates.items()}
        print(f"  {'/healthz':20} {rates['/healthz']:8.0f} req/s")
        for name, found in ratios.items():
            ratio = statistics.median(found)
            print(f"  {name:20} {rates[name]:8.0f} req/s  {ratio:5.0%} of /healthz")
            rates[name] = ratio * rates["/healthz"]  # so the verdicts read the median ratio
        ratio = rates["builder preview"] / rates["/healthz"]
        verdict(
            f"HTTP builder preview ≥ 30 % of /healthz ({backend})", ratio >= 0.30, f"{ratio:.0%}"
        )
        ratio = rates["player step"] / rates["/healthz"]
        verdict(f"HTTP player step ≥ 50 % of /healthz ({backend})", ratio >= 0.50, f"{ratio:.0%}")
        ratio = rates["/muscles/"] / rates["/healthz"]
        verdict(f"HTTP /muscles/ ≥ 40 % of /healthz ({backend})", ratio >= 0.40, f"{ratio:.0%}")
    finally:
        server.stop()


def memory_after_unique_queries(client: Client, count: int = 10_000) -> None:
    """What 10,000 GETs with unique query strings leave in memory (they once evicted every
    kept page): next to nothing (each is answered from the one page it means), and kept
    pages stay kept (answered with no query at all: the catalogue version too is
    remembered)."""
    import gc
    import tracemalloc

    client.get("/muscles/rhomboids/")
    client.get("/safety/")  # the one page all those GETs answer with
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(count):
        client.get(f"/safety/?utm={n}")
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    with CaptureQueriesContext(connection) as kept:
        client.get("/muscles/rhomboids/")
    print(
        f"\nMemory per worker after {count:,} GETs with unique query strings: "
        f"{held / 2**10:.1f} KiB more held; a kept page then takes "
        f"{len(kept)} quer{'y' if len(kept) == 1 else 'ies'}"
    )
    verdict(
        "memory bounded and kept pages still kept",
        held < 256 * 1024 and not kept,  # kept pages: no query
        f"{held / 2**10:.1f} KiB, {len(kept)} query",
    )


def static_file(url: str) -> Path:
    return Path(settings.STATIC_ROOT) / url.removeprefix(settings.STATIC_URL).lstrip("/")


def page_weight(client: Client, code: str) -> None:
    print(
        "\nPage weight of a first visit (HTML + CSS + JS; static files as whitenoise serves them)"
    )
    worst = 0
    for name, url in {
        "/muscles/": "/muscles/",
        "/build/": "/build/?" + next(iter(PREVIEWS.values())),
        "a player step": f"/s/{code}/step/1/",
    }.items():
        html = client.get(url).content
        raw, packed = len(html), len(gzip.compress(html))
        parts = [f"HTML {raw / 1024:.1f} KB ({packed / 1024:.1f} gz)"]
        for asset in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html):
            path = static_file(asset.decode())
            body = path.read_bytes()
            served = path.with_name(path.name + ".gz")
            size = served.stat().st_size if served.exists() else len(gzip.compress(body))
            raw, packed = raw + len(body), packed + size
            parts.append(f"{path.name.split('.')[0]} {len(body) / 1024:.1f} ({size / 1024:.1f} gz)")
        worst = max(worst, packed)
        print(
            f"  {name:16} {raw / 1024:6.1f} KB raw, {packed / 1024:5.1f} KB compressed: "
            + ", ".join(parts)
        )
    verdict("first visit ≤ 60 KB compressed", worst <= 60 * 1024, f"largest {worst / 1024:.1f} KB")
    print("\nhtmx fragments")
    fragments = {
        "muscle panel": client.get("/muscles/rhomboids/", **HX).content,
        "builder preview": client.get("/build/?" + next(iter(PREVIEWS.values())), **HX).content,
        "player step": client.get(f"/s/{code}/step/2/", **PLAYER_HX).content,
    }
    for name, body in fragments.items():
        packed = len(gzip.compress(body))
        print(f"  {name:16} {len(body) / 1024:6.1f} KB raw, {packed / 1024:5.1f} KB gz")
    # Every step of sessions alone and with a partner, not one step: the longest cards (a
    # partner's elbow lean, with its cautions) are the ones that come near the budget.
    largest, where = 0, ""
    for made in (code, *(care_session(*ask).code for ask in STEP_SESSIONS)):
        for number in count(1):
            response = client.get(f"/s/{made}/step/{number}/", **PLAYER_HX)
            if response.status_code != 200:
                break
            packed = len(gzip.compress(response.content))
            if packed > largest:
                largest, where = packed, f"/s/{made}/step/{number}/"
    verdict(
        "player step fragment ≤ 4 KB (gz), the largest step",
        largest <= 4 * 1024,
        f"{largest} bytes ({where})",
    )


def main() -> int:
    call_command("migrate", verbosity=0)
    call_command("loaddata", "catalogue", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    history = long_history()
    measured = {"1": measure("1", history)}
    # Weight and throughput are measured on the shipped catalogue.
    client = Client()
    client.post("/build/screen/", {"next": ""})
    code = care_session("self", ["upper-back", "mid-back"], ["tennis-ball", "wall"], 10).code
    page_weight(client, code)
    memory_after_unique_queries(client)
    http_throughput("each process's own memory")
    if REDIS_URL:
        http_throughput("Redis, shared by every process", REDIS_URL=REDIS_URL)
    else:
        print("  (no Redis server could be started: the shared-cache figures are left out)")
    grow_catalogue(10, tag="a")
    measured["10"] = measure("10", history)
    grow_catalogue(10, tag="b")  # ten copies of the ×10 catalogue
    measured["100"] = measure("100", history)

    print("\nTargets")
    counts = [q for _, q in measured.values()]
    same = all(c == counts[0] for c in counts)
    verdict(
        "queries equal at ×1, ×10, ×100",
        same,
        "same" if same else str({s: q for s, (_, q) in measured.items()}),
    )
    # Times compare as multiples of the floor measured alongside them (see median_ms).
    small, large = measured["1"][0], measured["100"][0]
    for name in sorted(FLAT):
        ratio = large[name] / small[name]
        verdict(f"{name}: ×100 ≤ 1.5 × ×1", ratio <= 1.5, f"{ratio:.2f}×")
    for name, multiple in small.items():
        if name in SESSION_PAGES or name in OWN_FLOOR:
            limit = OWN_FLOOR.get(name, SESSION_PAGE_FLOOR)
            verdict(f"{name}: ≤ {limit} × the floor at ×1", multiple <= limit, f"{multiple:.1f}×")
        elif not name.startswith("composer"):
            verdict(f"{name}: ≤ 10 × the floor at ×1", multiple <= 10, f"{multiple:.1f}×")
    for name in (COMPOSER, COMPOSER_LEARNED):
        ratio = large[name] / small[name]
        verdict(f"{name}: ×100 ≤ 3 × ×1", ratio <= 3, f"{ratio:.2f}×")
    for scale, (multiples, _) in measured.items():
        ratio = multiples[COMPOSER_LEARNED] / multiples[COMPOSER]
        verdict(
            f"composer with a 200-run history's lessons ≤ 1.5 × without (×{scale})",
            ratio <= 1.5,
            f"{ratio:.2f}×",
        )

    failed = [name for name, ok, _ in results if not ok]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
