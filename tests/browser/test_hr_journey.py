"""An HR advisor lands on their dashboard, runs the trigger scan and follows the dashboard's figures to their
lists; searches their divisions' employees and opens one; other divisions stay hidden."""
from __future__ import annotations

import csv
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
    _case_list(page, live_server, screenshot, accessible)
    page.goto(f"{live_server}/dashboard")

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


def _case_list(page, live_server, screenshot, accessible):
    """Issue 19 point 4, from the dashboard's list of open short-term cases: "Cases" in HR's menu; a name search
    within the filters chosen; a bad filter value named beside its filter (focus follows the summary's link) with the
    list still shown; the CSV of every case the filters give; the page on a phone."""
    from documents import Case
    divisions = ["Community Care", "Mental Health Care"]     # Helen Marsh's
    expect(page.get_by_role("link", name="Cases", exact=True)).to_have_attribute("href", "/cases")
    expect(page.get_by_label("Kind")).to_have_value("STS")                   # the dashboard's filters, in the form
    expect(page.get_by_label("Status")).to_have_value("open")
    first = page.locator("#case-list tbody tr").first.get_by_role("link").inner_text()
    page.get_by_label("Name or assignment number").fill(first)
    page.get_by_role("button", name="Show the cases").click()
    expect(page).to_have_url(re.compile(r"q=.*kind=STS.*status=open"))
    rows = page.locator("#case-list tbody tr")
    expect(rows.first).to_contain_text(first)
    assert set(rows.get_by_role("link").all_inner_texts()) == {first}
    screenshot("hr-04-cases-searched")

    page.goto(f"{live_server}/cases?kind=STS&status=asleep")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("1 filter left out")
    expect(page.locator(".nhsuk-error-summary")).to_be_in_viewport()
    expect(page.locator("#filter-status-error")).to_contain_text("Choose open, continued monitoring or closed.")
    short_term = Case.objects(division__in=divisions, kind="STS").count()      # the list still shows, short-term
    expect(page.locator("#case-list-title")).to_have_text(f"{short_term} cases")
    screenshot("hr-05-cases-bad-filter")
    accessible("case list, a bad filter value")
    page.get_by_role("link", name="Choose open, continued monitoring or closed.").click()
    assert page.evaluate("document.activeElement.id") == "filter-status"

    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download these {short_term} cases (CSV)").click()
    with open(download.value.path(), newline="") as exported:
        table = list(csv.reader(exported))
    assert table[0][:4] == ["Employee", "Assignment number", "Kind", "Stage"] and len(table) == short_term + 1
    assert {row[2] for row in table[1:]} == {"Short-term"}

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390      # the table scrolls in its own box
    screenshot("hr-06-cases-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
