"""Casebook against its budgets (DESIGN "Scale and speed"; README, Sizing), on a fresh embedded database:

    python -m bench.run DIR [--skip-load] [--clients 20] [--seconds 30] [--think 1]

loads DIR's employees.csv, inflight.csv and absences.csv (written by `python -m bench.generate`) through the real
import commands, runs each again unchanged, then measures the trigger scan of everyone, the board report, the
dashboards, the pages under load (gunicorn with 2 workers, Locust's signed-in clients), one employee's
re-evaluation after an absence is saved and one letter, each beside a baseline measured in the same run. It prints
one table, writes it to DIR/results.md and DIR/results.json, and deletes the database. `--skip-load` loads the
files untimed instead (see bench/loading.py) and leaves the import rows out.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import sys
import time
import traceback
from pathlib import Path

from bench.loading import TRUST_ROWS, quick_load, rows_in, timed_load
from bench.pages import PASSWORD, page_figures
from bench.table import Figure, as_json, markdown, plain, seconds

SCAN_BUDGET_S, SCAN_RATIO = 10.0, 2.0
REPORT_BUDGET_S, DASHBOARD_BUDGET_S = 2.0, 0.5
REEVALUATION_BUDGET_S, LETTER_BUDGET_S = 0.020, 0.150
REEVALUATIONS, LETTERS, REPEATS = 20, 10, 3
ADMIN, ADVISOR = "admin.bench@example.org", "hr.dashboard@example.org"


def timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def median(step, runs: int = REPEATS) -> float:
    return statistics.median(timed(step) for _ in range(runs))


def bare_read() -> float:
    """Reading every employee and every absence and nothing else (the scan's and the report's baseline)."""
    from documents import Absence, Employee
    return median(lambda: (list(Employee._get_collection().find({})), list(Absence._get_collection().find({}))))


def scan_figures(today: dt.date, employees: int) -> list[Figure]:
    """The trigger scan of everyone in post, as the nightly `triggers scan` runs it, beside the bare read."""
    from services.triggers import scan
    baseline = bare_read()
    summary = None

    def everyone():
        nonlocal summary
        summary = scan(today, "triggers scan")

    elapsed = timed(everyone)
    budget = SCAN_BUDGET_S * employees / TRUST_ROWS["employees"]
    scaled = "" if employees == TRUST_ROWS["employees"] else f" ({SCAN_BUDGET_S:g} s × {employees:,}/25,000)"
    evaluated = summary.employees if summary else 0
    return [Figure(f"full trigger scan ({evaluated:,} in post)", seconds(elapsed),
                   f"≤ {seconds(budget)}{scaled} and ≤ {SCAN_RATIO:g}×",
                   f"{seconds(baseline)} bare read of employees and absences", elapsed / baseline,
                   elapsed <= budget and elapsed <= SCAN_RATIO * baseline)]


def report_figures(today: dt.date, organisation) -> list[Figure]:
    """The trust-wide board report beside the bare read; the dashboards of an admin (every division) and of an HR
    advisor of one division beside a bare read of every case."""
    from casework.board_report import financial_year_to_date
    from documents import Case, User
    from services.reads.board_report import board_report
    from services.reads.dashboard import dashboard
    start, end = financial_year_to_date(today)
    baseline, cases = bare_read(), median(lambda: list(Case._get_collection().find({})))
    report = median(lambda: board_report(None, start, end, today, organisation=organisation))
    figures = [Figure(f"board report, trust-wide ({start} to {end})", seconds(report), f"≤ {REPORT_BUDGET_S:g} s",
                      f"{seconds(baseline)} bare read of employees and absences", report / baseline,
                      report <= REPORT_BUDGET_S)]
    for email, words in ((ADMIN, "every division (admin)"), (ADVISOR, "one division (HR)")):
        user = User.objects.get(email=email)
        elapsed = median(lambda user=user: dashboard(user, today))
        figures.append(Figure(f"dashboard, {words}", seconds(elapsed), f"≤ {DASHBOARD_BUDGET_S:g} s",
                              f"{seconds(cases)} bare read of every case", elapsed / cases,
                              elapsed <= DASHBOARD_BUDGET_S))
    return figures


def make_readers() -> list[Figure]:
    """An administrator and an HR advisor of the first division, made through the real service (no figure)."""
    from documents import Employee
    from services.accounts import create_user
    division = sorted(Employee.objects.distinct("division"))[0]
    create_user(ADMIN, "Admin Bench", ["admin"], PASSWORD, "bench")
    create_user(ADVISOR, "HR Dashboard", ["hr"], PASSWORD, "bench", hr_divisions=[division])
    return []


def reevaluation_figures(today: dt.date) -> list[Figure]:
    """A new absence from today recorded through the real service (saved, then the employee re-evaluated) for
    REEVALUATIONS employees in post and off on none of the last days (the last assignment numbers: staff, not
    their managers), beside reading one employee's absences and cases by index."""
    from documents import Absence, Case, Employee
    from services.absences.recording import AbsenceDetails, record_absence
    busy = {row["employee"] for row in Absence._get_collection().find(
        {}, {"employee": 1, "last_day": 1}) if row.get("last_day") is None
        or row["last_day"].date() >= today - dt.timedelta(days=2)}
    chosen = [employee for employee in Employee.objects.current(today).exclude("audit").order_by("-assignment_number")
              .limit(REEVALUATIONS * 5) if employee.pk not in busy][:REEVALUATIONS]
    details = AbsenceDetails(first_day=today, expected_return=None, reason_category="infections", reason_detail=None)
    saved = statistics.median(timed(lambda employee=employee: record_absence(employee, details, "bench", today))
                              for employee in chosen)
    baseline = statistics.median(timed(lambda employee=employee: (
        list(Absence._get_collection().find({"employee": employee.pk})),
        list(Case._get_collection().find({"employee": employee.pk})))) for employee in chosen)
    return [Figure(f"an absence saved and its employee re-evaluated (median of {len(chosen)})", seconds(saved),
                   f"≤ {REEVALUATION_BUDGET_S * 1000:.0f} ms", f"{seconds(baseline)} indexed read of their absences "
                   "and cases", saved / baseline, saved <= REEVALUATION_BUDGET_S)]


