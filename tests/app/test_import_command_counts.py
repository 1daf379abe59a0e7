"""An employee import makes a fixed number of database commands whatever the file's size, up to its chunk of 2,000
rows (counted with pymongo's command monitoring, as tests/app/test_command_counts.py counts the pages): one read of
the employees, one of the logins and one of the cases, then bulk writes. A count that grows with the rows means a
read or a write per row."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from documents import Employee, User
from services.imports.hierarchy import CHUNK, import_employees
from services.settings import Settings
from services.triggers import active_policy
from tests.app.test_hierarchy_import import tree
from tests.conftest import clean_database, database_commands

DAY = dt.date(2026, 11, 23)
ACTOR = "import:employees.csv by test"
# Each above the 101 documents of a read's first batch, so both sizes take one getMore; 4 × SMALL stays under CHUNK.
SMALL = 120
# The commands of a first load: employees read (find, getMore), logins read (find, getMore), cases read (find),
# employees inserted (insert), logins made (insert), roll-ups inserted (insert), the unfinished-work record and its
# removal (insert, delete), the task rows rebuilt and the policy read by the figures (a few finds, deletes) — a
# fixed number, whatever the rows.
MOST_FIRST, MOST_AGAIN = 30, 20


def commands_of(app, rows: list[dict]) -> Counter:
    """The (command, collection) pairs one import of `rows` sends, counted (a getMore names its cursor, not its
    collection)."""
    with database_commands() as sent:
        result = import_employees(rows, ACTOR, "import", DAY, mail=Settings.from_config(app.config).mail)
    assert not result.refused
    return Counter((name, "cursor" if name == "getMore" else target) for name, target in sent)


def test_an_employee_import_makes_the_same_commands_for_four_times_the_rows(app):
    """120 and 480 employees (each a tree, 8 to a supervisor: 15 and 60 managers given logins): the first load and
    the unchanged re-run each send the same commands, and a few of them."""
    assert SMALL * 4 <= CHUNK
    counted = {}
    for size in (SMALL, 4 * SMALL):
        clean_database()
        active_policy()             # the presets installed before counting, as on any database in use
        rows = tree(size)
        first = commands_of(app, rows)
        again = commands_of(app, rows)
        assert Employee.objects.count() == size and User.objects.count() == (size - 1) // 8 + 1
        counted[size] = (first, again)
    (small_first, small_again), (grown_first, grown_again) = counted[SMALL], counted[4 * SMALL]
    assert small_first == grown_first, (small_first, grown_first)
    assert small_again == grown_again, (small_again, grown_again)
    assert sum(small_first.values()) <= MOST_FIRST and sum(small_again.values()) <= MOST_AGAIN, (small_first,
                                                                                                   small_again)
    assert ("insert", "employees") in small_first and ("update", "employees") not in small_again


def _inflight_writes(staff: list) -> Counter:
    """The write commands, by (command, collection), of an in-flight import of one short-term case for each of
    `staff`."""
    from services.imports.inflight import import_inflight
    from tests.app.test_import_batching import _writes
    from tests.app.test_inflight_import import case_row
    from tests.conftest import database_commands_sent
    rows = [case_row(person.assignment_number) for person in staff]
    with database_commands_sent() as sent:
        result = import_inflight(rows, ACTOR, "import", DAY)
    assert result.counts["created"] == len(staff) and not result.refused
    return _writes(sent)


def test_an_inflight_import_of_four_times_the_cases_sends_the_same_writes(make_employee, make_user):
    """3 cases in progress, then 12 (each employee under one supervisor with a manager login): one insert of the
    cases, one of their open-task rows and one write of the staff summaries each time, whatever the rows."""
    active_policy()
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    small = [make_employee(supervisor_assignment_number=boss.assignment_number) for _ in range(3)]
    grown = [make_employee(supervisor_assignment_number=boss.assignment_number) for _ in range(12)]
    small_writes, grown_writes = _inflight_writes(small), _inflight_writes(grown)
    assert small_writes == grown_writes
    assert small_writes[("insert", "cases")] == small_writes[("insert", "open_tasks")] == 1
    assert small_writes[("update", "employees")] == 1
