"""What the dashboards count of the cases, kept apart from them: one small mark a case that counts in a figure (in
progress, with a flag open, or an open long-term case with a change of pay ahead), holding what it counts as, and
roll-ups of those marks, one per division and one per (division, supervisor, line below them) as the return-to-work
tallies are keyed (documents/rtw_due.py), so that a dashboard reads a few roll-ups by an index, never the cases.

A roll-up holds counts by field, each moved by `$inc` of the difference between a case's mark before and after:
`cases.<kind>|<stage>|<open, monitoring or paused>` (a paused case counts as open and as paused), `flags.<kind>`
(open flags, whatever the case's status), `pay.<kind>|<day>` (open long-term cases whose change of pay falls on the
day; each case once a day) and `pairs.<kind>|<day>|<next day>` (a case's two successive days of one kind less than
a window apart, so a case with two days in one window counts once: its days in the window less its pairs in it).
Counts that fall to nought stay as noughts.

Kept in the same writes as the open-task rows (documents/open_task.py calls `sync_case_rollups` and
`add_case_rollups` for cases), after the hierarchy's bulk re-chaining of cases (`refresh_case_rollups_of`), and
written again whole by the kept rebuild (`rebuild_case_rollups`).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable

import mongoengine as me
from mongoengine.connection import get_db
from pymongo import ReplaceOne, UpdateOne

from casework.workflow import MILESTONE_TASKS
from documents.reading import rows_where
from documents.rtw_due import LineKeyed, _tally_keys, rewrite_rows

CASE_FIELDS = ("division", "manager_path", "kind", "stage", "status", "paused", "flags", "tasks")
IN_PROGRESS = ("open", "monitoring")
PAY_KINDS = ("half_pay", "nil_pay")
PAY_WINDOW_DAYS = 28


class CaseMark(me.Document):
    """What one case counts as on the dashboards (its id is the case's): see `mark`."""

    case = me.ObjectIdField(primary_key=True)
    division = me.StringField()
    manager_path = me.ListField(me.StringField())
    kind = me.StringField()
    stage = me.StringField()
    status = me.StringField()
    paused = me.BooleanField()
    flags = me.DictField()
    pay = me.DictField()

    meta = {"collection": "case_marks"}


class CaseRollup(LineKeyed):
    """The marks of one division or line, counted by field (see the module's docstring); keyed as the
    return-to-work tallies are."""

    cases = me.DictField()
    flags = me.DictField()
    pay = me.DictField()
    pairs = me.DictField()

    meta = {"collection": "case_rollups", "indexes": [("level", "division"), "manager"]}


def field_word(word: str) -> str:
    """A stage key as a part of a field's name: no `.` or `$`, which a field's name cannot hold, nor the `|` that
    parts it."""
    return word.replace("%", "%25").replace(".", "%2E").replace("$", "%24").replace("|", "%7C")


def plain_word(word: str) -> str:
    """A part of a field's name as the stage key it was made from (`field_word` undone)."""
    return word.replace("%7C", "|").replace("%2E", ".").replace("%24", "$").replace("%25", "%")


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def pay_days(tasks: Iterable[dict]) -> dict[str, list[str]]:
    """{pay kind: the distinct ISO days of its changes of pay, in order} of a case's tasks as stored, cancelled
    ones left out; a task stored without `event_on` is ahead of its due date by the days its kind gives."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    for task in tasks:
        kind = task.get("kind")
        if kind not in PAY_KINDS or task.get("status") == "cancelled":
            continue
        on = task.get("event_on")
        day = _day(on) if on is not None else _day(task["due_on"]) + dt.timedelta(days=MILESTONE_TASKS[kind][1])
        found[kind].add(day.isoformat())
    return {kind: sorted(days) for kind, days in sorted(found.items())}


def mark(case: dict) -> dict | None:
    """The mark of a case as stored (with CASE_FIELDS): None when it counts in no figure."""
    status = case.get("status")
    flags: defaultdict[str, int] = defaultdict(int)
    for flag in case.get("flags") or []:
        if flag.get("status", "open") == "open":
            flags[flag["kind"]] += 1
    pay = pay_days(case.get("tasks") or []) if (case.get("kind"), status) == ("LTS", "open") else {}
    if status not in IN_PROGRESS and not flags and not pay:
        return None
    return {"_id": case["_id"], "division": case.get("division"), "manager_path": list(case.get("manager_path") or []),
            "kind": case.get("kind"), "stage": case.get("stage"), "status": status,
            "paused": bool(case.get("paused")), "flags": dict(sorted(flags.items())), "pay": pay}


def counts(row: dict) -> dict[str, int]:
    """What a mark adds to each field of its roll-ups."""
    found: dict[str, int] = {}
    if row["status"] in IN_PROGRESS:
        cell = f"cases.{row['kind']}|{field_word(row['stage'])}|"
        if row["status"] == "monitoring":
            found[cell + "monitoring"] = 1
        else:
            found[cell + "open"] = 1
            if row["paused"]:
                found[cell + "paused"] = 1
    for kind, count in row["flags"].items():
        found[f"flags.{kind}"] = count
    for kind, days in row["pay"].items():
        for day in days:
            found[f"pay.{kind}|{day}"] = 1
        for first, then in zip(days, days[1:], strict=False):
            if (dt.date.fromisoformat(then) - dt.date.fromisoformat(first)).days <= PAY_WINDOW_DAYS:
                found[f"pairs.{kind}|{first}|{then}"] = 1
    return found


def _changes(removed: Iterable[dict], added: Iterable[dict]) -> dict[str, tuple[dict, dict[str, int]]]:
    """{roll-up key: (its identifying fields, {field: change})} for marks `removed` (−1) and `added` (+1), only the
    changes that are not nought."""
    change: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    fields = {}
    for rows, step in ((removed, -1), (added, 1)):
        for row in rows:
            added_counts = counts(row)
            for key, what in _tally_keys(row):
                fields[key] = what
                for name, count in added_counts.items():
                    change[key][name] += step * count
    found = {key: (fields[key], {name: count for name, count in moved.items() if count})
             for key, moved in change.items()}
    return {key: (what, moved) for key, (what, moved) in found.items() if moved}


def rollup_writes(removed: Iterable[dict], added: Iterable[dict]) -> list[UpdateOne]:
    """`$inc` of each roll-up's fields for marks `removed` (−1) and `added` (+1), only where the sum is not nought."""
    return [UpdateOne({"_id": key}, {"$inc": moved, "$setOnInsert": what}, upsert=True)
            for key, (what, moved) in _changes(removed, added).items()]


def _write(db, writes: list) -> None:
    for start in range(0, len(writes), 2000):
        db.case_rollups.bulk_write(writes[start:start + 2000], ordered=False)


def sync_case_rollups(cases: list[dict], gone=()) -> None:
    """Write again the marks of `cases` (as stored, with CASE_FIELDS) and remove those of the cases `gone` (ids
    since deleted), moving the roll-ups by the difference."""
    ids = [case["_id"] for case in cases] + list(gone)
    if not ids:
        return
    db = get_db()
    wanted = {row["_id"]: row for row in map(mark, cases) if row is not None}
    removed, added = rewrite_rows(db.case_marks, ids, wanted)
    _write(db, rollup_writes(removed, added))


def add_case_rollups(inserted: list[dict]) -> None:
    """The marks of cases just inserted round the documents (as stored, with their ids): nothing to read back."""
    rows = [row for row in map(mark, inserted) if row is not None]
    if not rows:
        return
    db = get_db()
    db.case_marks.bulk_write([ReplaceOne({"_id": row["_id"]}, row, upsert=True) for row in rows], ordered=False)
    _write(db, rollup_writes([], rows))


def refresh_case_rollups_of(case_ids: list) -> None:
    """Write again the marks of the cases `case_ids` as stored (after a write round the documents, such as the
    hierarchy's bulk re-chaining), read by `rows_where`."""
    if case_ids:
        sync_case_rollups(list(rows_where(get_db().cases, {"_id": case_ids}, dict.fromkeys(CASE_FIELDS, 1))))


def _marks_of_every_case() -> list[dict]:
    """The marks of every case, from one read of them all."""
    return [row for row in map(mark, get_db().cases.find({}, dict.fromkeys(CASE_FIELDS, 1))) if row is not None]


def recount_case_rollups() -> dict[str, dict]:
    """Every roll-up counted afresh from the cases (one read of them all): {key: roll-up}, noughts left out."""
    return _rollups(_marks_of_every_case())


def _rollups(rows: list[dict]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for key, (what, moved) in _changes([], rows).items():
        rollup = found[key] = {"_id": key, **what}
        for name, count in moved.items():
            part, field = name.split(".", 1)
            rollup.setdefault(part, {})[field] = count
    return found


def kept_case_rollups() -> dict[str, dict]:
    """Every roll-up as kept: {key: roll-up}, noughts left out (to compare with `recount_case_rollups`)."""
    found = {}
    for rollup in get_db().case_rollups.find({}):
        for part in ("cases", "flags", "pay", "pairs"):
            kept = {name: count for name, count in (rollup.pop(part, None) or {}).items() if count}
            if kept:
                rollup[part] = kept
        if any(part in rollup for part in ("cases", "flags", "pay", "pairs")):
            found[rollup["_id"]] = rollup
    return found


def rebuild_case_rollups() -> int:
    """Every mark and roll-up again from the cases (one read of them all); returns how many marks there are."""
    db, rows = get_db(), _marks_of_every_case()
    db.case_marks.delete_many({})
    if rows:
        db.case_marks.insert_many(rows, ordered=False)
    db.case_rollups.delete_many({})
    _write(db, rollup_writes([], rows))
    return len(rows)


def rollups_for(user) -> list[dict]:
    """The roll-ups covering what `user` may see (as `scope_filter` decides it), as stored: every division's
    (support and admins), the HR advisor's divisions', and the lines below the manager in any other division, each
    read by an index."""
    collection = CaseRollup._get_collection()
    if user.has_role("admin", "support"):
        return list(collection.find({"level": "division"}))
    divisions = sorted(user.hr_divisions or []) if user.has_role("hr") else []
    found = [row for division in divisions for row in collection.find({"level": "division", "division": division})]
    if user.has_role("manager") and user.assignment_number:
        found += [row for row in collection.find({"manager": user.assignment_number})
                  if row.get("division") not in divisions]
    return found
