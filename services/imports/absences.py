"""Feeding absences from the absence system: plan a batch against the database, then write it in bulk.

Planning reads the employees the batch names once and their stored absences once, and asks
`casework.absence_feed` what each row does. Applying writes only the created and updated rows,
each with an audit entry (never medical detail), in a few bulk writes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from types import SimpleNamespace
from typing import Callable, Collection, Iterator, Mapping, Sequence

from pymongo import InsertOne, UpdateOne

from casework.absence_feed import (
    Interview,
    Outcome,
    Staff,
    StoredAbsence,
    _accepted,
    counts,
    detail_not_compared,
    plan_feed,
)
from casework.absences import absence_length
from casework.calendar import WorkingPattern
from casework.feed_files import text
from casework.inflight_feed import Outcome as InflightOutcome
from documents.absence import Absence, ReturnToWork
from documents.base import StaleEditError, as_date, bulk_write_in_chunks, stored_audit_entry, utcnow
from documents.employee import WEEKDAYS, Employee
from documents.reading import rows_where
from documents.rtw_due import refresh_rtw_due_of
from services.absences import AUDITED_FIELDS, after_absences_saved, audit_values, changes, masked
from services.imports.unfinished import unfinished_work
from services.reason_codes import reason_code_mapping

FEED_FIELDS = ("first_day", "last_day", "reason_category", "reason_detail", "work_related", "pregnancy_related",
               "disability_related", "third_party", "expected_return", "reason_code")
CHUNK = 2000
ACTIONS = {"created": "absence imported", "updated": "absence updated by feed"}
CHANGED_MEANWHILE = ("Some absences were changed by someone else while the feed was applied. Run it again: "
                     "rows already applied will show as unchanged.")
INTERVIEW_FIELDS = ("held_on", "held_by", "day_number")
Progress = Callable[[str, int, int], None]
# Whether whoever reads an import's report may know an employee's medical detail, asked of the stored employee
# (its `division` and `manager_path`); None: they may know everyone's (the command line, a medical API token).
DetailKnown = Callable[[SimpleNamespace], bool]


@dataclasses.dataclass
class FeedResult:
    """What a batch did (or would do, when not `applied`): each row's outcome (of absences, or of cases in
    progress migrated), and how many rows did what."""

    outcomes: list[Outcome] | list[InflightOutcome]
    applied: bool
    counts: dict[str, int]
    detail_not_compared: int = 0

    @property
    def refused(self) -> list[Outcome | InflightOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "refused"]


def import_absences(rows: Sequence[Mapping], actor: str, source: str, today: dt.date, dry_run: bool = False,
                    skip_invalid: bool = False, progress: Progress | None = None,
                    detail_known: DetailKnown | None = None, divisions: Collection[str] = (),
                    numbers: Sequence[int] | None = None) -> FeedResult:
    """Plan the rows, then apply them unless this is a dry run or a row is refused (and not `skip_invalid`).

    For an employee whose medical detail the reader may not know (`detail_known`), a change of the reason
    detail alone is reported as unchanged, in the outcomes and the counts alike, and still written when
    applying. Re-running the same rows changes nothing, and finishes what an earlier run killed part-way left
    undone (see services/imports/unfinished.py). Raises StaleEditError when someone changed one of the absences
    while it was being written. ESR reason codes are read through the mapping as it stands (read once).
    With `divisions` (an API token limited to them), employees of other divisions are unknown, as if missing.
    `numbers`: the rows' numbers in the file, which a row overlapping another names (the API has none).
    """
    outcomes, employees = _plan(rows, today, progress, detail_known, divisions, numbers)
    applies = not dry_run and (skip_invalid or not any(outcome.action == "refused" for outcome in outcomes))
    if applies:
        _apply(outcomes, employees, actor, source, today, progress)
    return FeedResult(outcomes, applies, counts(outcomes), detail_not_compared(outcomes))


def _plan(rows: Sequence[Mapping], today: dt.date, progress: Progress | None, detail_known: DetailKnown | None,
          divisions: Collection[str] = (), numbers: Sequence[int] | None = None) -> tuple[list[Outcome], dict]:
    """The outcomes, and the stored employees the batch names by id (for re-evaluating them after applying)."""
    named = {text(row.get("assignment_number")) for row in rows} - {""}
    employees = {row["_id"]: row for row in _read(
        Employee, {"assignment_number": named | {text(row.get("rtw_by_assignment_number")) for row in rows} - {""}},
        {"audit": 0}) if not divisions or row.get("division") in divisions}
    staff = {row["assignment_number"]: _staff(row, detail_known) for row in employees.values()}
    stored = [_stored(row) for row in _read(
        Absence, {"employee": {staff[number].id for number in named if number in staff},
                  "external_id": {text(row.get("absence_id")) for row in rows} - {""}},
        {name: 1 for name in (*FEED_FIELDS, "employee", "external_id", "version", "rtw.held_on", "rtw.held_by")})]
    report = (lambda done: progress("planning", done, len(rows))) if progress else None
    return plan_feed(rows, staff, stored, today, report, codes=reason_code_mapping(), numbers=numbers), employees


def _read(document, wanted: dict[str, set], projection: dict) -> Iterator[dict]:
    """The stored rows whose field is one of the wanted values, for any of the fields (see `rows_where`: a few
    by an indexed read each, many in one pass)."""
    return rows_where(document._get_collection(), wanted, projection)


@functools.lru_cache(maxsize=256)
def _pattern(days: tuple[str, ...], region: str, fte: float) -> WorkingPattern:
    return WorkingPattern(days, region, fte)


def _staff(row: dict, detail_known: DetailKnown | None) -> Staff:
    known = detail_known is None or detail_known(
        SimpleNamespace(division=row.get("division"), manager_path=row.get("manager_path") or []))
    return Staff(row["_id"], row["assignment_number"], f"{row['first_name']} {row['last_name']}",
                 as_date(row.get("start_date")), as_date(row.get("end_date")),
                 _pattern(tuple(row.get("working_days") or WEEKDAYS[:5]), row.get("region") or "ENG", row["fte"]),
                 known)


def _stored(row: dict) -> StoredAbsence:
    values: dict[str, object] = {name: bool(row.get(name)) for name in FEED_FIELDS
                                 if name.endswith(("_related", "_party"))}
    values.update({name: as_date(row.get(name)) for name in ("first_day", "last_day", "expected_return")})
    values.update(reason_category=row.get("reason_category"), reason_detail=row.get("reason_detail") or None,
                  reason_code=row.get("reason_code"))
    rtw = row.get("rtw")
    held_on = as_date(rtw.get("held_on")) if rtw else None
    interview = (held_on, rtw.get("held_by")) if rtw and held_on else None
    return StoredAbsence(row["_id"], row["employee"], row.get("external_id"), row.get("version", 0), values,
                         interview)


def _apply(outcomes: list[Outcome], employees: dict, actor: str, source: str, today: dt.date,
           progress: Progress | None) -> None:
    todo = [outcome for outcome in outcomes if outcome.writes]
    at = utcnow()
    writes = (_insert(outcome, actor, source, at) if outcome.action == "created" else _update(outcome, actor, at)
              for outcome in todo)
    with unfinished_work("absences", {_accepted(outcome)[1].id for outcome in todo}) as unfinished:
        stale = bulk_write_in_chunks(Absence._get_collection(), writes, len(todo), CHUNK, progress)
        to_evaluate = unfinished.employees
        missing = to_evaluate - employees.keys()
        employees.update((row["_id"], row) for row in _read(Employee, {"_id": missing}, {"audit": 0}))
        refresh_rtw_due_of(to_evaluate)     # written round the documents: the interviews outstanding, read again
        # in id order: the re-evaluation's reads by ranges of ids then hold few others (services/figures.py)
        after_absences_saved([Employee._from_son(employees[employee_id]) for employee_id in sorted(to_evaluate)
                              if employee_id in employees], today)
    if stale:
        raise StaleEditError(CHANGED_MEANWHILE)


@functools.cache
def _defaults(document) -> dict:
    """What MongoEngine stores for a new document (or embedded document) of this kind before any field is set."""
    return document().to_mongo().to_dict()


def _stored_values(values: dict) -> dict:
    """Field values as MongoDB stores them (dates as datetimes)."""
    return {name: Absence._fields[name].to_mongo(value) for name, value in values.items()}


def _audited(values: dict, external_id: str | None) -> dict:
    """`audit_values` of an absence with these values, without building the document (a feed writes thousands)."""
    return audit_values(SimpleNamespace(**{**dict.fromkeys(AUDITED_FIELDS), **values, "external_id": external_id}))


def _interview(interview: Interview) -> dict:
    """The return-to-work interview as stored, with the defaults of everything the feed does not send."""
    return {**_defaults(ReturnToWork), "held_on": ReturnToWork._fields["held_on"].to_mongo(interview.held_on),
            "held_by": interview.held_by, "day_number": interview.day_number}


def _insert(outcome: Outcome, actor: str, source: str, at: dt.datetime) -> InsertOne:
    (row, person), interview = _accepted(outcome), outcome.interview
    after = masked(_audited(row.values, row.absence_id))
    if row.values.get("reason_code"):
        after["reason_code"] = row.values["reason_code"]
    if interview:
        after.update(_interview_audit((interview.held_on, interview.held_by)))
    document = {**_defaults(Absence), "employee": person.id, "assignment_number": person.assignment_number,
                **{name: value for name, value in _stored_values(row.values).items() if value is not None},
                "source": source, "external_id": row.absence_id, "recorded_by": actor, "version": 1,
                "audit": [stored_audit_entry(actor, ACTIONS["created"], at, {}, after)]}
    wdl = _working_days_lost(row.values, person)
    if wdl is not None:
        document["working_days_lost"] = wdl
    if interview:
        document["rtw"] = _interview(interview)
    return InsertOne(document)


def _update(outcome: Outcome, actor: str, at: dt.datetime) -> UpdateOne:
    (_, person), stored, interview = _accepted(outcome), outcome.stored, outcome.interview
    assert stored is not None, "an update changes a stored absence"
    values = {**stored.values, **outcome.changes}
    old, new = changes({**_audited(stored.values, stored.external_id), "reason_code": stored.values.get("reason_code")},
                       {**_audited(values, stored.external_id), "reason_code": values.get("reason_code")})
    if interview:
        old.update(_interview_audit(stored.interview))
        new.update(_interview_audit((interview.held_on, interview.held_by)))
    updates = {**_stored_values(outcome.changes), "working_days_lost": _working_days_lost(values, person)}
    if interview:
        held = {name: value for name, value in _interview(interview).items() if name in INTERVIEW_FIELDS}
        # An interview recorded in Casebook keeps its notes: only when and by whom come from the feed.
        updates.update({f"rtw.{name}": value for name, value in held.items()} if stored.interview
                       else {"rtw": _interview(interview)})
    entry = stored_audit_entry(actor, ACTIONS["updated"], at, old, new)
    return UpdateOne({"_id": stored.id, "version": stored.version},
                     {"$set": updates, "$inc": {"version": 1}, "$push": {"audit": entry}})


def _interview_audit(held: tuple[dt.date, str] | None) -> dict:
    """The interview for the audit trail: when and by whom, nothing said in it."""
    held_on, held_by = held or (None, None)
    return {"rtw_held_on": held_on, "rtw_held_by": held_by}


def _working_days_lost(values: dict, person: Staff) -> int | None:
    """Working days lost, derived as `save_absence` does: none while the absence goes on."""
    if values["last_day"] is None:
        return None
    return absence_length(values["first_day"], values["last_day"], person.pattern, values["last_day"])["working_days"]
