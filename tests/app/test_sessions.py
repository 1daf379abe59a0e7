"""Sessions end on the server: a cookie copied before sign-out, or kept over a password, role or switch-off change,
is sent to sign in; sessions end after 30 minutes without activity and after 8 hours in all, and the sign-in
page says why; an htmx request from an ended session sends the browser to sign in and back; the `users`
commands."""
from __future__ import annotations

import datetime as dt
import html
import urllib.parse

import pytest

from documents import User
from services import clock
from tests.app.conftest import Auth
from tests.conftest import PASSWORD, csrf_token

NEW_PASSWORD = "a much longer new password"


@pytest.fixture
def manager(make_employee, make_user):
    employee = make_employee()
    return make_user("manager@example.org", ["manager"], assignment_number=employee.assignment_number)


@pytest.fixture
def browser(app):
    """A new browser signed in as `email`."""
    def open_as(email: str = "manager@example.org", password: str = PASSWORD):
        client = app.test_client()
        assert Auth(client).login(email, password).status_code == 302
        return client
    return open_as


def replay(app, cookie: str):
    """Another browser presenting a copy of a session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def sign_in_asked(location: str) -> dict[str, str]:
    """The query of a link to the sign-in page (empty when `location` is not one)."""
    parts = urllib.parse.urlsplit(location)
    return dict(urllib.parse.parse_qsl(parts.query)) if parts.path == "/login" and not parts.netloc else {}


def sent_to_sign_in(response, path: str = "/team") -> bool:
    return response.status_code == 302 and sign_in_asked(response.headers["Location"]).get("next") == path


def test_a_cookie_copied_before_sign_out_does_not_open_the_team_page_after_it(app, manager, auth):
    auth.login("manager@example.org")
    assert auth.client.get("/team").status_code == 200
    copied = auth.client.get_cookie("session").value
    assert replay(app, copied).get("/team").status_code == 200
    auth.logout()
    response = replay(app, copied).get("/team")
    assert sent_to_sign_in(response)
    assert sign_in_asked(response.headers["Location"])["ended"] == "revoked"
    page = html.unescape(app.test_client().get(response.headers["Location"]).get_data(as_text=True))
    assert "You were signed out: you signed out in another window, your login was changed" in page


def test_signing_out_ends_the_login_s_sessions_in_other_browsers_too(manager, browser):
    first, second = browser(), browser()
    Auth(first).logout()
    assert sent_to_sign_in(second.get("/team"))


@pytest.mark.parametrize("command", [
    ["users", "set-roles", "manager@example.org", "--role", "manager", "--role", "hr", "--division",
     "Community Care"],
    ["users", "disable", "manager@example.org"],
    ["users", "sign-out", "manager@example.org"],
    ["users", "set-password", "manager@example.org"],
])
def test_a_change_to_the_login_ends_its_sessions(app, manager, browser, command):
    open_browser = browser()
    assert open_browser.get("/team").status_code == 200
    result = app.test_cli_runner().invoke(args=command, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert sent_to_sign_in(open_browser.get("/team"))
    assert User.objects.get(email="manager@example.org").session_generation == 1


def test_after_a_new_password_only_the_new_one_signs_in(app, manager, auth):
    app.test_cli_runner().invoke(args=["users", "set-password", "manager@example.org"],
                                 input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert auth.login("manager@example.org").status_code == 400
    assert auth.login("manager@example.org", NEW_PASSWORD).status_code == 302
    assert auth.client.get("/team").status_code == 200


def test_a_switched_off_login_cannot_sign_in_until_switched_on(app, manager, auth):
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "disable", "manager@example.org"])
    assert auth.login("manager@example.org").status_code == 400
    assert runner.invoke(args=["users", "enable", "manager@example.org"]).exit_code == 0
    assert auth.login("manager@example.org").status_code == 302
    user = User.objects.get(email="manager@example.org")
    assert [entry.action for entry in user.audit][-2:] == ["login switched off", "login switched on"]


def test_users_create_makes_a_login_that_signs_in(app, auth):
    result = app.test_cli_runner().invoke(args=["users", "create", "Admin@Example.org", "--name", "Ada Admin",
                                                "--role", "admin", "--password-stdin"], input=f"{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Login admin@example.org created with the role admin." in result.output
    assert NEW_PASSWORD not in User.objects.get(email="admin@example.org").password_hash
    assert auth.login("admin@example.org", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("args, words", [
    (["create", "x@example.org", "--name", "X", "--role", "boss"], "Unknown role boss"),
    (["create", "x@example.org", "--name", "X", "--role", "manager"], "A manager needs their assignment number."),
    (["create", "manager@example.org", "--name", "X", "--role", "hr"], "A login for manager@example.org already"),
    (["set-roles", "manager@example.org", "--role", "hr", "--role", "root"], "Unknown role root"),
    (["set-roles", "nobody@example.org", "--role", "hr"], "No login for nobody@example.org."),
    (["disable", "nobody@example.org"], "No login for nobody@example.org."),
])
def test_users_commands_refuse_with_a_reason(app, manager, args, words):
    result = app.test_cli_runner().invoke(args=["users", *args], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 1
    assert words in result.output
    assert User.objects.get(email="manager@example.org").session_generation == 0


def test_a_short_password_is_refused(app, manager):
    result = app.test_cli_runner().invoke(args=["users", "set-password", "manager@example.org"],
                                          input="short\nshort\n")
    assert result.exit_code == 1 and "at least 12 characters" in result.output


@pytest.fixture
def minutes_after_nine():
    """Stop the clock at 09:00 on a Monday; calling the fixture's value with n moves it to n minutes later."""
    nine = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.zone())

    def move(minutes: float) -> None:
        clock.set_today(nine + dt.timedelta(minutes=minutes))
    move(0)
    yield move
    clock.set_today(None)


