"""The NHS ESR sickness reason codes in a feed: the shipped mapping onto the board report's categories, reading a
code in any case and spacing, the mapping given to the feed's reader, and refusing a code that is not on the list.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from casework.absence_feed import Staff, StoredAbsence, plan_feed, read_row
from casework.calendar import WorkingPattern
from casework.reason_codes import DEFAULT_MAPPING, ESR_CODES, complete_mapping, esr_code, mapping_problems
from casework.reasons import REASON_CATEGORIES

D = dt.date
ROW = {"absence_id": "AB1", "assignment_number": "A1", "first_day": "2026-03-02", "last_day": "2026-03-04",
       "reason_category": "S11", "reason_detail": "", "work_related": "N", "pregnancy_related": "N",
       "disability_related": "N", "rtw_date": "", "rtw_by_assignment_number": ""}
ANNA = Staff("anna", "A1", "Anna Able", D(2020, 1, 6), None, WorkingPattern())


def row(**values) -> dict:
    return {**ROW, **values}


def stored_as(code: str) -> StoredAbsence:
    """AB1 as stored: fed with `code` (one counting as "other") for 2 to 4 March."""
    return StoredAbsence("s1", "anna", "AB1", 1, {
        "first_day": D(2026, 3, 2), "last_day": D(2026, 3, 4), "reason_category": "other", "reason_detail": None,
        "work_related": False, "pregnancy_related": False, "disability_related": False, "reason_code": code})


# The README's table, written out by hand: each ESR code and the category it counts under as shipped.
@pytest.mark.parametrize("code, category", [
    ("S10", "mental_health"), ("S11", "back_neck"), ("S12", "musculoskeletal"), ("S13", "infections"),
    ("S14", "respiratory"), ("S15", "respiratory"), ("S16", "neurological"), ("S17", "other"), ("S18", "other"),
    ("S19", "heart_circulation"), ("S20", "other"), ("S21", "ent_dental"), ("S22", "ent_dental"),
    ("S23", "ent_dental"), ("S24", "other"), ("S25", "digestive"), ("S26", "genito_urinary"),
    ("S27", "infections"), ("S28", "musculoskeletal"), ("S29", "neurological"), ("S30", "pregnancy"),
    ("S31", "other"), ("S32", "other"), ("S98", "other"), ("S99", "other"),
])
def test_each_code_is_read_as_its_shipped_category_and_kept(code, category):
    read, errors = read_row(row(reason_category=code))
    assert errors == {}
    assert (read.values["reason_category"], read.values["reason_code"]) == (category, code)


def test_the_shipped_mapping_covers_every_esr_code_with_a_board_report_category():
    """25 codes: S10 to S32 (23) and S98, S99 (2)."""
    assert list(DEFAULT_MAPPING) == list(ESR_CODES) and len(ESR_CODES) == 25
    assert set(DEFAULT_MAPPING.values()) <= set(REASON_CATEGORIES)


@pytest.mark.parametrize("given, code", [
    ("S11", "S11"), (" s11 ", "S11"), ("s11", "S11"), ("\tS11\n", "S11"), ("S 11", "S11"), ("s99", "S99"),
    ("S1", None), ("S100", None), ("11", None), ("S33", None), ("S97", None), ("SII", None), ("", None),
])
def test_a_code_is_read_in_any_case_and_spacing(given, code):
    assert esr_code(given) == code


def test_a_code_is_read_through_the_mapping_given():
    """An administrator moved S28 (injury, fracture) from other musculoskeletal problems to back and neck."""
    changed = {**DEFAULT_MAPPING, "S28": "back_neck"}
    read, _ = read_row(row(reason_category=" s28 "), changed)
    assert (read.values["reason_category"], read.values["reason_code"]) == ("back_neck", "S28")
    read, _ = read_row(row(reason_category="S28"))
    assert read.values["reason_category"] == "musculoskeletal"


@pytest.mark.parametrize("given, category", [("stress", "mental_health"), ("back_neck", "back_neck"),
                                             ("Chest and respiratory", "respiratory")])
def test_casebooks_own_words_keep_no_code(given, category):
    read, _ = read_row(row(reason_category=given))
    assert (read.values["reason_category"], read.values["reason_code"]) == (category, None)


@pytest.mark.parametrize("mapping, column, category", [
    (DEFAULT_MAPPING, "N", "pregnancy"), (DEFAULT_MAPPING, "", "pregnancy"), (DEFAULT_MAPPING, "Y", "pregnancy"),
    ({**DEFAULT_MAPPING, "S30": "other"}, "N", "other"),
])
def test_s30_marks_the_absence_pregnancy_related_whatever_its_category(mapping, column, category):
    """Pregnancy-related absence never counts towards a trigger (Equality Act 2010 s18; issue 16, point 1): the
    code says the absence is pregnancy-related, so a feed leaving the column empty or N does not undo it."""
    read, _ = read_row(row(reason_category="S30", pregnancy_related=column), mapping)
    assert (read.values["reason_category"], read.values["pregnancy_related"]) == (category, True)


def test_other_codes_leave_the_pregnancy_column_as_given():
    assert read_row(row(reason_category="S26"))[0].values["pregnancy_related"] is False
    assert read_row(row(reason_category="S26", pregnancy_related="Y"))[0].values["pregnancy_related"] is True


def test_an_unknown_code_is_refused_with_every_accepted_code_and_category():
    read, errors = read_row(row(reason_category="S77"))
    assert read is None
    assert errors == {"reason_category": (
        "Unknown reason category 'S77': use an ESR sickness reason code (S10, S11, S12, S13, S14, S15, S16, S17, "
        "S18, S19, S20, S21, S22, S23, S24, S25, S26, S27, S28, S29, S30, S31, S32, S98, S99) or one of "
        "Casebook's categories (back_neck, musculoskeletal, mental_health, infections, neurological, "
        "genito_urinary, pregnancy, digestive, heart_circulation, respiratory, ent_dental, other).")}


def test_the_feed_reads_every_row_through_the_one_mapping_given():
    """Two rows of the batch, one mapping: S28 as changed, S10 as shipped."""
    rows = [row(reason_category="S28"), row(absence_id="AB2", first_day="2026-03-09", last_day="2026-03-09",
                                            reason_category="S10")]
    outcomes = plan_feed(rows, {"A1": ANNA}, [], D(2026, 3, 31), codes={**DEFAULT_MAPPING, "S28": "back_neck"})
    assert [(o.action, o.row.values["reason_category"], o.row.values["reason_code"]) for o in outcomes] == [
        ("created", "back_neck", "S28"), ("created", "mental_health", "S10")]


def test_a_stored_absence_fed_again_with_another_code_of_the_same_category_is_updated():
    """S98 and S99 both count as other: the category stays, the code kept changes."""
    stored = stored_as("S98")
    [outcome] = plan_feed([row(reason_category="S99")], {"A1": ANNA}, [stored], D(2026, 3, 31))
    assert (outcome.action, outcome.changes) == ("updated", {"reason_code": "S99"})
    [again] = plan_feed([row(reason_category="S98")], {"A1": ANNA}, [stored], D(2026, 3, 31))
    assert again.action == "unchanged"


def test_the_mapping_in_use_fills_what_is_not_stored_from_the_shipped_one():
    stored = {"S28": "back_neck", "S11": "no_such_category"}
    mapping = complete_mapping(stored)
    assert (mapping["S28"], mapping["S11"], mapping["S10"]) == ("back_neck", "back_neck", "mental_health")
    assert complete_mapping(None) == DEFAULT_MAPPING


@pytest.mark.parametrize("changes, problems", [
    ({"S28": "back_neck", "S10": "mental_health"}, {}),
    ({"S28": "bones"}, {"S28": "Choose one of the board report's categories for S28."}),
    ({"S28": ""}, {"S28": "Choose one of the board report's categories for S28."}),
    ({"S28": None}, {"S28": "Choose one of the board report's categories for S28."}),
    ({"S77": "other"}, {"S77": "S77 is not an ESR sickness reason code: use one of S10, S11, S12, S13, S14, S15, "
                               "S16, S17, S18, S19, S20, S21, S22, S23, S24, S25, S26, S27, S28, S29, S30, S31, "
                               "S32, S98, S99."}),
])
def test_a_mapping_change_is_refused_beside_each_code_it_cannot_save(changes, problems):
    assert mapping_problems(changes) == problems


def test_the_readmes_table_is_the_shipped_mapping():
    """The README shows the mapping as a table: each row's code, ESR's words and category key as shipped."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    rows = re.findall(r"^\| `(S\d\d)` \| ([^|]+) \| [^|]+ \(`(\w+)`\) \|$", readme, re.MULTILINE)
    assert rows == [(code, words, DEFAULT_MAPPING[code]) for code, words in ESR_CODES.items()]


@pytest.mark.parametrize("detail_known, guess, action", [
    (False, "S17", "unchanged"), (False, "S98", "unchanged"), (True, "S17", "updated"), (True, "S98", "unchanged"),
])
def test_without_medical_rights_a_guessed_code_of_the_same_category_reads_unchanged(detail_known, guess, action):
    """Stored as S98 (other known causes, "other"); S17 (cancers) is "other" too. A reader who may not know the
    employee's medical detail cannot learn the stored code by feeding guesses; the change is written all the
    same."""
    staff = {"A1": Staff("anna", "A1", "Anna Able", D(2020, 1, 6), None, WorkingPattern(), detail_known)}
    [outcome] = plan_feed([row(reason_category=guess)], staff, [stored_as("S98")],
                          D(2026, 3, 31))
    assert (outcome.action, outcome.writes) == (action, guess == "S17")
