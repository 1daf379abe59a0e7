"""The versions of a letter's Word template that administrators upload.

A letter uses the uploaded version an administrator chose (the latest upload, or an earlier one used again),
else the template shipped in `letter_templates/` (see services/letter_templates.py).
"""
from __future__ import annotations

import mongoengine as me

from casework.letters import LETTERS, LetterProblem
from documents.base import AuditEntry, Versioned, utcnow


class TemplateVersion(me.EmbeddedDocument):
    """One uploaded version of a letter's template; its file is in GridFS and never changes."""

    number = me.IntField(required=True, min_value=1)
    file_id = me.ObjectIdField(required=True)
    filename = me.StringField(required=True, max_length=255)
    size = me.IntField(required=True, min_value=0)
    uploaded_by = me.StringField(required=True)
    uploaded_at = me.DateTimeField(required=True, default=utcnow)
    note = me.StringField(max_length=500)


class LetterTemplate(Versioned, me.Document):
    """The uploaded versions of one letter's template and which of them is in use (none: the shipped one)."""

    code = me.StringField(required=True, unique=True, choices=list(LETTERS))
    versions = me.EmbeddedDocumentListField(TemplateVersion)
    in_use = me.IntField(min_value=1)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {"collection": "letter_templates"}

    @classmethod
    def for_code(cls, code: str) -> "LetterTemplate":
        """The stored record of letter `code`, or a new, unsaved one (nothing uploaded: the shipped one is used)."""
        if code not in LETTERS:
            raise LetterProblem(f"Casebook has no letter {code}.")
        return cls.objects(code=code).first() or cls(code=code)

    def numbered(self, number: int) -> TemplateVersion | None:
        """The uploaded version with this number, or None."""
        return next((found for found in self.versions if found.number == number), None)

    @property
    def upload_in_use(self) -> TemplateVersion | None:
        """The uploaded version letters use, or None when they use the shipped template."""
        return self.numbered(self.in_use) if self.in_use else None

    @property
    def label(self) -> str:
        """Which template is in use, in words: 'shipped' or 'uploaded v2'."""
        return f"uploaded v{self.in_use}" if self.in_use else "shipped"
