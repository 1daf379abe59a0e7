"""The one family of errors a service raises for its user: a refusal in words, and a stale edit.

`Refused` is not a `ValueError`: a bug that raises one is not mistaken for a refusal and shown beside a field.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from documents.base import StaleEditError

__all__ = ["Refused", "StaleEditError"]


class Refused(Exception):
    """What the user asked for is not allowed or not possible: `message` says why, in words, and `field` names
    the form field it belongs beside (None: the form or page as a whole).

    `fields` holds every field the refusal names with its message ({field: message}; see `naming`), and
    `problems` the many problems one refusal may list, one sentence each (a template's, a policy's)."""

    def __init__(self, message: str, field: str | None = None, problems: Sequence[str] = ()):
        super().__init__(message)
        self.message, self.field = message, field
        self.fields: dict[str, str] = {field: message} if field else {}
        self.problems = list(problems)

    @classmethod
    def naming(cls, fields: Mapping[str, str]) -> Refused:
        """A refusal naming several fields at once: `fields` maps each to what is wrong with it."""
        refused = cls("; ".join(fields.values()))
        refused.fields = dict(fields)
        return refused
