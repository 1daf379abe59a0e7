"""The DPO's pure rules: reading the logs' filters, the UTC bounds of the organisation's days, local times, and the
manifest and names of a subject access export."""
from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest

from casework.calendar import OUT_OF_RANGE
from casework.privacy import (
    DATE_FORMAT_MESSAGE,
    ExportFile,
    LogFilter,
    build_manifest,
    export_filename,
    letter_path,
    local_time,
    parse_log_filter,
    utc_bounds,
)

D = dt.date
LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("args, wanted, errors", [
    ({}, LogFilter(), {}),
    ({"employee": " 12345678-2 "}, LogFilter(employee="12345678-2"), {}),
    ({"employee": "Lee   Long"}, LogFilter(employee="Lee Long"), {}),             # spaces run together
    ({"reader": "Boss@Example.org"}, LogFilter(reader="boss@example.org"), {}),   # a login, lower case
    ({"reader": "Bo Boss"}, LogFilter(reader="Bo Boss"), {}),                     # a name, as typed
    ({"from": "2026-07-01", "to": "2026-07-31"}, LogFilter(since=D(2026, 7, 1), until=D(2026, 7, 31)), {}),
    ({"from": "2026-07-01", "to": "2026-07-01"}, LogFilter(since=D(2026, 7, 1), until=D(2026, 7, 1)), {}),
    ({"from": "1 July"}, LogFilter(), {"from": DATE_FORMAT_MESSAGE}),
    ({"to": "2026-02-30"}, LogFilter(), {"to": DATE_FORMAT_MESSAGE}),
    ({"from": "1899-12-31"}, LogFilter(), {"from": OUT_OF_RANGE}),
    # the last day before the first: the first is kept, the last narrows nothing
    ({"from": "2026-07-02", "to": "2026-07-01"}, LogFilter(since=D(2026, 7, 2)),
     {"to": "The last day must be on or after the first day."}),
    ({"employee": "x" * 101, "reader": "a@b"}, LogFilter(reader="a@b"), {"employee": "Enter at most 100 characters."}),
])
def test_a_filter_is_read_with_a_message_for_each_field_given_badly(args, wanted, errors):
    assert parse_log_filter(args) == (wanted, errors)


@pytest.mark.parametrize("term, number", [
    ("12345678-2", True), ("A30001", True), ("Long", False), ("Lee Long", False), ("A 3", False), ("", False)])
def test_an_employee_term_with_a_digit_and_no_space_is_an_assignment_number(term, number):
    assert LogFilter(employee=term).employee_is_number is number


@pytest.mark.parametrize("reader, login", [("a@b.org", True), ("api:absence-feed", True), ("Bo Boss", False)])
def test_a_reader_term_is_a_login_a_token_or_a_name(reader, login):
    assert LogFilter(reader=reader).reader_is_login is login


@pytest.mark.parametrize("since, until, wanted", [
    (None, None, (None, None)),
    # 1 July in London is BST (UTC+1): from 30 June 23:00 UTC; to the end of 2 July: 2 July 23:00 UTC
    (D(2026, 7, 1), D(2026, 7, 2), (dt.datetime(2026, 6, 30, 23), dt.datetime(2026, 7, 2, 23))),
    # 1 January is GMT (UTC+0): midnight to midnight
    (D(2026, 1, 1), D(2026, 1, 1), (dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 2))),
    # the clocks go forward on 29 March 2026: the 29th starts at 00:00 UTC, the 30th at 23:00 UTC on the 29th
    (None, D(2026, 3, 29), (None, dt.datetime(2026, 3, 29, 23))),
])
def test_days_in_the_organisations_time_zone_become_utc_bounds(since, until, wanted):
    assert utc_bounds(since, until, LONDON) == wanted


@pytest.mark.parametrize("at, shown", [
    (dt.datetime(2026, 6, 30, 23, 30), "2026-07-01 00:30"),     # BST: UTC+1
    (dt.datetime(2026, 12, 1, 9, 5), "2026-12-01 09:05"),       # GMT: UTC+0
])
def test_a_stored_instant_is_shown_in_the_organisations_time(at, shown):
    assert local_time(at, LONDON) == shown


def test_the_manifest_lists_each_file_with_its_count_size_and_sha256():
    files = [ExportFile("employee.json", b"[{}]", 1), ExportFile("letters/case-1-1-C3-v1-x.docx", b"PK\x03\x04", 1)]
    manifest = build_manifest(files, {"assignment_number": "A1", "name": "Lee Long"}, "2026-07-01T10:00:00+01:00",
                              "dpo@example.org", ["case conference notes"])
    assert manifest == {
        "subject": {"assignment_number": "A1", "name": "Lee Long"}, "generated_at": "2026-07-01T10:00:00+01:00",
        "generated_by": "dpo@example.org", "left_out": ["case conference notes"],
        "files": [{"file": "employee.json", "count": 1, "bytes": 4, "sha256": hashlib.sha256(b"[{}]").hexdigest()},
                  {"file": "letters/case-1-1-C3-v1-x.docx", "count": 1, "bytes": 4,
                   "sha256": hashlib.sha256(b"PK\x03\x04").hexdigest()}]}


@pytest.mark.parametrize("number, day, name", [
    ("12345678-2", D(2026, 7, 1), "subject-access-12345678-2-2026-07-01.zip"),
    ("../A 1", D(2026, 7, 1), "subject-access-A1-2026-07-01.zip"),             # only letters, digits, dashes
])
def test_the_exports_file_name(number, day, name):
    assert export_filename(number, day) == name


@pytest.mark.parametrize("owner, template, number, filename, path", [
    ("case-1-2", "C3", 1, "C3 invitation Lee Long.docx", "letters/case-1-2-C3-v1-C3_invitation_Lee_Long.docx"),
    ("absence-1-1", "B4", 2, "../../etc/passwd", "letters/absence-1-1-B4-v2-.._.._etc_passwd"),
])
def test_a_letters_place_in_the_zip(owner, template, number, filename, path):
    assert letter_path(owner, template, number, filename) == path
