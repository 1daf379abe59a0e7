"""The data protection officer's rules: reading the filters of the logs of medical reads and refused attempts, the
UTC bounds of a range of the organisation's days, and the manifest of a subject access export."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from casework.calendar import OUT_OF_RANGE, in_range

TERM_LENGTH = 100
# An assignment number: letters, digits and dashes, with at least one digit (a name has none).
ASSIGNMENT_NUMBER = re.compile(r"^(?=.*\d)[A-Za-z0-9-]{1,40}$")
DATE_FORMAT_MESSAGE = "Enter the date as YYYY-MM-DD, for example 2026-03-01."


@dataclasses.dataclass(frozen=True)
class LogFilter:
    """What a log is narrowed to: an employee (by assignment number or name), a reader (by login or name) and the
    days from and to (both included, in the organisation's time zone). Empty strings and None narrow nothing."""

    employee: str = ""
    reader: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def employee_is_number(self) -> bool:
        return bool(ASSIGNMENT_NUMBER.match(self.employee))

    @property
    def reader_is_login(self) -> bool:
        """A login's e-mail, or an API token as the logs name it (`api:NAME`); otherwise a person's name."""
        return "@" in self.reader or self.reader.startswith("api:")

    def query_args(self) -> dict[str, str]:
        """The filter as the page's query string (for the CSV link and the pages' links)."""
        values = {"employee": self.employee, "reader": self.reader,
                  "from": self.since.isoformat() if self.since else "",
                  "to": self.until.isoformat() if self.until else ""}
        return {name: value for name, value in values.items() if value}


def parse_log_filter(args: Mapping[str, str]) -> tuple[LogFilter, dict[str, str]]:
    """The filter `args` ask for (`employee`, `reader`, `from`, `to`) and a message for each field given badly; a
    field given badly narrows nothing, so the list still shows."""
    errors: dict[str, str] = {}
    employee = _term(args, "employee", errors)
    reader = _term(args, "reader", errors)
    reader = reader.lower() if "@" in reader else reader
    since, until = _day(args, "from", errors), _day(args, "to", errors)
    if since and until and until < since:
        errors["to"] = "The last day must be on or after the first day."
        until = None
    return LogFilter(employee, reader, since, until), errors


def _term(args: Mapping[str, str], name: str, errors: dict[str, str]) -> str:
    value = " ".join((args.get(name) or "").split())
    if len(value) > TERM_LENGTH:
        errors[name] = f"Enter at most {TERM_LENGTH} characters."
        return ""
    return value


def _day(args: Mapping[str, str], name: str, errors: dict[str, str]) -> dt.date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors[name] = DATE_FORMAT_MESSAGE
        return None
    if not in_range(day):
        errors[name] = OUT_OF_RANGE
        return None
    return day


def utc_bounds(since: dt.date | None, until: dt.date | None,
               zone: ZoneInfo) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants (UTC, naive, as stored) from the start of `since` to the end of `until` in `zone`: the first
    included, the second not."""
    def start(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.timezone.utc).replace(tzinfo=None)

    return (start(since) if since else None), (start(until + dt.timedelta(days=1)) if until else None)


def local_time(at: dt.datetime, zone: ZoneInfo) -> str:
    """A stored UTC instant as the organisation's clock showed it: `2026-03-01 14:05`."""
    return at.replace(tzinfo=dt.timezone.utc).astimezone(zone).strftime("%Y-%m-%d %H:%M")


@dataclasses.dataclass(frozen=True)
class ExportFile:
    """One file of a subject access export: its name in the zip, its bytes and how many records it holds."""

    name: str
    data: bytes
    count: int


def build_manifest(files: Sequence[ExportFile], subject: Mapping[str, str], generated_at: str, generated_by: str,
                   left_out: Sequence[str]) -> dict:
    """The manifest of an export: whose records, when and by whom, what was left out and why, and each file with
    its count, size and SHA-256."""
    return {"subject": dict(subject), "generated_at": generated_at, "generated_by": generated_by,
            "left_out": list(left_out),
            "files": [{"file": file.name, "count": file.count, "bytes": len(file.data),
                       "sha256": sha256(file.data)} for file in files]}


def sha256(data: bytes) -> str:
    """The SHA-256 of a file of an export, or of the whole export, as the manifest and the log give it."""
    return hashlib.sha256(data).hexdigest()


def export_filename(assignment_number: str, day: dt.date) -> str:
    """`subject-access-A30001-2026-03-01.zip`, with anything but letters, digits and dashes left out."""
    return f"subject-access-{re.sub(r'[^A-Za-z0-9-]', '', assignment_number)}-{day.isoformat()}.zip"


def letter_path(owner: str, template: str, number: int, filename: str) -> str:
    """Where a letter's version goes in the zip: `letters/case-1-C3-v1-name.docx` (safe characters only)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)[-80:] or "letter.docx"
    return f"letters/{owner}-{re.sub(r'[^A-Za-z0-9]', '', template)}-v{number}-{safe}"
