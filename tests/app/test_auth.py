"""Signing in and out: passwords, throttling, CSRF, cookies and headers."""
from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html import unescape as html_unescape

import pytest

import documents.user
from documents import LoginThrottle
from tests.conftest import CHEAP_PASSWORDS, PASSWORD, csrf_token, serving


@pytest.fixture
def hr_user(make_user):
    return make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])


def test_correct_password_signs_in_and_redirects_home(hr_user, auth):
    response = auth.login("HR@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_wrong_password_is_refused_with_a_message_by_the_form(hr_user, auth):
    response = auth.login("hr@example.org", "wrong")
    assert response.status_code == 400
    assert "The email address or password is not right." in response.get_data(as_text=True)
    assert auth.client.get("/employees").status_code == 302


def test_password_is_stored_hashed(hr_user):
    assert "correct horse" not in hr_user.password_hash
    assert hr_user.check_password("correct horse battery staple")


def test_empty_fields_get_messages_beside_them(auth):
    token = csrf_token(auth.client.get("/login").get_data(as_text=True))
    page = auth.client.post("/login", data={"csrf_token": token}).get_data(as_text=True)
    assert 'id="email-error"' in page and "Enter your email address." in page
    assert 'id="password-error"' in page and "Enter your password." in page


def test_repeated_failures_are_slowed_then_locked(app, hr_user, auth):
    for _ in range(app.config["LOGIN_SLOW_AFTER"]):
        auth.login("hr@example.org", "wrong")
    slowed = auth.login("hr@example.org", "correct horse battery staple")
    assert slowed.status_code == 400
    assert "Wait" in slowed.get_data(as_text=True)
    throttle = LoginThrottle.objects.get(login="hr@example.org")
    assert throttle.attempts == app.config["LOGIN_SLOW_AFTER"] + 1      # the refused attempt counts too
    throttle.update(set__attempts=app.config["LOGIN_LOCK_AFTER"] - 1, set__last_attempt_at=dt.datetime(2000, 1, 1))
    locked = auth.login("hr@example.org", "wrong")
    assert "locked" in locked.get_data(as_text=True)
    assert LoginThrottle.objects.get(login="hr@example.org").locked_until is not None
    refused = auth.login("hr@example.org", "correct horse battery staple")
    assert "locked" in refused.get_data(as_text=True)
    assert auth.client.get("/employees").status_code == 302


def test_attempts_during_a_lock_do_not_lengthen_it(app, hr_user, auth):
    LoginThrottle(login="hr@example.org", attempts=app.config["LOGIN_LOCK_AFTER"],
                  last_attempt_at=dt.datetime(2000, 1, 1), locked_until=dt.datetime(2100, 1, 1)).save()
    for _ in range(3):
        assert "locked" in auth.login("hr@example.org", "wrong").get_data(as_text=True)
    throttle = LoginThrottle.objects.get(login="hr@example.org")
    assert throttle.locked_until == dt.datetime(2100, 1, 1)
    assert throttle.attempts == app.config["LOGIN_LOCK_AFTER"] + 3


@pytest.fixture
def served(app):
    """The app served on a free port of 127.0.0.1 with a thread for each request, as in production."""
    with serving(app) as url:
        yield url


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser of the served app: its own cookies, redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _Stay)

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in_form(self, email: str, password: str) -> dict:
        return {"email": email, "password": password, "csrf_token": csrf_token(self.open("/login")[1])}


