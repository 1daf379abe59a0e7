"""Loading the staff hierarchy from ESR: plan a file against the stored employees, then write it in bulk.

Applying writes the new starters and changed employees (each with an audit entry), ends those a full
file leaves out, rebuilds every chain of supervisors, gives every case its employee's division and chain (who may
see it: `services.cases.scope`) with the HR-queue tasks of a moved employee, and moves each
open manager task of an employee whose supervisor changed to the new supervisor's login, with an audit
entry on the case and a notice to the old and the new assignee. It also makes, links, gives back and stands down
the managers' logins (services/imports/manager_logins.py), which its dry run lists.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import Callable, Mapping

from bson import ObjectId
from pymongo import InsertOne, UpdateOne

from casework.hierarchy_feed import FIELDS, REPORTED_COLUMNS, Outcome, Plan, counts, plan_hierarchy
from casework.manager_logins import LoginChange, tally
from documents.base import StaleEditError, as_date, bulk_write_in_chunks, stored_audit_entry, utcnow
from documents.case import Case, Task
from documents.divisions import keep_divisions
from documents.employee import Employee, manager_chains, search_words_update, write_chains
from documents.reading import rows_where
from documents.routing import Routing
from documents.search_words import SEARCHED_FIELDS
from documents.user import User
from services.cases.scope import refresh_case_scopes, requeue_absence_tasks
from services.cases.tasks import HR_QUEUE, assignee_for, find_task
from services.errors import Refused
from services.figures import FIGURE_FIELDS, after_hierarchy_import
from services.imports.jobs import register_importer
from services.imports.manager_logins import apply_login_changes, login_changes
from services.imports.unfinished import unfinished_work
from services.mail import MailSettings
from services.notifications import send_notice

CHUNK = 2000
ACTIONS = {"created": "employee imported", "updated": "employee updated by hierarchy import",
           "ended": "assignment ended: not in the full hierarchy file"}
MOVED = "task moved by hierarchy import"
GIVEN = "task given to the current supervisor"
STRANDED = "hierarchy health: the assignee has left or has no active login"
CHANGED_MEANWHILE = ("Some employees were changed by someone else while the file was applied. Run it again: "
                     "rows already applied will show as unchanged.")
Progress = Callable[[str, int, int], None]


@dataclasses.dataclass(frozen=True)
class MovedTask:
    """An open task the import gave to the employee's new supervisor."""

    case_id: object
    task_id: str
    title: str
    employee: str
    before: str
    after: str


@dataclasses.dataclass
class HierarchyResult:
    """What a file did (or would do, when not `applied`): each row's outcome, the assignments ended, the
    tasks moved."""

    plan: Plan
    applied: bool
    moved: list[MovedTask] = dataclasses.field(default_factory=list)
    logins: list[LoginChange] = dataclasses.field(default_factory=list)   # manager logins made, switched off…

    @property
    def login_counts(self) -> dict[str, int]:
        return tally(self.logins)

    @property
    def outcomes(self) -> list[Outcome]:
        return self.plan.outcomes

    @property
    def counts(self) -> dict[str, int]:
        return counts(self.plan.outcomes)

    @property
    def refused(self) -> list[Outcome]:
        return self.plan.refused


def import_employees(rows: list[Mapping], actor: str, source: str, today: dt.date, dry_run: bool = False,
                     skip_invalid: bool = False, progress: Progress | None = None,
                     full: bool = False, *, mail: MailSettings) -> HierarchyResult:
    """Plan the rows, then apply them unless this is a dry run or anything is refused.

    A hierarchy file is all or nothing (`skip_invalid` is accepted for the upload page and ignored): a
    skipped row could leave others supervised by nobody. With `full`, employees in post whom the file
    leaves out end today. Re-running the same file changes nothing, and finishes what an earlier run killed
    part-way left undone: the tasks of staff whose supervisor it had changed go to their new supervisor, and the
    HR-queue tasks of staff it had moved to another division go to that division's queue (see
    services/imports/unfinished.py). Raises StaleEditError when someone changed one of the employees while it
    was being written.
    """
    employees = _stored_rows()
    stored = _stored(employees)
    report = (lambda done: progress("planning", done, len(rows))) if progress else None
    plan = plan_hierarchy(rows, {number: values for number, (_, _, values) in stored.items()}, today, full, report)
    if plan.refused:
        return HierarchyResult(plan, False)
    logins = login_changes(plan, stored, today)
    if dry_run:
        return HierarchyResult(plan, False, logins=logins)
    division_moves = [(stored[outcome.key][0], *outcome.changes["division"]) for outcome in plan.changed_details
                      if "division" in outcome.changes]
    with unfinished_work("employees", {stored[outcome.key][0] for outcome in plan.changed_supervisors},
                         division_moves) as unfinished:
        after = _after(plan, stored)
        _write(plan, stored, actor, today, progress, after)
        write_chains(employees, {number: row["manager_path"] for number, row in after.items()})
        keep_divisions(row.get("division") for row in after.values())
        apply_login_changes(logins, actor)
        why = f"hierarchy import {file_of(actor)}"
        # heals every case left out of date, a killed run's included
        refresh_case_scopes(actor, why, {row["_id"]: (row.get("division"), row["manager_path"])
                                         for row in after.values()})
        for employee_id, old, new in unfinished.division_moves:
            requeue_absence_tasks(employee_id, old, new, actor, why)
        moved = _move_tasks(sorted(unfinished.employees), actor, today, mail)
        if plan.ended or any(outcome.action in ("created", "updated") for outcome in plan.outcomes):
            after_hierarchy_import([stored[outcome.key][0] for outcome in plan.changed_details
                                    if outcome.changes.keys() & set(FIGURE_FIELDS)], today, after.values())
    return HierarchyResult(plan, True, moved, logins)


