"""People who log in, and the throttle on failed logins."""
from __future__ import annotations

import mongoengine as me
from werkzeug.security import check_password_hash, generate_password_hash

from documents.base import AuditEntry, Versioned

ROLES = ("manager", "hr", "support", "admin")
NOTIFY_CHOICES = ("each", "digest", "off")


class User(Versioned, me.Document):
    """A login with its roles; managers are linked to their own assignment in the hierarchy. It answers what
    flask-login asks of a signed-in user (`is_authenticated`, `is_active`, `is_anonymous`, `get_id`)."""

    is_authenticated = True
    is_anonymous = False

    email = me.StringField(required=True, unique=True, max_length=200)
    name = me.StringField(required=True, max_length=200)
    password_hash = me.StringField(required=True)
    roles = me.ListField(me.StringField(choices=ROLES), required=True)
    assignment_number = me.StringField(max_length=40)
    hr_divisions = me.ListField(me.StringField())
    notify = me.StringField(choices=NOTIFY_CHOICES, default="each")
    active = me.BooleanField(default=True)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {"collection": "users", "indexes": ["assignment_number", "roles"]}

    def clean(self):
        self.email = (self.email or "").strip().lower()
        if "manager" in self.roles and not self.assignment_number:
            raise me.ValidationError("A manager is linked to their own assignment.",
                                     errors={"assignment_number": "A manager needs their assignment number."})

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return str(self.pk)


class LoginThrottle(me.Document):
    """Failed logins for one login name, known or not, so guessing is slowed then stopped."""

    login = me.StringField(required=True, unique=True)
    failures = me.IntField(default=0)
    last_failure_at = me.DateTimeField()
    locked_until = me.DateTimeField()

    meta = {"collection": "login_throttle"}
