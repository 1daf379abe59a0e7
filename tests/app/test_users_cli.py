"""The `users` commands (issue 17, point 1): the first administrator made from the command line with a
set-password link or a password on standard input; the list of logins; switching off and on, roles, links; each
failure a one-line reason and exit status 1; the last active administrator kept."""
from __future__ import annotations

import urllib.parse

import pytest

from documents import PasswordLink, User
from tests.app.conftest import Auth
from tests.app.mail import free_port
from tests.conftest import PASSWORD, csrf_token

CHOSEN = "plum kettle orbit lantern"


def users(app, *args: str, stdin: str | None = None):
    return app.test_cli_runner().invoke(args=["users", *args], input=stdin)


def refusal(result) -> str:
    """The one line a failed command prints (exit status 1)."""
    assert result.exit_code == 1, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: ")
    return line.removeprefix("Error: ")


def choose_by_link(client, url: str, password: str = CHOSEN):
    """Open the link's page and send its form with `password` twice."""
    path = urllib.parse.urlsplit(url).path
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return client.post(path, data={"password": password, "confirm": password,
                                   "csrf_token": csrf_token(page.get_data(as_text=True))})


def test_the_first_administrator_gets_a_link_that_works_once_then_signs_in(app, client):
    result = users(app, "create", "Ada@Trust.nhs.uk", "--name", "Ada Lovelace", "--role", "admin")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[:2] == ["Login ada@trust.nhs.uk created with the role admin.",
                         "It signs in once its password is chosen, within 24 hours, at:"]
    url = lines[-1]
    assert url.startswith(f"{app.config['BASE_URL']}/password/")
    made = User.objects.get(email="ada@trust.nhs.uk")
    assert (made.active, made.awaiting_first_sign_in, made.password_hash) == (False, True, None)
    assert url.rsplit("/", 1)[1] not in PasswordLink.objects.get(user=made.pk).secret_hash   # stored hashed

    assert Auth(client).login("ada@trust.nhs.uk", CHOSEN).status_code == 400      # no password yet
    chosen = choose_by_link(client, url)
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/login"
    assert Auth(client).login("ada@trust.nhs.uk", CHOSEN).status_code == 302
    assert client.get("/admin/organisation").status_code == 200                   # an administrator's page

    again = app.test_client().get(urllib.parse.urlsplit(url).path)
    assert again.status_code == 410 and "Forgot your password?" in again.get_data(as_text=True)


def test_a_password_on_standard_input_is_judged_by_the_policy(app, auth):
    weak = users(app, "create", "hr@trust.nhs.uk", "--name", "Priya Shah", "--role", "hr", "--password-stdin",
                 stdin="Password123!\n")
    assert refusal(weak).startswith("This password is too easy to guess. This is similar to a commonly used")
    own = users(app, "create", "hr@trust.nhs.uk", "--name", "Priya Shah", "--role", "hr", "--password-stdin",
                stdin="priya shah river gate\n")
    assert refusal(own) == "Choose a password without your name or e-mail address in it."
    assert refusal(users(app, "create", "hr@trust.nhs.uk", "--name", "Priya Shah", "--role", "hr",
                         "--password-stdin", stdin="")) == "No password on standard input."
    assert User.objects.count() == 0

    made = users(app, "create", "hr@trust.nhs.uk", "--name", "Priya Shah", "--role", "hr", "--password-stdin",
                 stdin=f"{CHOSEN}\nthe second line is not read\n")
    assert made.output == "Login hr@trust.nhs.uk created with the role hr.\n"      # no link, no prompt
    assert User.objects.get(email="hr@trust.nhs.uk").active
    assert PasswordLink.objects.count() == 0
    assert auth.login("hr@trust.nhs.uk", CHOSEN).status_code == 302


def test_set_password_reads_standard_input_too_and_ends_the_sessions(app, make_user):
    make_user("support@trust.nhs.uk", ["support"])
    done = users(app, "set-password", "support@trust.nhs.uk", "--password-stdin", stdin=f"{CHOSEN}\n")
    assert done.exit_code == 0, done.output
    user = User.objects.get(email="support@trust.nhs.uk")
    assert user.check_password(CHOSEN) and user.session_generation == 1


def test_users_list_shows_each_login_s_roles_divisions_and_state(app, make_user, make_employee):
    make_employee(division="Surgery")
    make_user("admin@trust.nhs.uk", ["admin"], name="Ada Lovelace", oidc_subject="entra-123")
    make_user("hr@trust.nhs.uk", ["hr", "support"], name="Priya Shah", hr_divisions=["Surgery", "Medicine"])
    make_user("new.manager@trust.nhs.uk", ["manager"], name="Sam Okafor", assignment_number="A1",
              active=False, awaiting_first_sign_in=True)
    make_user("leaver@trust.nhs.uk", ["hr"], name="Lee Vern", active=False)
    listing = users(app, "list")
    assert listing.exit_code == 0
    assert [line.split("  ")[0] for line in listing.output.splitlines()] == [
        "EMAIL", "admin@trust.nhs.uk", "hr@trust.nhs.uk", "leaver@trust.nhs.uk", "new.manager@trust.nhs.uk"]
    rows = {line.split()[0]: " ".join(line.split()) for line in listing.output.splitlines()}
    assert rows["EMAIL"] == "EMAIL NAME ROLES DIVISIONS STATE SSO"
    assert rows["admin@trust.nhs.uk"] == "admin@trust.nhs.uk Ada Lovelace admin - active yes"
    assert rows["hr@trust.nhs.uk"] == "hr@trust.nhs.uk Priya Shah hr,support Surgery,Medicine active no"
    assert rows["new.manager@trust.nhs.uk"] == \
        "new.manager@trust.nhs.uk Sam Okafor manager - awaiting first sign-in no"
    assert rows["leaver@trust.nhs.uk"] == "leaver@trust.nhs.uk Lee Vern hr - switched off no"


