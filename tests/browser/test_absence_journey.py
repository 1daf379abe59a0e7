"""The demo manager records an absence, keeps in touch, ends it, holds the RTW interview, and sees the history."""
from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from casework.absences import contact_due_on
from casework.calendar import WorkingPattern, is_working_day
from services import clock
from tests.browser.conftest import feedback_in_view, sign_in


def test_manager_absence_journey(page, live_server, demo_organisation, screenshot, accessible):
    from documents import Absence, Employee, User
    manager = User.objects.get(email="manager@example.org")
    today = clock.today()
    worker = next(e for e in Employee.objects(supervisor_assignment_number=manager.assignment_number,
                                              end_date=None).order_by("last_name")
                  if not Absence.objects(employee=e.pk, last_day__gte=today - dt.timedelta(days=24)).count()
                  and not Absence.objects(employee=e.pk, last_day=None).count())
    # The interview is held once they are back: on their last working day up to today, the absence ending the day
    # before (so that day is their first day back whatever their pattern, and whatever day the test runs).
    held, pattern = today, WorkingPattern.for_employee(worker)
    while not is_working_day(held, pattern):
        held -= dt.timedelta(days=1)
    last = held - dt.timedelta(days=1)
    first = last - dt.timedelta(days=9)

    sign_in(page, live_server, "manager@example.org")
    page.goto(f"{live_server}/employees/{worker.assignment_number}")
    before = page.locator("#absence-history ~ table tbody tr").count()
    page.get_by_role("link", name="Record an absence").click()
    expect(page.get_by_role("heading", name="Record an absence")).to_be_visible()
    accessible("record an absence")
    page.get_by_label("First day of absence").fill(first.isoformat())
    page.get_by_label("Reason").select_option("infections")
    page.get_by_label("Details of the illness or injury (confidential)").fill("Chest infection")
    page.get_by_role("button", name="Record absence").click()
    expect(page.get_by_text(f"Absence recorded for {worker.name}.")).to_be_visible()
    screenshot("absence-01-recorded")
    accessible("absence page")

    for day_number in (1, 4):
        page.get_by_label("Date of contact").fill(contact_due_on(first, day_number).isoformat())
        page.get_by_label("How", exact=True).select_option("phone")
        page.get_by_role("button", name="Log contact").click()
        expect(page.get_by_text(re.compile(r"Contact on .* logged\."))).to_be_visible()
        feedback_in_view(page, "contacts")             # issue 19: said in "Keeping in touch", focused, in view
    expectations = page.locator("#expectations ~ table").first
    expect(expectations.get_by_role("row", name=re.compile("Contact on day 1"))).to_contain_text("Done")
    expect(expectations.get_by_role("row", name=re.compile("Contact on day 4"))).to_contain_text("Done")
    screenshot("absence-02-contacts")

    page.get_by_role("link", name="Show the confidential medical details").click()
    expect(page.get_by_text("Chest infection")).to_be_visible()

    page.get_by_label("Last day of absence").fill(last.isoformat())
    page.get_by_role("button", name="End the absence").click()
    expect(page.get_by_text("Absence ended. The return-to-work interview is now due.")).to_be_visible()
    page.get_by_role("link", name="Record the return-to-work interview").click()
    expect(page.get_by_role("heading", name="Return-to-work interview")).to_be_visible()
    accessible("return-to-work form")
    page.get_by_label("Date of the interview").fill(held.isoformat())
    page.get_by_label("The employee has completed and signed the sickness declaration").check()
    page.get_by_label("Yes, fully fit").check()
    page.get_by_label("Support offered").fill("Reminded of the employee assistance line")
    page.get_by_role("button", name="Save the interview").click()
    expect(page.get_by_text(
        re.compile(r"Return-to-work interview recorded: held on working day \d+ back\."))).to_be_visible()
    screenshot("absence-03-rtw")
    expect(page.locator("#history ~ ul")).to_contain_text(f"return-to-work interview recorded by {manager.name}")

    page.get_by_role("link", name=f"Back to {worker.name}").click()
    rows = page.locator("#absence-history ~ table tbody tr")
    expect(rows).to_have_count(before + 1)
    expect(rows.first).to_contain_text("Infections (colds, flu)")
    expect(rows.first).to_contain_text(f"Held {held.day} {held.strftime('%b %Y')}")
    screenshot("absence-04-history")
    accessible("employee page after the absence")
