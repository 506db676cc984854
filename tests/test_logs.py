"""What the logs keep of a session's code: its first four characters, however the path that
carried it was written."""

import json
import logging

import pytest

from backcare.logs import JsonFormatter, redact

CODE = "AbCdEfGhIjKl"


@pytest.mark.parametrize(
    "path",
    [
        f"/s/{CODE}/step/2/",
        f"/%73/{CODE}/step/2/",
        f"/%2573/{CODE}/",
        f"/%252573/{CODE}/",
        f"/s/%41{CODE[1:]}/",
        f"/%73%2F{CODE}/",
        "/s/" + "".join(f"%{ord(c):02X}" for c in CODE) + "/",
    ],
)
def test_a_session_code_in_a_path_is_cut_to_four_characters_however_it_is_encoded(path):
    logged = redact(path)
    assert CODE not in logged
    assert f"/s/{CODE[:4]}…" in logged


def test_a_path_without_a_code_is_logged_as_it_came():
    assert redact("/build/?q=100%25&x=%2F") == "/build/?q=100%25&x=%2F"
    assert redact("/s/abc/") == "/s/abc/"


def test_a_log_line_of_an_encoded_path_holds_no_code():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/%73/{CODE}/",), None
    )
    entry = json.loads(JsonFormatter().format(record))
    assert CODE not in json.dumps(entry) and entry["message"] == f"Not Found: /s/{CODE[:4]}…/"
