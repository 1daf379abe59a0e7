"""The second factor (TOTP) through the pages: setting it up, signing in with a code or a recovery code, replays,
a half-done sign-in expiring, the organisation requiring it for HR, turning it off. Codes are computed by pyotp at
the time the clock is stopped at."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pyotp
import pytest

from documents import LoginThrottle, Organisation, User
from services import clock
from tests.conftest import PASSWORD, csrf_token

T = dt.datetime(2026, 12, 3, 9, 0, 10, tzinfo=dt.timezone.utc)    # 10 s into a 30-second time step
STEP = dt.timedelta(seconds=30)


@pytest.fixture
def stopped():
    """The clock stopped at T; the fixture's value moves it."""
    clock.set_today(T)
    yield lambda moment: clock.set_today(moment)
    clock.set_today(None)


@pytest.fixture
def hana(make_user):
    return make_user("hana@example.org", ["hr"], hr_divisions=["Community Care"], name="Hana Hale")


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def post(client, url: str, **fields):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **fields})


def secret_on(page: str) -> str:
    return re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")


def recovery_codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)


def turn_on(client) -> tuple[str, list[str]]:
    """Set the signed-in user's second factor up at the current time: its secret and recovery codes."""
    secret = secret_on(client.get("/account/two-factor").get_data(as_text=True))
    done = post(client, "/account/two-factor", code=pyotp.TOTP(secret).at(clock.now()))
    assert done.status_code == 200, done.get_data(as_text=True)
    return secret, recovery_codes_on(done.get_data(as_text=True))


def factor_of(values: dict) -> dict:
    """What an audit entry says of the second factor (beside the login's roles and the like)."""
    return {key: values[key] for key in ("second_factor", "recovery_codes_left")}


def signed_in(client) -> bool:
    return client.get("/account/two-factor").status_code == 200


def test_setting_up_needs_a_right_code_then_shows_ten_recovery_codes_once_stored_hashed(hana, auth, stopped):
    auth.login("hana@example.org")
    page = auth.client.get("/account/two-factor").get_data(as_text=True)
    secret = secret_on(page)
    assert "<svg" in page and "QR code to scan with your authenticator app" in page
    assert secret_on(auth.client.get("/account/two-factor").get_data(as_text=True)) == secret   # kept until confirmed

    wrong = post(auth.client, "/account/two-factor", code="000000" if pyotp.TOTP(secret).at(T) != "000000" else "1")
    assert wrong.status_code == 400 and "That code is not right" in page_text(wrong)
    old = pyotp.TOTP(secret).at(T - 2 * STEP)                       # two steps back: too old
    assert post(auth.client, "/account/two-factor", code=old).status_code == 400
    assert User.objects.get(pk=hana.pk).totp_secret is None          # nothing saved

    done = post(auth.client, "/account/two-factor", code=pyotp.TOTP(secret).at(T))
    codes = recovery_codes_on(done.get_data(as_text=True))
    assert len(set(codes)) == 10 and "Shown once" in page_text(done)
    user = User.objects.get(pk=hana.pk)
    assert user.totp_secret == secret and len(user.recovery_code_hashes) == 10
    stored = " ".join(user.recovery_code_hashes)
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    entry = user.audit[-1]
    assert (entry.actor, entry.action) == ("hana@example.org", "second factor turned on")
    assert factor_of(entry.before) == {"second_factor": False, "recovery_codes_left": 0}
    assert factor_of(entry.after) == {"second_factor": True, "recovery_codes_left": 10}
    assert secret not in str(entry.to_mongo())
    again = auth.client.get("/account/two-factor").get_data(as_text=True)
    assert "10 unused recovery codes" in again and not recovery_codes_on(again)     # never shown again


def test_signing_in_asks_for_the_code_after_the_password_and_refuses_a_wrong_one(hana, auth, stopped):
    auth.login("hana@example.org")
    secret, _ = turn_on(auth.client)
    auth.logout()
    stopped(T + 4 * STEP)
    first = auth.login("hana@example.org")
    assert first.status_code == 302 and first.headers["Location"] == "/login/two-factor"
    assert not signed_in(auth.client)                                 # the password alone signs nobody in
    assert auth.client.get("/login/two-factor").status_code == 200

    wrong = post(auth.client, "/login/two-factor", code="12345")
    assert wrong.status_code == 400 and "That code is not right" in page_text(wrong)
    assert not signed_in(auth.client)
    done = post(auth.client, "/login/two-factor", code=pyotp.TOTP(secret).at(clock.now()))
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert signed_in(auth.client)


