"""E-mailing a meeting's invitation, with the case's record of whom it went to."""
from __future__ import annotations

import dataclasses

from documents.case import Case, Meeting
from documents.employee import Employee
from services.mail import MailSettings
from services.notifications import send_invitation


@dataclasses.dataclass(frozen=True)
class InvitationsSent:
    """Whom a meeting's invitation went to, whom `notify send` tries again, and whom it cannot go to."""

    sent_to: list[str]
    to_retry: list[str]
    cannot_send_to: list[str]

    @property
    def everyone(self) -> int:
        return len(self.sent_to) + len(self.to_retry) + len(self.cannot_send_to)


def email_invitation(case: Case, meeting: Meeting, employee: Employee, people: list[tuple[str, str]], actor: str,
                     mail: MailSettings, cancelled: bool | None = None) -> InvitationsSent:
    """E-mail the meeting's invitation, or its cancellation once cancelled (.ics attached), to `people` ((name,
    e-mail) pairs, see `invitees`); what cannot be sent now is retried by `notify send`; an address no mail server
    can be given is not. One person's mail failing never stops the others', and the case's history records whom it
    went to, whom not yet and whom it cannot go to. `cancelled` True sends the cancellation of a meeting still on,
    to people no longer invited."""
    notifications = send_invitation(case, meeting, employee, people, mail, cancelled=cancelled)
    done = InvitationsSent(sent_to=[n.recipient for n in notifications if n.status == "sent"],
                           to_retry=[n.recipient for n in notifications if n.status not in ("sent", "given_up")],
                           cannot_send_to=[n.recipient for n in notifications if n.status == "given_up"])
    gone = meeting.cancelled if cancelled is None else cancelled
    action = "meeting cancellation e-mailed" if gone else "meeting invitation e-mailed"
    case.change(actor, action, lambda case: {"after": {
        "meeting_on": meeting.on, "sequence": meeting.sequence or 0, "sent_to": done.sent_to, "to_retry": done.to_retry,
        **({"cannot_send_to": done.cannot_send_to} if done.cannot_send_to else {})}})
    return done
