"""Meetings of a case's stage: the policy's notice, another date within 7 calendar days, notes on the stage's
checklist only once the absences are associated (marking the meeting held and completing its task, the
audit without the notes' words), case-conference confidentiality, the .ics invitation, the page section."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from casework.absences import long_date
from documents import Case, Employee
from documents.absence import MedicalRead
from documents.case import Stage
from documents.policy import policy_rules
from services import clock
from services.cases.meetings import Arrangement, arrange_meeting, invitation_file, record_notes
from services.cases.tasks import add_stage_tasks, associate_absences
from services.errors import Refused
from services.triggers import install_presets
from tests.app.mail import free_port
from tests.app.test_triggers_apply import absence
from tests.conftest import csrf_token

TODAY = clock.today()
DAY = dt.timedelta(days=1)
SECRET = "Knee surgery planned; physiotherapy twice a week"


@pytest.fixture
def people(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("people", lambda: build_people(make_employee, make_user))


def build_people(make_employee, make_user):
    """Gus manages Bea, who manages Wes; Hana is HR for their division; Sam is support."""
    gus = make_employee(first_name="Gus")
    make_user("gus@example.org", ["manager"], assignment_number=gus.assignment_number, name="Gus Grand")
    bea = make_employee(first_name="Bea", supervisor_assignment_number=gus.assignment_number)
    make_user("bea@example.org", ["manager"], assignment_number=bea.assignment_number, name="Bea Boss")
    wes = make_employee(first_name="Wes", last_name="Worker", email="wes@example.org",
                        supervisor_assignment_number=bea.assignment_number)
    make_user("hana@example.org", ["hr"], hr_divisions=[wes.division], name="Hana Hart")
    make_user("sam@example.org", ["support"], name="Sam Support")
    return Employee.objects.get(pk=wes.pk)


def staged(employee, key: str, kind: str = "STS", policy: str = "council-2019", with_absence: bool = True) -> Case:
    """A case of `policy` at stage `key` since ten days ago, with the stage's tasks and one absence to associate."""
    install_presets()
    entered = TODAY - 10 * DAY
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind=kind, policy_key=policy, policy_revision=1, stage=key,
                opened_on=entered, stages=[Stage(key=key, entered_on=entered)])
    add_stage_tasks(case, employee, policy_rules(policy, 1), entered)
    case.save_checked()
    if with_absence:
        absence(employee, TODAY - 40 * DAY, TODAY - 38 * DAY)
    return case


def associate(case: Case, employee) -> Case:
    from documents import Absence
    ids = [str(a.pk) for a in Absence.objects(employee=employee.pk)]
    return associate_absences(Case.objects.get(pk=case.pk), employee, ids, "bea@example.org", TODAY)


def arrangement(on: dt.date, **overrides) -> Arrangement:
    values = dict(on=on, at_time="10:00", minutes=45, place="Room 2, Example House", by_call=False,
                  participants=[("Bea Boss", "manager", "bea@example.org")])
    values.update(overrides)
    return Arrangement(**values)


def arrange_form(html: str, case: Case, day: dt.date, **overrides) -> dict:
    data = {"csrf_token": csrf_token(html), "version": case.version, "on": day.isoformat(), "at_time": "10:00",
            "minutes": "45", "how": "in_person", "place": "Room 2, Example House",
            "participants-0-name": "Bea Boss", "participants-0-role": "manager",
            "participants-0-email": "bea@example.org", "employee_attends": "y",
            "companion_name": "Cal Colleague", "companion_kind": "union_rep"}
    data.update(overrides)
    return data


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'id="{re.escape(field_id)}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ([^<]+)<',
                      html)
    assert match, f"no error beside {field_id}"
    return match.group(1).replace("&#39;", "'")


