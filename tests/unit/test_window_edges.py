"""Why the team pages' trigger states are evaluated from the absences and not from the kept monthly figures: a
rolling window starts on a day inside a month and counts the absences overlapping it, so absences the kept months
cannot tell apart (the same month, the same working days lost, one occasion begun) fall on either side of its
first day and give different trigger figures."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.board_report import AbsenceRow, Person
from casework.calendar import WorkingPattern
from casework.facts import AbsenceFacts
from casework.figures import figures
from casework.month_figures import month_figures
from casework.policy import load_preset

D = dt.date
COUNCIL = load_preset("council-2019")
TRIGGER = COUNCIL.triggers[0]
AS_OF = D(2026, 6, 17)             # a 12-month window from 18 June 2025 to 17 June 2026
PERSON = Person("p", "Care", "Nursing", 1.0)


@pytest.mark.parametrize("outside, inside, occasions, days", [
    # one day each, a fortnight apart in June 2025: Tue 10 June is before the window, Tue 24 June in it
    ((D(2025, 6, 10), D(2025, 6, 10)), (D(2025, 6, 24), D(2025, 6, 24)), 1, 1),
    # the day before the window's first day against its first day: Tue 17 June out, Wed 18 June in
    ((D(2025, 6, 17), D(2025, 6, 17)), (D(2025, 6, 18), D(2025, 6, 18)), 1, 1),
    # Mon–Thu 2–5 June 2025 ends before the window; Mon–Thu 16–19 June overlaps it (18 and 19 June: 2 days in it)
    ((D(2025, 6, 2), D(2025, 6, 5)), (D(2025, 6, 16), D(2025, 6, 19)), 1, 2),
])
def test_absences_the_kept_months_hold_alike_count_differently_in_a_rolling_window(outside, inside, occasions,
                                                                                     days):
    kept = [month_figures(PERSON, [AbsenceRow("p", first, last, "infections")], AS_OF, COUNCIL.lts)
            for first, last in (outside, inside)]
    assert kept[0] == kept[1]           # the same kept month: June 2025, the same days lost, one occasion begun
    found = [figures([AbsenceFacts("a", first, last, "infections")], TRIGGER.window, TRIGGER.counting, COUNCIL.lts,
                     WorkingPattern(), AS_OF) for first, last in (outside, inside)]
    assert (found[0].occasions, found[0].working_days) == (0, 0)
    assert (found[1].occasions, found[1].working_days) == (occasions, days)
