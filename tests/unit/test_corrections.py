"""Corrections of a case's stage: what changes, each refusal by field, the reason required, and reading the
rows of a corrections file."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.corrections import NO_REASON, correct, missing_columns, read_row, words

D = dt.date
TODAY = D(2026, 3, 10)
KEYS = ("absence_support", "formal_1", "formal_2", "formal_3")
AT_FORMAL_1 = {"stage": "formal_1", "stage_started_on": D(2026, 2, 16), "warning_level": "first",
               "warning_expires_on": D(2026, 8, 15), "review_date": D(2026, 5, 11)}


def test_a_correction_lists_each_change_with_before_and_after():
    fixed = correct(AT_FORMAL_1, {"stage": "absence_support", "warning_level": None, "warning_expires_on": None},
                    "Migrated at the wrong stage", KEYS, TODAY)
    assert fixed.errors == {}
    assert fixed.changes == {"stage": ("formal_1", "absence_support"), "warning_level": ("first", None),
                             "warning_expires_on": (D(2026, 8, 15), None)}
    assert fixed.after["review_date"] == D(2026, 5, 11) and fixed.before == AT_FORMAL_1


def test_nothing_changing_needs_no_reason():
    same = correct(AT_FORMAL_1, {"stage": "formal_1", "review_date": D(2026, 5, 11)}, "", KEYS, TODAY)
    assert (same.changes, same.errors, same.refused) == ({}, {}, False)


@pytest.mark.parametrize("proposed, reason, errors", [
    ({"review_date": D(2026, 5, 18)}, "  ", {"reason": NO_REASON}),
    ({"stage": "formal_9"}, "typo", {"stage": "formal_9 is not a stage of this case's policy: use one of "
                                              "absence_support, formal_1, formal_2, formal_3."}),
    ({"stage_started_on": D(2026, 3, 11)}, "r", {"stage_started_on": "The stage cannot begin in the future."}),
    ({"stage_started_on": D(2025, 12, 31)}, "r", {"stage_started_on": "The stage cannot begin before the stage "
                                                                      "before it, which began on 5 January 2026."}),
    ({"warning_level": None}, "r", {"warning_level": "Give the warning's level (first or final), or no expiry "
                                                     "date."}),
    ({"warning_expires_on": None}, "r", {"warning_expires_on": "Give the date the first warning expires."}),
    ({"warning_expires_on": D(2026, 2, 16)}, "r", {
        "warning_expires_on": "The warning must expire after the stage began on 16 February 2026."}),
    ({"review_date": D(2026, 2, 13)}, "r", {"review_date": "The review date cannot be before the stage began on "
                                                           "16 February 2026."}),
    ({"stage": "formal_2", "review_date": D(2026, 1, 1)}, "", {
        "review_date": "The review date cannot be before the stage began on 16 February 2026.",
        "reason": NO_REASON}),
])
def test_each_refusal_is_named_by_its_field(proposed, reason, errors):
    assert correct(AT_FORMAL_1, proposed, reason, KEYS, TODAY, previous_started_on=D(2026, 1, 5)).errors == errors


def test_a_reason_longer_than_2000_characters_is_refused():
    assert correct(AT_FORMAL_1, {"stage": "formal_2"}, "x" * 2001, KEYS, TODAY).errors == {
        "reason": "Keep the reason to 2000 characters."}


@pytest.mark.parametrize("header, missing", [
    (["case_id", "stage", "reason"], []),
    (["assignment_number", "case_type", "stage", "reason"], []),
    (["assignment_number", "stage", "reason"], ["case_type"]),
    (["stage", "review_date"], ["case_id (or assignment_number and case_type)", "reason"]),
])
def test_a_file_names_its_case_and_carries_a_reason(header, missing):
    assert missing_columns(header) == missing


def test_reading_a_row_empty_leaves_none_clears():
    row, errors = read_row({"assignment_number": " A00012 ", "case_type": "sts", "stage": "absence_support",
                            "stage_started_on": "", "warning_level": "NONE", "warning_expires_on": "none",
                            "review_date": "2026-04-01", "reason": " Stage known to HR "})
    assert errors == {}
    assert (row.key, row.case_type, row.reason) == ("A00012 STS", "STS", "Stage known to HR")
    assert row.proposed == {"stage": "absence_support", "warning_level": None, "warning_expires_on": None,
                            "review_date": D(2026, 4, 1)}


@pytest.mark.parametrize("row, errors", [
    ({"stage": "formal_1"}, {"case_id": "Give the case_id, or the assignment_number and case_type."}),
    ({"assignment_number": "A1", "case_type": "ST"}, {"case_type": "Give the case_type: STS or LTS."}),
    ({"case_id": "c1", "review_date": "1/4/2026"}, {
        "review_date": "Enter a date as YYYY-MM-DD, for example 2026-03-02 (not 1/4/2026)."}),
    ({"case_id": "c1", "warning_level": "second"}, {"warning_level": "The warning is first, final or none "
                                                                     "(not second)."}),
    ({"case_id": "c1", "stage": "none"}, {"stage": "The stage cannot be emptied."}),
    ({"case_id": "c1", None: ["extra"]}, {"row": "This row has more cells than the header: put text containing "
                                                 "commas in quotes."}),
])
def test_a_row_is_refused_field_by_field(row, errors):
    assert read_row(row)[1] == errors


def test_values_in_words():
    assert [words(None), words(""), words(D(2026, 3, 2)), words("formal_1")] == [
        "none", "none", "2 March 2026", "formal_1"]
