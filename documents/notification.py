"""E-mail: the log of what Casebook sends, one entry per message, so "never the same reminder twice in a
day" is a query and a failed send stays on record until a later run delivers it or gives up; and the SMTP
connection that sends it."""
from __future__ import annotations

import dataclasses
import smtplib
import ssl

import mongoengine as me

from documents.base import utcnow

KINDS = ("each", "digest", "invitation", "notice")
KEPT_KINDS = ("invitation", "notice")     # stored whole: a retry sends exactly what failed
STATUSES = ("sending", "sent", "failed", "given_up", "replaced")
MAX_ATTEMPTS = 5


def case_task_key(case_id, task_id: str) -> str:
    """How a notification names a task of a case."""
    return f"case:{case_id}:{task_id}"


def absence_task_key(absence_id, task_id: str) -> str:
    """How a notification names a task of an absence (a return-to-work reminder, an OH referral)."""
    return f"absence:{absence_id}:{task_id}"


class Notification(me.Document):
    """One e-mail to one person: a task reminder ("each"), a daily digest, a meeting invitation, or a notice
    (a flag raised, a task moved by the hierarchy).

    `key` makes a reminder unique: each task once a day per person, one digest a day per person.
    `status` is "sending" while a run holds it, then "sent", or "failed" (retried by the next run),
    "given_up" after MAX_ATTEMPTS, or "replaced" (a reminder of an earlier day that failed: that day's
    reminders are sent anew, for the tasks still open). An invitation or a notice keeps its whole `message`,
    so a retry sends exactly what failed; reminders are composed afresh from the tasks open at the retry.
    """

    recipient = me.StringField(required=True, max_length=200)
    kind = me.StringField(required=True, choices=KINDS)
    day = me.DateField(required=True)
    key = me.StringField()
    tasks = me.ListField(me.StringField())
    subject = me.StringField(required=True, max_length=400)
    status = me.StringField(required=True, choices=STATUSES, default="sending")
    attempts = me.IntField(default=0, min_value=0)
    last_error = me.StringField(max_length=500)
    created_at = me.DateTimeField(required=True, default=utcnow)
    last_attempt_at = me.DateTimeField()
    sent_at = me.DateTimeField()
    message = me.BinaryField()

    meta = {
        "collection": "notifications",
        "indexes": [
            {"fields": ["key"], "unique": True, "sparse": True},
            ("recipient", "day", "status"),
            ("status", "kind", "day"),
        ],
    }

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


@dataclasses.dataclass(frozen=True)
class MailSettings:
    """Where mail goes and where its links point (from the app's configuration)."""

    host: str
    port: int
    sender: str
    base_url: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_config(cls, config) -> MailSettings:
        return cls(host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]), sender=config["MAIL_FROM"],
                   base_url=config["BASE_URL"].rstrip("/"), username=config.get("SMTP_USERNAME"),
                   password=config.get("SMTP_PASSWORD"), starttls=bool(config.get("SMTP_STARTTLS")),
                   timeout=float(config.get("SMTP_TIMEOUT", 10)))


class MailError(Exception):
    """A message the mail server did not take, with the reason in words."""


class Mailer:
    """One SMTP connection for a run, opened at the first message. When the server cannot be reached,
    every further message fails at once with the same reason instead of waiting again."""

    def __init__(self, settings: MailSettings):
        self.settings, self._smtp, self._unreachable = settings, None, None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, recipient: str, message: bytes) -> None:
        if self._unreachable:
            raise MailError(self._unreachable)
        smtp = self._smtp or self._connect()
        try:
            smtp.sendmail(self.settings.sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused:
            raise MailError(f"the mail server refused the address {recipient}") from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise MailError(f"the mail server did not take the message: {_reason(error)}") from None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        smtp = None
        try:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
            if settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
        except (smtplib.SMTPException, OSError) as error:
            if smtp is not None:
                smtp.close()
            self._unreachable = f"cannot use the mail server {settings.host}:{settings.port}: {_reason(error)}"
            raise MailError(self._unreachable) from None
        self._smtp = smtp
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {error.smtp_error.decode(errors='replace')}"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
