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
    page.get_by_role("link", name="Flags", exact=True).click()
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
    expect(page.locator("#flash")).to_contain_text("Flag resolved. The case history records what was done.")
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
