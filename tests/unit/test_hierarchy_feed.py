"""The hierarchy feed, pure: reading employees.csv rows and planning a file against the stored employees."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.hierarchy_feed import COLUMNS, missing_columns, plan_hierarchy, read_row, shown
from casework.plain_text import ONE_LINE

TODAY = dt.date(2026, 11, 23)


def row(number: str, supervisor: str = "", **cells) -> dict:
    values = dict(assignment_number=number, employee_number=f"E{number}", first_name="Sam", last_name=f"Lee{number}",
                  email=f"sam.{number}@example.org", job_title="Staff nurse", division="Acute", directorate="Surgery",
                  department="Ward 3", fte="1", contracted_hours="37.5", working_days="Mon Tue Wed Thu Fri",
                  region="", supervisor_assignment_number=supervisor, start_date="2020-01-06", end_date="")
    values.update(cells)
    return values


def stored(number: str, supervisor: str | None = None, **fields) -> dict:
    values, errors = read_row(row(number, supervisor or ""))
    assert errors == {}
    return {**values, **fields}


def test_read_row_values():
    values, errors = read_row(row("A1", "A0", fte="0.6", working_days="mon, WED fri", region="wls",
                                  email="Sam.A1@Example.org", end_date="2026-12-31"))
    assert errors == {}
    assert values["fte"] == 0.6 and values["contracted_hours"] == 37.5
    assert values["working_days"] == ["Mon", "Wed", "Fri"]
    assert values["region"] == "WLS" and values["email"] == "sam.a1@example.org"
    assert values["start_date"] == dt.date(2020, 1, 6) and values["end_date"] == dt.date(2026, 12, 31)
    assert values["supervisor_assignment_number"] == "A0"


def test_read_row_defaults():
    values, errors = read_row(row("A1", working_days="", region="", contracted_hours="", email=""))
    assert errors == {}
    assert values["working_days"] == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert values["region"] == "ENG" and values["contracted_hours"] is None and values["email"] is None
    assert values["supervisor_assignment_number"] is None


@pytest.mark.parametrize("cells, field, message", [
    ({"assignment_number": ""}, "assignment_number", "Enter the assignment number."),
    ({"first_name": " "}, "first_name", "Enter the first name."),
    ({"division": ""}, "division", "Enter the division."),
    ({"fte": ""}, "fte", "Enter the fte: a number above 0 and at most 1, as 0.6."),
    ({"fte": "0"}, "fte", "'0' is not a number above 0 and at most 1, as 0.6."),
    ({"fte": "1.2"}, "fte", "'1.2' is not a number above 0 and at most 1, as 0.6."),
    ({"fte": "full"}, "fte", "'full' is not a number above 0 and at most 1, as 0.6."),
    ({"contracted_hours": "-1"}, "contracted_hours", "'-1' is not hours a week, from 0 to 60."),
    ({"working_days": "Mon Tues Funday"}, "working_days",
     "Unknown day 'Funday': write the days as Mon Tue Wed Thu Fri Sat Sun."),
    ({"region": "FRA"}, "region", "Unknown region 'FRA': use one of ENG, WLS, SCT, NIR (empty means ENG)."),
    ({"start_date": "2020-1-6"}, "start_date", "'2020-1-6' is not a date: write it as DD/MM/YYYY (day first, as "
                                             "09/03/2026) or YYYY-MM-DD."),
    ({"start_date": "01/31/2020"}, "start_date", "'01/31/2020' reads month first (there is no month 31): write the "
                                                 "day first, 31/01/2020, or as 2020-01-31."),
    ({"start_date": "0001-01-01"}, "start_date", "'0001-01-01' is too far away: use a date from 1900-01-01 to "
                                                 "2200-12-31."),
    ({"first_name": "Sam\r\nBcc: all@example.net"}, "first_name",
     "Write this on one line, without line breaks, tabs or control characters."),
    ({"last_name": "Smith\u202eevil"}, "last_name",
     "Write this on one line, without line breaks, tabs or control characters."),
    ({"job_title": "Nurse\x00"}, "job_title",
     "Write this on one line, without line breaks, tabs or control characters."),
    ({"end_date": "2019-12-31"}, "end_date", "The leaving date must be on or after the start date."),
    ({"email": "sam at example"}, "email", "'sam at example' is not an e-mail address."),
    ({"supervisor_assignment_number": "A1"}, "supervisor_assignment_number",
     "An employee cannot supervise themselves."),
    ({"job_title": "x" * 201}, "job_title", "Use at most 200 characters."),
    ({None: ["extra"]}, "row", "This row has more cells than the header: put text containing commas in quotes."),
])
def test_read_row_refusals(cells, field, message):
    values, errors = read_row({**row("A1"), **cells})
    assert values is None
    assert errors[field] == message


def test_missing_columns():
    assert missing_columns(COLUMNS) == []
    assert missing_columns([name for name in COLUMNS if name not in ("region", "fte")]) == ["fte", "region"]


def test_the_address_columns_are_optional_and_read_when_given():
    """DESIGN, Contracts: "`employees.csv` may add `address_line_1`, `address_line_2`, `town`, `postcode` for
    letters." Without the columns the row has no address values (a stored address stays); with them, an empty
    cell is no line and the postcode is written in capitals."""
    without, errors = read_row(row("A1"))
    assert errors == {} and not {"address_line_1", "address_line_2", "town", "postcode"} & set(without)
    given, errors = read_row(row("A1", address_line_1="4 Mill Lane", address_line_2="", town="Exampletown",
                                 postcode=" ex1  2ab "))
    assert errors == {}
    assert (given["address_line_1"], given["address_line_2"], given["town"], given["postcode"]) == (
        "4 Mill Lane", None, "Exampletown", "EX1 2AB")
    assert read_row(row("A1", town="Example\ntown"))[1] == {"town": ONE_LINE}
    assert read_row(row("A1", postcode="X" * 21))[1] == {"postcode": "Use at most 20 characters."}
    assert missing_columns(COLUMNS) == []


def test_a_file_without_the_address_columns_leaves_stored_addresses_alone():
    known = {"A1": stored("A1", address_line_1="4 Mill Lane", postcode="EX1 2AB")}
    assert plan_hierarchy([row("A1")], known, TODAY).outcomes[0].action == "unchanged"
    moved = plan_hierarchy([row("A1", address_line_1="9 New Road", postcode="EX1 2AB")], known, TODAY).outcomes[0]
    assert moved.changes == {"address_line_1": ("4 Mill Lane", "9 New Road")}
    cleared = plan_hierarchy([row("A1", address_line_1="", postcode="")], known, TODAY).outcomes[0]
    assert cleared.changes == {"address_line_1": ("4 Mill Lane", None), "postcode": ("EX1 2AB", None)}


def test_plan_starters_leavers_changes_and_supervisors():
    known = {"A0": stored("A0"), "A1": stored("A1", "A0"), "A2": stored("A2", "A0"), "A3": stored("A3", "A0")}
    plan = plan_hierarchy([
        row("A0"),                                           # unchanged
        row("A1", "A0", end_date="2026-11-30"),              # leaver
        row("A2", "A1", job_title="Sister", fte="0.8"),      # supervisor and details
        row("A3", "A0"),                                     # unchanged
        row("A4", "A2"),                                     # new starter
    ], known, TODAY)
    assert [outcome.action for outcome in plan.outcomes] == ["unchanged", "updated", "updated", "unchanged",
                                                             "created"]
    assert [outcome.key for outcome in plan.starters] == ["A4"]
    assert [outcome.key for outcome in plan.leavers] == ["A1"]
    assert [outcome.key for outcome in plan.changed_supervisors] == ["A2"]
    assert [outcome.key for outcome in plan.changed_details] == ["A2"]
    assert plan.outcomes[2].changes == {"job_title": ("Staff nurse", "Sister"), "fte": (1.0, 0.8),
                                        "supervisor_assignment_number": ("A0", "A1")}
    assert plan.outcomes[2].detail == ["supervisor: A0 → A1", "job_title: Staff nurse → Sister", "fte: 1 → 0.8"]
    assert plan.outcomes[1].detail == ["Leaves on 2026-11-30"]
    assert plan.outcomes[4].detail == ["New starter"]
    assert plan.ended == []


def test_a_changed_leaving_date_is_a_changed_detail_not_a_new_leaver():
    known = {"A1": stored("A1", end_date=dt.date(2026, 12, 31))}
    plan = plan_hierarchy([row("A1", end_date="2026-11-30")], known, TODAY)
    assert plan.leavers == []
    assert plan.outcomes[0].detail == ["end_date: 2026-12-31 → 2026-11-30"]


def test_without_full_missing_staff_stay_with_full_they_end_today():
    known = {"A0": stored("A0"), "A1": stored("A1", "A0"), "A9": stored("A9", end_date=dt.date(2025, 1, 1))}
    assert plan_hierarchy([row("A0")], known, TODAY).ended == []
    ended = plan_hierarchy([row("A0")], known, TODAY, full=True).ended
    assert [(item.assignment_number, item.name, item.on) for item in ended] == [("A1", "Sam LeeA1", TODAY)]


@pytest.mark.parametrize("rows, known, refused", [
    # a supervisor who is nobody, in the file or stored
    ([row("A1", "Z9"), row("A2", "A1")], {},
     {0: "No employee has the assignment number Z9, in this file or in Casebook."}),
    # a supervisor stored but not in the file is somebody
    ([row("A2", "A1")], {"A1": stored("A1")}, {}),
    # an assignment number given twice: both rows refused
    ([row("A1"), row("A2", "A1"), row("A1", first_name="Kim")], {},
     {0: "The assignment number A1 is given 2 times.", 2: "The assignment number A1 is given 2 times."}),
    # a cycle within the file: every row of it, named
    ([row("A0"), row("A1", "A3"), row("A2", "A1"), row("A3", "A2")], {},
     {i: "The supervisors go round in a circle (3 rows of this file): A1 → A3 → A2 → A1." for i in (1, 2, 3)}),
    # a cycle through a stored employee the file does not list
    ([row("A1", "A2")], {"A2": stored("A2", "A1")},
     {0: "The supervisors go round in a circle (1 row of this file): A1 → A2 (in Casebook) → A1."}),
])
def test_plan_refusals(rows, known, refused):
    plan = plan_hierarchy(rows, known, TODAY)
    got = {outcome.index: next(iter(outcome.errors.values())) for outcome in plan.refused}
    assert got == refused
    assert all(outcome.action == "refused" for outcome in plan.outcomes if outcome.index in refused)


def test_uk_dates_are_read_day_first_unless_the_file_writes_them_month_first():
    # 06/01/2020 is 6 January day first; in a file where another date (12/25/2020) reads only month first it could
    # be 1 June, so there it is refused, while 13/01/2020 (13 cannot be a month) is still 13 January
    plan = plan_hierarchy([row("A1", start_date="06/01/2020"), row("A2", start_date="6/1/2020")], {}, TODAY)
    assert [outcome.values["start_date"] for outcome in plan.outcomes] == [dt.date(2020, 1, 6)] * 2
    plan = plan_hierarchy([row("A1", start_date="06/01/2020"), row("A2", start_date="13/01/2020"),
                           row("A3", start_date="12/25/2020")], {}, TODAY)
    assert [(outcome.index, outcome.errors) for outcome in plan.refused] == [
        (0, {"start_date": "'06/01/2020' could be either date: this file writes other dates month first (as "
                           "'12/25/2020'). Write it as 2020-01-06 if it is 6 January, or 2020-06-01 if it is 1 June."}),
        (2, {"start_date": "'12/25/2020' reads month first (there is no month 25): write the day first, 25/12/2020, "
                           "or as 2020-12-25."})]


def test_shown():
    assert [shown(value) for value in (None, "", dt.date(2026, 1, 2), ["Mon", "Tue"], 0.5, 1.0, "x")] == [
        "(none)", "(none)", "2026-01-02", "Mon Tue", "0.5", "1", "x"]


def test_progress_every_thousand_rows():
    calls = []
    plan_hierarchy([row(f"A{i}") for i in range(2500)], {}, TODAY, progress=calls.append)
    assert calls == [1000, 2000, 2500]
