"""Feed files: decoding an uploaded CSV, reading its rows with their numbers and its cells, and the
refused-rows report."""
from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from typing import Callable, Iterable, Iterator, Mapping

from casework.calendar import EARLIEST, LATEST, in_range
from casework.exports import Cell, Table, to_csv

_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0", ""}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
MAX_VALUE = 128 * 1024    # the longest value Python's csv module reads (its field_size_limit)
MAX_VALUES = 200          # in one row: the widest file has 16 columns
MAX_ROWS = 300_000        # the largest feed, 200,000 absences, and room to spare
_UTF_16_OR_32 = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
NOT_CSV = "This is not a CSV text file. Save the spreadsheet as CSV UTF-8 and upload that."


class NotAFeedFile(Exception):
    """The bytes are not a CSV text file."""


class NotADate(ValueError):
    """A cell that is not a date Casebook takes; its words say why. `out_of_range`: a real date, too far away."""

    def __init__(self, message: str, out_of_range: bool = False):
        super().__init__(message)
        self.out_of_range = out_of_range


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel writes it.
    NotAFeedFile, saying what to do, for a file saved as UTF-16 ("Unicode text"), a Word or Excel file or a zip,
    any other binary file, or a text file holding a NUL character."""
    if data.startswith(_UTF_16_OR_32):
        raise NotAFeedFile("This file is saved as UTF-16 or UTF-32 (Excel's “Unicode text”). Save it as CSV UTF-8 "
                           "and upload that.")
    if data.startswith(b"PK\x03\x04"):
        raise NotAFeedFile("This is a Word or Excel file (or a zip), not CSV. Save the spreadsheet as CSV UTF-8 "
                           "and upload that.")
    if b"\0" in data:
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise NotAFeedFile(NOT_CSV if data.count(b"\0") > 8 else
                           f"Line {line} holds a NUL character, which a CSV text file never has. Remove it, or save "
                           "the spreadsheet as CSV UTF-8 again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise NotAFeedFile("The file's characters could not be read. Save it as CSV UTF-8.") from None


def read_csv(text: str, progress: Callable[[int], None] | None = None) -> tuple[list[str], list[int], list[dict]]:
    """The header, each row's number in the file (the header is row 1) and the rows as {column: text}.

    Column names are trimmed and lower-cased; blank lines are skipped but still counted; cells beyond
    the header land under the key None, missing ones are None. `progress(characters read)` is
    called every 1,000 rows and at the end.
    """
    stream = io.StringIO(text, newline="")
    records = _records(stream)
    header = _names(next(records, (1, []))[1])
    numbers: list[int] = []
    rows: list[dict] = []
    for number, cells in records:
        if progress and len(rows) % 1000 == 999:
            progress(stream.tell())
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str | None, str | list[str] | None] = dict(zip(header, cells, strict=False))
        row.update({name: None for name in header[len(cells):]})
        if len(cells) > len(header):
            row[None] = cells[len(header):]
        numbers.append(number)
        rows.append(row)
    if progress:
        progress(len(text))
    return header, numbers, rows


def lacking(header: Iterable[str], required: Iterable[str]) -> list[str]:
    """The `required` columns a file's header lacks, in the order given (the header's names trimmed)."""
    present = {name.strip() for name in header if name}
    return [name for name in required if name not in present]


def read_header(text: str) -> list[str]:
    """The column names of a CSV file, trimmed and lower-cased, without reading its rows."""
    return _names(next(_records(io.StringIO(text, newline="")), (1, []))[1])


def check_rows(text: str) -> None:
    """Read every row of the CSV text as `read_csv` does, without keeping them: NotAFeedFile, naming the row,
    for what it cannot read."""
    for _ in _records(io.StringIO(text, newline="")):
        pass


def _records(stream: io.StringIO) -> Iterator[tuple[int, list[str]]]:
    """Each record of the CSV text with its number in the file (the line it starts on; the header is 1). Every
    CSV reader of Casebook reads through here: a value longer than MAX_VALUE, a row of more than MAX_VALUES or
    a file of more than MAX_ROWS is NotAFeedFile, naming the row."""
    reader = csv.reader(stream)
    line = 0
    for count in itertools.count(1):
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise NotAFeedFile(_unreadable(line + 1, error)) from None
        number, line = line + 1, reader.line_num
        if len(cells) > MAX_VALUES:
            raise NotAFeedFile(f"Row {number} has {len(cells):,} values; Casebook reads at most {MAX_VALUES} in a "
                               "row. Check the file has one column for each field and save it as CSV again.")
        if count > MAX_ROWS + 1:
            raise NotAFeedFile(f"The file has more than {MAX_ROWS:,} rows: split it into smaller files.")
        yield number, cells


def _unreadable(number: int, error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return (f"Row {number}: a value is longer than the {MAX_VALUE // 1024} KB Casebook reads; check the row's "
                "quotes (a quote left open runs on to the end of the file) or shorten the value.")
    return f"Row {number} cannot be read as CSV ({error}). Save the file as CSV UTF-8 and upload it again."


def _names(cells: list[str]) -> list[str]:
    return [name.strip().strip("\ufeff").strip().lower() for name in cells]


def summary(counts: Mapping[str, int]) -> str:
    """Counts as one line: "created 3, updated 1, unchanged 0, refused 2"."""
    return ", ".join(f"{action} {number}" for action, number in counts.items())


def refusal_lines(number: int, absence_id: str, errors: Mapping[str, str]) -> list[str]:
    """One line per problem of a refused row: "row 7 (absence_id X9): first_day: Enter the first day…"."""
    return [f"row {number} (absence_id {absence_id or '-'}): {field}: {message}" for field, message in errors.items()]


def refusal_report(header: list[str], refused: Iterable[tuple[int, Mapping, Mapping[str, str]]],
                   reported: Iterable[str]) -> str:
    """The refused rows as CSV: the file's columns that are among `reported` (the feed's own columns without
    those that may hold health information: a column it does not know, or a medical one, is left out), then
    `row` (its number in the file) and `errors`. Written by `casework.exports.to_csv`, so no cell runs as a
    formula in a spreadsheet."""
    known = set(reported)
    columns = tuple(dict.fromkeys(name for name in header if name in known))
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (*[_cell(row.get(name)) for name in columns], number, describe(errors)) for number, row, errors in refused)
    return to_csv([Table("refused", "Refused rows", (*columns, "row", "errors"), rows)])


def _cell(value: object) -> str:
    return value if isinstance(value, str) else text(value)


def describe(errors: Mapping[str, str]) -> str:
    """{field: message} as one line: "field: message; field: message"."""
    return "; ".join(f"{field}: {message}" for field, message in errors.items())


def text(value: object) -> str:
    """A cell as text: JSON booleans as Y/N, null as empty, surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    return str(value).strip()


def yes_no(value: object) -> bool | None:
    """Y/N, yes/no, true/false, 1/0 in any case (empty is N); None when it is none of these."""
    word = text(value).lower()
    return True if word in _YES else False if word in _NO else None


def iso_date(value: object) -> dt.date | None:
    """A YYYY-MM-DD date from EARLIEST to LATEST; None when empty. Raises NotADate (a ValueError) for anything
    else."""
    word = text(value)
    if not word:
        return None
    try:
        day = dt.date.fromisoformat(word) if _ISO_DATE.fullmatch(word) else None
    except ValueError:
        day = None
    if day is None:
        raise NotADate(f"{word!r} is not a date: write it as YYYY-MM-DD.")
    if not in_range(day):
        raise NotADate(f"{word!r} is too far away: use a date from {EARLIEST} to {LATEST}.", out_of_range=True)
    return day