@pytest.fixture
def logins(make_user, make_employee):
    """An administrator, an HR advisor, and an employee in Surgery (so divisions are known)."""
    make_employee(division="Surgery")
    make_user("admin@trust.nhs.uk", ["admin"])
    make_user("hr@trust.nhs.uk", ["hr"], hr_divisions=["Surgery"])


@pytest.mark.parametrize("args, reason", [
    (["create", "x@trust.nhs.uk", "--name", "X", "--role", "boss"],
     "Unknown role boss: use manager, hr, support, admin, dpo."),
    (["create", "x@trust.nhs.uk", "--name", "X", "--role", "hr", "--division", "Sugery"],
     "Unknown division Sugery: use Surgery."),
    (["create", "HR@trust.nhs.uk", "--name", "X", "--role", "hr"], "A login for hr@trust.nhs.uk already exists."),
    (["create", "x@trust.nhs.uk", "--name", "X", "--role", "manager"], "A manager needs their assignment number."),
    (["set-roles", "hr@trust.nhs.uk", "--role", "hr", "--role", "root"],
     "Unknown role root: use manager, hr, support, admin, dpo."),
    (["set-roles", "hr@trust.nhs.uk", "--role", "hr", "--division", "Theatres"],
     "Unknown division Theatres: use Surgery."),
    (["set-roles", "nobody@trust.nhs.uk", "--role", "hr"], "No login for nobody@trust.nhs.uk."),
    (["disable", "nobody@trust.nhs.uk"], "No login for nobody@trust.nhs.uk."),
    (["enable", "nobody@trust.nhs.uk"], "No login for nobody@trust.nhs.uk."),
    (["send-link", "nobody@trust.nhs.uk", "--print"], "No login for nobody@trust.nhs.uk."),
    (["set-password", "nobody@trust.nhs.uk", "--password-stdin"], "No login for nobody@trust.nhs.uk."),
    (["disable", "admin@trust.nhs.uk"], "admin@trust.nhs.uk is the last active administrator: make another "
                                        "administrator first."),
    (["set-roles", "admin@trust.nhs.uk", "--role", "hr"], "admin@trust.nhs.uk is the last active administrator: "
                                                           "make another administrator first."),
])
def test_each_failure_is_one_line_with_its_reason_and_changes_nothing(app, logins, args, reason):
    before = [(user.email, user.roles, user.hr_divisions, user.active, user.version) for user in User.objects]
    assert refusal(users(app, *args, stdin=f"{CHOSEN}\n")) == reason
    assert [(user.email, user.roles, user.hr_divisions, user.active, user.version)
            for user in User.objects] == before


def test_any_division_is_taken_before_employees_are_loaded_and_the_help_says_so(app):
    made = users(app, "create", "hr@trust.nhs.uk", "--name", "Priya Shah", "--role", "hr", "--division",
                 "Surgery", "--division", "Medicine", "--password-stdin", stdin=f"{CHOSEN}\n")
    assert made.exit_code == 0, made.output
    assert User.objects.get(email="hr@trust.nhs.uk").hr_divisions == ["Surgery", "Medicine"]
    assert "before that any name is taken" in " ".join(users(app, "create", "--help").output.split())


def test_an_administrator_is_switched_off_or_loses_the_role_only_while_another_is_active(app, logins, make_user):
    make_user("second.admin@trust.nhs.uk", ["admin"], active=False, awaiting_first_sign_in=True)
    assert "last active administrator" in refusal(users(app, "disable", "admin@trust.nhs.uk"))   # awaiting: not
    assert users(app, "set-roles", "hr@trust.nhs.uk", "--role", "hr", "--role", "admin").exit_code == 0
    assert users(app, "set-roles", "admin@trust.nhs.uk", "--role", "support").exit_code == 0
    assert "last active administrator" in refusal(users(app, "disable", "hr@trust.nhs.uk"))
    assert users(app, "enable", "second.admin@trust.nhs.uk").exit_code == 0
    disabled = users(app, "disable", "hr@trust.nhs.uk")
    assert disabled.output == "hr@trust.nhs.uk can no longer sign in; every session it had has ended.\n"
    assert [entry.action for entry in User.objects.get(email="hr@trust.nhs.uk").audit] == [
        "roles changed", "login switched off"]


def test_send_link_prints_or_mails_a_new_link_and_only_the_newest_works(app, logins, inbox, client):
    printed = users(app, "send-link", "hr@trust.nhs.uk", "--print")
    assert printed.exit_code == 0, printed.output
    first = printed.output.strip().splitlines()[-1]
    mailed = users(app, "send-link", "hr@trust.nhs.uk")
    assert mailed.output == "A link, working once for 24 hours, was e-mailed to hr@trust.nhs.uk.\n"
    [message] = inbox.to("hr@trust.nhs.uk")
    body = message.get_body(("plain",)).get_content()
    newest = next(word for word in body.split() if "/password/" in word)
    assert client.get(urllib.parse.urlsplit(first).path).status_code == 410
    assert choose_by_link(client, newest).status_code == 302
    assert Auth(client).login("hr@trust.nhs.uk", CHOSEN).status_code == 302
    assert not User.objects.get(email="hr@trust.nhs.uk").check_password(PASSWORD)


def test_send_link_says_when_the_mail_server_did_not_take_it(app, logins, monkeypatch):
    port = free_port()      # nobody listens on it
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    reason = refusal(users(app, "send-link", "hr@trust.nhs.uk"))
    assert reason.startswith(f"The link was not sent: cannot use the mail server 127.0.0.1:{port}")
    assert reason.endswith("Send another, or use --print.")
