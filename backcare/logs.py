"""One JSON object a line, for Django's loggers and gunicorn's alike (no Django import: the
gunicorn master uses it before Django is loaded).

A saved session's code is a bearer key to it, so every message and path keeps only its first
four characters. Tracebacks are written for real server errors only: a client's bad request
(a warning, or an error from Django's `django.security.*` loggers) is one line.
"""

import json
import logging
import re
from urllib.parse import unquote

_CODE = re.compile(r"(/s/[A-Za-z0-9_-]{4})[A-Za-z0-9_-]{4,}")


def redact(text: str) -> str:
    """`/s/AbCdEfGhIjKl/step/2/` → `/s/AbCd…/step/2/`, also when the path is percent-encoded
    (`/%73/AbCd…`, or encoded twice, `/%2573/…`): a text with a code is logged decoded."""
    decoded = text
    for _ in range(4):  # each round undoes one layer of encoding
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    if decoded != text and _CODE.search(decoded):
        return _CODE.sub(r"\1…", decoded)
    return _CODE.sub(r"\1…", text)


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, and what the record carries: `status`, an access log's
    `http` fields, and the error's traceback when it is a server error."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        entry |= getattr(record, "http", {})
        server_error = record.levelno >= logging.ERROR and not record.name.startswith(
            "django.security"
        )
        if record.exc_info and server_error:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def run_logged(command: list[str], name: str) -> int:
    """Run `command`, writing each line it prints as a JSON record on stdout (its stdout at
    INFO, its stderr at WARNING), or as it is when it already is a JSON object (a command that
    logs JSON itself): `make serve` wraps pip, collectstatic and migrate in it, so the stream a
    log collector reads holds nothing else. Returns the command's exit status."""
    import signal
    import subprocess
    import sys
    import threading

    # Ctrl-C reaches the command too (same process group): let it stop, then report. (A
    # handler, not SIG_IGN: the command would inherit an ignored signal.)
    signal.signal(signal.SIGINT, lambda *_: None)

    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger(name)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace"
    )

    def forward(stream, level: int) -> None:
        for line in stream:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if isinstance(record, dict):
                with handler.lock:  # whole lines, never interleaved with the other stream's
                    sys.stdout.write(json.dumps(record) + "\n")
                    sys.stdout.flush()
            else:
                log.log(level, "%s", line.rstrip())

    streams = ((process.stdout, logging.INFO), (process.stderr, logging.WARNING))
    readers = [threading.Thread(target=forward, args=pair) for pair in streams]
    for reader in readers:
        reader.start()
    status = process.wait()
    for reader in readers:
        reader.join()
    if status:
        log.error("%s exited with status %s", command[0], status)
    return status


if __name__ == "__main__":
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m backcare.logs", description=run_logged.__doc__)
    parser.add_argument("--name", default="backcare.setup", help="the records' logger name")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND ARGS…")
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    sys.exit(run_logged(command, args.name))
