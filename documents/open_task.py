"""The open tasks kept apart from the cases and absences that hold them, one small row a task, so that the task
badge every page shows ("My tasks": open and overdue) and the task lists are read by an index, not by a scan of every
case and absence; with the rows, the tallies of open tasks by holder and due day (documents/task_tally.py), from
which the badge and the lists' counts are read.

A holder's rows are written again, whole, after every write to it: `Document.save` and the queryset's `update`
and `delete` of a case or an absence resynchronise the rows of the holders they touched (`KeepsOpenTasks`,
`OpenTasksQuerySet`). Writes that go round the documents (a bulk import, a restore) call `sync_open_tasks` or
`rebuild_open_tasks` themselves; the nightly scan rebuilds them all.
"""
from __future__ import annotations

import datetime as dt

import mongoengine as me
from bson import ObjectId
from mongoengine.connection import get_db
from pymongo import DeleteMany, UpdateOne

from casework.workflow import OWED_WHATEVER_THE_CASE
from documents.case_days import READ_FOR_DAYS, keep_list_days
from documents.case_rollup import CASE_FIELDS, add_case_rollups, sync_case_rollups
from documents.reading import rows_where
from documents.rtw_due import add_rtw_due, rebuild_rtw_due, refresh_rtw_due_people, sync_rtw_due
from documents.scope import ScopedQuerySet
from documents.staff_summary import refresh_staff_summaries
from documents.task_tally import TALLIED_FIELDS, held_open_and_overdue, move_tallies, recount_tallies

HOLDER_FIELDS = ("employee", "tasks", "paused", "kind")
ABSENCE_FIELDS = ("first_day", "last_day", "rtw.held_on")     # an absence's return-to-work row (rtw_due.py)
PERSON_FIELDS = ("first_name", "last_name", "assignment_number", "job_title", "division", "manager_path")


class OpenTask(me.Document):
    """One open task: who holds it, by when, and where it lives (`holder`: a case, with its `case_kind`, or an
    absence), with what the task lists show of it and of its employee, and the employee's division and chain of
    supervisors, which decide who oversees it (the same fields as a case's scope)."""

    holder = me.ObjectIdField(required=True)
    holder_kind = me.StringField(required=True, choices=("case", "absence"))
    case_kind = me.StringField()
    task = me.StringField(required=True)
    kind = me.StringField()
    title = me.StringField()
    assignee = me.StringField(required=True)
    due_on = me.DateField(required=True)
    employee = me.ObjectIdField()
    first_name = me.StringField()
    last_name = me.StringField()
    assignment_number = me.StringField()
    job_title = me.StringField()
    division = me.StringField()
    manager_path = me.ListField(me.StringField())

    meta = {"collection": "open_tasks", "queryset_class": ScopedQuerySet,
            "indexes": [("assignee", "due_on"), "holder", ("division", "due_on"), ("manager_path", "due_on"),
                        "due_on"]}


def _people(employee_ids) -> dict:
    """{employee id: the fields a row copies} of `employee_ids`, read by `rows_where` (never `$in` of many)."""
    ids = {key for key in employee_ids if key is not None}
    return {row["_id"]: row for row in rows_where(get_db().employees, {"_id": ids}, dict.fromkeys(PERSON_FIELDS, 1))}


def _rows(kind: str, stored: dict, people: dict) -> list[dict]:
    """The rows of one case or absence as stored: its open tasks; while a case is paused, only those owed whatever
    the case (HR's tasks of flags: its other tasks wait)."""
    paused = bool(stored.get("paused"))

    def listed(task: dict) -> bool:
        return task.get("status", "open") == "open" and (not paused or task.get("kind") in OWED_WHATEVER_THE_CASE)

    person = people.get(stored.get("employee")) or {}
    copied = {name: person[name] for name in PERSON_FIELDS if person.get(name) is not None}
    return [{"holder": stored["_id"], "holder_kind": kind, "task": task["id"], "kind": task.get("kind"),
             "title": task.get("title"), "assignee": task["assignee"], "due_on": task["due_on"],
             "employee": stored.get("employee"), **copied,
             **({"case_kind": stored.get("kind")} if kind == "case" else {})}
            for task in stored.get("tasks") or [] if listed(task)]


