"""Pertinent factors (council policy, part 2, paragraphs 7 and 13): a disability-related absence, or an
adjustment agreed for the employee, means HR advises before any formal step. A policy may also let HR raise a
trigger's threshold for one employee (`adjusted_thresholds = true`), with a reason and a date to review it by.

Pure: dates come in as parameters.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from casework.absences import count_of, long_date
from casework.decisions import Action
from casework.facts import AbsenceFacts, AdjustedThreshold, EmployeeFacts
from casework.figures import Figures
from casework.ladders import Stage
from casework.policy import Policy, Trigger
from casework.workflow import OutcomeKind

PERTINENT_ADVICE = "pertinent_advice"
PERTINENT_TITLE = "HR advice needed: pertinent factors"
REVIEW_ADJUSTMENT = "review_adjustment"
ADVICE_FIRST = "HR must record its advice on the pertinent factors first"
# A case opened or restarted by a trigger, and a review meeting due (which may move the case on): HR advises first.
BEFORE_A_STEP = ("open_sts", "restart_sts", "review_due")
MAX_ADJUSTED_THRESHOLD = 999


def applied_threshold(trigger: Trigger, employee: EmployeeFacts, policy: Policy,
                      threshold: float) -> tuple[float, AdjustedThreshold | None]:
    """The threshold that applies to the employee for `trigger` (`threshold`: the policy's, pro-rated), and the
    adjustment behind it: one HR recorded is used only where the policy allows adjusted thresholds."""
    adjusted = employee.adjustment_for(trigger.key) if policy.adjusted_thresholds else None
    return (adjusted.threshold, adjusted) if adjusted else (threshold, None)


def adjusted_words(adjusted: AdjustedThreshold, as_of: dt.date) -> str:
    """'adjusted for this employee until 1 June 2027: <reason>' (from the review date on, while it stays in force:
    'adjusted for this employee, its review due since 1 June 2027: <reason>')."""
    when = (f" until {long_date(adjusted.review_on)}" if as_of < adjusted.review_on
            else f", its review due since {long_date(adjusted.review_on)}")
    return f"adjusted for this employee{when}: {adjusted.reason}"


def pertinent_factors(employee: EmployeeFacts, absences: Sequence[AbsenceFacts], counted_ids: Sequence,
                      windows: Sequence[Figures], as_of: dt.date) -> tuple[str, ...]:
    """The pertinent factors behind a trigger, in words: disability-related absences among those it counted
    ('2 of the 4 absences counted are disability-related'), those in its windows it did not count, and the
    adjustments agreed for the employee ('adjustment agreed on 1 March 2026: <reason>')."""
    counted = [absence for absence in absences if absence.id in set(counted_ids)]
    related = [absence for absence in counted if absence.disability_related]
    factors = []
    if len(counted) == 1 and related:
        factors.append("the one absence counted is disability-related")
    elif related:
        verb = "is" if len(related) == 1 else "are"
        factors.append(f"{len(related)} of the {count_of(len(counted), 'absence')} counted {verb} disability-related")
    spans = [(figures.start, figures.end) for figures in windows]
    left_out = [absence for absence in absences if absence.disability_related and absence.id not in set(counted_ids)
                and any(absence.first_day <= end and absence.until(as_of) >= start for start, end in spans)]
    if left_out:
        factors.append(f"{count_of(len(left_out), 'disability-related absence')} in the window "
                       f"{'is' if len(left_out) == 1 else 'are'} not counted")
    for adjusted in employee.adjusted_thresholds:
        agreed = f" on {long_date(adjusted.agreed_on)}" if adjusted.agreed_on else ""
        factors.append(f"adjustment agreed{agreed}: {adjusted.reason}")
    return tuple(factors)


def with_pertinent_factors(actions: Sequence[Action], employee: EmployeeFacts, absences: Sequence[AbsenceFacts],
                           as_of: dt.date) -> list[Action]:
    """The actions, a case opened (or restarted) by a trigger, and a review meeting due, carrying their pertinent
    factors."""
    return [dataclasses.replace(action, pertinent=pertinent_factors(employee, absences, action.absence_ids,
                                                                    action.figures, as_of))
            if action.kind in BEFORE_A_STEP else action for action in actions]


def adjustment_reviews(employee: EmployeeFacts, policy: Policy, as_of: dt.date) -> list[Action]:
    """`review_adjustment` for each adjusted threshold in force whose review date has come and whose review HR has
    not been asked for yet: the adjustment stays in force, it does not lapse."""
    if not policy.adjusted_thresholds:
        return []
    titles = {trigger.key: trigger.title for trigger in policy.triggers}
    return [Action(REVIEW_ADJUSTMENT, f"Review the adjusted threshold for “{titles[adjusted.trigger]}” "
                                      f"({adjusted.threshold:g}): its review date was "
                                      f"{long_date(adjusted.review_on)}; it stays in force until HR changes or "
                                      f"removes it", adjusted_trigger=adjusted.trigger)
            for adjusted in employee.adjusted_thresholds
            if adjusted.review_on <= as_of and not adjusted.review_task_given and adjusted.trigger in titles]


def advice_problem(outcome: OutcomeKind, stage: Stage, next_stage: Stage | None, advice_waiting: bool) -> str | None:
    """Why the outcome waits for HR's advice on the pertinent factors (paragraph 13: "managers are strongly
    advised to discuss the situation with an HR Advisor before taking any such action"), or None: any outcome at
    a formal stage, and moving on to a formal stage, wait while the advice task is open."""
    if not advice_waiting:
        return None
    if stage.formal or (outcome.progresses and next_stage is not None and next_stage.formal):
        return f"{ADVICE_FIRST}: it is a task for the division's HR advisors on this case."
    return None


@dataclasses.dataclass(frozen=True)
class Adjustment:
    """An adjusted threshold as HR enters it, before it is checked."""

    trigger: str
    threshold: float | None
    reason: str
    review_on: dt.date | None


def adjustment_problems(adjustment: Adjustment, policy: Policy, days_per_week: int,
                        today: dt.date) -> dict[str, str]:
    """{field: message} for an adjusted threshold: the policy must allow them, the trigger be one of its own
    (not a band), the threshold a whole number above the policy's for this employee, with a reason and a review
    date after today."""
    if not policy.adjusted_thresholds:
        return {"trigger": f"{policy.name} does not allow adjusted thresholds (its preset would say "
                           f"adjusted_thresholds = true)."}
    problems = {}
    trigger = next((trigger for trigger in policy.triggers if trigger.key == adjustment.trigger), None)
    if trigger is None or trigger.up_to is not None:
        problems["trigger"] = "Choose one of the policy's triggers (a band of a score cannot be adjusted)."
    if adjustment.threshold is None:
        problems["threshold"] = "Enter the adjusted threshold as a whole number."
    elif trigger is not None and trigger.up_to is None:
        base = trigger.threshold_for(days_per_week, policy.full_time_days_per_week)
        if adjustment.threshold != int(adjustment.threshold):
            problems["threshold"] = "Enter the adjusted threshold as a whole number."
        elif not base < adjustment.threshold <= MAX_ADJUSTED_THRESHOLD:
            problems["threshold"] = (f"An adjustment raises the threshold: enter more than the policy's {base:g} "
                                     f"(and no more than {MAX_ADJUSTED_THRESHOLD}).")
    if not adjustment.reason.strip():
        problems["reason"] = "Say why: the adjustment agreed with them (it is shown beside the trigger)."
    if adjustment.review_on is None:
        problems["review_on"] = "Enter the date to review the adjustment by."
    elif adjustment.review_on <= today:
        problems["review_on"] = "The review date must be after today."
    return problems

