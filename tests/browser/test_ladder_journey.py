"""Issue 15, done when: a short-term case climbs the ladder through the pages. The trigger opens it at the absence
support meeting, which agrees an attendance target; a new absence misses the target and the scan gives the review
meeting (it moves nothing); the review meeting moves the case on to the 1st formal absence review meeting, which
gives a first written warning; "attendance improved" keeps the warning live on continued monitoring; a new absence
reaches a trigger while it is live and the scan gives the review meeting at the stage the warning puts them on;
HR then record the late appeal against the warning, upheld: the warning is withdrawn and the monitoring ends.

The whole journey runs on a stopped clock, moved forward as the case goes on (sessions end when it jumps, so the
user signs in again each time), from the Wednesday of this week so the meetings fall on working days."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from casework.absences import long_date
from services import clock
from tests.browser.conftest import SCREENS, four_occasions, sign_in, sign_out
from tests.conftest import PASSWORD, clean_database

_REAL = clock.today()
START = _REAL - dt.timedelta(days=(_REAL.weekday() - 2) % 7)    # this week's Wednesday, not after today
MISSED = START + dt.timedelta(weeks=1)         # a new absence in the review period: the target of 0 is missed
REVIEW = START + dt.timedelta(weeks=2)         # the scan gives the review meeting, held the same day
FORMAL = START + dt.timedelta(weeks=3)         # the 1st formal meeting, with 5 days' notice from REVIEW
IMPROVED = START + dt.timedelta(weeks=5)       # attendance improved: the warning stays live
AGAIN = START + dt.timedelta(weeks=6)          # a new absence while the warning is live
TRIGGERED = START + dt.timedelta(weeks=7)      # the scan: a trigger point reached; HR record the appeal


def absence(employee, day: dt.date):
    from documents import Absence
    record = Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=day,
                     last_day=day, reason_category="infections")
    record.save_checked()
    return record


@pytest.fixture
def triggered(app, make_employee, make_user):
    """Sam Support (Community Care), below Mo Manager, with four one-day absences in the 12 months to START: a case
    at the absence support meeting stage. Hana HR advises Community Care."""
    from documents import Case
    from services.triggers import scan
    clean_database()
    with clock.frozen(START):
        boss = make_employee(first_name="Mo", last_name="Manager", job_title="Team leader")
        make_user("mo@example.org", ["manager"], assignment_number=boss.assignment_number, name="Mo Manager")
        make_user("hana@example.org", ["hr"], hr_divisions=["Community Care"], name="Hana HR")
        sam = make_employee(first_name="Sam", last_name="Support", supervisor_assignment_number=boss.assignment_number)
        four_occasions(sam)
        scan(START, "test")
    case = Case.objects.get()
    assert (case.kind, case.status, case.stage) == ("STS", "open", "absence_support")
    yield case, sam
    clean_database()


def _open_case(page, live_server, case) -> None:
    page.goto(f"{live_server}/cases/{case.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Short-term sickness case")


def _associate(page) -> None:
    association = page.locator("#case-association")
    for box in association.get_by_role("checkbox").all():
        box.check()
    association.get_by_role("button", name="Associate these absences").click()
    expect(page.locator("#flash")).to_contain_text("Absences associated with the stage")


def _arrange(page, day: dt.date, first: bool) -> None:
    arrange = page.locator("#arrange-meeting")
    if not first:
        arrange.locator("summary").click()
    arrange.get_by_label("Date", exact=True).fill(day.isoformat())
    arrange.get_by_label("Time", exact=True).fill("10:00")
    arrange.get_by_label("Place, or how to join the call").fill("Room 2, Beech House")
    arrange.get_by_role("button", name="Arrange the meeting").click()
    expect(page.locator("#flash")).to_contain_text(f"Meeting arranged for {long_date(day)} at 10:00.")


def _hold(page, heading: str, notes: dict[str, str], ticks: tuple[str, ...] = ()) -> None:
    page.get_by_role("link", name=re.compile("^Record the notes")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    for label in ticks:
        page.get_by_label(label).check()
    for label, text in notes.items():
        page.get_by_label(re.compile(label)).fill(text)
    page.get_by_role("button", name="Save the notes: the meeting was held").click()
    expect(page.locator("#flash")).to_contain_text("Meeting notes saved: the meeting is marked as held.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Short-term sickness case")


def _choose(page, label: str, again: bool = True, occasions: str | None = None) -> None:
    outcome = page.locator("#outcome")
    if again:
        outcome.locator("summary", has_text="Record another outcome").click()
    outcome.get_by_label(label).check()
    if occasions is not None:
        outcome.get_by_label("No more than this many occasions of sickness absence").fill(occasions)
    outcome.get_by_role("button", name="Check the dates").click()


def _save(page, label: str) -> None:
    page.locator("#outcome-plan").get_by_role("button", name="Save the outcome").click()
    expect(page.locator("#flash")).to_contain_text(f"Outcome recorded: {label}.")


def _scan_gives_the_review(employee, absent: dt.date, day: dt.date, why: str, where: tuple[str, str]):
    """A one-day absence on `absent`, then the scan on `day`: the review meeting is due, for the manager and for
    HR, saying `why`; the case stays `where` it was (status, stage). The case as saved."""
    from documents import Case
    from services.triggers import scan
    absence(employee, absent)
    scan(day, "test")
    saved = Case.objects.get()
    assert (saved.status, saved.stage) == where
    titles = sorted(task.title for task in saved.open_tasks() if task.kind == "review_meeting")
    assert [title.split(" (")[0] for title in titles] == [f"Hold the review meeting with {employee.name}: {why}",
                                                          f"Review meeting due for {employee.name}: {why}"]
    assert titles[1].endswith("(the manager holds it)") and all("occasion" in title for title in titles)
    return saved


def _my_task(page, live_server, title: str):
    """Mo Manager signs in (the clock has moved on) and finds the task `title` once on their task list."""
    sign_in(page, live_server, "mo@example.org", PASSWORD)
    page.get_by_role("link", name=re.compile(r"^My tasks")).click()
    expect(page.get_by_role("heading", name="My tasks", level=1)).to_be_visible()
    row = page.locator("table tbody tr").filter(has_text=title)
    expect(row).to_have_count(1)
    return row


def test_the_case_climbs_the_ladder_and_the_appeal_is_upheld(page, live_server, triggered, screenshot, accessible):
    from documents import Case
    case, sam = triggered
    review_date = START + dt.timedelta(weeks=12)

    # 1. The absence support meeting agrees a target of no new occasions for 12 weeks.
    with clock.frozen(START):
        sign_in(page, live_server, "mo@example.org", PASSWORD)
        _open_case(page, live_server, case)
        expect(page.locator("#case-summary")).to_contain_text("Absence Support Meeting")
        _associate(page)
        _arrange(page, START, first=True)
        _hold(page, "Notes of the Absence Support Meeting", {r"^Support offered": "Employee assistance programme."},
              ("The concerns about their attendance were explained",))
        _choose(page, "Support agreed and a review period set", again=False, occasions="0")
        plan = page.locator("#outcome-plan")
        expect(plan).to_contain_text(f"Attendance is reviewed until {long_date(review_date)}.")
        screenshot("ladder-01-outcome-with-target")
        accessible("outcome form with target")
        _save(page, "Support agreed and a review period set")
        expect(page.locator("#outcome")).to_contain_text(
            "target: No more than 0 occasions of sickness absence in the review period")
        stage = Case.objects.get().current_stage
        assert (stage.outcome.kind, stage.outcome.target_occasions, stage.review_date) == (
            "support_agreed", 0, review_date)
        screenshot("ladder-02-support-agreed")

    # 2. A new absence in the review period misses the target: the scan gives the review meeting, nothing moves.
    with clock.frozen(REVIEW):
        _scan_gives_the_review(sam, MISSED, REVIEW, "the target was missed", ("open", "absence_support"))
        review = _my_task(page, live_server, "Hold the review meeting with Sam Support: the target was missed")
        screenshot("ladder-03-review-due")
        accessible("review due task list")

        # 3. The review meeting, held with its notes, moves the case on to the 1st formal meeting.
        review.get_by_role("link", name=re.compile("Open the short-term case")).click()
        expect(page.locator("#case-summary")).to_contain_text("Absence Support Meeting")
        _arrange(page, REVIEW, first=False)
        expect(page.locator(".cb-meeting")).to_have_count(2)
        _hold(page, "Notes of the Absence Support Meeting",
              {r"^Reasons for the absences": "A further infection in the review period."},
              ("The concerns about their attendance were explained",))
        _choose(page, "Move on to the next stage")
        expect(page.locator("#outcome-plan")).to_contain_text("1st Formal Absence Review Meeting")
        screenshot("ladder-04-move-on")
        _save(page, "Move on to the next stage")
        expect(page.locator("#case-summary")).to_contain_text("1st Formal Absence Review Meeting")
        saved = Case.objects.get()
        assert (saved.status, saved.stage) == ("open", "formal_1")
        assert not [task for task in saved.open_tasks() if task.kind == "review_meeting"]
        screenshot("ladder-05-formal-1")

        # 4. The 1st formal meeting is arranged with the policy's 5 days' notice.
        _associate(page)
        _arrange(page, FORMAL, first=True)
        expect(page.locator(".cb-meeting")).to_contain_text("Mo Manager")

    with clock.frozen(FORMAL):
        sign_in(page, live_server, "mo@example.org", PASSWORD)
        _open_case(page, live_server, case)
        _hold(page, "Notes of the 1st Formal Absence Review Meeting",
              {r"^Outcome and why": "A first written warning: a further absence in the review period."},
              ("Written notice of the meeting was given (letter C3)",))
        _choose(page, "Written warning and a review period", again=False, occasions="1")
        plan = page.locator("#outcome-plan")
        expect(plan).to_contain_text("first written warning")
        screenshot("ladder-06-warning-dates")
        _save(page, "Written warning and a review period")
        stage = Case.objects.get().current_stage
        assert (stage.key, stage.outcome.kind, stage.warning_level) == ("formal_1", "warning", "first")
        warning_until, appeal_by = stage.warning_expires_on, stage.appeal_deadline
        assert warning_until > TRIGGERED and appeal_by < TRIGGERED
        expect(page.locator("#outcome")).to_contain_text(
            f"First written warning, live until {long_date(warning_until)}")
        expect(page.locator("#appeal")).to_contain_text(f"by {long_date(appeal_by)}")
        expect(page.locator("#case-summary")).to_contain_text(       # issue 19: the top of the case says it
            f"Live warningFirst written warning, live until {long_date(warning_until)}")
        screenshot("ladder-07-warning")

    # 5. Attendance improved: the review ends, but the warning stays live and the case on continued monitoring.
    with clock.frozen(IMPROVED):
        sign_in(page, live_server, "mo@example.org", PASSWORD)
        _open_case(page, live_server, case)
        _choose(page, "Attendance improved: the review ends")
        expect(page.locator("#outcome-plan")).to_contain_text(f"stays live until {long_date(warning_until)}")
        screenshot("ladder-08-improved-plan")
        _save(page, "Attendance improved: the review ends")
        saved = Case.objects.get()
        stage = saved.current_stage
        assert (saved.status, saved.stage, stage.outcome.kind) == ("monitoring", "formal_1", "improved")
        assert (stage.warning_level, stage.warning_expires_on) == ("first", warning_until)
        assert [task.title for task in saved.open_tasks() if "C2" in task.title]
        screenshot("ladder-09-monitoring")

    # 6. A new absence while the warning is live reaches a trigger: the review meeting is due at the 1st formal.
    with clock.frozen(TRIGGERED):
        saved = _scan_gives_the_review(sam, AGAIN, TRIGGERED, "a trigger point was reached",
                                       ("monitoring", "formal_1"))
        reason = saved.audit[-1].reason
        assert reason.startswith("Review meeting due: a trigger point was reached while the first written warning "
                                 f"is live (until {long_date(warning_until)})")
        assert "the meeting decides whether to move on to 2nd Formal Absence Review Meeting" in reason
        _my_task(page, live_server, "Hold the review meeting with Sam Support: a trigger point was reached")
        screenshot("ladder-10-trigger-review-due")

        # 7. HR record the late appeal against the warning, upheld: the warning goes, and the monitoring with it.
        sign_out(page)
        sign_in(page, live_server, "hana@example.org", PASSWORD)
        _open_case(page, live_server, case)
        appeal = page.locator("#appeal")
        expect(appeal).to_contain_text(f"The outcome decided on {long_date(FORMAL)} may be appealed")
        appeal.locator("summary", has_text="Record the appeal and its decision").click()
        appeal.get_by_label("Date the written appeal was received").fill(TRIGGERED.isoformat())
        appeal.get_by_label(re.compile("^Why a late appeal is heard")).fill(
            "The employee was in hospital when the deadline passed.")
        appeal.get_by_label("Name of the person who heard the appeal").fill("Hal Higher")
        appeal.get_by_label("Their job title").fill("Head of Service")
        appeal.get_by_label("Date of the appeal meeting").fill(TRIGGERED.isoformat())
        appeal.get_by_label("Date of the appeal decision").fill(TRIGGERED.isoformat())
        appeal.get_by_label("Upheld: the decision is withdrawn").check()
        appeal.get_by_label(re.compile("^Reasons for the decision")).fill(
            "The absence in the review period was covered by an agreed adjustment.")
        screenshot("ladder-11-appeal-form")
        accessible("appeal section")
        appeal.get_by_role("button", name="Record the appeal").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
        appeal = page.locator("#appeal")
        expect(appeal).to_contain_text("heard late because: The employee was in hospital")
        expect(appeal).to_contain_text("is withdrawn: it is no longer live")
        expect(page.locator("#outcome")).to_contain_text(
            f"First written warning, live until {long_date(warning_until)}; withdrawn on appeal on "
            f"{long_date(TRIGGERED)}: it is no longer live")
        expect(page.locator("#case-summary")).to_contain_text(
            "Appeal upheld: the warning is withdrawn and continued monitoring ends")
        saved = Case.objects.get()
        stage = saved.current_stage
        assert (saved.status, saved.closed_on, saved.closed_reason) == (
            "closed", TRIGGERED, "Appeal upheld: the warning is withdrawn and continued monitoring ends")
        assert (stage.appeals[0].against, stage.appeals[0].outcome, stage.warning_expires_on) == (
            "warning", "upheld", None)
        assert stage.appeals[0].late_reason == "The employee was in hospital when the deadline passed."
        screenshot("ladder-12-appeal-upheld")

        # 8. Issue 19, point 5: the history reads as a chronology a bundle could hold, and the chronology prints.
        history = page.locator("#case-audit")
        history.locator("summary").click()
        expect(history).to_contain_text(re.compile(r"Associated \d absences?: \d+ \w{3} \d{4}"))
        expect(history).to_contain_text("Recorded the outcome: Written warning and a review period")
        expect(history).to_contain_text("Moved from Absence Support Meeting to 1st Formal Absence Review Meeting")
        expect(history).to_contain_text("Recorded the appeal: Upheld: the decision is withdrawn")
        expect(history).to_contain_text("Hana HR")
        assert not re.search(r"True|False|→|@example\.org", history.inner_text())
        history.screenshot(path=str(SCREENS / "ladder-13-history.png"))     # the history alone: the page is long
        accessible("case page with its history open")
        page.get_by_role("link", name="The case's chronology, to read or print").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Chronology of the short-term sickness case")
        events = page.locator("#chronology-events")
        expect(events).to_contain_text(f"{long_date(START)} Absence Support Meeting began")
        expect(events).to_contain_text("Outcome of 1st Formal Absence Review Meeting: Written warning")
        expect(events).to_contain_text("Appeal against the outcome of 1st Formal Absence Review Meeting: Upheld")
        expect(events.get_by_role("link", name=re.compile("^Read the notes"))).not_to_have_count(0)
        screenshot("ladder-14-chronology")
        accessible("chronology")
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot("ladder-14-chronology-390")
        accessible("chronology on a phone")
        page.set_viewport_size({"width": 1280, "height": 720})
        # printed: the menu, the way back, the footer and the links to the notes are left out; the events stay
        page.emulate_media(media="print")
        expect(page.locator(".nhsuk-header")).to_be_hidden()
        expect(page.locator(".nhsuk-back-link")).to_be_hidden()
        expect(events.get_by_role("link", name=re.compile("^Read the notes")).first).to_be_hidden()
        expect(events).to_be_visible()
        screenshot("ladder-15-chronology-print")
        printed = SCREENS / "ladder-15-chronology.pdf"     # as Chromium prints it on A4, with the print stylesheet
        page.pdf(path=str(printed), format="A4")
        assert printed.read_bytes().startswith(b"%PDF")
        page.emulate_media(media="screen")
