"""The divisions that have staff, kept as one small document, so that the employee search's division list is one
read by id, never a `distinct` over every employee (1 s at 25,000 staff on the embedded database).

Written whole by the employee (hierarchy) import from every employee as it leaves them and by the kept rebuild
(services/kept.py); an employee saved one at a time adds their division. A database that has none kept yet (staff
only ever inserted in bulk, as the demo does) counts them on each read, as before. A division left without staff
stays listed until the next import or rebuild (choosing it lists nobody).
"""
from __future__ import annotations

from collections.abc import Iterable

import mongoengine as me
from mongoengine.connection import get_db

ONLY = "divisions"     # the one row


class StaffDivisions(me.Document):
    """The names of the divisions that have staff, sorted."""

    id = me.StringField(primary_key=True, default=ONLY)
    names = me.ListField(me.StringField())

    meta = {"collection": "staff_divisions"}


def keep_divisions(divisions: Iterable[str | None]) -> list[str]:
    """Keep `divisions` (every employee's, as written) as the divisions with staff, written only when they differ
    from those kept (an unchanged import writes nothing); returns them sorted."""
    names = sorted({division for division in divisions if division})
    if staff_divisions() != names:
        get_db().staff_divisions.replace_one({"_id": ONLY}, {"names": names}, upsert=True)
    return names


def add_division(division: str | None) -> None:
    """An employee was saved in `division`: keep it listed (nothing when none are kept yet: the first read counts
    them)."""
    if division:
        get_db().staff_divisions.update_one({"_id": ONLY}, {"$addToSet": {"names": division}})


def count_divisions() -> list[str]:
    """Every employee's division counted afresh and kept (the kept rebuild; a database without the list)."""
    return keep_divisions(get_db().employees.distinct("division"))


def staff_divisions() -> list[str] | None:
    """The divisions with staff, sorted: one read by id (None where none are kept yet: the caller counts them, and
    a read writes nothing)."""
    kept = get_db().staff_divisions.find_one({"_id": ONLY})
    return sorted(kept.get("names") or []) if kept is not None else None


class KeepsDivisions:
    """Mixin for Employee: a save keeps the employee's division listed."""

    def save(self, *args, **kwargs):
        placed = self.pk is None or self._created or "division" in self._get_changed_fields()
        saved = super().save(*args, **kwargs)
        if placed:
            add_division(getattr(self, "division", None))
        return saved
