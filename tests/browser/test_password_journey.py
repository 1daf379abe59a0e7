"""Someone who forgot their password asks for a link on the sign-in page, reads it in their e-mail (a real SMTP
server on 127.0.0.1), chooses a new password on the link's page and signs in with it; the link then no longer
works."""
from __future__ import annotations

import re
import time
import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.app.conftest import inbox  # noqa: F401 (the fixture: a real SMTP server, the app pointed at it)
from tests.conftest import clean_database

CHOSEN = "plum kettle orbit lantern"


@pytest.fixture
def nurse_lead(make_user):
    clean_database()
    yield make_user("priya.shah@example.org", ["hr"], name="Priya Shah")
    clean_database()


def link_in_mail(inbox, address: str, timeout: float = 30) -> str:  # noqa: F811
    """The path of the link mailed to `address` (sent once the page has answered, so it may take a moment)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in inbox.to(address):
            body = message.get_body(("plain",)).get_content()
            return urllib.parse.urlsplit(re.search(r"\S+/password/\S+", body).group(0)).path
        time.sleep(0.05)
    raise AssertionError(f"no e-mail came for {address}")


def test_forgot_password_to_a_new_one_by_the_mailed_link(page, live_server, inbox, nurse_lead,  # noqa: F811
                                                          screenshot, accessible):
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    accessible("forgot your password")
    page.get_by_label("Email address").fill("priya.shah@example.org")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    screenshot("password-01-check-your-email")
    accessible("check your e-mail")

    path = link_in_mail(inbox, "priya.shah@example.org")
    page.goto(f"{live_server}{path}")
    expect(page.get_by_text("For the Casebook login priya.shah@example.org")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("iloveyou2024")
    page.get_by_label("New password again").fill("iloveyou2024")
    page.get_by_role("button", name="Save my password").click()
    expect(page.locator("#password-error")).to_contain_text("This password is too easy to guess.")
    screenshot("password-02-refused")
    accessible("choose a password, refused")

    page.get_by_label("New password", exact=True).fill(CHOSEN)
    page.get_by_label("New password again").fill(CHOSEN)
    page.get_by_role("button", name="Save my password").click()
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.get_by_text("Your password is set. Sign in with it.")).to_be_visible()
    page.get_by_label("Email address").fill("priya.shah@example.org")
    page.get_by_label("Password").fill(CHOSEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot("password-03-signed-in")

    page.goto(f"{live_server}{path}")
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    screenshot("password-04-link-used")
    accessible("a used link")
