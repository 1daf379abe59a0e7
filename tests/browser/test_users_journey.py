"""An administrator makes a login on the Users page, sends its set-password link, finds it by searching, and
switches it off (issue 17, point 2)."""
from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.app.mail import BASE, Inbox, free_port
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, clean_database


@pytest.fixture
def administrator(app, make_employee, make_user, monkeypatch):
    """An administrator, one employee in the hierarchy's Acute division, and a mail server taking every message."""
    clean_database()
    make_employee(assignment_number="M700", first_name="Isabella", last_name="Cook", division="Acute")
    make_user("ada@example.org", ["admin"], name="Ada Admin")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    for name, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", controller.port), ("BASE_URL", BASE),
                        ("MAIL_FROM", "casebook@trust.example.org"), ("SMTP_TIMEOUT", 5)):
        monkeypatch.setitem(app.config, name, value)
    yield inbox
    controller.stop()
    clean_database()


def test_an_administrator_makes_a_login_sends_its_link_finds_it_and_switches_it_off(page, live_server,
                                                                                   administrator, screenshot,
                                                                                   accessible):
    from documents import User
    sign_in(page, live_server, "ada@example.org", PASSWORD)
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Make a login").click()
    page.get_by_label("Name").fill("Isabella Cook")
    page.get_by_label("E-mail address").fill("i.cook@example.org")
    page.get_by_label("Manager", exact=True).check()
    page.get_by_label("Assignment number (a manager's own)").fill("M700")
    screenshot("users-01-new-login")
    accessible("the form making a login")
    page.get_by_role("button", name="Make the login").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Isabella Cook")
    expect(page.locator("#login-summary")).to_contain_text("Awaiting first sign-in")
    expect(page.locator("#login-summary")).to_contain_text("M700 (Isabella Cook)")
    page.get_by_role("button", name="Send a set-password link").click()
    expect(page.locator("#flash")).to_contain_text("the mail server took it")
    assert [message["Subject"] for message in administrator.to("i.cook@example.org")] == [
        "Casebook: choose your password"]
    screenshot("users-02-link-sent")
    accessible("a login's page after its link was sent")

    page.get_by_role("link", name="Back to users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    page.wait_for_load_state("load")  # htmx is deferred: typing before it has bound the form sends nothing
    page.get_by_label("Name or e-mail address").fill("cook")
    results = page.locator("#user-results")
    expect(results).to_contain_text("1 login matching “cook”")
    expect(results.get_by_role("link", name="Isabella Cook")).to_be_visible()
    screenshot("users-03-search")
    accessible("the users list searched")

    results.get_by_role("link", name="Isabella Cook").click()
    page.get_by_role("button", name="Switch the login off").click()
    expect(page.locator("#flash")).to_contain_text("Login switched off")
    expect(page.locator("#login-summary")).to_contain_text("Switched off")
    assert not User.objects.get(email="i.cook@example.org").active
    screenshot("users-04-switched-off")
    accessible("a login switched off, with its history")
