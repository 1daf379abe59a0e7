"""What should happen to an employee's cases, given the rules that fired: the actions, each with its
reason in words and the figures behind it. The rules of these decisions are listed in
`casework.triggers`' module note.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from casework.absences import long_date
from casework.calendar import WorkingPattern
from casework.facts import AbsenceFacts, CaseFacts
from casework.figures import Figures, long_term_from
from casework.milestones import LapsedWarning
from casework.plain_words import title_case
from casework.policy import Counting, Policy
from casework.review import Target, review_figures


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
    review_result: str | None = None   # a review meeting due: "missed", "met" or "trigger"
    review_key: dt.date | None = None  # the day of the decision that set the review period (one task for each)
    review_figures: str = ""           # the figures behind a review meeting due, short, for its task
    pertinent: tuple[str, ...] = ()    # pertinent factors HR advises on before any formal step (a case opened)
    adjusted_trigger: str | None = None  # the trigger whose adjusted threshold is due for review


def lts_actions(off_long_term: Sequence[AbsenceFacts], cases: Sequence[CaseFacts], policy: Policy,
                as_of: dt.date) -> list[Action]:
    """`open_lts` when they are off long-term and no long-term case is open or on monitoring."""
    if not off_long_term or any(case.kind == "LTS" and case.is_live for case in cases):
        return []
    absence, first = off_long_term[0], policy.lts.ladder.first
    return [Action("open_lts", f"Open a long-term case at {title_case(first.title)}: "
                               f"{long_term_words(absence, policy, as_of)}",
                   stage=first.key, absence_ids=(absence.id,))]


def long_term_words(absence: AbsenceFacts, policy: Policy, as_of: dt.date) -> str:
    """Why the absence is long-term on `as_of`: 'off since 2 November 2026, 35 calendar days to 6 December 2026,
    over the 28 days after which an absence is long-term (long-term from 1 December 2026)'."""
    days = policy.lts.after_days(absence.reason_category)
    return (f"off since {long_date(absence.first_day)}, {absence.length_on(as_of)} calendar days to "
            f"{long_date(as_of)}, over the {days} days after which an absence is long-term (long-term from "
            f"{long_date(long_term_from(absence, policy.lts))})")


def consider_sts(spells: Sequence[AbsenceFacts], cases: Sequence[CaseFacts], policy: Policy,
                 as_of: dt.date) -> tuple[FiredRule | None, Action | None]:
    """Several long-term absences in the window (`spells`, from `casework.figures.long_term_spells`): the rule that
    fired, and `consider_sts` (a task for the manager, never a stage) unless a short-term case is already live."""
    rule = policy.lts.repeated
    if rule is None or not spells:
        return None, None
    start, end = rule.window.span(as_of)
    listed = "; ".join(f"{long_date(spell.first_day)} "
                       + (f"to {long_date(spell.last_day)}" if spell.last_day and spell.last_day <= as_of
                          else "and still going on") + f" ({spell.length_on(as_of)} days)" for spell in spells)
    why = (f"{len(spells)} long-term absences in the {rule.window.words} to {long_date(end)} "
           f"(consider the short-term procedure at {rule.spells} or more): {listed}")
    fired = FiredRule("repeated_long_term", rule.title, "consider_sts", why,
                      absence_ids=tuple(spell.id for spell in spells))
    if any(case.kind == "STS" and case.is_live for case in cases):
        return fired, None
    return fired, Action("consider_sts", f"Consider the short-term procedure: {why}",
                         absence_ids=fired.absence_ids)


