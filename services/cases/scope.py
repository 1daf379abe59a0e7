"""A case's scope follows its employee. Who may see a case (HR for its division, the managers above the employee)
is decided by the division and chain of supervisors copied onto it when it opened; whenever the staff hierarchy
changes they are copied again, with an audit entry on each case whose scope changed, so the old division's HR and
the old managers lose the case (and its notes and case-conference notes) and the new ones gain it."""
from __future__ import annotations

from typing import Mapping

from pymongo import UpdateOne

from documents.absence import Absence
from documents.base import stored_audit_entry, utcnow
from documents.case import Case
from documents.case_rollup import refresh_case_rollups_of
from documents.employee import Employee
from documents.open_task import refresh_open_task_people
from services.cases.tasks import hr_queue

MOVED = "scope followed the employee's move"
RECHAINED = "scope followed the employee's supervisors"
REQUEUED = "tasks followed the employee's move"


def refresh_case_scopes(actor: str, why: str, employees: Mapping | None = None) -> int:
    """Give every case its employee's current division and chain of supervisors; returns how many cases changed.

    Reads the employees and the cases once each (two fields apiece) and writes only the cases whose scope is out
    of date: a new chain of supervisors in one bulk write, a new division one case at a time through
    `Case.follow_employee` (its tasks in the old division's HR queue move with it). Each gets an audit entry
    saying what changed, with `why` (e.g. "hierarchy import employees.csv"). A caller that holds every employee
    as just written (a hierarchy import) passes them as `employees`, {id: (division, chain)}, and saves the read."""
    if employees is None:
        employees = {row["_id"]: (row.get("division"), row.get("manager_path") or [])
                     for row in Employee._get_collection().find({}, {"division": 1, "manager_path": 1})}
    moved, rechained, rechained_ids = [], [], []
    for row in Case._get_collection().find({}, {"employee": 1, "division": 1, "manager_path": 1}):
        if row["employee"] not in employees:
            continue
        division, path = employees[row["employee"]]
        if row.get("division") != division:
            moved.append(row["_id"])
        elif (row.get("manager_path") or []) != path:
            rechained.append(_rechain(row, path, actor, why))
            rechained_ids.append(row["_id"])
    if rechained:
        Case._get_collection().bulk_write(rechained, ordered=False)
        refresh_case_rollups_of(rechained_ids)
    for case_id in moved:
        case = Case.objects.get(pk=case_id)
        division, path = employees[case.employee]
        case.change(actor, MOVED, lambda case, division=division, path=path: case.follow_employee(
            division, path, (hr_queue(case.division), hr_queue(division))),
            reason=f"{case.division} → {division} ({why})")
    refresh_open_task_people()
    return len(moved) + len(rechained)


def _rechain(row: dict, path: list[str], actor: str, why: str) -> UpdateOne:
    """A new chain of supervisors for one case, with its audit entry; the version steps on, so an edit based on
    the case as it was cannot overwrite the entry."""
    entry = stored_audit_entry(actor, RECHAINED, utcnow(), {"manager_path": row.get("manager_path") or []},
                               {"manager_path": path}, reason=why)
    return UpdateOne({"_id": row["_id"]}, {"$set": {"manager_path": path}, "$inc": {"version": 1},
                                           "$push": {"audit": entry}})


def requeue_absence_tasks(employee_id, old_division: str, new_division: str, actor: str, why: str) -> int:
    """Move the open tasks of the employee's absences (a return-to-work reminder, a referral) waiting in the old
    division's HR queue to the new division's, each absence with an audit entry; returns how many absences
    changed. One query for the employee's absences with such a task."""
    old_queue, new_queue = hr_queue(old_division), hr_queue(new_division)
    changed = 0
    for absence in Absence.objects(employee=employee_id, tasks__match={"assignee": old_queue, "status": "open"}):
        def apply(absence: Absence) -> dict:
            for task in absence.tasks:
                if task.status == "open" and task.assignee == old_queue:
                    task.reassign(new_queue)
            return {"before": {"queue": old_queue}, "after": {"queue": new_queue}}

        absence.change(actor, REQUEUED, apply, reason=f"{old_division} → {new_division} ({why})")
        changed += 1
    return changed
