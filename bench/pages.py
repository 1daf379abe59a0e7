"""The page figures of `python -m bench.run`: gunicorn with 2 workers on the scratch database, signed-in managers
and HR advisors made through the real services, and Locust's clients (bench/locustfile.py) in their own process,
everything on 127.0.0.1 and stopped at the end, failure or not."""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

from bench.generate import LAST_NAMES
from bench.table import Figure

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Tregaron orchard lantern 7391 quietly"
PAGE_BUDGET_MS = 150
ROOMY_LIMITS = {"LOGIN_LIMIT_PER_ADDRESS": "10000/minute", "LOGIN_LIMIT_OVERALL": "10000/minute"}
CASES_EACH = 10
# The pages the clients open, as Locust names them (bench/locustfile.py).
PAGES = {"home": "manager home /team", "case": "case page /cases/[id]", "inbox": "task inbox /tasks",
         "search": "employee search /employees?q=[name]", "health": "trivial route /healthz"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(app) -> dict[str, str]:
    """The environment a command or gunicorn needs to run on the scratch database of `app`."""
    return {**os.environ, "MONGODB_URI": app.config["MONGODB_URI"], "MONGODB_DB": app.config["MONGODB_DB"],
            "SECRET_KEY": app.config["SECRET_KEY"], "DATA_DIR": app.config["DATA_DIR"]}


@contextlib.contextmanager
def gunicorn(app, folder: Path):
    """gunicorn with 2 workers serving the app on a free port of 127.0.0.1 (its base URL), until the block ends."""
    port = free_port()
    environment = {**app_environment(app), **ROOMY_LIMITS, "CASEBOOK_BIND": f"127.0.0.1:{port}",
                   "CASEBOOK_WORKERS": "2", "CASEBOOK_SECURE_COOKIES": "0", "SECRET_KEY": secrets.token_hex(32)}
    with open(folder / "gunicorn.log", "ab") as log:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "app:create_app()"],
                                  cwd=ROOT, env=environment, stdout=log, stderr=log, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base + "/healthz", server, folder / "gunicorn.log")
        yield base
    finally:
        stop(server)


def _wait_for(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start; see {log}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} in 120 s; see {log}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process (gunicorn passes it to its workers), then SIGKILL to its group after 30 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def make_logins(clients: int) -> dict:
    """The plan for the clients: half of them team leaders whose staff have open cases (their manager logins,
    made by the hierarchy import, given a password through a set-password link), half HR advisors of one division
    each (new logins), each with the open cases they may open and, for HR, words to search for."""
    from documents import Case, Employee, User
    from services.accounts import create_user, password_link, set_password_by_link
    managers, advisors = (clients + 1) // 2, clients // 2
    open_cases = list(Case._get_collection().find({"status": {"$ne": "closed"}}, {"employee": 1, "division": 1}))
    supervisor_of = {row["_id"]: row.get("supervisor_assignment_number")
                     for row in Employee._get_collection().find({}, {"supervisor_assignment_number": 1})}
    cases_of: dict[str, list[str]] = {}
    for row in open_cases:
        cases_of.setdefault(supervisor_of.get(row["employee"]) or "", []).append(str(row["_id"]))
    busiest = [number for number, _ in Counter({number: len(ids) for number, ids in cases_of.items() if number})
               .most_common()]
    plan: dict = {"password": PASSWORD, "managers": [], "advisors": []}
    for user in User.objects(assignment_number__in=busiest[:managers * 3], roles="manager"):
        if len(plan["managers"]) == managers:
            break
        _, link = password_link(user.email, "set", "bench", "http://127.0.0.1")
        set_password_by_link(link.rsplit("/", 1)[1], PASSWORD)
        plan["managers"].append({"email": user.email, "cases": cases_of[user.assignment_number][:CASES_EACH]})
    divisions = sorted({row["division"] for row in open_cases})
    for number in range(advisors):
        division = divisions[number % len(divisions)]
        email = f"hr.bench{number + 1}@example.org"
        create_user(email, f"HR Bench {number + 1}", ["hr"], PASSWORD, "bench", hr_divisions=[division])
        plan["advisors"].append({"email": email, "searches": list(LAST_NAMES[number % 7::7]),
                                 "cases": [str(row["_id"]) for row in open_cases
                                           if row["division"] == division][:CASES_EACH * 2]})
    if not plan["managers"] or not plan["advisors"]:
        raise RuntimeError("no team leader with open cases in their team, or no open case at all: load the files")
    return plan


def page_figures(app, folder: Path, clients: int, seconds: float, think: float) -> list[Figure]:
    """Each page's p50 and p95 under `clients` signed-in clients for `seconds`, beside /healthz's p95."""
    plan_file, results_file = folder / "plan.json", folder / "pages.json"
    plan_file.write_text(json.dumps(make_logins(clients)), encoding="utf-8")
    with gunicorn(app, folder) as base:
        load = subprocess.Popen([sys.executable, "-m", "bench.locustfile", str(plan_file), str(results_file),
                                 "--host", base, "--users", str(clients), "--seconds", str(seconds)],
                                cwd=ROOT, env={**os.environ, "BENCH_THINK": str(think)}, start_new_session=True)
        try:
            load.wait(timeout=seconds + 300)
        finally:
            stop(load)
    results = json.loads(results_file.read_text(encoding="utf-8"))
    if "error" in results:
        raise RuntimeError(results["error"])
    health = results.get(PAGES["health"], {})
    baseline = health.get("p95_ms") or 0
    figures = []
    for key, name in PAGES.items():
        found = results.get(name)
        if found is None:
            figures.append(Figure(name, "no requests made", f"p95 ≤ {PAGE_BUDGET_MS} ms", met=False))
            continue
        measured = (f"p50 {found['p50_ms']:.0f} ms, p95 {found['p95_ms']:.0f} ms ({found['requests']:,} requests"
                    + (f", {found['failures']:,} failed)" if found["failures"] else ")"))
        if key == "health":
            figures.append(Figure(f"{name} (baseline)", measured, "—"))
            continue
        figures.append(Figure(name, measured, f"p95 ≤ {PAGE_BUDGET_MS} ms", f"/healthz p95 {baseline:.0f} ms",
                              found["p95_ms"] / baseline if baseline else None,
                              found["p95_ms"] <= PAGE_BUDGET_MS and not found["failures"]))
    return figures
