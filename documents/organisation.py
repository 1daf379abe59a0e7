"""The organisation's details that letters carry: name, postal address, HR telephone and e-mail, and a logo.

One settings document, edited by administrators with a version check and an audit entry per change. Until
it is saved, letters take the name from the configuration (CASEBOOK_ORG_NAME).
"""
from __future__ import annotations

import re

import mongoengine as me

from casework.two_factor import REQUIRABLE_ROLES as SECOND_FACTOR_ROLES
from documents.base import AuditEntry, Versioned

LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
ADDRESS_LINES = 8
PHONE = re.compile(r"\+?[0-9][0-9 ()-]{5,29}")


class Organisation(Versioned, me.Document):
    """The organisation's details (a single document)."""

    key = me.StringField(required=True, default="organisation", unique=True, choices=["organisation"])
    name = me.StringField(required=True, max_length=200)
    address = me.ListField(me.StringField(max_length=100))
    phone = me.StringField(max_length=30)
    email = me.EmailField(max_length=200)
    logo_file_id = me.ObjectIdField()
    logo_filename = me.StringField(max_length=255)
    logo_type = me.StringField(choices=list(LOGO_TYPES.values()))
    logo_size = me.IntField(min_value=1, max_value=LOGO_MAX_BYTES)
    local_passwords_off = me.BooleanField(default=False)   # single sign-on only, but for the break-glass login
    break_glass_email = me.StringField(max_length=200)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)
    # The roles whose logins must use a second factor (TOTP) after their password: some of "admin" and "hr".
    second_factor_roles = me.ListField(me.StringField(choices=SECOND_FACTOR_ROLES))

    meta = {"collection": "organisation"}

    def clean(self):
        self.name = (self.name or "").strip()
        self.address = [line.strip() for line in self.address if line.strip()]
        self.phone = (self.phone or "").strip() or None
        self.email = (self.email or "").strip() or None
        errors = {}
        if not self.name:
            errors["name"] = "Enter the organisation's name."
        elif len(self.name) > 200:
            errors["name"] = "The name must be 200 characters or fewer."
        if len(self.address) > ADDRESS_LINES:
            errors["address"] = f"The address can have at most {ADDRESS_LINES} lines."
        elif any(len(line) > 100 for line in self.address):
            errors["address"] = "Each line of the address must be 100 characters or fewer."
        if self.phone and not PHONE.fullmatch(self.phone):
            errors["phone"] = "Enter a telephone number in digits, for example 01234 567890."
        if self.email and not is_email(self.email):
            errors["email"] = "Enter an e-mail address, for example hr@example.org."
        if errors:
            raise me.ValidationError(errors=errors)

    @classmethod
    def current(cls) -> "Organisation | None":
        """The saved details, or None when nobody has saved them yet."""
        return cls.objects(key="organisation").first()

    def require_second_factor(self, roles: list[str]) -> dict:
        """Require a second factor of the logins holding `roles` from their next sign-in (none: of nobody)."""
        before = list(self.second_factor_roles)
        self.second_factor_roles = [role for role in SECOND_FACTOR_ROLES if role in roles]
        return {"before": {"second_factor_roles": before},
                "after": {"second_factor_roles": list(self.second_factor_roles)}}

    def details(self) -> dict:
        """The details an audit entry compares: everything but the logo's file."""
        return {"name": self.name, "address": list(self.address), "phone": self.phone, "email": self.email,
                "logo": self.logo_filename}

    def sign_in_summary(self) -> dict:
        """How people sign in, as an audit entry compares it."""
        return {"local_passwords": "off" if self.local_passwords_off else "on",
                "break_glass_login": self.break_glass_email}

    def turn_local_passwords(self, off: bool, break_glass_email: str | None) -> dict:
        """Let only `break_glass_email` sign in with a password, everyone else by single sign-on (`off`), or let
        everyone with a password use it again. What changed, for the audit entry."""
        before = self.sign_in_summary()
        self.local_passwords_off = off
        self.break_glass_email = break_glass_email if off else None
        return {"before": before, "after": self.sign_in_summary()}


def is_email(text: str) -> bool:
    try:
        Organisation.email.validate(text)
    except me.ValidationError:
        return False
    return len(text) <= 200
