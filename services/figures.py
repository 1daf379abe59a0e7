"""Absence figures kept month by month (issue 18.1): written in the same call that saves an absence, rebuilt for
one employee on demand, refreshed for everyone with a current absence by the nightly scan, and checked against a
fresh computation by `flask --app app figures rebuild [--check]`.

An employee's months are rewritten whole (`casework.month_figures.month_figures` from their absences), and each
roll-up (`ScopeMonth`) gets the difference new − old of the months that changed, by `$inc`, in the same bulk
write. The people part of the roll-ups (who was in post each day) is recomputed from every employee after a
hierarchy import and by the nightly scan.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Iterable, Mapping

from pymongo import DeleteOne, InsertOne, ReplaceOne, UpdateOne

from casework.board_report import AbsenceRow, Person, financial_year_start
from casework.board_trends import HISTORY_YEARS, month_index
from casework.month_figures import FIELDS, add_into, blank, difference, differing, month_figures, people_days
from casework.policy import LongTermRules
from documents.absence import Absence
from documents.base import as_date, write_or_redo
from documents.employee import Employee
from documents.month_figures import EmployeeMonth, ScopeMonth
from documents.reading import rows_where
from services.triggers import active_policy

FIGURES_REBUILD = "figures_rebuild"    # the job kind rebuilding them (services/job_kinds.py)

CHUNK = 2000  # employees a writer holds before writing them (fewer, larger roll-up updates)
EACH_UP_TO = 50    # employees whose kept months are read one by one; more are read as one range (`kept_months`)
ABSENCE_FIELDS = {"employee": 1, "first_day": 1, "last_day": 1, "reason_category": 1, "rtw.held_on": 1}
# The nightly scan refreshes everyone with an absence ongoing or ended this recently: their figures grow daily.
CURRENT_FOR = dt.timedelta(days=7)


def person(employee) -> Person:
    """Where an employee sits, their FTE, pattern and dates, from a document or a stored row."""
    row = employee if isinstance(employee, Mapping) else employee.to_mongo()
    return Person(row["_id"], row.get("division") or "", row.get("directorate") or row.get("division") or "",
                  row["fte"], tuple(row.get("working_days") or ("Mon", "Tue", "Wed", "Thu", "Fri")),
                  row.get("region") or "ENG", as_date(row.get("start_date")), as_date(row.get("end_date")))


def absence_row(row: Mapping) -> AbsenceRow:
    """The facts of a stored absence the figures need."""
    return AbsenceRow(row["employee"], as_date(row["first_day"]), as_date(row.get("last_day")),
                      row["reason_category"], as_date((row.get("rtw") or {}).get("held_on")))


def is_current(row: Mapping, as_of: dt.date) -> bool:
    """Whether an absence's figures still change from day to day: ongoing, or ended on or after a week ago."""
    return row.get("last_day") is None or as_date(row["last_day"]) >= as_of - CURRENT_FOR


def _document(employee_row: Mapping, index: int, figures: Mapping) -> dict:
    return {"_id": f"{employee_row['_id']}:{index}", "employee": employee_row["_id"], "month": index,
            "division": employee_row.get("division") or "",
            "directorate": employee_row.get("directorate") or employee_row.get("division") or "",
            **{name: figures[name] for name in FIELDS}, "by_reason": dict(figures["by_reason"])}


def _same(kept: Mapping, fresh: Mapping) -> bool:
    return (all(kept.get(name) == fresh[name] for name in ("division", "directorate"))
            and not differing(kept, fresh, 0.0))


def _month_write(key: str, old: Mapping | None, new: Mapping | None):
    """The write that makes the kept month `old` into the fresh `new` (either may be None: none kept, or none
    now), or None when they agree."""
    if old is not None and new is not None and _same(old, new):
        return None
    if new is None:
        return DeleteOne({"_id": key})
    return InsertOne(new) if old is None else ReplaceOne({"_id": key}, new)


def scope_id(month: int, division: str, directorate: str) -> str:
    """The `_id` of a roll-up: "<month>:<division>:<directorate>"."""
    return f"{month}:{division}:{directorate}"


def _scope_write(key: tuple[int, str, str], update: dict) -> UpdateOne:
    month, division, directorate = key
    return UpdateOne({"_id": scope_id(*key)}, {**update, "$setOnInsert": {
        "month": month, "division": division, "directorate": directorate}}, upsert=True)


def _scope_update(key: tuple[int, str, str], change: Mapping) -> UpdateOne | None:
    increments = {name: value for name, value in change.items() if name != "by_reason" and value}
    increments.update({f"by_reason.{reason}": value for reason, value in change["by_reason"].items() if value})
    return _scope_write(key, {"$inc": increments}) if increments else None


def _write_months(writes: list) -> None:
    """Send the month writes; a new month someone else inserted meanwhile is replaced instead."""
    write_or_redo(EmployeeMonth._get_collection(), writes,
                  lambda doc: ReplaceOne({"_id": doc["_id"]}, doc, upsert=True))


