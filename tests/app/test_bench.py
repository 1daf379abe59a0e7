"""The benchmark's invented trust (bench/generate.py): its files import through the real commands with no row
refused, and have the shapes the scale model asks for."""
from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest

from bench.generate import generate
from casework.reasons import REASON_CATEGORIES
from documents import Absence, Case, Employee
from services import clock

TODAY = dt.date(2026, 6, 30)
WINDOW_START = TODAY - dt.timedelta(days=3 * 365)      # 2023-07-01


def rows(path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def files(tmp_path):
    counts = generate(tmp_path, employees=60, years=3, seed=7, today=TODAY)
    return tmp_path, counts


def run_import(app, kind: str, path):
    return app.test_cli_runner().invoke(args=["import", kind, str(path)])


def test_the_generated_files_import_without_a_refused_row(app, files):
    folder, counts = files
    with clock.frozen(TODAY):
        for kind in ("employees", "inflight", "absences"):     # the order bench/run.py loads them in
            result = run_import(app, kind, folder / f"{kind}.csv")
            assert result.exit_code == 0, result.output
            assert f"created {counts[kind + '.csv']}, updated 0, unchanged 0, refused 0" in result.output
        again = run_import(app, "absences", folder / "absences.csv")
    assert f"created 0, updated 0, unchanged {counts['absences.csv']}, refused 0" in again.output
    # 60 people: 1 chief executive, 4 directors, 12 heads, 12 service managers, 12 team leaders, 19 staff.
    assert Employee.objects.count() == 60
    assert Counter(len(row["manager_path"]) for row in Employee._get_collection().find({}, {"manager_path": 1})) \
        == {0: 1, 1: 4, 2: 12, 3: 12, 4: 12, 5: 19}
    assert len(Employee.objects.distinct("division")) == 4
    assert len(set(Employee.objects.distinct("directorate")) - {None, ""}) == 12
    assert Absence.objects.count() == counts["absences.csv"]
    # One case in progress for every fifth person: 60 / 5 = 12, each created as migrated.
    assert counts["inflight.csv"] == 12 and Case.objects(migrated__ne=None).count() == 12


def test_the_hierarchy_has_starters_leavers_and_part_time_patterns(files):
    folder, _ = files
    people = rows(folder / "employees.csv")
    starters = [row for row in people if dt.date.fromisoformat(row["start_date"]) > WINDOW_START]
    leavers = [row for row in people if row["end_date"]]
    assert starters and leavers
    assert all(WINDOW_START <= dt.date.fromisoformat(row["end_date"]) < TODAY for row in leavers)
    assert {row["fte"] for row in people} > {"1", "0.6"}
    assert any(len(row["working_days"].split()) == 3 for row in people)
    supervisors = {row["supervisor_assignment_number"] for row in people}
    assert all(row["email"].endswith("@example.org") for row in people if row["assignment_number"] in supervisors)


def test_the_absences_have_the_board_reports_reasons_and_clustering(files):
    from casework.absence_feed import reason_category
    folder, counts = files
    spells = rows(folder / "absences.csv")
    # About 8 a person over three years: 60 × 8 = 480; between 6 and 11 a person (360 to 660), given chance.
    assert 360 <= counts["absences.csv"] <= 660
    categories = Counter(reason_category(row["reason_category"]) for row in spells)
    assert set(categories) == set(REASON_CATEGORIES)
    assert categories.most_common(1)[0][0] == "infections"
    lengths = [((dt.date.fromisoformat(row["last_day"]) if row["last_day"] else TODAY)
                - dt.date.fromisoformat(row["first_day"])).days + 1 for row in spells]
    assert sum(length <= 3 for length in lengths) > len(lengths) / 2
    assert any(length > 28 for length in lengths)
    assert any(not row["last_day"] for row in spells)
    assert any(row["reason_category"].startswith("S") and row["reason_category"][1:].isdigit() for row in spells)
    assert max(Counter(row["assignment_number"] for row in spells).values()) >= 15


def test_the_same_seed_gives_the_same_files(tmp_path):
    generate(tmp_path / "one", employees=60, years=3, seed=7, today=TODAY)
    generate(tmp_path / "two", employees=60, years=3, seed=7, today=TODAY)
    for name in ("employees.csv", "absences.csv", "inflight.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_too_few_employees_for_six_levels_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least 53"):
        generate(tmp_path, employees=52, years=3, seed=7, today=TODAY)
