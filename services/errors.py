"""The one family of errors a service raises for its user: a refusal in words, and a stale edit.

`Refused` is not a `ValueError`: a bug that raises one is not mistaken for a refusal and shown beside a field.
"""
from __future__ import annotations

from documents.base import StaleEditError

__all__ = ["Refused", "StaleEditError"]


class Refused(Exception):
    """What the user asked for is not allowed or not possible: `message` says why, in words, and `field` names
    the form field it belongs beside (None: the form or page as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
