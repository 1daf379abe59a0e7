"""The kept return-to-work rows and tallies, worked by hand: which absence keeps a row, which tallies it counts in,
how the tallies move when rows change, what a tally counts before a day, and how a user's scope splits into parts
that share no row."""
from __future__ import annotations

import datetime as dt

import pytest

from documents.rtw_due import RtwTally, _row, _tally_keys, _tally_writes
from documents.scope import scope_parts

JAN = dt.datetime(2026, 1, 5)
ANN = {"first_name": "Ann", "last_name": "Able", "assignment_number": "A1", "division": "Care",
       "manager_path": ["M1", "B1"]}


@pytest.mark.parametrize("absence, kept", [
    ({"_id": 1, "employee": "e", "first_day": JAN, "last_day": JAN}, True),                 # ended, no interview
    ({"_id": 1, "employee": "e", "first_day": JAN, "last_day": None}, False),               # still going on
    ({"_id": 1, "employee": "e", "first_day": JAN, "last_day": JAN, "rtw": {"held_on": JAN}}, False),   # held
    ({"_id": 1, "employee": "e", "first_day": JAN, "last_day": JAN, "rtw": {}}, True),      # no day held on
])
def test_an_absence_keeps_a_row_while_it_has_ended_without_an_interview(absence, kept):
    row = _row(absence, {"e": ANN})
    assert (row is not None) == kept
    if kept:
        assert row == {"_id": 1, "employee": "e", "first_day": JAN, "last_day": JAN, **ANN}


def test_a_row_of_someone_no_longer_on_record_counts_in_no_tally():
    row = _row({"_id": 1, "employee": "gone", "first_day": JAN, "last_day": JAN}, {"e": ANN})
    assert row == {"_id": 1, "employee": "gone", "first_day": JAN, "last_day": JAN}
    assert _tally_keys(row) == []


@pytest.mark.parametrize("person, keys", [
    # Ann reports to M1, who reports to B1: M1's own reports (group M1), B1's line through M1 (group M1)
    (ANN, ["division|Care", "line|Care|M1|M1", "line|Care|B1|M1"]),
    ({**ANN, "manager_path": ["M1", "B1", "G1"]},                         # one more above: G1's line through B1
     ["division|Care", "line|Care|M1|M1", "line|Care|B1|M1", "line|Care|G1|B1"]),
    ({**ANN, "manager_path": []}, ["division|Care"]),                   # at the top: below no one
])
def test_a_row_counts_in_its_division_s_tally_and_in_a_line_below_each_supervisor(person, keys):
    assert [key for key, _ in _tally_keys({"last_day": JAN, **person})] == keys


def test_the_tallies_move_by_the_difference_only():
    moved = {**ANN, "_id": 1, "last_day": JAN + dt.timedelta(days=1)}     # the last day moved from 5 to 6 Jan
    writes = {op._filter["_id"]: op._doc["$inc"] for op in _tally_writes([{**ANN, "_id": 1, "last_day": JAN}],
                                                                          [moved])}
    # each tally: −1 on 5 Jan, +1 on 6 Jan
    assert writes == {"division|Care": {"days.2026-01-05": -1, "days.2026-01-06": 1},
                      "line|Care|M1|M1": {"days.2026-01-05": -1, "days.2026-01-06": 1},
                      "line|Care|B1|M1": {"days.2026-01-05": -1, "days.2026-01-06": 1}}
    assert _tally_writes([{**ANN, "_id": 1, "last_day": JAN}], [{**ANN, "_id": 1, "last_day": JAN}]) == []


@pytest.mark.parametrize("days, day, expected", [
    ({"2026-01-05": 2, "2026-01-07": 1}, dt.date(2026, 1, 8), (3, dt.date(2026, 1, 5))),   # 2 + 1, all before
    ({"2026-01-05": 2, "2026-01-07": 1}, dt.date(2026, 1, 7), (2, dt.date(2026, 1, 5))),   # 7 Jan is not before
    ({"2026-01-05": 0, "2026-01-07": 1}, dt.date(2026, 1, 8), (1, dt.date(2026, 1, 7))),   # a day counted down to 0
    ({"2026-01-09": 4}, dt.date(2026, 1, 8), (0, None)),                                      # still to come
])
def test_a_tally_counts_the_last_days_before_a_day(days, day, expected):
    assert RtwTally(key="k", level="division", division="Care", days=days).before(day) == expected


def _user(roles, number=None, divisions=()):
    return type("Someone", (), {"assignment_number": number, "hr_divisions": list(divisions), "is_authenticated": True,
                                "has_role": lambda self, *wanted: bool(set(wanted) & set(roles))})()


@pytest.mark.parametrize("user, parts", [
    (_user(["admin"]), [{}]),                                                     # everything
    (_user(["support"]), [{}]),
    (_user(["hr"], divisions=["Care", "Acute"]), [{"division": "Acute"}, {"division": "Care"}]),   # one a division
    (_user(["manager"], "B1"), [{"manager_path": "B1"}]),
    (_user(["manager"]), []),                                                     # a manager with no number
    (_user(["manager", "hr"], "B1", ["Care"]), None),                             # a union: the caller's scope_filter
    (None, []),
])
def test_a_scope_splits_into_parts_that_share_no_row(user, parts):
    assert scope_parts(user) == parts