@pytest.mark.parametrize("policy, notice, earliest", [
    # Mon 7 Dec 2026: 5 calendar days give Sat 12th, the 5th working day (Tue 8 … Mon 14) is Monday 14 December
    ("council-2019", "5 working days'", dt.date(2026, 12, 14)),
    # 14 calendar days give Mon 21 December, after the 5th working day
    ("nhs-scotland", "14 days' (and at least 5 working days')", dt.date(2026, 12, 21)),
])
def test_too_little_notice_is_refused_beside_the_date_and_the_minimum_is_accepted(auth, people, policy, notice,
                                                                                   earliest):
    """Policy 8d: "a minimum of five days notice" for the 3rd formal meeting, as working days (issue 15)."""
    case = staged(people, "formal_3", policy=policy)
    today = dt.date(2026, 12, 7)
    with clock.frozen(today):
        auth.login("bea@example.org")
        html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
        assert f"The policy asks for at least {notice} notice" in html.replace("&#39;", "'")
        short = auth.client.post(f"/cases/{case.pk}/meetings", data=arrange_form(html, case, earliest - DAY))
        assert short.status_code == 400
        assert field_error(short.get_data(as_text=True), "on") == (
            f"The policy asks for at least {notice} notice: invited on {long_date(today)}, the meeting can be "
            f"on {long_date(earliest)} at the earliest.")
    saved = Case.objects.get(pk=case.pk)
    assert (saved.version, len(saved.current_stage.meetings), len(saved.audit)) == (case.version, 0, 0)

    # a row with its role set in advance but no name is left out
    with clock.frozen(today):
        kept = auth.client.post(f"/cases/{case.pk}/meetings", data=arrange_form(
            html, case, earliest, **{"participants-1-role": "senior_manager"}))
    assert kept.status_code == 302 and kept.headers["Location"].endswith(f"/cases/{case.pk}#flash")
    [meeting] = Case.objects.get(pk=case.pk).current_stage.meetings
    assert (meeting.kind, meeting.on, meeting.at_time, meeting.minutes, meeting.place) == (
        "formal_review", earliest, "10:00", 45, "Room 2, Example House")
    assert [(p.name, p.role, p.email) for p in meeting.participants] == [("Bea Boss", "manager", "bea@example.org")]
    assert (meeting.companion_name, meeting.companion_kind, meeting.employee_attends) == (
        "Cal Colleague", "union_rep", True)
    assert (meeting.arranged_by, meeting.arranged_on, meeting.sequence) == ("bea@example.org", today, 0)
    # the 3rd formal meeting expects a senior manager and HR: a warning, not a refusal
    with clock.frozen(today):
        follow = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "The policy expects at this meeting: Senior manager, HR advisor. Add them to the participants." in follow
    assert "Nobody is down as Senior manager, HR advisor" in follow
    entry = Case.objects.get(pk=case.pk).audit[-1]
    assert (entry.actor, entry.action, entry.before["meeting"], entry.after["meeting"], entry.after["meeting_on"]) == (
        "bea@example.org", "meeting arranged", "none",
        f"Formal absence review meeting on {long_date(earliest)} at 10:00", earliest.isoformat())


@pytest.mark.parametrize("overrides, field_id, message", [
    ({"place": ""}, "place", "Say where the meeting is (a room and building, or the employee's home)."),
    ({"companion_kind": ""}, "companion_kind", "Say whether the companion is a colleague, a trade union "
                                               "representative or a relative."),
    ({"at_time": "25:00"}, "at_time", "Enter a time of day as hours and minutes, for example 14:30."),
    ({"minutes": "5"}, "minutes", "A meeting lasts from 15 minutes to 8 hours (480 minutes)."),
    ({"participants-0-role": ""}, "participants-0-role", "Choose the role of Bea Boss."),
    ({"participants-0-email": "bea"}, "participants-0-email", "Enter an e-mail address like name@example.org."),
    ({"participants-1-email": "hr@example.org"}, "participants-1-name",
     "Enter the participant's name, or clear the row."),
    ({"participants-0-name": "", "participants-0-role": "", "participants-0-email": ""}, "participants",
     "Add who leads the meeting, at least."),
    ({"on": "2026-02-30"}, "on", "Enter a real date, for example 2026-03-27."),
    ({"on": (TODAY - DAY).isoformat()}, "on", "The meeting cannot be before the invitation."),
])
def test_bad_meeting_details_are_refused_beside_the_field(auth, people, overrides, field_id, message):
    case = staged(people, "absence_support")
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    answer = auth.client.post(f"/cases/{case.pk}/meetings", data=arrange_form(html, case, TODAY + 3 * DAY, **overrides))
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), field_id) == message
    assert Case.objects.get(pk=case.pk).current_stage.meetings == []


def test_a_call_needs_no_place_and_a_relative_comes_only_to_welfare_meetings(people):
    case = staged(people, "absence_support")
    with pytest.raises(Refused, match="the companion is a work colleague or a trade union representative"):
        arrange_meeting(case, arrangement(TODAY, companion_name="Pat", companion_kind="relative"), "bea@example.org",
                        TODAY)
    meeting, missing = arrange_meeting(case, arrangement(TODAY, place="", by_call=True), "bea@example.org", TODAY)
    assert (meeting.kind, meeting.by_call, meeting.place, missing) == ("absence_support", True, None, [])
    welfare = staged(people, "lts_welfare", kind="LTS", with_absence=False)
    meeting, _ = arrange_meeting(welfare, arrangement(TODAY, companion_name="Pat", companion_kind="relative"),
                                 "bea@example.org", TODAY)
    assert (meeting.kind, meeting.companion_kind) == ("welfare", "relative")


