"""Loading the benchmark's files into the scratch database: timed through the real import commands (each run as
`flask --app app import KIND FILE` against the scratch database, then run again unchanged), or, with
`--skip-load`, untimed through the same import services in this process with the re-evaluation left to one
catch-up scan."""
from __future__ import annotations

import contextlib
import csv
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Mapping

from bench.pages import ROOT, app_environment
from bench.table import Figure, seconds

# The order a go-live loads them in: the cases in progress before the absence history, so that the trigger
# engine, re-evaluating each employee after their absences are saved, finds the cases already under way.
LOAD_ORDER = ("employees", "inflight", "absences")
SHOWN_ORDER = ("employees", "absences", "inflight")
# The budgets at trust scale (DESIGN "Scale and speed"); at another size they scale with the rows.
TRUST_ROWS = {"employees": 25_000, "absences": 200_000}
BUDGET_S = {"employees": 20.0, "absences": 60.0}
ACTOR = "import:bench by bench"
_SUMMARY = re.compile(r"created (\d+), updated (\d+), unchanged (\d+), refused (\d+)")
CHUNK = 10_000


def rows_in(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def budget_of(kind: str, rows: int) -> tuple[float | None, str]:
    """The import's budget in seconds for `rows` rows, and as the table shows it."""
    if kind not in BUDGET_S:
        return None, "none set"
    budget = BUDGET_S[kind] * rows / TRUST_ROWS[kind]
    scaled = "" if rows == TRUST_ROWS[kind] else f" ({BUDGET_S[kind]:g} s × {rows:,}/{TRUST_ROWS[kind]:,})"
    return budget, f"≤ {seconds(budget)}{scaled}"


def run_import(app, kind: str, path: Path) -> tuple[float, dict[str, int], str]:
    """Run `flask --app app import KIND FILE` on the scratch database: its seconds, counts and output."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "import", kind, str(path)], cwd=ROOT,
                          env=app_environment(app), capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    found = _SUMMARY.search(done.stdout)
    if done.returncode or not found:
        lines = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
        raise RuntimeError(f"import {kind} exited {done.returncode}: {lines[-1][:300]}")
    return elapsed, dict(zip(("created", "updated", "unchanged", "refused"), map(int, found.groups()),
                             strict=True)), done.stdout


def command_start(app) -> float:
    """Seconds for a command to start on the scratch database (`flask --app app import --help` builds the app,
    connects and checks the indexes, as every import does first): the median of three."""
    def start() -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "import", "--help"], cwd=ROOT,
                       env=app_environment(app), capture_output=True, check=True)
        return time.perf_counter() - started
    return statistics.median(start() for _ in range(3))


def changed(counts: dict[str, int], output: str) -> int:
    """What an import changed: rows created, updated or refused, and manager logins made or changed."""
    from casework.manager_logins import HEADINGS
    logins = sum(int(found.replace(",", "")) for words in HEADINGS.values()
                 for found in re.findall(rf"^{re.escape(words[1])}: ([\d,]+)$", output, re.MULTILINE))
    return counts["created"] + counts["updated"] + counts["refused"] + logins


def bare_insert(rows: list[dict]) -> float:
    """Seconds to insert `rows` as plain documents into a scratch collection, in bulk, then drop it."""
    from mongoengine.connection import get_db
    collection = get_db()["bench_bare_insert"]
    started = time.perf_counter()
    for first in range(0, len(rows), CHUNK):
        collection.insert_many([dict(row) for row in rows[first:first + CHUNK]], ordered=False)
    elapsed = time.perf_counter() - started
    collection.drop()
    return elapsed


def timed_load(app, folder: Path) -> list[Figure]:
    """Each import, then each again unchanged, through the commands, beside a bare insert of as many rows."""
    first: dict[str, tuple] = {}
    again: dict[str, tuple] = {}
    problems: dict[str, str] = {}
    for runs, order in ((first, LOAD_ORDER), (again, SHOWN_ORDER)):
        for kind in order:
            print(f"import {kind}{' again' if runs is again else ''}…", file=sys.stderr, flush=True)
            try:
                runs[kind] = run_import(app, kind, folder / f"{kind}.csv")
                print(f"  {seconds(runs[kind][0])}: {runs[kind][1]}", file=sys.stderr, flush=True)
            except RuntimeError as problem:
                problems[kind] = str(problem)
    start = command_start(app)
    figures = []
    for kind in SHOWN_ORDER:
        rows = rows_in(folder / f"{kind}.csv")
        budget, words = budget_of(kind, len(rows))
        baseline = bare_insert(rows)
        bare = f"{seconds(baseline)} bare insert of {len(rows):,} rows"
        if kind not in first:
            figures.append(Figure(f"import {kind} ({len(rows):,} rows)", f"failed: {problems[kind]}", words,
                                  met=False))
        else:
            elapsed, counts, _ = first[kind]
            figures.append(Figure(f"import {kind} ({len(rows):,} rows)", f"{seconds(elapsed)} (created "
                                  f"{counts['created']:,}; {seconds(start)} of it starting the command)", words, bare,
                                  elapsed / baseline, None if budget is None else elapsed - start <= budget))
        if kind not in again:
            figures.append(Figure(f"unchanged re-import of {kind}", f"failed: {problems.get(kind)}", "0 changed",
                                  met=False))
            continue
        elapsed, counts, output = again[kind]
        count = changed(counts, output)
        figures.append(Figure(f"unchanged re-import of {kind}", f"{count:,} changed ({counts['unchanged']:,} "
                              f"unchanged) in {seconds(elapsed)}", "0 changed", bare, elapsed / baseline,
                              count == 0))
    return figures


@contextlib.contextmanager
def reevaluation_deferred():
    """Within the block, the absence import re-evaluates nobody (a scan of everyone does it afterwards)."""
    from services.imports import absences
    names = vars(absences)
    saved = names.get("after_absences_saved")
    names["after_absences_saved"] = lambda employees, today: None
    try:
        yield
    finally:
        names["after_absences_saved"] = saved


def quick_load(app, folder: Path, today) -> None:
    """The files through the import services in this process, untimed, each employee's re-evaluation after their
    absences left to one scan of everyone at the end (as the nightly scan would)."""
    from casework.feed_files import decode_text, read_csv
    from services.imports.absences import import_absences
    from services.imports.hierarchy import import_employees
    from services.imports.inflight import import_inflight
    from services.settings import Settings
    from services.triggers import scan

    def rows(kind: str) -> tuple[list[int], list[Mapping]]:
        _, numbers, found = read_csv(decode_text((folder / f"{kind}.csv").read_bytes()))
        return numbers, list(found)

    def check(kind: str, result) -> None:
        if result.refused:
            raise RuntimeError(f"{len(result.refused)} rows of {kind}.csv refused")

    print("loading employees, in-flight cases and absences (untimed)…", file=sys.stderr, flush=True)
    check("employees", import_employees(rows("employees")[1], ACTOR, "import", today,
                                        mail=Settings.from_config(app.config).mail))
    numbers, found = rows("inflight")
    check("inflight", import_inflight(found, ACTOR, "import", today, numbers=numbers))
    with reevaluation_deferred():
        check("absences", import_absences(rows("absences")[1], ACTOR, "import", today))
    print("catch-up scan of everyone (untimed)…", file=sys.stderr, flush=True)
    scan(today, "triggers scan")
