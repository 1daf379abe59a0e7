"""Live dashboards: where cases, overdue tasks, coming changes of pay, outstanding return-to-work interviews
and flags stand, for what one user may see, split by division (HR, admins) or by the lines below a manager.

Every figure is read from what is kept beside the records, so nothing reads every case or employee in scope: cases
by stage, coming changes of pay and flags from the kept roll-ups of the cases (documents/case_rollup.py: one a
division, or one a line below a manager), overdue tasks from the kept open-task rows, outstanding interviews from
the kept tallies by last day (absences carry no division: the kept rows carry their employee's). What each figure
counts, and the lists behind the figures, are in `services.reads.dashboard_lists`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

from documents.base import midnight
from documents.case import KINDS
from documents.case_rollup import PAY_WINDOW_DAYS, plain_word, rollups_for
from documents.employee import Employee
from documents.open_task import OpenTask
from documents.rtw_due import tallies_for
from documents.scope import scope_parts
from documents.user import User
from services.reads.dashboard_lists import Grouping, grouping_for, stage_titles, stage_words
from services.reads.people import names_for


def group_labels(grouping: Grouping, keys) -> dict[str, str]:
    """Each group's name in words: the division, or whose line it is."""
    keys = set(keys)
    if grouping.by == "division":
        return {key: key for key in keys}
    # a line is headed by one of the manager's direct reports: one read by the supervisor index, not `$in` of them
    names = {person.assignment_number: person.name for person in Employee.objects(
        supervisor_assignment_number=grouping.manager).only("assignment_number", "first_name", "last_name")}
    return {key: "Reporting to you directly" if key == grouping.manager else f"{names.get(key, key)}’s team"
            for key in keys}


@dataclasses.dataclass
class Tally:
    """Cases open, on continued monitoring, and paused (open but waiting)."""

    open: int = 0
    monitoring: int = 0
    paused: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.open + other.open, self.monitoring + other.monitoring, self.paused + other.paused)


@dataclasses.dataclass
class CaseTable:
    """One kind's cases by group × stage."""

    kind: str
    stages: list[str]
    groups: list[str]
    cells: dict[tuple[str, str], Tally]

    def cell(self, group: str, stage: str) -> Tally:
        return self.cells.get((group, stage), Tally())

    def row_total(self, group: str) -> Tally:
        return sum((self.cell(group, stage) for stage in self.stages), Tally())

    def column_total(self, stage: str) -> Tally:
        return sum((self.cell(group, stage) for group in self.groups), Tally())

    def total(self) -> Tally:
        return sum((self.row_total(group) for group in self.groups), Tally())


def _group(rollup: dict, grouping: Grouping) -> str:
    """The dashboard group a roll-up counts in: its division, or the line below the manager it counts."""
    return rollup["division"] if grouping.by == "division" else rollup["group"]


def case_tables(rollups: list[dict], grouping: Grouping, titles: dict[str, dict[str, str]]) -> list[CaseTable]:
    """Open and monitoring cases counted by kind, group, stage, status and pause, from the kept roll-ups covering
    what the user may see (`rollups_for`)."""
    cells: dict[str, dict] = {kind: defaultdict(Tally) for kind in KINDS}
    for rollup in rollups:
        group = _group(rollup, grouping)
        for name, count in (rollup.get("cases") or {}).items():
            kind, stage, what = name.split("|")
            if count and kind in cells:
                cells[kind][group, plain_word(stage)] += Tally(**{what: count})
    tables = []
    for kind in KINDS:
        seen = {stage for _, stage in cells[kind]}
        stages = list(titles[kind]) + sorted(seen - set(titles[kind]))
        tables.append(CaseTable(kind, stages, sorted({group for group, _ in cells[kind]}), dict(cells[kind])))
    return tables


@dataclasses.dataclass(frozen=True)
class Holder:
    """Whoever holds overdue tasks: how many, and the oldest due date."""

    assignee: str
    name: str
    overdue: int
    oldest: dt.date


def overdue_by_holder(user: User, today: dt.date) -> list[Holder]:
    """Open tasks past their due date on the cases and absences of the employees `user` may see, per holder, the
    most overdue first: one aggregation of the kept open-task rows (documents/open_task.py; a paused case keeps
    only HR's tasks of its flags), narrowed by the user's scope and the due date, each read by an index."""
    parts = scope_parts(user)
    wheres = [{**part, "due_on": {"$lt": midnight(today)}} for part in parts] if parts is not None else [
        OpenTask.objects(due_on__lt=today).visible_to(user)._query]
    tally: dict[str, tuple[int, dt.datetime]] = {}
    for where in wheres:     # the parts share no row: one aggregation each, by its (division or chain, due) index
        for row in OpenTask._get_collection().aggregate([{"$match": where}, {"$group": {
                "_id": "$assignee", "n": {"$sum": 1}, "oldest": {"$min": "$due_on"}}}]):
            count, oldest = tally.get(row["_id"], (0, row["oldest"]))
            tally[row["_id"]] = (count + row["n"], min(oldest, row["oldest"]))
    names = names_for(tally, employees=True)     # a holder may be known as an employee, not a user
    holders = [Holder(who, names[who], count, oldest.date()) for who, (count, oldest) in tally.items()]
    return sorted(holders, key=lambda holder: (-holder.overdue, holder.oldest, holder.name))


