"""How many open tasks each holder has, by due day, kept beside the open-task rows (documents/open_task.py): one
small tally a holder (a login or an HR queue) and division (the task's employee's), `days`: {ISO due day: count},
so that the badge every page shows ("My tasks": open and overdue), the task inbox's counts and HR's "who holds
them" are a few indexed reads of tallies, never a count or an aggregation over the rows (1.2–2 s for an HR queue
at 25,000 staff on the embedded database).

Kept in the same writes as the rows: `open_task.sync_open_tasks` moves the tallies by the difference between a
holder's rows before and after, `add_open_tasks` adds the rows inserted, and `rebuild_open_tasks` (the nightly
scan, the kept rebuild) and `refresh_open_task_people` (after the hierarchy changed) count them all again.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

import mongoengine as me
from mongoengine.connection import get_db
from pymongo import InsertOne, UpdateOne

from documents.base import write_or_redo
from documents.reading import rows_where

TALLIED_FIELDS = {"assignee": 1, "division": 1, "due_on": 1}    # what a tally counts of a row
CHUNK = 2000
FEW_TALLIES = 20   # tallies upserted without reading which are kept (see `write_day_counts`)


class TaskTally(me.Document):
    """The open tasks one holder (`assignee`) has of one division's staff (`division`; "" when the row carries
    none), by due day: `days` {ISO date: count}. A day whose count went back to nought stays as 0 until the next
    recount (the nightly scan's)."""

    key = me.StringField(primary_key=True)
    assignee = me.StringField(required=True)
    division = me.StringField()
    days = me.DictField()

    meta = {"collection": "task_tallies", "indexes": ["assignee", "division"]}


def tally_key(row: dict) -> tuple[str, dict]:
    """(the tally's id, its fields) counting the open-task row `row` (as stored)."""
    division = row.get("division") or ""
    return f"{row['assignee']}|{division}", {"assignee": row["assignee"], "division": division}


def _day(row: dict) -> str:
    due = row["due_on"]
    return (due.date() if isinstance(due, dt.datetime) else due).isoformat()


def tally_change(removed, added) -> tuple[dict[str, dict[str, int]], dict[str, dict]]:
    """({tally id: {ISO day: step}}, {tally id: its fields}) for rows `removed` (−1) and `added` (+1)."""
    change: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    fields = {}
    for rows, step in ((removed, -1), (added, 1)):
        for row in rows:
            key, what = tally_key(row)
            change[key][_day(row)] += step
            fields[key] = what
    return change, fields  # type: ignore[return-value]


def tally_writes(removed, added) -> list[UpdateOne | InsertOne]:
    """`$inc` of each tally's days for rows `removed` (−1) and `added` (+1), only where the sum is not nought."""
    return day_count_writes(*tally_change(removed, added))


def day_count_writes(change: Mapping[str, Mapping[str, int]], fields: dict[str, dict],
                     kept: set | None = None) -> list[UpdateOne | InsertOne]:
    """The `$inc` of each tally `change` names ({tally id: {ISO day: step}}), made with its `fields` when new,
    only where a day's step is not nought (the task and the return-to-work tallies alike). Without `kept` each is
    an upsert; with it (the ids of the tallies stored) a tally not stored yet is inserted and the others updated,
    never upserted (the embedded database takes an upsert about ten times as long as either)."""
    writes: list[UpdateOne | InsertOne] = []
    for key, days in change.items():
        moved = {f"days.{iso}": count for iso, count in days.items() if count}
        if not moved:
            continue
        if kept is None:
            writes.append(UpdateOne({"_id": key}, {"$inc": moved, "$setOnInsert": fields[key]}, upsert=True))
        elif key in kept:
            writes.append(UpdateOne({"_id": key}, {"$inc": moved}))
        else:
            # stored in the order an upsert stores it: the days, then the other fields by name
            writes.append(InsertOne({"_id": key, "days": {iso: count for iso, count in days.items() if count},
                                     **dict(sorted(fields[key].items()))}))
    return writes


def write_day_counts(collection, change: Mapping[str, Mapping[str, int]], fields: dict[str, dict]) -> None:
    """Move the day-count tallies of `collection` by `change` (as `day_count_writes` takes it; the task and the
    return-to-work tallies alike). For more than FEW_TALLIES tallies (a bulk write) those concerned are read first
    (their keys), so that a new one is inserted and a kept one updated, never upserted (the embedded database takes
    an upsert about ten times as long); one inserted meanwhile by someone else gets the increments instead. A few
    (one record saved) are upserted without a read."""
    if not change:
        return
    kept = ({row["_id"] for row in rows_where(collection, {"_id": set(change)}, {"_id": 1})}
            if len(change) > FEW_TALLIES else None)
    writes = day_count_writes(change, fields, kept)
    for start in range(0, len(writes), CHUNK):
        write_or_redo(collection, writes[start:start + CHUNK], lambda doc: UpdateOne(
            {"_id": doc["_id"]}, {"$inc": {f"days.{iso}": count for iso, count in doc["days"].items()}}))


def move_tallies(removed, added) -> None:
    """Move the tallies by the rows `removed` and `added` (as stored, with TALLIED_FIELDS)."""
    write_day_counts(get_db().task_tallies, *tally_change(removed, added))


def recount_tallies(rows) -> None:
    """Every tally again from all the open-task rows `rows`."""
    get_db().task_tallies.delete_many({})
    move_tallies([], rows)


def recounted(rows) -> dict[str, dict[str, int]]:
    """{tally id: {ISO day: count}} of `rows` counted afresh (what the kept tallies must hold, noughts aside)."""
    found: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        found[tally_key(row)[0]][_day(row)] += 1
    return {key: dict(days) for key, days in found.items()}


def kept_tallies() -> dict[str, dict[str, int]]:
    """{tally id: {ISO day: count}} as kept, without the days counted back to nought."""
    kept = {row["_id"]: {iso: count for iso, count in (row.get("days") or {}).items() if count}
            for row in get_db().task_tallies.find({})}
    return {key: days for key, days in kept.items() if days}


def open_and_overdue_of(tallies, today: dt.date) -> tuple[int, int]:
    """(open, overdue as of `today`) in the tallies given (raw rows)."""
    cutoff = today.isoformat()
    counts = [(iso, count) for tally in tallies for iso, count in (tally.get("days") or {}).items()]
    return sum(count for _, count in counts), sum(count for iso, count in counts if iso < cutoff)


def tallies_held_by(assignees: list[str]) -> list[dict]:
    """The tallies of `assignees` (a login and its HR queues: a handful), one indexed equality read each."""
    collection = get_db().task_tallies
    return [tally for who in dict.fromkeys(assignees) for tally in collection.find({"assignee": who})]


def tallies_of_divisions(divisions: list[str]) -> list[dict]:
    """The tallies of the tasks of `divisions`' staff (an HR advisor's: a few), one indexed equality read each."""
    collection = get_db().task_tallies
    return [tally for division in dict.fromkeys(divisions) for tally in collection.find({"division": division})]


def held_open_and_overdue(assignees: list[str], today: dt.date) -> tuple[int, int]:
    """(open, overdue as of `today`) tasks held by `assignees`: their tallies, read by the assignee index."""
    return open_and_overdue_of(tallies_held_by(assignees), today)
