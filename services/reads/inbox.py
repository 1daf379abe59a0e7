"""The task inbox: a user's open tasks (their own and their HR queues'), overdue first and grouped by
employee, and everyone's open tasks the user oversees (HR their divisions, a manager their hierarchy), counted
by who holds them.

Tasks live on cases (the stage's work) and on absences (the return-to-work reminder, the OH referral). The
pages and the badge read the open-task rows kept beside them (documents/open_task.py) by an index; the e-mails
and the tests read the cases and absences themselves (`open_items`). A paused case's tasks wait and are not
listed, but for HR's tasks of its flags (`Case.listed_tasks`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict

import mongoengine as me

from documents.absence import Absence
from documents.base import as_date
from documents.case import Case, Task
from documents.employee import Employee
from documents.open_task import OpenTask, open_and_overdue
from documents.user import User
from services.cases.tasks import hr_queue
from services.reads.people import names_for

CASE_FIELDS = ("employee", "assignment_number", "division", "kind", "stage", "status", "paused", "tasks",
               "manager_path")


@dataclasses.dataclass(frozen=True)
class Item:
    """One open task with where it lives: a case (`case_id`) or an absence (`absence_id`)."""

    task: Task | ListedTask
    employee_id: object
    case_id: object = None
    case_kind: str | None = None
    absence_id: object = None

    def overdue(self, today: dt.date) -> bool:
        return self.task.due_on < today


@dataclasses.dataclass
class Group:
    """One employee's open tasks, soonest due first."""

    employee: Employee | Person | None
    items: list[Item]

    def overdue(self, today: dt.date) -> int:
        return sum(item.overdue(today) for item in self.items)


def assignees_of(user: User) -> list[str]:
    """Whose tasks are the user's: their login, and for HR their divisions' queues."""
    mine = [user.email]
    if user.has_role("hr"):
        mine += [hr_queue(division) for division in user.hr_divisions or []]
    return mine


def open_items(assignees: list[str] | None = None, within: me.Q | None = None) -> list[Item]:
    """Open tasks held by `assignees` (None: anyone's) on the cases and absences of the people `within`
    (a scope filter on employees and cases; None: everyone)."""
    match = {"status": "open", **({"assignee": {"$in": assignees}} if assignees is not None else {})}
    cases = Case.objects(tasks__match=match)   # a closed case may still have its closing letter to send
    absences = Absence.objects(tasks__match=match)
    # Absences carry no division: those with open tasks are kept for the people `within`, read once (on the
    # embedded database `$in` of every id in a division costs far more).
    people = None
    if within is not None:
        cases = cases.filter(within)
        people = set(Employee.objects(within).distinct("id"))

    def wanted(task: Task) -> bool:
        return task.status == "open" and (assignees is None or task.assignee in assignees)

    items = [Item(task, case.employee, case_id=case.pk, case_kind=case.kind)
             for case in cases.only(*CASE_FIELDS) for task in case.listed_tasks() if wanted(task)]
    items += [Item(task, absence.employee, absence_id=absence.pk)
              for absence in absences.only("employee", "tasks") if people is None or absence.employee in people
              for task in absence.tasks if wanted(task)]
    return items


@dataclasses.dataclass(frozen=True)
class ListedTask:
    """What a task list shows of one open task (a kept row's copy of the task)."""

    id: str
    kind: str
    title: str
    assignee: str
    due_on: dt.date


@dataclasses.dataclass(frozen=True)
class Person:
    """What a task list shows of an employee (a kept row's copy)."""

    pk: object
    assignment_number: str
    name: str
    job_title: str | None


def listed_items(assignees: list[str] | None = None, within: me.Q | None = None) -> tuple[list[Item], dict]:
    """The open tasks the task lists show, from the kept rows (documents/open_task.py) alone, read raw: those
    held by `assignees` (a login and its HR queues: a few) or those of the people `within` (a scope filter on the
    rows' division and chain of supervisors, as on cases), each read through an index; with {employee id:
    Person} named by the rows."""
    rows = OpenTask.objects(assignee__in=assignees) if assignees is not None else OpenTask.objects
    if within is not None:
        rows = rows.filter(within)
    return items_of_rows(rows.order_by("due_on").exclude("manager_path").as_pymongo())


def items_of_rows(rows) -> tuple[list[Item], dict]:
    """The items of kept open-task rows (raw), with {employee id: Person} named by the rows."""
    items, people = [], {}
    for row in rows:
        task = ListedTask(row["task"], row.get("kind") or "", row.get("title") or "", row["assignee"],
                          as_date(row["due_on"]))
        case = row["holder_kind"] == "case"
        employee = row.get("employee")
        items.append(Item(task, employee, case_id=row["holder"] if case else None,
                          case_kind=row.get("case_kind") if case else None, absence_id=None if case else row["holder"]))
        if row.get("assignment_number") and employee not in people:
            people[employee] = Person(employee, row["assignment_number"],
                                      f"{row.get('first_name', '')} {row.get('last_name', '')}", row.get("job_title"))
    return items, people


def grouped(items: list[Item], today: dt.date, people: dict) -> list[Group]:
    """By employee (`people`: {employee id: employee}): those with overdue tasks first, then by the soonest due;
    each group's tasks by due date."""
    by_employee = defaultdict(list)
    for item in items:
        by_employee[item.employee_id].append(item)
    groups = [Group(people.get(key), sorted(found, key=lambda item: (item.task.due_on, item.task.title)))
              for key, found in by_employee.items()]
    return sorted(groups, key=lambda group: (0 if group.overdue(today) else 1, group.items[0].task.due_on,
                                             group.employee.name if group.employee else ""))


def counts(items: list[Item], today: dt.date) -> tuple[int, int]:
    """(open, overdue)."""
    return len(items), sum(item.overdue(today) for item in items)


def badge_counts(user: User, today: dt.date) -> tuple[int, int]:
    """(open, overdue) of the user's own tasks and their HR queues', for the header's "My tasks" badge: two
    indexed counts of the kept open-task rows, whatever the number of cases and absences."""
    return open_and_overdue(assignees_of(user), today)


@dataclasses.dataclass(frozen=True)
class Holder:
    """Who holds open tasks in HR's divisions, with how many and how many overdue."""

    assignee: str
    name: str
    open: int
    overdue: int


def by_holder(items: list[Item], today: dt.date) -> list[Holder]:
    """Open and overdue counts per assignee, the most overdue first."""
    tally: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        tally[item.task.assignee][0] += 1
        tally[item.task.assignee][1] += item.overdue(today)
    names = names_for(tally)
    holders = [Holder(who, names[who], *numbers) for who, numbers in tally.items()]
    return sorted(holders, key=lambda holder: (-holder.overdue, -holder.open, holder.name))
