"""E-mailing a meeting's invitation, with the case's record of whom it went to."""
from __future__ import annotations

from documents.case import Case, Meeting
from documents.employee import Employee
from documents.notification import Notification
from services.mail import MailSettings
from services.notifications import send_invitation


def email_invitation(case: Case, meeting: Meeting, employee: Employee, people: list[tuple[str, str]], actor: str,
                     mail: MailSettings) -> list[Notification]:
    """E-mail the meeting's invitation (.ics attached) to `people` ((name, e-mail) pairs, see `invitees`); what
    cannot be sent now is retried by `notify send`; an address no mail server can be given is not. One person's
    mail failing never stops the others', and the case's history records whom it went to, whom not yet and whom
    it cannot go to. Returns the notifications, each "sent", "failed" or "given_up"."""
    sent = send_invitation(case, meeting, employee, people, mail)
    cannot = [n.recipient for n in sent if n.status == "given_up"]
    case.change(actor, "meeting invitation e-mailed", lambda case: {"after": {
        "meeting_on": meeting.on, "sent_to": [n.recipient for n in sent if n.status == "sent"],
        "to_retry": [n.recipient for n in sent if n.status not in ("sent", "given_up")],
        **({"cannot_send_to": cannot} if cannot else {})}})
    return sent
