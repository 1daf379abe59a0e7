"""An employee on long-term sickness who also reached a short-term trigger: once they are back and the
return-to-work interview is recorded, the manager confirms the return from their tasks; the long-term
case closes and the paused short-term case's tasks come back."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from services import clock
from tests.browser.conftest import four_occasions, sign_in
from tests.conftest import PASSWORD, clean_database

TODAY = clock.today()


@pytest.fixture
def back_from_long_term(app, make_employee, make_user):
    from documents import Absence, Case
    from documents.absence import ReturnToWork
    from services.triggers import scan
    clean_database()
    boss = make_employee(first_name="Bea", last_name="Boss", job_title="Ward manager")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number, name="Bea Boss")
    wes = make_employee(first_name="Wes", last_name="Walker", supervisor_assignment_number=boss.assignment_number)
    four_occasions(wes)
    long = Absence(employee=wes.pk, assignment_number=wes.assignment_number, reason_category="musculoskeletal",
                   first_day=TODAY - dt.timedelta(days=70))
    long.save_checked()
    scan(TODAY - dt.timedelta(days=30), "test")              # day 41: long-term case, and the STS case paused
    assert [(case.kind, case.paused) for case in Case.objects.order_by("kind")] == [("LTS", False), ("STS", True)]
    last = TODAY - dt.timedelta(days=7)
    Absence.objects(pk=long.pk).update_one(set__last_day=last, set__rtw=ReturnToWork(
        held_on=last + dt.timedelta(days=3), held_by="Bea Boss", declaration_confirmed=True))
    scan(TODAY, "test")                                      # back, interview recorded: the confirmation task
    yield wes
    clean_database()


def test_the_manager_confirms_the_return(page, live_server, back_from_long_term, screenshot, accessible):
    from documents import Case
    sign_in(page, live_server, "bea@example.org", PASSWORD)
    page.get_by_role("link", name=re.compile(r"^My tasks")).click()
    expect(page.get_by_role("heading", name="My tasks", level=1)).to_be_visible()
    confirm = page.locator("tr", has_text="Confirm that Wes Walker has resumed work")
    expect(confirm).to_be_visible()
    expect(page.get_by_text("Paused", exact=False)).to_have_count(0)
    screenshot("resumption-01-my-tasks")
    accessible("my tasks")

    confirm.get_by_role("link", name=re.compile("Open the long-term case")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Long-term sickness case")
    screenshot("resumption-02-long-term-case")
    accessible("long-term case")
    page.locator("#case-tasks").get_by_role("button", name=re.compile("Confirm the return")).click()
    expect(page.locator("#flash")).to_contain_text("Return confirmed")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    screenshot("resumption-03-closed")

    lts, sts = Case.objects(kind="LTS").get(), Case.objects(kind="STS").get()
    assert (lts.status, lts.closed_on) == ("closed", TODAY)
    assert (sts.paused, sts.status) == (False, "open")

    page.get_by_role("link", name=re.compile(r"^My tasks")).click()
    rows = page.locator("table tbody tr")
    expect(rows.filter(has_text="Associate the absences that reached the trigger")).to_have_count(1)
    expect(rows.filter(has_text="Confirm that Wes Walker")).to_have_count(0)
    screenshot("resumption-04-short-term-tasks-back")
    rows.filter(has_text="Associate the absences").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Short-term sickness case")
    expect(page.get_by_text("Paused while off long-term")).to_have_count(0)
    accessible("short-term case, resumed")
