"""Read helpers for lists of staff: who is off today, open cases, absence history; finding staff, and what one
employee's page shows."""
from __future__ import annotations

import datetime as dt

from casework.absences import absence_length
from casework.calendar import WorkingPattern
from casework.facts import AbsenceFacts
from casework.figures import protected_why
from documents.absence import Absence, not_ended_before
from documents.base import midnight
from documents.case import Case
from documents.divisions import staff_divisions
from documents.employee import Employee
from documents.scope import may_see, scope_parts
from documents.search_words import search_filter


def absent_on(employees: list[Employee], day: dt.date) -> set:
    """The ids of `employees` who are off sick on `day`, from their kept summaries (no read)."""
    return {employee.pk for employee in employees if employee.summary and employee.summary.absent_on(day)}


def open_cases_by_employee(employees: list[Employee]) -> dict:
    """{employee id: ["STS", "LTS", …]} of the cases not closed of `employees`, from their kept summaries."""
    return {employee.pk: employee.summary.case_kinds for employee in employees
            if employee.summary and employee.summary.open_cases}


def flagged_not_my_report(employees: list[Employee]) -> set:
    """The ids of `employees` with a case not closed flagged "not my report", from their kept summaries."""
    return {employee.pk for employee in employees if employee.summary and employee.summary.flagged_not_my_report}


def absences_between(employee_ids: list, first: dt.date, last: dt.date) -> dict:
    """{employee id: [(absence id, first day, last day or None)]} overlapping [first, last] (one query)."""
    cursor = Absence._get_collection().find(
        {"employee": {"$in": list(employee_ids)}, "first_day": {"$lte": midnight(last)},
         **not_ended_before(first)},
        {"employee": 1, "first_day": 1, "last_day": 1})
    found: dict = {}
    for row in cursor:
        found.setdefault(row["employee"], []).append(
            (row["_id"], row["first_day"].date(), row["last_day"].date() if row.get("last_day") else None))
    return found



def find_staff(user, words: str, division: str):
    """The staff `user` may see in name order, of `division` when it is one of theirs, each of whose `words` (when
    given) starts a word of their name, assignment number or job title; and the divisions they may choose from."""
    staff = Employee.objects.visible_to(user)
    divisions = divisions_to_choose(user, staff)
    if division in divisions:
        staff = staff.filter(division=division)
    if words:       # each word starts one of a person's words (search_words.py), read by their index
        where = search_filter(words)
        staff = staff.filter(__raw__=where) if where is not None else staff.none()
    return staff.order_by("last_name", "first_name"), divisions


def divisions_to_choose(user, staff) -> list[str]:
    """The divisions of the staff `user` may see (`staff`): the kept list of divisions with staff (one read by id),
    all of it for support and admins, an HR advisor's own of it; a manager's from their staff (by the chain of
    supervisors' index), and anyone's so where no list is kept yet."""
    parts, kept = scope_parts(user), staff_divisions()
    if kept is not None and parts == [{}]:
        return kept
    if kept is not None and parts and all(set(part) == {"division"} for part in parts):
        return [division for division in kept if {"division": division} in parts]
    return sorted(staff.distinct("division"))       # none kept yet (counted as before), or a manager's


def employee_record(employee: Employee, user, today: dt.date) -> dict:
    """What an employee's page shows as of `today`: their supervisor (and whether `user` may see them), their
    absences newest first with each one's length, and their cases (the policy's figures are
    `services.reads.evaluations.explain_employee`'s)."""
    supervisor = Employee.objects(assignment_number=employee.supervisor_assignment_number).first()
    pattern = WorkingPattern.for_employee(employee)
    absences = list(Absence.objects(employee=employee.pk).exclude("reason_detail", "audit", "fit_notes")
                    .order_by("-first_day"))
    cases = Case.objects(employee=employee.pk).only("kind", "status", "stage", "opened_on", "closed_on",
                                                      "paused").order_by("-opened_on")
    return {"supervisor": supervisor, "absences": absences, "cases": list(cases),
            "lengths": {a.pk: absence_length(a.first_day, a.last_day, pattern, today) for a in absences},
            "not_counted": {a.pk: protected_why(AbsenceFacts(a.pk, a.first_day, a.last_day, a.reason_category,
                                                             a.pregnancy_related)) for a in absences},
            "may_see_supervisor": supervisor is not None and may_see(user, supervisor)}


def team_of(manager, on: dt.date, everyone: bool):
    """The people in post on `on` who report to `manager` (a user with the manager role): directly, or with
    `everyone` at any depth below them. Their own scope as a manager, read through the `manager_path` index alone
    (adding what else they may see as HR would make an `$or`, which the embedded database answers by reading
    every employee)."""
    number = manager.assignment_number
    if not number:
        return Employee.objects.none()
    staff = Employee.objects.below(number).current(on)
    return staff if everyone else staff.filter(supervisor_assignment_number=number)


def supervisor_names(employees) -> dict[str, str]:
    """{assignment number: name} of the supervisors of `employees` (one query)."""
    return {boss.assignment_number: boss.name for boss in Employee.objects(
        assignment_number__in={e.supervisor_assignment_number for e in employees}).only(
        "assignment_number", "first_name", "last_name")}


def people_by_id(employee_ids, *fields: str) -> dict:
    """{employee id: employee} for `employee_ids`, with only `fields` read (one query): the names a list shows."""
    return {person.pk: person for person in Employee.objects(pk__in=list(set(employee_ids))).only(*fields)}