def sts_actions(fired: Sequence[FiredRule], cases: Sequence[CaseFacts], lapsed: Sequence[LapsedWarning],
                off_long_term: AbsenceFacts | None, policy: Policy, as_of: dt.date,
                off_short_term: AbsenceFacts | None = None, lts_open: bool = False,
                absences: Sequence[AbsenceFacts] = (), pattern: WorkingPattern | None = None,
                ) -> tuple[list[Action], list[str]]:
    """The short-term actions and notes, from the short-term rules that fired, the STS cases and the absences.

    `off_short_term` is an absence still going on that is not long-term yet: a trigger it counts in waits until
    it ends (it would not count if it became long-term). While a long-term case is open (`lts_open`) a paused
    case waits for the manager to confirm the return. A case in force is never moved: see `_in_force`."""
    current = _current(cases, as_of)
    latest = current or max(cases, key=_entered, default=None)
    since = max(latest.stage_entered_on, latest.decided_from) if latest else None
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
    if current is None:
        waiting = _waiting(new, off_short_term, policy)
        if waiting:
            return [], [waiting]
        if not new:
            return [], []
        opened = _open(new, latest, lapsed[0] if lapsed else None, policy)
        return [opened] + ([dataclasses.replace(pause, case_id=None)] if pause else []), []
    if pause:
        if current.is_live:
            return [dataclasses.replace(pause, case_id=current.id, stage=current.stage)], []
        return [], ["Short-term work waits while they are off long-term."]
    return _in_force(current, fired, lapsed, policy, as_of, off_short_term, absences, pattern or WorkingPattern())


def _in_force(case: CaseFacts, fired: Sequence[FiredRule], lapsed: Sequence[LapsedWarning], policy: Policy,
              as_of: dt.date, off: AbsenceFacts | None, absences: Sequence[AbsenceFacts],
              pattern: WorkingPattern) -> tuple[list[Action], list[str]]:
    """What follows for a case in force: open at a stage, on continued monitoring, or closed with a live warning.

    Formal action is never automatic (paragraph 2 of the council policy). An open case whose meeting set a
    review period is judged on the absences that started in that period, against the target agreed: when the
    target is missed, or the period ends, a review meeting is due (`review_due`: a task, never a move). On
    continued monitoring, or while a warning is live after the case closed, a trigger counting an absence that
    started since the last decision makes a review meeting due at the stage the warning puts them on; when the
    warning expires, the monitoring ends (`warning_expired`)."""
    new = [rule for rule in fired if rule.figures and rule.figures.new_since(case.decided_from)]
    if case.status == "open" and case.review_date is None:
        if not new:
            return [], []
        return [], [f"New absences since the stage began on {long_date(case.stage_entered_on)} ({_words(new)}): "
                    f"associate them with the stage; its meeting has not set a review date yet."]
    if case.status == "open":
        return _review(case, fired, policy, as_of, off, absences, pattern)
    if case.warning_expires_on is not None and not case.warning_live(as_of):
        if new:   # the warning lapsed: a new trigger restarts the process, recording the lapsed warning
            waiting = _waiting(new, off, policy)
            if waiting:
                return [], [waiting]
            own = next((warning for warning in lapsed if warning.case_id == case.id), None)
            return [_open(new, case, own, policy)], []
        return [Action("warning_expired", f"The {case.warning_level or ''} written warning expired on "
                                          f"{long_date(case.warning_expires_on)}: continued monitoring ends and "
                                          f"the case closes", case_id=case.id, stage=case.stage)], []
    if not new:
        return [], []
    waiting = _waiting(new, off, policy)
    if waiting:
        return [], [waiting]
    context = (f"while {_live_warning(case)}" if case.warning_live(as_of)
               else "while the case is on continued monitoring")
    return _due(_review_due(case, "trigger", f"Review meeting due: a trigger point was reached {context}: "
                                         f"{_words(new)}; {_next_step(case, policy)}", _absences(new),
                            _words(new)))


