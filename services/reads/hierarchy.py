"""Hierarchy health: staff in post without a supervisor, supervisors without a manager login, managers with
unusually many direct reports, and open tasks held by someone who has left or cannot sign in.

The top of a tree is someone in post with no supervisor who supervises at least one person in post; anyone
else in post whose supervisor is missing, unknown or gone is listed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from documents.case import Case
from documents.employee import Employee
from documents.open_task import OpenTask
from documents.user import User
from services.cases.tasks import HR_QUEUE, hr_queue


@dataclasses.dataclass(frozen=True)
class Person:
    """What the page needs of one employee."""

    assignment_number: str
    name: str
    division: str
    supervisor: str | None
    in_post: bool


@dataclasses.dataclass(frozen=True)
class StrandedTask:
    """An open task whose assignee has left or has no active login, and who would take it now."""

    case: Case
    task_id: str
    title: str
    employee: str
    assignee: str
    problem: str
    suggested: str
    division: str = ""       # the employee's (hierarchy health keeps every division's, services/hierarchy_health.py)


def _people(today: dt.date) -> dict[str, Person]:
    fields = ("assignment_number", "first_name", "last_name", "division", "supervisor_assignment_number",
              "start_date", "end_date")
    people = {}
    for row in Employee._get_collection().find({}, {name: 1 for name in fields}):
        start, end = (row.get(name) and row[name].date() for name in ("start_date", "end_date"))
        in_post = (start is None or start <= today) and (end is None or end >= today)
        people[row["assignment_number"]] = Person(row["assignment_number"], f"{row['first_name']} {row['last_name']}",
                                                  row["division"], row.get("supervisor_assignment_number"), in_post)
    return people


def health(today: dt.date, divisions: set[str] | None, max_reports: int) -> dict:
    """The four lists, for the divisions given (None: all). A supervisor without an active manager login comes
    with whether their login is made and awaits its first sign-in."""
    people = _people(today)
    reports = Counter(person.supervisor for person in people.values() if person.in_post and person.supervisor)
    shown = [person for person in people.values()
             if person.in_post and (divisions is None or person.division in divisions)]
    managers = set(User.objects(roles="manager", active=True).distinct("assignment_number"))
    awaiting = set(User.objects(roles="manager", awaiting_first_sign_in=True).distinct("assignment_number"))

    def supervisor_problem(person: Person) -> str | None:
        boss = people.get(person.supervisor) if person.supervisor else None
        if not person.supervisor:
            return None if reports[person.assignment_number] else "No supervisor"
        if boss is None:
            return f"Supervisor {person.supervisor} is not in Casebook"
        return None if boss.in_post else f"Supervisor {boss.name} ({boss.assignment_number}) has left"

    by_name = sorted(shown, key=lambda person: person.name)
    return {"without_supervisor": [(person, problem) for person in by_name
                                   if (problem := supervisor_problem(person))],
            "without_login": [(person, person.assignment_number in awaiting) for person in by_name
                              if reports[person.assignment_number] and person.assignment_number not in managers],
            "many_reports": sorted(((person, reports[person.assignment_number]) for person in shown
                                    if reports[person.assignment_number] > max_reports), key=lambda pair: -pair[1]),
            "stranded": stranded_tasks(people, divisions)}


def stranded_tasks(people: dict[str, Person], divisions: set[str] | None) -> list[StrandedTask]:
    """Open tasks of cases (not in an HR queue) whose assignee has no active login, or whose login is of someone
    who left: from the kept open-task rows (of the divisions given, by their index) and one read of the logins;
    only the few cases found are read, for the version their form sends."""
    rows = OpenTask.objects(holder_kind="case")
    if divisions is not None:
        rows = OpenTask.objects(division__in=list(divisions), holder_kind="case")
    logins = {user.email: user for user in User.objects.only("email", "active", "assignment_number", "roles")}
    managers = {user.assignment_number: user.email for user in logins.values()
                if user.active and user.assignment_number and "manager" in user.roles}
    found = []
    for row in rows:
        if row.assignee.startswith(HR_QUEUE):
            continue
        user = logins.get(row.assignee)
        holder = people.get(user.assignment_number) if user and user.assignment_number else None
        problem = ("No login" if user is None else "Login switched off" if not user.active
                   else f"{holder.name} has left" if holder and not holder.in_post else None)
        person = people.get(row.assignment_number or "")
        if problem and person is not None:
            found.append((row, problem, managers.get(person.supervisor or "") or hr_queue(person.division)))
    cases = {case.pk: case for case in Case.objects(pk__in=list({row.holder for row, _, _ in found})).only(
        "version", "status")} if found else {}
    return [StrandedTask(cases[row.holder], row.task, row.title, people[row.assignment_number].name, row.assignee,
                         problem, suggested, people[row.assignment_number].division)
            for row, problem, suggested in found if row.holder in cases and cases[row.holder].status != "closed"]