def _stored_rows() -> list[dict]:
    """Every stored employee, whole, in one read: the only read of the employees an import makes. (The embedded
    database returns whole documents faster than a projection of them: 1.65 s against 2.98 s for 5,000.)"""
    return list(Employee._get_collection().find({}))


def _stored(rows: list[dict]) -> dict[str, tuple[object, int, dict]]:
    """{assignment_number: (id, version, {field: value})} of the stored employees `rows`."""
    return {row["assignment_number"]: (row["_id"], row.get("version", 0),
                                       {name: as_date(row.get(name)) for name in FIELDS}) for row in rows}


def _after(plan: Plan, stored: dict) -> dict[str, dict]:
    """Every employee as applying `plan` leaves them, {assignment_number: row}: the id (a new one for a starter),
    the stored values with the file's rows and the assignments a full file ends laid over them, and the chain of
    supervisors. What the import writes after the employees (chains, case scopes, roll-ups) comes from these."""
    after = {number: {"_id": pk, **values} for number, (pk, _, values) in stored.items()}
    for outcome in plan.outcomes:
        if outcome.action in ("created", "updated") and outcome.values is not None:
            pk = stored[outcome.key][0] if outcome.key in stored else ObjectId()
            after[outcome.key] = {**after.get(outcome.key, {}), **outcome.values, "_id": pk}
    for ended in plan.ended:
        after[ended.assignment_number]["end_date"] = ended.on
    chains = manager_chains({number: row.get("supervisor_assignment_number") for number, row in after.items()})
    for number, row in after.items():
        row["manager_path"] = chains[number]
    return after


@functools.cache
def _defaults() -> dict:
    """What MongoEngine stores for a new employee before any field is set."""
    return Employee().to_mongo().to_dict()


def _mongo(name: str, value):
    return Employee._fields[name].to_mongo(value) if value is not None else None


def _write(plan: Plan, stored: dict, actor: str, today: dt.date, progress: Progress | None,
           after: Mapping[str, dict]) -> None:
    at = utcnow()
    writes: list[InsertOne | UpdateOne] = []
    for outcome in plan.outcomes:
        if outcome.action == "created":
            assert outcome.values is not None, "only a row read without errors is created"
            values = {name: _mongo(name, value) for name, value in outcome.values.items() if value is not None}
            # New starters arrive with their chain, so rebuilding the chains afterwards rewrites only those
            # that moved (one by one, that is what a large first load would otherwise spend its time on).
            entry = stored_audit_entry(actor, ACTIONS["created"], at, {}, outcome.values)
            writes.append(InsertOne({**_defaults(), **values, "_id": after[outcome.key]["_id"],
                                     "manager_path": after[outcome.key]["manager_path"], "version": 1,
                                     "audit": [entry],
                                     **search_words_update({**outcome.values, "assignment_number": outcome.key})}))
        elif outcome.action == "updated":
            pk, version, was = stored[outcome.key]
            now = {**was, "assignment_number": outcome.key, **{name: new for name, (_, new) in outcome.changes.items()}}
            words = search_words_update(now) if outcome.changes.keys() & set(SEARCHED_FIELDS) else {}
            writes.append(_update(pk, version, outcome.changes, actor, ACTIONS["updated"], at, words))
    for ended in plan.ended:
        pk, version, values = stored[ended.assignment_number]
        writes.append(_update(pk, version, {"end_date": (values.get("end_date"), ended.on)}, actor,
                              ACTIONS["ended"], at))
    if bulk_write_in_chunks(Employee._get_collection(), writes, len(writes), CHUNK, progress):
        raise StaleEditError(CHANGED_MEANWHILE)


