"""Reading the trigger engine's evaluation of several employees for display, changing nothing: one read
of their absences and one of their cases in all, whatever the number of people.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Sequence

from casework.figures import Figures, leaves_out_words
from casework.pertinent import applied_threshold
from casework.policy import Policy, Trigger
from casework.triggers import Evaluation, evaluate
from documents.absence import Absence
from documents.case import Case
from documents.employee import Employee
from services.triggers import (
    ABSENCE_FIELDS,
    absence_facts,
    active_policy,
    case_facts,
    employee_facts,
    policy_for,
)


@dataclasses.dataclass(frozen=True)
class Threshold:
    """One trigger of the policy against the employee's figure: how far they are from it."""

    title: str
    value: int
    threshold: float
    up_to: float | None
    reached: bool


@dataclasses.dataclass(frozen=True)
class Explained:
    """One employee's evaluation with what the employee page shows beside it."""

    evaluation: Evaluation
    policy: Policy
    under_active: bool
    states: list[str]
    windows: list[tuple[Figures, str, str]]   # each window, what it counts, what it never counts
    thresholds: list[Threshold]


def evaluated(employees: Sequence[Employee], as_of: dt.date,
              active: Policy | None = None) -> dict[object, tuple[Evaluation, Policy]]:
    """{employee pk: (evaluation on `as_of`, the policy it was made under)} for `employees`, in two reads."""
    active = active or active_policy(as_of)
    ids = [employee.pk for employee in employees]
    absences, cases = defaultdict(list), defaultdict(list)
    for row in Absence._get_collection().find({"employee": {"$in": ids}}, ABSENCE_FIELDS):
        absences[row["employee"]].append(row)
    for case in Case.objects(employee__in=ids).exclude("audit"):
        cases[case.employee].append(case)
    found = {}
    for employee in employees:
        policy = policy_for(cases[employee.pk], active)
        found[employee.pk] = (evaluate(employee_facts(employee), absence_facts(absences[employee.pk]),
                                       case_facts(cases[employee.pk]), policy, as_of), policy)
    return found


def evaluations_for(employees: Sequence[Employee], as_of: dt.date,
                    active: Policy | None = None) -> dict[object, Evaluation]:
    """{employee pk: evaluation on `as_of`} for `employees` (one read of absences, one of cases)."""
    return {pk: evaluation for pk, (evaluation, _) in evaluated(employees, as_of, active).items()}


def explain_employee(employee: Employee, as_of: dt.date) -> Explained:
    """The employee's evaluation on `as_of`, the policy it was made under, their trigger states, each window
    with the absences it counts in words, and how far they are from each trigger."""
    active = active_policy(as_of)
    evaluation, policy = evaluated([employee], as_of, active)[employee.pk]
    return Explained(evaluation, policy, (policy.key, policy.revision) == (active.key, active.revision),
                     trigger_states(evaluation),
                     [(window, window.counts_words, leaves_out_words(window.counting, policy.lts))
                      for window in evaluation.windows],
                     thresholds(evaluation, policy, employee))


def trigger_states(evaluation: Evaluation) -> list[str]:
    """What a manager should notice, in words: 'Trigger reached', 'Off long-term', 'OH referral',
    'Pattern concern'; empty when none of these holds."""
    states = []
    if any(rule.figures is not None for rule in evaluation.fired):
        states.append("Trigger reached")
    if any(milestone.key == "long_term" and milestone.reached for milestone in evaluation.milestones):
        states.append("Off long-term")
    if any(rule.leads_to == "oh_referral" for rule in evaluation.fired):
        states.append("OH referral")
    if evaluation.concerns:
        states.append("Pattern concern")
    return states


def thresholds(evaluation: Evaluation, policy: Policy, employee: Employee) -> list[Threshold]:
    """Each trigger of `policy` with the employee's figure and the threshold that applies to them
    (pro-rated to their working week where the rule says so, or adjusted for them by HR)."""
    facts = employee_facts(employee)
    days_per_week = facts.pattern.days_per_week
    return [_threshold(trigger, evaluation, applied_threshold(
                trigger, facts, policy, trigger.threshold_for(days_per_week, policy.full_time_days_per_week))[0])
            for trigger in policy.triggers]


def _threshold(trigger: Trigger, evaluation: Evaluation, threshold: float) -> Threshold:
    found = next(window for window in evaluation.windows
                 if (window.window, window.counting) == (trigger.window, trigger.counting))
    value = {"occasions": found.occasions, "working_days": found.working_days,
             "bradford": found.bradford}[trigger.measure]
    return Threshold(trigger.title, value, threshold, trigger.up_to,
                     any(rule.rule == trigger.key for rule in evaluation.fired))
