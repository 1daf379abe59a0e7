"""The mapping of the NHS ESR sickness reason codes onto the board report's categories, as administrators keep it.

One settings document, installed with the shipped mapping on first use and edited by administrators with a
version check and an audit entry per change (see `services.reason_codes`).
"""
from __future__ import annotations

import mongoengine as me

from documents.base import AuditEntry, Versioned


class ReasonCodes(Versioned, me.Document):
    """The reason code mapping (a single document): {ESR code: category key}."""

    key = me.StringField(required=True, default="reason_codes", unique=True, choices=["reason_codes"])
    codes = me.DictField(me.StringField(max_length=40))
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {"collection": "reason_codes"}

    @classmethod
    def current(cls) -> "ReasonCodes | None":
        """The stored mapping, or None when it has not been installed yet."""
        return cls.objects(key="reason_codes").first()
