"""The kept tallies of open tasks, worked by hand: which tally a row counts in, how the tallies move when rows
change, what the badge reads from them (open, and overdue before today), and who may see a record read by its id
alone (`may_see`, the scope `scope_filter` sends to the database, checked in Python)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from types import SimpleNamespace

import pytest

from documents.scope import may_see
from documents.task_tally import open_and_overdue_of, recounted, tally_key, tally_writes
from services.reads.task_pages import day_counts, page_days, page_number

DEC1, DEC2, DEC3 = (dt.datetime(2026, 12, day) for day in (1, 2, 3))
BEA_CARE = {"assignee": "bea@x.org", "division": "Care"}


@pytest.mark.parametrize("row, key", [
    ({**BEA_CARE, "due_on": DEC1}, "bea@x.org|Care"),
    ({"assignee": "hr:Care", "division": "Care", "due_on": DEC1}, "hr:Care|Care"),      # an HR queue
    ({"assignee": "bea@x.org", "due_on": DEC1}, "bea@x.org|"),                          # no division on the row
    ({"assignee": "bea@x.org", "division": None, "due_on": DEC1}, "bea@x.org|"),
])
def test_a_row_counts_in_the_tally_of_its_holder_and_division(row, key):
    assert tally_key(row)[0] == key


def test_the_tallies_move_by_the_difference_only():
    """Rows before: 1 Dec and 2 Dec; after: 2 Dec and 3 Dec (the task due 1 Dec done, one due 3 Dec added): 1 Dec −1,
    2 Dec unchanged (−1 +1 = 0, not written), 3 Dec +1."""
    before = [{**BEA_CARE, "due_on": DEC1}, {**BEA_CARE, "due_on": DEC2}]
    after = [{**BEA_CARE, "due_on": DEC2}, {**BEA_CARE, "due_on": DEC3}]
    (write,) = tally_writes(before, after)
    assert write._filter == {"_id": "bea@x.org|Care"}
    assert write._doc["$inc"] == {"days.2026-12-01": -1, "days.2026-12-03": 1}
    assert write._doc["$setOnInsert"] == {"assignee": "bea@x.org", "division": "Care"}


def test_rows_written_again_unchanged_move_nothing():
    rows = [{**BEA_CARE, "due_on": DEC1}]
    assert tally_writes(rows, rows) == []


def test_a_recount_counts_each_holder_s_rows_by_day():
    """3 rows of Bea in Care (two due 1 Dec), 1 of HR's queue: {Bea|Care: 1 Dec 2, 2 Dec 1; hr:Care|Care: 3 Dec 1}."""
    rows = [{**BEA_CARE, "due_on": DEC1}, {**BEA_CARE, "due_on": DEC1}, {**BEA_CARE, "due_on": DEC2},
            {"assignee": "hr:Care", "division": "Care", "due_on": DEC3}]
    assert recounted(rows) == {"bea@x.org|Care": {"2026-12-01": 2, "2026-12-02": 1},
                               "hr:Care|Care": {"2026-12-03": 1}}


@pytest.mark.parametrize("today, expected", [
    # Bea: 1 Dec ×2, 2 Dec ×1 (and a day counted back to 0); her queue: 3 Dec ×4. Open 2 + 1 + 4 = 7.
    (dt.date(2026, 12, 1), (7, 0)),       # nothing due before 1 Dec
    (dt.date(2026, 12, 2), (7, 2)),       # the two due 1 Dec
    (dt.date(2026, 12, 3), (7, 3)),       # 2 + 1 (due today is not overdue)
    (dt.date(2026, 12, 4), (7, 7)),       # everything
])
def test_the_badge_counts_open_and_overdue_from_the_tallies(today, expected):
    tallies = [{"days": {"2026-12-01": 2, "2026-12-02": 1, "2026-11-30": 0}}, {"days": {"2026-12-03": 4}}]
    assert open_and_overdue_of(tallies, today) == expected


def _user(roles, assignment_number=None, hr_divisions=()):
    return SimpleNamespace(is_authenticated=True, roles=roles, assignment_number=assignment_number,
                           hr_divisions=list(hr_divisions), has_role=lambda *wanted: any(r in roles for r in wanted))


ANN = SimpleNamespace(division="Care", manager_path=["M1", "B1"])


@pytest.mark.parametrize("user, seen", [
    (_user(["admin"]), True),
    (_user(["support"]), True),
    (_user(["manager"], "M1"), True),                                 # her supervisor
    (_user(["manager"], "B1"), True),                                 # above him
    (_user(["manager"], "X9"), False),                                # another line
    (_user(["manager"]), False),                                      # a manager without an assignment
    (_user(["hr"], hr_divisions=["Care"]), True),
    (_user(["hr"], hr_divisions=["Estates"]), False),
    (_user(["hr"]), False),                                           # HR without divisions
    (_user(["hr", "manager"], "X9", ["Care"]), True),                 # the union: her division
    (_user(["hr", "manager"], "B1", ["Estates"]), True),              # the union: her line
    (_user(["employee"]), False),
    (SimpleNamespace(is_authenticated=False), False),
    (None, False),
])
def test_may_see_decides_as_the_scope_filter(user, seen):
    assert may_see(user, ANN) is seen


# Due days and rows: 1 Dec 3 rows, 2 Dec 1, 4 Dec 2 (6 rows); pages of 2.
DAYS = Counter({"2026-12-01": 3, "2026-12-02": 1, "2026-12-04": 2})


@pytest.mark.parametrize("number, size, spanned", [
    (1, 2, ("2026-12-01", "2026-12-01", 0)),     # rows 0–1: both of 1 Dec
    (2, 2, ("2026-12-01", "2026-12-02", 2)),     # rows 2–3: 1 Dec's third (2 before it), 2 Dec's
    (3, 2, ("2026-12-04", "2026-12-04", 0)),     # rows 4–5: 4 Dec's two
    (4, 2, None),                                # past the end
    (1, 10, ("2026-12-01", "2026-12-04", 0)),    # everything on one page
    (2, 4, ("2026-12-04", "2026-12-04", 0)),     # rows 4–7: 4 Dec's (only 6 rows)
])
def test_a_page_spans_the_due_days_its_rows_fall_on(number, size, spanned):
    assert page_days(DAYS, number, size) == spanned


def test_no_tally_no_page():
    assert page_days(Counter(), 1, 20) is None


@pytest.mark.parametrize("asked, expected", [(None, 1), ("2", 2), ("9", 3), ("0", 1), ("x", 1)])
def test_the_page_asked_for_or_the_nearest(asked, expected):
    assert page_number(asked, 6, 2) == expected       # 6 rows, 2 a page: 3 pages


def test_the_days_counted_skip_noughts_and_keep_only_the_days_asked():
    tallies = [{"days": {"2026-12-01": 2, "2026-12-02": 0}}, {"days": {"2026-12-01": 1, "2026-12-05": 4}}]
    assert day_counts(tallies) == {"2026-12-01": 3, "2026-12-05": 4}
    assert day_counts(tallies, lambda iso: iso < "2026-12-03") == {"2026-12-01": 3}     # the overdue on 3 Dec