def sync_open_tasks(document: type[me.Document], ids: list, employees=(), touched: tuple[bool, bool] = (True, True)
                    ) -> None:
    """Write again the rows of the cases or absences `ids` of `document` (Case or Absence) as they are stored,
    and the staff summaries of their employees (with `employees`: those of holders since deleted); `touched`
    says which of the two (rows, summaries) the write may have changed."""
    rows_touched, summaries_touched = touched
    if not ids or not (rows_touched or summaries_touched):
        return
    kind = "case" if document._meta["collection"] == "cases" else "absence"
    fields = HOLDER_FIELDS + (ABSENCE_FIELDS if kind == "absence" else CASE_FIELDS + READ_FOR_DAYS)
    holders = list(rows_where(document._get_collection(), {"_id": ids}, dict.fromkeys(fields, 1)))
    if summaries_touched:
        refresh_staff_summaries({*employees, *(stored.get("employee") for stored in holders)})
    found = {stored["_id"] for stored in holders}
    gone = [key for key in ids if key not in found]
    if kind == "absence":
        sync_rtw_due(holders, gone=gone)
    else:     # the dashboards' roll-ups of the cases (documents/case_rollup.py), the case list's days
        sync_case_rollups(holders, gone=gone)
        keep_list_days(holders)
    if not rows_touched:
        return
    people = _people(stored.get("employee") for stored in holders if stored.get("tasks"))
    rows = [row for stored in holders for row in _rows(kind, stored, people)]
    collection = OpenTask._get_collection()
    before = list(rows_where(collection, {"holder": ids}, {"holder": 1, **TALLIED_FIELDS}))   # for the tallies
    # one equality delete a holder in one command: `$in` of many holders costs rows × ids on the embedded database
    collection.bulk_write([DeleteMany({"holder": key}) for key in ids], ordered=False)
    if rows:
        collection.insert_many(rows, ordered=False)
    move_tallies(before, rows)


def add_open_tasks(kind: str, inserted: list[dict], summaries: bool = True, people: dict | None = None) -> None:
    """The rows of cases or absences (`kind`) just inserted round the documents (`inserted`: as stored, with
    their ids), written without reading them back (nor their employees, when `people` gives them: {employee id:
    employee}); and (with `summaries`) their employees' staff summaries."""
    given = people is not None
    if people is not None:
        people = {key: {name: getattr(employee, name, None) for name in PERSON_FIELDS}
                  for key, employee in people.items()}
    else:
        people = _people(stored.get("employee") for stored in inserted if stored.get("tasks"))
    rows = [row for stored in inserted for row in _rows(kind, stored, people)]
    if rows:
        OpenTask._get_collection().insert_many(rows, ordered=False)
        move_tallies([], rows)
    if kind == "absence":
        add_rtw_due(inserted, people=people if given else None)
    else:
        add_case_rollups(inserted)
        keep_list_days(inserted)
    if summaries:
        refresh_staff_summaries(stored.get("employee") for stored in inserted)


def rebuild_open_tasks(case_document: type[me.Document], absence_document: type[me.Document]) -> int:
    """Every row again from the cases and absences with open tasks (read by the `tasks.status` index);
    returns how many rows there are."""
    holders = [(kind, stored) for document, kind in ((case_document, "case"), (absence_document, "absence"))
               for stored in document._get_collection().find({"tasks.status": "open"},
                                                             dict.fromkeys(HOLDER_FIELDS, 1))]
    people = _people(stored.get("employee") for _, stored in holders)
    rows = [row for kind, stored in holders for row in _rows(kind, stored, people)]
    collection = OpenTask._get_collection()
    collection.delete_many({})
    if rows:
        collection.insert_many(rows, ordered=False)
    recount_tallies(rows)
    rebuild_rtw_due()
    return len(rows)


