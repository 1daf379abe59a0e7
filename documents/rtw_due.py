"""Return-to-work interviews outstanding, kept apart from the absences: one small row an absence that has a last
day and no interview recorded (with its employee's name, division and chain of supervisors, as the open-task rows
carry them), and tallies of those rows by last day, one per division and one per (division, supervisor, line below
them), so that the dashboards count the outstanding interviews of a division or a manager's lines from a few tallies and
the list behind the figure pages the rows by an index, never reading every employee in scope or every absence
without an interview.

Kept in the same writes as the open-task rows (documents/open_task.py calls `sync_rtw_due`, `add_rtw_due`,
`rebuild_rtw_due` and `refresh_rtw_due_people`): every save, update, insert and delete of an absence, the nightly
scan's rebuild, and the hierarchy import (who oversees an interview follows the employee); and after a write round
the documents (the absence import's bulk write), by `refresh_rtw_due_of` its employees, with their summaries.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import mongoengine as me
from mongoengine.connection import get_db
from pymongo import DeleteOne, InsertOne, ReplaceOne, UpdateOne

from documents.base import midnight, write_or_redo
from documents.reading import rows_where
from documents.scope import ScopedQuerySet
from documents.task_tally import day_count_writes, write_day_counts

ABSENCE_FIELDS = {"employee": 1, "first_day": 1, "last_day": 1, "rtw.held_on": 1}
PERSON_FIELDS = ("first_name", "last_name", "assignment_number", "division", "manager_path")
WITHOUT_INTERVIEW = {"rtw.held_on": None, "last_day": {"$ne": None}}   # the ("rtw.held_on", "last_day") index
CHUNK = 2000    # writes a command


class RtwDue(me.Document):
    """One absence with a last day and no return-to-work interview recorded (its id is the absence's)."""

    absence = me.ObjectIdField(primary_key=True)
    employee = me.ObjectIdField()
    first_day = me.DateField()
    last_day = me.DateField(required=True)
    first_name = me.StringField()
    last_name = me.StringField()
    assignment_number = me.StringField()
    division = me.StringField()
    manager_path = me.ListField(me.StringField())

    meta = {"collection": "rtw_due", "queryset_class": ScopedQuerySet,
            "indexes": [("division", "last_day"), ("manager_path", "last_day"), ("last_day", "first_day"),
                        "employee"]}

    @property
    def name(self) -> str:
        return f"{self.first_name or ''} {self.last_name or ''}".strip()


class LineKeyed(me.Document):
    """A count kept for one division (`level` "division"), or for one division below `manager` in the line of
    `group` (`level` "line": the manager's direct report that line goes through, or the manager for their own
    direct reports), as a manager's dashboard groups them: a row counts in the line of each of its supervisors, so
    a manager reads one a line (keys: `_tally_keys`). Each kind declares its collection and the same indexes."""

    key = me.StringField(primary_key=True)
    level = me.StringField(required=True, choices=("division", "line"))
    division = me.StringField()
    manager = me.StringField()
    group = me.StringField()

    meta: dict = {"abstract": True}


class RtwTally(LineKeyed):
    """How many outstanding interviews end on each last day (`days`: {ISO date: count}), by division or line."""

    days = me.DictField()

    meta = {"collection": "rtw_tallies", "indexes": [("level", "division"), "manager"]}

    def before(self, day: dt.date) -> tuple[int, dt.date | None]:
        """(how many last days fall before `day`, the oldest of them)."""
        found = [(iso, count) for iso, count in self.days.items() if count > 0 and iso < day.isoformat()]
        return sum(count for _, count in found), min((dt.date.fromisoformat(iso) for iso, _ in found), default=None)


def _row(absence: dict, people: dict) -> dict | None:
    """The row an absence as stored keeps (None: it has no last day, or its interview is recorded)."""
    if absence.get("last_day") is None or (absence.get("rtw") or {}).get("held_on") is not None:
        return None
    person = people.get(absence.get("employee")) or {}
    return {"_id": absence["_id"], "employee": absence.get("employee"), "first_day": absence.get("first_day"),
            "last_day": absence["last_day"], **{name: person[name] for name in PERSON_FIELDS
                                                 if person.get(name) is not None}}


def _tally_keys(row: dict) -> list[tuple[str, dict]]:
    """The tallies a row counts in: its division's, and for each supervisor in its chain the line it is in below
    them (none for someone no longer on record)."""
    division = row.get("division")
    if division is None:
        return []
    path = list(row.get("manager_path") or [])
    keys = [(f"division|{division}", {"level": "division", "division": division})]
    for place, manager in enumerate(path):
        group = path[place - 1] if place else manager
        keys.append((f"line|{division}|{manager}|{group}",
                     {"level": "line", "division": division, "manager": manager, "group": group}))
    return keys


def _tally_writes(removed, added, kept: set | None = None) -> list[UpdateOne | InsertOne]:
    """`$inc` of each tally's days for rows `removed` (−1) and `added` (+1), only where the sum is not nought. With
    `kept` (the keys of the tallies stored), a tally not stored yet is inserted and the others updated without an
    upsert (see `write_tallies`); without it each is an upsert."""
    return day_count_writes(*_tally_change(removed, added), kept)


def _tally_change(removed, added) -> tuple[dict[str, dict[str, int]], dict[str, dict]]:
    """({tally id: {ISO day: step}}, {tally id: its fields}) for rows `removed` (−1) and `added` (+1)."""
    change: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    fields = {}
    for rows, step in ((removed, -1), (added, 1)):
        for row in rows:
            for key, what in _tally_keys(row):
                change[key][row["last_day"].date().isoformat()] += step
                fields[key] = what
    return change, fields  # type: ignore[return-value]


def write_tallies(db, removed, added) -> None:
    """Move the tallies by rows `removed` and `added` (documents/task_tally.py `write_day_counts`)."""
    write_day_counts(db.rtw_tallies, *_tally_change(removed, added))


def _write_rows(collection, rows: list[dict], kept, removed_ids=()) -> None:
    """Write the kept rows `rows` of `collection` (each replacing its kept row when `kept` holds its id, otherwise
    inserted: never an upsert) and delete the rows `removed_ids`; a row inserted meanwhile by someone else is
    replaced."""
    writes: list[DeleteOne | ReplaceOne | InsertOne] = [DeleteOne({"_id": key}) for key in removed_ids]
    writes += [ReplaceOne({"_id": row["_id"]}, row) if row["_id"] in kept else InsertOne(row) for row in rows]
    for start in range(0, len(writes), CHUNK):
        write_or_redo(collection, writes[start:start + CHUNK],
                      lambda doc: ReplaceOne({"_id": doc["_id"]}, doc, upsert=True))


def _people(employee_ids) -> dict:
    ids = {key for key in employee_ids if key is not None}
    return {row["_id"]: row for row in rows_where(get_db().employees, {"_id": ids}, dict.fromkeys(PERSON_FIELDS, 1))}


def sync_rtw_due(absences: list[dict], gone=(), people: dict | None = None) -> None:
    """Write again the rows of `absences` (as stored, with ABSENCE_FIELDS) and remove those of the absences `gone`
    (ids since deleted), moving the tallies by the difference; `people`: {employee id: employee as stored} when the
    caller has read them."""
    ids = [absence["_id"] for absence in absences] + list(gone)
    if not ids:
        return
    db = get_db()
    if people is None:
        people = _people(absence.get("employee") for absence in absences)
    wanted = {row["_id"]: row for row in (_row(absence, people) for absence in absences) if row is not None}
    removed, added = rewrite_rows(db.rtw_due, ids, wanted)
    write_tallies(db, removed, added)


def rewrite_rows(collection, ids: list, wanted: dict) -> tuple[list[dict], list[dict]]:
    """Make the kept rows of `collection` with ids `ids` those of `wanted` ({id: row}; an id not in it keeps no row):
    the rows as kept read by `rows_where`, only those that differ written. Returns (the rows removed or replaced, as
    they were; the rows added or replaced), for the caller to move its tallies by the difference."""
    kept = {row["_id"]: row for row in rows_where(collection, {"_id": ids})}
    removed = [row for key, row in kept.items() if wanted.get(key) != row]
    added = [row for key, row in wanted.items() if kept.get(key) != row]
    _write_rows(collection, added, kept, [row["_id"] for row in removed if row["_id"] not in wanted])
    return removed, added


def refresh_rtw_due_of(employee_ids) -> None:
    """Write again the rows of every absence of `employee_ids` (after a write round the documents, such as the
    absence import's bulk write): their absences and kept rows read by `rows_where`, the difference written."""
    ids = {key for key in employee_ids if key is not None}
    if not ids:
        return
    db = get_db()
    absences = list(rows_where(db.absences, {"employee": ids}, ABSENCE_FIELDS))
    found = {absence["_id"] for absence in absences}
    gone = [row["_id"] for row in rows_where(db.rtw_due, {"employee": ids}, {"employee": 1})
            if row["_id"] not in found]
    sync_rtw_due(absences, gone)


def add_rtw_due(inserted: list[dict], people: dict | None = None) -> None:
    """The rows of absences just inserted round the documents (as stored, with their ids): no rows to read back."""
    rows_wanted = [absence for absence in inserted if _row(absence, {}) is not None]
    if not rows_wanted:
        return
    if people is None:
        people = _people(absence.get("employee") for absence in rows_wanted)
    rows = [row for row in (_row(absence, people) for absence in rows_wanted) if row is not None]
    db = get_db()
    _write_rows(db.rtw_due, rows, ())
    write_tallies(db, [], rows)


def rebuild_rtw_due() -> int:
    """Every row and tally again from the absences without an interview (read by their index) and the employees
    (one read); returns how many rows there are."""
    db = get_db()
    absences = list(db.absences.find(WITHOUT_INTERVIEW, ABSENCE_FIELDS))
    people = {row["_id"]: row for row in db.employees.find({}, dict.fromkeys(PERSON_FIELDS, 1))}
    rows = [row for row in (_row(absence, people) for absence in absences) if row is not None]
    db.rtw_due.delete_many({})
    if rows:
        db.rtw_due.insert_many(rows, ordered=False)
    _tallies_from(db, rows)
    return len(rows)


def _tallies_from(db, rows: list[dict]) -> None:
    """Every tally again from all the rows."""
    db.rtw_tallies.delete_many({})
    write_tallies(db, [], rows)


def refresh_rtw_due_people() -> int:
    """Copy again onto every row its employee's current name, division and chain of supervisors (after the staff
    hierarchy changed), and count the tallies again if any row moved; returns how many rows changed."""
    db = get_db()
    rows = list(db.rtw_due.find({}))
    people = {row["_id"]: row for row in db.employees.find({}, dict.fromkeys(PERSON_FIELDS, 1))}
    fresh = [_row({**row, "rtw": None}, people) for row in rows]
    changed = [row for row, was in zip(fresh, rows, strict=True) if row != was]
    if changed:
        db.rtw_due.bulk_write([ReplaceOne({"_id": row["_id"]}, row) for row in changed if row], ordered=False)
        _tallies_from(db, [row for row in fresh if row])
    return len(changed)


def tallies_for(user) -> list[RtwTally]:
    """The tallies covering what `user` may see (as `scope_filter` decides it): every division's (support and
    admins), the HR advisor's divisions', and the lines below the manager in any other division, each read by an
    index."""
    if user.has_role("admin", "support"):
        return list(RtwTally.objects(level="division"))
    divisions = list(user.hr_divisions or []) if user.has_role("hr") else []
    found = list(RtwTally.objects(level="division", division__in=divisions)) if divisions else []
    if user.has_role("manager") and user.assignment_number:
        found += [tally for tally in RtwTally.objects(manager=user.assignment_number)
                  if tally.division not in divisions]
    return found


def outstanding_query(today: dt.date) -> dict:
    """The rows whose last day is before `today` (ended, no interview recorded)."""
    return {"last_day": {"$lt": midnight(today)}}
