"""Pertinent factors on cases: HR's advice before any formal step, and HR's task to review an adjusted threshold.

The rules are in `casework.pertinent`; this module loads, applies and saves, with an audit entry for every change.
Setting the thresholds themselves is `services.adjustments`.
"""
from __future__ import annotations

import datetime as dt
from typing import Sequence

from casework.decisions import Action
from casework.facts import AdjustedThreshold as AdjustedFacts
from casework.pertinent import (
    PERTINENT_ADVICE,
    PERTINENT_TITLE,
    REVIEW_ADJUSTMENT,
)
from casework.workflow import due_on
from documents.absence import Absence
from documents.base import AuditEntry
from documents.case import Case, Task
from documents.employee import AdjustedThreshold, Employee
from services.cases.tasks import hr_queue
from services.errors import Refused

ADVICE_DUE_WORKING_DAYS = 5


def adjusted_facts(employee: Employee) -> tuple[AdjustedFacts, ...]:
    """The employee's adjusted thresholds as the engine reads them."""
    return tuple(adjusted_facts_of(adjusted) for adjusted in employee.adjusted_thresholds or [])


def adjusted_facts_of(adjusted: AdjustedThreshold) -> AdjustedFacts:
    """One adjusted threshold as the engine reads it."""
    return AdjustedFacts(adjusted.trigger, adjusted.threshold, adjusted.reason, adjusted.review_on,
                         adjusted.agreed_on, adjusted.review_task_on is not None)


def add_pertinent_task(case: Case, employee: Employee, factors: Sequence[str], today: dt.date) -> Task:
    """The division's HR advisors' task to advise on the pertinent factors (unsaved). Its title says no more than
    that (titles reach e-mails); the factors are its detail, shown on the case page."""
    task = Task(kind=PERTINENT_ADVICE, title=f"{PERTINENT_TITLE} ({employee.name})", assignee=hr_queue(case.division),
                due_on=due_on(today, ADVICE_DUE_WORKING_DAYS, employee.region), detail="; ".join(factors)[:2000])
    case.tasks.append(task)
    return task


def advice_waiting(case: Case) -> bool:
    """Whether HR's advice on the pertinent factors is still to be recorded on the case."""
    return any(task.kind == PERTINENT_ADVICE for task in case.open_tasks())


def cancel_advice(case: Case, by: str) -> None:
    """Cancel the case's open advice task (unsaved): the case closed before HR advised."""
    for task in case.open_tasks():
        if task.kind == PERTINENT_ADVICE:
            task.cancel(by)


def record_pertinent_advice(case: Case, task_id: str, advice: str, actor: str, version: int | None = None) -> Case:
    """HR records its advice on the pertinent factors: that completes the task, and the advice is kept on it and
    in the case's audit trail. Refused beside the field when there is no advice."""
    task = next((task for task in case.tasks if task.id == task_id and task.kind == PERTINENT_ADVICE), None)
    if task is None or task.status != "open":
        raise Refused("That task is not waiting for HR's advice.")
    advice = advice.strip()
    if not advice:
        raise Refused("Write HR's advice on the pertinent factors: the manager reads it before any formal step.",
                      "advice")
    if len(advice) > 5000:
        raise Refused("Keep the advice to 5,000 characters.", "advice")

    def apply(case: Case) -> dict:
        task.advice = advice
        task.finish(actor)
        return {"before": {"task": task.title, "task_status": "open"},
                "after": {"task": task.title, "task_status": "done", "advice": advice}}

    return case.change(actor, "HR advice recorded: pertinent factors", apply, reason=task.detail, version=version)


def give_adjustment_reviews(employee: Employee, actions: Sequence[Action], today: dt.date) -> int:
    """HR's task to review each adjusted threshold whose review date has come (once): on the employee's live
    short-term case, else on their latest absence. The adjustment stays in force; the employee's record keeps the
    day the task was given, with an audit entry. Returns how many were given."""
    given = 0
    for action in actions:
        adjusted = employee.adjustment_for(action.adjusted_trigger or "")
        if action.kind != REVIEW_ADJUSTMENT or adjusted is None:
            continue
        task = Task(kind=REVIEW_ADJUSTMENT, title=f"Review the adjusted threshold ({employee.name})",
                    assignee=hr_queue(employee.division), event_on=adjusted.review_on, detail=action.reason,
                    due_on=due_on(today, ADVICE_DUE_WORKING_DAYS, employee.region))
        case = Case.objects(employee=employee.pk, kind="STS", status__ne="closed").only("id").first()
        if case is not None:
            Case.objects(pk=case.pk).update_one(push__tasks=task)
        else:
            absence = Absence.objects(employee=employee.pk).only("id").order_by("-first_day").first()
            if absence is None:
                continue   # nowhere to hold it yet: the employee page says the review is due
            Absence.objects(pk=absence.pk).update_one(push__tasks=task)
        # The system's write beside what people edit: no version step, so nobody's edit is refused.
        Employee.objects(pk=employee.pk, adjusted_thresholds__trigger=adjusted.trigger).update_one(
            set__adjusted_thresholds__S__review_task_on=today, push__audit=AuditEntry(
                actor="system", action="adjusted threshold review due", before={"review_task_on": None},
                after={"trigger": adjusted.trigger, "review_task_on": today.isoformat()}, reason=action.reason))
        given += 1
    return given
