"""The words of a policy that still state a changed number, and those words renumbered (casework.policy_wording)."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.policy_timeline import Scheduled, in_force, still_to_come
from casework.policy_wording import mentions, number_words, renumbered


@pytest.mark.parametrize("text, number, expected", [
    ("4 or more occasions in 12 months", 4, 1),
    ("4 or more occasions in 12 months", 12, 1),
    ("4 or more occasions in 12 months", 1, 0),          # the 1 of 12 is not a number of its own
    ("4 or more occasions in 12 months", 2, 0),
    ("1.5 working weeks in 12 months", 1.5, 1),
    ("1.5 working weeks in 12 months", 5, 0),            # the 5 of 1.5 neither
    ("1.5 working weeks in 12 months", 1, 0),
    ("Bradford score 20 to 50 in 52 weeks", 20, 1),
    ("12 months, reviewed after 12 weeks", 12, 2),
    ("a 12-month window", 12, 1),
])
def test_mentions_counts_whole_numbers_only(text, number, expected):
    assert mentions(text, number) == expected


@pytest.mark.parametrize("text, changes, expected", [
    # revision 2 of issue 19: threshold 4 → 3 left "4 or more occasions" above "Threshold 3"
    ("4 or more occasions in 12 months", {4: 3}, "3 or more occasions in 12 months"),
    ("4 or more occasions in 12 months", {4: 3, 12: 6}, "3 or more occasions in 6 months"),
    # both at once, not one after the other: 4 → 12 then 12 → 6 would give "6 … 6"
    ("4 or more occasions in 12 months", {4: 12, 12: 6}, "12 or more occasions in 6 months"),
    ("Bradford score 51 or more in 52 weeks", {51: 60}, "Bradford score 60 or more in 52 weeks"),
    ("1.5 working weeks in 12 months", {1.5: 2}, "2 working weeks in 12 months"),
    ("2 working weeks in 12 months", {2: 2.5}, "2.5 working weeks in 12 months"),
    ("12 months, reviewed after 12 weeks", {12: 6}, None),    # which 12? not certain
    ("Any back or neck absence is referred", {4: 6}, None),  # states no number that changed
])
def test_renumbered_replaces_each_old_number_once(text, changes, expected):
    assert renumbered(text, changes) == expected


@pytest.mark.parametrize("number, words", [(4, "4"), (4.0, "4"), (2.5, "2.5"), (0.25, "0.25")])
def test_number_words(number, words):
    assert number_words(number) == words


AT = dt.datetime(2026, 12, 3, 9, 0)
MARCH = Scheduled("council-2019", 3, dt.date(2027, 3, 1), AT)
APRIL = Scheduled("bradford", 2, dt.date(2027, 4, 1), AT)
APRIL_LATER = Scheduled("council-2019", 4, dt.date(2027, 4, 1), AT + dt.timedelta(hours=1))
ACTIVE = ("council-2019", 2)


@pytest.mark.parametrize("scheduled, day, expected", [
    ([], dt.date(2027, 3, 1), ACTIVE),
    ([MARCH], dt.date(2027, 2, 28), ACTIVE),                          # the day before it takes effect
    ([MARCH], dt.date(2027, 3, 1), ("council-2019", 3)),             # from its first day
    ([MARCH, APRIL], dt.date(2027, 3, 31), ("council-2019", 3)),
    ([MARCH, APRIL], dt.date(2027, 4, 1), ("bradford", 2)),          # the latest start reached wins
    ([APRIL_LATER, APRIL, MARCH], dt.date(2027, 4, 1), ("council-2019", 4)),   # same day: scheduled later wins
])
def test_in_force_on_a_day(scheduled, day, expected):
    assert in_force(ACTIVE, scheduled, day) == expected


def test_still_to_come_is_soonest_first_and_leaves_out_those_started():
    assert still_to_come([APRIL, MARCH], dt.date(2027, 3, 1)) == [APRIL]     # March starts on the day itself
    assert still_to_come([APRIL, MARCH], dt.date(2027, 2, 1)) == [MARCH, APRIL]
