"""Long-term milestones and sick pay, lapsed warnings and ended review periods, hand-computed."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.facts import AbsenceFacts, CaseFacts, EmployeeFacts
from casework.milestones import (
    absence_milestones,
    add_months,
    completed_years,
    lapsed_warnings,
    reviews_ended,
    sick_days_before,
)
from casework.policy import load_preset
from casework.triggers import evaluate

D = dt.date
NHS = load_preset("nhs-scotland")
COUNCIL = load_preset("council-2019")
# Off from Monday 2 March 2026, still off.
OFF = AbsenceFacts("off", D(2026, 3, 2), None, "infections")


@pytest.mark.parametrize("day, months, expected", [
    (D(2026, 3, 2), 5, D(2026, 8, 2)),
    (D(2026, 1, 31), 1, D(2026, 2, 28)),   # no 31 February: the month's last day
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2026, 11, 22), 24, D(2028, 11, 22)),
])
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize("start, on, years", [
    (D(2021, 3, 15), D(2026, 3, 14), 4),   # the day before the 5th anniversary
    (D(2021, 3, 15), D(2026, 3, 15), 5),
    (D(2026, 1, 5), D(2026, 3, 2), 0),
])
def test_completed_years(start, on, years):
    assert completed_years(start, on) == years


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
                                          "(NHS Agenda for Change sick pay, 3+ completed years), less 0 days")


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


def test_reviews_ended_lists_open_cases_past_their_review_date():
    cases = [_case(None, "open", D(2026, 11, 22)), _case(None, "open", D(2026, 11, 23)),
             _case(None, "closed", D(2026, 11, 1))]
    assert [ended.review_date for ended in reviews_ended(cases, D(2026, 11, 23))] == [D(2026, 11, 22)]
