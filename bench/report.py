"""How long the board report takes at trust scale (DESIGN "Scale and speed": the trust-wide board report ≤ 2 s),
and the live dashboards beside it.

Fills a fresh embedded database with the scale model — 25,000 employees in 4 divisions and 12 directorates
(a fifth part-time, some on three-day patterns, some starters and leavers) and about 200,000 sickness
absences over three years — then times, median of 5 runs, each step beside its baseline measured in the same
run: reading the same employees and absences from the database and nothing else. Run by hand:

    .venv/bin/python bench/report.py [--employees 25000] [--absences 200000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

RUNS = 5
TARGET_S = 2.0
DIVISIONS = ("Acute Care", "Community Care", "Mental Health Care", "Corporate Services")
REASONS = ("back_neck", "musculoskeletal", "mental_health", "infections", "neurological", "genito_urinary",
           "pregnancy", "digestive", "heart_circulation", "respiratory", "ent_dental", "other")


def fill(db, employees: int, absences: int, today: dt.date, seed: int = 8) -> None:
    """The scale model, written straight to the collections in batches (the shapes Casebook stores)."""
    from bson import ObjectId

    from documents.base import midnight
    rng = random.Random(seed)
    people = []
    for number in range(employees):
        division = DIVISIONS[number % 4]
        part_time = rng.random() < 0.2
        pattern = ["Mon", "Tue", "Wed"] if part_time and rng.random() < 0.4 else ["Mon", "Tue", "Wed", "Thu", "Fri"]
        start = today - dt.timedelta(days=rng.randint(30, 6000))
        left = today - dt.timedelta(days=rng.randint(1, 700)) if rng.random() < 0.06 else None
        people.append({
            "_id": ObjectId(), "assignment_number": f"S{number:06d}", "first_name": "Sam",
            "last_name": f"Scale{number}",
            "division": division, "directorate": f"{division} {number % 3 + 1}", "fte": 0.6 if part_time else 1.0,
            "working_days": pattern, "region": "ENG", "start_date": midnight(start),
            **({"end_date": midnight(max(left, start))} if left else {}), "version": 0})
    db.employees.insert_many(people, ordered=False)
    rows = []
    first_possible = today - dt.timedelta(days=3 * 365)
    for number in range(absences):
        person = rng.choice(people)
        first = first_possible + dt.timedelta(days=rng.randint(0, 3 * 365))
        length = rng.choice((1, 1, 1, 2, 2, 3, 5, 5, 8, 12, 30, 60))
        last = first + dt.timedelta(days=length - 1)
        ongoing = last >= today
        row = {"employee": person["_id"], "assignment_number": person["assignment_number"],
               "first_day": midnight(first), "reason_category": rng.choice(REASONS), "source": "import",
               "external_id": f"B{number:07d}", "version": 0}
        if not ongoing:
            row["last_day"] = midnight(last)
            if rng.random() < 0.9:
                row["rtw"] = {"held_on": midnight(last + dt.timedelta(days=rng.randint(1, 9))), "held_by": "bench"}
        rows.append(row)
        if len(rows) == 20_000:
            db.absences.insert_many(rows, ordered=False)
            rows = []
    if rows:
        db.absences.insert_many(rows, ordered=False)


def median_s(step) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=25_000)
    parser.add_argument("--absences", type=int, default=200_000)
    options = parser.parse_args()
    from mongoengine.connection import get_db

    from bench.scratch import scratch_app
    from casework import board_tables
    from casework.board_report import financial_year_to_date
    from casework.exports import to_xlsx
    from documents import Absence, Employee, User
    from services import clock
    from services.figures import rebuild, refresh_employee
    from services.reads.board_report import board_report, report_queries
    from services.reads.dashboard import dashboard
    today = clock.today()
    start, end = financial_year_to_date(today)
    from services.settings import Settings
    with scratch_app() as app:
        organisation = Settings.from_config(app.config).organisation
        started = time.perf_counter()
        fill(get_db(), options.employees, options.absences, today)
        print(f"Filled {Employee.objects.count():,} employees and {Absence.objects.count():,} absences "
              f"in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        rebuild(today, check=False)     # the kept monthly figures the report reads (issue 18.1), from scratch
        print(f"Kept their monthly figures from scratch (figures rebuild) in {time.perf_counter() - started:.1f} s")
        someone = Absence._get_collection().find_one({})["employee"]
        hr = User(email="hr.bench@example.org", name="HR", roles=["hr"], hr_divisions=[DIVISIONS[1]])
        admin = User(email="admin.bench@example.org", name="Admin", roles=["admin"])

        def read_only():
            staff, absences = report_queries(None, start, end)
            list(staff.as_pymongo())
            list(absences.as_pymongo())

        def trust_wide():
            return board_report(None, start, end, today, organisation=organisation)

        report = trust_wide()
        baseline = median_s(read_only)
        steps = [
            ("read employees and absences alone (baseline)", baseline),
            ("the trust-wide report (read + figures)", median_s(trust_wide)),
            ("its tables and charts", median_s(lambda: (board_tables.tables(report),
                                                        board_tables.charts(report)))),
            ("its XLSX workbook", median_s(lambda: to_xlsx(board_tables.tables(report)))),
            ("one division's report (HR)",
             median_s(lambda: board_report(hr, start, end, today, organisation=organisation))),
            ("one employee's months kept again (after a save)",
             median_s(lambda: refresh_employee(Employee.objects.get(pk=someone), today))),
            ("the dashboard, every division (admin)", median_s(lambda: dashboard(admin, today))),
            ("the dashboard, one division (HR)", median_s(lambda: dashboard(hr, today))),
        ]
    print(f"Board report {start} to {end}, median of {RUNS} runs")
    print(f"{'step':<48}{'s':>8}{'× baseline':>12}")
    for label, value in steps:
        print(f"{label:<48}{value:>8.2f}{value / baseline:>12.2f}")
    whole = steps[1][1] + steps[2][1]
    print(f"target: the trust-wide board report ≤ {TARGET_S:.0f} s: {whole:.2f} s, "
          f"{'met' if whole <= TARGET_S else 'NOT met'}")
    return 0 if whole <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
