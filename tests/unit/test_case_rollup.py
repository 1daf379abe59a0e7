"""The dashboards' kept roll-ups of the cases, worked by hand: which case keeps a mark and what it counts as, how
the roll-ups move when a mark changes, and what the dashboard reads from roll-ups, notably the changes of pay on
the edges of the 28-day window and a case with two days of one kind in it."""
from __future__ import annotations

import datetime as dt

import pytest

from documents.case_rollup import _rollups, counts, field_word, mark, pay_days, plain_word, rollup_writes
from services.reads.dashboard import case_tables, flags_waiting, pay_changes
from services.reads.dashboard_lists import Grouping

D = dt.datetime
TODAY = dt.date(2026, 3, 2)
CASE = {"_id": 1, "division": "Care", "manager_path": ["M1", "B1"], "kind": "STS", "stage": "formal_1",
        "status": "open", "paused": False, "flags": [], "tasks": []}
TITLES = {"STS": {"absence_support": "Support", "formal_1": "Formal 1"}, "LTS": {"lts_welfare": "Welfare"}}


FIRST_MARCH = D(2026, 3, 1)


def pay(kind, event_on=None, due_on=FIRST_MARCH, status="open"):
    return {"kind": kind, "status": status, "due_on": due_on, "event_on": event_on}


@pytest.mark.parametrize("changes, counted", [
    ({}, {"cases.STS|formal_1|open": 1}),                                              # open: one cell
    ({"paused": True}, {"cases.STS|formal_1|open": 1, "cases.STS|formal_1|paused": 1}),   # paused counts as open too
    ({"status": "monitoring"}, {"cases.STS|formal_1|monitoring": 1}),
    ({"status": "closed"}, None),                                                       # counts in nothing: no mark
    # closed with two open flags of one kind and a resolved one: the open ones still wait for HR
    ({"status": "closed", "flags": [{"kind": "wrong_stage"}, {"kind": "wrong_stage", "status": "open"},
                                    {"kind": "not_my_report", "status": "resolved"}]}, {"flags.wrong_stage": 2}),
    ({"stage": "a.b$c"}, {"cases.STS|a%2Eb%24c|open": 1}),                              # a key a field cannot hold
])
def test_a_case_counts_while_in_progress_or_flagged(changes, counted):
    row = mark({**CASE, **changes})
    assert (counts(row) if row else None) == counted


@pytest.mark.parametrize("tasks, days", [
    ([pay("half_pay", D(2026, 3, 20))], {"half_pay": ["2026-03-20"]}),
    ([pay("nil_pay", None, D(2026, 3, 6))], {"nil_pay": ["2026-03-20"]}),     # stored without event_on: 6 + 14 days
    ([pay("half_pay", D(2026, 3, 20), status="cancelled")], {}),             # cancelled: no change of pay
    ([pay("half_pay", D(2026, 3, 20), status="done")], {"half_pay": ["2026-03-20"]}),   # done: the day still comes
    ([pay("half_pay", D(2026, 3, 20)), pay("half_pay", D(2026, 3, 20))], {"half_pay": ["2026-03-20"]}),  # once a day
    ([pay("ssp_notice", D(2026, 3, 20))], {}),                                # not a change of pay
])
def test_the_days_of_a_case_s_changes_of_pay(tasks, days):
    assert pay_days(tasks) == days


@pytest.mark.parametrize("changes, counted", [
    # an open LTS case: its cell and its day
    ({}, {"cases.LTS|lts_welfare|open": 1, "pay.half_pay|2026-03-20": 1}),
    # closed: no change of pay counts
    ({"status": "closed"}, None),
    # two days 28 apart (20 Mar → 17 Apr) can fall in one window: a pair
    ({"tasks": [pay("half_pay", D(2026, 3, 20)), pay("half_pay", D(2026, 4, 17))]},
     {"cases.LTS|lts_welfare|open": 1, "pay.half_pay|2026-03-20": 1, "pay.half_pay|2026-04-17": 1,
      "pairs.half_pay|2026-03-20|2026-04-17": 1}),
    # 29 days apart (20 Mar → 18 Apr) never both in one window of 29 days (today … today + 28): no pair
    ({"tasks": [pay("half_pay", D(2026, 3, 20)), pay("half_pay", D(2026, 4, 18))]},
     {"cases.LTS|lts_welfare|open": 1, "pay.half_pay|2026-03-20": 1, "pay.half_pay|2026-04-18": 1}),
])
def test_an_open_long_term_case_counts_its_days_of_pay_and_close_pairs(changes, counted):
    case = {**CASE, "kind": "LTS", "stage": "lts_welfare", "tasks": [pay("half_pay", D(2026, 3, 20))], **changes}
    row = mark(case)
    assert (counts(row) if row else None) == counted


