"""Adjusted trigger thresholds: HR raises a trigger's threshold for one employee (an agreed adjustment, where the
policy allows it), changes or removes it; every change is audited on the employee's record.

The rules are in `casework.pertinent`; this module loads, applies and saves.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from casework.absences import long_date
from casework.pertinent import REVIEW_ADJUSTMENT, Adjustment, adjusted_words, adjustment_problems
from casework.policy import Policy
from documents.absence import Absence
from documents.base import midnight, utcnow
from documents.case import Case
from documents.employee import AdjustedThreshold, Employee
from services.errors import Refused
from services.pertinent import adjusted_facts_of
from services.triggers import active_policy, employee_facts, policy_for


def employee_policy(employee: Employee) -> Policy:
    """The policy the employee is evaluated under: their live short-term case's version, else the active one."""
    cases = Case.objects(employee=employee.pk).only("kind", "status", "opened_on", "policy_key", "policy_revision")
    return policy_for(list(cases), active_policy())


@dataclasses.dataclass(frozen=True)
class AdjustedRow:
    """An adjusted threshold as the employee page shows it: the trigger's title, the policy's threshold beside it."""

    adjusted: AdjustedThreshold
    title: str
    policy_threshold: float | None
    in_force: bool
    words: str


@dataclasses.dataclass(frozen=True)
class AdjustmentsPanel:
    """The employee page's adjusted thresholds: each one, the triggers that may be adjusted, and whether the policy
    allows adjustments at all."""

    policy_name: str
    allowed: bool
    rows: list[AdjustedRow]
    triggers: list[tuple[str, str]]


def adjustments_panel(employee: Employee, today: dt.date) -> AdjustmentsPanel:
    """The employee's adjusted thresholds, each with its trigger's title and the policy's own threshold, and the
    triggers of the policy they are evaluated under that may be adjusted."""
    policy = employee_policy(employee)
    triggers = {trigger.key: trigger for trigger in policy.triggers}
    rows = []
    for adjusted in employee.adjusted_thresholds or []:
        trigger = triggers.get(adjusted.trigger)
        rows.append(AdjustedRow(adjusted, trigger.title if trigger else adjusted.trigger,
                                trigger.threshold if trigger else None,
                                trigger is not None and policy.adjusted_thresholds,
                                adjusted_words(adjusted_facts_of(adjusted), today)))
    return AdjustmentsPanel(policy.name, policy.adjusted_thresholds, rows,
                            [(trigger.key, trigger.title) for trigger in policy.triggers if trigger.up_to is None])


def set_adjusted_threshold(employee: Employee, adjustment: Adjustment, actor: str, today: dt.date,
                           version: int | None = None) -> Employee:
    """HR records (or changes) an adjusted threshold for one of the triggers of the policy the employee is evaluated
    under: audited before and after. Every problem is refused beside its field, and nothing changes. A task to
    review the one it replaces is done."""
    problems = adjustment_problems(adjustment, employee_policy(employee),
                                   employee_facts(employee).pattern.days_per_week, today)
    if problems:
        raise Refused.naming(problems)
    assert adjustment.threshold is not None and adjustment.review_on is not None, "checked above"
    earlier = employee.adjustment_for(adjustment.trigger)
    adjusted = AdjustedThreshold(trigger=adjustment.trigger, threshold=float(adjustment.threshold),
                                 reason=adjustment.reason.strip()[:1000], review_on=adjustment.review_on,
                                 agreed_on=today, set_by=actor)
    employee.change(actor, "adjusted threshold set", lambda employee: employee.adjust_threshold(adjusted),
                    reason=adjusted.reason, version=version)
    if earlier is not None:
        _finish_reviews(employee, earlier, actor)
    return employee


def remove_adjusted_threshold(employee: Employee, trigger: str, actor: str, version: int | None = None) -> Employee:
    """HR removes the adjusted threshold of `trigger`: the policy's own applies again. Audited before and after."""
    earlier = employee.adjustment_for(trigger)
    if earlier is None:
        raise Refused("There is no adjusted threshold for that trigger.")
    employee.change(actor, "adjusted threshold removed", lambda employee: employee.remove_adjusted_threshold(trigger),
                    reason=f"The adjustment agreed on {long_date(earlier.agreed_on)} ended", version=version)
    _finish_reviews(employee, earlier, actor)
    return employee


def _finish_reviews(employee: Employee, earlier: AdjustedThreshold, actor: str) -> None:
    """An open task to review `earlier` is done once HR changes or removes it."""
    match = {"kind": REVIEW_ADJUSTMENT, "event_on": midnight(earlier.review_on), "status": "open"}
    for case in Case.objects(employee=employee.pk, tasks__match=match).only("id", "tasks"):
        for task in case.tasks:
            if task.kind == REVIEW_ADJUSTMENT and task.event_on == earlier.review_on and task.status == "open":
                Case.objects(pk=case.pk, tasks__id=task.id).update_one(set__tasks__S__status="done",
                                                                      set__tasks__S__completed_by=actor,
                                                                      set__tasks__S__completed_at=utcnow())
    Absence.objects(employee=employee.pk).finish_task(actor, kind=REVIEW_ADJUSTMENT,
                                                      event_on=midnight(earlier.review_on))
