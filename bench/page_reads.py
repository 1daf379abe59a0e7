"""What the main pages cost the database at scale: for each page, the commands it sends and the time the database
took to answer them (pymongo command monitoring), and the whole request's time, served by Flask's test client
with one signed-in user at a time.

Fills a fresh embedded database with a tree of employees (each manager supervising up to 14, like the demo's
ward managers) in 4 divisions, absences over three years (about 2 % going on, a tenth with an open
return-to-work reminder), open cases with two tasks each and a flag on one in ten, and logins for a manager with
a team of 14, an HR advisor of one division and an administrator. Run by hand:

    .venv/bin/python bench/page_reads.py [--employees 5000] [--absences 40000] [--cases 1000] [--rounds 5]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

from pymongo import monitoring

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DIVISIONS = ("Acute Care", "Community Care", "Mental Health Care", "Corporate Services")
FAN_OUT = 14
PASSWORD = "bench-password-123"


class Timed(monitoring.CommandListener):
    """The commands sent while `on`, with the database's time for each."""

    def __init__(self):
        self.on, self.seen, self.collections = False, [], {}

    def started(self, event):
        if self.on:
            self.collections[event.request_id] = event.command.get(event.command_name)

    def succeeded(self, event):
        if self.on and event.command_name not in ("endSessions",):
            self.seen.append((f"{event.command_name} {self.collections.get(event.request_id, '')}",
                              event.duration_micros))

    def failed(self, event):
        pass


TIMED = Timed()
monitoring.register(TIMED)


def boss_of(index: int) -> int | None:
    return (index - 1) // FAN_OUT if index else None


def fill(db, employees: int, absences: int, cases: int, today: dt.date, seed: int = 18) -> dict:
    """The organisation, written straight to the collections; returns the ids the pages name."""
    from bson import ObjectId

    from documents.base import midnight
    rng = random.Random(seed)
    people = []
    for index in range(employees):
        path, boss = [], boss_of(index)
        while boss is not None:
            path.append(f"E{boss:05d}")
            boss = boss_of(boss)
        top = index
        while top > FAN_OUT:
            top = boss_of(top) or 0
        people.append({"_id": ObjectId(), "assignment_number": f"E{index:05d}", "first_name": "Sam",
                       "last_name": f"Scale{index}", "email": f"sam.scale{index}@trust.example",
                       "job_title": "Staff nurse", "division": DIVISIONS[max(top - 1, 0) % 4],
                       "directorate": "Directorate", "fte": 1.0, "working_days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
                       "region": "ENG", "start_date": midnight(today - dt.timedelta(days=rng.randint(400, 6000))),
                       "supervisor_assignment_number": f"E{(index - 1) // FAN_OUT:05d}" if index else None,
                       "manager_path": path, "version": 1})
    db.employees.insert_many(people, ordered=False)
    manager = people[1]
    def holder(person: dict) -> str:
        """The manager's login for their direct reports' tasks, the division's HR queue for everyone else's."""
        if person["supervisor_assignment_number"] == manager["assignment_number"]:
            return "bea@trust.example"
        return f"hr:{person['division']}"

    rows, first_possible = [], today - dt.timedelta(days=3 * 365)
    for number in range(absences):
        person = people[number % 15 + 2] if number < 60 else rng.choice(people)
        first = first_possible + dt.timedelta(days=rng.randint(0, 3 * 365))
        last = first + dt.timedelta(days=rng.choice((1, 1, 2, 3, 5, 8, 12, 30)) - 1)
        row = {"employee": person["_id"], "assignment_number": person["assignment_number"],
               "first_day": midnight(first), "reason_category": "infections", "source": "import",
               "external_id": f"B{number:07d}", "version": 1, "tasks": []}
        if last < today:
            row["last_day"] = midnight(last)
        if rng.random() < 0.1:
            row["tasks"] = [{"id": f"t{number}", "kind": "rtw_reminder", "title": "Return-to-work interview",
                             "assignee": holder(person), "due_on": midnight(last + dt.timedelta(days=2)),
                             "status": "open" if rng.random() < 0.3 else "done"}]
        rows.append(row)
    db.absences.insert_many(rows, ordered=False)
    made = []
    for number in range(cases):
        person = people[number % 14 + 15] if number < 14 else rng.choice(people[1:])
        opened = today - dt.timedelta(days=rng.randint(1, 200))
        made.append({
            "employee": person["_id"], "assignment_number": person["assignment_number"],
            "division": person["division"], "manager_path": person["manager_path"], "kind": "STS", "status": "open",
            "paused": False, "policy_key": "council-2019", "policy_revision": 1, "stage": "absence_support",
            "opened_on": midnight(opened), "version": 1,
            "stages": [{"key": "absence_support", "entered_on": midnight(opened)}],
            "tasks": [{"id": f"c{number}a", "kind": "book_hr", "title": "Book HR", "assignee": holder(person),
                       "due_on": midnight(opened + dt.timedelta(days=20)), "status": "open"},
                      {"id": f"c{number}b", "kind": "book_hr", "title": "Advise", "due_on": midnight(opened),
                       "assignee": f"hr:{person['division']}", "status": "open"}],
            "flags": [{"id": f"f{number}", "kind": "wrong_stage", "raised_by": "bea@trust.example",
                       "at": midnight(today), "status": "open"}] if number % 10 == 0 else []})
    ids = db.cases.insert_many(made, ordered=False).inserted_ids
    absence = db.absences.find_one({"employee": people[15]["_id"]}, sort=[("first_day", -1)])
    return {"manager_number": manager["assignment_number"], "division": manager["division"], "case_id": ids[0],
            "absence_id": absence["_id"], "assignment_number": people[15]["assignment_number"],
            "manager": "bea@trust.example", "hr": "hr@trust.example", "admin": "admin@trust.example",
            "password": PASSWORD, "search": "scale12"}


