"""Long-term milestones and sick pay, lapsed warnings and ended review periods, hand-computed.

Months count as casework.calendar.add_months counts them: N months from day D run to the day before the same
date N months later; when that date does not exist, to the end of the shorter month, and the next period starts
on the 1st of the month after.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from casework.facts import AbsenceFacts, CaseFacts, EmployeeFacts
from casework.milestones import (
    absence_milestones,
    completed_months,
    lapsed_warnings,
    pay_milestones,
    reviews_ended,
    sick_days_before,
)
from casework.policy import SickPayBand, load_preset
from casework.triggers import evaluate

D = dt.date
NHS = load_preset("nhs-scotland")
COUNCIL = load_preset("council-2019")
# Off from Monday 2 March 2026, still off.
OFF = AbsenceFacts("off", D(2026, 3, 2), None, "infections")


@pytest.mark.parametrize("start, on, months", [
    (D(2021, 3, 15), D(2026, 3, 14), 59),  # the day before the 5th anniversary: 4 years 11 months
    (D(2021, 3, 15), D(2026, 3, 15), 60),  # 5 years
    (D(2026, 1, 5), D(2026, 3, 2), 1),     # 5 Feb ≤ 2 Mar < 5 Mar
    (D(2026, 1, 2), D(2026, 5, 1), 3),     # the 4th month ends on 1 May: 3 completed on it
    (D(2026, 1, 2), D(2026, 5, 2), 4),     # and 4 the day after
    (D(2026, 1, 31), D(2026, 2, 28), 0),   # a month from 31 Jan runs to the end of February …
    (D(2026, 1, 31), D(2026, 3, 1), 1),    # … and is completed on 1 March
    (D(2024, 2, 29), D(2025, 2, 28), 11),  # no 29 Feb 2025: the year runs to 28 Feb …
    (D(2024, 2, 29), D(2025, 3, 1), 12),   # … and is completed on 1 March 2025
    (D(2026, 3, 2), D(2026, 3, 1), 0),     # not started yet
])
def test_completed_months(start, on, months):
    assert completed_months(start, on) == months


def test_sickness_in_the_twelve_months_before_counts_calendar_days():
    earlier = [AbsenceFacts("a", D(2025, 2, 24), D(2025, 3, 4)),   # only 2–4 Mar 2025 inside: 3
               AbsenceFacts("b", D(2025, 6, 2), D(2025, 6, 11)),   # 10
               AbsenceFacts("c", D(2024, 6, 2), D(2024, 6, 11))]   # too early: 0
    assert sick_days_before(OFF, [OFF, *earlier], 12) == 13


@pytest.mark.parametrize("start, earlier, half_pay, nil_pay", [
    # 4 completed years on 2 Mar 2026 → 5 months full, 5 half. Full: 2 Mar → 2 Aug = 153 days; all: → 2 Jan 2027
    # = 306 days. No earlier sickness: half pay from 2 Aug 2026, nil from 2 Jan 2027.
    (D(2021, 3, 15), [], D(2026, 8, 2), D(2027, 1, 2)),
    # the same less 13 days used (3 + 10): half pay 2 Mar + 140 = 20 Jul 2026; nil 2 Mar + 293 = 20 Dec 2026
    (D(2021, 3, 15), [AbsenceFacts("a", D(2025, 2, 24), D(2025, 3, 4)), AbsenceFacts("b", D(2025, 6, 2),
                                                                                     D(2025, 6, 11))],
     D(2026, 7, 20), D(2026, 12, 20)),
    # first year (started 5 Jan 2026): 1 month full to 2 Apr, then 2 months half to 2 Jun 2026
    (D(2026, 1, 5), [], D(2026, 4, 2), D(2026, 6, 2)),
    # 5 completed years: 6 + 6 months: half from 2 Sep 2026, nil from 2 Mar 2027
    (D(2021, 3, 2), [], D(2026, 9, 2), D(2027, 3, 2)),
    # first year with 40 days used (more than the 31 of full pay): half pay at once, nil 2 Mar + (92 − 40) = 23 Apr
    (D(2025, 4, 1), [AbsenceFacts("a", D(2025, 10, 1), D(2025, 11, 9))], D(2026, 3, 2), D(2026, 4, 23)),
])
def test_half_and_nil_pay_dates(start, earlier, half_pay, nil_pay):
    employee = EmployeeFacts(start_date=start)
    found = {m.key: m.on for m in absence_milestones(OFF, [OFF, *earlier], employee, NHS, D(2026, 11, 23))}
    assert (found["half_pay"], found["nil_pay"]) == (half_pay, nil_pay)


def test_milestones_of_an_ongoing_absence():
    employee = EmployeeFacts(start_date=D(2021, 3, 15))
    milestones = absence_milestones(OFF, [OFF], employee, NHS, D(2026, 4, 1))
    assert [(m.key, m.on, m.reached) for m in milestones] == [
        ("long_term", D(2026, 3, 30), True),      # day 29: 2 Mar + 28
        ("oh_referral", D(2026, 3, 30), True),    # after 28 days for an infection
        ("half_pay", D(2026, 8, 2), False),
        ("ssp_notice", D(2026, 9, 14), False),    # 2 Mar + 28 weeks (196 days)
        ("nil_pay", D(2027, 1, 2), False),
    ]
    assert milestones[2].title.startswith("Half pay from 2 August 2026: 5 months' full and 5 months' half pay "
                                          "(NHS Agenda for Change sick pay, 3 years' service or more), less 0 days")


LONG_SERVING = D(2015, 4, 1)   # 11 years and more on every first day below: 6 months' full and 6 months' half pay


@pytest.mark.parametrize("first, start, half_pay, nil_pay", [
    # 6 months' full pay from 31 Aug 2026 run to 28 Feb 2027 (no 31 Feb): half pay from 1 Mar 2027; 6 more
    # months' half pay from 1 Mar run to 31 Aug 2027 − 1 = 30 Aug: nil pay from 31 Aug 2027 (12 months on).
    (D(2026, 8, 31), LONG_SERVING, D(2027, 3, 1), D(2027, 8, 31)),
    # 30 Aug 2026: no 30 Feb 2027 either: full pay to 28 Feb, half from 1 Mar 2027; nil from 30 Aug 2027.
    (D(2026, 8, 30), LONG_SERVING, D(2027, 3, 1), D(2027, 8, 30)),
    # 28 Aug 2026: 28 Feb 2027 exists: full pay to 27 Feb, half from 28 Feb 2027; nil from 28 Aug 2027.
    (D(2026, 8, 28), LONG_SERVING, D(2027, 2, 28), D(2027, 8, 28)),
    # Leap year: 31 Aug 2027 + 6 months → no 31 Feb 2028: full pay to 29 Feb 2028, half from 1 Mar 2028.
    (D(2027, 8, 31), LONG_SERVING, D(2028, 3, 1), D(2028, 8, 31)),
    # 29 Aug 2027: 29 Feb 2028 exists: full pay to 28 Feb, half from 29 Feb 2028; nil from 29 Aug 2028.
    (D(2027, 8, 29), LONG_SERVING, D(2028, 2, 29), D(2028, 8, 29)),
    # Off from 29 Feb 2028 with 2 completed years (started 1 Jan 2026): 4 + 4 months: half from 29 Jun 2028,
    # nil from 29 Oct 2028.
    (D(2028, 2, 29), D(2026, 1, 1), D(2028, 6, 29), D(2028, 10, 29)),
    # Off from 31 Jan 2026 with 3 completed years (started 1 Jan 2023): 5 + 5 months: no 31 Jun, so full pay to
    # 30 Jun and half from 1 Jul 2026; no 31 Nov, so half pay to 30 Nov and nil from 1 Dec 2026.
    (D(2026, 1, 31), D(2023, 1, 1), D(2026, 7, 1), D(2026, 12, 1)),
    # Off from 31 Oct 2026 with 1 completed year (started 1 Oct 2025): 2 + 2 months: 31 Dec exists, half from
    # 31 Dec 2026; no 31 Feb 2027, nil from 1 Mar 2027.
    (D(2026, 10, 31), D(2025, 10, 1), D(2026, 12, 31), D(2027, 3, 1)),
])
def test_month_end_pay_dates(first, start, half_pay, nil_pay):
    off = AbsenceFacts("off", first, None)
    found = {m.key: m.on for m in pay_milestones(off, [off], start, COUNCIL.sick_pay, first)}
    assert (found["half_pay"], found["nil_pay"]) == (half_pay, nil_pay)


def test_the_look_back_comes_off_month_end_pay_too():
    # Off from 31 Aug 2026, 6 + 6 months, 10 days off in June 2026 (1–10 Jun). Full pay is 31 Aug 2026 to
    # 28 Feb 2027 = 182 days (30 Sep 30, 31 Oct 61, 30 Nov 91, 31 Dec 122, 31 Jan 153, 28 Feb 181, + 31 Aug);
    # less 10: 172 days, half pay from 31 Aug + 172 = 19 Feb 2027. All pay to 30 Aug 2027 = 365 days; less 10:
    # nil from 31 Aug 2026 + 355 = 21 Aug 2027.
    off = AbsenceFacts("off", D(2026, 8, 31), None)
    june = AbsenceFacts("june", D(2026, 6, 1), D(2026, 6, 10))
    found = {m.key: m for m in pay_milestones(off, [off, june], LONG_SERVING, COUNCIL.sick_pay, D(2026, 8, 31))}
    assert (found["half_pay"].on, found["nil_pay"].on) == (D(2027, 2, 19), D(2027, 8, 21))
    assert found["half_pay"].title == (
        "Half pay from 19 February 2027: 6 months' full and 6 months' half pay (NJC Green Book occupational sick "
        "pay, 5 years' service or more), less 10 days of sickness in the 12 months before 31 August 2026")


# NJC (Green Book part 2, paragraph 10): nothing beyond statutory sick pay in the first four months of service; then,
# in the first year, 1 month's full pay and 2 months' half pay. Off from Monday 2 March 2026.
@pytest.mark.parametrize("start, months_served, keys_and_days", [
    # Started 2 Jan 2026: 2 completed months (2 Mar = 2 Jan + 2 months): statutory sick pay only, from 2 Mar.
    (D(2026, 1, 2), 2, [("nil_pay", D(2026, 3, 2))]),
    # Started 3 Nov 2025: 3 completed months (3 Mar would be the 4th): statutory sick pay only, from 2 Mar.
    (D(2025, 11, 3), 3, [("nil_pay", D(2026, 3, 2))]),
    # Started 2 Nov 2025: 4 completed months on 2 Mar. 1 month's full pay, half from 2 Apr, nil from 2 Jun.
    (D(2025, 11, 2), 4, [("half_pay", D(2026, 4, 2)), ("nil_pay", D(2026, 6, 2))]),
    # Started 2 Mar 2025: 1 completed year: 2 + 2 months, half from 2 May, nil from 2 Jul 2026.
    (D(2025, 3, 2), 12, [("half_pay", D(2026, 5, 2)), ("nil_pay", D(2026, 7, 2))]),
])
def test_njc_first_year_bands_by_months_of_service(start, months_served, keys_and_days):
    assert completed_months(start, OFF.first_day) == months_served
    found = pay_milestones(OFF, [OFF], start, COUNCIL.sick_pay, D(2026, 3, 2))
    assert [(m.key, m.on) for m in found] == keys_and_days


def test_under_four_months_the_njc_words_say_so():
    [nil] = pay_milestones(OFF, [OFF], D(2026, 1, 2), COUNCIL.sick_pay, D(2026, 3, 2))
    assert (nil.key, nil.on, nil.reached) == ("nil_pay", D(2026, 3, 2), True)
    assert nil.title == ("Statutory sick pay only from 2 March 2026: under 4 months' service "
                         "(NJC Green Book occupational sick pay)")


def test_a_band_of_some_full_pay_before_four_months_reads_so():
    # The other printing of the scheme: 1 month's full pay from the start, half pay only after 4 months' service.
    scheme = dataclasses.replace(COUNCIL.sick_pay, bands=(SickPayBand(0, 1, 0), *COUNCIL.sick_pay.bands[1:]))
    [nil] = pay_milestones(OFF, [OFF], D(2026, 1, 2), scheme, D(2026, 3, 2))
    assert nil.title == ("Nil pay from 2 April 2026: 1 month's full and 0 months' half pay (NJC Green Book "
                         "occupational sick pay, under 4 months' service), less 0 days of sickness in the 12 months "
                         "before 2 March 2026")
    assert [m.key for m in pay_milestones(OFF, [OFF], D(2025, 11, 2), scheme, D(2026, 3, 2))] == [
        "half_pay", "nil_pay"]


def test_stress_is_referred_at_once_and_no_start_date_means_no_pay_dates():
    stress = AbsenceFacts("s", D(2026, 3, 2), None, "mental_health")
    milestones = absence_milestones(stress, [stress], EmployeeFacts(), COUNCIL, D(2026, 3, 2))
    assert [(m.key, m.on, m.reached) for m in milestones] == [
        ("oh_referral", D(2026, 3, 2), True), ("long_term", D(2026, 3, 30), False),
        ("ssp_notice", D(2026, 9, 14), False)]


def test_bradford_mental_health_is_long_term_from_day_15():
    stress = AbsenceFacts("s", D(2026, 3, 2), None, "mental_health")
    [long_term] = [m for m in absence_milestones(stress, [stress], EmployeeFacts(), load_preset("bradford"),
                                                 D(2026, 3, 2)) if m.key == "long_term"]
    assert long_term.on == D(2026, 3, 16)   # 2 Mar + 14


def test_evaluation_lists_milestones_of_ongoing_absences_only():
    ended = AbsenceFacts("ended", D(2026, 1, 5), D(2026, 1, 9))
    evaluation = evaluate(EmployeeFacts(start_date=D(2021, 3, 15)), [ended, OFF], [], NHS, D(2026, 4, 1))
    assert {m.absence_id for m in evaluation.milestones} == {"off"}


def _case(expires, status="closed", review=None):
    return CaseFacts("c", "STS", status, "formal_1", D(2025, 6, 1), review, "first", expires)


@pytest.mark.parametrize("expires, lapsed", [
    (D(2026, 11, 23), None),                                  # expires today: still live today
    (D(2026, 11, 22), (D(2026, 11, 23), D(2028, 11, 22))),    # lapsed today; referable 24 months from expiry
    (D(2024, 11, 23), (D(2024, 11, 24), D(2026, 11, 23))),    # referable until today, included
    (D(2024, 11, 22), None),                                  # referable until yesterday: no longer
])
def test_lapsed_warnings(expires, lapsed):
    found = lapsed_warnings([_case(expires)], COUNCIL, D(2026, 11, 23))
    assert [(warning.lapsed_on, warning.referable_until) for warning in found] == ([lapsed] if lapsed else [])


@pytest.mark.parametrize("as_of, referable", [(D(2026, 2, 28), True), (D(2026, 3, 1), False)])
def test_a_warning_lapsed_on_a_leap_day_is_referable_to_the_end_of_february(as_of, referable):
    # Expired 28 Feb 2024, lapsed 29 Feb 2024: 24 months from it run to the day before 29 Feb 2026, which does
    # not exist, so to 28 Feb 2026, the end of the shorter month.
    found = lapsed_warnings([_case(D(2024, 2, 28))], COUNCIL, as_of)
    assert [(w.lapsed_on, w.referable_until) for w in found] == ([(D(2024, 2, 29), D(2026, 2, 28))] if referable
                                                                 else [])


def test_reviews_ended_lists_open_cases_past_their_review_date():
    cases = [_case(None, "open", D(2026, 11, 22)), _case(None, "open", D(2026, 11, 23)),
             _case(None, "closed", D(2026, 11, 1))]
    assert [ended.review_date for ended in reviews_ended(cases, D(2026, 11, 23))] == [D(2026, 11, 22)]