def test_the_roll_ups_move_by_the_difference_only():
    before, after = mark(CASE), mark({**CASE, "stage": "absence_support"})     # moved on from formal_1
    writes = {op._filter["_id"]: op._doc["$inc"] for op in rollup_writes([before], [after])}
    # each of the division's roll-up and the lines below M1 and B1: −1 at formal_1, +1 at absence_support
    moved = {"cases.STS|formal_1|open": -1, "cases.STS|absence_support|open": 1}
    assert writes == {"division|Care": moved, "line|Care|M1|M1": moved, "line|Care|B1|M1": moved}
    assert rollup_writes([before], [mark(CASE)]) == []


def test_a_field_word_reads_back_as_the_stage_key():
    for key in ("formal_1", "a.b", "$x", "50%.2E", "a|b%7C"):
        assert plain_word(field_word(key)) == key and not {".", "$", "|"} & set(field_word(key))


def _lts(key, *days):
    return mark({**CASE, "_id": key, "kind": "LTS", "stage": "lts_welfare",
                 "tasks": [pay("half_pay", D.combine(day, dt.time())) for day in days]})


@pytest.mark.parametrize("days, expected", [
    # the window is 2 Mar … 30 Mar (today + 28), both ends counted
    ([(dt.date(2026, 3, 2),)], (1, dt.date(2026, 3, 2))),                      # today: in
    ([(dt.date(2026, 3, 30),)], (1, dt.date(2026, 3, 30))),                    # today + 28: in
    ([(dt.date(2026, 3, 1),)], None),                                           # yesterday: out
    ([(dt.date(2026, 3, 31),)], None),                                          # today + 29: out
    # one case with two days in the window counts once, at the earlier: 2 days − 1 pair
    ([(dt.date(2026, 3, 3), dt.date(2026, 3, 30))], (1, dt.date(2026, 3, 3))),
    # its pair spans the window's end: only 3 Mar is in, so no pair to take off
    ([(dt.date(2026, 3, 3), dt.date(2026, 3, 31))], (1, dt.date(2026, 3, 3))),
    # two cases on the same day: 2
    ([(dt.date(2026, 3, 9),), (dt.date(2026, 3, 9),)], (2, dt.date(2026, 3, 9))),
])
def test_changes_of_pay_in_the_next_28_days_on_the_window_s_edges(days, expected):
    rollup = _rollups([_lts(n, *case_days) for n, case_days in enumerate(days)])["division|Care"]
    found = {row.group: (row.counts["half_pay"], row.earliest["half_pay"])
             for row in pay_changes([rollup], Grouping("division"), TODAY)}
    assert found == ({"Care": expected} if expected else {})


def test_the_cases_and_flags_read_from_roll_ups_by_division_and_by_line():
    marks = [mark(CASE), mark({**CASE, "_id": 2, "paused": True}),
             mark({**CASE, "_id": 3, "manager_path": ["B1"], "status": "monitoring",
                   "flags": [{"kind": "wrong_stage", "status": "open"}]}),
             mark({**CASE, "_id": 4, "status": "closed"})]                      # counts in nothing
    rollups = _rollups([row for row in marks if row])
    (sts, lts) = case_tables([rollups["division|Care"]], Grouping("division"), TITLES)
    # Care, formal_1: cases 1 and 2 open (2 paused), case 3 on monitoring
    assert (sts.groups, sts.stages, lts.groups) == (["Care"], ["absence_support", "formal_1"], [])
    cell = sts.cell("Care", "formal_1")
    assert (cell.open, cell.monitoring, cell.paused) == (2, 1, 1)
    # B1's lines: cases 1 and 2 through M1, case 3 B1's own report
    lines = [rollups[key] for key in ("line|Care|B1|M1", "line|Care|B1|B1")]
    (sts, _) = case_tables(lines, Grouping("line", "B1"), TITLES)
    assert sts.groups == ["B1", "M1"] and sts.cell("M1", "formal_1").open == 2
    assert sts.cell("B1", "formal_1").monitoring == 1
    assert flags_waiting(lines, Grouping("line", "B1")) == {("B1", "wrong_stage"): 1}


def test_counts_fallen_to_nought_show_no_group():
    rollup = {"_id": "division|Care", "division": "Care", "cases": {"STS|formal_1|open": 0},
              "flags": {"wrong_stage": 0}, "pay": {"half_pay|2026-03-09": 0}}
    assert [table.groups for table in case_tables([rollup], Grouping("division"), TITLES)] == [[], []]
    assert flags_waiting([rollup], Grouping("division")) == {}
    assert pay_changes([rollup], Grouping("division"), TODAY) == []
