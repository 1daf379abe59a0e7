"""The figures a policy rule looks at: which absences count, occasions, working days, FTE-days and the
Bradford score over a rolling window, and the pattern concern (first or last day of the week, next
to a bank holiday).

The pattern concern counts short absences only: one that starts on the first or ends on the last working
day of the person's own week, or sits next to a bank holiday, counts when it lasts no more than the
policy's `max_working_days` of their working days (2 in the presets). A whole Monday-to-Friday week off
starts on a Monday and ends on a Friday, but is not a Monday/Friday pattern.

Pure: `as_of` is a parameter; an ongoing absence counts up to and including it.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from casework.absences import count_of, long_date
from casework.calendar import (
    WEEKDAYS,
    WorkingPattern,
    fte_days,
    is_bank_holiday,
    is_working_day,
    working_days,
    working_days_in_window,
)
from casework.facts import AbsenceFacts
from casework.policy import Counting, LongTermRules, PatternRule, RepeatedLongTerm, Window

# How far either side of an absence to look for the working day that ends a run of rest days and bank
# holidays; Christmas to New Year is the longest such run, well inside it.
_RUN_LIMIT_DAYS = 14

COUNTED = {"short_term": "short-term absences", "long_term": "long-term absences", "all": "all absences"}
PROTECTED_WORDS = "pregnancy-related"     # why a protected absence is never counted (`protected_why`)


@dataclasses.dataclass(frozen=True)
class Figures:
    """A rule's figures: the counted absences over one window ending on the evaluation date."""

    start: dt.date
    end: dt.date
    window: Window
    counting: Counting
    occasions: int
    working_days: int
    fte_days: float
    bradford: int
    absence_ids: tuple
    latest_start: dt.date | None
    not_counted: tuple = ()  # protected absences in the window (`protected_why`): shown, never counted
    left_out: tuple = ()     # (absence id, why) for each absence in the window the rule does not count (`left_out_why`)

    @property
    def not_counted_words(self) -> str:
        """'2 pregnancy-related absences not counted (Equality Act 2010, section 18)', or ''."""
        if not self.not_counted:
            return ""
        return (f"{count_of(len(self.not_counted), 'pregnancy-related absence')} not counted "
                "(Equality Act 2010, section 18)")

    @property
    def counts_words(self) -> str:
        """What the figures count: 'short-term absences', 'all absences, not counting disability-related absences'."""
        return counted_words(self.counting)

    @property
    def left_out_words(self) -> str:
        """What the figures leave out, by why, in the order first met: '1 long-term absence, 2 pregnancy-related
        absences (Equality Act 2010, section 18)'; '' when nothing in the window is left out."""
        tally: dict[str, int] = {}
        for _, why in self.left_out:
            tally[why] = tally.get(why, 0) + 1
        return ", ".join(count_of(number, f"{why} absence") + (" (Equality Act 2010, section 18)"
                                                                if why == PROTECTED_WORDS else "")
                         for why, number in tally.items())

    @property
    def months(self) -> int | None:
        """The window in months (None for a window in weeks)."""
        return self.window.months

    @property
    def weeks(self) -> int | None:
        """The window in weeks (None for a window in months)."""
        return self.window.weeks

    @property
    def period(self) -> str:
        """'the 12 months to 23 November 2026'."""
        return f"the {self.window.words} to {long_date(self.end)}"

    def new_since(self, day: dt.date | None) -> bool:
        """Whether a counted absence started after `day` (always, when there is no `day`)."""
        return self.latest_start is not None and (day is None or self.latest_start > day)


def is_long_term(absence: AbsenceFacts, rules: LongTermRules, as_of: dt.date) -> bool:
    """Whether the absence, as it stands on `as_of`, has passed the long-term threshold for its reason."""
    return absence.length_on(as_of) > rules.after_days(absence.reason_category)


def long_term_from(absence: AbsenceFacts, rules: LongTermRules) -> dt.date:
    """The calendar day on which the absence becomes long-term (day 29 for a 28-day threshold)."""
    return absence.first_day + dt.timedelta(days=rules.after_days(absence.reason_category))


