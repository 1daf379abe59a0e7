"""Cases in progress from the system being replaced: reading one `inflight.csv` row, and deciding what a
batch of rows does (create a case at its stage, leave an already migrated one alone, or refuse the row).

Pure: the policy, the employees and their stored cases come in as values, `today` is a parameter.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Callable, Iterable, Mapping

from casework.feed_dates import DAY_FIRST, DateOrder, date_order, feed_date
from casework.feed_files import lacking, text
from casework.ladders import Ladder
from casework.policy import Policy

COLUMNS = ("assignment_number", "case_type", "stage", "stage_started_on", "warning_level", "warning_expires_on",
           "review_date", "notes")
# What a refused-rows report and the "case migrated" audit entry repeat of a row: every column but the free-text
# notes, which may hold health information (they become the case's first note).
REPORTED_COLUMNS = tuple(name for name in COLUMNS if name != "notes")
KIND_WORDS = {"STS": "short-term", "LTS": "long-term"}
WARNING_LEVELS = ("first", "final")
MAX_NOTES = 9000
DATE_COLUMNS = ("stage_started_on", "warning_expires_on", "review_date")
NO_OPEN_ABSENCE = "no_open_absence"   # the warning on a long-term row whose employee is not off on the as-of date


@dataclasses.dataclass(frozen=True)
class InflightRow:
    """One row read: the case it describes, and the row itself as read (`source`, every column as text)."""

    assignment_number: str
    case_type: str
    stage: str
    stage_started_on: dt.date
    warning_level: str | None
    warning_expires_on: dt.date | None
    review_date: dt.date | None
    notes: str
    source: dict


@dataclasses.dataclass(frozen=True)
class Person:
    """What the migration needs to know about one employee; `off_sick`: whether an absence of theirs is open
    on the import's as-of date; `name` as the report shows it."""

    id: object
    assignment_number: str
    started: dt.date | None
    left: dt.date | None
    off_sick: bool = False
    name: str = ""      # first and last name, as an import's report shows it


@dataclasses.dataclass(frozen=True)
class StoredCase:
    """A case already held for an employee: its kind, whether it is live, and the row it was migrated from."""

    id: object
    employee: object
    kind: str
    status: str
    stage: str
    entered_on: dt.date
    source_row: dict | None = None

    @property
    def live(self) -> bool:
        return self.status != "closed"


@dataclasses.dataclass
class Outcome:
    """What one row does: "created", "unchanged" (migrated before from the same row) or "refused"
    (`errors` holds {field: message}); `warnings` ({what: message}, e.g. NO_OPEN_ABSENCE) are facts to check that
    do not refuse it."""

    index: int
    assignment_number: str
    case_type: str
    action: str = "refused"
    errors: dict = dataclasses.field(default_factory=dict)
    warnings: dict = dataclasses.field(default_factory=dict)
    row: InflightRow | None = None
    person: Person | None = None
    existing: StoredCase | None = None

    @property
    def key(self) -> str:
        """The row's own identifier beside its assignment number, as an import report shows it."""
        return self.case_type or "-"


def missing_columns(header: Iterable[str]) -> list[str]:
    """The required columns a file's header lacks, in the documented order."""
    return lacking(header, COLUMNS)


def source_row(raw: Mapping[str | None, object]) -> dict:
    """The row as read and kept on the case: the text of each column the feed knows, surrounding spaces removed.
    A column it does not know is never kept (it may hold anything, health information included)."""
    return {name: text(raw.get(name)) for name in COLUMNS if name in raw}


def audited_row(source: Mapping[str, str]) -> dict:
    """What the "case migrated" audit entry keeps of a row: its known columns without the free-text notes."""
    return {name: source[name] for name in REPORTED_COLUMNS if name in source}


def ladder_for(policy: Policy, case_type: str) -> Ladder:
    return policy.sts.ladder if case_type == "STS" else policy.lts.ladder


