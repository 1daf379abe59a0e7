"""Dates in feed files: ISO or UK day-first, a month-first date refused, never misread."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from casework.feed_dates import DAY_FIRST, DateOrder, date_order, feed_date
from casework.feed_files import NotADate

D = dt.date
AMERICAN = DateOrder("02/13/2026")   # a file with a date that reads only month first


@pytest.mark.parametrize("given, order, day", [
    ("2026-03-09", DAY_FIRST, D(2026, 3, 9)),           # ISO
    (" 2026-03-09 ", DAY_FIRST, D(2026, 3, 9)),         # spaces round it
    ("09/03/2026", DAY_FIRST, D(2026, 3, 9)),           # dd/mm/yyyy: 9 March
    ("9/3/2026", DAY_FIRST, D(2026, 3, 9)),             # d/m/yyyy: 9 March
    ("31/12/2025", DAY_FIRST, D(2025, 12, 31)),         # day 31 > 12: only day-first
    ("13/02/2026", AMERICAN, D(2026, 2, 13)),           # 13 > 12 cannot be a month: day-first even there
    ("03/03/2026", AMERICAN, D(2026, 3, 3)),            # day = month: the same date either way
    ("2026-03-09", AMERICAN, D(2026, 3, 9)),            # ISO is never ambiguous
    ("29/02/2028", DAY_FIRST, D(2028, 2, 29)),          # a leap day
    ("", DAY_FIRST, None), (None, DAY_FIRST, None), ("  ", DAY_FIRST, None),
])
def test_dates_read(given, order, day):
    assert feed_date(given, order) == day


@pytest.mark.parametrize("given, order, message", [
    # 02/13/2026: 13 cannot be a month, so only month-first reads it (13 February): refused, with both ways to fix
    ("02/13/2026", DAY_FIRST, "'02/13/2026' reads month first (there is no month 13): write the day first, "
                              "13/02/2026, or as 2026-02-13."),
    ("2/28/2026", DAY_FIRST, "'2/28/2026' reads month first (there is no month 28): write the day first, "
                             "28/02/2026, or as 2026-02-28."),
    # in a month-first file 03/09/2026 is 3 September day-first but 9 March month-first: refused, both spelled out
    ("03/09/2026", AMERICAN, "'03/09/2026' could be either date: this file writes other dates month first (as "
                             "'02/13/2026'). Write it as 2026-09-03 if it is 3 September, or 2026-03-09 if it is "
                             "9 March."),
    # neither reading is a date (no month 13, no 30 February): not a date
    ("02/30/2026", DAY_FIRST, "'02/30/2026' is not a date: write it as DD/MM/YYYY (day first, as 09/03/2026) or "
                              "YYYY-MM-DD."),
    ("31/02/2026", DAY_FIRST, "'31/02/2026' is not a date"),
    ("9/3/26", DAY_FIRST, "'9/3/26' is not a date"),                     # a two-digit year
    ("09.03.2026", DAY_FIRST, "'09.03.2026' is not a date"),
    ("2026-3-9", DAY_FIRST, "'2026-3-9' is not a date"),
    ("2026-02-30", DAY_FIRST, "'2026-02-30' is not a date"),
    ("yesterday", DAY_FIRST, "'yesterday' is not a date"),
    ("\u0660\u0669/03/2026", DAY_FIRST, "'\u0660\u0669/03/2026' is not a date"),   # Arabic-Indic digits
    ("01/01/1899", DAY_FIRST, "'01/01/1899' is too far away: use a date from 1900-01-01 to 2200-12-31."),
])
def test_dates_refused(given, order, message):
    with pytest.raises(NotADate, match="^" + re.escape(message)):
        feed_date(given, order)


@pytest.mark.parametrize("rows, order", [
    ([{"first_day": "09/03/2026"}, {"first_day": "2026-03-10", "last_day": ""}], DAY_FIRST),
    # 31/01 reads only day-first: no sign of month-first
    ([{"first_day": "31/01/2026"}, {"first_day": "03/09/2026"}], DAY_FIRST),
    # row 2's last_day 2/13/2026 reads only month-first: the file is month-first, that cell its example
    ([{"first_day": "03/09/2026"}, {"first_day": "2/12/2026", "last_day": " 2/13/2026 "}], DateOrder("2/13/2026")),
    # a column not asked about does not count; nor does a cell that is no date either way (02/30)
    ([{"notes": "02/13/2026", "first_day": "02/30/2026"}], DAY_FIRST),
    ([], DAY_FIRST),
])
def test_the_file_order(rows, order):
    assert date_order(rows, ("first_day", "last_day")) == order
