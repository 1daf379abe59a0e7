"""Report exports: formula-like cells made inert, CSV read back with the csv module, XLSX read back with
openpyxl (sheet names, bold title and header, numbers, dates, strings stored as text), file names."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from casework.exports import Table, filename, neutralise, number_format, sheet_names, to_csv, to_xlsx

D = dt.date
DAYS = Table("days-lost", "Days lost by directorate", ("Directorate", "FTE-days", "Per FTE", "From"),
             (("Surgery", 120, 4.25, D(2026, 4, 1)),
              ("=HYPERLINK(\"x\")", -3, None, None)))
REASONS = Table("reasons", "Reasons", ("Reason", "Share"), (("Stress", 0.5), ("+ Back pain", 0.125)))


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("+1", "'+1"),
    ("-2", "'-2"),
    ("@x", "'@x"),
    ("\tx", "'\tx"),
    ("\rx", "'\rx"),
    ("  =x", "'  =x"),
    ("＝1+1", "'＝1+1"),
    ("＋1", "'＋1"),
    ("－1", "'－1"),
    ("＠x", "'＠x"),
    ("Surgery", "Surgery"),
    ("a=b", "a=b"),
    ("", ""),
    (-2, -2),
    (-2.5, -2.5),
    (0, 0),
    (None, None),
    (D(2026, 4, 1), D(2026, 4, 1)),
])
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def read_csv(text):
    return list(csv.reader(io.StringIO(text, newline="")))


def test_one_table_is_its_header_and_rows():
    text = to_csv([DAYS])
    assert read_csv(text) == [
        ["Directorate", "FTE-days", "Per FTE", "From"],
        ["Surgery", "120", "4.25", "2026-04-01"],
        ["'=HYPERLINK(\"x\")", "-3", "", ""],
    ]
    assert text.endswith("\r\n")


def test_several_tables_each_have_a_title_row_and_an_empty_line_between():
    assert read_csv(to_csv([DAYS, REASONS])) == [
        ["Days lost by directorate"],
        ["Directorate", "FTE-days", "Per FTE", "From"],
        ["Surgery", "120", "4.25", "2026-04-01"],
        ["'=HYPERLINK(\"x\")", "-3", "", ""],
        [],
        ["Reasons"],
        ["Reason", "Share"],
        ["Stress", "0.5"],
        ["'+ Back pain", "0.125"],
    ]


@pytest.mark.parametrize("value, written", [(1234567.5, "1234567.5"), (0.1 + 0.2, "0.30000000000000004"), (0.0, "0.0")])
def test_csv_writes_floats_as_python_does_without_rounding(value, written):
    assert read_csv(to_csv([Table("t", "T", ("x",), ((value,),))]))[1] == [written]


def load(tables):
    return openpyxl.load_workbook(io.BytesIO(to_xlsx(tables)))


def test_xlsx_has_a_sheet_a_table_with_bold_title_and_header_and_frozen_header():
    workbook = load([DAYS, REASONS])
    assert workbook.sheetnames == ["days-lost", "reasons"]
    sheet = workbook["days-lost"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Days lost by directorate"
    assert rows[1] == ("Directorate", "FTE-days", "Per FTE", "From")
    assert rows[2] == ("Surgery", 120, 4.25, dt.datetime(2026, 4, 1))
    assert rows[3] == ("'=HYPERLINK(\"x\")", -3, None, None)
    assert all(cell.font.b for cell in [sheet["A1"], *sheet[2]])
    assert not sheet["A3"].font.b
    assert sheet.freeze_panes == "A3"


def test_xlsx_keeps_numbers_and_dates_typed():
    sheet = load([DAYS])["days-lost"]
    assert [sheet[ref].data_type for ref in ("B3", "C3", "B4")] == ["n", "n", "n"]
    assert sheet["D3"].is_date and sheet["D3"].number_format == "yyyy-mm-dd"
    assert sheet["C4"].value is None


def test_xlsx_stores_formula_like_strings_as_text_never_as_formulas():
    sheet = load([DAYS, REASONS])["days-lost"]
    assert sheet["A4"].data_type == "s"
    assert sheet["A4"].value.startswith("'=")
    formulas = [cell for sheet in load([DAYS, REASONS]) for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []


def test_xlsx_columns_are_wide_enough_for_their_values():
    sheet = load([DAYS])["days-lost"]
    assert sheet.column_dimensions["A"].width >= len("=HYPERLINK(\"x\")")
    assert 8 <= sheet.column_dimensions["C"].width <= 60


def test_xlsx_names_no_person_and_is_the_same_bytes_each_time():
    workbook = load([DAYS])
    assert workbook.properties.creator == "Casebook"
    assert workbook.properties.lastModifiedBy is None
    assert to_xlsx([DAYS, REASONS]) == to_xlsx([DAYS, REASONS])
    entries = zipfile.ZipFile(io.BytesIO(to_xlsx([DAYS]))).infolist()
    assert {entry.date_time for entry in entries} == {(2000, 1, 1, 0, 0, 0)}


def test_a_sheet_name_and_a_note_under_the_title():
    noted = Table("days-lost", "Days lost by directorate", ("Directorate", "Per FTE"), (("Surgery", 179.148),),
                  sheet="Days lost: by directorate", note="1 April 2026 to 23 November 2026")
    workbook = load([noted])
    assert workbook.sheetnames == ["Days lost by directorate"]     # the colon Excel forbids left out
    sheet = workbook["Days lost by directorate"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Days lost by directorate", None), ("1 April 2026 to 23 November 2026", None), ("Directorate", "Per FTE"),
        ("Surgery", 179.148)]
    assert sheet.freeze_panes == "A4" and sheet["A3"].font.b and not sheet["A2"].font.b
    assert sheet["B4"].number_format == "#,##0.00"      # shown 179.15, as the page shows it


@pytest.mark.parametrize("value, column, shown", [
    (1234, "Working days lost", "#,##0"),            # 1,234
    (179.148, "Days lost per FTE", "#,##0.00"),      # 179.15
    (3.2, "FTE at the end", "#,##0.00"),             # 3.20
    (80.46, "Long-term share (%)", '#,##0.0"%"'),    # 80.5%
    (100, "Share (%)", '#,##0.0"%"'),                # 100.0%, as the page shows a whole share
    (None, "Per FTE", "General"),
    ("Surgery", "Name", "General"),
    (True, "Flag", "General"),
])
def test_numbers_are_shown_as_the_page_shows_them(value, column, shown):
    assert number_format(value, column) == shown


def test_xlsx_needs_a_table():
    with pytest.raises(ValueError):
        to_xlsx([])


@pytest.mark.parametrize("keys, names", [
    (["days-lost"], ["days-lost"]),
    (["a[b]:c*d?e/f\\g"], ["abcdefg"]),
    (["x" * 40], ["x" * 31]),
    (["reasons", "Reasons", "reasons"], ["reasons", "Reasons-2", "reasons-3"]),
    (["y" * 40, "y" * 35], ["y" * 31, "y" * 29 + "-2"]),
    (["[]", "'quoted'"], ["Sheet", "quoted"]),
])
def test_sheet_names_are_cleaned_shortened_and_unique(keys, names):
    assert sheet_names(keys) == names


def test_xlsx_uses_the_cleaned_sheet_names():
    tables = [Table("a/b", "A", ("x",), ()), Table("ab", "B", ("x",), ())]
    assert load(tables).sheetnames == ["ab", "ab-2"]


@pytest.mark.parametrize("stem, extension, name", [
    ("board-report", "csv", "board-report-2026-04-01-to-2026-11-23.csv"),
    ("Board report: Surgery & Theatres", ".XLSX", "board-report-surgery-theatres-2026-04-01-to-2026-11-23.xlsx"),
    ("***", "csv", "report-2026-04-01-to-2026-11-23.csv"),
])
def test_filename(stem, extension, name):
    assert filename(stem, D(2026, 4, 1), D(2026, 11, 23), extension) == name