def read_row(raw: Mapping[str | None, object], policy: Policy, today: dt.date,
             order: DateOrder = DAY_FIRST) -> tuple[InflightRow | None, dict[str, str]]:
    """Turn one row into an InflightRow, or say what is wrong with each field; dates ISO or UK
    (`casework.feed_dates`), read in the file's `order`."""
    errors: dict[str, str] = {}
    if raw.get(None):
        errors["row"] = "This row has more cells than the header: put text containing commas in quotes."
    number, case_type = text(raw.get("assignment_number")), text(raw.get("case_type")).upper()
    if not number:
        errors["assignment_number"] = "Enter the assignment number."
    if case_type not in KIND_WORDS:
        errors["case_type"] = f"Write STS or LTS, not {text(raw.get('case_type'))!r}."
    dates = {}
    for field in DATE_COLUMNS:
        try:
            dates[field] = feed_date(raw.get(field), order)
        except ValueError as problem:
            errors[field] = str(problem)
    started = dates.get("stage_started_on")
    if "stage_started_on" not in errors:
        if started is None:
            errors["stage_started_on"] = "Enter the date the employee entered the stage."
        elif started > today:
            errors["stage_started_on"] = f"The stage cannot start in the future (today is {today.isoformat()})."
    stage = text(raw.get("stage")).lower()
    level = text(raw.get("warning_level")).lower() or None
    if case_type in KIND_WORDS:
        errors.update(_stage_errors(stage, text(raw.get("stage")), level, policy, case_type))
    elif level not in (None, *WARNING_LEVELS):
        errors["warning_level"] = f"Write first or final, or leave it empty, not {level!r}."
    errors.update(_date_errors(dates, level, errors))
    notes = text(raw.get("notes"))
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"Use at most {MAX_NOTES} characters."
    if errors:
        return None, errors
    assert started is not None, "a row without a stage start date has an error"
    return InflightRow(number, case_type, stage, started, level, dates["warning_expires_on"], dates["review_date"],
                       notes, source_row(raw)), {}


def _stage_errors(stage: str, given: str, level: str | None, policy: Policy, case_type: str) -> dict[str, str]:
    ladder, words = ladder_for(policy, case_type), KIND_WORDS[case_type]
    errors = {}
    if ladder.stage(stage) is None:
        start = f"{given!r} is not a stage of {policy.key}" if given else "Enter the stage"
        errors["stage"] = f"{start}; the {words} stages are {', '.join(ladder.keys())}."
    warnings = {step.warning for step in ladder.stages if step.warning}
    if level is not None and level not in warnings:
        errors["warning_level"] = (f"Write {' or '.join(sorted(warnings))}, or leave it empty, not {level!r}."
                                   if warnings else
                                   f"A {words} case under {policy.key} carries no warning: leave it empty.")
    return errors


def _date_errors(dates: dict, level: str | None, errors: dict) -> dict[str, str]:
    """A warning's expiry only with its level (and a level only with its expiry); both dates after the start."""
    found = {}
    started, expires = dates.get("stage_started_on"), dates.get("warning_expires_on")
    if "warning_expires_on" not in errors:
        if expires is not None and level is None and "warning_level" not in errors:
            found["warning_level"] = (f"Give the level (first or final) of the warning expiring on "
                                      f"{expires.isoformat()}, or leave warning_expires_on empty.")
        elif expires is None and level is not None:
            found["warning_expires_on"] = f"Give the date the {level} warning expires."
    for field, what in (("warning_expires_on", "The warning must expire"), ("review_date", "The review must be")):
        day = dates.get(field)
        if day is not None and started is not None and "stage_started_on" not in errors and day <= started:
            found[field] = f"{what} after the stage started on {started.isoformat()}."
    return found


