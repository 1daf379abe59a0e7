"""A real SMTP server for the app tests (aiosmtpd on 127.0.0.1): what the `inbox` fixture of conftest
is given, and a free port for it or for a server nobody listens on."""
from __future__ import annotations

import email
import email.policy
import socket

BASE = "https://casebook.example.org"


class Inbox:
    """An SMTP handler keeping every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for recipients, message in self.messages if recipients == [address]]

    def subjects(self) -> list[tuple[str, str]]:
        return sorted((recipients[0], message["Subject"]) for recipients, message in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
