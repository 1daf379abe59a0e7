"""Absence figures kept month by month (casework/month_figures.py) and the board report summed from them
(casework/board_months.py): every figure worked by hand on its row.

England 2026: bank holidays 4 May and 25 May; June has 22 weekdays and no bank holiday; 1 June is a Monday."""
import dataclasses
import datetime as dt

import pytest

from casework.board_months import build_from_months, first_kept_month, whole_months
from casework.board_report import AbsenceRow, Person
from casework.board_tables import build
from casework.board_trends import month_index
from casework.month_figures import blank, long_term_alike, month_figures, people_days, scope_rows
from casework.policy import load_preset
from tests.board_dataset import ABSENCES, END, PEOPLE, START

D = dt.date
COUNCIL = load_preset("council-2019")     # long-term: over 28 calendar days
FULL = Person("F", "Place", "Highways", 1.0)
PART = Person("P", "Place", "Waste", 0.6, ("Mon", "Tue", "Wed"))
APRIL, MAY, JUNE, JULY = (month_index(D(2026, month, 1)) for month in (4, 5, 6, 7))


def figures(**values) -> dict:
    return {**blank(), **values}


@pytest.mark.parametrize("who, rows, as_of, expected", [
    # Mon 27 April – Tue 5 May across the month end: April 27–30 = 4 working days, 4 calendar days; May 1 (Fri),
    # 4 (bank holiday), 5 = 2 working days of 5 calendar days. 9 days ≤ 28: short-term. Ended in May: RTW due.
    (FULL, [AbsenceRow("F", D(2026, 4, 27), D(2026, 5, 5), "infections")], D(2026, 11, 23), {
        APRIL: figures(working_days=4, fte_days=4.0, calendar_days=4, occasions_begun=1,
                       by_reason={"infections": 4.0}),
        MAY: figures(working_days=2, fte_days=2.0, calendar_days=5, rtw_due=1, by_reason={"infections": 2.0})}),
    # Fri 22 – Tue 26 May: 22, (25 bank holiday), 26 = 2 working days, 5 calendar days.
    (FULL, [AbsenceRow("F", D(2026, 5, 22), D(2026, 5, 26), "back_neck")], D(2026, 11, 23), {
        MAY: figures(working_days=2, fte_days=2.0, calendar_days=5, occasions_begun=1, rtw_due=1,
                     by_reason={"back_neck": 2.0})}),
    # Part-timer Mon–Wed, FTE 0.6, off Mon 8 – Fri 12 June: 8, 9, 10 = 3 days × 0.6 × 5 ÷ 3 = 3.0 FTE-days.
    (PART, [AbsenceRow("P", D(2026, 6, 8), D(2026, 6, 12), "infections")], D(2026, 11, 23), {
        JUNE: figures(working_days=3, fte_days=3.0, calendar_days=5, occasions_begun=1, rtw_due=1,
                      by_reason={"infections": 3.0})}),
    # Ongoing from Mon 1 June, kept on Fri 12 June: 10 working days, 12 calendar days ≤ 28, no RTW due yet.
    (FULL, [AbsenceRow("F", D(2026, 6, 1), None, "mental_health")], D(2026, 6, 12), {
        JUNE: figures(working_days=10, fte_days=10.0, calendar_days=12, occasions_begun=1,
                      by_reason={"mental_health": 10.0})}),
    # The same kept on Tue 30 June: 30 calendar days > 28 → long-term, all 22 June days, still open.
    (FULL, [AbsenceRow("F", D(2026, 6, 1), None, "mental_health")], D(2026, 6, 30), {
        JUNE: figures(working_days=22, fte_days=22.0, calendar_days=30, occasions_begun=1,
                      long_term_working_days=22, long_term_fte_days=22.0, long_term_overlapping=1,
                      long_term_begun=1, long_term_open=1, by_reason={"mental_health": 22.0})}),
    # Mon 1 June – Fri 10 July: 40 days > 28 → long-term in both months; begun in June, open at June's end
    # (ends 10 July), closed by July's; July 1–10 = 8 working days; RTW due in July.
    (FULL, [AbsenceRow("F", D(2026, 6, 1), D(2026, 7, 10), "infections")], D(2026, 11, 23), {
        JUNE: figures(working_days=22, fte_days=22.0, calendar_days=30, occasions_begun=1,
                      long_term_working_days=22, long_term_fte_days=22.0, long_term_overlapping=1,
                      long_term_begun=1, long_term_open=1, by_reason={"infections": 22.0}),
        JULY: figures(working_days=8, fte_days=8.0, calendar_days=10, long_term_working_days=8,
                      long_term_fte_days=8.0, long_term_overlapping=1, rtw_due=1, by_reason={"infections": 8.0})}),
    # RTW on day 3 and day 7. Mon 1 – Fri 5 June (5 days), back Mon 8 = day 1, interview Wed 10 = day 3. Mon 15 –
    # Tue 16 June (2 days), back Wed 17 = day 1, 18 = 2, 19 = 3, 22 = 4, 23 = 5, 24 = 6, interview Thu 25 = day 7.
    # June: due 2, held 2, days 3 + 7 = 10, within 5: 1.
    (FULL, [AbsenceRow("F", D(2026, 6, 1), D(2026, 6, 5), "infections", D(2026, 6, 10)),
            AbsenceRow("F", D(2026, 6, 15), D(2026, 6, 16), "infections", D(2026, 6, 25))], D(2026, 11, 23), {
        JUNE: figures(working_days=7, fte_days=7.0, calendar_days=7, occasions_begun=2, rtw_due=2, rtw_held=2,
                      rtw_days=10, rtw_within_5=1, by_reason={"infections": 7.0})}),
    # Begins after the day kept: nothing yet. Ends after it (a fit note to Fri 19 June, kept on Wed 10 June):
    # counted to the 10th (8 working days), open, no RTW due.
    (FULL, [AbsenceRow("F", D(2026, 6, 11), None, "other"),
            AbsenceRow("F", D(2026, 6, 1), D(2026, 6, 19), "other")], D(2026, 6, 10), {
        JUNE: figures(working_days=8, fte_days=8.0, calendar_days=10, occasions_begun=1, by_reason={"other": 8.0})}),
], ids=["across a month end", "bank holiday", "three-day part-timer", "ongoing, short so far",
        "ongoing, long-term by as_of", "long-term across months", "RTW on day 3 and day 7", "cut at as_of"])
