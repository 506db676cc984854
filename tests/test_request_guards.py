"""What a hostile client sends before any view runs: odd charsets, big or endless bodies,
files, a wrong Host, forged forms, forwarded headers from strangers, and sign-in floods. Each
gets a designed 4xx page with every security header and one log line, never a 500."""

import json
import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from backcare.logs import JsonFormatter
from backcare.policy import MAX_BODY_BYTES
from tests.test_security import assert_strict_headers

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def csrf_client() -> tuple[Client, str]:
    """A browser with a real CSRF cookie and token, as the attacks that got past CSRF had."""
    client = Client(enforce_csrf_checks=True)
    client.get("/build/screen/")
    return client, client.cookies["csrftoken"].value


def request_lines(caplog, path: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if path in r.getMessage() and r.name.startswith("django")]


@pytest.mark.parametrize("charset", ["latin-1", "ascii", "utf-16", "x-unknown"])
@pytest.mark.parametrize("url", ["/", "/healthz", "/admin/login/", "/build/screen/"])
def test_a_form_in_another_charset_is_a_designed_400_with_one_log_line(caplog, charset, url):
    client, token = csrf_client()
    caplog.clear()
    response = client.generic(
        "POST", url, f"csrfmiddlewaretoken={token}&a=b", content_type=f"{FORM}; charset={charset}"
    )
    assert response.status_code == 400
    assert "That form was in an unknown character set" in response.content.decode()
    assert_strict_headers(response)
    lines = request_lines(caplog, url)
    assert len(lines) == 1 and lines[0].exc_info is None, lines


def test_a_utf8_form_still_works():
    client, token = csrf_client()
    data = f"csrfmiddlewaretoken={token}&next="
    response = client.generic("POST", "/build/screen/", data, content_type=f"{FORM}; charset=UTF-8")
    assert response.status_code == 303


def test_a_body_over_the_limit_is_refused_unread(caplog):
    client, token = csrf_client()
    body = f"csrfmiddlewaretoken={token}&a=" + "x" * MAX_BODY_BYTES
    response = client.generic("POST", "/build/screen/", body, content_type=FORM)
    assert response.status_code == 413
    assert_strict_headers(response)
    assert "far too much" in response.content.decode()
    [line] = request_lines(caplog, "/build/screen/")
    assert line.exc_info is None


def test_a_declared_length_is_enough_to_refuse_without_reading():
    """10 GB declared, 3 bytes sent: the answer comes from the header alone."""
    response = Client().generic(
        "POST", "/build/screen/", "a=b", content_type=FORM, CONTENT_LENGTH=str(10 * 2**30)
    )
    assert response.status_code == 413


@pytest.mark.parametrize("length", ["-1", "12abc", "1e9"])
def test_a_nonsense_length_is_refused(length):
    response = Client().generic(
        "POST", "/build/screen/", "a=b", content_type=FORM, CONTENT_LENGTH=length
    )
    assert response.status_code == 413


