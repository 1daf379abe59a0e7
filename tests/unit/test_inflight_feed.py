"""Reading in-flight cases and planning a migration: each refusal by row and field, repeats, idempotence."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.inflight_feed import (
    COLUMNS,
    NO_OPEN_ABSENCE,
    Person,
    StoredCase,
    audited_row,
    counts,
    missing_columns,
    plan_inflight,
    read_row,
    refusal_lines,
)
from casework.policy import load_preset

TODAY = dt.date(2026, 3, 31)
POLICY = load_preset("council-2019")
ANNA = Person("anna-id", "A00042", dt.date(2020, 1, 6), None)
LEFT = Person("left-id", "A00099", dt.date(2020, 1, 6), dt.date(2026, 2, 27))


def row(**values) -> dict:
    return {"assignment_number": "A00042", "case_type": "STS", "stage": "formal_1", "stage_started_on": "2026-01-05",
            "warning_level": "first", "warning_expires_on": "2026-07-04", "review_date": "2026-04-06",
            "notes": "Stage 1 letter sent", **values}


def test_a_good_row_is_read_with_its_source():
    read, errors = read_row(row(case_type=" sts ", stage="FORMAL_1"), POLICY, TODAY)
    assert errors == {}
    assert (read.case_type, read.stage, read.stage_started_on, read.warning_level, read.warning_expires_on,
            read.review_date) == ("STS", "formal_1", dt.date(2026, 1, 5), "first", dt.date(2026, 7, 4),
                                  dt.date(2026, 4, 6))
    assert read.source["case_type"] == "sts" and read.source["notes"] == "Stage 1 letter sent"


def test_uk_dates_are_read_day_first():
    read, errors = read_row(row(stage_started_on="5/1/2026", warning_expires_on="04/07/2026",
                                review_date="06/04/2026"), POLICY, TODAY)
    assert errors == {}
    assert (read.stage_started_on, read.warning_expires_on, read.review_date) == (
        dt.date(2026, 1, 5), dt.date(2026, 7, 4), dt.date(2026, 4, 6))


def test_the_source_keeps_only_known_columns_and_the_audit_no_notes():
    read, _ = read_row({**row(diagnosis="Cancer"), None: None}, POLICY, TODAY)
    assert set(read.source) == set(COLUMNS) and "Cancer" not in read.source.values()
    assert audited_row(read.source) == {name: read.source[name] for name in COLUMNS if name != "notes"}


@pytest.mark.parametrize("values, field, message", [
    ({"case_type": "MID"}, "case_type", "Write STS or LTS, not 'MID'."),
    ({"stage": "formal_9"}, "stage", "'formal_9' is not a stage of council-2019; the short-term stages are "
                                     "absence_support, formal_1, formal_2, formal_3."),
    ({"stage": ""}, "stage", "Enter the stage; the short-term stages are absence_support, formal_1, formal_2, "
                             "formal_3."),
    ({"case_type": "LTS", "stage": "formal_1", "warning_level": "", "warning_expires_on": ""}, "stage",
     "'formal_1' is not a stage of council-2019; the long-term stages are lts_welfare, lts_case_conference, "
     "lts_hearing."),
    ({"case_type": "LTS", "stage": "lts_welfare"}, "warning_level",
     "A long-term case under council-2019 carries no warning: leave it empty."),
    ({"warning_level": "verbal"}, "warning_level", "Write final or first, or leave it empty, not 'verbal'."),
    ({"warning_level": ""}, "warning_level",
     "Give the level (first or final) of the warning expiring on 2026-07-04, or leave warning_expires_on empty."),
    ({"warning_expires_on": ""}, "warning_expires_on", "Give the date the first warning expires."),
    ({"warning_expires_on": "2026-01-05"}, "warning_expires_on",
     "The warning must expire after the stage started on 2026-01-05."),
    ({"review_date": "2025-12-31"}, "review_date", "The review must be after the stage started on 2026-01-05."),
    ({"stage_started_on": "2026/01/05"}, "stage_started_on", "'2026/01/05' is not a date: write it as DD/MM/YYYY "
                                                             "(day first, as 09/03/2026) or YYYY-MM-DD."),
    ({"stage_started_on": "1/15/2026"}, "stage_started_on", "'1/15/2026' reads month first (there is no month 15): "
                                                            "write the day first, 15/01/2026, or as 2026-01-15."),
    ({"stage_started_on": ""}, "stage_started_on", "Enter the date the employee entered the stage."),
    ({"stage_started_on": "2026-04-01"}, "stage_started_on",
     "The stage cannot start in the future (today is 2026-03-31)."),
    ({"review_date": "soon"}, "review_date", "'soon' is not a date: write it as DD/MM/YYYY (day first, as "
                                             "09/03/2026) or YYYY-MM-DD."),
    ({"assignment_number": " "}, "assignment_number", "Enter the assignment number."),
    ({"notes": "x" * 9001}, "notes", "Use at most 9000 characters."),
    ({None: ["extra"]}, "row", "This row has more cells than the header: put text containing commas in quotes."),
])
def test_each_field_is_refused_with_its_reason(values, field, message):
    read, errors = read_row({**row(), **values}, POLICY, TODAY)
    assert read is None and errors == {field: message}


def plan(rows, cases=(), people=None):
    people = {person.assignment_number: person for person in (people or [ANNA, LEFT])}
    return plan_inflight(rows, [n + 2 for n in range(len(rows))], POLICY, people, cases, TODAY)


def test_a_row_that_cannot_be_read_still_names_its_employee():
    outcomes = plan([row(stage_started_on="1/15/2026"), row(assignment_number="A00077", stage="")])
    assert [(outcome.action, outcome.person) for outcome in outcomes] == [("refused", ANNA), ("refused", None)]


def test_new_rows_are_created_and_counted():
    outcomes = plan([row(), row(case_type="LTS", stage="lts_welfare", warning_level="", warning_expires_on="")])
    assert [(o.action, o.key, o.person) for o in outcomes] == [("created", "STS", ANNA), ("created", "LTS", ANNA)]
    assert counts(outcomes) == {"created": 2, "updated": 0, "unchanged": 0, "refused": 0}


LTS_ROW = {"case_type": "LTS", "stage": "lts_welfare", "warning_level": "", "warning_expires_on": ""}
ANNA_OFF = Person("anna-id", "A00042", dt.date(2020, 1, 6), None, off_sick=True)


@pytest.mark.parametrize("values, person, warnings", [
    (LTS_ROW, ANNA, {NO_OPEN_ABSENCE: "A00042 has no open absence on 2026-03-31: check that the long-term case is "
                                      "still live. The case is created, and its manager's confirmation task says so."}),
    (LTS_ROW, ANNA_OFF, {}),   # off on the as-of date: a long-term case fits
    ({}, ANNA, {}),            # a short-term case needs no open absence
])
def test_a_long_term_row_for_someone_not_off_is_warned_but_still_created(values, person, warnings):
    """Policy part 2, paragraph 9: "Any absence of over four weeks (whether or not a working day) is considered to
    be a long term absence." A long-term case follows an absence that goes on, so a row for someone with none open
    on the import's as-of date is worth checking; it is not refused, since the previous system may know better."""
    [outcome] = plan([row(**values)], people=[person])
    assert (outcome.action, outcome.errors, outcome.warnings) == ("created", {}, warnings)