def test_parallel_wrong_passwords_are_each_counted_and_lock_the_login(app, hr_user, served):
    """24 wrong passwords sent at the same instant, then the right one: every attempt is counted, so the login is
    locked and the right password is refused."""
    fired = 24
    visitors = [Visitor(served) for _ in range(fired)]
    forms = [visitor.sign_in_form("hr@example.org", f"wrong guess {n}") for n, visitor in enumerate(visitors)]
    start = threading.Barrier(fired)

    def attempt(n: int) -> tuple[int, str]:
        start.wait()
        return visitors[n].open("/login", forms[n])

    with ThreadPoolExecutor(fired) as pool:
        answers = list(pool.map(attempt, range(fired)))
    assert [status for status, _ in answers] == [400] * fired
    recorded = LoginThrottle.objects.get(login="hr@example.org").attempts
    checked = sum("Wait" not in page and "locked" not in page for _, page in answers)
    last = Visitor(served)
    status, page = last.open("/login", last.sign_in_form("hr@example.org", PASSWORD))
    print(f"\nparallel sign-in: {fired} fired, {recorded} counted, {checked} had their password checked, "
          f"correct password then answered {status}")
    assert recorded == fired
    assert checked <= app.config["LOGIN_LOCK_AFTER"]
    assert status == 400 and "This login is locked" in page
    assert LoginThrottle.objects.get(login="hr@example.org").attempts == fired + 1
    assert last.open("/employees")[0] == 302


def test_unknown_and_switched_off_logins_have_a_password_checked_all_the_same(make_user, auth, monkeypatch):
    """So the time a refusal takes does not tell which logins exist."""
    make_user("hr@example.org", ["hr"])
    make_user("gone@example.org", ["hr"], active=False)
    documents.user.check_nobody_s_password("warm up")      # the unknown password's hash is made once
    checks = []
    real_check = documents.user.check_password_hash
    monkeypatch.setattr(documents.user, "check_password_hash",
                        lambda stored, given: checks.append(stored) or real_check(stored, given))
    timings: dict[str, list[float]] = {}
    for _ in range(3):
        for email in ("hr@example.org", "nobody@example.org", "gone@example.org"):
            checks.clear()
            started = time.perf_counter()
            response = auth.login(email, "wrong")
            timings.setdefault(email, []).append((time.perf_counter() - started) * 1000)
            assert response.status_code == 400
            assert "The email address or password is not right." in response.get_data(as_text=True)
            assert len(checks) == 1, email
            assert checks[0].split("$")[0] == documents.user.User.objects.get(email=email.replace(
                "nobody", "hr")).password_hash.split("$")[0]       # the same scheme and cost as a user's
    print("\nrefusal times (median of 3): " + ", ".join(
        f"{email} {sorted(ms)[1]:.0f} ms" for email, ms in timings.items()))


def test_unknown_logins_are_throttled_too(app, auth):
    for _ in range(app.config["LOGIN_SLOW_AFTER"] + 1):
        response = auth.login("nobody@example.org", "guess")
    assert "Wait" in response.get_data(as_text=True)


def test_success_clears_earlier_failures(hr_user, auth):
    auth.login("hr@example.org", "wrong")
    auth.login("hr@example.org")
    assert LoginThrottle.objects(login="hr@example.org").count() == 0


def test_login_without_csrf_token_is_refused(hr_user, client):
    response = client.post("/login", data={"email": "hr@example.org", "password": "correct horse battery staple"})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_logout_needs_post_with_token(hr_user, auth):
    auth.login("hr@example.org")
    assert auth.client.get("/logout").status_code == 405
    assert auth.client.post("/logout").status_code == 400
    assert auth.logout().status_code == 302
    assert auth.client.get("/employees").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example.org/", "//evil.example.org/x", "/\\evil"])
def test_next_never_leaves_the_site(hr_user, client, target):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", query_string={"next": target},
                           data={"email": "hr@example.org", "password": "correct horse battery staple",
                                 "csrf_token": token})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/%0d%0aSet-Cookie:%20x=1", "/cases%0aX-Evil:%201", "/cases%0d", "/a%09b", "/a%00b",
                                    "/a%7fb", "/cases%e2%80%a8x", "/cases%e2%80%a9x", "/cases%c2%85x",
                                    "/cases%e2%80%aex"])
