"""What should happen to an employee's cases, given the rules that fired: the actions, each with its
reason in words and the figures behind it. The rules of these decisions are listed in
`casework.triggers`' module note.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from casework.absences import long_date
from casework.facts import AbsenceFacts, CaseFacts
from casework.figures import Figures, long_term_from
from casework.milestones import LapsedWarning
from casework.policy import Policy


@dataclasses.dataclass(frozen=True)
class FiredRule:
    """A rule that fired: its key, the stage (or action) it leads to, and why, with the figures."""

    rule: str
    title: str
    leads_to: str
    explanation: str
    figures: Figures | None = None
    absence_ids: tuple = ()


@dataclasses.dataclass(frozen=True)
class Action:
    """Something the service should do, with its reason in words and the figures behind it."""

    kind: str
    reason: str
    case_id: object = None
    stage: str | None = None
    from_stage: str | None = None
    letter: str | None = None
    figures: tuple[Figures, ...] = ()
    absence_ids: tuple = ()
    lapsed_warning: LapsedWarning | None = None


def lts_actions(off_long_term: Sequence[AbsenceFacts], cases: Sequence[CaseFacts], policy: Policy,
                as_of: dt.date) -> list[Action]:
    """`open_lts` when they are off long-term and no long-term case is open or on monitoring."""
    if not off_long_term or any(case.kind == "LTS" and case.is_live for case in cases):
        return []
    absence, first = off_long_term[0], policy.lts.ladder.first
    days = policy.lts.after_days(absence.reason_category)
    return [Action("open_lts", f"Open a long-term case at {first.title}: off since {long_date(absence.first_day)}, "
                               f"{absence.length_on(as_of)} calendar days to {long_date(as_of)}, over the {days} days "
                               f"after which an absence is long-term (long-term from "
                               f"{long_date(long_term_from(absence, policy.lts))})",
                   stage=first.key, absence_ids=(absence.id,))]


def sts_actions(fired: Sequence[FiredRule], cases: Sequence[CaseFacts], lapsed: Sequence[LapsedWarning],
                off_long_term: AbsenceFacts | None, policy: Policy, as_of: dt.date,
                off_short_term: AbsenceFacts | None = None, lts_open: bool = False) -> tuple[list[Action], list[str]]:
    """The short-term actions and notes, from the short-term rules that fired and the STS cases.

    `off_short_term` is an absence still going on that is not long-term yet: a trigger it counts in, or
    a review period ending, waits until it ends (it would not count if it became long-term). While a
    long-term case is open (`lts_open`) a paused case waits for the manager to confirm the return."""
    current = _current(cases, as_of)
    latest = current or max(cases, key=_entered, default=None)
    since = latest.stage_entered_on if latest else None
    new = [rule for rule in fired if rule.figures and rule.figures.new_since(since)]
    pause = _pause(off_long_term)
    if current and current.paused:
        if off_long_term:
            return [], []
        if lts_open:
            return [], ["Short-term work resumes when the manager confirms they are back, which closes the "
                        "long-term case."]
        return [Action("resume_sts", "Resume short-term work: they are back from long-term absence.",
                       case_id=current.id, stage=current.stage)], []
    waiting = _waiting(new, off_short_term, policy)
    if waiting:
        return [], [waiting]
    if current is None:
        if not new:
            return [], []
        opened = _open(new, latest, lapsed[0] if lapsed else None, policy)
        return [opened] + ([dataclasses.replace(pause, case_id=None)] if pause else []), []
    if pause:
        if current.is_live:
            return [dataclasses.replace(pause, case_id=current.id, stage=current.stage)], []
        return [], ["Short-term work waits while they are off long-term."]
    if new:
        return _after_new_trigger(current, new, lapsed, policy, as_of)
    if current.status == "open" and current.review_date is not None and as_of > current.review_date:
        if off_short_term:
            return [], [f"The review period ended on {long_date(current.review_date)}; the case is looked at again "
                        f"when they are back from the absence that began on {long_date(off_short_term.first_day)}."]
        return [Action("close_sts_improved", f"Close with letter {policy.sts.improved_letter}: the review period "
                                             f"ended on {long_date(current.review_date)} with no new trigger since "
                                             f"the stage began on {long_date(current.stage_entered_on)}",
                       case_id=current.id, stage=current.stage, letter=policy.sts.improved_letter)], []
    return [], []


def _after_new_trigger(case: CaseFacts, new: list[FiredRule], lapsed: Sequence[LapsedWarning], policy: Policy,
                       as_of: dt.date) -> tuple[list[Action], list[str]]:
    ladder, words = policy.sts.ladder, _words(new)
    since = f"with an absence since the stage began on {long_date(case.stage_entered_on)}"
    if case.warning_live(as_of):
        assert case.warning_expires_on is not None, "a live warning has its expiry date"
        context = f"while the {case.warning_level or ''} warning is live (until {long_date(case.warning_expires_on)})"
    elif case.review_open(as_of):
        assert case.review_date is not None, "an open review period has its review date"
        context = f"during the review period (to {long_date(case.review_date)})"
    elif case.status == "monitoring":
        context = "while the case is on continued monitoring"
    elif case.review_date is None:
        return [], [f"New absences since the stage began on {long_date(case.stage_entered_on)} ({words}): "
                    f"associate them with the stage; its meeting has not set a review date yet."]
    else:
        own = next((warning for warning in lapsed if warning.case_id == case.id), lapsed[0] if lapsed else None)
        restarted = _open(new, case, own, policy, ended=case.review_date)
        return [restarted], []
    current, higher = ladder.stage(case.stage), ladder.after(case.stage)
    if current is None:
        return [], [f"The case's stage {case.stage!r} is not on this policy's short-term ladder: {words}."]
    if higher is None:
        return [], [f"Already at {current.title}, the last stage: {words}, {since}, {context}."]
    return [Action("escalate_sts", f"Move up from {current.title} to {higher.title}: {words}, {since}, {context}",
                   case_id=case.id, stage=higher.key, from_stage=case.stage, figures=_figures(new),
                   absence_ids=_absences(new))], []


def _open(new: list[FiredRule], previous: CaseFacts | None, lapsed: LapsedWarning | None, policy: Policy,
          ended: dt.date | None = None) -> Action:
    ladder = policy.sts.ladder
    stage = ladder.stage(max((rule.leads_to for rule in new), key=ladder.rank))
    assert stage is not None, "a trigger leads to a stage of the ladder (the policy is checked when loaded)"
    history = []
    if ended:
        history.append(f"the review period ended on {long_date(ended)}")
    if lapsed:
        history.append(f"the {lapsed.level} warning lapsed on {long_date(lapsed.lapsed_on)} and may be referred "
                       f"to until {long_date(lapsed.referable_until)}")
    if history:
        return Action("restart_sts", f"Restart at {stage.title}: {_words(new)}; {'; '.join(history)}",
                      case_id=previous.id if previous else None, stage=stage.key, figures=_figures(new),
                      absence_ids=_absences(new), lapsed_warning=lapsed)
    return Action("open_sts", f"Open a short-term case at {stage.title}: {_words(new)}", stage=stage.key,
                  figures=_figures(new), absence_ids=_absences(new))


def _waiting(new: Sequence[FiredRule], off: AbsenceFacts | None, policy: Policy) -> str | None:
    """Why a new trigger waits: it counts an absence still going on, which may yet become long-term."""
    if off is None or off.id not in _absences(new):
        return None
    return (f"A short-term trigger is reached counting the absence that began on {long_date(off.first_day)}, which "
            f"is still going on ({_words(new)}). Nothing opens or moves until they are back: if the absence "
            f"reaches {long_date(long_term_from(off, policy.lts))} it becomes long-term and no longer counts.")


def _pause(absence: AbsenceFacts | None) -> Action | None:
    if absence is None:
        return None
    return Action("pause_sts", f"Pause short-term work while they are off long-term "
                               f"(off since {long_date(absence.first_day)})", absence_ids=(absence.id,))


def _current(cases: Sequence[CaseFacts], as_of: dt.date) -> CaseFacts | None:
    """The STS case that is open or on monitoring, else a closed one whose warning is still live."""
    live = [case for case in cases if case.is_live] or [case for case in cases if case.warning_live(as_of)]
    return max(live, key=_entered, default=None)


def _entered(case: CaseFacts) -> tuple:
    return case.stage_entered_on, str(case.id)


def _words(rules: Sequence[FiredRule]) -> str:
    return "; ".join(rule.explanation for rule in rules)


def _figures(rules: Sequence[FiredRule]) -> tuple[Figures, ...]:
    return tuple(dict.fromkeys(rule.figures for rule in rules if rule.figures))


def _absences(rules: Sequence[FiredRule]) -> tuple:
    return tuple(dict.fromkeys(absence_id for rule in rules for absence_id in rule.absence_ids))
