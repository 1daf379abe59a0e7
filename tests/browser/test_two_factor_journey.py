"""An HR advisor turns a second factor on: scans the QR code (here, reads its key), confirms it with a code, keeps
the recovery codes shown once; signs out, and signs in again with the password and then a code."""
from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from playwright.sync_api import expect

from services import clock
from tests.conftest import PASSWORD, clean_database

T = dt.datetime(2026, 12, 3, 9, 0, 10, tzinfo=dt.timezone.utc)


@pytest.fixture
def hana(app, make_user):
    clean_database()
    yield make_user("hana@example.org", ["hr"], hr_divisions=["Community Care"], name="Hana Hale")
    clean_database()


@pytest.fixture
def stopped_clock():
    clock.set_today(T)
    yield lambda moment: clock.set_today(moment)
    clock.set_today(None)


def sign_in_with_password(page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill("hana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_turning_on_a_second_factor_then_signing_in_with_a_code(page, live_server, hana, stopped_clock,
                                                                 screenshot, accessible):
    from documents import User
    sign_in_with_password(page, live_server)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()     # signed in with the password alone
    page.get_by_role("link", name="Second factor").click()
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    expect(page.locator("figure.cb-qr-code svg")).to_be_visible()
    screenshot("two-factor-01-set-up")
    accessible("setting up a second factor")
    secret = page.locator("#secret").inner_text().replace(" ", "")

    page.get_by_label("Code").fill("000000" if pyotp.TOTP(secret).at(T) != "000000" else "111111")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("alert")).to_contain_text("That code is not right")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(T))
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    screenshot("two-factor-02-recovery-codes")
    accessible("recovery codes shown once")
    page.get_by_role("link", name="I have kept my recovery codes: continue").click()
    expect(page.get_by_text("unused recovery codes")).to_contain_text("You have 10 unused recovery codes")
    assert User.objects.get(email="hana@example.org").has_second_factor

    page.get_by_role("button", name="Sign out").click()
    stopped_clock(T + dt.timedelta(minutes=1))
    sign_in_with_password(page, live_server)
    expect(page).to_have_url(f"{live_server}/login/two-factor")
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    screenshot("two-factor-03-second-step")
    accessible("the second step of signing in")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(T + dt.timedelta(minutes=1)))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))                     # HR's home
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