def _update(pk, version: int, changes: dict, actor: str, action: str, at: dt.datetime,
            derived: dict | None = None) -> UpdateOne:
    """The write of `changes` with its audit entry, and `derived` fields set beside them (the search words)."""
    before = {name: old for name, (old, _) in changes.items()}
    after = {name: new for name, (_, new) in changes.items()}
    update = {"$inc": {"version": 1}, "$push": {"audit": stored_audit_entry(actor, action, at, before, after)}}
    kept = {**{name: _mongo(name, value) for name, value in after.items() if value is not None}, **(derived or {})}
    if kept:
        update["$set"] = kept
    cleared = {name: "" for name, value in after.items() if value is None}
    if cleared:
        update["$unset"] = cleared
    return UpdateOne({"_id": pk, "version": version}, update)


def moves_with_supervisor(task: Task, advisors: set[str]) -> bool:
    """A manager task follows the supervisor; one waiting in an HR queue, or given to an HR advisor, stays."""
    return task.status == "open" and not task.assignee.startswith(HR_QUEUE) and task.assignee not in advisors


def hr_advisors() -> set[str]:
    """The logins of HR advisors who are not managers (a task given to one of them was given on purpose)."""
    return set(User.objects(__raw__={"roles": {"$eq": "hr", "$ne": "manager"}}).distinct("email"))


def _move_tasks(employee_ids: list, actor: str, today: dt.date, mail: MailSettings) -> list[MovedTask]:
    if not employee_ids:
        return []
    employees = {row["_id"]: Employee._from_son(row) for row in rows_where(Employee._get_collection(),
                                                                           {"_id": employee_ids})}
    advisors, moved = hr_advisors(), []
    for case in (Case._from_son(row) for row in rows_where(Case._get_collection(), {"employee": employees},
                                                           query={"status": {"$ne": "closed"}})):
        employee = employees[case.employee]
        new = assignee_for("manager", employee)
        for task in case.tasks:
            if moves_with_supervisor(task, advisors) and task.assignee != new:
                moved.append(give_task(case, task, new, employee, actor, f"hierarchy import {file_of(actor)}",
                                       MOVED, today, mail))
    return moved


def give_task(case: Case, task: Task, assignee: str, employee: Employee, actor: str, reason: str, action: str,
              today: dt.date, mail: MailSettings) -> MovedTask:
    """Give an open task to `assignee` with an audit entry on the case, and tell the old and the new assignee."""
    previous = task.assignee
    case.change(actor, action, lambda case: task.reassign(assignee), reason=reason)
    moved = MovedTask(case.pk, task.id, task.title, employee.name, previous, assignee)
    _tell(moved, case, reason, today, mail)
    return moved


def give_stranded_task(case: Case, employee: Employee, task_id: str, actor: str, today: dt.date, mail: MailSettings,
                       version: int | None) -> MovedTask:
    """Give a stranded task (its assignee has left or has no active login) to the employee's current supervisor,
    or their division's HR queue when the supervisor has no login; `version` is the case's the user saw."""
    if version != case.version:
        raise StaleEditError()
    task = find_task(case, task_id)
    assignee = assignee_for("manager", employee)
    if task.status != "open" or task.assignee == assignee:
        raise Refused("This task is already done, or already with the current supervisor.")
    return give_task(case, task, assignee, employee, actor, STRANDED, GIVEN, today, mail)


def _tell(moved: MovedTask, case: Case, reason: str, today: dt.date, settings: MailSettings) -> None:
    """A notice to the old and the new assignee (an HR queue through its division's HR team address)."""
    routing = Routing.current() if HR_QUEUE in moved.before + moved.after else None
    names = {user.email: user.name for user in User.objects(email__in=[moved.before, moved.after]).only(
        "email", "name")}

    def who(assignee: str) -> str:
        return (f"the {assignee[len(HR_QUEUE):]} HR queue" if assignee.startswith(HR_QUEUE)
                else names.get(assignee, assignee))

    def address(assignee: str) -> str | None:
        if assignee.startswith(HR_QUEUE):
            return routing.hr_email(assignee[len(HR_QUEUE):]) if routing else None
        return assignee

    lines = [f"The task “{moved.title}” on {moved.employee}'s case has moved from {who(moved.before)} "
             f"to {who(moved.after)}, because the staff hierarchy now shows who supervises {moved.employee} "
             f"({reason}).", f"The case: {settings.base_url}/cases/{case.pk}"]
    recipients = [(names.get(assignee, ""), address(assignee)) for assignee in (moved.before, moved.after)]
    send_notice([person for person in recipients if person[1]], f"Casebook: task moved: {moved.title}", lines,
                f"task-moved:{case.pk}:{moved.task_id}", settings, today)


def file_of(actor: str) -> str:
    """The file named in an import's actor ("import:employees.csv by sam@…" → "employees.csv")."""
    return actor.removeprefix("import:").rsplit(" by ", 1)[0]


register_importer("employees", import_employees, REPORTED_COLUMNS, mails=True)
