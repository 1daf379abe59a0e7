"""Read helpers for lists of staff: who is off today, open cases, absence history."""
from __future__ import annotations

import datetime as dt

from documents.absence import Absence
from documents.base import midnight
from documents.case import Case


def absent_on(employee_ids: list, day: dt.date) -> set:
    """The ids of the employees among `employee_ids` who are off sick on `day` (one query)."""
    cursor = Absence._get_collection().find(
        {"employee": {"$in": list(employee_ids)}, "first_day": {"$lte": midnight(day)},
         "$or": [{"last_day": None}, {"last_day": {"$gte": midnight(day)}}]},
        {"employee": 1})
    return {row["employee"] for row in cursor}


def open_cases_by_employee(employee_ids: list) -> dict:
    """{employee id: ["STS", "LTS", …]} of cases not closed, for `employee_ids` (one query)."""
    cursor = Case._get_collection().find(
        {"employee": {"$in": list(employee_ids)}, "status": {"$ne": "closed"}}, {"employee": 1, "kind": 1})
    kinds: dict = {}
    for row in cursor:
        kinds.setdefault(row["employee"], []).append(row["kind"])
    return {key: sorted(value) for key, value in kinds.items()}


def absences_between(employee_ids: list, first: dt.date, last: dt.date) -> dict:
    """{employee id: [(absence id, first day, last day or None)]} overlapping [first, last] (one query)."""
    cursor = Absence._get_collection().find(
        {"employee": {"$in": list(employee_ids)}, "first_day": {"$lte": midnight(last)},
         "$or": [{"last_day": None}, {"last_day": {"$gte": midnight(first)}}]},
        {"employee": 1, "first_day": 1, "last_day": 1})
    found: dict = {}
    for row in cursor:
        found.setdefault(row["employee"], []).append(
            (row["_id"], row["first_day"].date(), row["last_day"].date() if row.get("last_day") else None))
    return found

