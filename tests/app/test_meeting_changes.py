"""Changing and cancelling an arranged meeting through the case page (issue 15, point 7), the notice a meeting
needs (5 working days at the 3rd formal meeting and hearings, points 3 and 6) and the invitation letter that is
refused once the meeting is closer than that notice."""
from __future__ import annotations

import datetime as dt
import re
import tomllib

import pytest
from icalendar import Calendar

from casework.policy import PRESETS
from documents import Case
from documents.policy import Policy
from services import clock
from services.cases.meetings import arrange_meeting
from tests.app import test_meetings
from tests.app.conftest import Auth
from tests.app.test_meetings import arrangement, associate, field_error, staged
from tests.conftest import csrf_token

DAY = dt.timedelta(days=1)
people = test_meetings.people   # the same fixture: Gus manages Bea, who manages Wes; Hana is HR
MONDAY = dt.date(2026, 12, 21)   # Christmas Day Friday 25th, Boxing Day's substitute Monday 28th


@pytest.fixture
def before_christmas():
    """The clock stands at Monday 21 December 2026: its 5th working day after is Wednesday 30 December."""
    with clock.frozen(MONDAY):
        yield MONDAY


def signed_in_again(app) -> Auth:
    """Bea on a new client: after the clock moves on, her earlier session has ended."""
    auth = Auth(app.test_client())
    auth.login("bea@example.org")
    return auth


def change_form(html: str, case: Case, meeting_id: str, on: dt.date, **overrides) -> dict:
    prefix = f"change-{meeting_id}-"
    data = {"csrf_token": csrf_token(html), "version": case.version, "on": on.isoformat(), "at_time": "11:30",
            "minutes": "60", "how": "in_person", "place": "Room 9, Example House",
            "participants-0-name": "Bea Boss", "participants-0-role": "manager",
            "participants-0-email": "bea@example.org", "participants-1-name": "Hana Hart",
            "participants-1-role": "hr", "participants-1-email": "hana@example.org", "employee_attends": "y",
            "companion_name": "", "companion_kind": ""}
    data.update(overrides)
    return {prefix + name: value for name, value in data.items()}


def cancel_form(html: str, case: Case, meeting_id: str, reason: str) -> dict:
    prefix = f"cancel-{meeting_id}-"
    return {prefix + "csrf_token": csrf_token(html), prefix + "version": case.version, prefix + "reason": reason}


def arranged(people, key: str, on: dt.date, today: dt.date, **kwargs):
    case = staged(people, key, **kwargs)
    meeting, _ = arrange_meeting(case, arrangement(on), "bea@example.org", today)
    return Case.objects.get(pk=case.pk), meeting


def ics_of(auth, case: Case, meeting_id: str):
    answer = auth.client.get(f"/cases/{case.pk}/meetings/{meeting_id}/invitation.ics")
    calendar = Calendar.from_ical(answer.data)
    [event] = calendar.walk("VEVENT")
    return str(calendar["method"]), str(event["uid"]), int(event["sequence"]), str(event["status"])