class FigureWriter:
    """Rewrites the kept months of the employees given to `add`, in bulk, with their roll-ups' differences."""

    def __init__(self, as_of: dt.date, long_term: LongTermRules):
        self.as_of, self.long_term = as_of, long_term
        self._pending: list[tuple[Mapping, dict[int, dict]]] = []
        self.written = 0

    def add(self, employee, absences: Iterable[Mapping]) -> None:
        """Keep `employee`'s months from their stored absences (every one of them)."""
        row = employee if isinstance(employee, Mapping) else employee.to_mongo().to_dict()
        months = month_figures(person(row), [absence_row(absence) for absence in absences], self.as_of,
                               self.long_term)
        self._pending.append((row, months))
        if len(self._pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write what has been added: the employees' kept months read once (see `kept_months`)."""
        pending, self._pending = self._pending, []
        scopes: defaultdict[tuple[int, str, str], dict] = defaultdict(blank)
        writes: list = []
        kept_of = kept_months([row["_id"] for row, _ in pending])
        for row, months in pending:
            kept = kept_of.get(row["_id"], {})
            fresh = {index: _document(row, index, figures) for index, figures in months.items()}
            for index in kept.keys() | fresh.keys():
                old, new = kept.get(index), fresh.get(index)
                write = _month_write(f"{row['_id']}:{index}", old, new)
                if write is None:
                    continue
                writes.append(write)
                if old is not None:
                    add_into(scopes[index, old["division"], old["directorate"]], difference(None, old))
                if new is not None:
                    add_into(scopes[index, new["division"], new["directorate"]], new)
        if writes:
            _write_months(writes)
            self.written += len(writes)
        updates = [update for key, change in sorted(scopes.items()) if (update := _scope_update(key, change))]
        if updates:
            ScopeMonth._get_collection().bulk_write(updates, ordered=False)


def kept_months(employee_ids: list) -> dict:
    """{employee id: {month: the kept month}} of `employee_ids`: up to EACH_UP_TO of them by an indexed
    `{"employee": id}` read each; more by one read of the range of ids from the least to the greatest on the
    (employee, month) index, keeping theirs (a scan and an import give their staff in id order, so the range holds
    few others). Never `$in` of many ids, whose cost on the embedded database grows with documents × ids."""
    collection = EmployeeMonth._get_collection()
    wanted = set(employee_ids)
    found: defaultdict = defaultdict(dict)
    if len(wanted) <= EACH_UP_TO:
        reads: Iterable[Mapping] = (doc for key in wanted for doc in collection.find({"employee": key}))
    else:
        reads = collection.find({"employee": {"$gte": min(wanted), "$lte": max(wanted)}})
    for doc in reads:
        if doc["employee"] in wanted:
            found[doc["employee"]][doc["month"]] = doc
    return found


def refresh_employee(employee, as_of: dt.date, long_term: LongTermRules | None = None) -> None:
    """Rewrite one employee's kept months from their absences (one indexed read of each); long-term by the
    active policy unless `long_term` is given."""
    writer = FigureWriter(as_of, long_term or active_policy().lts)
    writer.add(employee, Absence._get_collection().find({"employee": employee.pk if hasattr(employee, "pk")
                                                         else employee["_id"]}, ABSENCE_FIELDS))
    writer.flush()


def people_months(as_of: dt.date) -> tuple[int, int]:
    """The months whose people are kept: from April of the year before the forecast's history (the report's
    year-earlier comparison reaches that far) to the current month."""
    return month_index(dt.date(financial_year_start(as_of).year - HISTORY_YEARS - 1, 4, 1)), month_index(as_of)


def refresh_people(as_of: dt.date, staff_rows: Iterable[Mapping] | None = None) -> int:
    """Recompute who was in post each day of the kept months, in every roll-up, from every employee (one read, or
    `staff_rows` when the caller holds every employee as just written); write only the roll-ups that changed and
    return how many."""
    first, last = people_months(as_of)
    if staff_rows is None:
        staff_rows = Employee._get_collection().find(
            {}, {"division": 1, "directorate": 1, "fte": 1, "working_days": 1, "region": 1, "start_date": 1,
                 "end_date": 1})
    staff = [person(row) for row in staff_rows]
    fresh = people_days(staff, first, last)
    collection = ScopeMonth._get_collection()
    kept = {(doc["month"], doc["division"], doc["directorate"]): doc
            for doc in collection.find({"month": {"$gte": first, "$lte": last}},
                                       {"month": 1, "division": 1, "directorate": 1, "fte": 1, "headcount": 1})}
    writes = []
    for key in kept.keys() | fresh.keys():
        found = fresh.get(key)
        values = {"fte": found.fte, "headcount": found.headcount} if found else {"fte": [], "headcount": []}
        old = kept.get(key) or {}
        if old.get("fte", []) != values["fte"] or old.get("headcount", []) != values["headcount"]:
            writes.append(_scope_write(key, {"$set": values}) if key in kept else _new_scope(key, values))
    if writes:
        _write_scopes(collection, writes)
    return len(writes)


def _new_scope(key: tuple[int, str, str], values: dict) -> InsertOne:
    """A roll-up not kept yet, inserted (the embedded database takes an upsert about ten times as long)."""
    month, division, directorate = key
    return InsertOne({"_id": scope_id(*key), "month": month, "division": division, "directorate": directorate,
                      **values})


def _write_scopes(collection, writes: list) -> None:
    """Send the roll-up writes; a new one someone else inserted meanwhile (with its sums) has its people set."""
    write_or_redo(collection, writes, lambda doc: UpdateOne({"_id": doc["_id"]}, {"$set": {
        name: doc[name] for name in ("fte", "headcount")}}))


@dataclasses.dataclass(frozen=True)
class Difference:
    """A kept figure that differs from a fresh computation."""

    kept_in: str        # "employee" or "roll-up"
    key: str            # the employee's id, or "division / directorate"
    month: int
    field: str
    kept: object
    fresh: object

    @property
    def month_label(self) -> str:
        year, month0 = divmod(self.month, 12)
        return f"{year}-{month0 + 1:02d}"


def rebuild(as_of: dt.date, check: bool, long_term: LongTermRules | None = None) -> list[Difference]:
    """Compare every kept month with a fresh computation from every employee and absence (one read of each) and
    return the differences; unless `check`, rewrite what differs. Long-term by the active policy unless given."""
    long_term = long_term or active_policy().lts
    staff = {row["_id"]: row for row in Employee._get_collection().find({}, {"audit": 0})}
    absences: dict = defaultdict(list)
    for row in Absence._get_collection().find({}, ABSENCE_FIELDS):
        absences[row["employee"]].append(row)
    fresh_months = {}
    for employee_id, row in staff.items():
        for index, figures in month_figures(person(row), [absence_row(a) for a in absences[employee_id]], as_of,
                                            long_term).items():
            fresh_months[f"{employee_id}:{index}"] = _document(row, index, figures)
    kept_months = {doc["_id"]: doc for doc in EmployeeMonth._get_collection().find({})}
    found: list[Difference] = []
    month_writes: list = []
    for key in sorted(kept_months.keys() | fresh_months.keys()):
        old, new = kept_months.get(key), fresh_months.get(key)
        write = _month_write(key, old, new)
        if write is None:
            continue
        employee_id, _, month = key.partition(":")
        found += [Difference("employee", employee_id, int(month), name, kept, fresh)
                  for name, kept, fresh in _all_differences(old, new)]
        month_writes.append(write)
    fresh_scopes: dict = defaultdict(blank)
    for doc in fresh_months.values():
        add_into(fresh_scopes[doc["month"], doc["division"], doc["directorate"]], doc)
    first, last = people_months(as_of)
    fresh_people = people_days([person(row) for row in staff.values()], first, last)
    kept_scopes = {(doc["month"], doc["division"], doc["directorate"]): doc
                   for doc in ScopeMonth._get_collection().find({})}
    scope_writes = []
    for key in sorted(kept_scopes.keys() | fresh_scopes.keys() | fresh_people.keys()):
        old = kept_scopes.get(key) or {}
        people = fresh_people.get(key)
        values = {**(fresh_scopes.get(key) or blank()), "fte": [], "headcount": []}
        if people is not None:
            values.update(fte=people.fte, headcount=people.headcount)
        elif not first <= key[0] <= last:       # people are kept for these months only
            values.update(fte=old.get("fte", []), headcount=old.get("headcount", []))
        changed = differing(old, values) + [(name, old.get(name, []), values[name]) for name in ("fte", "headcount")
                                            if old.get(name, []) != values[name]]
        if changed:
            found += [Difference("roll-up", f"{key[1]} / {key[2]}", key[0], name, kept, fresh)
                      for name, kept, fresh in changed]
            scope_writes.append(_scope_write(key, {"$set": values}))
    if not check:
        if month_writes:
            _write_months(month_writes)
        if scope_writes:
            ScopeMonth._get_collection().bulk_write(scope_writes, ordered=False)
    return found


def _all_differences(old: Mapping | None, new: Mapping | None) -> list[tuple[str, object, object]]:
    where = [(name, old.get(name), new.get(name)) for name in ("division", "directorate")
             if old is not None and new is not None and old.get(name) != new.get(name)]
    return where + differing(old, new)


# The employee fields the kept months depend on.
FIGURE_FIELDS = ("division", "directorate", "fte", "working_days", "region")


def after_hierarchy_import(changed: Iterable, as_of: dt.date, staff_rows: Iterable[Mapping] | None = None) -> None:
    """After a hierarchy import: rewrite the months of the employees (`changed`, ids) whose division,
    directorate, FTE, pattern or region changed (read by `rows_where`: an indexed read of each for a few, one
    pass for many), then recompute the people of every roll-up (from `staff_rows`, every employee as the import
    wrote them, when given)."""
    ids = set(changed)
    absences: defaultdict = defaultdict(list)
    for row in rows_where(Absence._get_collection(), {"employee": ids}, ABSENCE_FIELDS):
        absences[row["employee"]].append(row)
    writer = FigureWriter(as_of, active_policy().lts)
    for row in rows_where(Employee._get_collection(), {"_id": ids}, {"audit": 0}):
        writer.add(row, absences[row["_id"]])
    writer.flush()
    refresh_people(as_of, staff_rows)