@pytest.mark.parametrize("values, field, message", [
    ({"assignment_number": "NOBODY"}, "assignment_number", "No employee has the assignment number NOBODY."),
    ({"assignment_number": "A00099"}, "assignment_number", "A00099 left on 2026-02-27."),
    ({"stage_started_on": "2019-12-02", "warning_expires_on": "2026-07-04"}, "stage_started_on",
     "The stage cannot start before A00042 started on 2020-01-06."),
])
def test_rows_naming_nobody_in_post_are_refused(values, field, message):
    [outcome] = plan([row(**values)])
    assert (outcome.action, outcome.errors) == ("refused", {field: message})


def test_a_second_row_for_the_same_employee_and_case_type_is_refused():
    first, second, lts = plan([row(), row(stage="formal_2"),
                               row(case_type="LTS", stage="lts_welfare", warning_level="", warning_expires_on="")])
    assert (first.action, lts.action) == ("created", "created")
    assert second.errors == {"case_type": "A00042 already has a short-term case on row 2 of this file."}


def stored(source=None, status="open", kind="STS"):
    return StoredCase("case-id", ANNA.id, kind, status, "absence_support", dt.date(2025, 11, 3), source)


def test_a_row_migrated_before_is_unchanged_even_when_the_case_moved_on():
    source = {name: str(value) for name, value in row().items()}
    [outcome] = plan([row()], [stored(source)])
    assert (outcome.action, outcome.errors, outcome.existing.id) == ("unchanged", {}, "case-id")


@pytest.mark.parametrize("case, message", [
    (stored(), "A00042 already has an open short-term case (absence_support since 2025-11-03)."),
    (stored({**row(), "stage": "formal_2"}), "A00042 already has an open short-term case (absence_support since "
                                             "2025-11-03): it was migrated from a different row; correct that "
                                             "case instead."),
])
def test_a_live_case_of_the_same_type_refuses_the_row(case, message):
    [outcome] = plan([row()], [case])
    assert outcome.errors == {"case_type": message}


@pytest.mark.parametrize("case", [stored(status="closed"), stored(kind="LTS")])
def test_a_closed_case_or_a_case_of_the_other_type_does_not_stop_a_migration(case):
    assert plan([row()], [case])[0].action == "created"


def test_refusals_read_as_row_and_field_lines():
    assert refusal_lines(4, "A00042", {"stage": "bad", "review_date": "late"}) == [
        "row 4 (A00042): stage: bad", "row 4 (A00042): review_date: late"]
    assert missing_columns(["assignment_number", "case_type", " stage "]) == [
        "stage_started_on", "warning_level", "warning_expires_on", "review_date", "notes"]
