"""The SMTP connection Casebook sends e-mail through, and where mail goes and where its links point."""
from __future__ import annotations

import dataclasses
import smtplib
import ssl

from casework.plain_text import mailable


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
    """A message the mail server did not take, with the reason in words; `permanent` when sending it again
    cannot help (an address no server can be given)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


class Mailer:
    """One SMTP connection for a run, opened at the first message. When the server cannot be reached,
    every further message fails at once with the same reason instead of waiting again."""

    def __init__(self, settings: MailSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: str | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, recipient: str, message: bytes) -> None:
        """Hand `message` to the server for `recipient`; MailError (never anything else) when it is not taken."""
        if not mailable(recipient):
            raise MailError(f"{recipient!r} is not an e-mail address a mail server can be given", permanent=True)
        if self._unreachable:
            raise MailError(self._unreachable)
        smtp = self._smtp or self._connect()
        try:
            smtp.sendmail(self.settings.sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused:
            raise MailError(f"the mail server refused the address {recipient}") from None
        except (smtplib.SMTPException, OSError, ValueError) as error:   # ValueError: UnicodeEncodeError among them
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
        reply = error.smtp_error
        return f"{error.smtp_code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
