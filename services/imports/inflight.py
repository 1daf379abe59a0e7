"""Migrating cases in progress from the system being replaced: plan a batch against the database, then
create each case at its stage.

Planning reads the employees the batch names once, their cases once and which of those named on a
long-term row have an absence open once, and asks
`casework.inflight_feed` what each row does. Applying creates the new cases in bulk: each at its stage
with its dates, warning and review date, marked as migrated with the row kept, its stage's tasks (due
from today, since the work starts now), a task for the manager to confirm the stage (saying so when a
long-term case's employee has no absence open: the row's warning), the row's notes as a note, and an audit
entry. All or nothing unless `skip_invalid`.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, Mapping

from casework.absences import long_date
from casework.feed_files import text
from casework.inflight_feed import (
    NO_OPEN_ABSENCE,
    REPORTED_COLUMNS,
    InflightRow,
    Outcome,
    Person,
    StoredCase,
    audited_row,
    counts,
    ladder_for,
    plan_inflight,
)
from casework.plain_words import title_case
from casework.policy import Policy
from casework.workflow import due_on
from documents.absence import Absence, not_ended_before
from documents.base import midnight, utcnow
from documents.case import Case, Migration, Note, Stage, Task
from documents.employee import Employee
from documents.open_task import add_open_tasks
from documents.reading import rows_where
from documents.staff_summary import refresh_staff_summaries
from documents.user import User
from services.cases.outcomes import raise_flag
from services.cases.tasks import CONFIRM_MIGRATED, add_stage_tasks, assignee_for, hr_queue
from services.errors import Refused
from services.imports.absences import FeedResult, _read
from services.imports.jobs import register_importer
from services.mail import MailSettings
from services.triggers import active_policy

CONFIRM_DAYS = 5
CHUNK = 500
NOTE_PREFIX = "Migrated from the previous system: "
Progress = Callable[[str, int, int], None]


def import_inflight(rows: list[Mapping], actor: str, source: str, today: dt.date, dry_run: bool = False,
                    skip_invalid: bool = False, progress: Progress | None = None,
                    numbers: list[int] | None = None) -> FeedResult:
    """Plan the rows under the active policy, then create their cases unless this is a dry run or a row is
    refused (and not `skip_invalid`). `numbers` are the rows' numbers in the file (the header is row 1;
    by default the rows follow it). Re-running the same rows changes nothing."""
    numbers = numbers or [index + 2 for index in range(len(rows))]
    policy = active_policy()
    named = {text(row.get("assignment_number")) for row in rows} - {""}
    employees = {row["assignment_number"]: Employee._from_son(row)
                 for row in _read(Employee, {"assignment_number": named}, {"audit": 0})}
    off_sick = _off_sick([employees[number].pk for number in _long_term_numbers(rows) if number in employees], today)
    people = {number: Person(employee.pk, number, employee.start_date, employee.end_date, employee.pk in off_sick,
                             f"{employee.first_name} {employee.last_name}") for number, employee in employees.items()}
    cases = [_stored(row) for row in _read(Case, {"employee": {person.id for person in people.values()}},
                                           {"employee": 1, "kind": 1, "status": 1, "stage": 1, "stages": 1,
                                            "migrated.source_row": 1})]
    report = (lambda done: progress("planning", done, len(rows))) if progress else None
    outcomes = plan_inflight(rows, numbers, policy, people, cases, today, report)
    applies = not dry_run and (skip_invalid or not any(outcome.action == "refused" for outcome in outcomes))
    if applies:
        _apply(outcomes, employees, numbers, policy, actor, today, progress)
    return FeedResult(outcomes, applies, counts(outcomes))


def _long_term_numbers(rows: list[Mapping]) -> set[str]:
    """The assignment numbers the rows name on a long-term case."""
    return {text(row.get("assignment_number")) for row in rows if text(row.get("case_type")).upper() == "LTS"}


def _off_sick(ids: list, today: dt.date) -> set:
    """Of the employees `ids`, those with an absence open on `today` (see `rows_where`: a few by an indexed read
    each, many in one pass)."""
    return {row["employee"] for row in rows_where(Absence._get_collection(), {"employee": ids}, {"employee": 1},
                                                  {"first_day": {"$lte": midnight(today)}, **not_ended_before(today)})}


def _stored(row: dict) -> StoredCase:
    stages = row.get("stages") or [{}]
    entered = stages[-1].get("entered_on")
    return StoredCase(row["_id"], row["employee"], row["kind"], row["status"], row["stage"],
                      entered.date() if isinstance(entered, dt.datetime) else entered,
                      (row.get("migrated") or {}).get("source_row"))


def _apply(outcomes: list[Outcome], employees: dict[str, Employee], numbers: list[int], policy: Policy, actor: str,
           today: dt.date, progress: Progress | None) -> None:
    todo = [(outcome.row, numbers[outcome.index], outcome.warnings) for outcome in outcomes
            if outcome.action == "created" and outcome.row is not None]
    collection, assignee = Case._get_collection(), Assignees()
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start:start + CHUNK]
        made = [migrated_case(row, employees[row.assignment_number], number, policy, actor, today, assignee,
                              warnings) for row, number, warnings in chunk]
        for case in made:
            case.note_list_days()
        stored = [case.to_mongo() for case in made]
        collection.insert_many(stored, ordered=False)
        add_open_tasks("case", stored, summaries=False,
                       people={employees[row.assignment_number].pk: employees[row.assignment_number]
                               for row, _, _ in chunk})
        if progress:
            progress("applying", start + len(chunk), len(todo))
    refresh_staff_summaries(employees[row.assignment_number].pk for row, _, _ in todo)


class Assignees:
    """`assignee_for` for a whole file: a file brings thousands of cases for a few hundred managers, so the active
    manager logins are read once ({assignment number: the first such login's e-mail}, in the order `assignee_for`
    finds them) instead of once per manager (24 ms each over 5,000 employees' logins on a busy machine)."""

    def __init__(self) -> None:
        self.managers: dict[str, str] | None = None

    def __call__(self, role: str, employee: Employee) -> str:
        if self.managers is None:
            self.managers = {}
            for row in User._get_collection().find({"roles": "manager"}, {"assignment_number": 1, "active": 1,
                                                                           "email": 1}):
                if row.get("active") is True and row.get("assignment_number"):
                    self.managers.setdefault(row["assignment_number"], row["email"])
        boss = self.managers.get(employee.supervisor_assignment_number or "") if role == "manager" else None
        return boss or hr_queue(employee.division)


def migrated_case(row: InflightRow, employee: Employee, row_number: int, policy: Policy, actor: str,
                  today: dt.date, assignee=assignee_for, warnings: Mapping[str, str] | None = None) -> Case:
    """The case a row describes (unsaved, version 1): at its stage since its start, with the stage's tasks
    (from `add_stage_tasks`, due from today) and the manager's task to confirm it, the notes as a
    note, and the audit entry "case migrated". `assignee(role, employee)` says who each task goes to. The row's
    `warnings` are kept on the case, and a long-term case for someone not off says so in its confirmation task."""
    step = ladder_for(policy, row.case_type).stage(row.stage)
    assert step is not None, "a row is planned only at a stage of the policy"
    since = f"{title_case(step.title)} since {long_date(row.stage_started_on)}"
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind=row.case_type, status="open", policy_key=policy.key,
                policy_revision=policy.revision, stage=row.stage, opened_on=row.stage_started_on, version=1,
                stages=[Stage(key=row.stage, entered_on=row.stage_started_on, review_date=row.review_date,
                              warning_level=row.warning_level, warning_expires_on=row.warning_expires_on,
                              trigger_explanation=f"Migrated from the previous system: {since}")],
                migrated=Migration(source_row=row.source, row_number=row_number, imported_at=utcnow(),
                                   imported_by=actor, warnings=list((warnings or {}).values())))
    add_stage_tasks(case, employee, policy, today, assignee)
    check = (f" (no open absence on {long_date(today)}: is the long-term case still live?)"
             if NO_OPEN_ABSENCE in (warnings or {}) else "")
    case.tasks.append(Task(kind=CONFIRM_MIGRATED, title=f"Confirm {employee.name}'s stage: {since}{check}",
                           assignee=assignee("manager", employee), due_on=due_on(today, CONFIRM_DAYS,
                                                                                 employee.region)))
    if row.notes:
        case.notes.append(Note(author=actor, text=NOTE_PREFIX + row.notes))
    case.record(actor, "case migrated", after=audited_row(row.source),
                reason=f"Row {row_number} of the in-flight cases file")
    case.validate()
    return case


def confirmation_task(case: Case) -> Task | None:
    """The open task asking the manager to confirm a migrated case's stage, if it is still waiting."""
    return next((task for task in case.open_tasks() if task.kind == CONFIRM_MIGRATED), None)


def _waiting(case: Case) -> Task:
    task = confirmation_task(case) if case.migrated else None
    if task is None:
        raise Refused("This case is not waiting for its migrated stage to be confirmed.")
    return task


def settle_by_correction(case: Case, actor: str) -> dict:
    """Inside a change correcting a migrated `case`'s stage (HR on the data-fix page): the case keeps who
    corrected it and when, and the question "Is this stage right?" is settled, its confirmation task done if
    still open. Returns the audit entry's detail (empty when the task was no longer waiting)."""
    case.migrated.corrected_at, case.migrated.corrected_by = utcnow(), actor
    task = confirmation_task(case)
    if task is None:
        return {}
    task.finish(actor)
    return {"before": {"migrated_stage": "awaiting confirmation"}, "after": {"migrated_stage": "corrected"}}


def confirm_stage(case: Case, actor: str, version: int | None = None) -> Case:
    """The manager confirms the migrated stage is right: the confirmation task is done and the case
    records who confirmed it and when."""
    task = _waiting(case)

    def apply(case: Case) -> dict:
        task.finish(actor)
        case.migrated.confirmed_at, case.migrated.confirmed_by = utcnow(), actor
        return {"before": {"migrated_stage": "awaiting confirmation"}, "after": {"migrated_stage": "confirmed"}}

    return case.change(actor, "migrated stage confirmed", apply, version=version)


def report_wrong_stage(case: Case, actor: str, comment: str = "", version: int | None = None, *,
                       mail: MailSettings) -> Case:
    """One click: the migrated stage is wrong. A "wrong stage" flag goes to the division's HR queue (unless
    one is already waiting) and the confirmation task is done; the stage stays until someone fixes it."""
    task = _waiting(case)
    if not any(flag.kind == "wrong_stage" and flag.status == "open" for flag in case.flags):
        raise_flag(case, "wrong_stage", actor, comment or "The stage migrated from the previous system is wrong.",
                   version, mail=mail)
        version = None   # the flag was saved on the version the user saw; the task follows at once

    def apply(case: Case) -> dict:
        task.finish(actor)
        return {"before": {"migrated_stage": "awaiting confirmation"}, "after": {"migrated_stage": "reported wrong"}}

    return case.change(actor, "migrated stage reported wrong", apply, version=version)


register_importer("inflight", import_inflight, REPORTED_COLUMNS, numbered=True)
