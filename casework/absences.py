"""Rules about one sickness absence: whether it can be recorded, what the policy expects while
someone is off, the return-to-work interview, and the figures over a rolling window."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Iterable, Sequence

from casework.calendar import (
    WorkingPattern,
    calendar_days,
    fte_days,
    nth_working_day_after,
    working_days,
)
from casework.policy import CareRules, Policy


@dataclasses.dataclass(frozen=True)
class Period:
    """An absence as the rules see it: its id, first day and last day (None while ongoing)."""

    id: object
    first_day: dt.date
    last_day: dt.date | None


def check_absence(first_day: dt.date | None, last_day: dt.date | None, expected_return: dt.date | None,
                  started: dt.date | None, left: dt.date | None, others: Iterable[Period],
                  today: dt.date) -> dict[str, str]:
    """Why an absence with these dates cannot be recorded, as {field: message}; empty when it can."""
    errors: dict[str, str] = {}
    if first_day is None:
        return {"first_day": "Enter the first day of absence."}
    if first_day > today:
        errors["first_day"] = "The first day of absence cannot be in the future."
    elif started and first_day < started:
        errors["first_day"] = f"The first day is before they started work on {long_date(started)}."
    elif left and first_day > left:
        errors["first_day"] = f"The first day is after they left on {long_date(left)}."
    if last_day is not None:
        if last_day < first_day:
            errors["last_day"] = "The last day must be on or after the first day."
        elif last_day > today:
            errors["last_day"] = "The last day cannot be in the future: give an expected return date instead."
    if expected_return is not None and expected_return <= first_day:
        errors["expected_return"] = "The expected return must be after the first day."
    if "first_day" not in errors and "last_day" not in errors:
        clash = overlapping(first_day, last_day, others)
        if clash:
            ends = f"to {long_date(clash.last_day)}" if clash.last_day else "and still going on"
            field = "first_day" if clash.first_day <= first_day else "last_day"
            errors[field] = f"This overlaps their absence from {long_date(clash.first_day)} {ends}."
    return errors


def overlapping(first_day: dt.date, last_day: dt.date | None, others: Iterable[Period]) -> Period | None:
    """The first of `others` whose days overlap [first_day, last_day] (an open end runs for ever)."""
    end = last_day or dt.date.max
    for other in sorted(others, key=lambda period: period.first_day):
        if other.first_day <= end and first_day <= (other.last_day or dt.date.max):
            return other
    return None


@dataclasses.dataclass(frozen=True)
class Expectation:
    """Something the policy expects while someone is off, and where it stands on `today`."""

    key: str
    title: str
    due_on: dt.date | None
    status: str  # "done", "due", "overdue", "upcoming"
    detail: str = ""


def contact_due_on(first_day: dt.date, day_number: int) -> dt.date:
    """Calendar day `day_number` of the absence; a contact day falling at a weekend moves to the Monday."""
    due = first_day + dt.timedelta(days=day_number - 1)
    while day_number > 1 and due.weekday() >= 5:
        due += dt.timedelta(days=1)
    return due


def expectations(first_day: dt.date, last_day: dt.date | None, reason_category: str,
                 contacts: Sequence[dt.date], fit_notes: Sequence[tuple[dt.date, dt.date]],
                 oh_referral_on: dt.date | None, work_related: bool, accident_reported: bool,
                 third_party: bool, damages_agreed: bool, today: dt.date, *, policy: Policy,
                 expected_return: dt.date | None = None, oh_referral_raised_on: dt.date | None = None
                 ) -> list[Expectation]:
    """What `policy` expects for this absence: contacts, fit notes, OH referral, and the forms.

    `oh_referral_raised_on` is the day the referral was asked for (its task raised), when it was."""
    care = policy.care
    until = min(last_day or today, today)
    items = []
    dues = [contact_due_on(first_day, day_number) for day_number in care.contact_days]
    for index, (day_number, due) in enumerate(zip(care.contact_days, dues, strict=True)):
        if last_day and due > last_day:
            continue
        next_due = dues[index + 1] if index + 1 < len(dues) else dt.date.max
        made = any(due <= on < next_due for on in contacts)
        items.append(Expectation(f"contact_day_{day_number}", f"Contact on day {day_number}", due,
                                 _status(made, due, today)))
    if last_day is None or calendar_days(first_day, last_day) >= care.fit_note_from_day:
        needed_from = first_day + dt.timedelta(days=care.self_certified_days)
        if needed_from <= until:
            gaps = uncovered(needed_from, until, fit_notes)
            detail = ("Not covered: " + "; ".join(_range_words(a, b) for a, b in gaps)) if gaps else ""
            items.append(Expectation("fit_note", f"Fit note from day {care.fit_note_from_day}",
                                     first_day + dt.timedelta(days=care.fit_note_from_day - 1),
                                     "done" if not gaps else _status(False, needed_from, today), detail))
        elif last_day is None:
            items.append(Expectation("fit_note", f"Fit note from day {care.fit_note_from_day}",
                                     first_day + dt.timedelta(days=care.fit_note_from_day - 1), "upcoming"))
    referral = oh_referral_expectation(first_day, last_day, reason_category, expected_return,
                                       max((note_to for _, note_to in fit_notes), default=None), oh_referral_on,
                                       oh_referral_raised_on, policy, today)
    items += [referral] if referral else []
    if work_related:
        items.append(Expectation("accident_report", "Complete the accident report and tell the safety manager",
                                 first_day, _status(accident_reported, first_day, today)))
    if third_party:
        items.append(Expectation("damages_agreement", "Ask them to sign the third-party damages agreement (D2)",
                                 first_day, _status(damages_agreed, first_day, today)))
    return items


def oh_referral_expectation(first_day: dt.date, last_day: dt.date | None, reason_category: str,
                            expected_return: dt.date | None, fit_note_until: dt.date | None,
                            oh_referral_on: dt.date | None, raised_on: dt.date | None, policy: Policy,
                            today: dt.date) -> Expectation | None:
    """The referral to occupational health `policy` expects, if any: at once for a reason its reason triggers refer
    at once; from the day it was known (`raised_on`, else today) when the absence is expected to last more than
    `lts.oh_referral_after_days` calendar days; otherwise once it has lasted that long."""
    after = policy.lts.oh_referral_after_days
    done = oh_referral_on is not None
    if any(rule.action == "oh_referral" and rule.reason == reason_category for rule in policy.reason_triggers):
        return Expectation("oh_referral", "Refer to occupational health now", first_day,
                           _status(done, first_day, today), "This reason is referred at once under the policy.")
    passed_on = first_day + dt.timedelta(days=after)
    expected = expected_referral(first_day, expected_return, fit_note_until, after)
    if expected and (raised_on or last_day is None or last_day >= today):
        due = min(raised_on or today, passed_on)
        return Expectation("oh_referral", "Refer to occupational health", due, _status(done, due, today),
                           expected[0].upper() + expected[1:] + ".")
    if calendar_days(first_day, min(last_day or today, today)) > after or done:
        return Expectation("oh_referral", "Refer to occupational health", passed_on,
                           _status(done, passed_on, today), f"The absence has passed {after} calendar days.")
    return None


@dataclasses.dataclass(frozen=True)
class ExpectedEnd:
    """The last day an absence is expected to last, and what says so in words ("fit note to 3 March 2027")."""

    until: dt.date
    source: str


def expected_end(expected_return: dt.date | None, fit_note_until: dt.date | None) -> ExpectedEnd | None:
    """The later of the day before the expected return and the last day a fit note covers (the fit note when
    both give the same day); None when neither is known."""
    known = []
    if fit_note_until:
        known.append(ExpectedEnd(fit_note_until, f"fit note to {long_date(fit_note_until)}"))
    if expected_return:
        known.append(ExpectedEnd(expected_return - dt.timedelta(days=1),
                                 f"expected back on {long_date(expected_return)}"))
    return max(known, key=lambda end: end.until, default=None)


def expected_referral(first_day: dt.date, expected_return: dt.date | None, fit_note_until: dt.date | None,
                      after_days: int) -> str | None:
    """Why an absence is referred to occupational health before it has lasted `after_days` calendar days, in
    words: "expected to last 35 calendar days (fit note to 3 March 2027), over the 28 after which occupational
    health is asked"; None when it is not expected to last longer than that."""
    end = expected_end(expected_return, fit_note_until)
    if end is None or calendar_days(first_day, end.until) <= after_days:
        return None
    return (f"expected to last {calendar_days(first_day, end.until)} calendar days ({end.source}), over the "
            f"{after_days} after which occupational health is asked")


