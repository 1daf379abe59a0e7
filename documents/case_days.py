"""Three days kept on each case for HR's case list to filter on by an index (services/reads/case_list.py), worked
out from the case's own tasks and stages: `next_due_on`, the earliest due day of its open tasks (an overdue task:
before today); `warning_until`, the expiry of the warning on record (the latest stage that gave one, as
`Case.warned_stage` says; live while today is not past it); `review_ends_on`, the end of the current stage's
review period.

Filtering on the tasks and stages themselves matched inside every case's lists, which the embedded database reads
whole: the list of one division's cases with an overdue task took 9.9 s at 25,000 staff.

`Case.save` and the inserts round the documents set them in the same write (`Case.note_list_days`); a write that
goes round the case (a queryset's or a bulk update) has them written again, only where they changed, in the same
call that keeps its open-task rows (`keep_list_days`, from documents/open_task.py); the kept rebuild writes them
all (`rebuild_list_days`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from mongoengine.connection import get_db
from pymongo import UpdateOne

from documents.base import as_date, midnight

LIST_DAYS = ("next_due_on", "warning_until", "review_ends_on")
# What they are worked out from, as a projection of a stored case.
READ_FOR_DAYS = ("tasks", "stages.warning_expires_on", "stages.review_date", *LIST_DAYS)


def _field(item: Any, name: str):
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def list_days(tasks: Iterable, stages: list) -> dict[str, dt.date | None]:
    """{day's name: day or None} of a case's tasks and stages, as documents or as stored (dicts)."""
    due = [as_date(_field(task, "due_on")) for task in tasks
           if _field(task, "status") == "open" and _field(task, "due_on") is not None]
    warned = next((as_date(_field(stage, "warning_expires_on")) for stage in reversed(stages)
                   if _field(stage, "warning_expires_on")), None)
    review = _field(stages[-1], "review_date") if stages else None
    return {"next_due_on": min(due) if due else None, "warning_until": warned,
            "review_ends_on": as_date(review) if review else None}


def _changed(stored: dict) -> dict[str, dt.date | None]:
    """The days of a stored case (read with READ_FOR_DAYS) that differ from those it holds."""
    wanted = list_days(stored.get("tasks") or [], stored.get("stages") or [])
    return {name: day for name, day in wanted.items()
            if day != (as_date(stored[name]) if stored.get(name) else None)}


def _update(key, changed: dict[str, dt.date | None]) -> UpdateOne:
    set_ = {name: midnight(day) for name, day in changed.items() if day is not None}
    unset = {name: "" for name, day in changed.items() if day is None}
    return UpdateOne({"_id": key}, {**({"$set": set_} if set_ else {}), **({"$unset": unset} if unset else {})})


def keep_list_days(stored_cases: Iterable[dict]) -> int:
    """Write again the days of the cases `stored_cases` (as stored, read with READ_FOR_DAYS) where they differ
    from those they hold (one bulk write, none when nothing differs); returns how many changed."""
    writes = [_update(stored["_id"], changed) for stored in stored_cases if (changed := _changed(stored))]
    if writes:
        get_db().cases.bulk_write(writes, ordered=False)
    return len(writes)


def rebuild_list_days() -> int:
    """The days of every case worked out again (one read of them all), written where they differ; returns how
    many changed."""
    changed = 0
    batch: list[dict] = []
    for stored in get_db().cases.find({}, dict.fromkeys(READ_FOR_DAYS, 1)):
        batch.append(stored)
        if len(batch) == 2000:
            changed, batch = changed + keep_list_days(batch), []
    return changed + keep_list_days(batch)