def test_a_code_used_already_in_its_time_step_is_refused(hana, auth, stopped):
    auth.login("hana@example.org")
    secret, _ = turn_on(auth.client)                                  # used the code of T's step
    auth.logout()
    auth.login("hana@example.org")
    replay = post(auth.client, "/login/two-factor", code=pyotp.TOTP(secret).at(T))
    assert replay.status_code == 400 and not signed_in(auth.client)
    stopped(T + STEP)                                                 # the next step: its code works, once
    code = pyotp.TOTP(secret).at(T + STEP)
    assert post(auth.client, "/login/two-factor", code=code).status_code == 302
    auth.logout()
    auth.login("hana@example.org")
    assert post(auth.client, "/login/two-factor", code=code).status_code == 400
    assert User.objects.get(pk=hana.pk).totp_last_step == pyotp.TOTP(secret).timecode(T + STEP)


def test_a_recovery_code_signs_in_once(hana, auth, stopped):
    auth.login("hana@example.org")
    _, codes = turn_on(auth.client)
    auth.logout()
    auth.login("hana@example.org")
    assert post(auth.client, "/login/two-factor", code=codes[3].upper().replace("-", " ")).status_code == 302
    assert signed_in(auth.client)
    user = User.objects.get(pk=hana.pk)
    assert len(user.recovery_code_hashes) == 9
    assert (user.audit[-1].action, user.audit[-1].after) == ("recovery code used", {"recovery_codes_left": 9})
    auth.logout()
    stopped(T + 20 * STEP)                                            # past the throttle's waits
    auth.login("hana@example.org")
    assert post(auth.client, "/login/two-factor", code=codes[3]).status_code == 400
    assert not signed_in(auth.client)


def test_a_half_done_sign_in_expires_after_five_minutes(hana, auth, stopped):
    auth.login("hana@example.org")
    secret, _ = turn_on(auth.client)
    auth.logout()
    auth.login("hana@example.org")
    token = csrf_token(auth.client.get("/login/two-factor").get_data(as_text=True))
    stopped(T + dt.timedelta(minutes=4, seconds=59))
    assert auth.client.get("/login/two-factor").status_code == 200
    stopped(T + dt.timedelta(minutes=5))
    late = auth.client.post("/login/two-factor", data={"csrf_token": token,
                                                       "code": pyotp.TOTP(secret).at(clock.now())})
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert not signed_in(auth.client)
    assert "Sign in with your password first" in page_text(auth.client.get("/login"))


def test_wrong_codes_are_slowed_then_locked_like_passwords(app, hana, auth, stopped):
    auth.login("hana@example.org")
    secret, _ = turn_on(auth.client)
    auth.logout()
    auth.login("hana@example.org")
    # Three wrong codes, then each must wait twice as long as the one before: after six the wait is 8 seconds
    # (measured on the server's clock), far longer than one request takes even on a busy machine.
    wrong = app.config["LOGIN_SLOW_AFTER"] + 3
    for _ in range(wrong):
        post(auth.client, "/login/two-factor", code="abcde-abcde")
    stopped(T + STEP)
    slowed = post(auth.client, "/login/two-factor", code=pyotp.TOTP(secret).at(T + STEP))
    assert slowed.status_code == 400 and "Wait" in page_text(slowed) and not signed_in(auth.client)
    assert LoginThrottle.objects.get(login="second factor:hana@example.org").attempts == wrong + 1
    assert LoginThrottle.objects(login="hana@example.org").count() == 0     # the password's own count is apart


