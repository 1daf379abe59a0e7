"""A manager flags a case "wrong stage" in one click; the HR advisor for the employee's division finds it in
the Flags queue and resolves it, and the case's history keeps what was done. HR for another division never
sees it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from casework.moments import local_time
from services import clock
from tests.browser.conftest import feedback_in_view, four_occasions, sign_in, sign_out
from tests.conftest import PASSWORD, clean_database

TODAY = clock.today()
RESOLUTION = "Checked the record: four occasions, so the absence support meeting is the right stage."


@pytest.fixture
def open_case(app, make_employee, make_user):
    """Fay Flagged, below Mo Manager in Community Care, with a case at the absence support meeting stage;
    an HR advisor for Community Care and one for Acute Medicine."""
    from documents import Case
    from services.triggers import scan
    clean_database()
    boss = make_employee(first_name="Mo", last_name="Manager", job_title="Team leader")
    make_user("mo@example.org", ["manager"], assignment_number=boss.assignment_number, name="Mo Manager")
    fay = make_employee(first_name="Fay", last_name="Flagged", supervisor_assignment_number=boss.assignment_number)
    make_user("hana@example.org", ["hr"], hr_divisions=[fay.division], name="Hana Advisor")
    make_user("otto@example.org", ["hr"], hr_divisions=["Acute Medicine"], name="Otto Elsewhere")
    four_occasions(fay)
    scan(TODAY, "test")
    case = Case.objects.get()
    assert (case.status, case.stage, case.division) == ("open", "absence_support", "Community Care")
    yield case
    clean_database()




def test_hr_resolves_a_wrong_stage_flag(page, live_server, open_case, screenshot, accessible):
    from documents import Case
    sign_in(page, live_server, "mo@example.org", PASSWORD)
    page.goto(f"{live_server}/cases/{open_case.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Short-term sickness case")
    flags = page.locator("#notes")
    expect(page.locator("#flag-form")).not_to_have_attribute("open", "")      # issue 19: folded away
    flags.locator("summary", has_text="Flag the case for HR").click()
    expect(flags.get_by_role("button", name="Flag: wrong stage")).to_be_visible()
    screenshot("flag-01-case")
    accessible("case page, before the flag")

    flags.get_by_role("button", name="Flag: wrong stage").click()
    expect(page.locator("#flash")).to_contain_text("Flagged “wrong stage”: the division's HR advisors will look at it.")
    feedback_in_view(page, "notes-title")                  # issue 19: said in the notes, focused, in view
    flags = page.locator("#notes")
    expect(flags).to_contain_text("Wrong stage raised by Mo Manager")
    expect(flags).to_contain_text("Waiting for the division's HR advisors")
    expect(flags.get_by_role("button", name="Flag: wrong stage")).to_have_count(0)
    flags.locator("summary", has_text="Flag the case for HR").click()
    expect(flags.get_by_role("button", name="Flag: not my report")).to_be_visible()
    [flag] = Case.objects.get().flags
    assert (flag.kind, flag.status, flag.raised_by, flag.stage_key) == (
        "wrong_stage", "open", "mo@example.org", "absence_support")
    screenshot("flag-02-flag-open")
    accessible("case page, flag open")
    sign_out(page)

    sign_in(page, live_server, "otto@example.org", PASSWORD)
    page.get_by_role("link", name="Flags", exact=True).click()
    expect(page.get_by_role("heading", name="Flags", level=1)).to_be_visible()
    expect(page.locator("#flags-queue")).to_contain_text("No flags are waiting.")
    expect(page.get_by_text("Fay Flagged")).to_have_count(0)
    screenshot("flag-03-other-division-queue")
    accessible("flags queue, empty")
    sign_out(page)

    sign_in(page, live_server, "hana@example.org", PASSWORD)
    # Issue 19 point 6: the flag is work in HR's "My tasks" and its badge, with a link to amend the case.
    from documents import User
    from services.reads.inbox import badge_counts
    hana = User.objects.get(email="hana@example.org")
    waiting_tasks, _ = badge_counts(hana, TODAY)
    assert any(task.kind == "resolve_flag" and task.assignee == "hr:Community Care"
               for task in Case.objects.get().open_tasks())
    tasks_link = page.get_by_role("link", name=re.compile(r"^My tasks"))
    expect(tasks_link).to_contain_text(f"{waiting_tasks} open")
    tasks_link.click()
    waiting = page.locator("tr", has_text="Resolve the “wrong stage” flag on the case")
    expect(waiting).to_have_count(1)
    expect(page.locator(".cb-task-group", has=waiting)).to_contain_text("Fay Flagged")
    screenshot("flag-04a-hr-tasks")
    accessible("My tasks with a flag waiting")
    expect(waiting.get_by_role("link", name=re.compile("^Amend the case"))).to_have_attribute(
        "href", f"/datafix/cases/{open_case.pk}")
    waiting.get_by_role("link", name=re.compile("^Resolve it in the Flags queue")).click()
    expect(page).to_have_url(re.compile(r"/hr/flags#flag-"))
    expect(page.get_by_role("heading", name="Flags", level=1)).to_be_visible()
    rows = page.locator("#flags-queue tbody tr")
    expect(rows).to_have_count(1)
    row = rows.filter(has_text="Fay Flagged")
    expect(row).to_contain_text("Wrong stage")
    expect(row).to_contain_text("Absence Support Meeting")
    expect(row).to_contain_text("Mo Manager")
    screenshot("flag-04-hr-queue")
    accessible("flags queue")

    row.get_by_label("What was done").fill(RESOLUTION)
    row.get_by_role("button", name="Resolve the flag on Fay Flagged").click()
    expect(page.locator("#flash")).to_contain_text("Flag resolved. The case history records what was done, and "
                                                   "Mo Manager, who raised it, has been told.")
    assert badge_counts(hana, TODAY)[0] == waiting_tasks - 1           # the flag's task is done
    expect(page.locator("#flags-queue")).to_contain_text("No flags are waiting.")
    [flag] = Case.objects.get().flags
    assert (flag.status, flag.resolved_by, flag.resolution) == ("resolved", "hana@example.org", RESOLUTION)
    screenshot("flag-05-resolved")

    page.goto(f"{live_server}/cases/{open_case.pk}")
    notes = page.locator("#notes")
    resolved_on = local_time(flag.resolved_at, clock.zone())        # stored in UTC, shown in London
    expect(notes).to_contain_text(f"Wrong stage: resolved by Hana Advisor on {resolved_on.day} "
                                  f"{resolved_on.strftime('%b %Y')}: {RESOLUTION}")
    expect(notes).not_to_contain_text("Waiting for the division's HR advisors")
    page.get_by_text(re.compile(r"^Every change to this case")).click()
    latest = page.locator("#case-audit tbody tr").first
    expect(latest).to_contain_text("Hana Advisor")
    expect(latest).to_contain_text("Resolved the “wrong stage” flag")
    expect(latest).to_contain_text(RESOLUTION)
    expect(latest).not_to_contain_text("→")
    screenshot("flag-06-case-history")
    accessible("case page, flag resolved")

    _the_manager_is_told_and_not_my_report_is_confirmed(page, live_server, open_case, screenshot, accessible)


def _the_manager_is_told_and_not_my_report_is_confirmed(page, live_server, case, screenshot, accessible):
    """Issue 19 point 6, the manager's side: told how the flag was resolved (a task in "My tasks", linking to the
    resolution on the case); "Not my report" on the team page asks for a comment, says what it did and can be
    withdrawn; each change is an audit entry."""
    from documents import Case, Employee
    sign_out(page)
    sign_in(page, live_server, "mo@example.org", PASSWORD)
    page.get_by_role("link", name=re.compile(r"^My tasks")).click()
    told = page.locator("tr", has_text="HR resolved your “wrong stage” flag: read what was done")
    expect(told).to_have_count(1)
    expect(told.get_by_role("link", name=re.compile("^Read what was done"))).to_have_attribute(
        "href", f"/cases/{case.pk}#flags")           # where the case page shows the resolution (checked above)
    expect(told.get_by_role("button", name=re.compile("^Read: mark complete"))).to_be_visible()
    screenshot("flag-07-manager-told")

    fay = Employee.objects.get(first_name="Fay")
    page.get_by_role("link", name="My team", exact=True).click()
    row = page.locator("#team-members tbody tr", has_text="Fay Flagged")
    row.locator(".cb-row-details > summary").click()
    confirm = row.get_by_role("button", name="Confirm: not my report (Fay Flagged)")
    expect(confirm).to_be_visible()
    confirm.click()             # no comment: asked for one, beside the field, which has the focus
    row = page.locator("#team-members tbody tr", has_text="Fay Flagged")
    expect(row.locator(".nhsuk-error-message")).to_contain_text("Say why Fay Flagged does not report to you")
    assert page.evaluate("document.activeElement.id") == f"not-my-report-{fay.assignment_number}"
    screenshot("flag-08-not-my-report-asks")
    accessible("team page, not my report asks for a comment")
    assert not [flag for flag in Case.objects.get(pk=case.pk).flags if flag.kind == "not_my_report"]
    row.get_by_label("Why does Fay Flagged not report to you?").fill("Fay moved to the Ward 9 team in May.")
    row.get_by_role("button", name="Confirm: not my report (Fay Flagged)").click()
    expect(page.locator("#flash")).to_contain_text("Fay Flagged: 1 open case flagged “not my report”.")
    row = page.locator("#team-members tbody tr", has_text="Fay Flagged")
    expect(row).to_contain_text("Flagged “not my report”: waiting for HR and the hierarchy administrator.")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(row.get_by_role("button", name=re.compile(r"^Withdraw “not my report” ?: Fay Flagged$"))).to_be_visible()
    screenshot("flag-09-not-my-report-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    row.get_by_role("button", name=re.compile(r"^Withdraw “not my report” ?: Fay Flagged$")).click()
    expect(page.locator("#flash")).to_contain_text("Fay Flagged: “not my report” withdrawn from 1 case.")
    row = page.locator("#team-members tbody tr", has_text="Fay Flagged")
    expect(row.locator(".cb-row-details > summary")).to_have_text("Not my report: Fay Flagged")
    actions = [entry.action for entry in Case.objects.get(pk=case.pk).audit]
    assert actions[-3:] == ["flag resolved: wrong stage", "flag raised: not my report", "flag withdrawn: not my report"]
