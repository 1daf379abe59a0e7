"""The task inbox served from the kept tallies (documents/task_tally.py) and one page of rows: "My tasks" (a login
and its HR queues) and HR's "Everyone in my divisions" count their tasks, and HR's tasks by who holds them, from the
tallies, and read only the rows of the due days the page spans, each read an indexed range ({assignee or division:
one value, due_on: the page's days}), never every row of an HR queue (2 s for 14,000 rows at 25,000 staff).

The tallies tell, day by day, how many rows come before each due day, so the page's first and last due days are
known before any row is read; the rows of those days are read whole (the embedded database reads every row an
index bound matches, whatever the limit) and put in (due day, id) order, so that pages never overlap or skip.
A page lists its rows grouped by employee: someone whose tasks span two pages is shown on both.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable

from documents.base import midnight
from documents.open_task import OpenTask
from documents.scope import scope_parts
from documents.task_tally import TaskTally, open_and_overdue_of, tallies_held_by, tallies_of_divisions
from services.reads.inbox import Holder, Item, assignees_of, items_of_rows
from services.reads.people import names_for

LISTED = {"manager_path": 0}      # what a task list leaves out of a row


@dataclasses.dataclass(frozen=True)
class TaskPage:
    """One page of a task list: its items (with {employee id: Person}), the list's (open, overdue) counts, how
    many rows the list holds (what it pages) and which page this is."""

    items: list[Item]
    people: dict
    counts: tuple[int, int]
    total: int
    number: int


def day_counts(tallies: Iterable[dict], keep: Callable[[str], bool] = lambda iso: True) -> Counter[str]:
    """{ISO due day: rows} summed over `tallies` (raw), the days `keep` keeps, without noughts."""
    found: Counter[str] = Counter()
    for tally in tallies:
        for iso, count in (tally.get("days") or {}).items():
            if count and keep(iso):
                found[iso] += count
    return +found


def page_days(days: Counter[str], number: int, size: int) -> tuple[str, str, int] | None:
    """(the first and last due days page `number` spans, how many rows of its first day earlier pages hold), by
    the rows counted each day; None for a page past the end."""
    start, stop = (number - 1) * size, number * size
    before, first, skip, last = 0, None, 0, None
    for iso in sorted(days):
        if before >= stop:
            break
        if first is None and before + days[iso] > start:
            first, skip = iso, start - before
        before, last = before + days[iso], iso
    return (first, last, skip) if first is not None and last is not None else None


def page_of_rows(days: Counter[str], reads: list[dict], keep: Callable[[dict], bool], number: int,
                 size: int) -> list[dict]:
    """Rows (raw) of page `number`: those of the page's due days read by each of `reads` (an equality on an indexed
    field, or nothing for all), kept by `keep`, in (due day, id) order, from the first the page holds."""
    spanned = page_days(days, number, size)
    if spanned is None:
        return []
    first, last, skip = spanned
    due = {"due_on": {"$gte": midnight(dt.date.fromisoformat(first)),
                      "$lte": midnight(dt.date.fromisoformat(last))}}
    collection = OpenTask._get_collection()
    rows = {row["_id"]: row for where in reads for row in collection.find({**where, **due}, LISTED) if keep(row)}
    ordered = sorted(rows.values(), key=lambda row: (row["due_on"], row["_id"]))
    return ordered[skip:skip + size]


def page_number(asked: str | None, total: int, size: int) -> int:
    """The page asked for (`?page=N`), the nearest when out of range."""
    last = max(1, -(-total // size))
    try:
        return min(max(1, int(asked or 1)), last)
    except ValueError:
        return 1


def my_tasks(user, today: dt.date, asked: str | None, size: int) -> TaskPage:
    """One page of the user's own tasks and their HR queues', soonest due first (so the overdue first), with the
    counts: their tallies (one read an assignee) and the rows of the page's days (one range read an assignee)."""
    assignees = assignees_of(user)
    tallies = tallies_held_by(assignees)
    days = day_counts(tallies)
    total = sum(days.values())
    number = page_number(asked, total, size)
    rows = page_of_rows(days, [{"assignee": who} for who in assignees], lambda row: True, number, size)
    items, people = items_of_rows(rows)
    return TaskPage(items, people, open_and_overdue_of(tallies, today), total, number)


@dataclasses.dataclass(frozen=True)
class Oversight:
    """HR's "Everyone in my divisions": one page of the tasks shown, who holds them, the counts."""

    page: TaskPage
    holders: list[Holder]


def divisions_tasks(user, today: dt.date, holder: str | None, overdue: bool, asked: str | None,
                    size: int) -> Oversight | None:
    """One page of the open tasks of the staff of the user's divisions (all of them for admins), of one `holder`
    and only those overdue when asked, with who holds them: from the tallies of the divisions and the rows of the
    page's days. None when the user's scope is not divisions alone (HR who also manage: the rows are read as
    before)."""
    parts = scope_parts(user)
    if parts is None or any("manager_path" in part for part in parts):
        return None
    everywhere = parts == [{}]
    divisions = [part["division"] for part in parts if "division" in part]
    tallies = list(TaskTally._get_collection().find({})) if everywhere else tallies_of_divisions(divisions)
    holders = _holders(tallies, today)
    shown = [tally for tally in tallies if not holder or tally["assignee"] == holder]
    cutoff = today.isoformat()
    days = day_counts(shown, (lambda iso: iso < cutoff) if overdue else (lambda iso: True))
    total = sum(days.values())
    number = page_number(asked, total, size)
    if holder:
        reads = [{"assignee": holder}]
    else:
        reads = [{}] if everywhere else [{"division": division} for division in divisions]

    def keep(row: dict) -> bool:
        return (everywhere or row.get("division") in divisions) and (not holder or row["assignee"] == holder)

    items, people = items_of_rows(page_of_rows(days, reads, keep, number, size))
    counted = (total, total) if overdue else open_and_overdue_of(shown, today)
    return Oversight(TaskPage(items, people, counted, total, number), holders)


def _holders(tallies: list[dict], today: dt.date) -> list[Holder]:
    """Open and overdue counts per holder, the most overdue first (as `inbox.by_holder` counts items)."""
    by_who: dict[str, list[dict]] = {}
    for tally in tallies:
        by_who.setdefault(tally["assignee"], []).append(tally)
    counted = {who: open_and_overdue_of(found, today) for who, found in by_who.items()}
    counted = {who: numbers for who, numbers in counted.items() if numbers[0]}
    names = names_for(counted)
    holders = [Holder(who, names[who], *numbers) for who, numbers in counted.items()]
    return sorted(holders, key=lambda holder: (-holder.overdue, -holder.open, holder.name))
