"""Run the real production server (gunicorn, DEBUG off) in a subprocess, for tests that need
one: the durability test and the load test."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-only-secret-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    return env | extra


def prepare(env: dict[str, str]) -> None:
    """Migrate, seed the catalogue and collect static files, as `make serve` does."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--noinput"],
        ["seed_catalogue"],
        ["collectstatic", "--noinput"],
    ):
        subprocess.run([*manage, *command, "-v0"], env=env, cwd=ROOT, check=True)


class Server:
    """gunicorn in its own process group, so the test can kill it, workers and all."""

    def __init__(
        self, env: dict[str, str], port: int, workers: int = 3, output: Path | None = None
    ):
        """`output`: a folder to write the server's stdout.log and stderr.log in."""
        self.env, self.port, self.workers, self.output = env, port, workers, output
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        command = [
            str(VENV_BIN / "gunicorn"),
            "--config",
            "python:backcare.server",
            "backcare.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
        ]
        streams = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        if self.output:
            for name in streams:
                streams[name] = open(self.output / f"{name}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            command, env=self.env, cwd=ROOT, start_new_session=True, **streams
        )
        for stream in streams.values():
            if stream is not subprocess.DEVNULL:
                stream.close()  # the child has its own copy
        # As a load balancer behind the HTTPS proxy asks (the header is dropped unless the
        # server trusts this address as its proxy).
        health = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if (
                    raw_request(self.port, health + b"Connection: close\r\n\r\n", timeout=2).status
                    == 200
                ):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.kill()
        raise RuntimeError("gunicorn did not become healthy within 30 s")

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown, as in a crash."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


_prepared: Path | None = None  # this test process's prepared database and static files


def serve_in(folder: Path, workers: int = 3, **extra: str) -> Server:
    """gunicorn (DEBUG off) on its own SQLite database in `folder`, prepared as `make serve`
    prepares one, started; its stdout.log and stderr.log are written in `folder`.

    The first server of a test process is prepared by `prepare` (migrate, seed, collect
    static files: about 8 s); every later one starts from a copy of that, the same fresh
    state, in its own folder."""
    global _prepared
    if _prepared is None:
        template = Path(tempfile.mkdtemp(prefix="backcare-served-"))
        env = production_env(
            f"sqlite:///{template / 'served.sqlite3'}", DJANGO_STATIC_ROOT=str(template / "static")
        )
        prepare(env)
        _prepared = template
    shutil.copy(_prepared / "served.sqlite3", folder / "served.sqlite3")
    shutil.copytree(_prepared / "static", folder / "static", dirs_exist_ok=True)
    env = production_env(
        f"sqlite:///{folder / 'served.sqlite3'}", DJANGO_STATIC_ROOT=str(folder / "static"), **extra
    )
    return Server(env, free_port(), workers=workers, output=folder).start()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that doesn't follow redirects (we read Location)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if data else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        try:
            with self.opener.open(req, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def answer_screen(self) -> None:
        self.request("GET", "/build/screen/")
        status, _, _ = self.request("POST", "/build/screen/", {"csrfmiddlewaretoken": self.csrf()})
        assert status == 303, status

    def save_session(self, regions=("upper-back",), props=(), minutes=5) -> str:
        data = {
            "csrfmiddlewaretoken": self.csrf(),
            "performer": "self",
            "region": list(regions),
            "prop": list(props),
            "minutes": str(minutes),
        }
        status, headers, _ = self.request("POST", "/build/", data)
        if status != 303:
            raise RuntimeError(f"save answered {status}")
        return headers["Location"].strip("/").split("/")[-1]


class RawResponse:
    """An HTTP/1.1 answer read off a socket: status, headers (lower-case names; the last of a
    repeated one), every cookie it sets (`cookies`: name → value), body."""

    def __init__(self, raw: bytes):
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status_line = lines[0]
        self.status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
        self.headers = {}
        self.cookies = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
            if name.strip().lower() == "set-cookie":
                cookie, _, _ = value.strip().partition(";")
                self.cookies.update([cookie.split("=", 1)] if "=" in cookie else [])

    def __repr__(self) -> str:
        return f"<RawResponse {self.status}>"


def raw_request(
    port: int, data: bytes, source: str | None = None, timeout: float = 10
) -> RawResponse:
    """Send `data` as it is (no client library tidies it) and read the answer until the
    server closes the connection or the answer's Content-Length is in."""
    with socket.create_connection(
        ("127.0.0.1", port), timeout=timeout, source_address=(source, 0) if source else None
    ) as sock:
        with contextlib.suppress(OSError):  # it may answer and close before taking it all
            sock.sendall(data)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            received += chunk
            head, sep, body = received.partition(b"\r\n\r\n")
            if sep:
                length = RawResponse(head + sep).headers.get("content-length")
                if length is not None and len(body) >= int(length):
                    break
        return RawResponse(received)
