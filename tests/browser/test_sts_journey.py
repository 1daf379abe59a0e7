"""A manager takes a short-term case from its trigger through the association of the absences, the absence
support meeting and its notes, and the outcome with its attendance target; the review period then ends with the
target met, the trigger scan gives the manager the review meeting (it closes nothing itself), and the manager
records the improvement, which closes the case and leaves the improvement letter (C2) to make and mark as sent.
Issue 19: the case's next action is above the fold at 1280 × 900 and on a 390 px phone, and after each change the
message is in view and focused in the part of the page it concerns, with and without JavaScript."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from playwright.sync_api import expect

from casework.absences import long_date
from services import clock
from tests.browser.conftest import SCREENS, feedback_in_view, four_occasions, next_action_at, sign_in
from tests.conftest import PASSWORD, clean_database

TODAY = clock.today()
REVIEW_DATE = TODAY + dt.timedelta(weeks=12)        # council absence support meeting: a 12-week review period


@pytest.fixture
def triggered(app, make_employee, make_user):
    """Sam Support, below Mo Manager, with four one-day absences in the last 12 months: a case at the
    absence support meeting stage, with its tasks."""
    from documents import Case
    from services.triggers import scan
    clean_database()
    boss = make_employee(first_name="Mo", last_name="Manager", job_title="Team leader")
    make_user("mo@example.org", ["manager"], assignment_number=boss.assignment_number, name="Mo Manager")
    sam = make_employee(first_name="Sam", last_name="Support", supervisor_assignment_number=boss.assignment_number)
    four_occasions(sam)
    scan(TODAY, "test")
    case = Case.objects.get()
    assert (case.kind, case.status, case.stage) == ("STS", "open", "absence_support")
    yield case
    clean_database()


def test_the_manager_takes_the_case_to_its_close(page, browser, live_server, triggered, screenshot, accessible):
    from documents import Case
    from services.triggers import scan
    measured: dict = {}
    sign_in(page, live_server, "mo@example.org", PASSWORD)
    page.get_by_role("link", name=re.compile(r"^My tasks")).click()
    expect(page.get_by_role("heading", name="My tasks", level=1)).to_be_visible()
    rows = page.locator("table tbody tr")
    associate = rows.filter(has_text="Associate the absences that reached the trigger")
    expect(associate).to_have_count(1)
    expect(rows.filter(has_text="Hold the Absence Support Meeting")).to_have_count(1)
    screenshot("sts-01-my-tasks")
    accessible("my tasks")

    associate.get_by_role("link", name=re.compile("Open the short-term case")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Short-term sickness case")
    summary = page.locator("#case-summary")
    expect(summary).to_contain_text("Absence Support Meeting")
    expect(page.get_by_text("Do this first")).to_be_visible()
    tasks = page.locator("#case-tasks tbody tr")
    expect(tasks.filter(has_text="Associate the absences that reached the trigger")
           .get_by_role("link", name="Associate the absences", exact=True)).to_be_visible()
    for waiting in ("Hold the Absence Support Meeting", "Send letter C1"):
        row = tasks.filter(has_text=waiting)
        expect(row).to_contain_text("Associate the absences with this stage first")
        expect(row.get_by_role("link", name="Associate the absences first")).to_be_visible()
        expect(row.get_by_role("button")).to_have_count(0)
    next_action = page.locator("#next-action")
    expect(next_action).to_contain_text("Next: Associate the absences that reached the trigger")
    expect(page.locator("#case-summary")).to_contain_text(f"since {long_date(TODAY)}")
    measured["next action, 1280 x 900"] = wide = next_action_at(page, 1280, 900)
    assert wide["bottom"] <= 900, wide                         # the next action above the fold
    screenshot("sts-02-case-associate-first")
    accessible("case page, nothing associated")
    measured["next action, 390 x 844"] = phone = next_action_at(page, 390, 844)
    assert phone["bottom"] <= 844, phone
    screenshot("sts-02b-case-phone")
    accessible("case page on a phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    association = page.locator("#case-association")
    boxes = association.get_by_role("checkbox")
    expect(boxes).to_have_count(4)
    for box in boxes.all():
        expect(box).to_be_checked()
    associate = association.get_by_role("button", name="Associate these absences")
    associate.scroll_into_view_if_needed()
    scrolled = page.evaluate("Math.round(scrollY)")
    associate.click()
    expect(page.locator("#flash")).to_contain_text("Absences associated with the stage")
    measured["associate"] = {"scrolled before": scrolled, **feedback_in_view(page, "association")}
    expect(page.locator("#case-association")).to_contain_text("Associated by Mo Manager")
    expect(page.get_by_text("Do this first")).to_have_count(0)
    expect(page.locator("#case-tasks tbody tr").filter(has_text="Hold the Absence Support Meeting")
           .get_by_role("link", name="Record the meeting notes")).to_be_visible()
    assert len(Case.objects.get().current_stage.associated) == 4
    screenshot("sts-03-associated")

    arrange = page.locator("#arrange-meeting")
    expect(arrange).to_have_attribute("open", "")
    arrange.get_by_label("Date", exact=True).fill(TODAY.isoformat())
    arrange.get_by_label("Time", exact=True).fill("10:00")
    arrange.get_by_label("Place, or how to join the call").fill("Room 2, Beech House")
    screenshot("sts-04-arrange-meeting")
    arrange.get_by_role("button", name="Arrange the meeting").click()
    expect(page.locator("#flash")).to_contain_text(f"Meeting arranged for {long_date(TODAY)} at 10:00.")
    measured["arrange the meeting"] = feedback_in_view(page, "meetings")
    meeting = page.locator(".cb-meeting")
    expect(meeting).to_have_count(1)
    expect(meeting).to_contain_text("Arranged")
    expect(meeting).to_contain_text("Mo Manager")
    screenshot("sts-05-meeting-arranged")
    accessible("case page, meeting arranged")

    meeting.get_by_role("link", name=re.compile("^Record the notes")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notes of the Absence Support Meeting")
    expect(page.locator("#associated-absences tbody tr")).to_have_count(4)
    page.get_by_label("The employee was told this is an informal meeting").check()
    page.get_by_label("The concerns about their attendance were explained").check()
    page.get_by_label(re.compile(r"^Support offered")).fill("Employee assistance programme; flu vaccination.")
    screenshot("sts-06-meeting-notes")
    accessible("meeting notes")
    page.get_by_role("button", name="Save the notes: the meeting was held").click()
    expect(page.locator("#flash")).to_contain_text("Meeting notes saved: the meeting is marked as held.")
    measured["meeting notes"] = feedback_in_view(page, "meetings")     # a page of its own, back to #flash
    expect(page.get_by_role("heading", level=1)).to_contain_text("Short-term sickness case")
    expect(page.locator(".cb-meeting")).to_contain_text("Held")
    expect(page.locator("#case-tasks tbody tr").filter(has_text="Hold the Absence Support Meeting")).to_have_count(0)

    outcome = page.locator("#outcome")
    expect(page.locator("#outcome-form")).to_have_attribute("open", "")    # the meeting is held: its outcome is next
    outcome.get_by_label("Support agreed and a review period set").check()
    outcome.get_by_label("No more than this many occasions of sickness absence").fill("2")
    outcome.get_by_role("button", name="Check the dates").click()
    plan = page.locator("#outcome-plan")
    expect(plan).to_contain_text(f"Attendance is reviewed until {long_date(REVIEW_DATE)}.")
    expect(plan).to_contain_text("Letter C1 confirms it.")
    screenshot("sts-07-outcome-dates")
    accessible("case page, outcome dates")
    plan.get_by_role("button", name="Save the outcome").click()
    expect(page.locator("#flash")).to_contain_text("Outcome recorded: Support agreed and a review period set.")
    measured["outcome"] = feedback_in_view(page, "outcome-title")
    expect(page.locator("#case-summary")).to_contain_text(f"Review ends{long_date(REVIEW_DATE)}")
    expect(page.locator("#outcome")).to_contain_text(f"Review date{long_date(REVIEW_DATE)}")
    expect(page.locator("#case-timeline")).to_contain_text(f"review {long_date(REVIEW_DATE)}")
    stage = Case.objects.get().current_stage
    assert (stage.outcome.kind, stage.review_date) == ("support_agreed", REVIEW_DATE)
    screenshot("sts-08-outcome-saved")

    after_review = REVIEW_DATE + dt.timedelta(days=1)
    with clock.frozen(after_review):     # twelve weeks on: the session has ended, the period with it
        scan(after_review, "test")         # the target was met: a review meeting is due, nothing closes by itself
        assert Case.objects.get().status == "open"
        sign_in(page, live_server, "mo@example.org", PASSWORD)
        page.get_by_role("link", name=re.compile(r"^My tasks")).click()
        review = page.locator("table tbody tr").filter(
            has_text="Hold the review meeting with Sam Support: the target was met")
        expect(review).to_have_count(1)
        screenshot("sts-09-review-due")
        review.get_by_role("link", name=re.compile("Open the short-term case")).click()
        outcome = page.locator("#outcome")
        expect(page.locator("#outcome-form")).not_to_have_attribute("open", "")   # letter C1 is due first: folded
        page.locator("#case-tasks tbody tr").filter(has_text="Hold the review meeting").get_by_role(
            "link", name="Record the outcome").click()
        expect(page).to_have_url(re.compile(r"#outcome-form$"))
        expect(page.locator("#outcome-form")).to_have_attribute("open", "")       # the task's link unfolds it
        outcome.get_by_label("Attendance improved: the review ends").check()   # the dates come as it is chosen
        expect(page.locator("#outcome-plan")).to_contain_text("The case closes.")
        page.locator("#outcome-plan").get_by_role("button", name="Save the outcome").click()
        expect(page.locator("#flash")).to_contain_text("Outcome recorded: Attendance improved: the review ends.")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
        expect(page.locator("#case-summary")).to_contain_text(
            f"{long_date(after_review)}: Attendance improved: the review ends (letter C2)")
        case = Case.objects.get()
        assert (case.status, case.closed_on, case.closed_reason) == (
            "closed", after_review, "Attendance improved: the review ends (letter C2)")
        screenshot("sts-10-closed")
        accessible("closed case")

        page.get_by_role("link", name=re.compile(r"^My tasks")).click()
        rows = page.locator("table tbody tr")
        letter = rows.filter(has_text="Send Sam Support letter C2")
        expect(letter).to_have_count(1)
        expect(rows.filter(has_text="Send letter C1")).to_have_count(0)
        expect(rows).to_have_count(1)
        screenshot("sts-11-my-tasks-letter-c2")

        letter.get_by_role("link", name=re.compile("Open the short-term case")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
        page.locator("#case-tasks tbody tr").filter(has_text="Send Sam Support letter C2").get_by_role(
            "link", name="Make the letter").click()
        letters = page.locator("#letters")
        letters.get_by_role("button", name=re.compile("^Make the letter C2")).click()
        expect(page.locator("#flash")).to_contain_text("C2 Attendance improved: the review has ended: made.")
        measured["make the letter"] = feedback_in_view(page, "letters-title")
        made = page.locator("#flash").get_by_role("link", name=re.compile(r"^C2 Sam Support .*\.docx$"))
        expect(made).to_have_attribute("href", re.compile(r"/letters/.+/versions/1$"))
        screenshot("sts-11b-letter-made")
        letters.locator("summary", has_text="Mark as sent").click()
        letters.get_by_label("By post").check()
        letters.get_by_role("button", name=re.compile("^Mark as sent")).click()
        expect(page.locator("#flash")).to_contain_text("Letter C2 marked as sent.")
        measured["mark as sent"] = feedback_in_view(page, "letters-title")
        expect(page.locator("#case-tasks")).to_contain_text("No open tasks.")
        assert Case.objects.get().open_tasks() == []
        page.get_by_role("link", name=re.compile(r"^My tasks")).click()
        expect(page.get_by_text("Nothing to do.")).to_be_visible()
        screenshot("sts-12-letter-sent")

    measured["without JavaScript"] = notes_without_javascript(browser, live_server, str(triggered.pk), screenshot)
    (SCREENS / "sts-feedback-measures.json").write_text(json.dumps(measured, indent=1))


def notes_without_javascript(browser, live_server, case_id, screenshot) -> dict:
    """A note with JavaScript off: an empty one comes back with the problem focused in the notes; a real one is
    added, the browser following the redirect to the message (#flash), focused, in the notes."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, "mo@example.org", PASSWORD)
        page.goto(f"{live_server}/cases/{case_id}")
        notes = page.locator("#notes")
        expect(page.locator("#note-form")).not_to_have_attribute("open", "")   # not the next thing to do: folded
        notes.locator("summary", has_text="Add a note").click()
        notes.get_by_role("button", name="Add the note").click()
        expect(page.locator("#flash")).to_contain_text("Write the note.")
        expect(page.locator("#note-form")).to_have_attribute("open", "")       # sent back with its problem: open
        refused = feedback_in_view(page, "notes-title")
        notes.get_by_label("Note", exact=True).fill("Spoke to Sam: the letter went out today.")
        notes.get_by_role("button", name="Add the note").click()
        expect(page).to_have_url(re.compile(r"#flash$"))
        expect(page.locator("#flash")).to_contain_text("Note added. A note never changes the stage.")
        added = feedback_in_view(page, "notes-title")
        screenshot("sts-13-note-without-javascript")
        return {"refused": refused, "added": added}
    finally:
        context.close()