def demo(today: dt.date) -> dict:
    """The demo organisation (`flask --app app demo`) with its trigger scan; the ids the pages name, of the
    manager with the most open cases below them."""
    from documents import Absence, Case, User
    from services.demo import DEMO_PASSWORD, load_demo
    from services.triggers import scan
    load_demo(today)
    scan(today, "demo")
    managers = {user.assignment_number: user.email for user in User.objects(roles="manager")}
    counted: dict[str, int] = {}
    for case in Case.objects(status__ne="closed").only("manager_path"):
        for number in case.manager_path[:1]:
            counted[number] = counted.get(number, 0) + (number in managers)
    number = max(counted, key=lambda key: counted[key])
    case = Case.objects(manager_path=number, status__ne="closed").first()
    absence = Absence.objects(employee=case.employee).order_by("-first_day").first()
    hr = User.objects(roles="hr").first()
    return {"manager": managers[number], "hr": hr.email, "admin": User.objects(roles="admin").first().email,
            "password": DEMO_PASSWORD, "case_id": case.pk, "absence_id": absence.pk,
            "assignment_number": case.assignment_number, "search": "son"}


def pages(ids: dict) -> dict[str, tuple[str, str]]:
    manager, hr, admin = ids["manager"], ids["hr"], ids["admin"]
    return {"manager home (team)": (manager, "/team"),
            "team, everyone below": (manager, "/team?show=all"),
            "my tasks": (manager, "/tasks"),
            "case page": (manager, f"/cases/{ids['case_id']}"),
            "absence page": (manager, f"/absences/{ids['absence_id']}"),
            "employee page": (manager, f"/employees/{ids['assignment_number']}"),
            "everyone's tasks (HR)": (hr, "/tasks?view=divisions"),
            "case list (HR)": (hr, "/cases"),
            "case list, overdue (HR)": (hr, "/cases?overdue=1"),
            "case list, warning (HR)": (hr, "/cases?warning=1"),
            "case list, review (HR)": (hr, "/cases?review=28"),
            "case list, page 9 (HR)": (hr, "/cases?page=9"),
            "flags (HR)": (hr, "/hr/flags"),
            "employee search (HR)": (hr, f"/employees?q={ids['search']}"),
            "dashboard (HR)": (hr, "/dashboard"),
            "users admin": (admin, "/admin/users"),
            "hierarchy health": (admin, "/hierarchy")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--absences", type=int, default=40000)
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--demo", action="store_true", help="the demo organisation instead of the filled one")
    parser.add_argument("--detail", action="store_true", help="each page's three slowest commands")
    args = parser.parse_args()
    from bench.scratch import scratch_app
    from documents import User
    from documents.connection import database
    from services import clock
    from services.triggers import install_presets
    from tests.conftest import csrf_token
    with scratch_app() as app:
        app.config["SESSION_COOKIE_SECURE"] = False     # the test client speaks plain HTTP
        db = database()
        install_presets()
        if args.demo:
            ids = demo(clock.today())
        else:
            ids = fill(db, args.employees, args.absences, args.cases, clock.today())
            for email, roles, extra in ((ids["manager"], ["manager"], {"assignment_number": ids["manager_number"]}),
                                        (ids["hr"], ["hr"], {"hr_divisions": [ids["division"]]}),
                                        (ids["admin"], ["admin"], {})):
                user = User(email=email, name=email.split("@")[0].title(), roles=roles, **extra)
                user.set_password(PASSWORD)
                user.save_checked()
        try:
            from services.cases.tasks import rebuild_staff_summaries, rebuild_task_counts
            rebuild_task_counts()
            rebuild_staff_summaries()
            from services.kept import rebuild_dashboard_rollups
            rebuild_dashboard_rollups()     # the cases were filled round the documents
        except ImportError:     # before the kept lists
            pass
        clients: dict = {}

        def get(who: str, url: str):
            with app.app_context():     # a fresh `g` for each request, as a server gives (the signed-in user)
                return clients[who].get(url)

        for email in (ids["manager"], ids["hr"], ids["admin"]):
            clients[email] = app.test_client()
            token = csrf_token(get(email, "/login").get_data(as_text=True))
            with app.app_context():
                assert clients[email].post("/login", data={"email": email, "password": ids["password"],
                                                           "csrf_token": token}).status_code == 302
        print(("the demo organisation" if args.demo else
               f"{args.employees} employees, {args.absences} absences, {args.cases} open cases")
              + f"; median of {args.rounds} requests")
        print(f"{'page':28} {'commands':>8} {'db ms':>8} {'request ms':>10}")
        for page, (who, url) in pages(ids).items():
            get(who, url)
            answered: list[float] = []
            whole: list[float] = []
            commands = 0
            for _ in range(args.rounds):
                TIMED.seen, TIMED.on = [], True
                started = time.perf_counter()
                response = get(who, url)
                whole.append((time.perf_counter() - started) * 1000)
                TIMED.on = False
                assert response.status_code == 200, (page, response.status_code)
                answered.append(sum(micros for _, micros in TIMED.seen) / 1000)
                commands = len(TIMED.seen)
            print(f"{page:28} {commands:8d} {statistics.median(answered):8.1f} {statistics.median(whole):10.1f}")
            if args.detail:
                slowest = sorted(TIMED.seen, key=lambda seen: -seen[1])[:3]
                print("    " + ", ".join(f"{what} {micros / 1000:.0f} ms" for what, micros in slowest))


if __name__ == "__main__":
    main()
