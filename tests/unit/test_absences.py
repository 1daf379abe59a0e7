"""Absence rules: dates that can be recorded, care expectations, the RTW interview, window figures."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.absences import (
    Period,
    check_absence,
    contact_due_on,
    expectations,
    overlapping,
    rtw_date_problem,
    rtw_day_number,
    rtw_due,
    uncovered,
)
from casework.calendar import WorkingPattern
from casework.policy import load_preset

D = dt.date
TODAY = D(2026, 11, 23)  # a Monday
FULL_TIME = WorkingPattern()
TUE_THU = WorkingPattern(days=("Tue", "Wed", "Thu"), fte=0.6)
COUNCIL = load_preset("council-2019")
EARLIER = [Period("a", D(2026, 10, 5), D(2026, 10, 9)), Period("b", D(2026, 11, 16), None)]


@pytest.mark.parametrize("first, last, expected_return, others, errors", [
    (D(2026, 9, 1), D(2026, 9, 3), None, EARLIER, {}),
    (None, None, None, [], {"first_day": "Enter the first day of absence."}),
    (D(2026, 11, 24), None, None, [], {"first_day": "The first day of absence cannot be in the future."}),
    (D(2019, 12, 31), None, None, [], {"first_day": "The first day is before they started work on 6 January 2020."}),
    (D(2026, 9, 3), D(2026, 9, 2), None, [], {"last_day": "The last day must be on or after the first day."}),
    (D(2026, 11, 20), D(2026, 11, 24), None, [],
     {"last_day": "The last day cannot be in the future: give an expected return date instead."}),
    (D(2026, 9, 3), None, D(2026, 9, 3), [], {"expected_return": "The expected return must be after the first day."}),
    # starts inside an earlier absence
    (D(2026, 10, 7), D(2026, 10, 12), None, EARLIER,
     {"first_day": "This overlaps their absence from 5 October 2026 to 9 October 2026."}),
    # runs into an earlier absence from before it
    (D(2026, 10, 1), D(2026, 10, 5), None, EARLIER,
     {"last_day": "This overlaps their absence from 5 October 2026 to 9 October 2026."}),
    # an open-ended absence overlaps anything after its start
    (D(2026, 11, 20), D(2026, 11, 20), None, EARLIER,
     {"first_day": "This overlaps their absence from 16 November 2026 and still going on."}),
    # touching but not overlapping: the day after the earlier one ends
    (D(2026, 10, 10), D(2026, 10, 12), None, EARLIER, {}),
])
def test_check_absence(first, last, expected_return, others, errors):
    assert check_absence(first, last, expected_return, D(2020, 1, 6), None, others, TODAY) == errors


def test_first_day_after_leaving_is_refused():
    assert check_absence(D(2026, 8, 3), None, None, D(2020, 1, 6), D(2026, 7, 31), [], TODAY) == {
        "first_day": "The first day is after they left on 31 July 2026."}


def test_an_ongoing_absence_overlaps_a_later_one():
    later = [Period("c", D(2026, 11, 2), D(2026, 11, 4))]
    assert overlapping(D(2026, 10, 1), None, later) == later[0]
    assert overlapping(D(2026, 11, 5), None, later) is None


@pytest.mark.parametrize("first, day_number, due", [
    (D(2026, 11, 16), 1, D(2026, 11, 16)),   # Monday: day 1 is the first day
    (D(2026, 11, 16), 4, D(2026, 11, 19)),   # Mon + 3 = Thu
    (D(2026, 11, 16), 8, D(2026, 11, 23)),   # Mon + 7 = next Mon
    (D(2026, 11, 18), 4, D(2026, 11, 23)),   # Wed + 3 = Sat → following Monday
    (D(2026, 11, 19), 4, D(2026, 11, 23)),   # Thu + 3 = Sun → Monday
    (D(2026, 11, 14), 1, D(2026, 11, 14)),   # day 1 on a Saturday stays the Saturday
])
def test_contact_days_count_calendar_days_and_skip_weekends(first, day_number, due):
    assert contact_due_on(first, day_number) == due


def _expect(first, last=None, reason="infections", contacts=(), fit_notes=(), oh=None, work=False,
            accident=False, third=False, damages=False, today=TODAY):
    return {item.key: item for item in expectations(first, last, reason, list(contacts), list(fit_notes), oh,
                                                    work, accident, third, damages, today, policy=COUNCIL)}


def test_ongoing_absence_contacts_on_days_1_4_and_8():
    items = _expect(D(2026, 11, 16), contacts=[D(2026, 11, 16), D(2026, 11, 20)])
    assert items["contact_day_1"].status == "done"
    assert items["contact_day_4"].status == "done"           # day 4 (Thu 19) made late on Fri 20: still done
    assert (items["contact_day_8"].due_on, items["contact_day_8"].status) == (D(2026, 11, 23), "due")


def test_a_contact_counts_for_one_day_only():
    items = _expect(D(2026, 11, 16), contacts=[D(2026, 11, 16)])
    assert items["contact_day_1"].status == "done"
    assert items["contact_day_4"].status == "overdue"


def test_short_absence_expects_only_the_contacts_inside_it():
    items = _expect(D(2026, 11, 16), D(2026, 11, 17), contacts=[D(2026, 11, 16)])
    assert set(items) == {"contact_day_1"}


def test_fit_note_needed_from_day_8_with_gaps_named():
    # off from Mon 2 Nov; days 1–7 self-certified (2–8 Nov); a note covers 9–15 Nov; nothing after
    items = _expect(D(2026, 11, 2), fit_notes=[(D(2026, 11, 9), D(2026, 11, 15))])
    assert items["fit_note"].status == "overdue"
    assert items["fit_note"].detail == "Not covered: 16 November 2026 to 23 November 2026"


def test_fit_notes_covering_everything_are_done():
    items = _expect(D(2026, 11, 2), fit_notes=[(D(2026, 11, 9), D(2026, 11, 20)), (D(2026, 11, 21), D(2026, 12, 4))])
    assert (items["fit_note"].status, items["fit_note"].detail) == ("done", "")


def test_fit_note_is_upcoming_in_the_first_week():
    assert _expect(D(2026, 11, 20))["fit_note"].status == "upcoming"


def test_no_fit_note_for_a_week_long_absence():
    assert "fit_note" not in _expect(D(2026, 11, 2), D(2026, 11, 8))


@pytest.mark.parametrize("reason", ["mental_health", "musculoskeletal", "back_neck"])
def test_oh_referral_at_once_for_stress_and_musculoskeletal(reason):
    items = _expect(D(2026, 11, 20), reason=reason)
    assert (items["oh_referral"].due_on, items["oh_referral"].status) == (D(2026, 11, 20), "overdue")
    assert _expect(D(2026, 11, 20), reason=reason, oh=D(2026, 11, 20))["oh_referral"].status == "done"


def test_oh_referral_for_other_reasons_after_four_weeks():
    assert "oh_referral" not in _expect(D(2026, 10, 27))            # 28 days to 23 Nov: not yet past 4 weeks
    items = _expect(D(2026, 10, 26))                                # 29 days
    assert (items["oh_referral"].due_on, items["oh_referral"].status) == (D(2026, 11, 23), "due")


def test_work_related_and_third_party_prompt_for_their_forms():
    items = _expect(D(2026, 11, 20), work=True, third=True)
    assert items["accident_report"].status == "overdue" and items["damages_agreement"].status == "overdue"
    done = _expect(D(2026, 11, 20), work=True, accident=True, third=True, damages=True)
    assert done["accident_report"].status == done["damages_agreement"].status == "done"


@pytest.mark.parametrize("start, end, notes, gaps", [
    (D(2026, 1, 8), D(2026, 1, 20), [], [(D(2026, 1, 8), D(2026, 1, 20))]),
    (D(2026, 1, 8), D(2026, 1, 20), [(D(2026, 1, 1), D(2026, 1, 31))], []),
    (D(2026, 1, 8), D(2026, 1, 20), [(D(2026, 1, 10), D(2026, 1, 12)), (D(2026, 1, 15), D(2026, 1, 16))],
     [(D(2026, 1, 8), D(2026, 1, 9)), (D(2026, 1, 13), D(2026, 1, 14)), (D(2026, 1, 17), D(2026, 1, 20))]),
])
def test_uncovered_days(start, end, notes, gaps):
    assert uncovered(start, end, notes) == gaps


@pytest.mark.parametrize("last_day, pattern, first_back, latest", [
    (D(2026, 11, 20), FULL_TIME, D(2026, 11, 23), D(2026, 11, 25)),   # Fri → Mon, 3rd day Wed
    (D(2026, 4, 2), FULL_TIME, D(2026, 4, 7), D(2026, 4, 9)),         # Thu before Easter → Tue after Easter Monday
    (D(2026, 12, 23), FULL_TIME, D(2026, 12, 24), D(2026, 12, 30)),   # 24, (25, 26/28 off), 29, 30
    (D(2026, 11, 19), TUE_THU, D(2026, 11, 24), D(2026, 11, 26)),     # Thu → next Tue, 3rd day Thu
])
def test_rtw_is_due_on_the_first_working_day_back(last_day, pattern, first_back, latest):
    due = rtw_due(last_day, pattern, COUNCIL.care)
    assert (due.first_day_back, due.ideal_by, due.latest_by) == (first_back, first_back, latest)


RTW_TODAY = D(2027, 1, 15)


@pytest.mark.parametrize("first_day, last_day, held_on, pattern, problem", [
    # off Mon 16 – Fri 20 Nov 2026; back Mon 23 (the weekend is not worked)
    (D(2026, 11, 16), D(2026, 11, 20), D(2026, 11, 13), FULL_TIME,
     "The interview cannot be before the absence began on 16 November 2026."),
    (D(2026, 11, 16), D(2026, 11, 20), D(2026, 11, 16), FULL_TIME,
     "16 November 2026 is a day of the absence (16 November 2026 to 20 November 2026): the interview is held "
     "once they are back, on or after 23 November 2026."),
    (D(2026, 11, 16), D(2026, 11, 20), D(2026, 11, 20), FULL_TIME,   # the last day off, e.g. by phone
     "20 November 2026 is a day of the absence (16 November 2026 to 20 November 2026): the interview is held "
     "once they are back, on or after 23 November 2026."),
    (D(2026, 11, 16), D(2026, 11, 20), D(2026, 11, 21), FULL_TIME,   # Sat 21: not back until Mon 23
     "They are back on 23 November 2026: the interview is held on or after that day."),
    (D(2026, 11, 16), D(2026, 11, 20), D(2026, 11, 23), FULL_TIME, None),   # Mon 23: working day 1 back
    (D(2026, 11, 16), D(2026, 11, 20), D(2026, 11, 25), FULL_TIME, None),   # Wed 25: day 3, the latest
    (D(2026, 11, 16), D(2026, 11, 20), D(2026, 11, 30), FULL_TIME, None),   # late, but they are back: recorded
    (D(2026, 11, 16), D(2026, 11, 20), D(2027, 1, 16), FULL_TIME,   # the day after RTW_TODAY
     "The interview date cannot be in the future."),
    # Tue/Wed/Thu worker off Tue 17 – Thu 19 Nov; Fri 20 and Mon 23 are not theirs: back Tue 24
    (D(2026, 11, 17), D(2026, 11, 19), D(2026, 11, 23), TUE_THU,
     "They are back on 24 November 2026: the interview is held on or after that day."),
    (D(2026, 11, 17), D(2026, 11, 19), D(2026, 11, 24), TUE_THU, None),
    # off Mon 30 Mar – Thu 2 Apr 2026; Good Friday 3 Apr and Easter Monday 6 Apr are bank holidays: back Tue 7
    (D(2026, 3, 30), D(2026, 4, 2), D(2026, 4, 6), FULL_TIME,
     "They are back on 7 April 2026: the interview is held on or after that day."),
    (D(2026, 3, 30), D(2026, 4, 2), D(2026, 4, 7), FULL_TIME, None),
])
def test_rtw_interview_is_held_once_they_are_back(first_day, last_day, held_on, pattern, problem):
    """Policy, part 2 paragraph 5: "Managers will conduct a Return to Work interview with all employees returning
    from sickness absences, ideally on their first day back and no later than the third day back except in
    exceptional circumstances." An interview is held with someone who has returned, so never on a day of the
    absence nor before their first working day back; a late one is still recorded (the report counts its days)."""
    assert rtw_date_problem(first_day, last_day, held_on, pattern, RTW_TODAY) == problem


@pytest.mark.parametrize("last_day, held_on, day", [
    (D(2026, 11, 20), D(2026, 11, 23), 1),   # the first day back
    (D(2026, 11, 20), D(2026, 11, 20), 1),   # by phone on the last day off counts as day 1
    (D(2026, 11, 20), D(2026, 11, 27), 5),   # Mon..Fri
    (D(2026, 11, 20), D(2026, 11, 30), 6),   # the next Monday: outside 5 working days
    (D(2026, 4, 2), D(2026, 4, 8), 2),       # Tue 7 (day 1, after Easter Monday), Wed 8 (day 2)
])
def test_rtw_day_number(last_day, held_on, day):
    assert rtw_day_number(last_day, held_on, FULL_TIME) == day