def test_a_body_of_unknown_length_is_refused():
    response = Client().generic(
        "POST", "/build/screen/", "a=b", content_type=FORM, HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411
    assert_strict_headers(response)


def test_a_file_sent_anyway_is_dropped_and_never_touches_the_disk(client, tmp_path, settings):
    """No form takes a file: with no upload handlers a file part is read past. Were a handler
    there, a zero memory limit would make it spool the file to FILE_UPLOAD_TEMP_DIR."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    upload = SimpleUploadedFile("big.bin", b"x" * (MAX_BODY_BYTES // 2))
    response = client.post("/build/screen/", {"next": "", "file": upload})
    assert response.status_code == 303  # the form itself was read and answered
    assert list(tmp_path.iterdir()) == []


@override_settings(ALLOWED_HOSTS=["testserver"])
def test_a_wrong_host_is_a_designed_400_with_every_header_and_no_traceback(caplog):
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "That request didn't make sense" in response.content.decode()
    assert_strict_headers(response)
    [line] = [r for r in caplog.records if "evil.example" in r.getMessage()]
    assert "error" not in json.loads(JsonFormatter().format(line))


def test_a_forged_form_gets_the_designed_csrf_page_naming_nothing_of_the_stack():
    response = Client(enforce_csrf_checks=True).post("/build/screen/", {"next": ""})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html and 'class="site-header' in html
    for leak in ("DEBUG", "CSRF", "Django", "Referer", "settings"):
        assert leak not in html, leak
    assert_strict_headers(response)


# ---- proxies ----

PROXIED = {"TRUSTED_PROXIES": ["10.0.0.0/8"], "SECURE_SSL_REDIRECT": True}
PROXY_SSL = {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}


@override_settings(**PROXIED, **PROXY_SSL)
def test_https_through_an_untrusted_hop_is_refused_not_redirected_round_a_loop():
    response = Client().get("/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 400  # a redirect to https would come straight back here
    assert "one Backcare trusts" in response.content.decode()
    assert_strict_headers(response)


@override_settings(**PROXIED, **PROXY_SSL)
def test_a_trusted_proxy_is_believed_and_plain_http_is_still_redirected():
    client = Client()
    through = client.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_PROTO="https")
    assert through.status_code == 200
    plain = client.get("/", REMOTE_ADDR="192.0.2.10")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")


# ---- admin sign-in ----


def sign_in(client: Client, username: str, password: str = "wrong", **meta) -> int:
    return client.post("/admin/login/", {"username": username, "password": password}, **meta)


def test_one_address_is_locked_out_whatever_usernames_it_tries(client, monkeypatch):
    """Fresh usernames don't escape the limit, and once locked no password is checked (the
    expensive part: Django hashes even for an unknown user)."""
    from django.contrib.auth.backends import ModelBackend

    User.objects.create_user("editor", password="right-password-123", is_staff=True)
    answers = [sign_in(client, f"guess-{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 200, 429]

    checked = []
    original = ModelBackend.authenticate
    monkeypatch.setattr(
        ModelBackend, "authenticate", lambda *a, **k: checked.append(1) or original(*a, **k)
    )
    locked = sign_in(client, "editor", "right-password-123")
    assert locked.status_code == 429 and "Too many sign-in attempts" in locked.content.decode()
    assert checked == []
    # Another address still signs in.
    other = sign_in(Client(), "editor", "right-password-123", REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 302


def test_real_and_made_up_accounts_fail_and_lock_alike(client):
    User.objects.create_user("editor", password="right-password-123", is_staff=True)
    for username, address in (("editor", "192.0.2.1"), ("nobody", "192.0.2.2")):
        answers = [sign_in(client, username, REMOTE_ADDR=address).status_code for _ in range(5)]
        assert answers == [200, 200, 200, 200, 429], username


@override_settings(**PROXIED)
def test_behind_a_proxy_each_client_is_locked_on_its_own_address():
    """Everyone shares the proxy's address: locking that would lock everyone out."""
    User.objects.create_user("editor", password="right-password-123", is_staff=True)
    proxy = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_PROTO": "https", "secure": True}
    attacker = Client()
    for n in range(5):
        sign_in(attacker, f"guess-{n}", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert sign_in(attacker, "x", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    editor = sign_in(
        Client(), "editor", "right-password-123", HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy
    )
    assert editor.status_code == 302


def test_a_forged_forwarded_for_from_a_stranger_is_ignored(client):
    """Without a trusted proxy, X-Forwarded-For can't hand the lock to someone else."""
    for n in range(5):
        sign_in(client, f"guess-{n}", REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert sign_in(Client(), "x", REMOTE_ADDR="198.51.100.9").status_code == 200
    assert sign_in(Client(), "x", REMOTE_ADDR="192.0.2.66").status_code == 429


@pytest.mark.parametrize(
    ("content_type", "body", "status"),
    [
        ("multipart/form-data; boundary=xyz", "no parts at all", 403),  # so no CSRF token
        ("multipart/form-data", "--xyz\r\nno boundary declared\r\n--xyz--", 400),
        ("multipart/form-data; boundary=" + "b" * 300, "--b\r\n", 400),
        (FORM, "a=%ZZ&%%%=&=&&b=\xff\xfe", 303),  # nonsense fields are ignored: it goes on
    ],
)
def test_a_mangled_body_is_answered_never_a_500_and_logs_no_traceback(
    caplog, content_type, body, status
):
    client, token = csrf_client()
    response = client.generic(
        "POST", "/build/screen/", f"csrfmiddlewaretoken={token}&{body}", content_type=content_type
    )
    assert response.status_code == status
    assert_strict_headers(response)
    formatted = [json.loads(JsonFormatter().format(record)) for record in caplog.records]
    assert not [entry for entry in formatted if "error" in entry]


def test_a_forged_form_logs_why_in_one_line_the_page_never_says(caplog):
    Client(enforce_csrf_checks=True).post("/build/screen/", {"next": ""})
    [line] = [r for r in caplog.records if "/build/screen/" in r.getMessage()]
    assert "CSRF: " in line.getMessage() and line.exc_info is None
