"""Changing or cancelling an arranged meeting (issue 15, point 7): the case worker changes its date, time, place
or attendees, with the notice re-checked when the date moves, or cancels it with a reason. Both are audited with
what the meeting was and is; the meeting keeps its id and its .ics its UID, with a higher sequence, and everyone
invited gets the updated invitation or the cancellation. A cancelled meeting is kept, no longer the stage's
meeting: its notes cannot be recorded and another can be arranged.

The employee's one other date (`services.cases.meetings.move_meeting`) is a different rule and stays as it is.
"""
from __future__ import annotations

import datetime as dt

from casework.absences import long_date
from documents.case import Case, Meeting
from documents.employee import Employee
from services.cases.invitations import InvitationsSent, email_invitation
from services.cases.meetings import (
    CANCELLED,
    Arrangement,
    check_arrangement,
    current_meeting,
    invitees,
    meeting_fields,
    notice_kept,
    workable,
)
from services.errors import Refused
from services.mail import MailSettings

REASON_MAX = 1000


def _upcoming(case: Case, meeting_id: str, today: dt.date) -> Meeting:
    workable(case)
    _, meeting = current_meeting(case, meeting_id)
    if meeting.cancelled:
        raise Refused(CANCELLED)
    if meeting.held:
        raise Refused("This meeting has been held: it can no longer be changed.")
    if meeting.on < today:
        raise Refused(f"The meeting was on {long_date(meeting.on)}: record its notes, or what happened, instead.")
    return meeting


def _facts(meeting: Meeting) -> dict:
    """What the audit shows of a meeting: when, where, who, and its invitation's sequence."""
    return {"meeting_on": meeting.on, "meeting_time": meeting.at_time, "minutes": meeting.minutes,
            "place": meeting.place or "", "by_call": bool(meeting.by_call),
            "participants": [f"{p.name} ({p.role})" for p in meeting.participants],
            "employee_attends": bool(meeting.employee_attends), "companion": meeting.companion_name or "",
            "sequence": meeting.sequence or 0}


def change_meeting(case: Case, employee: Employee, meeting_id: str, arrangement: Arrangement, actor: str,
                   today: dt.date, mail: MailSettings | None = None,
                   version: int | None = None) -> tuple[Meeting, InvitationsSent | None]:
    """Change an upcoming meeting's date, time, place or attendees. A new date needs the stage's notice counted
    from today (the updated invitation goes today). Audited with before and after; the sequence rises by one;
    with `mail`, everyone now invited is e-mailed the updated invitation (same UID, METHOD:REQUEST), and anyone
    no longer invited its cancellation."""
    meeting = _upcoming(case, meeting_id, today)
    if arrangement.on != meeting.on:
        notice_kept(case, today, arrangement.on)
    check_arrangement(arrangement, meeting.kind)
    fields = meeting_fields(arrangement)
    before, invited = _facts(meeting), invitees(meeting, employee)
    if all(getattr(meeting, name) == value for name, value in fields.items()):
        raise Refused("Nothing has changed: change the date, time, place or who attends.")

    def apply(case: Case) -> dict:
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.sequence = (meeting.sequence or 0) + 1
        return {"before": before, "after": _facts(meeting)}

    case.change(actor, "meeting changed", apply, version=version)
    still = {email for _, email in invitees(meeting, employee)}
    dropped = [(name, email) for name, email in invited if email not in still]
    if mail is not None and dropped:
        email_invitation(case, meeting, employee, dropped, actor, mail, cancelled=True)
    return meeting, _tell(case, meeting, employee, actor, mail)


def cancel_meeting(case: Case, employee: Employee, meeting_id: str, reason: str, actor: str, today: dt.date,
                   mail: MailSettings | None = None,
                   version: int | None = None) -> tuple[Meeting, InvitationsSent | None]:
    """Cancel an upcoming meeting, with a reason (required). The meeting is kept and marked cancelled, its
    sequence rises by one; with `mail`, everyone invited is e-mailed the cancellation (same UID, METHOD:CANCEL,
    STATUS:CANCELLED). The reason is in the case's history, never in the e-mail."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Say why the meeting is cancelled.", "reason")
    if len(reason) > REASON_MAX:
        raise Refused(f"Keep the reason to {REASON_MAX} characters.", "reason")
    meeting = _upcoming(case, meeting_id, today)
    before = {"cancelled": False, "sequence": meeting.sequence or 0}

    def apply(case: Case) -> dict:
        meeting.cancelled, meeting.cancelled_on, meeting.cancelled_by = True, today, actor
        meeting.cancel_reason = reason
        meeting.sequence = (meeting.sequence or 0) + 1
        return {"before": before, "after": {"cancelled": True, "meeting_on": meeting.on,
                                            "sequence": meeting.sequence}}

    case.change(actor, "meeting cancelled", apply, reason=reason, version=version)
    return meeting, _tell(case, meeting, employee, actor, mail)


def _tell(case: Case, meeting: Meeting, employee: Employee, actor: str,
          mail: MailSettings | None) -> InvitationsSent | None:
    people = invitees(meeting, employee)
    if mail is None or not people:
        return None
    return email_invitation(case, meeting, employee, people, actor, mail)