def test_a_session_idle_for_30_minutes_is_sent_to_sign_in_saying_why(app, manager, auth, minutes_after_nine):
    auth.login("manager@example.org")
    for minute in (29, 58):                      # each request keeps it going
        minutes_after_nine(minute)
        assert auth.client.get("/team").status_code == 200
    minutes_after_nine(88)
    response = auth.client.get("/team")
    assert sent_to_sign_in(response)
    assert sign_in_asked(response.headers["Location"])["ended"] == "idle"
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out after 30 minutes without activity. Sign in again to continue." in page
    assert auth.client.get("/team").status_code == 302


def test_a_session_ends_after_8_hours_however_active(app, manager, auth, minutes_after_nine):
    auth.login("manager@example.org")
    for minute in range(25, 8 * 60, 25):
        minutes_after_nine(minute)
        assert auth.client.get("/team").status_code == 200, minute
    minutes_after_nine(8 * 60)
    response = auth.client.get("/team")
    assert sign_in_asked(response.headers["Location"]) == {"next": "/team", "ended": "absolute"}
    page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you had been signed in for 8 hours." in page


def test_the_time_outs_are_settings(app, manager, auth, minutes_after_nine, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 1)
    auth.login("manager@example.org")
    minutes_after_nine(1)
    response = auth.client.get("/team")
    assert sign_in_asked(response.headers["Location"])["ended"] == "idle"
    assert "after 1 minute without activity" in auth.client.get(response.headers["Location"]).get_data(as_text=True)


def test_signing_in_again_returns_to_the_page(app, manager, auth, minutes_after_nine):
    auth.login("manager@example.org")
    minutes_after_nine(31)
    location = auth.client.get("/team?show=all").headers["Location"]
    token = csrf_token(auth.client.get(location).get_data(as_text=True))
    response = auth.client.post(location, data={"email": "manager@example.org", "password": PASSWORD,
                                                 "csrf_token": token})
    assert response.headers["Location"] == "/team?show=all"
    assert auth.client.get("/team?show=all").status_code == 200


def htmx_headers(page: str) -> dict:
    return {"HX-Request": "true", "HX-Current-URL": f"http://localhost{page}"}


def test_an_htmx_request_from_an_ended_session_sends_the_browser_to_sign_in_and_back(app, manager, auth,
                                                                                      minutes_after_nine):
    auth.login("manager@example.org")
    token = csrf_token(auth.client.get("/account/notifications").get_data(as_text=True))
    minutes_after_nine(45)
    response = auth.client.post("/account/notifications", data={"csrf_token": token, "notify": "off"},
                                headers=htmx_headers("/account/notifications"))
    assert response.status_code == 204 and not response.get_data()     # nothing to swap into the page
    assert sign_in_asked(response.headers["HX-Redirect"]) == {"next": "/account/notifications", "ended": "idle"}
    assert User.objects.get(email="manager@example.org").notify == "each"       # nothing changed
    token = csrf_token(auth.client.get(response.headers["HX-Redirect"]).get_data(as_text=True))
    signed_in = auth.client.post(response.headers["HX-Redirect"], data={
        "email": "manager@example.org", "password": PASSWORD, "csrf_token": token})
    assert signed_in.headers["Location"] == "/account/notifications"


def test_an_ended_session_is_sent_to_sign_in_before_its_form_is_checked(app, manager, auth, minutes_after_nine):
    """Even a form whose token has expired: the person is told to sign in, not that the form expired."""
    auth.login("manager@example.org")
    minutes_after_nine(45)
    response = auth.client.post("/account/notifications", data={"notify": "off"},
                                headers=htmx_headers("/account/notifications"))
    assert response.status_code == 204 and "HX-Redirect" in response.headers


@pytest.mark.parametrize("current, back", [
    ("http://localhost/team?show=all", "/team?show=all"),
    ("https://evil.example.org/team", None),
    ("javascript:alert(1)", None),
    ("", None),
])
def test_an_htmx_request_returns_only_to_a_page_of_this_site(client, current, back):
    response = client.get("/team", headers={"HX-Request": "true", "HX-Current-URL": current})
    assert sign_in_asked(response.headers["HX-Redirect"]).get("next") == back


def test_a_form_sent_without_htmx_from_an_ended_session_returns_to_its_page(app, manager, auth, minutes_after_nine):
    auth.login("manager@example.org")
    minutes_after_nine(45)
    response = auth.client.post("/account/notifications", data={"notify": "off"},
                                headers={"Referer": "http://localhost/account/notifications"})
    assert sign_in_asked(response.headers["Location"]) == {"next": "/account/notifications", "ended": "idle"}