def letter_figures(today: dt.date, organisation) -> list[Figure]:
    """One absence letter made through the real service (fields, render, stored), beside rendering its template
    alone; the first letter an open absence (or one with an interview) offers."""
    from casework.letters import render
    from documents import Absence, Employee
    from services.cases.letter_context import letter_context
    from services.cases.letters import absence_letters_for, generate
    from services.letter_templates import template_bytes
    found = None
    for absence in [*Absence.objects(last_day=None).limit(50), *Absence.objects(rtw__ne=None).limit(50)]:
        employee = Employee.objects.get(pk=absence.employee)
        offer = next((offer for offer in absence_letters_for(absence, employee, today, organisation=organisation)
                      if not offer.blocked), None)
        if offer:
            found = (absence, employee, offer.code)
            break
    if found is None:
        raise RuntimeError("no absence offers a letter")
    absence, employee, code = found
    made = median(lambda: generate(Absence.objects.get(pk=absence.pk), code, ADMIN, today,
                                   organisation=organisation), LETTERS)
    context = letter_context(None, employee, None, absence=absence, today=today, organisation=organisation, code=code)
    template = template_bytes(code)
    baseline = median(lambda: render(template, context), LETTERS)
    return [Figure(f"letter {code} made (median of {LETTERS})", seconds(made), f"≤ {LETTER_BUDGET_S * 1000:.0f} ms",
                   f"{seconds(baseline)} rendering the template alone", made / baseline, made <= LETTER_BUDGET_S)]


def attempt(label: str, budget: str, step) -> list[Figure]:
    """The step's figures, or one unmet figure saying why it failed (the traceback goes to standard error)."""
    print(f"{label}…", file=sys.stderr, flush=True)
    try:
        figures = step()
    except Exception as problem:        # a benchmark reports what failed and goes on to the next figure
        traceback.print_exc()
        figures = [Figure(label, f"failed: {type(problem).__name__}: {str(problem)[:200]}", budget, met=False)]
    for figure in figures:
        print("  " + " | ".join(figure.cells()), file=sys.stderr, flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the folder bench.generate wrote")
    parser.add_argument("--skip-load", action="store_true", help="load the files untimed; leave out the imports")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=1.0, help="seconds each client waits between pages, about")
    options = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))     # stopped: still stop gunicorn, delete the database
    folder = options.folder.resolve()
    counts = {kind: len(rows_in(folder / f"{kind}.csv")) for kind in ("employees", "absences", "inflight")}
    from bench.scratch import scratch_app
    from services import clock
    from services.settings import Settings
    today = clock.today()
    title = (f"Casebook benchmark, {today}: {counts['employees']:,} employees, {counts['absences']:,} absences, "
             f"{counts['inflight']:,} in-flight cases; pages: {options.clients} clients for {options.seconds:g} s, "
             f"each waiting about {options.think:g} s between pages; {os.cpu_count()} cores")
    figures: list[Figure] = []
    with scratch_app() as app:
        organisation = Settings.from_config(app.config).organisation
        scratch = Path(app.config["DATA_DIR"])
        if options.skip_load:
            quick_load(app, folder, today)
        else:
            figures += attempt("imports", "", lambda: timed_load(app, folder))
        figures += attempt("full trigger scan", "≤ 10 s", lambda: scan_figures(today, counts["employees"]))
        figures += attempt("logins", "", make_readers)
        figures += attempt("board report and dashboards", "≤ 2 s", lambda: report_figures(today, organisation))
        figures += attempt("pages under load", "p95 ≤ 150 ms", lambda: page_figures(
            app, scratch, options.clients, options.seconds, options.think))
        figures += attempt("re-evaluation", "≤ 20 ms", lambda: reevaluation_figures(today))
        figures += attempt("letter", "≤ 150 ms", lambda: letter_figures(today, organisation))
    print(plain(figures, title))
    (folder / "results.md").write_text(markdown(figures, title), encoding="utf-8")
    (folder / "results.json").write_text(as_json(figures, title), encoding="utf-8")
    return 0 if all(figure.met is not False for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