# Pregnancy-related sickness is protected (Equality Act 2010, section 18): flagged pregnancy-related, or its
# reason is pregnancy. It never counts towards a rule, whatever the policy says.
PROTECTED_REASONS = ("pregnancy",)
PROTECTED_FLAGS = ("pregnancy_related",)


def protected_why(absence: AbsenceFacts) -> str | None:
    """Why the absence never counts towards any rule of any policy, or None (see PROTECTED_REASONS)."""
    if absence.reason_category in PROTECTED_REASONS or any(getattr(absence, flag) for flag in PROTECTED_FLAGS):
        return PROTECTED_WORDS
    return None


def left_out_why(absence: AbsenceFacts, counting: Counting, rules: LongTermRules, as_of: dt.date) -> str | None:
    """Why a rule does not count the absence, in words ('pregnancy-related', 'long-term', 'short-term', an excluded
    reason such as 'disability related' or flag such as 'work-related'), or None when it counts it: protected
    absences never count (whatever the policy says), then the reasons and flags the rule excludes, then length
    (short-term, long-term or all)."""
    protected = protected_why(absence)
    if protected:
        return protected
    if absence.reason_category in counting.exclude_reasons:
        return absence.reason_category.replace("_", " ")
    flag = next((flag for flag in counting.exclude_flags if getattr(absence, flag)), None)
    if flag:
        return flag.replace("_", "-")
    if counting.absences != "all" and is_long_term(absence, rules, as_of) != (counting.absences == "long_term"):
        return "short-term" if counting.absences == "long_term" else "long-term"
    return None


def counted(absences: Sequence[AbsenceFacts], counting: Counting, rules: LongTermRules,
            as_of: dt.date) -> list[AbsenceFacts]:
    """The absences a rule counts (those `left_out_why` keeps)."""
    return [absence for absence in absences if left_out_why(absence, counting, rules, as_of) is None]


def figures(absences: Sequence[AbsenceFacts], window: Window, counting: Counting, rules: LongTermRules,
            pattern: WorkingPattern, as_of: dt.date) -> Figures:
    """Occasions, working days, FTE-days and Bradford score of the counted absences overlapping the window."""
    start, end = window.span(as_of)
    in_window = [absence for absence in absences if absence.first_day <= end and absence.until(as_of) >= start]
    why = {id(absence): left_out_why(absence, counting, rules, as_of) for absence in in_window}
    inside = [absence for absence in in_window if why[id(absence)] is None]
    lost = sum(working_days_in_window(absence.first_day, absence.until(as_of), start, end, pattern)
               for absence in inside)
    protected = tuple(absence.id for absence in in_window if protected_why(absence))
    return Figures(start, end, window, counting, len(inside), lost, round(fte_days(lost, pattern), 2),
                   len(inside) ** 2 * lost, tuple(absence.id for absence in inside),
                   max((absence.first_day for absence in inside), default=None), protected,
                   tuple((absence.id, why[id(absence)]) for absence in in_window if why[id(absence)] is not None))


def long_term_spells(absences: Sequence[AbsenceFacts], rule: RepeatedLongTerm, rules: LongTermRules,
                     as_of: dt.date) -> list[AbsenceFacts]:
    """The long-term absences (as they stand on `as_of`) overlapping the rule's window, less protected ones, when
    there are `rule.spells` or more of them; empty otherwise."""
    start, end = rule.window.span(as_of)
    spells = [absence for absence in absences
              if not protected_why(absence) and absence.first_day <= end and absence.until(as_of) >= start
              and is_long_term(absence, rules, as_of)]
    return spells if len(spells) >= rule.spells else []


def leaves_out_words(counting: Counting, rules: LongTermRules) -> str:
    """What a rule never counts, whoever the person: 'long-term spells (an absence of over 28 calendar days),
    mental health absences and pregnancy-related absences'."""
    left_out = {"short_term": [f"long-term spells ({rules.definition})"],
                "long_term": ["short-term absences"]}.get(counting.absences, [])
    left_out += [reason.replace("_", " ") + " absences" for reason in counting.exclude_reasons
                 if reason not in PROTECTED_REASONS]
    left_out += [flag.replace("_", "-") + " absences" for flag in counting.exclude_flags if flag not in PROTECTED_FLAGS]
    left_out.append(f"{PROTECTED_WORDS} absences")
    return ", ".join(left_out[:-1]) + (" and " if len(left_out) > 1 else "") + left_out[-1]


