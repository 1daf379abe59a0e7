"""A staff hierarchy import killed with `kill -9` part-way and run again ends with exactly what an uninterrupted
run makes: every employee once with the new supervisor, their chains of supervisors, and the open manager tasks
on their cases given to the new supervisor with one audit entry each; a third run changes nothing.

The file moves 180 people from one supervisor to another (three batches of writes of BATCH rows); the command
runs in its own process against the tests' database and is killed while writing the employees, or once they are
all written while it moves the tasks. The runs after it, which nothing kills, run in the test's process."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from casework.hierarchy_feed import COLUMNS
from documents import Case, Employee, UnfinishedImport, rebuild_manager_paths
from documents.case import Stage, Task
from tests.app.test_absence_import import feed as csv_text
from tests.app.test_import_interrupted import (
    BOOT,
    counted,
    difference,
    environment,
    kill_when,
    plain,
    run_again,
    settled,
)
from tests.conftest import clean_database

AS_OF = "2026-11-23"
STAFF = 180
BATCH = 70
WITH_CASES = range(0, STAFF, 25)
OLD, NEW = "old.boss@example.org", "new.boss@example.org"
_reference: dict = {}


def person(number: str, first: str, last: str, supervisor: str = "") -> dict:
    return {"assignment_number": number, "employee_number": "E" + number, "first_name": first, "last_name": last,
            "email": f"{first.lower()}.{last.lower()}@example.org", "job_title": "Staff nurse",
            "division": "Community Care", "directorate": "Adult Services", "department": "District Nursing",
            "fte": 1.0, "contracted_hours": 37.5, "working_days": ["Mon", "Tue", "Wed", "Thu", "Fri"], "region": "ENG",
            "supervisor_assignment_number": supervisor or None, "start_date": dt.date(2018, 1, 8)}


def people(supervisor: str) -> list[dict]:
    """Two managers under a director, and STAFF people under `supervisor`."""
    return [person("D0001", "Dee", "Director"), person("M0001", "Old", "Boss", "D0001"),
            person("M0002", "New", "Boss", "D0001")] + [
        person(f"H{number:05d}", "Hal", f"Hierarchy{number}", supervisor) for number in range(STAFF)]


def seed(make_user) -> None:
    """Everyone under the old supervisor, both supervisors with a login, and every fiftieth person with a case
    whose open meeting task is the old supervisor's."""
    Employee.objects.insert([Employee(**values, version=1) for values in people("M0001")], load_bulk=False)
    rebuild_manager_paths()
    make_user(OLD, ["manager"], assignment_number="M0001", name="Old Boss")
    make_user(NEW, ["manager"], assignment_number="M0002", name="New Boss")
    for employee in Employee.objects(assignment_number__in=[f"H{number:05d}" for number in WITH_CASES]):
        Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
             manager_path=employee.manager_path, kind="STS", stage="absence_support", policy_key="council-2019",
             policy_revision=1, opened_on=dt.date(2026, 11, 16),
             stages=[Stage(key="absence_support", entered_on=dt.date(2026, 11, 16))],
             tasks=[Task(kind="hold_meeting", title="Hold the absence support meeting", stage_key="absence_support",
                         assignee=OLD, due_on=dt.date(2026, 11, 30))]).save_checked()


def row(values: dict) -> dict:
    return {**values, "fte": f"{values['fte']:g}", "contracted_hours": f"{values['contracted_hours']:g}",
            "working_days": " ".join(values["working_days"]), "start_date": values["start_date"].isoformat(),
            "supervisor_assignment_number": values["supervisor_assignment_number"] or "", "end_date": ""}


def outcome() -> dict:
    """Every employee and every case by assignment number, without what differs between runs."""
    stored = list(Employee._get_collection().find())
    names = {str(found["_id"]): found["assignment_number"] for found in stored}
    return {"employees": {found["assignment_number"]: plain(found, names) for found in stored},
            "cases": {found["assignment_number"]: plain(found, names) for found in Case._get_collection().find()}}


def command(path: Path) -> list[str]:
    return [sys.executable, "-c", BOOT, str(BATCH), "--app", "app", "import", "employees", str(path), "--as-of",
            AS_OF]


@pytest.fixture
def moves_file(tmp_path) -> Path:
    path = tmp_path / "employees.csv"
    path.write_text(csv_text([row(values) for values in people("M0002")], COLUMNS))
    return path


@pytest.fixture
def reference(app, make_user, moves_file):
    """What an uninterrupted run of the file makes (the database is emptied again afterwards), worked out once."""
    if not _reference:
        seed(make_user)
        result = app.test_cli_runner().invoke(args=["import", "employees", str(moves_file), "--as-of", AS_OF])
        assert result.exit_code == 0, result.output
        _reference.update(outcome())
        clean_database()
    return _reference


def moved_over() -> int:
    return Employee.objects(supervisor_assignment_number="M0002").count()


def tasks_moved() -> int:
    return Case.objects(tasks__assignee=NEW).count()


@pytest.mark.parametrize("when", [moved_over, tasks_moved], ids=["writing", "moving tasks"])
def test_a_hierarchy_import_killed_part_way_and_run_again_ends_with_exactly_the_right_data(
        app, reference, make_user, moves_file, database_uri, tmp_path, monkeypatch, when):
    assert all(case["tasks"][0]["assignee"] == NEW for case in reference["cases"].values())
    assert len(reference["cases"]) == len(WITH_CASES)
    seed(make_user)
    env = environment(database_uri, tmp_path)
    kill_when(command(moves_file), env, when)
    written = settled(moved_over)
    assert 0 < written <= STAFF and tasks_moved() < len(WITH_CASES)
    assert UnfinishedImport.objects(kind="employees").count() == 1

    counts = counted(run_again(app, command(moves_file), monkeypatch))
    assert (counts["created"], counts["updated"] + counts["unchanged"], counts["refused"]) == (0, STAFF + 3, 0)
    if when is moved_over:
        assert written + 3 <= counts["unchanged"] < STAFF + 3
    else:
        assert counts["updated"] == 0
    assert Employee.objects.count() == len(Employee._get_collection().distinct("assignment_number")) == STAFF + 3
    assert difference(outcome(), reference) is None and UnfinishedImport.objects.count() == 0

    third = counted(run_again(app, command(moves_file), monkeypatch))
    assert third == {"created": 0, "updated": 0, "unchanged": STAFF + 3, "refused": 0}
    assert difference(outcome(), reference) is None
