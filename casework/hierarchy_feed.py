"""The staff hierarchy from ESR: reading one `employees.csv` row, and deciding what a file changes.

Pure: the stored employees come in as plain values ({assignment_number: {field: value}}), `today` is a
parameter. A file is all or nothing: a refused row, a supervisor who is nobody, a repeated assignment
number or a cycle in the supervisor chain refuses the whole file, since skipping a row could leave
others pointing at a supervisor who was never loaded.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from typing import Callable, Iterable, Mapping

from casework.feed_dates import DAY_FIRST, DateOrder, date_order, feed_date
from casework.feed_files import lacking, text
from casework.plain_text import ONE_LINE, unsafe_in_a_line

COLUMNS = ("assignment_number", "employee_number", "first_name", "last_name", "email", "job_title", "division",
           "directorate", "department", "fte", "contracted_hours", "working_days", "region",
           "supervisor_assignment_number", "start_date", "end_date")
# The employee's postal address for letters: optional columns. A file without them leaves stored addresses as
# they are; a file with them sets (or, left empty, clears) each row's.
ADDRESS_COLUMNS = ("address_line_1", "address_line_2", "town", "postcode")
FIELDS = COLUMNS[1:] + ADDRESS_COLUMNS
REPORTED_COLUMNS = COLUMNS + ADDRESS_COLUMNS   # what a refused-rows report repeats of a row
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REGIONS = ("ENG", "WLS", "SCT", "NIR")
LIMITS = {"assignment_number": 40, "employee_number": 40, "first_name": 100, "last_name": 100, "email": 200,
          "job_title": 200, "division": 100, "directorate": 100, "department": 100,
          "supervisor_assignment_number": 40, "address_line_1": 200, "address_line_2": 200, "town": 100,
          "postcode": 20}
DATE_COLUMNS = ("start_date", "end_date")
REQUIRED = ("assignment_number", "first_name", "last_name", "division", "fte")
MAX_HOURS = 60
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
SHOWN_IN_CYCLE = 10


def missing_columns(header: Iterable[str]) -> list[str]:
    """The required columns a file's header lacks, in the documented order."""
    return lacking(header, COLUMNS)


def read_row(row: Mapping[str | None, object], order: DateOrder = DAY_FIRST) -> tuple[dict | None, dict[str, str]]:
    """One row as {column: value} (dates as dates, ISO or UK read in the file's `order`, fte and hours as numbers,
    working days as a list, the postcode in capitals), or what is wrong with it as {column: message}. An address
    column the file does not have is left out of the values, so the stored address stays as it is."""
    errors: dict[str, str] = {}
    if row.get(None):
        errors["row"] = "This row has more cells than the header: put text containing commas in quotes."
    values: dict = {name: text(row.get(name)) or None for name in LIMITS}
    for name in REQUIRED:
        if name in LIMITS and not values[name]:
            errors[name] = "Enter the " + name.replace("_", " ") + "."
    for name, limit in LIMITS.items():
        if values[name] and len(values[name]) > limit:
            errors[name] = f"Use at most {limit} characters."
        elif values[name] and unsafe_in_a_line(values[name]):
            errors[name] = ONE_LINE
    if values["email"] and "email" not in errors and not _EMAIL.fullmatch(values["email"]):
        errors["email"] = f"{values['email']!r} is not an e-mail address."
    if values["email"]:
        values["email"] = values["email"].lower()
    if values["postcode"]:
        values["postcode"] = " ".join(values["postcode"].upper().split())
    for name in ADDRESS_COLUMNS:
        if name not in row:
            del values[name]
    values["fte"] = _number(row.get("fte"), "fte", errors, above=0.0, most=1.0, required=True,
                            words="a number above 0 and at most 1, as 0.6")
    values["contracted_hours"] = _number(row.get("contracted_hours"), "contracted_hours", errors, above=None,
                                         most=MAX_HOURS, words=f"hours a week, from 0 to {MAX_HOURS}")
    values["working_days"] = _working_days(row.get("working_days"), errors)
    region = text(row.get("region")).upper() or "ENG"
    if region not in REGIONS:
        errors["region"] = f"Unknown region {region!r}: use one of {', '.join(REGIONS)} (empty means ENG)."
    values["region"] = region
    for name in DATE_COLUMNS:
        try:
            values[name] = feed_date(row.get(name), order)
        except ValueError as problem:
            errors[name] = str(problem)
    if not errors.keys() & {"start_date", "end_date"} and values["start_date"] and values["end_date"] \
            and values["end_date"] < values["start_date"]:
        errors["end_date"] = "The leaving date must be on or after the start date."
    supervisor = values["supervisor_assignment_number"]
    if supervisor and supervisor == values["assignment_number"]:
        errors["supervisor_assignment_number"] = "An employee cannot supervise themselves."
    return (None, errors) if errors else (values, {})