def test_a_change_re_checks_the_notice_then_is_audited_and_e_mailed_with_a_higher_sequence(
        auth, people, inbox, before_christmas):
    """Policy 8d: "a minimum of five days notice"; issue 15: a changed meeting's notice is re-checked, the change
    audited, and the attendees get the updated .ics with the same UID and a higher sequence."""
    case, meeting = arranged(people, "formal_3", MONDAY + 14 * DAY, MONDAY)
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Change the meeting" in html and "Cancel the meeting" in html
    # the change form holds the meeting as it is, its fields named after the meeting
    assert f'name="change-{meeting.id}-place" type="text" value="Room 2, Example House"' in html
    assert f'hx-post="/cases/{case.pk}/meetings/{meeting.id}/change"' in html
    url = f"/cases/{case.pk}/meetings/{meeting.id}/change"
    # Tue 29 December is the 4th working day after Mon 21 (Fri 25 and Mon 28 are bank holidays)
    short = auth.client.post(url, data=change_form(html, case, meeting.id, dt.date(2026, 12, 29)))
    assert short.status_code == 400
    assert field_error(short.get_data(as_text=True), f"change-{meeting.id}-on") == (
        "The policy asks for at least 5 working days' notice: invited on 21 December 2026, the meeting can be on "
        "30 December 2026 at the earliest.")
    assert Case.objects.get(pk=case.pk).version == case.version and inbox.messages == []

    done = auth.client.post(url, data=change_form(html, case, meeting.id, dt.date(2026, 12, 30)))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{case.pk}#flash")
    saved = Case.objects.get(pk=case.pk)
    [kept] = saved.current_stage.meetings
    assert (kept.id, kept.on, kept.at_time, kept.minutes, kept.place, kept.sequence) == (
        meeting.id, dt.date(2026, 12, 30), "11:30", 60, "Room 9, Example House", 1)
    assert [p.name for p in kept.participants] == ["Bea Boss", "Hana Hart"]
    changed = next(entry for entry in saved.audit if entry.action == "meeting changed")
    assert (changed.actor, changed.before["meeting_on"], changed.after["meeting_on"], changed.before["place"],
            changed.after["place"], changed.before["sequence"], changed.after["sequence"]) == (
        "bea@example.org", (MONDAY + 14 * DAY).isoformat(), "2026-12-30", "Room 2, Example House",
        "Room 9, Example House", 0, 1)
    assert changed.after["participants"] == ["Bea Boss (manager)", "Hana Hart (hr)"]
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == [
        "bea@example.org", "hana@example.org", "wes@example.org"]
    for _, message in inbox.messages:
        assert message["Subject"].startswith("Casebook: updated invitation: 3rd Formal Absence Review Meeting")
        [attachment] = list(message.iter_attachments())
        assert attachment.get_param("method") == "REQUEST"
        [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
        assert (str(event["uid"]), int(event["sequence"])) == (f"{meeting.id}@casebook", 1)
    assert saved.audit[-1].action == "meeting invitation e-mailed" and saved.audit[-1].after["sequence"] == 1
    assert ics_of(auth, saved, meeting.id) == ("REQUEST", f"{meeting.id}@casebook", 1, "CONFIRMED")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Meeting changed: now 30 December 2026 at 11:30. E-mailed to 3 of 3." in page


def test_someone_taken_off_the_meeting_is_sent_its_cancellation(auth, people, inbox, before_christmas):
    """RFC 5546: an attendee removed from an event is sent a CANCEL for it; those still invited the update."""
    case = staged(people, "formal_3")
    meeting, _ = arrange_meeting(case, arrangement(MONDAY + 14 * DAY, participants=[
        ("Bea Boss", "manager", "bea@example.org"), ("Hana Hart", "hr", "hana@example.org")]), "bea@example.org",
        MONDAY)
    case = Case.objects.get(pk=case.pk)
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    done = auth.client.post(f"/cases/{case.pk}/meetings/{meeting.id}/change", data=change_form(
        html, case, meeting.id, MONDAY + 14 * DAY, **{"participants-1-name": "", "participants-1-role": "",
                                                      "participants-1-email": ""}))
    assert done.status_code == 302
    methods = {recipients[0]: [part.get_param("method") for part in message.iter_attachments()]
               for recipients, message in inbox.messages}
    assert methods == {"hana@example.org": ["CANCEL"], "bea@example.org": ["REQUEST"], "wes@example.org": ["REQUEST"]}
    [hana] = inbox.to("hana@example.org")
    [event] = Calendar.from_ical(next(hana.iter_attachments()).get_content()).walk("VEVENT")
    assert (str(event["uid"]), int(event["sequence"]), str(event["status"])) == (
        f"{meeting.id}@casebook", 1, "CANCELLED")
    actions = [entry.action for entry in Case.objects.get(pk=case.pk).audit]
    assert actions[-3:] == ["meeting changed", "meeting cancellation e-mailed", "meeting invitation e-mailed"]


def test_a_change_of_place_alone_keeps_the_date_without_a_new_notice(auth, people, inbox, before_christmas):
    """A meeting already arranged with notice keeps it when only its place changes, even once it is close."""
    case, meeting = arranged(people, "formal_3", dt.date(2026, 12, 30), MONDAY)
    with clock.frozen(dt.date(2026, 12, 29)):
        auth.login("bea@example.org")
        html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
        done = auth.client.post(f"/cases/{case.pk}/meetings/{meeting.id}/change",
                                data=change_form(html, case, meeting.id, dt.date(2026, 12, 30), at_time="10:00"))
    assert done.status_code == 302
    [kept] = Case.objects.get(pk=case.pk).current_stage.meetings
    assert (kept.on, kept.place, kept.sequence) == (dt.date(2026, 12, 30), "Room 9, Example House", 1)


def test_a_cancellation_needs_a_reason_is_audited_and_e_mailed_and_another_can_be_arranged(
        app, auth, people, inbox, before_christmas):
    """Issue 15: a cancelled meeting is kept, marked cancelled with the reason in the history; the attendees get
    a cancellation (same UID, higher SEQUENCE, METHOD:CANCEL, STATUS:CANCELLED); its notes cannot be recorded."""
    case, meeting = arranged(people, "formal_3", MONDAY + 14 * DAY, MONDAY)
    associate(case, people)
    case = Case.objects.get(pk=case.pk)
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    url = f"/cases/{case.pk}/meetings/{meeting.id}/cancel"
    empty = auth.client.post(url, data=cancel_form(html, case, meeting.id, "  "), headers={"HX-Request": "true"})
    assert empty.status_code == 400
    assert field_error(empty.get_data(as_text=True), f"cancel-{meeting.id}-reason") == (
        "Say why the meeting is cancelled.")
    assert Case.objects.get(pk=case.pk).version == case.version

    done = auth.client.post(url, data=cancel_form(html, case, meeting.id, "The chair is on leave."))
    assert done.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    [kept] = saved.current_stage.meetings
    assert (kept.id, kept.cancelled, kept.cancelled_on, kept.cancelled_by, kept.cancel_reason, kept.sequence) == (
        meeting.id, True, MONDAY, "bea@example.org", "The chair is on leave.", 1)
    entry = next(entry for entry in saved.audit if entry.action == "meeting cancelled")
    assert (entry.reason, entry.before["cancelled"], entry.before["sequence"], entry.after["cancelled"],
            entry.after["sequence"]) == ("The chair is on leave.", False, 0, True, 1)
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == ["bea@example.org", "wes@example.org"]
    for _, message in inbox.messages:
        assert message["Subject"].startswith("Casebook: cancelled: 3rd Formal Absence Review Meeting")
        assert "The chair is on leave." not in message.as_string()
        [attachment] = list(message.iter_attachments())
        assert attachment.get_param("method") == "CANCEL"
        calendar = Calendar.from_ical(attachment.get_content())
        [event] = calendar.walk("VEVENT")
        assert (str(calendar["method"]), str(event["uid"]), int(event["sequence"]), str(event["status"])) == (
            "CANCEL", f"{meeting.id}@casebook", 1, "CANCELLED")
    assert saved.audit[-1].action == "meeting cancellation e-mailed"
    assert ics_of(auth, saved, meeting.id) == ("CANCEL", f"{meeting.id}@casebook", 1, "CANCELLED")

    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Cancelled</strong>" in page and "The chair is on leave." in page
    assert f"/cases/{case.pk}/meetings/{meeting.id}/change" not in page
    assert f"/cases/{case.pk}/meetings/{meeting.id}/send-invitation" not in page
    with clock.frozen(MONDAY + 20 * DAY):
        later = signed_in_again(app)
        form = later.client.get(f"/cases/{case.pk}/meetings/{meeting.id}/notes").get_data(as_text=True)
        notes = later.client.post(f"/cases/{case.pk}/meetings/{meeting.id}/notes",
                                  data={"csrf_token": csrf_token(form), "version": saved.version,
                                        "reasons": "Talked it through."})
    assert notes.status_code == 400 and "This meeting was cancelled: arrange another one instead." in (
        notes.get_data(as_text=True))
    assert not Case.objects.get(pk=case.pk).current_stage.meetings[0].held
    again = auth.client.post(url, data=cancel_form(page, saved, meeting.id, "Twice."))
    assert again.status_code == 400 and Case.objects.get(pk=case.pk).version == saved.version

    arrange_meeting(Case.objects.get(pk=case.pk), arrangement(MONDAY + 21 * DAY), "bea@example.org", MONDAY)
    assert [(m.on, bool(m.cancelled)) for m in Case.objects.get(pk=case.pk).current_stage.meetings] == [
        (MONDAY + 14 * DAY, True), (MONDAY + 21 * DAY, False)]


def test_the_invitation_letter_is_refused_once_the_meeting_is_closer_than_the_notice(app, auth, people,
                                                                                     before_christmas):
    """Issue 15, point 6: an invitation letter re-checks the notice when it is made: refused, and said beside
    the letter form's field, once the meeting is closer than the stage's notice."""
    case, meeting = arranged(people, "formal_3", dt.date(2026, 12, 30), MONDAY)
    associate(case, people)
    with clock.frozen(MONDAY + DAY):
        later = signed_in_again(app)
        html = later.client.get(f"/cases/{case.pk}").get_data(as_text=True)
        saved = Case.objects.get(pk=case.pk)
        answer = later.client.post(f"/cases/{case.pk}/letters", data={
            "csrf_token": csrf_token(html), "version": saved.version, "code": "C6", "meeting_id": meeting.id})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True).replace("&#39;", "'")
    assert ("The meeting on 30 December 2026 is now closer than the notice this stage needs, so the invitation "
            "cannot be made today. The policy asks for at least 5 working days' notice: invited on 22 December "
            "2026, the meeting can be on 31 December 2026 at the earliest. Change the meeting's date first.") in page
    assert Case.objects.get(pk=case.pk).current_stage.letters == []

    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    made = auth.client.post(f"/cases/{case.pk}/letters", data={
        "csrf_token": csrf_token(html), "version": saved.version, "code": "C6", "meeting_id": meeting.id})
    assert made.status_code == 302
    assert [letter.template for letter in Case.objects.get(pk=case.pk).current_stage.letters] == ["C6"]


