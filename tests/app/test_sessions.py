"""Sessions end on the server: a cookie copied before sign-out, a password, role or switch-off change, is sent to
sign-in afterwards; the `users` commands that make those changes."""
from __future__ import annotations

import urllib.parse

import pytest

from documents import User
from tests.app.conftest import Auth
from tests.conftest import PASSWORD

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


def test_signing_out_ends_the_login_s_sessions_in_other_browsers_too(manager, browser):
    first, second = browser(), browser()
    Auth(first).logout()
    assert sent_to_sign_in(second.get("/team"))


@pytest.mark.parametrize("command", [
    ["users", "set-roles", "manager@example.org", "manager", "hr", "--division", "Community Care"],
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
                                                "--role", "admin"], input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Login admin@example.org created with the role admin." in result.output
    assert NEW_PASSWORD not in User.objects.get(email="admin@example.org").password_hash
    assert auth.login("admin@example.org", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("args, words", [
    (["create", "x@example.org", "--name", "X", "--role", "boss"], "Unknown role boss"),
    (["create", "x@example.org", "--name", "X", "--role", "manager"], "A manager needs their assignment number."),
    (["create", "manager@example.org", "--name", "X", "--role", "hr"], "A login for manager@example.org already"),
    (["set-roles", "manager@example.org", "hr", "root"], "Unknown role root"),
    (["set-roles", "nobody@example.org", "hr"], "No login for nobody@example.org."),
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