def _review(case: CaseFacts, fired: Sequence[FiredRule], policy: Policy, as_of: dt.date, off: AbsenceFacts | None,
            absences: Sequence[AbsenceFacts], pattern: WorkingPattern) -> tuple[list[Action], list[str]]:
    """An open case with a review period: the target missed (during or after the period) or met (after it)."""
    assert case.review_date is not None, "a case under review has its review date"
    counting = policy.triggers[0].counting if policy.triggers else Counting()
    meeting_on = case.decided_from
    period = review_figures(absences, meeting_on, case.review_date, counting, policy.lts, pattern, as_of)
    target = Target(case.target_occasions, case.target_days)
    if target.is_set:
        over = target.missed_by(period.occasions, period.working_days)
        agreed = f"the target agreed on {long_date(meeting_on)} was {target.words()}"
    else:   # a review period set before targets were kept: a trigger counting an absence of the period misses it
        over = [rule.explanation for rule in fired if set(rule.absence_ids) & set(period.absence_ids)]
        agreed = "no target was recorded"
    ended = as_of > case.review_date
    if off is not None and ended:
        return [], [f"The review period ended on {long_date(case.review_date)}; the case is looked at again when "
                    f"they are back from the absence that began on {long_date(off.first_day)}."]
    if off is not None and off.id in period.absence_ids and over:
        return [], [f"The review period's figures count the absence that began on {long_date(off.first_day)}, which "
                    f"is still going on; the review is looked at again when they are back."]
    if over:
        return _due(_review_due(case, "missed", f"Review meeting due: the target was missed ({'; '.join(over)}), with "
                                            f"{period.words()}; {agreed}; {_next_step(case, policy)}",
                            period.absence_ids, "; ".join(over)))
    if not ended:
        return [], []
    later = [rule for rule in fired if rule.figures and rule.figures.new_since(case.review_date)]
    if later and case.warning_live(as_of):
        return _due(_review_due(case, "trigger", f"Review meeting due: the review period ended on "
                                             f"{long_date(case.review_date)} and a trigger point was reached since, "
                                             f"while {_live_warning(case)}: {_words(later)}; "
                                             f"{_next_step(case, policy)}", _absences(later), _words(later)))
    return _due(_review_due(case, "met", f"Review meeting due: the target was met, with {period.words()}; {agreed}. "
                                     f"The meeting acknowledges the improvement (letter {policy.sts.improved_letter}, "
                                     f"or the warning stays live until it expires)", period.absence_ids,
                            period.words()))


def _live_warning(case: CaseFacts) -> str:
    """'the first written warning is live (until 1 March 2027)'."""
    assert case.warning_expires_on is not None, "a live warning has its expiry date"
    return f"the {case.warning_level or ''} written warning is live (until {long_date(case.warning_expires_on)})"


def _due(action: Action | None) -> tuple[list[Action], list[str]]:
    if action is None:
        return [], ["The review meeting is due: the scan has given the task already."]
    return [action], []


def _next_step(case: CaseFacts, policy: Policy) -> str:
    higher = policy.sts.ladder.after(case.stage)
    step = (f"the meeting decides whether to move on to {title_case(higher.title)}" if higher
            else "this is the last stage of the policy")
    return f"{step}; nothing moves until its outcome is recorded"


def _review_due(case: CaseFacts, result: str, reason: str, absence_ids: tuple, figures: str) -> Action | None:
    """A review meeting due for the case: one for each decision that set a review period or the monitoring (None
    when the scan already made it due)."""
    if case.review_task_for is not None and case.review_task_for == case.decided_from:
        return None
    return Action("review_due", reason, case_id=case.id, stage=case.stage, absence_ids=absence_ids,
                  review_result=result, review_key=case.decided_from, review_figures=figures)


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
        return Action("restart_sts", f"Restart at {title_case(stage.title)}: {_words(new)}; {'; '.join(history)}",
                      case_id=previous.id if previous else None, stage=stage.key, figures=_figures(new),
                      absence_ids=_absences(new), lapsed_warning=lapsed)
    return Action("open_sts", f"Open a short-term case at {title_case(stage.title)}: {_words(new)}", stage=stage.key,
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