@pytest.fixture
def short_notice_policy():
    """The council's policy with only 2 days' notice at the 3rd formal stage."""
    rules = tomllib.loads((PRESETS / "council-2019.toml").read_text())
    rules["key"], rules["name"] = "short-notice", "Short notice"
    [third] = [stage for stage in rules["sts"]["stages"] if stage["key"] == "formal_3"]
    third["notice_days"] = 2
    Policy(key="short-notice", revision=1, name="Short notice", rules=rules, created_by="test").save()
    return "short-notice"


def test_five_working_days_at_the_third_formal_stage_whatever_the_policy_says(
        auth, people, short_notice_policy, before_christmas):
    """Policy 8d: "given written notification of the meeting and a minimum of five days notice"; issue 15: 5
    working days at the 3rd formal stage, whatever the preset says (here 2 days)."""
    case = staged(people, "formal_3", policy=short_notice_policy)
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "The policy asks for at least 5 working days&#39; notice" in html
    data = {"csrf_token": csrf_token(html), "version": case.version, "at_time": "10:00", "minutes": "45",
            "how": "in_person", "place": "Room 2", "participants-0-name": "Bea Boss",
            "participants-0-role": "manager", "employee_attends": "y", "companion_name": "", "companion_kind": ""}
    # 2 calendar days would allow Wed 23 December; the 5th working day is Wed 30 December
    for on, status in ((dt.date(2026, 12, 23), 400), (dt.date(2026, 12, 29), 400), (dt.date(2026, 12, 30), 302)):
        answer = auth.client.post(f"/cases/{case.pk}/meetings", data={**data, "on": on.isoformat(),
                                                                      "version": Case.objects.get(pk=case.pk).version})
        assert answer.status_code == status, on
        if status == 400:
            assert re.search("the meeting can be on 30 December 2026 at the earliest",
                             field_error(answer.get_data(as_text=True), "on"))
    assert [m.on for m in Case.objects.get(pk=case.pk).current_stage.meetings] == [dt.date(2026, 12, 30)]
