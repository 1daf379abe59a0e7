"""Report tables and their exports: one `Table` shape drawn by the page, written to CSV and to XLSX."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence


@dataclasses.dataclass(frozen=True)
class Table:
    """One table of a report: `key` names its file or sheet, `rows` hold plain values (str, int, float,
    None or date) in the order of `columns`. A workbook names its sheet `sheet` (the key when empty) and writes
    `note` (such as the period) under the title."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float | dt.date | None, ...], ...]
    sheet: str = ""
    note: str = ""

    @property
    def numeric(self) -> tuple[bool, ...]:
        """For each column, whether it holds numbers (every value given is a number), to align it right."""
        return tuple(any(isinstance(row[index], (int, float)) for row in self.rows)
                     and all(row[index] is None or isinstance(row[index], (int, float)) for row in self.rows)
                     for index in range(len(self.columns)))


Cell = str | int | float | dt.date | None

# What a spreadsheet reads as the start of a formula, in ASCII and full width.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
CONTROL_STARTS = ("\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
# A fixed time for the workbook's properties and its zip entries, so equal tables give equal bytes.
FIXED_TIME = dt.datetime(2000, 1, 1)
COLUMN_WIDTH = (8, 60)


def neutralise(value: Cell) -> Cell:
    """The value made inert for a spreadsheet: a string that would run as a formula (starting with
    = + - @, their full-width forms, tab or carriage return, also after leading whitespace) gets a leading
    apostrophe. Numbers, None and dates come back unchanged."""
    if isinstance(value, str) and (value.startswith(CONTROL_STARTS) or value.lstrip().startswith(FORMULA_STARTS)):
        return "'" + value
    return value


def to_csv(tables: Sequence[Table]) -> str:
    """The tables as CSV text with the csv module's `\\r\\n` line endings. One table is its header row
    and rows; several are each preceded by a row holding the title and separated by an empty line.
    Dates are ISO `YYYY-MM-DD`, None is empty, floats are written as Python writes them, every string
    is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    for number, table in enumerate(tables):
        if len(tables) > 1:
            if number:
                writer.writerow([])
            writer.writerow([_csv_cell(table.title)])
        writer.writerow([_csv_cell(column) for column in table.columns])
        writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return out.getvalue()


def _csv_cell(value: Cell) -> str | int | float:
    value = neutralise(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """The tables as an XLSX workbook, one worksheet a table named from its sheet name (else its key): the
    title (bold), its note when it has one, the header (bold, frozen below it), then the rows. Numbers stay
    numbers, shown as a report page shows them (`number_format`), dates are dates shown `yyyy-mm-dd`, every
    string is neutralised and stored as text, never as a formula. The properties name no person and carry a
    fixed time, so the same tables give the same bytes."""
    if not tables:
        raise ValueError("a workbook needs at least one table")
    # openpyxl (with numpy, 0.5 s) is imported when a workbook is made, not by every command that starts the app.
    from openpyxl import Workbook
    from openpyxl.packaging.core import DocumentProperties
    from openpyxl.writer.excel import ExcelWriter
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties = DocumentProperties(creator="Casebook", created=FIXED_TIME, modified=FIXED_TIME)
    for name, table in zip(sheet_names([table.sheet or table.key for table in tables]), tables, strict=True):
        _write_sheet(workbook.create_sheet(name), table)
    out = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)).save()
    return _with_fixed_times(out.getvalue())


def _write_sheet(sheet, table: Table) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(table.title)])
    if table.note:
        sheet.append([_xlsx_cell(table.note)])
    header = sheet.max_row + 1
    sheet.append([_xlsx_cell(column) for column in table.columns])
    for row in table.rows:
        sheet.append([_xlsx_cell(value) for value in row])
    for cell in [*sheet[1], *sheet[header]]:
        cell.font = bold
    sheet.freeze_panes = f"A{header + 1}"
    for row in sheet.iter_rows(min_row=header + 1):
        for cell, column in zip(row, table.columns, strict=False):
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.number_format = number_format(cell.value, column)
    for row in sheet.iter_rows(max_row=header):     # the title, the note and the header: text, never formulas
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for number, column in enumerate(table.columns, start=1):
        values = [column, *(row[number - 1] for row in table.rows)]
        sheet.column_dimensions[get_column_letter(number)].width = _width(values)


def number_format(value: Cell, column: str) -> str:
    """How a spreadsheet shows a number as a report page does (templates/reports/_table.html): a whole number with
    thousands separated (1,234), a share in a "(%)" column to one place with its sign (80.5%), any other number to
    two places (179.15, not 179.148). "General" for what is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "General"
    if column.endswith("(%)"):
        return '#,##0.0"%"'
    return "#,##0" if isinstance(value, int) else "#,##0.00"


def _xlsx_cell(value: Cell) -> Cell:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    return value


def _width(values: list[Cell]) -> int:
    """A column wide enough for its longest value (as text), within COLUMN_WIDTH."""
    longest = max(len(str(_csv_cell(value))) for value in values)
    return min(max(longest + 2, COLUMN_WIDTH[0]), COLUMN_WIDTH[1])


def sheet_names(keys: Sequence[str]) -> list[str]:
    """A worksheet name for each key: without the characters Excel forbids (`[]:*?/\\`), at most 31
    characters, unique without regard to case (a repeat gets "-2", "-3", ...)."""
    names: list[str] = []
    for key in keys:
        base = SHEET_NAME_FORBIDDEN.sub("", key).strip("' ") or "Sheet"
        name, number = base[:SHEET_NAME_LENGTH], 1
        while name.lower() in (taken.lower() for taken in names):
            number += 1
            suffix = f"-{number}"
            name = base[:SHEET_NAME_LENGTH - len(suffix)] + suffix
        names.append(name)
    return names


def filename(stem: str, start: dt.date, end: dt.date, extension: str) -> str:
    """The download's file name, e.g. `board-report-2026-04-01-to-2026-11-23.csv`: the stem in lower
    case letters, digits and hyphens, then the period."""
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "report"
    return f"{slug}-{start.isoformat()}-to-{end.isoformat()}.{extension.lstrip('.').lower()}"


def _with_fixed_times(xlsx: bytes) -> bytes:
    """The same zip archive with every entry dated FIXED_TIME rather than the time of writing."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(entry))
    return out.getvalue()