def _number(value, name: str, errors: dict, above, most: float, words: str, required: bool = False):
    word = text(value)
    if not word:
        if required:
            errors[name] = f"Enter the {name.replace('_', ' ')}: {words}."
        return None
    try:
        number = float(word)
    except ValueError:
        number = None
    if number is None or number != number or number > most or (number <= above if above is not None else number < 0):
        errors[name] = f"{word!r} is not {words}."
        return None
    return number


def _working_days(value, errors: dict) -> list[str]:
    words = text(value).replace(",", " ").split()
    if not words:
        return list(WEEKDAYS[:5])
    days = {word[:3].title() for word in words}
    unknown = [word for word in words if word[:3].title() not in WEEKDAYS]
    if unknown:
        errors["working_days"] = f"Unknown day {unknown[0]!r}: write the days as Mon Tue Wed Thu Fri Sat Sun."
    return [day for day in WEEKDAYS if day in days]


@dataclasses.dataclass
class Outcome:
    """What one row does: "created" (a new starter), "updated", "unchanged" or "refused".

    An update carries {field: (before, after)} in `changes`; a refusal {field: message} in `errors`.
    """

    index: int
    assignment_number: str
    action: str = "refused"
    errors: dict = dataclasses.field(default_factory=dict)
    values: dict | None = None
    changes: dict = dataclasses.field(default_factory=dict)

    @property
    def key(self) -> str:
        """The row's own identifier, as an import report shows it."""
        return self.assignment_number

    @property
    def leaver(self) -> bool:
        """A leaving date is set where none was (a new starter already gone counts as a starter)."""
        return "end_date" in self.changes and self.changes["end_date"][0] is None

    @property
    def supervisor_changed(self) -> bool:
        return "supervisor_assignment_number" in self.changes

    @property
    def detail_changes(self) -> dict:
        """The changes other than a new leaving date and the supervisor."""
        return {name: change for name, change in self.changes.items()
                if name != "supervisor_assignment_number" and not (name == "end_date" and self.leaver)}

    @property
    def detail(self) -> list[str]:
        """What the row changes, in words: "New starter", "Leaves on 2026-11-30",
        "supervisor: A1 → A2", "job_title: Nurse → Sister"."""
        if self.action == "created":
            return ["New starter"]
        lines = [f"Leaves on {self.changes['end_date'][1].isoformat()}"] if self.leaver else []
        if self.supervisor_changed:
            lines.append("supervisor: " + " → ".join(shown(value) for value in self.changes[
                "supervisor_assignment_number"]))
        return lines + [f"{name}: {shown(before)} → {shown(after)}"
                        for name, (before, after) in self.detail_changes.items()]


@dataclasses.dataclass(frozen=True)
class Ended:
    """An employee in post missing from a full file: their assignment ends on `on`."""

    assignment_number: str
    name: str
    on: dt.date


@dataclasses.dataclass
class Plan:
    """Each row's outcome, and the assignments a full file ends."""

    outcomes: list[Outcome]
    ended: list[Ended] = dataclasses.field(default_factory=list)

    @property
    def refused(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "refused"]

    @property
    def starters(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "created"]

    @property
    def leavers(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "updated" and outcome.leaver]

    @property
    def changed_details(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "updated" and outcome.detail_changes]

    @property
    def changed_supervisors(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "updated" and outcome.supervisor_changed]