def test_month_figures(who, rows, as_of, expected):
    assert month_figures(who, rows, as_of, COUNCIL.lts) == expected


def test_people_are_kept_day_by_day():
    # Starts Mon 15 June with FTE 0.6 (6000 ten-thousandths), leaves Fri 10 July; the full-timer is in post throughout.
    starter = Person("S", "Place", "Waste", 0.6, start_date=D(2026, 6, 15), end_date=D(2026, 7, 10))
    found = people_days([FULL, starter], JUNE, JULY)
    assert found[JUNE, "Place", "Waste"].fte == [0] * 14 + [6000] * 16
    assert found[JULY, "Place", "Waste"].headcount == [1] * 10 + [0] * 21
    assert found[JUNE, "Place", "Highways"].fte == [10000] * 30


@pytest.mark.parametrize("start, end, today, expected", [
    (D(2026, 6, 10), D(2026, 8, 20), D(2026, 12, 1), (D(2026, 6, 1), D(2026, 8, 31))),   # rounded out to months
    (D(2026, 4, 1), D(2026, 12, 20), D(2026, 12, 1), (D(2026, 4, 1), D(2026, 12, 1))),   # the current month to today
    (D(2026, 2, 28), D(2026, 2, 28), D(2026, 12, 1), (D(2026, 2, 1), D(2026, 2, 28))),
])
def test_a_report_covers_whole_months(start, end, today, expected):
    assert whole_months(start, end, today) == expected


@pytest.mark.parametrize("start, end, today", [
    (START, END, D(2026, 11, 23)),                     # April–June, every figure worked in tests/board_dataset.py
    (D(2026, 4, 1), D(2026, 6, 12), D(2026, 6, 12)),   # to today, part-way through June (D ongoing, 12 days)
    (D(2026, 4, 1), D(2026, 11, 23), D(2026, 11, 23)),
    (D(2026, 3, 1), D(2026, 7, 31), D(2026, 11, 23)),  # A's long-term absence begun in the first month
])
def test_kept_months_add_up_to_the_report_from_every_absence(start, end, today):
    per_person = [(person, month_figures(person, [row for row in ABSENCES if row.person_id == person.id], today,
                                         COUNCIL.lts)) for person in PEOPLE]
    rows = scope_rows(per_person, PEOPLE, first_kept_month(start, end), month_index(end))
    kept = build_from_months(rows, start, end, today, "Trust", COUNCIL)
    fresh = build(PEOPLE, ABSENCES, start, end, today, "Trust", COUNCIL)
    # The year-earlier period's last month is taken pro rata only when it is a part month with absence in it;
    # none of these has any (the dataset's only earlier absence is in April 2025).
    assert (kept.now, kept.earlier, kept.months, kept.forecast) == (fresh.now, fresh.earlier, fresh.months,
                                                                    fresh.forecast)


def test_a_part_month_a_year_earlier_is_taken_pro_rata():
    # Today Fri 12 June 2026: the period is 1–12 June 2026, a year earlier 1–12 June 2025. F lost Mon 2 – Fri 27
    # June 2025 = 20 working days, kept for the month as a whole, so 12 of June's 30 days: 20 × 12 ÷ 30 = 8
    # (9 were in fact before the 13th). People are kept day by day: average FTE 1.0 exactly; 8 ÷ 1.0 = 8 per FTE.
    today = D(2026, 6, 12)
    kept = month_figures(FULL, [AbsenceRow("F", D(2025, 6, 2), D(2025, 6, 27), "infections")], today, COUNCIL.lts)
    rows = scope_rows([(FULL, kept)], [FULL], first_kept_month(D(2026, 6, 1), today), month_index(today))
    earlier = build_from_months(rows, D(2026, 6, 1), today, today, "Trust", COUNCIL).earlier.organisation
    assert (earlier.working_days_lost, earlier.fte_days_lost, earlier.average_fte, earlier.days_lost_per_fte) == (
        8, 8.0, 1.0, 8.0)


# Whether activating a policy needs the kept months rebuilt: only when it defines long-term absence otherwise.


@pytest.mark.parametrize("changed, alike", [
    ({}, True),                                                                   # the same definition
    ({"oh_referral_after_days": 7, "ssp_notice_weeks": 3}, True),                 # other long-term rules
    ({"after_calendar_days": 14}, False),                                         # long-term after 2 weeks, not 4
    ({"after_calendar_days_by_reason": (("mental_health", 14),)}, False),         # sooner for one reason
])
def test_policies_define_long_term_alike_only_by_the_same_days(changed, alike):
    assert long_term_alike(COUNCIL.lts, dataclasses.replace(COUNCIL.lts, **changed)) is alike