def test_next_holding_a_control_character_or_line_break_goes_home(hr_user, client, target):
    """Werkzeug refuses a Location header with a line break, which was a 500: the login page (GET) still shows,
    its form keeps `next` quoted, and signing in (POST) goes home instead of following it."""
    page = client.get("/login?next=" + target)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    action = html_unescape(re.search(r'<form method="post" action="([^"]+)"', html).group(1))
    assert action.startswith("/login?next=/") and not any(ord(c) < 0x21 or ord(c) > 0x7e for c in action)
    response = client.post(action, data={"email": "hr@example.org", "password": "correct horse battery staple",
                                         "csrf_token": csrf_token(html)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Set-Cookie: x" not in str(response.headers) and "X-Evil" not in str(response.headers)


def test_next_returns_to_the_page_asked_for(hr_user, client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=/employees%3Fq%3Dx",
                           data={"email": "hr@example.org", "password": "correct horse battery staple",
                                 "csrf_token": token})
    assert response.headers["Location"] == "/employees?q=x"


def test_security_headers(client):
    headers = client.get("/login").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"


def test_pages_carry_no_inline_script(client):
    page = client.get("/login").get_data(as_text=True)
    for tag in page.split("<script")[1:]:
        assert "src=" in tag.split(">")[0]
        assert tag.split(">", 1)[1].startswith("</script")


def test_session_cookie_is_secure_and_http_only_by_default(database_uri, tmp_path, monkeypatch):
    from app import create_app
    from tests.conftest import TEST_DB
    monkeypatch.delenv("CASEBOOK_SECURE_COOKIES", raising=False)
    secure_app = create_app({"TESTING": True, "MONGODB_URI": database_uri, "MONGODB_DB": TEST_DB,
                             "SECRET_KEY": "x", "DATA_DIR": str(tmp_path)})
    try:
        assert secure_app.config["SESSION_COOKIE_SECURE"] is True
        assert secure_app.config["SESSION_COOKIE_HTTPONLY"] is True
        client = secure_app.test_client()
        client.get("/login")
        cookie = client.get_cookie("session")
        assert cookie is not None and cookie.secure and cookie.http_only
        assert "Strict-Transport-Security" in client.get("/login").headers
    finally:
        from documents.connection import connect_database
        connect_database(database_uri, TEST_DB)
        documents.user.use_password_method(CHEAP_PASSWORDS["PASSWORD_HASH_METHOD"])


def test_production_hashes_passwords_with_werkzeug_s_full_cost_scrypt(database_uri, tmp_path):
    """Only the test suite's app asks for a cheaper hash (tests/conftest.py CHEAP_PASSWORDS)."""
    from app import create_app
    from tests.conftest import TEST_DB
    try:
        create_app({"TESTING": True, "MONGODB_URI": database_uri, "MONGODB_DB": TEST_DB, "SECRET_KEY": "x",
                    "DATA_DIR": str(tmp_path)})
        user = documents.user.User(email="x@example.org", name="X", roles=["admin"])
        user.set_password("a long passphrase")
        assert user.password_hash.startswith("scrypt:32768:8:1$") and user.check_password("a long passphrase")
        with pytest.raises(RuntimeError, match="PASSWORD_HASH_METHOD: Invalid hash method 'rot13'"):
            create_app({"TESTING": True, "MONGODB_URI": database_uri, "MONGODB_DB": TEST_DB, "SECRET_KEY": "x",
                        "DATA_DIR": str(tmp_path), "PASSWORD_HASH_METHOD": "rot13"})
    finally:
        from documents.connection import connect_database
        connect_database(database_uri, TEST_DB)
        documents.user.use_password_method(CHEAP_PASSWORDS["PASSWORD_HASH_METHOD"])


def test_production_refuses_to_start_without_a_secret_key(database_uri, tmp_path, monkeypatch):
    from app import create_app
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("CASEBOOK_DEMO", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"MONGODB_URI": database_uri, "DATA_DIR": str(tmp_path)})
