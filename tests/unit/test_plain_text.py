"""Text that lands in one line, an e-mail header or an SMTP envelope: what is refused, what is made one line."""
from __future__ import annotations

import sys
import unicodedata

import pytest

from casework.plain_text import mailable, one_line, unsafe_in_a_line
from services.mail import Mailer, MailError, MailSettings


@pytest.mark.parametrize("value, unsafe", [
    ("Bea Boss", False), ("Zoë O'Brien-Ní Dhomhnaill", False), ("مریم‌ها", False), ("李小龍", False),
    ("Bea\r\nBcc: x@example.net", True), ("Bea\nBoss", True), ("Bea\rBoss", True), ("Bea\tBoss", True),
    ("Bea\x00Boss", True), ("Bea\x7fBoss", True), ("Bea\x85Boss", True), ("Bea\u2028Boss", True),
    ("Bea\u2029Boss", True), ("Bea\u202eBoss", True), ("Bea\u2066Boss", True), ("", False)])
def test_unsafe_in_a_line(value, unsafe):
    assert unsafe_in_a_line(value) is unsafe


@pytest.mark.parametrize("value, line", [
    ("Bea Boss", "Bea Boss"), ("Bea\r\nBcc: x@example.net", "Bea Bcc: x@example.net"), ("  Bea \n\n Boss ", "Bea Boss"),
    ("Bea\x00Boss", "Bea Boss"), ("Bea\u2028Boss", "Bea Boss"), ("\r\n", "")])
def test_one_line(value, line):
    assert one_line(value) == line


@pytest.mark.parametrize("address, ok", [
    ("bea@example.org", True), ("bea.boss+case@trust.nhs.uk", True), ("bea@example", False),
    ("bea@@example.org", False), ("bea example@example.org", False), ("bea\r\n@example.org", False),
    ("bea@example.org\r\nRCPT TO:<x@y.z>", False), ("fär@exämple.org", False), ("", False),
    ("a" * 250 + "@example.org", False), ("bea@exa_mple.org", False)])
def test_mailable(address, ok):
    assert mailable(address) is ok


@pytest.mark.parametrize("address", ["bea\r\n@example.org", "fär@example.org", "bea@example.org\nDATA"])
def test_the_mailer_refuses_an_unsafe_address_for_good_without_connecting(address):
    mailer = Mailer(MailSettings(host="mail.invalid", port=1, sender="casebook@example.org", base_url="x"))
    with pytest.raises(MailError) as refused:
        mailer.send(address, b"Subject: x\r\n\r\nx\r\n")
    assert refused.value.permanent and mailer._smtp is None and mailer._unreachable is None


def test_unsafe_in_a_line_refuses_exactly_the_breaking_and_reordering_characters():
    """The one-scan check agrees with its definition (a category in BREAKING, or a BIDI_CONTROLS character) on
    every code point: 65 Cc (U+0000–001F, U+007F–009F) + Zl U+2028 + Zp U+2029 + 9 reordering = 76 refused."""
    from casework.plain_text import BIDI_CONTROLS, BREAKING
    refused = [point for point in range(sys.maxunicode + 1) if unsafe_in_a_line(f"a{chr(point)}b")]
    defined = [point for point in range(sys.maxunicode + 1)
               if unicodedata.category(chr(point)) in BREAKING or chr(point) in BIDI_CONTROLS]
    assert refused == defined and len(refused) == 32 + 33 + 2 + 9
