"""Feed files: decoding an uploaded CSV, reading its rows with their numbers and its cells, and the
refused-rows report."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Callable, Iterable, Mapping

from casework.calendar import EARLIEST, LATEST, in_range

_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0", ""}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class NotAFeedFile(Exception):
    """The bytes are not a CSV text file."""


class NotADate(ValueError):
    """A cell that is not a date Casebook takes; its words say why. `out_of_range`: a real date, too far away."""

    def __init__(self, message: str, out_of_range: bool = False):
        super().__init__(message)
        self.out_of_range = out_of_range


def decode_text(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel writes it."""
    if b"\0" in data:
        raise NotAFeedFile("This is not a CSV text file. Save the spreadsheet as CSV and upload that.")
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
    reader = csv.reader(stream)
    header = _names(next(reader, []))
    numbers: list[int] = []
    rows: list[dict] = []
    line = reader.line_num
    for cells in reader:
        if progress and len(rows) % 1000 == 999:
            progress(stream.tell())
        number, line = line + 1, reader.line_num
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
    return _names(next(csv.reader(io.StringIO(text, newline="")), []))


def _names(cells: list[str]) -> list[str]:
    return [name.strip().lower() for name in cells]


def summary(counts: Mapping[str, int]) -> str:
    """Counts as one line: "created 3, updated 1, unchanged 0, refused 2"."""
    return ", ".join(f"{action} {number}" for action, number in counts.items())


def refusal_lines(number: int, absence_id: str, errors: Mapping[str, str]) -> list[str]:
    """One line per problem of a refused row: "row 7 (absence_id X9): first_day: Enter the first day…"."""
    return [f"row {number} (absence_id {absence_id or '-'}): {field}: {message}" for field, message in errors.items()]


def refusal_report(header: list[str], refused: Iterable[tuple[int, Mapping, Mapping[str, str]]]) -> str:
    """The refused rows as CSV: the file's own columns, then `row` (its number in the file) and `errors`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*header, "row", "errors"])
    for number, row, errors in refused:
        writer.writerow([*(row.get(name) or "" for name in header), number, describe(errors)])
    return out.getvalue()


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
