"""The formal ladder at trust scale (issue 15): re-evaluating one employee whose case is in a review period with a
target (what saving an absence does), the in-flight import's check of who is off sick, and the trust-wide trigger
scan (dry run), on the scale model of `bench/report.py` (25,000 employees, about 200,000 absences) with a
short-term case in review for one employee in ten. Median of 20 runs (the scan: one run). Run by hand:

    .venv/bin/python bench/ladder.py [--employees 25000] [--absences 200000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.letters import RUNS, median_ms  # noqa: E402  (the path above first)


def in_review(employees, today: dt.date) -> int:
    """A short-term case at the absence support stage for one employee in ten: support agreed 4 weeks ago with a
    target of one occasion and a 12-week review period."""
    from documents import Case
    from documents.case import Outcome, Stage
    decided = today - dt.timedelta(weeks=4)
    cases = []
    for employee in employees[::10]:
        outcome = Outcome(kind="support_agreed", decided_on=decided, decided_by="bench", target_occasions=1,
                          target="No more than 1 occasion", review_date=decided + dt.timedelta(weeks=12))
        stage = Stage(key="absence_support", entered_on=decided - dt.timedelta(weeks=2), outcome=outcome,
                      review_date=outcome.review_date, associated_on=dt.datetime(2026, 1, 1))
        cases.append(Case(employee=employee.pk, assignment_number=employee.assignment_number,
                          division=employee.division, manager_path=employee.manager_path, kind="STS", status="open",
                          policy_key="council-2019", policy_revision=1, stage="absence_support",
                          opened_on=stage.entered_on, stages=[stage]))
    Case.objects.insert(cases, load_bulk=False)
    return len(cases)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=25_000)
    parser.add_argument("--absences", type=int, default=200_000)
    options = parser.parse_args()
    from mongoengine.connection import get_db

    from bench.report import fill
    from bench.scratch import scratch_app
    from documents import Absence, Employee
    from services import clock
    from services.imports.inflight import _off_sick
    from services.triggers import evaluate_employee, install_presets, scan
    today = clock.today()
    with scratch_app():
        started = time.perf_counter()
        fill(get_db(), options.employees, options.absences, today)
        install_presets()
        staff = list(Employee.objects.exclude("audit").order_by("assignment_number"))
        cases = in_review(staff, today)
        print(f"Filled {len(staff):,} employees, {Absence.objects.count():,} absences and {cases:,} cases in "
              f"review in {time.perf_counter() - started:.1f} s")
        one = staff[0]
        ids = [employee.pk for employee in staff]
        steps = [
            ("evaluate one employee with a case in review", median_ms(lambda: evaluate_employee(one, today))),
            ("who is off sick: 14 employees (by id)", median_ms(lambda: _off_sick(ids[:14], today))),
            ("who is off sick: 2,000 employees (open absences)", median_ms(lambda: _off_sick(ids[:2000], today))),
        ]
        started = time.perf_counter()
        summary = scan(today, "bench", apply=False)
        steps.append((f"trust-wide scan, dry run ({summary.employees:,} employees, "
                      f"{sum(summary.actions.values()):,} actions)", (time.perf_counter() - started) * 1000))
    print(f"The formal ladder at scale, median of {RUNS} runs (the scan: one run)")
    print(f"{'step':<70}{'ms':>10}")
    for label, value in steps:
        print(f"{label:<70}{value:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
