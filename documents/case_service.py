"""Working a case: who its tasks go to, creating a stage's tasks, completing and reassigning them, and
saving any change with its audit entry and the version check.

The rules are in `casework.workflow`; this module loads, applies and saves.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable

from casework.ladders import Ladder
from casework.policy import Policy
from casework.workflow import completion_blocked, due_on, stage_tasks
from documents.base import StaleEditError, utcnow
from documents.case import Case, Task
from documents.employee import Employee
from documents.policy import policy_rules
from documents.user import User

HR_QUEUE = "hr:"


class CaseRuleError(ValueError):
    """A change the rules do not allow, with the reason in words for the user."""


def hr_queue(division: str) -> str:
    """The assignee that stands for every HR advisor of `division`."""
    return f"{HR_QUEUE}{division}"


def assignee_for(role: str, employee: Employee) -> str:
    """Who a task for `role` goes to: a manager task to the login of the employee's supervisor (or, when
    the supervisor has no login, to the division's HR queue); an HR task to the division's HR queue."""
    if role == "manager" and employee.supervisor_assignment_number:
        boss = User.objects(assignment_number=employee.supervisor_assignment_number, roles="manager",
                            active=True).only("email").first()
        if boss is not None:
            return boss.email
    return hr_queue(employee.division)


def case_policy(case: Case) -> Policy:
    """The policy version the case was opened under (a case keeps its version)."""
    return policy_rules(case.policy_key, case.policy_revision)


def ladder_of(case: Case, policy: Policy | None = None) -> Ladder:
    policy = policy or case_policy(case)
    return policy.sts.ladder if case.kind == "STS" else policy.lts.ladder


def add_stage_tasks(case: Case, employee: Employee, policy: Policy, entered_on: dt.date) -> list[Task]:
    """Append the tasks of the case's current stage (unsaved), the association first."""
    stage = ladder_of(case, policy).stage(case.stage)
    if stage is None:
        return []
    added = [Task(kind=planned.kind, title=planned.title, stage_key=planned.stage_key, due_on=planned.due_on,
                  assignee=assignee_for(planned.assignee, employee))
             for planned in stage_tasks(stage, entered_on, employee.region)]
    case.tasks.extend(added)
    return added


def cancel_stage_tasks(case: Case, stage_key: str, actor: str) -> None:
    """Cancel the open tasks of a stage the case has left (unsaved)."""
    for task in case.tasks:
        if task.status == "open" and task.stage_key == stage_key:
            task.status, task.completed_at, task.completed_by = "cancelled", utcnow(), actor


def resume(case: Case, on: dt.date) -> None:
    """Resume a paused case (unsaved): its open tasks' due dates move on by the time it was paused."""
    waiting = case.open_tasks()
    if case.paused_on is not None and on > case.paused_on and waiting:
        shift, region = on - case.paused_on, _region(case)
        for task in waiting:
            task.due_on = due_on(task.due_on + shift, 0, region)
    case.paused, case.paused_on = False, None


def _region(case: Case) -> str:
    employee = Employee.objects(pk=case.employee).only("region").first()
    return employee.region if employee and employee.region else "ENG"


def summary(case: Case) -> dict:
    """The case's state for an audit entry's before and after."""
    return {"stage": case.stage, "status": case.status, "paused": case.paused,
            "open_tasks": len(case.open_tasks())}


def change(case: Case, actor: str, action: str, apply: Callable[[Case], dict | None], reason: str | None = None,
           version: int | None = None) -> Case:
    """Apply `apply` to the case and save it with an audit entry; `version` is the one the user saw (a
    newer one in the database refuses the save). `apply` may return the entry's own before/after detail."""
    if version is not None and version != case.version:
        raise StaleEditError()
    before = summary(case)
    detail = apply(case) or {}
    after = summary(case)
    case.record(actor, action, {**before, **detail.get("before", {})}, {**after, **detail.get("after", {})},
                reason)
    case.save_checked()
    return case


def find_task(case: Case, task_id: str) -> Task:
    task = next((task for task in case.tasks if task.id == task_id), None)
    if task is None:
        raise CaseRuleError("That task is not part of this case.")
    return task


def task_blocked(case: Case, task: Task) -> str | None:
    """Why the task cannot be completed now, or None."""
    if task.status != "open":
        return "This task is already done."
    stage = case.current_stage
    if task.stage_key and stage and task.stage_key == stage.key:
        return completion_blocked(task.kind, stage.absences_associated)
    return None


def complete_task(case: Case, task_id: str, actor: str, version: int | None = None) -> Case:
    """Mark a task done, unless the rules say it must wait (CaseRuleError with the reason)."""
    task = find_task(case, task_id)
    reason = task_blocked(case, task)
    if reason:
        raise CaseRuleError(reason)

    def apply(case: Case) -> dict:
        task.status, task.completed_at, task.completed_by = "done", utcnow(), actor
        return {"before": {"task": task.title, "task_status": "open"}, "after": {"task": task.title,
                                                                                 "task_status": "done"}}

    return change(case, actor, "task completed", apply, version=version)


def reassign_task(case: Case, task_id: str, assignee: str, actor: str, version: int | None = None) -> Case:
    """Give a task to someone else (HR does this)."""
    task = find_task(case, task_id)
    if task.status != "open":
        raise CaseRuleError("Only an open task can be reassigned.")
    previous = task.assignee

    def apply(case: Case) -> dict:
        task.assignee = assignee
        return {"before": {"task": task.title, "assignee": previous}, "after": {"task": task.title,
                                                                               "assignee": assignee}}

    return change(case, actor, "task reassigned", apply, version=version)
