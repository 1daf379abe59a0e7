"""Where flags go by e-mail: each division's HR team address and the hierarchy administrator's address.

One settings document, edited by administrators with a version check and an audit entry per change.
"""
from __future__ import annotations

import mongoengine as me

from documents.base import AuditEntry, Versioned


class DivisionRoute(me.EmbeddedDocument):
    """A division and the address of its HR team."""

    name = me.StringField(required=True, max_length=200)
    hr_email = me.StringField(max_length=200)


class Routing(Versioned, me.Document):
    """The routing settings (a single document)."""

    key = me.StringField(required=True, default="routing", unique=True, choices=["routing"])
    hierarchy_admin_email = me.StringField(max_length=200)
    divisions = me.EmbeddedDocumentListField(DivisionRoute)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {"collection": "routing"}

    @classmethod
    def current(cls) -> "Routing | None":
        """The saved settings, or None when nobody has saved them yet."""
        return cls.objects(key="routing").first()

    def hr_email(self, division: str) -> str | None:
        """The HR team address of `division`, or None."""
        return next((route.hr_email for route in self.divisions if route.name == division and route.hr_email), None)

    def settings(self) -> dict:
        """The values an audit entry compares."""
        return {"hierarchy_admin_email": self.hierarchy_admin_email,
                **{f"division {route.name}": route.hr_email for route in self.divisions}}