def uncovered(start: dt.date, end: dt.date,
              fit_notes: Sequence[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The runs of days in [start, end] that no fit note covers."""
    gaps, cursor = [], start
    for note_from, note_to in sorted(fit_notes):
        if note_to < cursor:
            continue
        if note_from > cursor:
            gaps.append((cursor, min(note_from - dt.timedelta(days=1), end)))
        cursor = max(cursor, note_to + dt.timedelta(days=1))
        if cursor > end:
            break
    if cursor <= end:
        gaps.append((cursor, end))
    return [(a, b) for a, b in gaps if a <= b and a <= end]


@dataclasses.dataclass(frozen=True)
class ReturnToWorkDue:
    first_day_back: dt.date
    ideal_by: dt.date
    latest_by: dt.date


def rtw_due(last_day: dt.date, pattern: WorkingPattern, care: CareRules) -> ReturnToWorkDue:
    """When the return-to-work interview is due under the policy's `care` rules: ideally by the working day back
    `rtw_ideal_day` (the council's first), at the latest by `rtw_latest_day` (its third)."""
    first_back = nth_working_day_after(last_day, 1, pattern)
    return ReturnToWorkDue(first_back, nth_working_day_after(last_day, care.rtw_ideal_day, pattern),
                           nth_working_day_after(last_day, care.rtw_latest_day, pattern))


def rtw_date_problem(first_day: dt.date, last_day: dt.date, held_on: dt.date, pattern: WorkingPattern,
                     today: dt.date) -> str | None:
    """Why the return-to-work interview cannot be dated `held_on`, or None: it is held once they are back, so on or
    after their first working day back and not on a day of the absence (`first_day`..`last_day`), nor later
    than `today`."""
    first_back = nth_working_day_after(last_day, 1, pattern)
    if held_on < first_day:
        return f"The interview cannot be before the absence began on {long_date(first_day)}."
    if held_on <= last_day:
        return (f"{long_date(held_on)} is a day of the absence ({_range_words(first_day, last_day)}): the interview "
                f"is held once they are back, on or after {long_date(first_back)}.")
    if held_on < first_back:
        return f"They are back on {long_date(first_back)}: the interview is held on or after that day."
    if held_on > today:
        return "The interview date cannot be in the future."
    return None


def rtw_day_number(last_day: dt.date, held_on: dt.date, pattern: WorkingPattern) -> int:
    """Which working day back the interview was held on: 1 is the first working day after the absence.

    An interview dated before the first day back counts as day 1: the form refuses such a date
    (`rtw_date_problem`), but an absence feed may still bring one.
    """
    first_back = nth_working_day_after(last_day, 1, pattern)
    if held_on <= first_back:
        return 1
    return working_days(first_back, held_on, pattern)


def absence_length(first_day: dt.date, last_day: dt.date | None, pattern: WorkingPattern, as_of: dt.date) -> dict:
    """Calendar days, working days and FTE-days of one absence (an ongoing one counted to `as_of`)."""
    until = last_day or as_of
    if until < first_day:
        return {"calendar_days": 0, "working_days": 0, "fte_days": 0.0}
    lost = working_days(first_day, until, pattern)
    return {"calendar_days": calendar_days(first_day, until), "working_days": lost,
            "fte_days": round(fte_days(lost, pattern), 2)}


def count_of(number: int, unit: str) -> str:
    """A number with its unit, plural unless it is one: '1 occasion', '3 working days'."""
    return f"{number} {unit}{'' if number == 1 else 's'}"


def long_date(day: dt.date) -> str:
    """A date as people write it: 3 March 2026."""
    return f"{day.day} {day:%B %Y}"


def _status(done: bool, due: dt.date, today: dt.date) -> str:
    if done:
        return "done"
    if due < today:
        return "overdue"
    return "due" if due == today else "upcoming"


def _range_words(first: dt.date, last: dt.date) -> str:
    return long_date(first) if first == last else f"{long_date(first)} to {long_date(last)}"
