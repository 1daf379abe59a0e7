"""A manager types a note on a case, leaves it for more than 30 minutes and sends it: the browser goes to the
sign-in page, which says why, and after signing in comes back to the case with the note's text put back, ready to
send. Nothing was saved while the session had ended."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from services import clock
from tests.browser.conftest import four_occasions
from tests.conftest import PASSWORD, clean_database

NOTE = "Spoke to Fay on the phone: she would like the meeting on a Thursday morning."


@pytest.fixture
def open_case(app, make_employee, make_user):
    """Fay Flagged, below Mo Manager, with a case open at its first stage."""
    from documents import Case
    from services.triggers import scan
    clean_database()
    boss = make_employee(first_name="Mo", last_name="Manager", job_title="Team leader")
    make_user("mo@example.org", ["manager"], assignment_number=boss.assignment_number, name="Mo Manager")
    fay = make_employee(first_name="Fay", last_name="Flagged", supervisor_assignment_number=boss.assignment_number)
    four_occasions(fay)
    scan(clock.today(), "test")
    yield Case.objects.get()
    clean_database()


@pytest.fixture
def stopped_clock():
    """The clock stopped now; the fixture's value moves it on by some minutes."""
    start = clock.now()

    def move_on(minutes: int) -> None:
        clock.set_today(start + dt.timedelta(minutes=minutes))
    move_on(0)
    yield move_on
    clock.set_today(None)


def test_a_note_typed_before_the_session_ended_is_kept_through_signing_in(page, live_server, open_case,
                                                                          stopped_clock, screenshot, accessible):
    from documents import Case
    case_url = f"{live_server}/cases/{open_case.pk}"
    page.goto(case_url)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email address").fill("mo@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(case_url)
    notes = page.locator("#notes")
    notes.locator("summary", has_text="Add a note").click()
    notes.get_by_label("Note").fill(NOTE)

    stopped_clock(31)
    notes.get_by_role("button", name="Add the note").click()
    expect(page).to_have_url(f"{live_server}/login?next=/cases/{open_case.pk}&ended=idle")
    expect(page.get_by_role("status")).to_have_text(
        "You were signed out after 30 minutes without activity. Sign in again to continue.")
    assert Case.objects.get().notes == []
    screenshot("session-01-signed-out")
    accessible("sign-in page after the session ended")

    page.get_by_label("Email address").fill("mo@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(case_url)
    notes = page.locator("#notes")
    expect(notes.get_by_label("Note")).to_have_value(NOTE)
    expect(notes.get_by_label("Note")).to_be_focused()
    expect(notes.get_by_role("status")).to_have_text(
        "What you had typed was kept while you signed in again. Check it, then send it.")
    screenshot("session-02-note-kept")
    accessible("case page with the kept note")

    notes.get_by_role("button", name="Add the note").click()
    expect(page.locator("#flash")).to_contain_text("Note added.")
    assert [note.text for note in Case.objects.get().notes] == [NOTE]
    page.reload()
    expect(page.locator("#notes").get_by_label("Note")).to_have_value("")
