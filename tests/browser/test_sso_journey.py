"""A manager whose login the hierarchy made signs in for the first time with their organisation account: the
sign-in page's button, the provider's own sign-in page (a real OpenID Connect provider on 127.0.0.1), and back to
Casebook signed in. Then an administrator turns local passwords off, and the sign-in page offers only the
organisation account and a discreet break-glass link."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, clean_database
from tests.oidc_provider import running_provider


@pytest.fixture
def provider(app, live_server, monkeypatch):
    """A provider, and the app served at `live_server` pointed at it, for this test."""
    with running_provider() as running:
        for name, value in {**running.config(), "BASE_URL": live_server}.items():
            monkeypatch.setitem(app.config, name, value)
        clean_database()
        yield running
    clean_database()


@pytest.fixture
def offline(page):
    """The provider's page asks a CDN for its style sheet: refused at once, as this machine has no Internet."""
    page.route(re.compile(r"^https://"), lambda route: route.abort())
    return page


def test_a_manager_signs_in_with_their_organisation_account(offline, live_server, provider, make_employee,
                                                            make_user, screenshot, accessible):
    from documents import User
    page = offline
    boss = make_employee(first_name="Mo", last_name="Manager", job_title="Team leader", email="mo@trust.example")
    made = make_user("mo@trust.example", ["manager"], assignment_number=boss.assignment_number, name="Mo Manager",
                     active=False, awaiting_first_sign_in=True, made_from_hierarchy=True)
    provider.person("entra-mo", email="Mo@Trust.example", name="Mo Manager", groups=["all-staff"])

    page.goto(f"{live_server}/login")
    accessible("sign-in page with single sign-on")
    screenshot("sso-sign-in")
    page.get_by_role("link", name="Sign in with your organisation account").click()

    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.url)}/oauth2/authorize\?"))
    page.get_by_placeholder("sub").fill("entra-mo")
    screenshot("sso-provider")
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(f"{live_server}/team")          # a manager's home: their team
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    accessible("home after single sign-on")
    screenshot("sso-signed-in")
    user = User.objects.get(pk=made.pk)
    assert user.active and user.oidc_subject == "entra-mo" and user.audit[-1].actor == "single sign-on"


def test_an_administrator_turns_local_passwords_off(offline, live_server, provider, make_user, screenshot,
                                                    accessible):
    page = offline
    make_user("glass@trust.example", ["admin"], name="Break Glass")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill("glass@trust.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(f"{live_server}/admin/sign-in")
    accessible("sign-in settings")
    page.get_by_label("Only the break-glass login may use its password").check()
    page.get_by_label("Break-glass login", exact=True).select_option("glass@trust.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Local passwords are off but for the break-glass login.")).to_be_visible()
    screenshot("sso-local-passwords-off")
    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("link", name="Sign in with your organisation account")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
    accessible("sign-in page with local passwords off")
    screenshot("sso-sign-in-passwords-off")
    page.get_by_role("link", name="Break-glass sign-in for the administrator").click()
    expect(page.get_by_label("Password")).to_be_visible()