def shown(value) -> str:
    """A value as a diff shows it: dates ISO, lists space-separated, nothing as "(none)"."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return " ".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def plan_hierarchy(rows: list[Mapping[str | None, object]], stored: Mapping[str, Mapping], today: dt.date,
                   full: bool = False, progress: Callable[[int], None] | None = None) -> Plan:
    """Decide what each row does against the stored employees ({assignment_number: {field: value}}).

    A row is refused when it cannot be read, repeats an assignment number of the file, names a
    supervisor who is nobody (in the file or stored), or is part of a cycle of supervisors. With
    `full`, every stored employee in post whom the file leaves out ends today; without it they are
    left as they are. `progress(rows read)` is called every 1,000 rows and at the end.
    """
    repeats = Counter(text(row.get("assignment_number")) for row in rows)
    outcomes = []
    order = date_order(rows, DATE_COLUMNS)
    for index, raw in enumerate(rows):
        values, errors = read_row(raw, order)
        number = text(raw.get("assignment_number"))
        outcome = Outcome(index, number, errors=errors, values=values)
        if number and repeats[number] > 1:
            outcome.errors["assignment_number"] = f"The assignment number {number} is given {repeats[number]} times."
        outcomes.append(outcome)
        if progress and (index + 1) % 1000 == 0:
            progress(index + 1)
    _check_supervisors(outcomes, stored)
    for outcome in outcomes:
        if not outcome.errors:
            _decide(outcome, stored.get(outcome.assignment_number))
        else:
            outcome.values = None
    if progress:
        progress(len(rows))
    ended = []
    if full:
        named = set(repeats)
        ended = [Ended(number, f"{values.get('first_name', '')} {values.get('last_name', '')}".strip(), today)
                 for number, values in sorted(stored.items())
                 if number not in named and (values.get("end_date") is None or values["end_date"] > today)]
    return Plan(outcomes, ended)


def _check_supervisors(outcomes: list[Outcome], stored: Mapping[str, Mapping]) -> None:
    """Refuse rows naming a supervisor who is nobody, and every row of a supervisor cycle."""
    readable = [(outcome, outcome.values["supervisor_assignment_number"])
                for outcome in outcomes if outcome.values is not None]
    in_file = {outcome.assignment_number: outcome for outcome, _ in readable}
    supervisor_of = {number: values.get("supervisor_assignment_number") for number, values in stored.items()}
    supervisor_of.update({outcome.assignment_number: boss for outcome, boss in readable})
    known = set(stored) | {text(outcome.assignment_number) for outcome in outcomes}
    for outcome, boss in readable:
        if boss and boss not in known:
            outcome.errors["supervisor_assignment_number"] = (
                f"No employee has the assignment number {boss}, in this file or in Casebook.")
    for cycle in _cycles(supervisor_of):
        rows = [in_file[number] for number in cycle if number in in_file]
        if not rows:
            continue
        chain = " → ".join(_named(number, in_file) for number in cycle[:SHOWN_IN_CYCLE])
        chain += " → …" if len(cycle) > SHOWN_IN_CYCLE else f" → {_named(cycle[0], in_file)}"
        for outcome in rows:
            outcome.errors["supervisor_assignment_number"] = (
                f"The supervisors go round in a circle ({len(rows)} row{'s' if len(rows) > 1 else ''} of this file): "
                f"{chain}.")


def _named(number: str, in_file: Mapping[str, Outcome]) -> str:
    return number if number in in_file else f"{number} (in Casebook)"


def _cycles(supervisor_of: Mapping[str, str | None]) -> list[list[str]]:
    """Every cycle of the supervisor links, each once, starting from its smallest assignment number."""
    state: dict[str, int] = {}
    cycles = []
    for start in supervisor_of:
        if start in state:
            continue
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node in supervisor_of and node not in state:
            state[node] = 1
            position[node] = len(path)
            path.append(node)
            node = supervisor_of[node]
        if node in position:
            cycle = path[position[node]:]
            first = cycle.index(min(cycle))
            cycles.append(cycle[first:] + cycle[:first])
        for visited in path:
            state[visited] = 2
    return cycles


def _decide(outcome: Outcome, before: Mapping | None) -> None:
    if before is None:
        outcome.action = "created"
        return
    values = outcome.values
    assert values is not None, "only a row read without errors is decided"
    outcome.changes = {name: (before.get(name), values[name]) for name in FIELDS
                       if name in values and _comparable(before.get(name)) != _comparable(values[name])}
    outcome.action = "updated" if outcome.changes else "unchanged"


def _comparable(value):
    if value == "" or value == []:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return value


def counts(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """How many rows are new starters (created), updated, unchanged and refused."""
    tally = Counter(outcome.action for outcome in outcomes)
    return {action: tally[action] for action in ("created", "updated", "unchanged", "refused")}
