"""Dates a case reaches: an absence's long-term milestones (long-term from, OH referral due, the
statutory sick pay notice, half and nil pay under the sick-pay scheme), warnings that have lapsed and
review periods that have ended.

Sick pay, as reckoned here: the scheme's band is chosen by completed months of service on the first day
of absence (from the employee's start date; a band may start at so many years or so many months, as the
NJC scheme's first band starts after 4 months); its months of full and half pay are counted as calendar
months from that first day; the calendar days of sickness in the scheme's look-back (the 12 months
before the first day) use up full pay first, then half pay. A band of no full and no half pay means
statutory sick pay only, from the first day. Payroll stays the authority: these dates are for planning
the case and the tasks ahead of each change of pay.

Months are counted one way (`casework.calendar.add_months`, the same rule `rolling_window` counts back by):
N months from day D run to the day before the same date N months later, and the next period starts on
that date; when that date does not exist, the N months run to the end of the shorter month and the next
period starts on the 1st of the month after. 6 months' full pay from 31 August 2026 run to 28 February
2027 and half pay starts on 1 March 2027; from 31 August 2027 they run to 29 February 2028. Completed
months of service count the same way: someone who started on 31 January has completed a month on 1 March.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Sequence

from casework.absences import expected_referral, long_date
from casework.calendar import add_months, calendar_days, rolling_window
from casework.facts import AbsenceFacts, CaseFacts, EmployeeFacts
from casework.figures import long_term_from
from casework.policy import Policy, SickPay, SickPayBand


@dataclasses.dataclass(frozen=True)
class Milestone:
    """A date in one absence: `reached` once the evaluation date is on or after it."""

    key: str  # long_term, oh_referral, ssp_notice, half_pay, nil_pay
    title: str
    on: dt.date
    reached: bool
    absence_id: object


@dataclasses.dataclass(frozen=True)
class LapsedWarning:
    """A warning that has lapsed (the day after it expired) and until when it may still be referred to."""

    case_id: object
    level: str
    lapsed_on: dt.date
    referable_until: dt.date


@dataclasses.dataclass(frozen=True)
class ReviewEnded:
    """A review period that has ended (it runs up to and including the review date)."""

    case_id: object
    stage: str
    review_date: dt.date


def completed_months(start: dt.date, on: dt.date) -> int:
    """Whole months of service from `start` to `on`: the most months whose next period starts on or before `on`
    (the module's note). Started 15 March 2021: 59 on 14 March 2026, 60 (5 years) on 15 March 2026."""
    months = max(0, (on.year - start.year) * 12 + on.month - start.month)
    while months and add_months(start, months) > on:
        months -= 1
    return months


def sick_days_before(absence: AbsenceFacts, absences: Sequence[AbsenceFacts], months: int) -> int:
    """Calendar days of other sickness in the `months` before the absence's first day."""
    start, end = rolling_window(absence.first_day - dt.timedelta(days=1), months)
    used = 0
    for other in absences:
        if other is absence or other.first_day > end:
            continue
        last = min(other.last_day or end, end)
        if last >= start:
            used += calendar_days(max(other.first_day, start), last)
    return used


def pay_milestones(absence: AbsenceFacts, absences: Sequence[AbsenceFacts], start_date: dt.date,
                   scheme: SickPay, as_of: dt.date) -> list[Milestone]:
    """When the absence moves to half pay and to nil pay under `scheme` (see the module's note)."""
    band = scheme.band_for(completed_months(start_date, absence.first_day))
    first = absence.first_day
    if not band.full_pay_months and not band.half_pay_months:
        return [_statutory_only(absence, scheme, band, as_of)]
    used = sick_days_before(absence, absences, scheme.lookback_months)
    full_days = (add_months(first, band.full_pay_months) - first).days
    all_days = (add_months(first, band.full_pay_months + band.half_pay_months) - first).days
    entitled = (f"{_months(band.full_pay_months)} full and {_months(band.half_pay_months)} half pay "
                f"({scheme.scheme}, {_service(scheme, band)}), less {used} days of sickness "
                f"in the {scheme.lookback_months} months before {long_date(first)}")
    half = first + dt.timedelta(days=max(0, full_days - used))
    nil = first + dt.timedelta(days=max(0, all_days - used))
    found = [Milestone("nil_pay", f"Nil pay from {long_date(nil)}: {entitled}", nil, nil <= as_of, absence.id)]
    if band.half_pay_months and half < nil:
        found.insert(0, Milestone("half_pay", f"Half pay from {long_date(half)}: {entitled}", half, half <= as_of,
                                  absence.id))
    return found


def _months(count: int) -> str:
    """'1 month's', '6 months''."""
    return f"{count} month's" if count == 1 else f"{count} months'"


def _service(scheme: SickPay, band: SickPayBand) -> str:
    """The band's service in words: 'under 4 months' service' for the first band, '3 years' service or more'."""
    after = scheme.band_after(band)
    return f"under {after.service} service" if after and not band.service_months else f"{band.service} service or more"


def _statutory_only(absence: AbsenceFacts, scheme: SickPay, band: SickPayBand, as_of: dt.date) -> Milestone:
    """Nil occupational pay from the first day, for someone whose service earns none yet."""
    first = absence.first_day
    return Milestone("nil_pay", f"Statutory sick pay only from {long_date(first)}: {_service(scheme, band)} "
                                f"({scheme.scheme})", first, first <= as_of, absence.id)


def absence_milestones(absence: AbsenceFacts, absences: Sequence[AbsenceFacts], employee: EmployeeFacts,
                       policy: Policy, as_of: dt.date) -> list[Milestone]:
    """The long-term milestones of one absence, soonest first."""
    rules = policy.lts
    long_term = long_term_from(absence, rules)
    found = [Milestone("long_term", f"Long-term from {long_date(long_term)} (over "
                                    f"{rules.after_days(absence.reason_category)} calendar days)",
                       long_term, long_term <= as_of, absence.id)]
    at_once = [rule for rule in policy.reason_triggers
               if rule.action == "oh_referral" and rule.reason == absence.reason_category]
    referral = absence.first_day if at_once else absence.first_day + dt.timedelta(days=rules.oh_referral_after_days)
    why = at_once[0].title if at_once else f"the absence passes {rules.oh_referral_after_days} calendar days"
    expected = expected_referral(absence.first_day, absence.expected_return, absence.fit_note_until,
                                 rules.oh_referral_after_days)
    if expected and not at_once and as_of < referral:
        referral, why = as_of, f"the absence is {expected}"
    found.append(Milestone("oh_referral", f"Occupational health referral due {long_date(referral)}: {why}",
                           referral, referral <= as_of, absence.id))
    notice = absence.first_day + dt.timedelta(weeks=rules.ssp_notice_weeks)
    found.append(Milestone("ssp_notice", f"{rules.ssp_notice_weeks} weeks off on {long_date(notice)}: "
                                         f"statutory sick pay notice", notice, notice <= as_of, absence.id))
    if policy.sick_pay and employee.start_date and employee.start_date <= absence.first_day:
        found += pay_milestones(absence, absences, employee.start_date, policy.sick_pay, as_of)
    return sorted(found, key=lambda milestone: (milestone.on, milestone.key))


def lapsed_warnings(cases: Sequence[CaseFacts], policy: Policy, as_of: dt.date) -> list[LapsedWarning]:
    """Short-term warnings that have lapsed by `as_of` and may still be referred to, latest first."""
    found = []
    for case in cases:
        if case.kind != "STS" or case.warning_expires_on is None or case.warning_live(as_of):
            continue
        lapsed_on = case.warning_expires_on + dt.timedelta(days=1)
        until = add_months(lapsed_on, policy.sts.lapsed_warning_referable_months) - dt.timedelta(days=1)
        if as_of <= until:
            found.append(LapsedWarning(case.id, case.warning_level or "", lapsed_on, until))
    return sorted(found, key=lambda warning: (warning.lapsed_on, str(warning.case_id)), reverse=True)


def reviews_ended(cases: Sequence[CaseFacts], as_of: dt.date) -> list[ReviewEnded]:
    """Open short-term cases whose review period ended before `as_of`."""
    return [ReviewEnded(case.id, case.stage, case.review_date) for case in cases
            if case.kind == "STS" and case.status == "open" and case.review_date is not None
            and case.review_date < as_of]