def counted_words(counting: Counting) -> str:
    """Which absences a rule counts: 'short-term absences, not counting disability-related absences'."""
    return COUNTED.get(counting.absences, "absences") + counting_words(counting)


def counting_words(counting: Counting) -> str:
    """What a rule leaves out beyond the protected absences, in words: ', not counting disability-related absences'."""
    left_out = [reason.replace("_", " ") + " absences" for reason in counting.exclude_reasons
                if reason not in PROTECTED_REASONS]
    left_out += [flag.replace("_", "-") + " absences" for flag in counting.exclude_flags if flag not in PROTECTED_FLAGS]
    return f", not counting {' or '.join(left_out)}" if left_out else ""


@dataclasses.dataclass(frozen=True)
class Concern:
    """Something for the manager to look at, never a stage by itself."""

    kind: str
    explanation: str
    dates: tuple[dt.date, ...]
    absence_ids: tuple


def pattern_concern(absences: Sequence[AbsenceFacts], rule: PatternRule, rules: LongTermRules,
                    pattern: WorkingPattern, as_of: dt.date) -> Concern | None:
    """The pattern concern when enough counted absences in the window, each of no more than the rule's
    `max_working_days`, start on the first or end on the last working day of the employee's week, or sit
    next to a bank holiday; None otherwise."""
    start, end = rule.window.span(as_of)
    matches = []
    for absence in counted(absences, rule.counting, rules, as_of):
        if absence.first_day > end or absence.until(as_of) < start:
            continue
        why = _pattern_reasons(absence, rule, pattern, as_of)
        if why:
            matches.append((absence, why))
    if len(matches) < rule.occasions:
        return None
    listed = "; ".join(f"{long_date(absence.first_day)} ({', '.join(why)})" for absence, why in matches)
    explanation = (f"{len(matches)} absences of at most {count_of(rule.max_working_days, 'working day')} in the "
                   f"{rule.window.words} to {long_date(end)} began on the first or ended on the last working day of "
                   f"the week, or next to a bank holiday"
                   f"{counting_words(rule.counting)} (concern: {rule.occasions} or more): {listed}")
    return Concern("pattern", explanation, tuple(absence.first_day for absence, _ in matches),
                   tuple(absence.id for absence, _ in matches))


def _pattern_reasons(absence: AbsenceFacts, rule: PatternRule, pattern: WorkingPattern, as_of: dt.date) -> list[str]:
    """Why the absence counts towards the pattern ('1 working day', then each reason); [] when it does not:
    longer than the rule's `max_working_days` (so far, while it goes on), or at no edge and by no bank holiday."""
    length = working_days(absence.first_day, absence.until(as_of), pattern)
    if length > rule.max_working_days:
        return []
    why = []
    last = absence.last_day if absence.last_day is not None and absence.last_day <= as_of else None
    first_of_week, last_of_week = pattern.week_edges
    if rule.week_edges:
        if WEEKDAYS[absence.first_day.weekday()] == first_of_week:
            why.append(f"began on a {absence.first_day:%A}, the first day of their week")
        if last and WEEKDAYS[last.weekday()] == last_of_week:
            why.append(f"ended on a {last:%A}, the last day of their week")
    if rule.bank_holidays:
        before = _bank_holiday_beside(absence.first_day, -1, pattern)
        if before:
            why.append(f"after the bank holiday on {long_date(before)}")
        after = _bank_holiday_beside(last, 1, pattern) if last else None
        if after:
            why.append(f"before the bank holiday on {long_date(after)}")
    return [count_of(length, 'working day'), *why] if why else []


def _bank_holiday_beside(day: dt.date, step: int, pattern: WorkingPattern) -> dt.date | None:
    """A bank holiday in the run of days off between `day` and the employee's next working day that way."""
    for offset in range(1, _RUN_LIMIT_DAYS + 1):
        other = day + dt.timedelta(days=step * offset)
        if is_working_day(other, pattern):
            return None
        if is_bank_holiday(other, pattern.region):
            return other
    return None