def test_turning_it_off_asks_for_a_code_or_the_password(hana, auth, stopped):
    auth.login("hana@example.org")
    turn_on(auth.client)
    refused = post(auth.client, "/account/two-factor/off", **{"off-proof": "not my password"})
    assert refused.status_code == 400 and "Enter the code your authenticator app shows now" in page_text(refused)
    assert User.objects.get(pk=hana.pk).has_second_factor
    done = post(auth.client, "/account/two-factor/off", **{"off-proof": PASSWORD})
    assert done.status_code == 302
    user = User.objects.get(pk=hana.pk)
    assert not user.has_second_factor and user.recovery_code_hashes == []
    assert (user.audit[-1].action, factor_of(user.audit[-1].after)) == (
        "second factor turned off", {"second_factor": False, "recovery_codes_left": 0})
    auth.logout()
    assert auth.login("hana@example.org").headers["Location"] == "/"        # the password alone again


def test_new_recovery_codes_replace_the_old_ones(hana, auth, stopped):
    auth.login("hana@example.org")
    secret, old = turn_on(auth.client)
    stopped(T + STEP)
    made = post(auth.client, "/account/two-factor/recovery-codes",
                **{"renew-proof": pyotp.TOTP(secret).at(T + STEP)})
    new = recovery_codes_on(made.get_data(as_text=True))
    assert made.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert User.objects.get(pk=hana.pk).audit[-1].action == "recovery codes replaced"
    auth.logout()
    auth.login("hana@example.org")
    assert post(auth.client, "/login/two-factor", code=old[0]).status_code == 400
    stopped(T + 3 * STEP)
    assert post(auth.client, "/login/two-factor", code=new[0]).status_code == 302


def test_when_required_for_hr_an_advisor_sets_it_up_after_the_password_before_anything_else(
        make_user, hana, auth, stopped):
    make_user("ada@example.org", ["admin"], name="Ada Admin")
    auth.login("ada@example.org")
    saved = post(auth.client, "/admin/security", hr="y")
    assert saved.status_code == 302
    organisation = Organisation.current()
    assert organisation.second_factor_roles == ["hr"]
    entry = organisation.audit[-1]
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        "ada@example.org", "second factor required for roles", {"second_factor_roles": []},
        {"second_factor_roles": ["hr"]})
    auth.logout()
    assert auth.login("ada@example.org").headers["Location"] == "/"         # admins are not required here
    auth.logout()

    first = auth.login("hana@example.org")
    assert first.headers["Location"] == "/login/two-factor/setup"
    assert not signed_in(auth.client)
    assert auth.client.get("/login/two-factor").headers["Location"] == "/login/two-factor/setup"   # nowhere else
    page = auth.client.get("/login/two-factor/setup").get_data(as_text=True)
    assert "Your organisation requires a second factor for your role" in page
    secret = secret_on(page)
    assert post(auth.client, "/login/two-factor/setup", code="000001").status_code == 400
    assert not signed_in(auth.client)
    done = post(auth.client, "/login/two-factor/setup", code=pyotp.TOTP(secret).at(T))
    assert done.status_code == 200 and len(recovery_codes_on(done.get_data(as_text=True))) == 10
    assert signed_in(auth.client)
    assert User.objects.get(pk=hana.pk).totp_secret == secret


def test_only_admins_change_the_requirement(hana, auth):
    auth.login("hana@example.org")
    assert auth.client.get("/admin/security").status_code == 403


def test_an_administrator_turns_a_lost_second_factor_off_from_the_command_line(app, hana, auth, stopped):
    auth.login("hana@example.org")
    turn_on(auth.client)
    auth.logout()
    assert auth.login("hana@example.org").headers["Location"] == "/login/two-factor"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "second-factor-off", "Hana@example.org"])
    assert result.exit_code == 0 and result.stdout == "hana@example.org has no second factor now.\n"
    assert auth.client.get("/login/two-factor").headers["Location"] == "/"     # the password was enough
    assert signed_in(auth.client)
    user = User.objects.get(pk=hana.pk)
    assert not user.has_second_factor and user.audit[-1].action == "second factor turned off"
    assert user.audit[-1].actor.startswith("command by ")
    again = runner.invoke(args=["users", "second-factor-off", "hana@example.org"])
    assert again.exit_code == 1 and again.stderr.strip() == "Error: hana@example.org has no second factor."
    nobody = runner.invoke(args=["users", "second-factor-off", "nobody@example.org"])
    assert nobody.exit_code == 1 and nobody.stderr.strip() == "Error: No login for nobody@example.org."
