"""Appeals against the outcome of a case's stage (part 2, paragraph 8f; issue 15, point 5): the appeal received,
heard and decided, recorded in one change. An upheld appeal withdraws the stage's live warning and opens again a
case its outcome closed; a partly upheld one may withdraw the warning or shorten its life; a dismissed one changes
nothing. The stage keeps its outcome as decided, and the appeal keeps the warning as it stood.

The rules are `casework.appeals`; this module finds the stage, checks and saves through the case's `change()`.
"""
from __future__ import annotations

import datetime as dt

from casework.appeals import AppealChoice, Appealed, AppealEffect, appeal_problems, decide_appeal
from casework.workflow import OUTCOMES
from documents.case import Appeal, Case, Stage
from services.errors import Refused

NO_APPEAL = "The outcome of this stage carries no right of appeal: there is no appeal to record."
ALREADY = "An appeal against this outcome is already recorded."


def appeal_stage(case: Case) -> Stage | None:
    """The current stage when its outcome carried a right of appeal (it has an appeal deadline), else None."""
    stage = case.current_stage
    return stage if stage is not None and stage.appealable_outcome is not None and stage.appeal_deadline else None


def may_appeal(case: Case) -> bool:
    """Whether an appeal can be recorded on the case now: its stage's outcome carries the right, and no appeal
    against that outcome is recorded yet."""
    stage = appeal_stage(case)
    return stage is not None and stage.outcome_appeal is None


def appealed(case: Case, stage: Stage) -> Appealed:
    """The stage's outcome as the appeal rules see it."""
    outcome = stage.appealable_outcome
    assert outcome is not None and stage.appeal_deadline is not None, "an appealable stage has its outcome"
    kind = OUTCOMES.get(outcome.kind)
    return Appealed(outcome.kind, outcome.decided_on, stage.appeal_deadline, stage.warning_level,
                    stage.warning_expires_on, closed_case=case.status == "closed" and bool(kind and kind.closes))


def record_appeal(case: Case, choice: AppealChoice, actor: str, today: dt.date,
                  version: int | None = None) -> AppealEffect:
    """Record the appeal against the current stage's outcome and apply its decision. Refused when the outcome
    carries no right of appeal or is already appealed (about the appeal as a whole), and beside each field when the
    dates, the people or the decision are wrong, a late appeal has no reason, or a partly upheld one changes the
    warning other than by withdrawing it or ending it earlier (not before the decision)."""
    stage = appeal_stage(case)
    if stage is None:
        raise Refused(NO_APPEAL)
    if stage.outcome_appeal is not None:
        raise Refused(ALREADY)
    facts = appealed(case, stage)
    problems = appeal_problems(facts, choice, today)
    if problems:
        raise Refused.naming(problems)
    effect = decide_appeal(facts, choice)
    appeal = Appeal(against=facts.outcome_kind, against_decided_on=facts.decided_on, received_on=choice.received_on,
                    late_reason=choice.late_reason.strip() if effect.late else None,
                    heard_by_name=choice.heard_by_name.strip(), heard_by_title=choice.heard_by_title.strip(),
                    meeting_on=choice.meeting_on, meeting_place=choice.meeting_place.strip() or None,
                    decided_on=choice.decided_on, outcome=choice.outcome, reasons=choice.reasons.strip(),
                    what_changed=choice.what_changed.strip() or None, reopened=effect.reopens, recorded_by=actor)

    def apply(case: Case) -> dict:
        before = _warning(stage)
        stage.hear_appeal(appeal, effect.withdraws_warning, effect.new_expiry)
        if effect.reopens:
            case.reinstate()
        elif effect.withdraws_warning and case.status == "monitoring" and _improved(stage):
            # the case stayed on monitoring only for the warning "attendance improved" kept live
            case.close(choice.decided_on, actor, "Appeal upheld: the warning is withdrawn and continued monitoring "
                                                 "ends", every_task=False)
        return {"before": {"appeal": None, **before},
                "after": {"appeal": choice.outcome, "received_on": choice.received_on, "late": effect.late,
                          "appeal_decided_on": choice.decided_on, **_warning(stage)}}

    case.change(actor, "appeal recorded", apply, reason=" ".join(effect.words()), version=version)
    return effect


def _improved(stage: Stage) -> bool:
    return stage.outcome is not None and stage.outcome.kind == "improved"


def _warning(stage: Stage) -> dict:
    return {"warning_level": stage.warning_level, "warning_expires_on": stage.warning_expires_on}
