"""A manager signs in, opens their team and one of their people, and signs out."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_manager_journey(page, live_server, demo_organisation, screenshot, accessible):
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Sign in to Casebook")).to_be_visible()
    screenshot("manager-01-login")
    accessible("login page")

    sign_in(page, live_server, "manager@example.org")
    expect(page).to_have_url(re.compile(r"/team$"))
    expect(page.get_by_role("heading", name="My team")).to_be_visible()
    direct = page.locator("#team-members tbody tr").count()
    assert direct > 0
    expect(page.get_by_role("columnheader", name="Trigger")).to_be_visible()
    expect(page.get_by_role("columnheader", name=re.compile(r"^Absence"))).to_be_visible()
    assert page.locator("#team-members tbody tr td:last-child").count() == direct
    expect(page.locator("#team-members tbody tr").first).to_contain_text(re.compile(r"\d+ occasions?"))
    screenshot("manager-02-team")
    accessible("team page")

    page.get_by_role("link", name="Everyone below you").click()
    expect(page).to_have_url(re.compile(r"/team\?show=all$"))
    expect(page.get_by_role("heading", name=re.compile(r"Everyone below you \(\d+\)"))).to_be_visible()
    assert page.locator("#team-members tbody tr").count() >= direct
    assert page.evaluate("document.body.classList.contains('nhsuk-frontend-supported')")
    screenshot("manager-03-everyone")
    accessible("team page, everyone")

    triggered = page.locator("#team-members tbody tr", has_text="Trigger reached").first
    why = triggered.locator("details summary").first
    why.click()
    expect(triggered.locator("details p").first).to_contain_text(re.compile(r"in the 12 months to .*\(trigger: "))
    screenshot("manager-03b-why")
    accessible("team page, a trigger explained")

    page.set_viewport_size({"width": 390, "height": 844})     # issue 19: on a phone the trigger column stays in view
    cell = triggered.locator("td").last
    expect(cell).to_contain_text("Trigger reached")
    box = cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("manager-03c-team-phone")
    accessible("team page on a phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    first = triggered.locator("a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name="Absence history")).to_be_visible()
    expect(page.get_by_role("heading", name="Attendance policy")).to_be_visible()
    policy = page.locator("#attendance-policy")
    expect(policy).to_contain_text("Evaluated on")
    expect(policy.get_by_text("Trigger reached")).to_be_visible()
    expect(policy.get_by_role("heading", name="What happens next")).to_be_visible()
    expect(policy.locator("table").first).to_contain_text("counting short-term absences")   # one set: the policy's
    expect(page.locator(".cb-figures")).to_have_count(0)
    record = page.get_by_role("link", name=re.compile("^Record an absence"))
    assert record.bounding_box()["y"] + record.bounding_box()["height"] <= 900    # at the top, above the fold
    screenshot("manager-04-employee")
    accessible("employee page")
    page.set_viewport_size({"width": 390, "height": 844})
    assert record.bounding_box()["y"] + record.bounding_box()["height"] <= 844
    screenshot("manager-04b-employee-phone")
    accessible("employee page on a phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(f"{live_server}/team")
    expect(page).to_have_url(re.compile(r"/login\?next=/team"))
    screenshot("manager-05-signed-out")


def test_manager_cannot_open_someone_else_by_url(page, live_server, demo_organisation):
    from documents import Employee, User
    manager = User.objects.get(email="manager@example.org")
    outsider = Employee.objects(manager_path__ne=manager.assignment_number,
                                assignment_number__ne=manager.assignment_number).first()
    sign_in(page, live_server, "manager@example.org")
    response = page.goto(f"{live_server}/employees/{outsider.assignment_number}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert outsider.last_name not in page.content()


def test_team_works_without_javascript(browser, live_server, demo_organisation):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "manager@example.org")
        page.get_by_role("link", name="Everyone below you").click()
        expect(page).to_have_url(re.compile(r"/team\?show=all$"))
        expect(page.get_by_role("heading", name=re.compile(r"Everyone below you"))).to_be_visible()
    finally:
        context.close()