def refresh_open_task_people() -> int:
    """Copy again onto every row its employee's current name, job title, division and chain of supervisors (after
    the staff hierarchy changed: who oversees a task follows the employee); returns how many rows changed. Reads
    the rows and the employees once each."""
    collection = OpenTask._get_collection()
    rows = list(collection.find({}, {"employee": 1, **TALLIED_FIELDS, **dict.fromkeys(PERSON_FIELDS, 1)}))
    people = _people(row.get("employee") for row in rows)
    writes, moved = [], False
    for row in rows:
        person = people.get(row.get("employee")) or {}
        copied = {name: person.get(name) for name in PERSON_FIELDS}
        if any(row.get(name) != value for name, value in copied.items()):
            writes.append(UpdateOne({"_id": row["_id"]}, {"$set": copied}))
            moved = moved or row.get("division") != copied["division"]
            row.update(copied)
    if writes:
        collection.bulk_write(writes, ordered=False)
    if moved:       # a task's tally is its division's: count them again
        recount_tallies(rows)
    refresh_rtw_due_people()
    return len(writes)


def open_and_overdue(assignees: list[str], today: dt.date) -> tuple[int, int]:
    """(open, overdue) tasks held by `assignees` (a login and its HR queues: a handful): their kept tallies
    (documents/task_tally.py), one indexed read an assignee, never their rows."""
    return held_open_and_overdue(assignees, today)


def _one_id(query: dict) -> list:
    """[the id] of an update filtered by one document's id (the scan's task writes): no read to learn which it
    matched. Its rows are written again as stored even when the rest of the filter matched nothing (the same rows).
    Otherwise []."""
    key = query.get("_id")
    return [key] if isinstance(key, ObjectId) else []


class OpenTasksQuerySet(me.QuerySet):
    """A queryset of cases or absences whose writes keep the open-task rows: the holders an update or delete
    matches are read first (their ids), and their rows written again after it."""

    def update(self, *args, **kwargs):
        touched = _touched(name.split("__")[1] if "__" in name else name for name in kwargs)
        if not any(touched):
            return super().update(*args, **kwargs)
        ids = _one_id(self._query) or list(self.clone().scalar("id"))
        result = super().update(*args, **kwargs)
        sync_open_tasks(self._document, ids, touched=touched)
        return result

    def insert(self, doc_or_docs, *args, **kwargs):
        docs = doc_or_docs if isinstance(doc_or_docs, (list, tuple)) else [doc_or_docs]
        for doc in docs:
            if hasattr(doc, "note_list_days"):     # a case: the days its list filters on, in the same write
                doc.note_list_days()
        result = super().insert(doc_or_docs, *args, **kwargs)
        keys = [getattr(made, "pk", made) for made in (result if isinstance(result, list) else [result])]
        add_open_tasks("case" if self._document._meta["collection"] == "cases" else "absence",
                       [{**doc.to_mongo().to_dict(), "_id": key} for doc, key in zip(docs, keys, strict=True)])
        return result

    def delete(self, *args, **kwargs):
        found = list(self.clone().scalar("id", "employee"))
        result = super().delete(*args, **kwargs)
        sync_open_tasks(self._document, [key for key, _ in found], [employee for _, employee in found])
        return result


class KeepsOpenTasks:
    """Mixin for Case and Absence: a save writes the document's open-task rows again."""

    def save(self, *args, **kwargs):
        new = self.pk is None or self._created
        touched = (True, True) if new else _touched(name.split(".")[0] for name in self._get_changed_fields())
        saved = super().save(*args, **kwargs)
        if new and kwargs.get("force_insert"):
            # Just inserted: no rows can hold its id yet, and it is as this copy holds it (no read back, no delete).
            add_open_tasks("case" if self._meta["collection"] == "cases" else "absence",
                           [self.to_mongo().to_dict()])
        else:
            sync_open_tasks(type(self), [self.pk], touched=touched)
        return saved


ROW_FIELDS = frozenset({"tasks", "paused", "employee", "raw", "rtw", "division", "manager_path", "stages"})
# a raw update may change anything; an interview recorded or undone changes the absence's return-to-work row
# (documents/rtw_due.py); a case's division and chain its roll-ups (documents/case_rollup.py), its stages the days
# the case list filters on (documents/case_days.py)
SUMMARY_FIELDS = frozenset({"employee", "first_day", "last_day", "status", "kind", "stage", "flags", "raw"})


def _touched(fields) -> tuple[bool, bool]:
    """Whether a write to `fields` may change (a holder's rows, its employee's summary): its tasks or a case's
    pause; an absence's days, a case's status, kind, stage or flags."""
    fields = set(fields)
    return bool(fields & ROW_FIELDS), bool(fields & SUMMARY_FIELDS)
