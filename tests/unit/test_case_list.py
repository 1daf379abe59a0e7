"""HR's case list filters (issue 19 point 4), worked by hand: which values are left out with which message, and the
raw filter the overdue, warning and review filters send (each a dotted field an index serves)."""
from __future__ import annotations

import datetime as dt

import pytest

from services.reads.case_list import filter_problems, narrowing

DIVISIONS = ["Surgery", "Medicine"]
TUESDAY = dt.date(2026, 3, 3)
MIDNIGHT = dt.datetime(2026, 3, 3)


@pytest.mark.parametrize("asked, problems", [
    ({}, {}),
    ({"kind": "STS", "stage": "lts_welfare", "status": "monitoring", "division": "Surgery", "review": "56",
      "overdue": "1", "warning": "1", "paused": "0", "pay": "nil_pay", "flag": "not_my_report"}, {}),  # all good
    ({"kind": "sts"}, {"kind": "Choose short-term or long-term."}),                   # keys are upper case
    ({"stage": "lts_redeployment"}, {}),            # an older policy's stage: still a stage the list may hold
    ({"stage": "Formal 1"}, {"stage": "Choose a stage of the policy in use."}),       # not a stage's key
    ({"status": "asleep", "division": "Elsewhere"},
     {"status": "Choose open, continued monitoring or closed.", "division": "Choose one of your divisions."}),
    ({"review": "9", "overdue": "yes"}, {"review": "Choose 2, 4 or 8 weeks.", "overdue": "Tick the box or leave it."}),
    ({"q": "=cmd", "manager": "{$gt: ''}"}, {}),            # free text: looked up, never a choice
])
def test_a_value_not_among_its_filter_s_choices_is_named(asked, problems):
    assert filter_problems(asked, DIVISIONS) == problems


def test_overdue_warning_and_review_are_ranges_of_indexed_fields():
    within_28 = {"$gte": MIDNIGHT, "$lte": dt.datetime(2026, 3, 31)}                  # 3 March + 28 days
    assert narrowing(TUESDAY, {"overdue": "1", "warning": "1", "review": "28"}) == {
        "next_due_on": {"$lt": MIDNIGHT}, "warning_until": {"$gte": MIDNIGHT}, "review_ends_on": within_28}
    assert narrowing(TUESDAY, {"kind": "STS"}) == {}
