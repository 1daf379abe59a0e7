"""E-mail notifications: each user's open tasks as one e-mail per task or a daily digest, meeting invitations
with their .ics, sent over SMTP with every attempt in the Notification log.

An e-mail carries task titles (which name the employee, never a reason), due dates and links; never
medical detail. A reminder goes once a day: a task already reminded to someone today, and a digest already
sent today, are not sent again. A failed send stays in the log as failed and the next run retries it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections import defaultdict
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr, make_msgid

import mongoengine as me

from casework.absences import count_of, long_date
from casework.plain_text import mailable, one_line
from documents.base import StaleEditError, utcnow
from documents.case import Case, Meeting, Task
from documents.employee import Employee
from documents.notification import (
    KEPT_KINDS,
    MAX_ATTEMPTS,
    Notification,
    absence_task_key,
    case_task_key,
)
from documents.user import NOTIFY_CHOICES, User
from services import clock
from services.cases.meetings import invitation_file
from services.cases.tasks import HR_QUEUE
from services.errors import Refused
from services.mail import Mailer, MailError, MailSettings
from services.reads.inbox import Item, assignees_of, open_items

REMINDER_KINDS = ("each", "digest")
MAX_SUBJECT = 400
SETTINGS_PATH = "/account/notifications"
STALE_CLAIM = dt.timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class DueTask:
    """An open task as an e-mail shows it."""

    key: str
    title: str
    due_on: dt.date
    path: str


@dataclasses.dataclass(frozen=True)
class Reminder:
    """One reminder e-mail to send today: one task ("each") or all of them ("digest")."""

    user: User
    kind: str
    key: str
    tasks: list[DueTask]
    already_sent: bool


@dataclasses.dataclass
class RunReport:
    """What a run did, one line per e-mail."""

    sent: list[str] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)
    failed: list[str] = dataclasses.field(default_factory=list)
    gave_up: list[str] = dataclasses.field(default_factory=list)
    replaced: int = 0
    reasons: set[str] = dataclasses.field(default_factory=set)


def _due(item: Item) -> DueTask:
    if item.case_id is not None:
        return DueTask(case_task_key(item.case_id, item.task.id), item.task.title, item.task.due_on,
                       f"/cases/{item.case_id}#tasks")
    return DueTask(absence_task_key(item.absence_id, item.task.id), item.task.title, item.task.due_on,
                   f"/absences/{item.absence_id}")


def due_by_recipient(today: dt.date) -> list[tuple[User, list[DueTask]]]:
    """Every user who gets e-mail and has open tasks (their own, or their HR divisions' queues), with
    those tasks soonest first. Tasks of paused cases wait (not HR's tasks of flags); snoozed ones wait until the day
    their snooze ends (a task's own, or a note's on its case)."""
    snoozed = set(Case.objects(status__ne="closed", notes__snooze_until__gt=today).distinct("id"))
    by_assignee = defaultdict(list)
    for item in open_items():
        until = item.task.snoozed_until if isinstance(item.task, Task) else None   # open_items: whole tasks
        if item.case_id in snoozed or (until and until > today):
            continue
        by_assignee[item.task.assignee].append(_due(item))
    queues = [assignee[len(HR_QUEUE):] for assignee in by_assignee if assignee.startswith(HR_QUEUE)]
    users = User.objects(active=True, notify__in=REMINDER_KINDS).filter(
        me.Q(email__in=list(by_assignee)) | me.Q(roles="hr", hr_divisions__in=queues)).order_by("email")
    found = []
    for user in users.only("email", "name", "notify", "roles", "hr_divisions"):
        tasks = [task for assignee in assignees_of(user) for task in by_assignee.get(assignee, [])]
        if tasks:
            found.append((user, sorted(tasks, key=lambda task: (task.due_on, task.title, task.key))))
    return found


def reminders(today: dt.date) -> list[Reminder]:
    """Today's reminders by each user's setting, marking those already sent: a digest once a day, each task
    once a day to each person (whichever kind of e-mail carried it)."""
    sent_today = Notification.objects(day=today, status="sent", kind__in=REMINDER_KINDS).only(
        "recipient", "key", "tasks")
    sent_keys = {notification.key for notification in sent_today}
    reminded = {(notification.recipient, key) for notification in sent_today for key in notification.tasks}
    planned = []
    for user, tasks in due_by_recipient(today):
        fresh = [task for task in tasks if (user.email, task.key) not in reminded]
        if user.notify == "digest":
            key = f"digest:{user.email}:{today.isoformat()}"
            planned.append(Reminder(user, "digest", key, fresh or tasks, key in sent_keys or not fresh))
            continue
        for task in tasks:
            key = f"each:{user.email}:{today.isoformat()}:{task.key}"
            planned.append(Reminder(user, "each", key, [task], key in sent_keys or task not in fresh))
    return planned


def _when(task: DueTask, today: dt.date) -> str:
    if task.due_on < today:
        return f"Overdue: it was due on {long_date(task.due_on)}"
    return f"Due today, {long_date(task.due_on)}" if task.due_on == today else f"Due on {long_date(task.due_on)}"


def reminder_email(reminder: Reminder, today: dt.date, settings: MailSettings) -> EmailMessage:
    """The reminder as plain text and simple HTML: each task's title, when it is due and its link."""
    tasks, overdue = reminder.tasks, sum(task.due_on < today for task in reminder.tasks)
    if reminder.kind == "each":
        subject = f"Casebook: {tasks[0].title}{' (overdue)' if overdue else ''}"
        intro, why = "This task is waiting for you in Casebook:", "an e-mail for each open task, once a day"
    else:
        count = f"{len(tasks)} task{'s' if len(tasks) != 1 else ''}"
        subject = f"Casebook: {count} for today{f' ({overdue} overdue)' if overdue else ''}"
        intro = f"You have {count} open in Casebook{f' ({overdue} overdue)' if overdue else ''}, soonest first:"
        why = "one digest of your tasks a day"
    base, settings_link = settings.base_url, settings.base_url + SETTINGS_PATH
    text = [f"Hello {reminder.user.name},", "", intro, ""]
    for task in tasks:
        text += [f"- {task.title}", f"  {_when(task, today)}", f"  {base}{task.path}", ""]
    text.append(f"You get {why}. Change this in your e-mail settings: {settings_link}")
    items = "".join(f'<li><a href="{html.escape(base + task.path)}">{html.escape(task.title)}</a><br>'
                    f"{'<strong>' if task.due_on < today else ''}{html.escape(_when(task, today))}"
                    f"{'</strong>' if task.due_on < today else ''}</li>" for task in tasks)
    page = (f"<p>Hello {html.escape(reminder.user.name)},</p><p>{html.escape(intro)}</p><ul>{items}</ul>"
            f'<p>You get {why}. Change this in your <a href="{html.escape(settings_link)}">e-mail settings</a>.</p>')
    return _message(reminder.user.name, reminder.user.email, subject, "\n".join(text) + "\n", page, settings)


def _subject(words: str) -> str:
    """A subject as one line (a name or a title holding a line break cannot add a header) that the log keeps."""
    return one_line(words)[:MAX_SUBJECT]


def _message(name: str, email: str, subject: str, text: str, page: str, settings: MailSettings) -> EmailMessage:
    """The e-mail with its headers made safe: the name and subject on one line; no To for an address no server
    can be given (the Mailer refuses to send it, and the log says why)."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = formataddr(("Casebook", settings.sender))
    if mailable(email):
        name = one_line(name)
        message["To"] = formataddr((name, email)) if name else email
    message["Subject"] = _subject(subject)
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or "casebook")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(f"<!DOCTYPE html><html><body>{page}</body></html>", subtype="html")
    return message


def _claim(notification: Notification, **fresh) -> bool:
    """Take a notification for this run: a new one is inserted (its unique key refuses a second copy); a
    failed one, or one a crashed run left "sending", is taken only if no other run took it first."""
    now = utcnow()
    if notification.pk is None:
        notification.status, notification.attempts, notification.last_attempt_at = "sending", 1, now
        try:
            notification.save(force_insert=True)
        except me.NotUniqueError:
            return False
        return True
    taken = Notification.objects(pk=notification.pk, status=notification.status,
                                 attempts=notification.attempts).update_one(
        set__status="sending", inc__attempts=1, set__last_attempt_at=now,
        **{f"set__{name}": value for name, value in fresh.items()})
    if taken:
        notification.status, notification.attempts, notification.last_attempt_at = ("sending",
                                                                                     notification.attempts + 1, now)
    return bool(taken)


def _retryable(notification: Notification) -> bool:
    return notification.status == "failed" or (notification.status == "sending" and (
        notification.last_attempt_at is None or notification.last_attempt_at < utcnow() - STALE_CLAIM))


def _send(mailer: Mailer, notification: Notification, message: bytes, report: RunReport) -> None:
    """Send one claimed notification and record how it went."""
    line = f"{notification.recipient}: {notification.subject}"
    try:
        mailer.send(notification.recipient, message)
    except MailError as error:
        notification.status = "given_up" if error.permanent or notification.attempts >= MAX_ATTEMPTS else "failed"
        notification.last_error = str(error)[:500]
        Notification.objects(pk=notification.pk).update_one(set__status=notification.status,
                                                            set__last_error=notification.last_error)
        report.reasons.add(notification.last_error)
        if notification.status == "given_up":
            report.gave_up.append(f"{line}: {error} (after {notification.attempts} attempts)")
        else:
            report.failed.append(f"{line}: {error}")
        return
    notification.status, notification.sent_at = "sent", utcnow()
    Notification.objects(pk=notification.pk).update_one(set__status="sent", set__sent_at=notification.sent_at)
    report.sent.append(line if notification.attempts == 1 else f"{line} (attempt {notification.attempts})")


def send_due(today: dt.date, settings: MailSettings, dry_run: bool = False) -> RunReport:
    """Send today's reminders and retry failed invitations and notices; with `dry_run`, only say what would be
    sent."""
    report = RunReport()
    if not dry_run:
        report.replaced = Notification.objects(kind__in=REMINDER_KINDS, status__in=("failed", "sending"),
                                               day__lt=today).update(set__status="replaced")
    with Mailer(settings) as mailer:
        for reminder in reminders(today):
            _deliver(reminder, today, settings, mailer, report, dry_run)
        for notification in Notification.objects(kind__in=KEPT_KINDS, status__in=("failed", "sending")):
            line = f"{notification.recipient}: {notification.subject}"
            if not _retryable(notification):
                report.skipped.append(f"{line} (another run is sending it)")
            elif dry_run:
                report.sent.append(f"{line} (attempt {notification.attempts + 1})")
            elif _claim(notification):
                _send(mailer, notification, notification.message, report)
    return report


def _deliver(reminder: Reminder, today: dt.date, settings: MailSettings, mailer: Mailer, report: RunReport,
             dry_run: bool) -> None:
    message = reminder_email(reminder, today, settings)
    line = f"{reminder.user.email}: {message['Subject']}"
    existing = Notification.objects(key=reminder.key).first()
    if reminder.already_sent or (existing and existing.status in ("sent", "given_up")):
        report.skipped.append(line if not existing or existing.status != "given_up" else f"{line} (given up)")
        return
    if existing and not _retryable(existing):
        report.skipped.append(f"{line} (another run is sending it)")
        return
    if dry_run:
        report.sent.append(line)
        return
    keys = [task.key for task in reminder.tasks]
    notification = existing or Notification(recipient=reminder.user.email, kind=reminder.kind, day=today,
                                            key=reminder.key, tasks=keys, subject=message["Subject"])
    if _claim(notification, subject=message["Subject"], tasks=keys):
        notification.subject = message["Subject"]
        _send(mailer, notification, message.as_bytes(), report)
    else:
        report.skipped.append(f"{line} (another run is sending it)")


def send_invitation(case: Case, meeting: Meeting, employee: Employee, recipients, settings: MailSettings,
                    today: dt.date | None = None, cancelled: bool | None = None) -> list[Notification]:
    """E-mail the meeting's invitation, its .ics attached (text/calendar; method=REQUEST; method=CANCEL and
    "cancelled" in the subject once the meeting is cancelled, "updated invitation" once changed), one message to each
    of `recipients` (e-mail addresses, (name, e-mail) pairs, or people with `.name` and `.email`). A failed
    send is kept and retried by `notify send`. Returns the notifications, each "sent" or "failed". `cancelled`
    True sends the cancellation of a meeting still on (to someone no longer invited)."""
    gone = bool(meeting.cancelled if cancelled is None else cancelled)
    calendar = invitation_file(case, meeting, employee, gone)
    from icalendar import Calendar  # imported when an invitation is sent (casework/ics.py says why)
    event = Calendar.from_ical(calendar).walk("VEVENT")[0]
    starts, title, place = event.decoded("dtstart"), str(event.get("summary")), str(event.get("location") or "")
    when = f"{long_date(starts.date())} at {starts:%H:%M}"
    what = "cancelled" if gone else "updated invitation" if meeting.sequence else "invitation"
    subject = _subject(f"Casebook: {what}: {title}, {when}")
    people = _people(recipients)
    users = set(User.objects(email__in=[email for _, email in people], active=True).distinct("email"))
    link = f"{settings.base_url}/cases/{case.pk}#meetings"
    report, notifications = RunReport(), []
    with Mailer(settings) as mailer:
        for name, email in people:
            if gone:
                lines = [f"This meeting is cancelled: {title}", f"It was to be on {when}.",
                         "The cancellation is attached (invitation.ics): open it to remove the meeting from your "
                         "calendar."]
            else:
                lines = [f"You are invited to: {title}" if not meeting.sequence else
                         f"The meeting has changed: {title}", f"When: {when}",
                         f"Where: {place or 'to be confirmed'}",
                         "The invitation is attached (invitation.ics): open it to add the meeting to your calendar."]
            lines += [f"The case in Casebook: {link}"] if email in users else []
            hello = _hello(name)
            text = "\n\n".join([hello, *lines]) + "\n"
            page = "".join(f"<p>{html.escape(line)}</p>" for line in [hello, *lines])
            message = _message(name, email, subject, text, page, settings)
            message.add_attachment(calendar, maintype="text", subtype="calendar",
                                   params={"method": "CANCEL" if gone else "REQUEST"},
                                   filename="invitation.ics")
            notification = Notification(recipient=email, kind="invitation", day=today or clock.today(),
                                        tasks=[f"meeting:{case.pk}:{meeting.id}"], subject=subject,
                                        message=message.as_bytes())
            if _claim(notification):
                _send(mailer, notification, notification.message, report)
            notifications.append(notification)
    return notifications


def send_notice(recipients, subject: str, lines: list[str], about: str, settings: MailSettings,
                today: dt.date | None = None) -> list[Notification]:
    """E-mail a notice (the paragraphs `lines`, no attachment) to each of `recipients` (as `send_invitation`
    takes them); `about` names what it concerns in the log (e.g. "flag:<case id>:<flag id>"). A failed send
    is kept whole and retried by `notify send`. Returns the notifications, each "sent" or "failed"."""
    report, notifications = RunReport(), []
    with Mailer(settings) as mailer:
        for name, email in _people(recipients):
            message = _notice(name, email, subject, lines, settings)
            notification = Notification(recipient=email, kind="notice", day=today or clock.today(), tasks=[about],
                                        subject=message["Subject"], message=message.as_bytes())
            if _claim(notification):
                _send(mailer, notification, notification.message, report)
            notifications.append(notification)
    return notifications


def send_password_link(user: User, url: str, purpose: str, hours: int, settings: MailSettings) -> Notification:
    """E-mail `user` their set-password link (`purpose` "set": a new login's first password, or "reset": a
    forgotten one), working for `hours` hours. The log keeps that it was sent, never the message, which holds the
    link; a failure is not retried ("failed" or "given_up", with the reason): a new link is sent instead."""
    if purpose == "set":
        subject = "Casebook: choose your password"
        lines = ["A Casebook login has been made for you. Choose your password with this link:", url,
                 f"The link works once, for {count_of(hours, 'hour')}."]
    else:
        subject = "Casebook: reset your password"
        lines = ["Someone asked to reset the password of your Casebook login. If it was you, choose a new "
                 "password with this link:", url,
                 f"The link works once, for {count_of(hours, 'hour')}. If it was not you, ignore this e-mail: "
                 "your password stays as it is."]
    message = _notice(user.name, user.email, subject, lines, settings)
    notification = Notification(recipient=user.email, kind="password_link", day=clock.today(),
                                subject=message["Subject"])
    _claim(notification)
    notification.attempts = MAX_ATTEMPTS      # one attempt only: a failure is given up, never retried
    with Mailer(settings) as mailer:
        _send(mailer, notification, message.as_bytes(), RunReport())
    return notification


def _notice(name: str, email: str, subject: str, lines: list[str], settings: MailSettings) -> EmailMessage:
    """A notice's e-mail: a greeting and the paragraphs `lines`, as text and as HTML."""
    paragraphs = [_hello(name), *lines]
    return _message(name, email, subject, "\n\n".join(paragraphs) + "\n",
                    "".join(f"<p>{html.escape(line)}</p>" for line in paragraphs), settings)


def _hello(name: str) -> str:
    return f"Hello {name}," if name else "Hello,"


def _people(recipients) -> list[tuple[str, str]]:
    """(name on one line, e-mail) for each recipient, each address once."""
    people: dict[str, str] = {}
    for recipient in recipients:
        name, email = (("", recipient) if isinstance(recipient, str) else recipient if isinstance(recipient, tuple)
                       else (recipient.name, recipient.email))
        if email and email.strip():
            people.setdefault(email.strip().lower(), one_line(name or ""))
    return [(name, email) for email, name in people.items()]


def failures() -> list[Notification]:
    """E-mails not delivered yet (failed, waiting for the next run) or given up, newest first."""
    return list(Notification.objects(status__in=("failed", "given_up")).exclude("message").order_by("-created_at"))


def choose_notifications(user: User, choice: str, version: int | None = None) -> bool:
    """Store the user's e-mail setting with an audit entry; False when it already was `choice`."""
    if choice not in NOTIFY_CHOICES:
        raise Refused("Choose one of the three settings.", "notify")
    if version is not None and version != user.version:
        raise StaleEditError()
    if user.notify == choice:
        return False
    user.record(user.email, "e-mail setting changed", {"notify": user.notify}, {"notify": choice})
    user.notify = choice
    user.save_checked()
    return True
