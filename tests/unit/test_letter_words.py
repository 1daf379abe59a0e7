"""The words letters put to the employee: why the stage was reached, the notice a dismissal gives and whom an
appeal is written to, as human sentences."""
from __future__ import annotations

import pytest

from casework.letter_words import OUTCOME_WORDS, appeal_write_to, notice_words, trigger_words
from casework.workflow import OUTCOMES

ROWS = [{"first_day": "4 February 2026", "working_days": 3}, {"first_day": "13 May 2026", "working_days": 1},
        {"first_day": "14 October 2026", "working_days": 1}]


@pytest.mark.parametrize("windows, rows, words", [
    ([{"from": "2025-11-03", "to": "2026-11-02", "months": 12, "weeks": None, "occasions": 6, "working_days": 14,
       "fte_days": 14.0, "bradford": 504}], ROWS,
     "6 occasions of sickness absence, with 14 working days lost, in the 12 months to 2 November 2026"),
    ([{"to": "2026-11-02", "months": 12, "occasions": 1, "working_days": 1},
      {"to": "2026-11-02", "weeks": 26, "occasions": 3, "working_days": 6}], ROWS,
     "1 occasion of sickness absence, with 1 working day lost, in the 12 months to 2 November 2026; and 3 occasions "
     "of sickness absence, with 6 working days lost, in the 26 weeks to 2 November 2026"),
    # a lapsed warning kept beside the figures is not a window; a stage HR moved on keeps no figures
    ([{"lapsed_warning": "first", "lapsed_on": "2026-01-01", "referable_until": "2028-01-01"}], ROWS,
     "3 occasions of sickness absence, with 5 working days lost, between 4 February 2026 and 14 October 2026"),
    ([], ROWS[:1], "1 occasion of sickness absence, with 3 working days lost, on 4 February 2026"),
    ([], [], ""),
])
def test_why_the_stage_was_reached_in_words(windows, rows, words):
    """Issue 15: "No system wording in letters. C1 today says '…reached a trigger point…: Open a short-term case
    at Absence support meeting: 6 occasions…'; it must be human sentences."""
    assert trigger_words(windows, rows) == words


@pytest.mark.parametrize("weeks, in_lieu, words", [
    (12, False, "12 weeks’ notice"), (12, True, "12 weeks’ pay in lieu of notice"), (1, False, "1 week’s notice")])
def test_the_notice_of_a_dismissal_in_words(weeks, in_lieu, words):
    assert notice_words(weeks, in_lieu) == words


@pytest.mark.parametrize("name, title, words", [
    ("Dee Director", "Director of Community Care", "Dee Director, Director of Community Care"),
    ("Dee Director", "", "Dee Director"), ("", "", "your Director")])
def test_an_appeal_is_written_to_the_employee_s_director(name, title, words):
    """Part 2, 8f: "All appeals must be made in writing, giving reasons, to the employee's Director within 2
    working weeks of receiving written notification of outcome(s)"."""
    assert appeal_write_to(name, title) == words


def test_every_outcome_has_words_for_the_employee():
    """Issue 15: "No system wording in letters": C8's "The outcome is: …" says it in words for the employee,
    never the outcome form's label ("Another outcome (no dismissal), with a review period")."""
    assert set(OUTCOME_WORDS) == set(OUTCOMES)
    assert [key for key, words in OUTCOME_WORDS.items() if words == OUTCOMES[key].label or "(" in words] == []
