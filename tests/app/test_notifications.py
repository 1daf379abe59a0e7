"""E-mail notifications against a real SMTP server (aiosmtpd on 127.0.0.1): each task or a daily digest,
never twice in a day, HR queues, snoozed and paused work waiting, no medical detail, links, failed sends
kept and retried, invitations with their .ics, and the page where each user chooses."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from icalendar import Calendar

from documents import Absence, Case, Notification, User
from documents.case import Meeting, Participant, Stage, Task
from services.mail import MailSettings
from services.notifications import send_invitation
from services.settings import Settings
from services.triggers import active_policy
from tests.app.mail import BASE, free_port
from tests.conftest import csrf_token

D = dt.date
MONDAY = D(2026, 11, 23)


def notify(app, *args: str):
    return app.test_cli_runner().invoke(args=["notify", *args])


def send(app, day: dt.date = MONDAY):
    return notify(app, "send", "--date", day.isoformat())


@pytest.fixture
def alex(make_employee):
    return make_employee(first_name="Alex", last_name="Tester", division="Community Care")


def open_case(employee, *tasks: tuple[str, str, dt.date], **fields) -> Case:
    """An open short-term case at absence support with tasks (title, assignee, due date)."""
    values = dict(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                  kind="STS", stage="absence_support", policy_key="council-2019", policy_revision=1,
                  opened_on=D(2026, 11, 16), stages=[Stage(key="absence_support", entered_on=D(2026, 11, 16))],
                  tasks=[Task(kind="hold_meeting", title=title, stage_key="absence_support", assignee=assignee,
                              due_on=due) for title, assignee, due in tasks])
    case = Case(**{**values, **fields})
    case.save_checked()
    return case


def body(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_each_task_is_one_email_a_day_with_its_link(app, inbox, alex, make_user):
    make_user("bea@example.org", ["manager"], name="Bea Boss", assignment_number="B1", notify="each")
    case = open_case(alex, ("Associate the absences for Alex Tester", "bea@example.org", D(2026, 11, 20)),
                     ("Hold the absence support meeting with Alex Tester", "bea@example.org", D(2026, 12, 4)))
    first = send(app)
    assert first.exit_code == 0, first.output
    assert inbox.subjects() == [
        ("bea@example.org", "Casebook: Associate the absences for Alex Tester (overdue)"),
        ("bea@example.org", "Casebook: Hold the absence support meeting with Alex Tester")]
    overdue = next(m for m in inbox.to("bea@example.org") if "overdue" in m["Subject"])
    text = body(overdue, "plain")
    assert "Hello Bea Boss," in text and "Overdue: it was due on 20 November 2026" in text
    assert f"{BASE}/cases/{case.pk}#tasks" in text
    assert f'<a href="{BASE}/cases/{case.pk}#tasks">Associate the absences for Alex Tester</a>' in body(overdue,
                                                                                                      "html")
    assert overdue["From"] == "Casebook <casebook@trust.example.org>" and overdue["Auto-Submitted"] == "auto-generated"
    assert "notify send 2026-11-23: 2 sent, 0 already sent, 0 failed, 0 given up." in first.output

    again = send(app)
    assert again.exit_code == 0 and len(inbox.messages) == 2
    assert "Skipped, already sent today (2):" in again.output
    assert "notify send 2026-11-23: 0 sent, 2 already sent" in again.output

    assert send(app, MONDAY + dt.timedelta(days=1)).exit_code == 0   # a new day: reminded again
    assert [subject for _, subject in inbox.subjects()] == [
        "Casebook: Associate the absences for Alex Tester (overdue)"] * 2 + [
        "Casebook: Hold the absence support meeting with Alex Tester"] * 2
    assert sorted((n.day, n.status) for n in Notification.objects(kind="each")) == [
        (MONDAY, "sent"), (MONDAY, "sent"), (D(2026, 11, 24), "sent"), (D(2026, 11, 24), "sent")]


def test_a_digest_lists_every_task_once_a_day(app, inbox, alex, make_user):
    make_user("bea@example.org", ["manager"], name="Bea Boss", assignment_number="B1", notify="digest")
    case = open_case(alex, ("Associate the absences for Alex Tester", "bea@example.org", D(2026, 11, 20)),
                     ("Hold the absence support meeting with Alex Tester", "bea@example.org", MONDAY))
    reminder = Task(kind="rtw_reminder", title="Return-to-work interview with Alex Tester: back 23 November 2026",
                    assignee="bea@example.org", due_on=D(2026, 11, 25))
    off = Absence(employee=alex.pk, assignment_number=alex.assignment_number, first_day=D(2026, 11, 16),
                  last_day=D(2026, 11, 20), reason_category="infections", tasks=[reminder])
    off.save_checked()
    assert send(app).exit_code == 0
    [(recipients, digest)] = inbox.messages
    assert recipients == ["bea@example.org"]
    assert digest["Subject"] == "Casebook: 3 tasks for today (1 overdue)"
    text = body(digest, "plain")
    assert text.index("Associate the absences") < text.index("Hold the absence") < text.index("Return-to-work")
    assert "Due today, 23 November 2026" in text and "Due on 25 November 2026" in text
    assert f"{BASE}/absences/{off.pk}" in text and f"{BASE}/cases/{case.pk}#tasks" in text
    assert f"Change this in your e-mail settings: {BASE}/account/notifications" in text

    case.tasks.append(Task(kind="send_letter", title="Send the letter to Alex Tester", assignee="bea@example.org",
                           due_on=D(2026, 11, 30)))
    case.save_checked()
    assert send(app).exit_code == 0 and len(inbox.messages) == 1   # one digest a day, even with a new task
    assert send(app, MONDAY + dt.timedelta(days=1)).exit_code == 0
    assert inbox.messages[-1][1]["Subject"] == "Casebook: 4 tasks for today (2 overdue)"


def test_off_gets_nothing_and_a_user_switching_is_not_reminded_twice(app, inbox, alex, make_user):
    quiet = make_user("quiet@example.org", ["manager"], assignment_number="Q1", notify="off")
    switcher = make_user("bea@example.org", ["manager"], assignment_number="B1", notify="each")
    open_case(alex, ("Task for the quiet one", "quiet@example.org", MONDAY),
              ("Hold the meeting with Alex Tester", "bea@example.org", MONDAY))
    assert send(app).exit_code == 0
    assert inbox.subjects() == [("bea@example.org", "Casebook: Hold the meeting with Alex Tester")]
    switcher.update(set__notify="digest")
    quiet.update(set__notify="off")
    result = send(app)
    assert result.exit_code == 0 and len(inbox.messages) == 1
    assert "Skipped, already sent today (1):" in result.output


def test_hr_queue_tasks_go_to_each_hr_advisor_of_the_division(app, inbox, alex, make_user):
    make_user("hr1@example.org", ["hr"], hr_divisions=["Community Care"], notify="each")
    make_user("hr2@example.org", ["hr"], hr_divisions=["Acute Medicine", "Community Care"], notify="digest")
    make_user("hr3@example.org", ["hr"], hr_divisions=["Acute Medicine"], notify="each")
    make_user("gone@example.org", ["hr"], hr_divisions=["Community Care"], active=False)
    open_case(alex, ("Book an HR advisor for Alex Tester's meeting", "hr:Community Care", D(2026, 11, 25)))
    assert send(app).exit_code == 0
    assert inbox.subjects() == [("hr1@example.org", "Casebook: Book an HR advisor for Alex Tester's meeting"),
                                ("hr2@example.org", "Casebook: 1 task for today")]


def test_snoozed_and_paused_work_waits(app, inbox, alex, make_employee, make_user):
    make_user("bea@example.org", ["manager"], assignment_number="B1", notify="each")
    snoozed = open_case(alex, ("Snoozed task", "bea@example.org", D(2026, 11, 20)),
                        ("Awake task", "bea@example.org", D(2026, 11, 20)))
    snoozed.tasks[0].snoozed_until = D(2026, 11, 25)
    snoozed.save_checked()
    slowed = open_case(make_employee(), ("Task of a slowed-down case", "bea@example.org", MONDAY))
    slowed.notes.create(author="bea@example.org", text="Slowed down: agreed with HR", agreed_by_hr="Hana HR",
                        snooze_until=D(2026, 11, 30), kind="snooze")
    slowed.save_checked()
    open_case(make_employee(), ("Task of a paused case", "bea@example.org", MONDAY), paused=True,
              paused_on=D(2026, 11, 18))
    assert send(app).exit_code == 0
    assert inbox.subjects() == [("bea@example.org", "Casebook: Awake task (overdue)")]
    assert send(app, D(2026, 11, 25)).exit_code == 0   # the snooze ends on the 25th; the note's on the 30th
    assert inbox.subjects()[-2:] == [("bea@example.org", "Casebook: Awake task (overdue)"),
                                     ("bea@example.org", "Casebook: Snoozed task (overdue)")]


def test_no_medical_detail_reaches_any_email(app, inbox, alex, make_user):
    make_user("bea@example.org", ["manager"], assignment_number="B1", notify="digest")
    make_user("bob@example.org", ["manager"], assignment_number="B2", notify="each")
    detail = "Migraine with aura after chemotherapy"
    for assignee in ("bea@example.org", "bob@example.org"):
        Absence(employee=alex.pk, assignment_number=alex.assignment_number, reason_category="neurological",
                first_day=D(2026, 11, 2) if assignee.startswith("bea") else D(2026, 11, 9),
                last_day=D(2026, 11, 4) if assignee.startswith("bea") else D(2026, 11, 11), reason_detail=detail,
                tasks=[Task(kind="rtw_reminder", title="Return-to-work interview with Alex Tester",
                            assignee=assignee, due_on=D(2026, 11, 20))]).save_checked()
    assert send(app).exit_code == 0
    assert len(inbox.messages) == 2
    for _, message in inbox.messages:
        raw = message.as_string().lower()
        assert "migraine" not in raw and "chemotherapy" not in raw and "neurological" not in raw
        assert "/absences/" in body(message, "plain")


def test_a_failed_send_is_kept_reported_and_retried(app, inbox, alex, make_user, monkeypatch):
    make_user("bea@example.org", ["manager"], assignment_number="B1", notify="each")
    open_case(alex, ("First task", "bea@example.org", MONDAY), ("Second task", "bea@example.org", MONDAY))
    closed = free_port()
    monkeypatch.setitem(app.config, "SMTP_PORT", closed)
    down = send(app)
    assert down.exit_code == 1
    assert "Failed, the next run retries them (2):" in down.output
    assert f"notify send: 2 e-mails not sent: cannot use the mail server 127.0.0.1:{closed}: Connection refused." \
        in down.stderr
    assert [(n.status, n.attempts, n.last_error) for n in Notification.objects.order_by("subject")] == [
        ("failed", 1, f"cannot use the mail server 127.0.0.1:{closed}: Connection refused")] * 2
    assert inbox.messages == []

    monkeypatch.setitem(app.config, "SMTP_PORT", inbox.port)
    up = send(app)
    assert up.exit_code == 0, up.output
    assert "bea@example.org: Casebook: First task (attempt 2)" in up.output
    assert inbox.subjects() == [("bea@example.org", "Casebook: First task"),
                                ("bea@example.org", "Casebook: Second task")]
    assert [(n.status, n.attempts) for n in Notification.objects] == [("sent", 2), ("sent", 2)]
    assert send(app).exit_code == 0 and len(inbox.messages) == 2


def test_after_five_failed_attempts_it_gives_up_and_lists_it(app, inbox, alex, make_user, monkeypatch):
    make_user("bea@example.org", ["manager"], assignment_number="B1", notify="digest")
    open_case(alex, ("First task", "bea@example.org", MONDAY))
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    outputs = [send(app) for _ in range(5)]
    assert [result.exit_code for result in outputs] == [1] * 5
    assert "Failed, the next run retries them (1):" in outputs[3].output
    assert "Gave up after 5 attempts (1):" in outputs[4].output and "(after 5 attempts)" in outputs[4].output
    assert Notification.objects.get().status == "given_up"
    listed = notify(app, "failures")
    assert listed.exit_code == 0
    assert "2026-11-23  given_up  digest      bea@example.org  Casebook: 1 task for today  (5 attempts: " \
           "cannot use the mail server" in listed.output
    monkeypatch.setitem(app.config, "SMTP_PORT", inbox.port)
    later = send(app)
    assert later.exit_code == 0 and inbox.messages == []
    assert "bea@example.org: Casebook: 1 task for today (given up)" in later.output


def test_a_reminder_that_failed_yesterday_is_replaced_by_todays(app, inbox, alex, make_user, monkeypatch):
    make_user("bea@example.org", ["manager"], assignment_number="B1", notify="each")
    open_case(alex, ("First task", "bea@example.org", MONDAY))
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    assert send(app).exit_code == 1
    monkeypatch.setitem(app.config, "SMTP_PORT", inbox.port)
    tuesday = send(app, MONDAY + dt.timedelta(days=1))
    assert tuesday.exit_code == 0
    assert "1 failed reminders of earlier days are replaced by today's." in tuesday.output
    assert inbox.subjects() == [("bea@example.org", "Casebook: First task (overdue)")]
    assert sorted((n.day, n.status) for n in Notification.objects) == [(MONDAY, "replaced"),
                                                                        (D(2026, 11, 24), "sent")]


def test_dry_run_sends_and_records_nothing(app, inbox, alex, make_user):
    make_user("bea@example.org", ["manager"], assignment_number="B1", notify="each")
    open_case(alex, ("First task", "bea@example.org", MONDAY))
    result = notify(app, "send", "--dry-run", "--date", "2026-11-23")
    assert result.exit_code == 0
    assert "Would send (1):\n  bea@example.org: Casebook: First task\n" in result.output
    assert inbox.messages == [] and Notification.objects.count() == 0


@pytest.fixture
def meeting_case(alex, make_user):
    """A case whose absence support meeting is on Wednesday 2 December 2026 at 14:30."""
    make_user("bea@example.org", ["manager"], name="Bea Boss", assignment_number="B1")
    policy = active_policy()
    meeting = Meeting(kind="absence_support", on=D(2026, 12, 2), at_time="14:30", minutes=45, place="Room 4, Ward B",
                      participants=[Participant(name="Bea Boss", role="manager", email="bea@example.org"),
                                    Participant(name="Hana Advisor", role="hr", email="hana@example.org")],
                      arranged_by="bea@example.org", arranged_on=MONDAY)
    case = open_case(alex, policy_revision=policy.revision)
    case.stages[0].meetings.append(meeting)
    case.save_checked()
    return case, meeting


def invitation_of(message) -> Calendar:
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "REQUEST" and attachment.get_filename() == "invitation.ics"
    return Calendar.from_ical(attachment.get_content())


def test_an_invitation_carries_the_ics(app, inbox, alex, meeting_case):
    case, meeting = meeting_case
    with app.app_context():
        sent = send_invitation(case, meeting, alex, [Participant(name="Bea Boss", role="manager",
                                                                 email="bea@example.org"), "hana@example.org"],
                               Settings.from_config(app.config).mail)
    assert [(n.recipient, n.status, n.kind) for n in sent] == [("bea@example.org", "sent", "invitation"),
                                                              ("hana@example.org", "sent", "invitation")]
    [bea] = inbox.to("bea@example.org")
    assert bea["To"] == "Bea Boss <bea@example.org>"
    assert bea["Subject"] == "Casebook: invitation: Absence Support Meeting: Alex Tester, 2 December 2026 at 14:30"
    text = body(bea, "plain")
    assert "Where: Room 4, Ward B" in text and f"{BASE}/cases/{case.pk}#meetings" in text
    assert f"{BASE}/cases/" not in body(inbox.to("hana@example.org")[0], "plain")   # not a Casebook login
    [event] = invitation_of(bea).walk("VEVENT")
    assert str(event["summary"]) == "Absence Support Meeting: Alex Tester"
    assert event.decoded("dtstart").replace(tzinfo=None) == dt.datetime(2026, 12, 2, 14, 30)
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=45)
    assert str(event["location"]) == "Room 4, Ward B"


def test_an_invitation_that_failed_is_sent_by_the_next_run(app, inbox, alex, meeting_case, monkeypatch):
    case, meeting = meeting_case
    settings = MailSettings(host="127.0.0.1", port=free_port(), sender="casebook@trust.example.org", base_url=BASE)
    with app.app_context():
        [failed] = send_invitation(case, meeting, alex, [("Hana Advisor", "hana@example.org")], settings=settings)
    assert (failed.status, failed.attempts) == ("failed", 1) and "Connection refused" in failed.last_error
    result = send(app)
    assert result.exit_code == 0
    assert "hana@example.org: Casebook: invitation: Absence Support Meeting: Alex Tester, 2 December 2026 at 14:30 " \
           "(attempt 2)" in result.output
    [message] = inbox.to("hana@example.org")
    assert str(invitation_of(message).walk("VEVENT")[0]["summary"]) == "Absence Support Meeting: Alex Tester"
    assert Notification.objects.get().status == "sent"


def test_each_user_chooses_on_their_settings_page(auth, make_user):
    user = make_user("bea@example.org", ["manager"], assignment_number="B1")
    auth.login("bea@example.org")
    page = auth.client.get("/account/notifications")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/account/notifications" aria-current="page">E-mail settings</a>' in html
    assert re.findall(r'<input checked[^>]*type="radio" value="(\w+)"', html) == ["each"]
    token = csrf_token(html)
    saved = auth.client.post("/account/notifications", data={"notify": "digest", "version": user.version,
                                                             "csrf_token": token})
    assert (saved.status_code, saved.headers["Location"]) == (302, "/account/notifications")
    user.reload()
    assert user.notify == "digest"
    assert (user.audit[-1].actor, user.audit[-1].action, user.audit[-1].before, user.audit[-1].after) == (
        "bea@example.org", "e-mail setting changed", {"notify": "each"}, {"notify": "digest"})
    again = auth.client.get("/account/notifications").get_data(as_text=True)
    assert "Saved: one e-mail a day listing all my open tasks (a daily digest)." in again
    assert re.findall(r'<input checked[^>]*type="radio" value="(\w+)"', again) == ["digest"]


@pytest.mark.parametrize("data, message", [
    ({"notify": "hourly"}, "Choose one of the three settings."),
    ({}, "Choose how Casebook should e-mail you."),
    ({"notify": "off", "version": "0"}, "Someone else changed this record"),
])
def test_a_bad_choice_changes_nothing(auth, make_user, data, message):
    user = make_user("bea@example.org", ["manager"], assignment_number="B1")
    auth.login("bea@example.org")
    token = csrf_token(auth.client.get("/account/notifications").get_data(as_text=True))
    response = auth.client.post("/account/notifications", data={"version": user.version, **data,
                                                                "csrf_token": token})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert User.objects.get(pk=user.pk).notify == "each" and User.objects.get(pk=user.pk).audit == []


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/account/notifications")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
