"""Corrections to a case's current stage: which stage it is, when it began, its warning and its review date.

A correction names the values it changes and the reason for them; it is refused, field by field, when a
value is not one the case can take or the reason is missing. Rows of a corrections file are read here too.

Pure: the case's values and its ladder's stage keys come in as values, `today` is a parameter.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Iterable, Mapping, Sequence

from casework.absences import long_date
from casework.feed_files import NotADate, iso_date, text

FIELDS = ("stage", "stage_started_on", "warning_level", "warning_expires_on", "review_date")
DATE_FIELDS = ("stage_started_on", "warning_expires_on", "review_date")
WARNING_LEVELS = ("first", "final")
CLEAR = "none"          # in a corrections file: empty the value (an empty cell leaves it as it is)
CASE_TYPES = ("STS", "LTS")
REASON_MAX = 2000
NO_REASON = "Give the reason for the correction: it is kept in the case history."


@dataclasses.dataclass(frozen=True)
class Correction:
    """The stage's values before and after, and what is wrong with the correction ({field: message})."""

    before: dict
    after: dict
    errors: dict[str, str]

    @property
    def changes(self) -> dict[str, tuple]:
        """{field: (before, after)} for each value the correction changes."""
        return {name: (self.before[name], self.after[name]) for name in FIELDS
                if self.after[name] != self.before[name]}

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def correct(before: Mapping[str, Any], proposed: Mapping[str, Any], reason: str, stage_keys: Sequence[str],
            today: dt.date, previous_started_on: dt.date | None = None) -> Correction:
    """Check a correction of the current stage: `before` holds its values (FIELDS), `proposed` the ones to
    change (a field left out stays; None empties it). `stage_keys` are the keys of the case's ladder and
    `previous_started_on` the day the stage before it began. Nothing changing is no correction, and needs
    no reason."""
    before = {name: before.get(name) for name in FIELDS}
    after = {**before, **{name: value for name, value in proposed.items() if name in FIELDS}}
    correction = Correction(before, after, {})
    if not correction.changes:
        return correction
    errors = correction.errors
    if after["stage"] not in stage_keys:
        errors["stage"] = f"{after['stage'] or 'That'} is not a stage of this case's policy: use one of " \
                          f"{', '.join(stage_keys)}."
    started = after["stage_started_on"]
    if started is None:
        errors["stage_started_on"] = "Give the date the stage began."
    elif started > today:
        errors["stage_started_on"] = "The stage cannot begin in the future."
    elif previous_started_on and started < previous_started_on:
        errors["stage_started_on"] = (f"The stage cannot begin before the stage before it, which began on "
                                      f"{long_date(previous_started_on)}.")
    level, expires = after["warning_level"], after["warning_expires_on"]
    if level is not None and level not in WARNING_LEVELS:
        errors["warning_level"] = "The warning is first, final or none."
    elif expires and not level:
        errors["warning_level"] = "Give the warning's level (first or final), or no expiry date."
    elif level and not expires:
        errors["warning_expires_on"] = f"Give the date the {level} warning expires."
    if expires and started and expires <= started:
        errors["warning_expires_on"] = f"The warning must expire after the stage began on {long_date(started)}."
    if after["review_date"] and started and after["review_date"] < started:
        errors["review_date"] = f"The review date cannot be before the stage began on {long_date(started)}."
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = NO_REASON
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"Keep the reason to {REASON_MAX} characters."
    return correction


@dataclasses.dataclass(frozen=True)
class CorrectionRow:
    """One row of a corrections file: the case it names, the values it changes and its reason."""

    case_id: str
    assignment_number: str
    case_type: str
    proposed: dict
    reason: str

    @property
    def key(self) -> str:
        """How outcomes and refusals name the row's case."""
        return self.case_id or f"{self.assignment_number} {self.case_type}".strip()


def missing_columns(header: Iterable[str]) -> list[str]:
    """What a corrections file's header lacks: `reason`, and `case_id` or `assignment_number` + `case_type`."""
    present = {name.strip() for name in header if name}
    missing = [] if "case_id" in present else [name for name in ("assignment_number", "case_type")
                                                 if name not in present]
    if missing and "assignment_number" not in present:
        missing = ["case_id (or assignment_number and case_type)"]
    return missing + ([] if "reason" in present else ["reason"])


def read_row(row: Mapping[str | None, object]) -> tuple[CorrectionRow, dict[str, str]]:
    """Read one row of a corrections file: an empty cell leaves its value as it is, `none` empties it."""
    errors: dict[str, str] = {}
    if row.get(None):
        errors["row"] = "This row has more cells than the header: put text containing commas in quotes."
    case_id, number = text(row.get("case_id")), text(row.get("assignment_number"))
    case_type = text(row.get("case_type")).upper()
    if not case_id:
        if not number:
            errors["case_id"] = "Give the case_id, or the assignment_number and case_type."
        elif case_type not in CASE_TYPES:
            errors["case_type"] = "Give the case_type: STS or LTS."
    proposed: dict[str, dt.date | str | None] = {}
    for name in FIELDS:
        cell = text(row.get(name))
        if not cell:
            continue
        if cell.lower() == CLEAR:
            if name in ("stage", "stage_started_on"):
                errors[name] = f"The {name.replace('_', ' ')} cannot be emptied."
            else:
                proposed[name] = None
        elif name in DATE_FIELDS:
            try:
                proposed[name] = iso_date(cell)
            except NotADate as problem:
                errors[name] = str(problem) if problem.out_of_range else \
                    f"Enter a date as YYYY-MM-DD, for example 2026-03-02 (not {cell})."
        elif name == "warning_level":
            if cell.lower() not in WARNING_LEVELS:
                errors[name] = f"The warning is first, final or none (not {cell})."
            proposed[name] = cell.lower()
        else:
            proposed[name] = cell
    return CorrectionRow(case_id, number, case_type if not case_id else "", proposed,
                         text(row.get("reason"))), errors


def words(value: object) -> str:
    """A value as a before → after table shows it."""
    if value is None or value == "":
        return "none"
    return long_date(value) if isinstance(value, dt.date) else str(value)
