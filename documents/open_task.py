"""The open tasks kept apart from the cases and absences that hold them, one small row a task, so that the task
badge every page shows ("My tasks": open and overdue) is two indexed counts, not a scan of every case and absence.

A holder's rows are written again, whole, after every write to it: `Document.save` and the queryset's `update`
and `delete` of a case or an absence resynchronise the rows of the holders they touched (`KeepsOpenTasks`,
`OpenTasksQuerySet`). Writes that go round the documents (a bulk import, a restore) call `sync_open_tasks` or
`rebuild_open_tasks` themselves; the nightly scan rebuilds them all.
"""
from __future__ import annotations

import datetime as dt

import mongoengine as me

from documents.base import midnight

HOLDER_FIELDS = ("employee", "tasks", "paused")


class OpenTask(me.Document):
    """One open task: who holds it, by when, and where it lives (`holder`: a case or an absence)."""

    holder = me.ObjectIdField(required=True)
    holder_kind = me.StringField(required=True, choices=("case", "absence"))
    task = me.StringField(required=True)
    assignee = me.StringField(required=True)
    due_on = me.DateField(required=True)
    employee = me.ObjectIdField()

    meta = {"collection": "open_tasks", "indexes": [("assignee", "due_on"), "holder"]}


def _rows(kind: str, stored: dict) -> list[dict]:
    """The rows of one case or absence as stored: its open tasks, none while a case is paused (its tasks wait)."""
    if stored.get("paused"):
        return []
    return [{"holder": stored["_id"], "holder_kind": kind, "task": task["id"], "assignee": task["assignee"],
             "due_on": task["due_on"], "employee": stored.get("employee")}
            for task in stored.get("tasks") or [] if task.get("status", "open") == "open"]


def sync_open_tasks(document: type[me.Document], ids: list) -> None:
    """Write again the rows of the cases or absences `ids` of `document` (Case or Absence) as they are stored."""
    if not ids:
        return
    kind = "case" if document._meta["collection"] == "cases" else "absence"
    holders = document._get_collection().find({"_id": ids[0]} if len(ids) == 1 else {"_id": {"$in": ids}},
                                              dict.fromkeys(HOLDER_FIELDS, 1))
    rows = [row for stored in holders for row in _rows(kind, stored)]
    collection = OpenTask._get_collection()
    collection.delete_many({"holder": ids[0]} if len(ids) == 1 else {"holder": {"$in": ids}})
    if rows:
        collection.insert_many(rows, ordered=False)


def add_open_tasks(kind: str, inserted: list[dict]) -> None:
    """The rows of cases or absences (`kind`) just inserted round the documents (`inserted`: as stored, with
    their ids), written without reading them back."""
    rows = [row for stored in inserted for row in _rows(kind, stored)]
    if rows:
        OpenTask._get_collection().insert_many(rows, ordered=False)


def rebuild_open_tasks(case_document: type[me.Document], absence_document: type[me.Document]) -> int:
    """Every row again from the cases and absences with open tasks (read by the `tasks.status` index);
    returns how many rows there are."""
    rows = [row for document, kind in ((case_document, "case"), (absence_document, "absence"))
            for stored in document._get_collection().find({"tasks.status": "open"}, dict.fromkeys(HOLDER_FIELDS, 1))
            for row in _rows(kind, stored)]
    collection = OpenTask._get_collection()
    collection.delete_many({})
    if rows:
        collection.insert_many(rows, ordered=False)
    return len(rows)


def open_and_overdue(assignees: list[str], today: dt.date) -> tuple[int, int]:
    """(open, overdue) tasks held by `assignees` (a login and its HR queues: a handful), two indexed counts."""
    collection = OpenTask._get_collection()
    who = assignees[0] if len(assignees) == 1 else {"$in": assignees}
    return (collection.count_documents({"assignee": who}),
            collection.count_documents({"assignee": who, "due_on": {"$lt": midnight(today)}}))


class OpenTasksQuerySet(me.QuerySet):
    """A queryset of cases or absences whose writes keep the open-task rows: the holders an update or delete
    matches are read first (their ids), and their rows written again after it."""

    def update(self, *args, **kwargs):
        if not any(_keeps(name.split("__")[1] if "__" in name else name) for name in kwargs):
            return super().update(*args, **kwargs)
        ids = list(self.clone().scalar("id"))
        result = super().update(*args, **kwargs)
        sync_open_tasks(self._document, ids)
        return result

    def delete(self, *args, **kwargs):
        ids = list(self.clone().scalar("id"))
        result = super().delete(*args, **kwargs)
        sync_open_tasks(self._document, ids)
        return result


class KeepsOpenTasks:
    """Mixin for Case and Absence: a save writes the document's open-task rows again."""

    def save(self, *args, **kwargs):
        touched = self.pk is None or self._created or any(_keeps(name.split(".")[0])
                                                          for name in self._get_changed_fields())
        saved = super().save(*args, **kwargs)
        if touched:
            sync_open_tasks(type(self), [self.pk])
        return saved


def _keeps(field: str) -> bool:
    """Whether a write to `field` may change a holder's rows (its tasks, a case's pause, a raw update)."""
    return field in ("tasks", "paused", "employee", "raw", "__raw__") or field.startswith("__raw")