def test_another_date_is_accepted_up_to_seven_days_after_the_original(auth, people):
    case = staged(people, "absence_support")
    original = TODAY + 10 * DAY
    meeting, _ = arrange_meeting(case, arrangement(original), "bea@example.org", TODAY)
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    url = f"/cases/{case.pk}/meetings/{meeting.id}/another-date"
    version = Case.objects.get(pk=case.pk).version
    late = auth.client.post(url, data={"csrf_token": csrf_token(html), "version": version,
                                       "proposed_on": (original + 8 * DAY).isoformat()})
    assert late.status_code == 400
    assert field_error(late.get_data(as_text=True), f"proposed_on-{meeting.id}") == (
        "Another date can be accepted only up to 7 calendar days after the original one: "
        f"{long_date(original + 7 * DAY)} at the latest.")
    assert Case.objects.get(pk=case.pk).version == version

    moved = auth.client.post(url, data={"csrf_token": csrf_token(html), "version": version,
                                        "proposed_on": (original + 7 * DAY).isoformat(), "at_time": "14:30"})
    assert moved.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    [meeting] = saved.current_stage.meetings
    assert (meeting.on, meeting.original_on, meeting.proposed_on, meeting.at_time, meeting.sequence) == (
        original + 7 * DAY, original, original + 7 * DAY, "14:30", 1)
    entry = saved.audit[-1]
    assert (entry.action, entry.reason, entry.before["meeting_on"], entry.after["meeting_on"],
            entry.after["sequence"]) == ("meeting moved", "The employee proposed another date.", original.isoformat(),
                                         (original + 7 * DAY).isoformat(), 1)
    # the 7 days count from the original date, not from the date it moved to
    again = auth.client.post(url, data={"csrf_token": csrf_token(html), "version": saved.version,
                                        "proposed_on": (original + 8 * DAY).isoformat()})
    assert again.status_code == 400 and Case.objects.get(pk=case.pk).version == saved.version
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert f"Moved at the employee's request from {long_date(original)}" in page