@dataclasses.dataclass(frozen=True)
class PayChanges:
    """A group's open long-term cases moving to half or nil pay soon, with the earliest day of each."""

    group: str
    counts: dict[str, int]
    earliest: dict[str, dt.date]


def pay_changes(rollups: list[dict], grouping: Grouping, today: dt.date) -> list[PayChanges]:
    """Open LTS cases whose half or nil pay starts in the next 28 days, by group, from the kept roll-ups: a case's
    days in the window less its pairs of successive days in it (so a case counts once)."""
    start, end = today.isoformat(), (today + dt.timedelta(days=PAY_WINDOW_DAYS)).isoformat()
    counts: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    earliest: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for rollup in rollups:
        group = _group(rollup, grouping)
        for name, count in (rollup.get("pay") or {}).items():
            kind, day = name.split("|")
            if count and start <= day <= end:
                counts[group][kind] += count
                earliest[group][kind] = min(earliest[group].get(kind, day), day)
        for name, count in (rollup.get("pairs") or {}).items():
            kind, first, then = name.split("|")
            if count and start <= first and then <= end:
                counts[group][kind] -= count
    return [PayChanges(group, {kind: count for kind, count in counts[group].items() if count},
                       {kind: dt.date.fromisoformat(day) for kind, day in earliest[group].items()})
            for group in sorted(counts) if any(counts[group].values())]


@dataclasses.dataclass(frozen=True)
class Outstanding:
    """A group's ended absences still waiting for the return-to-work interview, and the oldest last day."""

    group: str
    count: int
    oldest: dt.date


def rtw_outstanding(user: User, grouping: Grouping, today: dt.date) -> list[Outstanding]:
    """Outstanding interviews of the employees `user` may see by group, the oldest first: from the kept tallies
    by last day (documents/rtw_due.py): one a division, or one a line below a manager."""
    tally: dict[str, tuple[int, dt.date]] = {}
    for kept in tallies_for(user):
        count, oldest = kept.before(today)
        if not count or oldest is None:
            continue
        group = kept.division if grouping.by == "division" else kept.group
        before, earliest = tally.get(group, (0, oldest))
        tally[group] = (before + count, min(earliest, oldest))
    found = [Outstanding(group, count, oldest) for group, (count, oldest) in tally.items()]
    return sorted(found, key=lambda row: (row.oldest, row.group))


def flags_waiting(rollups: list[dict], grouping: Grouping) -> dict[tuple[str, str], int]:
    """Open flags on the cases the user may see by (group, kind), from the kept roll-ups."""
    tally: dict[tuple[str, str], int] = defaultdict(int)
    for rollup in rollups:
        for kind, count in (rollup.get("flags") or {}).items():
            if count:
                tally[_group(rollup, grouping), kind] += count
    return dict(tally)


@dataclasses.dataclass
class Dashboard:
    """Everything one user's dashboard shows."""

    grouping: Grouping
    titles: dict[str, dict[str, str]]
    tables: list[CaseTable]
    overdue: list[Holder]
    pay: list[PayChanges]
    rtw: list[Outstanding]
    flags: dict[tuple[str, str], int]
    labels: dict[str, str]

    def stage_name(self, key: str) -> str:
        return stage_words(key, self.titles)

    @property
    def flag_groups(self) -> list[str]:
        return sorted({group for group, _ in self.flags})

    def flag_total(self, kind: str) -> int:
        return sum(count for (_, flag_kind), count in self.flags.items() if flag_kind == kind)

    def pay_total(self, kind: str) -> tuple[int, dt.date | None]:
        """All groups' cases moving to `kind` pay soon, and the earliest day."""
        return (sum(row.counts.get(kind, 0) for row in self.pay),
                min((row.earliest[kind] for row in self.pay if kind in row.earliest), default=None))

    def rtw_total(self) -> tuple[int, dt.date | None]:
        """All groups' outstanding interviews, and the oldest last day."""
        return sum(row.count for row in self.rtw), min((row.oldest for row in self.rtw), default=None)


def dashboard(user: User, today: dt.date) -> Dashboard:
    """The five parts of `user`'s dashboard on `today`."""
    grouping, rollups, titles = grouping_for(user), rollups_for(user), stage_titles()
    tables = case_tables(rollups, grouping, titles)
    pay, rtw, flags = pay_changes(rollups, grouping, today), rtw_outstanding(user, grouping, today), flags_waiting(
        rollups, grouping)
    keys = ({group for table in tables for group in table.groups} | {row.group for row in pay}
            | {row.group for row in rtw} | {group for group, _ in flags})
    return Dashboard(grouping, titles, tables, overdue_by_holder(user, today), pay, rtw,
                     flags, group_labels(grouping, keys))
