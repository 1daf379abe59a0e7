"""Evaluating an employee's absences against a policy on a date: the figures of each rule, the rules
that fired (in words, with the figures), pattern concerns, long-term milestones, lapsed warnings,
ended review periods, and what should happen next.

Pure and deterministic: no clock, no database; the same inputs give an equal `Evaluation`. Absences
starting after `as_of` are not looked at; an ongoing one counts up to and including `as_of`.

Decisions (made in `casework.decisions`):
- An ongoing absence past the long-term threshold for its reason, and no open or monitored LTS case
  → `open_lts`.
- While the employee is off long-term, short-term work waits: a live STS case is paused
  (`pause_sts`; a case opened that day comes with a pause too). Once they are back, the manager confirms
  the return, which closes the long-term case and resumes the paused one; a paused case with no
  long-term case open is resumed by the engine (`resume_sts`, and nothing else for it that day, so the
  service can move its dates on).
- While they are off with an absence that is not long-term yet, a trigger counting that absence waits
  until it ends (it would not count if it became long-term), and so does the review meeting of a period
  that has ended; the fired rule is shown, with a note.
- A short-term trigger is *new* when one of the absences it counted started after the current (or
  latest) STS case entered its stage, or after the decision that closed it or put it on monitoring; a
  trigger that is not new adds nothing.
- No STS case: a new trigger opens one (`open_sts`) at the highest stage any new trigger names (the
  ladder's first for most rules; a Bradford band may name a higher one), or restarts there
  (`restart_sts`) when an earlier warning has lapsed but may still be referred to.
- A case in force is never moved: formal action is never automatic (`casework.review`).
  - Open with a review period (set by its meeting's outcome): only absences that start in the period
    count. The target agreed missed (during or after the period) → `review_due` ("missed"); the period
    ended with it kept → `review_due` ("met"). One task for each period; the stage moves only when the
    review meeting's outcome is recorded.
  - On continued monitoring, or closed with a warning still live: a new trigger → `review_due`
    ("trigger"), judged at the stage the warning puts them on. On monitoring once the warning has expired
    → `warning_expired` (the monitoring ends), or `restart_sts` with a new trigger.
- An open case with no review date yet (its meeting is still to come) is not acted on by new absences:
  a note asks for them to be associated with the stage.
- A reason that is a trigger on its own → one `oh_referral` per such absence overlapping its
  window; the service skips absences already referred.
- An absence going on that is expected to last more than `lts.oh_referral_after_days` calendar days (the
  day before its expected return, or the last day its fit notes cover, is further off) → `oh_referral`
  for it, from the day that is known, not once it has lasted that long (one task: the service skips
  absences already referred or asked for).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from casework.absences import count_of, expected_referral, long_date
from casework.decisions import Action, FiredRule, consider_sts, long_term_words, lts_actions, sts_actions
from casework.facts import AbsenceFacts, CaseFacts, EmployeeFacts
from casework.figures import Concern, Figures, counting_words, figures, is_long_term, long_term_spells, pattern_concern
from casework.milestones import (
    LapsedWarning,
    Milestone,
    ReviewEnded,
    absence_milestones,
    lapsed_warnings,
    reviews_ended,
)
from casework.pertinent import adjusted_words, adjustment_reviews, applied_threshold, with_pertinent_factors
from casework.policy import Policy, Trigger


@dataclasses.dataclass(frozen=True)
class Evaluation:
    """Everything the engine found for one employee on `as_of` under one policy revision."""

    as_of: dt.date
    policy_key: str
    policy_revision: int
    windows: tuple[Figures, ...]
    fired: tuple[FiredRule, ...]
    concerns: tuple[Concern, ...]
    milestones: tuple[Milestone, ...]
    lapsed_warnings: tuple[LapsedWarning, ...]
    reviews_ended: tuple[ReviewEnded, ...]
    actions: tuple[Action, ...]
    notes: tuple[str, ...] = ()


def evaluate(employee: EmployeeFacts, absences: Sequence[AbsenceFacts], cases: Sequence[CaseFacts],
             policy: Policy, as_of: dt.date) -> Evaluation:
    """Evaluate the employee's absences and cases against `policy` on `as_of` (see the module's note)."""
    pattern = employee.pattern
    known = sorted((absence for absence in absences if absence.first_day <= as_of),
                   key=lambda absence: (absence.first_day, str(absence.id)))
    windows: dict = {}
    fired = []
    for trigger in policy.triggers:
        key = (trigger.window, trigger.counting)
        if key not in windows:
            windows[key] = figures(known, trigger.window, trigger.counting, policy.lts, pattern, as_of)
        threshold, adjusted = applied_threshold(
            trigger, employee, policy, trigger.threshold_for(pattern.days_per_week, policy.full_time_days_per_week))
        if _reached(trigger, windows[key], threshold):
            fired.append(FiredRule(trigger.key, trigger.title, trigger.stage,
                                   explain(trigger, windows[key], threshold, pattern.days_per_week,
                                           policy.full_time_days_per_week,
                                           adjusted_words(adjusted, as_of) if adjusted else ""),
                                   windows[key], windows[key].absence_ids))
    referrals = _reason_rules(known, policy, as_of)
    referrals += _expected_length_rules(known, policy, as_of, {rule.absence_ids for rule in referrals})
    concern = pattern_concern(known, policy.pattern, policy.lts, pattern, as_of) if policy.pattern else None
    off_now = [absence for absence in known if absence.ongoing_on(as_of)]
    off_long_term = [absence for absence in off_now if is_long_term(absence, policy.lts, as_of)]
    off_short_term = [absence for absence in off_now if not is_long_term(absence, policy.lts, as_of)]
    lapsed = lapsed_warnings(cases, policy, as_of)
    short_term, notes = sts_actions(fired, [case for case in cases if case.kind == "STS"], lapsed,
                                    off_long_term[0] if off_long_term else None, policy, as_of,
                                    off_short_term[0] if off_short_term else None,
                                    any(case.kind == "LTS" and case.is_live for case in cases), known, pattern)
    actions = lts_actions(off_long_term, cases, policy, as_of) + with_pertinent_factors(short_term, employee, known,
                                                                                        as_of)
    actions += adjustment_reviews(employee, policy, as_of)
    actions += [Action("oh_referral", rule.explanation, absence_ids=rule.absence_ids) for rule in referrals]
    long_term = [_long_term(absence, policy, as_of) for absence in off_long_term]
    repeated, consider = (consider_sts(long_term_spells(known, policy.lts.repeated, policy.lts, as_of), cases,
                                       policy, as_of) if policy.lts.repeated else (None, None))
    long_term += [repeated] if repeated else []
    actions += [consider] if consider else []
    milestones = [milestone for absence in known if absence.ongoing_on(as_of)
                  for milestone in absence_milestones(absence, known, employee, policy, as_of)]
    return Evaluation(as_of, policy.key, policy.revision, tuple(windows.values()), tuple(fired + long_term + referrals),
                      (concern,) if concern else (), tuple(milestones), tuple(lapsed),
                      tuple(reviews_ended(cases, as_of)), tuple(actions), tuple(notes))


def explain(trigger: Trigger, found: Figures, threshold: float, days_per_week: int, full_time_days: int = 5,
            adjusted: str = "") -> str:
    """The figures against the trigger in words: '4 occasions in the 12 months to 23 November 2026
    (trigger: 4 or more)'; `adjusted` says why the threshold is the employee's own ('adjusted for this employee
    until 1 June 2027: …')."""
    if trigger.measure == "occasions":
        value = count_of(found.occasions, "occasion")
    elif trigger.measure == "working_days":
        value = count_of(found.working_days, "working day") + " lost"
    else:
        value = (f"Bradford score {found.bradford} ({count_of(found.occasions, 'occasion')} squared × "
                 f"{count_of(found.working_days, 'working day')})")
    if trigger.up_to is not None:
        limit = f"band: {threshold:g} to {trigger.up_to:g}"
    else:
        limit = f"trigger: {threshold:g} or more"
    if adjusted:
        limit += f", {adjusted}"
    if trigger.prorate and not adjusted:
        limit += f", {trigger.threshold:g} pro-rated to {count_of(days_per_week, 'working day')} a week"
    elif trigger.per_working_week and days_per_week != full_time_days and not adjusted:
        limit += f": {trigger.threshold:g} of their working weeks of {count_of(days_per_week, 'day')}"
    protected = f"; {found.not_counted_words}" if found.not_counted else ""
    return f"{value} in {found.period}{counting_words(found.counting)}{protected} ({limit})"


def _reached(trigger: Trigger, found: Figures, threshold: float) -> bool:
    value = {"occasions": found.occasions, "working_days": found.working_days, "bradford": found.bradford}
    reached = value[trigger.measure]
    return reached >= threshold and (trigger.up_to is None or reached <= trigger.up_to)


def _long_term(absence: AbsenceFacts, policy: Policy, as_of: dt.date) -> FiredRule:
    """The long-term rule, fired by an absence past the threshold on `as_of`, whether or not a case is open for it."""
    why = long_term_words(absence, policy, as_of)
    return FiredRule("long_term", f"Long-term absence (over {policy.lts.after_days(absence.reason_category)} calendar "
                                  f"days)", policy.lts.ladder.first.key, why[0].upper() + why[1:],
                     absence_ids=(absence.id,))


def _reason_rules(known: Sequence[AbsenceFacts], policy: Policy, as_of: dt.date) -> list[FiredRule]:
    """One fired rule per absence whose reason is a trigger on its own, within that rule's window."""
    fired = []
    for rule in policy.reason_triggers:
        start = rule.window.span(as_of)[0]
        for absence in known:
            if absence.reason_category == rule.reason and absence.until(as_of) >= start:
                ends = (f"to {long_date(absence.last_day)}" if absence.last_day and absence.last_day <= as_of
                        else "and still going on")
                fired.append(FiredRule(f"{rule.reason}_{rule.action}", rule.title, rule.action,
                                       f"{rule.title}: absence from {long_date(absence.first_day)} {ends}",
                                       absence_ids=(absence.id,)))
    return fired


def _expected_length_rules(known: Sequence[AbsenceFacts], policy: Policy, as_of: dt.date,
                           referred: set[tuple]) -> list[FiredRule]:
    """One fired rule per absence going on at `as_of` that is expected to last more than the days after which
    occupational health is asked (its expected return or fit notes say so), unless its reason referred it."""
    after = policy.lts.oh_referral_after_days
    fired = []
    for absence in known:
        why = expected_referral(absence.first_day, absence.expected_return, absence.fit_note_until, after)
        if why and absence.ongoing_on(as_of) and (absence.id,) not in referred:
            fired.append(FiredRule("expected_length_oh_referral",
                                   f"An absence expected to last more than {after} calendar days is referred to "
                                   "occupational health", "oh_referral",
                                   f"Absence from {long_date(absence.first_day)} {why}", absence_ids=(absence.id,)))
    return fired