def test_notes_wait_for_the_association_then_mark_the_meeting_held(auth, people):
    case = staged(people, "absence_support")
    meeting, _ = arrange_meeting(case, arrangement(TODAY), "bea@example.org", TODAY)
    url = f"/cases/{case.pk}/meetings/{meeting.id}/notes"
    auth.login("bea@example.org")
    page = auth.client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Associate the absences first" in html and 'name="reasons"' not in html
    version = Case.objects.get(pk=case.pk).version
    refused = auth.client.post(url, data={"csrf_token": csrf_token(html), "version": version, "reasons": "Colds"})
    assert refused.status_code == 400
    assert "Associate the absences with this stage first" in refused.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).version == version

    associate(case, people)
    html = auth.client.get(url).get_data(as_text=True)
    first, last = TODAY - 40 * DAY, TODAY - 38 * DAY
    # the meeting named as pages write a stage, and the checklist's code explained where it is shown (issue 19,
    # point 10)
    assert "Notes of the Absence Support Meeting" in html and "(checklist A4)" in html
    assert ("A4 is the policy's checklist for the Absence Support Meeting (Informal): the points below follow it."
            in html.replace("&#39;", "'"))
    assert f"<td>{long_date(first)}</td><td>{long_date(last)}</td>" in html     # the read-only summary
    working = Case.objects.get(pk=case.pk).current_stage.associated[0].working_days
    prefilled = f"{long_date(first)} to {long_date(last)}: {working} working day{'' if working == 1 else 's'} lost"
    assert prefilled in html
    saved = auth.client.post(url, data={
        "csrf_token": csrf_token(html), "version": Case.objects.get(pk=case.pk).version,
        "absence_record": prefilled, "reasons": SECRET, "concerns_explained": "y", "target": "No more than 2 occasions",
        "review_period": "12 weeks"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#flash")
    case = Case.objects.get(pk=case.pk)
    [meeting] = case.current_stage.meetings
    assert (meeting.held, meeting.held_on, meeting.notes_by) == (True, TODAY, "bea@example.org")
    assert (meeting.notes["reasons"], meeting.notes["concerns_explained"], meeting.notes["informal_explained"],
            meeting.notes["target"]) == (SECRET, True, False, "No more than 2 occasions")
    hold = next(task for task in case.tasks if task.kind == "hold_meeting")
    assert (hold.status, hold.completed_by) == ("done", "bea@example.org")
    entry = case.audit[-1]
    assert (entry.action, entry.after["notes"], entry.after["meeting_held"], entry.after["tasks_completed"]) == (
        "meeting notes saved", "saved", True, [hold.title])
    assert all(SECRET not in str(e.to_mongo()) for e in case.audit)
    assert SECRET not in auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    reread = auth.client.get(url).get_data(as_text=True)
    assert SECRET in reread and "Update the notes" in reread
    assert [(r.reader, r.where) for r in MedicalRead.objects(assignment_number=people.assignment_number)] == [
        ("bea@example.org", "meeting notes page")]


def test_notes_of_a_meeting_still_to_come_are_refused(people):
    case = staged(people, "absence_support")
    meeting, _ = arrange_meeting(case, arrangement(TODAY + 2 * DAY), "bea@example.org", TODAY)
    case = associate(case, people)
    with pytest.raises(Refused) as refused:
        record_notes(case, meeting.id, {"reasons": "x"}, "bea@example.org", TODAY)
    assert str(refused.value) == (f"The meeting is on {long_date(TODAY + 2 * DAY)}: record its notes once it has "
                                  "been held.")
    with pytest.raises(Refused, match="tick or fill in at least one point"):
        record_notes(case, meeting.id, {}, "bea@example.org", TODAY + 2 * DAY)


def test_case_conference_notes_are_for_its_participants_hr_and_admins(auth, people, make_user):
    case = staged(people, "lts_case_conference", kind="LTS")
    make_user("ada@example.org", ["admin"], name="Ada Admin")
    meeting, missing = arrange_meeting(case, arrangement(TODAY, employee_attends=False, participants=[
        ("Bea Boss", "manager", "bea@example.org"), ("Dr Oz", "oh", "oz@example.org")]), "bea@example.org", TODAY)
    assert missing == ["HR advisor"]
    record_notes(associate(case, people), meeting.id, {"medical_advice": SECRET}, "bea@example.org", TODAY)
    url = f"/cases/{case.pk}/meetings/{meeting.id}/notes"
    for login, status in (("bea@example.org", 200), ("hana@example.org", 200), ("ada@example.org", 200),
                          ("gus@example.org", 403), ("sam@example.org", 403)):
        auth.login(login)
        answer = auth.client.get(url)
        assert answer.status_code == status, login
        body = answer.get_data(as_text=True)
        assert (SECRET in body) == (status == 200), login
        if status == 200:   # the case conference's notes form is Casebook's own: no policy code to explain
            assert "<h1>Notes of the Case Conference</h1>" in body and "checklist CC" not in body
        if login == "gus@example.org":
            assert "Notes are confidential to the participants, HR and administrators." in body
            page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
            assert "Notes are confidential to the participants, HR and administrators." in page
            assert url not in page
            refused = auth.client.post(url, data={"csrf_token": csrf_token(page), "version": case.version,
                                                  "medical_advice": "overwritten"})
            assert refused.status_code == 403
        auth.logout()
    saved = Case.objects.get(pk=case.pk)
    assert saved.current_stage.meetings[0].notes["medical_advice"] == SECRET
    assert all(SECRET not in str(e.to_mongo()) for e in saved.audit)


def test_the_invitation_downloads_as_ics_with_the_people_invited(auth, people):
    case = staged(people, "formal_1")
    meeting, _ = arrange_meeting(case, arrangement(TODAY + 6 * DAY, participants=[
        ("Bea Boss", "manager", "bea@example.org"), ("Hana Hart", "hr", "hana@example.org"),
        ("Nell Notes", "other", "")]), "bea@example.org", TODAY)
    auth.login("hana@example.org")
    answer = auth.client.get(f"/cases/{case.pk}/meetings/{meeting.id}/invitation.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    assert answer.headers["Content-Disposition"] == (
        f'attachment; filename="meeting-{(TODAY + 6 * DAY).isoformat()}.ics"')
    [event] = Calendar.from_ical(answer.data).walk("VEVENT")
    assert (str(event["uid"]), int(event["sequence"])) == (f"{meeting.id}@casebook", 0)
    assert f"DTSTART;TZID=Europe/London:{(TODAY + 6 * DAY):%Y%m%d}T100000".encode() in answer.data
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=45)
    assert str(event["summary"]) == "1st Formal Absence Review Meeting: Wes Worker"
    assert str(event["organizer"]) == "mailto:bea@example.org" and event["organizer"].params["cn"] == "Bea Boss"
    assert [str(a) for a in event["attendee"]] == ["mailto:bea@example.org", "mailto:hana@example.org",
                                                   "mailto:wes@example.org"]
    assert "Companion" not in str(event["description"]) and "Nell Notes (Other)" in str(event["description"])
    assert invitation_file(case, meeting, people).count(b"BEGIN:VEVENT") == 1
    assert auth.client.get(f"/cases/{case.pk}/meetings/nope/invitation.ics").status_code == 404


def test_the_case_page_shows_the_meetings_section(auth, people):
    case = staged(people, "formal_2")
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'id="meetings"' in html and "No meeting arranged for this stage yet." in html
    assert "Participants (the policy expects: Line manager, HR advisor)" in html
    assert 'name="participants-0-role"' in html and 'value="bea@example.org"' in html
    answer = auth.client.post(f"/cases/{case.pk}/meetings", headers={"HX-Request": "true"}, follow_redirects=True,
                              data=arrange_form(html, case, TODAY + 5 * DAY, **{
                                  "participants-1-name": "Hana Hart", "participants-1-role": "hr"}))
    html = answer.get_data(as_text=True)
    [meeting] = Case.objects.get(pk=case.pk).current_stage.meetings
    assert answer.status_code == 200 and 'id="case-page"' in html
    assert f"Meeting arranged for {long_date(TODAY + 5 * DAY)} at 10:00." in html
    assert "2nd Formal Absence Review Meeting\n" in html and "Arranged" in html
    assert ('Record the notes<span class="nhsuk-u-visually-hidden"> of the 2nd Formal Absence Review Meeting on'
            in html)
    assert "Bea Boss (Line manager)" in html and "Hana Hart (HR advisor)" in html
    assert "with Cal Colleague (trade union representative)" in html and "Nobody is down as" not in html
    assert f"/cases/{case.pk}/meetings/{meeting.id}/notes" in html
    assert f"/cases/{case.pk}/meetings/{meeting.id}/invitation.ics" in html


def test_support_may_not_arrange_a_meeting(auth, people):
    case = staged(people, "absence_support")
    auth.login("sam@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert auth.client.post(f"/cases/{case.pk}/meetings",
                            data=arrange_form(html, case, TODAY)).status_code == 403
    assert "Arrange the meeting" not in html


def test_the_invitation_is_e_mailed_with_the_ics_attached(app, auth, people, inbox):
    case = staged(people, "formal_1")
    meeting, _ = arrange_meeting(case, arrangement(TODAY + 6 * DAY, participants=[
        ("Bea Boss", "manager", "bea@example.org"), ("Hana Hart", "hr", "hana@example.org")]), "bea@example.org",
        TODAY)
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "E-mail the invitation" in html
    saved = Case.objects.get(pk=case.pk)
    answer = auth.client.post(f"/cases/{case.pk}/meetings/{meeting.id}/send-invitation",
                              data={"csrf_token": csrf_token(html), "version": saved.version})
    assert answer.status_code == 302
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == [
        "bea@example.org", "hana@example.org", "wes@example.org"]
    for _, message in inbox.messages:
        [attachment] = [part for part in message.iter_attachments()]
        assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "REQUEST"
        [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
        assert str(event["uid"]) == f"{meeting.id}@casebook"
        assert SECRET not in message.as_string()
    entry = Case.objects.get(pk=case.pk).audit[-1]
    assert (entry.action, sorted(entry.after["sent_to"]), entry.after["to_retry"]) == (
        "meeting invitation e-mailed", ["bea@example.org", "hana@example.org", "wes@example.org"], [])
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Invitation e-mailed to 3 of 3." in page


def test_an_invitation_that_cannot_be_sent_now_is_kept_for_the_next_run(app, auth, people, inbox, monkeypatch):
    from documents import Notification
    case = staged(people, "formal_1")
    meeting, _ = arrange_meeting(case, arrangement(TODAY + 6 * DAY), "bea@example.org", TODAY)
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())      # nobody listens there
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    saved = Case.objects.get(pk=case.pk)
    auth.client.post(f"/cases/{case.pk}/meetings/{meeting.id}/send-invitation",
                     data={"csrf_token": csrf_token(html), "version": saved.version})
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Invitation e-mailed to 0 of 2. Not sent yet to bea@example.org, wes@example.org" in page
    assert sorted(n.recipient for n in Notification.objects(kind="invitation", status="failed")) == [
        "bea@example.org", "wes@example.org"]
    assert inbox.messages == []


@pytest.mark.parametrize("field, value", [
    ("participants-0-name", "Bea Boss\r\nBcc: everyone@example.net"), ("participants-0-name", "Bea\nBoss"),
    ("participants-0-name", "Bea\u2028Boss"), ("participants-0-name", "Bea\u202eBoss"),
    ("participants-0-name", "Bea\x00Boss"), ("companion_name", "Cal\r\nColleague"), ("place", "Room 2\r\nBcc: x@y.z")])
def test_a_name_or_place_with_a_line_break_is_refused_beside_it(auth, people, field, value):
    case = staged(people, "formal_1")
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    refused = auth.client.post(f"/cases/{case.pk}/meetings", data=arrange_form(html, case, TODAY + 6 * DAY,
                                                                               **{field: value}))
    assert refused.status_code == 400
    assert field_error(refused.get_data(as_text=True), field) == (
        "Write this on one line, without line breaks, tabs or control characters.")
    assert Case.objects.get(pk=case.pk).current_stage.meetings == []


def test_the_service_refuses_a_participant_name_with_a_line_break_too(people):
    case = staged(people, "formal_1")
    with pytest.raises(Refused) as refused:
        arrange_meeting(case, arrangement(TODAY + 6 * DAY, participants=[("Bea\r\nBoss", "manager", "bea@x.org")]),
                        "bea@example.org", TODAY)
    assert refused.value.field == "participants" and "Bea Boss: Write this on one line" in refused.value.message
    assert Case.objects.get(pk=case.pk).current_stage.meetings == []


def test_one_unsafe_name_or_address_stops_no_other_mail_and_the_history_is_written(app, auth, people, inbox):
    """Names stored before the check (or an employee's imported name) holding CR/LF once broke the To header:
    1 of N mails went and no history entry was written. Each header is now one line, an address no server can
    be given is logged as not sendable, and every other mail goes."""
    from documents import Notification
    from documents.case import Participant
    Employee.objects(pk=people.pk).update_one(set__first_name="Wes\r\nBcc: all@example.net")
    case = staged(people, "formal_1")
    meeting, _ = arrange_meeting(case, arrangement(TODAY + 6 * DAY), "bea@example.org", TODAY)
    case = Case.objects.get(pk=case.pk)
    case.current_stage.meetings[0].participants = [
        Participant(name="Bea Boss\r\nBcc: all@example.net", role="manager", email="bea@example.org"),
        Participant(name="Hana\u2028Hart", role="hr", email="hana@example.org"),
        Participant(name="Odd Address", role="other", email="odd\r\n@example.org"),
        Participant(name="Far Away", role="other", email="fär@exämple.org")]
    case.save_checked()
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    answer = auth.client.post(f"/cases/{case.pk}/meetings/{meeting.id}/send-invitation",
                              data={"csrf_token": csrf_token(html), "version": case.version})
    assert answer.status_code == 302
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == [
        "bea@example.org", "hana@example.org", "wes@example.org"]
    for _, message in inbox.messages:
        assert message["Bcc"] is None and all("\n" not in value and "\r" not in value for value in message.values())
    assert inbox.to("bea@example.org")[0]["To"] == '"Bea Boss Bcc: all@example.net" <bea@example.org>'
    assert inbox.to("hana@example.org")[0]["To"] == "Hana Hart <hana@example.org>"
    logged = {n.recipient: n.status for n in Notification.objects(kind="invitation")}
    assert logged == {"bea@example.org": "sent", "hana@example.org": "sent", "wes@example.org": "sent",
                      "odd\r\n@example.org": "given_up", "fär@exämple.org": "given_up"}
    assert "is not an e-mail address a mail server can be given" in Notification.objects.get(
        recipient="fär@exämple.org").last_error
    entry = Case.objects.get(pk=case.pk).audit[-1]
    assert (entry.action, sorted(entry.after["sent_to"]), entry.after["to_retry"],
            sorted(entry.after["cannot_send_to"])) == (
        "meeting invitation e-mailed", ["bea@example.org", "hana@example.org", "wes@example.org"], [],
        ["fär@exämple.org", "odd\r\n@example.org"])
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "Invitation e-mailed to 3 of 5." in page and "It cannot be sent to" in page
