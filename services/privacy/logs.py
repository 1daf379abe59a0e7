"""The logs the data protection officer reads: who read whose medical detail, and who was refused what. Each is
narrowed by a `LogFilter` with an index serving every part of it, drawn as one `Table` for the page and the CSV."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import mongoengine as me

from casework.exports import Table
from casework.privacy import LogFilter, local_time, utc_bounds
from documents import AccessRefusal, Employee, MedicalRead, User, utcnow

# A name given as a filter may match a few people; more, and the DPO is asked for more of the name.
PEOPLE_AT_MOST = 10
CSV_ROWS_AT_MOST = 100_000
NAMES_AT_ONCE = 500


@dataclasses.dataclass(frozen=True)
class LogKind:
    """One of the logs: its document, the field naming the person who read or was refused, and its table's
    columns."""

    key: str
    title: str
    document: type[me.Document]
    who_field: str
    columns: tuple[str, ...]


READS = LogKind("medical-reads", "Medical reads", MedicalRead, "reader",
                ("When", "Reader", "Reader's login", "Employee", "Assignment number", "What", "Where"))
REFUSALS = LogKind("refusals", "Refused attempts", AccessRefusal, "who",
                   ("When", "Who", "Login or token", "Employee", "Assignment number", "Why", "Method", "Path",
                    "Page"))


def record_refusal(who: str, method: str, path: str, endpoint: str | None, reason: str,
                   assignment_number: str | None = None) -> None:
    """Log, with one insert, that `who` was refused `method path` for `reason` (about `assignment_number`)."""
    AccessRefusal.objects.insert(AccessRefusal(who=who, at=utcnow(), method=method[:10], path=path[:2000],
                                               endpoint=(endpoint or "")[:200] or None, reason=reason,
                                               assignment_number=assignment_number), load_bulk=False)


def narrowed(kind: LogKind, log_filter: LogFilter, zone: ZoneInfo) -> tuple[me.QuerySet, dict[str, str]]:
    """The log's entries the filter asks for, latest first, and a message for a name that matches nobody or too
    many (that part then narrows nothing, or everything away when nobody matches)."""
    errors: dict[str, str] = {}
    conditions: dict = {}
    if log_filter.employee:
        numbers = [log_filter.employee] if log_filter.employee_is_number else _employees_named(log_filter.employee)
        _narrow(conditions, "assignment_number", numbers, errors, "employee", "No employee is called that.")
    if log_filter.reader:
        logins = [log_filter.reader] if log_filter.reader_is_login else _logins_named(log_filter.reader)
        _narrow(conditions, kind.who_field, logins, errors, "reader", "No login has that name.")
    since, until = utc_bounds(log_filter.since, log_filter.until, zone)
    if since:
        conditions["at__gte"] = since
    if until:
        conditions["at__lt"] = until
    return kind.document.objects(**conditions).order_by("-at"), errors


def _narrow(conditions: dict, field: str, values: list[str], errors: dict[str, str], name: str,
            nobody: str) -> None:
    if len(values) > PEOPLE_AT_MOST:
        errors[name] = (f"More than {PEOPLE_AT_MOST} people have that name: give more of it, or the "
                        f"{'assignment number' if name == 'employee' else 'login'}.")
        return
    if not values:
        errors[name] = nobody
    conditions[field if len(values) == 1 else f"{field}__in"] = values[0] if len(values) == 1 else values


def _variants(word: str) -> list[str]:
    return sorted({word, word.lower(), word.upper(), word.capitalize(), word.title()})


def _employees_named(name: str) -> list[str]:
    """The assignment numbers of the employees whose last name (and first name, when two words or more are given)
    is `name`, in any usual capitalisation: read from the name index."""
    words = name.split()
    query = Employee.objects(last_name__in=_variants(words[-1]))
    if len(words) > 1:
        query = query.filter(first_name__in=_variants(" ".join(words[:-1])))
    return [employee.assignment_number for employee in query.only("assignment_number").limit(PEOPLE_AT_MOST + 1)]


def _logins_named(name: str) -> list[str]:
    """The e-mails of the logins with words of their name or address starting with those of `name` (as the Users
    search finds them)."""
    return [user.email for user in User.with_words(name).only("email").limit(PEOPLE_AT_MOST + 1)]


def table(kind: LogKind, entries: Iterable, zone: ZoneInfo) -> Table:
    """The entries as the page and the CSV show them: times in the organisation's time zone, names beside logins
    and assignment numbers."""
    entries = list(entries)
    rows: list[tuple]
    people = _names(Employee, "assignment_number", {entry.assignment_number for entry in entries})
    logins = _names(User, "email", {getattr(entry, kind.who_field) for entry in entries})
    if kind is READS:
        rows = [(local_time(entry.at, zone), logins.get(entry.reader, ""), entry.reader,
                 people.get(entry.assignment_number, ""), entry.assignment_number, entry.what, entry.where)
                for entry in entries]
    else:
        rows = [(local_time(entry.at, zone), logins.get(entry.who, ""), entry.who,
                 people.get(entry.assignment_number, ""), entry.assignment_number, entry.reason_label, entry.method,
                 entry.path, entry.endpoint) for entry in entries]
    return Table(kind.key, kind.title, kind.columns, tuple(rows))


def whole(kind: LogKind, query: me.QuerySet, zone: ZoneInfo) -> Table:
    """Every entry the filter gives (up to CSV_ROWS_AT_MOST), for the CSV."""
    return table(kind, query.limit(CSV_ROWS_AT_MOST), zone)


def _names(document: type[me.Document], key: str, values: set) -> dict[str, str]:
    """Each of `values` (assignment numbers or logins) with its person's name, looked up a few hundred at a time."""
    wanted, found = sorted(value for value in values if value), {}
    for start in range(0, len(wanted), NAMES_AT_ONCE):
        chunk = wanted[start:start + NAMES_AT_ONCE]
        fields = ("first_name", "last_name") if document is Employee else ("name",)
        for item in document.objects(**{f"{key}__in": chunk}).only(key, *fields):
            found[getattr(item, key)] = item.name
    return found