def plan_inflight(rows: list[Mapping[str | None, object]], numbers: list[int], policy: Policy,
                  people: Mapping[str, Person], cases: Iterable[StoredCase], today: dt.date,
                  progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """Decide what each row does under `policy` (the active one), given the employees the rows name and
    their stored cases; `numbers` are the rows' numbers in the file.

    A row is refused when it cannot be read, names nobody (or someone who has left), repeats an earlier
    row's employee and case type, or meets a live case of that type it did not create. A row migrated
    before (a case of that type whose source row is the same) is unchanged. `progress(rows planned)` is
    called every 1,000 rows and at the end.
    """
    by_employee: dict[object, list[StoredCase]] = {}
    for case in cases:
        by_employee.setdefault(case.employee, []).append(case)
    first_row: dict[tuple[str, str], int] = {}
    outcomes = []
    order = date_order(rows, DATE_COLUMNS)
    for index, raw in enumerate(rows):
        row, errors = read_row(raw, policy, today, order)
        outcome = Outcome(index, text(raw.get("assignment_number")), text(raw.get("case_type")).upper(),
                          errors=errors, row=row)
        if row is not None:
            _check_row(outcome, row, numbers, people, by_employee, first_row, today)
        else:       # a row that cannot be read still names its employee, when it names someone known
            outcome.person = people.get(outcome.assignment_number)
        if not outcome.errors:
            outcome.action = "unchanged" if outcome.existing else "created"
        outcomes.append(outcome)
        if progress and (index + 1) % 1000 == 0:
            progress(index + 1)
    if progress:
        progress(len(rows))
    return outcomes


def _check_row(outcome: Outcome, row: InflightRow, numbers, people, by_employee, first_row, today) -> None:
    errors = outcome.errors
    words = KIND_WORDS[row.case_type]
    earlier = first_row.setdefault((row.assignment_number, row.case_type), outcome.index)
    if earlier != outcome.index:
        errors["case_type"] = (f"{row.assignment_number} already has a {words} case on row {numbers[earlier]} "
                               "of this file.")
        return
    outcome.person = person = people.get(row.assignment_number)
    if person is None:
        errors["assignment_number"] = f"No employee has the assignment number {row.assignment_number}."
        return
    if person.left is not None and person.left < today:
        errors["assignment_number"] = f"{row.assignment_number} left on {person.left.isoformat()}."
        return
    if person.started is not None and row.stage_started_on < person.started:
        errors["stage_started_on"] = (f"The stage cannot start before {row.assignment_number} started on "
                                      f"{person.started.isoformat()}.")
    same_kind = [case for case in by_employee.get(person.id, []) if case.kind == row.case_type]
    outcome.existing = next((case for case in same_kind if case.source_row is not None
                             and all(case.source_row.get(name, "") == row.source.get(name, "") for name in COLUMNS)),
                            None)
    live = next((case for case in same_kind if case.live), None)
    if outcome.existing is None and live is not None:
        errors["case_type"] = (
            f"{row.assignment_number} already has an open {words} case ({live.stage} since "
            f"{live.entered_on.isoformat()})" + (": it was migrated from a different row; correct that case instead."
                                                 if live.source_row is not None else "."))
    if row.case_type == "LTS" and not person.off_sick:
        outcome.warnings[NO_OPEN_ABSENCE] = no_absence_warning(row.assignment_number, today)


def no_absence_warning(assignment_number: str, as_of: dt.date) -> str:
    """Why a long-term row is worth checking when its employee is not off: a long-term case follows an absence
    that goes on (policy part 2 paragraph 9), and it closes only once they have resumed."""
    return (f"{assignment_number} has no open absence on {as_of.isoformat()}: check that the long-term case is still "
            "live. The case is created, and its manager's confirmation task says so.")


def counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """How many rows were created, updated (never, for a migration), unchanged and refused."""
    tally = Counter(outcome.action for outcome in outcomes)
    return {action: tally[action] for action in ("created", "updated", "unchanged", "refused")}


def refusal_lines(number: int, assignment_number: str, errors: Mapping[str, str]) -> list[str]:
    """One line per problem of a refused row: "row 4 (A00042): stage: 'formal_9' is not a stage of …"."""
    return [f"row {number} ({assignment_number or '-'}): {field}: {message}" for field, message in errors.items()]
