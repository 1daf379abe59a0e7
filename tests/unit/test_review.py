"""Review periods and attendance targets (`casework.review`), on hand-worked dates.

Council policy, part 2, 8a: at the absence support meeting the manager and employee "discuss support,
improvements, targets, review period"; only absences that start inside the review period the meeting set count.
"""
from __future__ import annotations

import datetime as dt

import pytest

from casework.calendar import WorkingPattern
from casework.facts import AbsenceFacts
from casework.policy import Counting, load_preset
from casework.review import Target, review_figures, target_problems, target_text

D = dt.date
LTS = load_preset("council-2019").lts
FULL_TIME = WorkingPattern()
COUNTING = Counting(exclude_flags=("pregnancy_related",))


@pytest.mark.parametrize("target, words", [
    (Target(2, 5), "no more than 2 occasions and no more than 5 working days of sickness absence in the review period"),
    (Target(1, None), "no more than 1 occasion of sickness absence in the review period"),
    (Target(None, 1), "no more than 1 working day of sickness absence in the review period"),
    (Target(), ""),
])
def test_a_target_in_words(target, words):
    assert target.words() == words


@pytest.mark.parametrize("target, occasions, days, over", [
    (Target(2, None), 1, 1, []),                  # one one-day absence: a target of two kept
    (Target(2, None), 2, 9, []),                  # exactly on the target: kept ("no more than")
    (Target(2, None), 3, 3, ["3 occasions (target: no more than 2)"]),
    (Target(None, 5), 1, 6, ["6 working days (target: no more than 5)"]),
    (Target(0, 0), 1, 1, ["1 occasion (target: no more than 0)", "1 working day (target: no more than 0)"]),
])
def test_a_target_missed_or_kept(target, occasions, days, over):
    assert target.missed_by(occasions, days) == over


@pytest.mark.parametrize("target, problems", [
    (Target(), {"target_occasions"}),
    (Target(100, None), {"target_occasions"}),
    (Target(None, -1), {"target_days"}),
    (Target(0, 99), set()),
])
def test_target_problems(target, problems):
    assert set(target_problems(target)) == problems


def test_the_letters_state_the_target_then_anything_else_agreed():
    assert target_text(Target(1, 3), "Use the phone line by 8am.") == (
        "No more than 1 occasion and no more than 3 working days of sickness absence in the review period. "
        "Use the phone line by 8am.")
    assert target_text(Target(), "Words only") == "Words only"


# The meeting on Tuesday 24 February 2026 sets a review period to Tuesday 19 May 2026 (12 weeks).
MEETING, REVIEW = D(2026, 2, 24), D(2026, 5, 19)


@pytest.mark.parametrize("absences, as_of, expected", [
    # the absence of 17 February, before the meeting: not counted
    ([AbsenceFacts("a", D(2026, 2, 17), D(2026, 2, 17))], D(2026, 5, 20), (0, 0)),
    # on the day of the meeting: the period starts the day after
    ([AbsenceFacts("a", MEETING, MEETING)], D(2026, 5, 20), (0, 0)),
    # Thursday 2 to Tuesday 7 April 2026: Good Friday 3 April and Easter Monday 6 April are bank holidays in
    # England, so 2 and 7 April only: 2 working days
    ([AbsenceFacts("a", D(2026, 4, 2), D(2026, 4, 7))], D(2026, 5, 20), (1, 2)),
    # from Monday 18 May to Friday 22 May: starts inside, counted only to the review date (18, 19 May)
    ([AbsenceFacts("a", D(2026, 5, 18), D(2026, 5, 22))], D(2026, 5, 25), (1, 2)),
    # starting the day after the review date: outside
    ([AbsenceFacts("a", D(2026, 5, 20), D(2026, 5, 20))], D(2026, 5, 25), (0, 0)),
    # seen on 1 April while it goes on from Monday 30 March: 30, 31 March and 1 April so far
    ([AbsenceFacts("a", D(2026, 3, 30), None)], D(2026, 4, 1), (1, 3)),
    # a pregnancy-related absence is not counted
    ([AbsenceFacts("a", D(2026, 3, 4), D(2026, 3, 4), pregnancy_related=True)], D(2026, 5, 20), (0, 0)),
])
def test_only_absences_starting_in_the_review_period_count(absences, as_of, expected):
    found = review_figures(absences, MEETING, REVIEW, COUNTING, LTS, FULL_TIME, as_of)
    assert (found.occasions, found.working_days) == expected
    assert (found.start, found.end) == (D(2026, 2, 25), min(REVIEW, as_of))


def test_a_part_time_week_counts_only_its_own_days():
    # works Monday, Tuesday, Wednesday; off Monday 9 to Friday 13 March 2026: 3 of their working days
    pattern = WorkingPattern(("Mon", "Tue", "Wed"), "ENG", 0.6)
    found = review_figures([AbsenceFacts("a", D(2026, 3, 9), D(2026, 3, 13))], MEETING, REVIEW, COUNTING, LTS,
                           pattern, D(2026, 5, 20))
    assert (found.occasions, found.working_days) == (1, 3)
    assert found.words() == "1 occasion and 3 working days of absence from 25 February 2026 to 19 May 2026"
