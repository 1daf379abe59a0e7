"""Support staff import an in-flight file on /imports/inflight (UK dates, the template and the policy's stages on the
page, the employee named on each row); the manager says the migrated case's stage is wrong; support associate an
absence and fix the stage on the amend page with a reason (refused without one, the ticked absence kept); the
manager sees the corrected case with the old values in its history."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from services import clock
from tests.browser.conftest import sign_in, sign_out
from tests.conftest import PASSWORD, clean_database

TODAY = clock.today()
STARTED = TODAY - dt.timedelta(days=30)
REASON = "HR held only the absence support meeting letter: the previous system had the wrong stage."


@pytest.fixture
def people(app, make_employee, make_user):
    """Fay Flagged below Mo Manager in Community Care; a support (hierarchy) user and an administrator."""
    from services.triggers import active_policy
    clean_database()
    active_policy()
    boss = make_employee(first_name="Mo", last_name="Manager", job_title="Team leader")
    make_user("mo@example.org", ["manager"], assignment_number=boss.assignment_number, name="Mo Manager")
    fay = make_employee(first_name="Fay", last_name="Flagged", supervisor_assignment_number=boss.assignment_number)
    make_user("sam@example.org", ["support"], name="Sam Support")
    make_user("ada@example.org", ["admin"], name="Ada Admin")
    yield fay
    clean_database()




def test_a_wrong_migrated_stage_is_fixed_with_a_reason(page, live_server, people, screenshot, accessible, tmp_path):
    from documents import Absence, Case
    expires, review = STARTED + dt.timedelta(days=180), STARTED + dt.timedelta(days=84)
    inflight = tmp_path / "inflight.csv"
    inflight.write_text("assignment_number,case_type,stage,stage_started_on,warning_level,warning_expires_on,"
                        f"review_date,notes\n{people.assignment_number},STS,formal_1,{STARTED:%d/%m/%Y},first,"
                        f"{expires.day}/{expires.month}/{expires.year},{review:%d/%m/%Y},Moved from the old system\n",
                        encoding="utf-8")

    sign_in(page, live_server, "sam@example.org", PASSWORD)
    page.goto(f"{live_server}/imports/inflight")
    expect(page.get_by_role("heading", name="Import in-flight cases")).to_be_visible()
    expect(page.get_by_role("link", name="Download an empty inflight.csv")).to_be_visible()
    page.get_by_text("The columns the file needs").click()
    expect(page.get_by_role("table", name="Stages of a short-term (STS) case")).to_contain_text("formal_1")
    accessible("in-flight upload page, stages listed")
    page.locator("input[type=file]").set_input_files(str(inflight))
    page.locator("main button[type=submit]").first.click()
    expect(page.get_by_role("heading", name="Checked: nothing has been written yet")).to_be_visible(timeout=20000)
    expect(page.get_by_role("row", name=f"2 STS Fay Flagged ({people.assignment_number}) New")).to_be_visible()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("heading", name="Applied")).to_be_visible(timeout=20000)
    screenshot("migration-01-imported")
    case = Case.objects.get()
    assert (case.stage, case.current_stage.warning_level, case.migrated.confirmed_at) == ("formal_1", "first", None)
    page.get_by_role("link", name="Data fixes", exact=True).click()
    expect(page.locator("#migrated + table")).to_contain_text("Fay Flagged")
    accessible("data fixes, migrated case waiting")
    sign_out(page)

    sign_in(page, live_server, "mo@example.org", PASSWORD)
    page.goto(f"{live_server}/cases/{case.pk}")
    expect(page.get_by_role("heading", name="Migrated from the previous system")).to_be_visible()
    page.get_by_role("button", name="This stage is wrong").click()
    expect(page.locator("#flash")).to_contain_text("Flagged “wrong stage”")
    screenshot("migration-02-reported-wrong")
    sign_out(page)

    for weeks in (12, 8):     # two one-day absences of Fay's before the stage began
        day = STARTED - dt.timedelta(weeks=weeks)
        Absence(employee=people.pk, assignment_number=people.assignment_number, first_day=day, last_day=day,
                reason_category="infections").save_checked()
    sign_in(page, live_server, "sam@example.org", PASSWORD)
    page.get_by_role("link", name="Data fixes", exact=True).click()
    queue = page.locator("#wrong_stage + table")
    expect(queue).to_contain_text("Fay Flagged")
    expect(queue).to_contain_text("Mo Manager")
    screenshot("migration-03-queue")
    queue.get_by_role("link", name="Amend the case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amend Fay Flagged's short-term case")
    accessible("amend page")
    # support associate one of Fay's two absences; a later error on the stage form keeps it ticked
    boxes = page.locator("input[name=absence_ids]")
    expect(boxes).to_have_count(2)
    expect(boxes.nth(0)).not_to_be_checked()
    boxes.nth(0).check()
    page.get_by_label("Reason for the change").fill("Only the first absence was in the old system's stage.")
    page.get_by_role("button", name="Change the associated absences").click()
    expect(page.locator("#flash")).to_contain_text("The associated absences are changed")
    expect(boxes.nth(0)).to_be_checked()
    page.get_by_label("Stage", exact=True).select_option("absence_support")
    page.get_by_label("Warning", exact=True).select_option("")
    page.get_by_label("Warning expires on").fill("")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("#reason-error")).to_contain_text("Give the reason for the correction")
    assert Case.objects.get().stage == "formal_1"
    expect(boxes.nth(0)).to_be_checked()        # the other form's ticks are as saved, not reset
    expect(boxes.nth(1)).not_to_be_checked()
    screenshot("migration-04-reason-required")
    accessible("amend page, reason missing")
    page.get_by_label("Reason for the correction").fill(REASON)
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("#flash")).to_contain_text("Corrected: the case history keeps the values before and after")
    expect(page.locator("#history")).to_be_visible()
    expect(page.get_by_text("stage: formal_1 → absence_support")).to_be_visible()
    screenshot("migration-05-corrected")
    fixed = Case.objects.get()
    assert (fixed.stage, fixed.current_stage.warning_level, fixed.current_stage.warning_expires_on,
            len(fixed.stages)) == ("absence_support", None, None, 1)
    page.get_by_role("link", name="Data fixes", exact=True).click()
    page.get_by_role("link", name="upload a corrections file").click()
    expect(page.get_by_role("heading", name="Correct many cases")).to_be_visible()
    accessible("corrections page")
    sign_out(page)

    sign_in(page, live_server, "mo@example.org", PASSWORD)
    page.goto(f"{live_server}/cases/{case.pk}")
    expect(page.locator("dl").first).to_contain_text("Absence Support Meeting")
    page.get_by_text("Every change to this case").click()
    latest = page.locator("#case-audit tbody tr").first
    expect(latest).to_contain_text("Sam Support")
    expect(latest).to_contain_text("Stage corrected")
    expect(latest).to_contain_text(REASON)
    expect(latest).to_contain_text("Moved from 1st Formal Absence Review Meeting to Absence Support Meeting")
    screenshot("migration-06-manager-sees-it")
    accessible("case page, corrected")
    sign_out(page)

    sign_in(page, live_server, "ada@example.org", PASSWORD)
    page.get_by_role("link", name="Routing").click()
    expect(page.get_by_role("heading", name="Routing", level=1)).to_be_visible()
    page.get_by_label("Hierarchy administrator's e-mail address").fill("esr admin")
    page.get_by_role("button", name="Save the routing").click()
    expect(page.locator("#hierarchy_admin_email-error")).to_contain_text("Enter an e-mail address")
    screenshot("migration-07-routing")
    accessible("routing page, with an error")
