"""An HR advisor lands on their dashboard, runs the trigger scan and follows the dashboard's figures to their
lists; searches their divisions' employees and opens one; other divisions stay hidden."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in


def test_hr_journey(page, live_server, demo_organisation, screenshot, accessible):
    from documents import Employee
    sign_in(page, live_server, "hr@example.org")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    screenshot("hr-00-dashboard")
    accessible("dashboard")
    # The demo's absences have not been scanned yet: HR run the trigger scan, and the cases appear.
    page.get_by_role("link", name="Trigger scan").click()
    page.get_by_role("button", name="Apply these changes").click()
    page.get_by_role("link", name="Dashboard", exact=True).click()
    short_term = page.get_by_role("link", name=re.compile(r"^\d+ open short-term cases in all your divisions$"))
    cases = int(short_term.inner_text().split()[0])
    short_term.click()
    expect(page).to_have_url(re.compile(r"/cases\?"))
    expect(page.get_by_role("heading", level=2)).to_have_text(f"{cases} case{'' if cases == 1 else 's'}")
    screenshot("hr-00-cases")
    accessible("case list")
    page.go_back()

    outstanding = page.locator("#rtw tr", has_text="Total").get_by_role("link")
    total = int(outstanding.inner_text().split()[0])
    outstanding.click()
    expect(page).to_have_url(re.compile(r"/dashboard/rtw$"))
    expect(page.get_by_role("heading", level=2)).to_have_text(
        f"{total} interview{'' if total == 1 else 's'} outstanding")
    accessible("return-to-work interviews outstanding")

    page.get_by_role("link", name="Employees", exact=True).click()
    expect(page).to_have_url(re.compile(r"/employees$"))
    expect(page.get_by_role("heading", name="Employees", exact=True)).to_be_visible()
    screenshot("hr-01-employees")
    accessible("employees page")

    someone = Employee.objects(division="Mental Health Care").order_by("last_name").first()
    page.get_by_label("Name, assignment number or job").fill(someone.assignment_number)
    results = page.locator("#employee-results")
    expect(results.get_by_role("heading")).to_have_text(
        re.compile(rf"1 employee matching .{someone.assignment_number}"))
    expect(page).to_have_url(re.compile(rf"q={re.escape(someone.assignment_number)}"))
    screenshot("hr-02-search")
    accessible("employees page, searched")

    results.get_by_role("link", name=f"{someone.last_name}, {someone.first_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(someone.name)
    screenshot("hr-03-employee")
    accessible("employee page (HR)")

    page.goto(f"{live_server}/employees")
    page.get_by_label("Division").select_option("Community Care")
    expect(page).to_have_url(re.compile(r"division=Community"))
    divisions = set(results.locator("tbody tr td:nth-child(4)").all_inner_texts())
    assert divisions == {"Community Care"}

    hidden = Employee.objects(division="Secure Care").first()
    assert page.goto(f"{live_server}/employees/{hidden.assignment_number}").status == 404
    page.goto(f"{live_server}/employees?q={hidden.last_name}")
    assert hidden.assignment_number not in page.locator("#employee-results").inner_text()
