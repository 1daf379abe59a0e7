"""What the data protection officer reads: refused attempts to reach records, and the subject access exports made.

Both are logs: written once, by one insert, and never changed or removed by any route (a test walks them)."""
from __future__ import annotations

import mongoengine as me

REFUSAL_REASONS = {
    "role": "their roles do not include this page",
    "scope": "the record is outside their scope",
    "medical": "they may not read this employee's medical detail",
    "token scope": "the API token does not have the scope",
}


class AccessRefusal(me.Document):
    """One request refused: who (a login's e-mail, or `api:NAME` for a token), when, what was asked for, why, and
    whose record it was when known."""

    who = me.StringField(required=True)
    at = me.DateTimeField(required=True)
    method = me.StringField(required=True, max_length=10)
    path = me.StringField(required=True, max_length=2000)
    endpoint = me.StringField(max_length=200)
    reason = me.StringField(required=True, choices=tuple(REFUSAL_REASONS))
    assignment_number = me.StringField(max_length=40)

    meta = {"collection": "access_refusals", "indexes": ["-at", ("assignment_number", "-at"), ("who", "-at")]}

    @property
    def reason_label(self) -> str:
        return REFUSAL_REASONS[self.reason]


class SubjectAccessExport(me.Document):
    """A subject access export made: who made it, when, whose records, and what the zip held."""

    by = me.StringField(required=True)
    at = me.DateTimeField(required=True)
    assignment_number = me.StringField(required=True, max_length=40)
    employee_name = me.StringField(required=True)
    files = me.IntField(required=True, min_value=0)
    size = me.IntField(required=True, min_value=0)
    sha256 = me.StringField(required=True)

    meta = {"collection": "subject_access_exports", "indexes": ["-at", ("assignment_number", "-at")]}
