"""What a list of staff shows beside each person, kept on the employee: their latest absences (who is off sick
today) and their cases not closed (kind, stage, a "not my report" flag). The team page and the employee search
then read the employees of one page and nothing else, where they read every listed person's absences and cases
with an `$in` of all their ids (72 ms for 14 people on the embedded database).

Kept by the same writes that keep the open-task rows (documents/open_task.py): every save, update and delete of
an absence or a case refreshes its employee's summary; a bulk write round the documents refreshes those it
touched; the nightly scan refreshes everyone's.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt

import mongoengine as me
from mongoengine.connection import get_db
from pymongo import UpdateOne

from documents.reading import rows_where

LATEST = 3          # absences kept: the latest by first day (one going on today is among them unless three
                    # future ones were recorded after it)
NOT_CLOSED = {"status": {"$in": ["open", "monitoring"]}}
ABSENCE_FIELDS = {"employee": 1, "first_day": 1, "last_day": 1}
CASE_FIELDS = {"employee": 1, "kind": 1, "stage": 1, "flags.kind": 1, "flags.status": 1}


class Spell(me.EmbeddedDocument):
    first_day = me.DateField(required=True)
    last_day = me.DateField()


class OpenCase(me.EmbeddedDocument):
    kind = me.StringField(required=True)
    stage = me.StringField()
    not_my_report = me.BooleanField(default=False)   # flagged "not my report", the flag still open


class StaffSummary(me.EmbeddedDocument):
    """One employee's latest absences and cases not closed."""

    latest_absences = me.EmbeddedDocumentListField(Spell)
    open_cases = me.EmbeddedDocumentListField(OpenCase)

    def absent_on(self, day: dt.date) -> bool:
        """Whether one of the latest absences covers `day`."""
        return any(spell.first_day <= day and (spell.last_day is None or spell.last_day >= day)
                   for spell in self.latest_absences)

    @property
    def case_kinds(self) -> list[str]:
        return sorted(case.kind for case in self.open_cases)

    @property
    def flagged_not_my_report(self) -> bool:
        return any(case.not_my_report for case in self.open_cases)


def summary_of(absences: list[dict], cases: list[dict]) -> dict:
    """The summary as stored, from one employee's absences and cases not closed (as read raw)."""
    latest = sorted(absences, key=lambda row: row["first_day"], reverse=True)[:LATEST]
    return {"latest_absences": [{"first_day": row["first_day"], **({"last_day": row["last_day"]}
                                                                    if row.get("last_day") else {})}
                                for row in latest],
            "open_cases": [{"kind": row["kind"], "stage": row.get("stage"),
                            "not_my_report": any(flag.get("kind") == "not_my_report" and flag.get("status") == "open"
                                                 for flag in row.get("flags") or [])} for row in cases]}


def refresh_staff_summaries(employee_ids) -> None:
    """Write again the summaries of `employee_ids` (and no one else's), from their absences and cases not closed
    read by `rows_where`: an indexed read per employee for a few, one pass over each collection for many."""
    ids = {key for key in employee_ids if key is not None}
    deferred = _deferred.get()
    if deferred is not None:
        deferred.asked.update(ids)
        for key in ids:
            deferred.known.pop(key, None)   # rows read before this write may no longer be current
        return
    if not ids:
        return
    db = get_db()
    _write_summaries(db, ids, rows_where(db.absences, {"employee": ids}, ABSENCE_FIELDS),
                     rows_where(db.cases, {"employee": ids}, CASE_FIELDS, NOT_CLOSED))


def rebuild_staff_summaries() -> int:
    """Every employee's summary from one read of the absences and one of the cases not closed (the nightly scan
    and bulk writes); returns how many employees were written."""
    db = get_db()
    ids = [row["_id"] for row in db.employees.find({}, {"_id": 1})]
    _write_summaries(db, ids, db.absences.find({}, ABSENCE_FIELDS), db.cases.find(NOT_CLOSED, CASE_FIELDS))
    return len(ids)


def _write_summaries(db, ids, absences, cases) -> None:
    """The summaries of `ids` from their absence and case rows (any order; rows of others are passed over)."""
    by_employee: dict = {key: ([], []) for key in ids}
    for place, rows in ((0, absences), (1, cases)):
        for row in rows:
            if row["employee"] in by_employee:
                by_employee[row["employee"]][place].append(row)
    writes = [UpdateOne({"_id": key}, {"$set": {"summary": summary_of(*found)}}) for key, found in by_employee.items()]
    for start in range(0, len(writes), 2000):
        db.employees.bulk_write(writes[start:start + 2000], ordered=False)


# Refreshing deferred (issue 18): the employees whose summaries a block of writes asked to refresh, written once
# when it ends (a re-evaluation that opens or moves several cases refreshed the same summary after each write).
# A scan in the block hands over the rows it read of each employee (`rows_read`): a summary asked for before that
# read, and not since, is written from them without reading the absences and cases again.
@dataclasses.dataclass
class _Deferred:
    asked: set = dataclasses.field(default_factory=set)
    known: dict = dataclasses.field(default_factory=dict)   # {employee id: (absence rows, case rows)}


_deferred: contextvars.ContextVar[_Deferred | None] = contextvars.ContextVar("deferred_summaries", default=None)


@contextlib.contextmanager
def summaries_deferred():
    """Within the block, `refresh_staff_summaries` only notes whose summaries to write; they are written once as
    the block ends (also when it raises: what it wrote before is shown). A block within another adds to the
    outer one's."""
    if _deferred.get() is not None:
        yield
        return
    deferred = _Deferred()
    token = _deferred.set(deferred)
    try:
        yield
    finally:
        _deferred.reset(token)
        _write_deferred(deferred)


def rows_read(employee_id, absences: list[dict], cases: list[dict]) -> None:
    """Within `summaries_deferred`, the employee's absence and case rows as just read whole (by the scan): their
    summary, if asked for before now and not again after, is written from these."""
    deferred = _deferred.get()
    if deferred is not None:
        deferred.known[employee_id] = (absences, cases)


def _write_deferred(deferred: _Deferred) -> None:
    known = {key: deferred.known[key] for key in deferred.asked if key in deferred.known}
    refresh_staff_summaries(deferred.asked - known.keys())
    writes = [UpdateOne({"_id": key}, {"$set": {"summary": summary_of(absences, [
        case for case in cases if case.get("status") in NOT_CLOSED["status"]["$in"]])}})
        for key, (absences, cases) in known.items()]
    if writes:
        get_db().employees.bulk_write(writes, ordered=False)
