"""The board report from the database: one read of the people and one of the absences in the reader's scope,
handed to `casework.board_tables` to compute. Only reason categories are read, never medical detail."""
from __future__ import annotations

import datetime as dt

import mongoengine as me

from casework.board_report import AbsenceRow, Person
from casework.board_tables import BoardReport, build, earliest_needed
from documents.absence import Absence
from documents.employee import Employee
from documents.organisation import organisation_name
from documents.scope import scope_filter

PERSON_FIELDS = ("division", "directorate", "fte", "working_days", "region", "start_date", "end_date")


def _day(value) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _title(user) -> str:
    if user is None or scope_filter(user) is None:
        return organisation_name()
    if user.has_role("hr") and user.hr_divisions:
        return "Your divisions" if not user.has_role("manager") else "Your divisions and hierarchy"
    return "Your hierarchy"


def within_choices(user) -> list[tuple[str, str]]:
    """The divisions and directorates a reader may narrow the report to: [("division:Surgery", "Surgery"), …]."""
    staff = _staff(user, None)
    pairs = staff.aggregate([{"$group": {"_id": {"division": "$division", "directorate": "$directorate"}}}])
    found = [row["_id"] for row in pairs]
    divisions = sorted({row["division"] for row in found if row.get("division")})
    directorates = sorted({row["directorate"] for row in found if row.get("directorate")})
    return ([(f"division:{name}", f"Division: {name}") for name in divisions]
            + [(f"directorate:{name}", f"Directorate: {name}") for name in directorates])


def _staff(user, within: str | None):
    staff = Employee.objects if user is None else Employee.objects.visible_to(user)
    if within:
        level, _, name = within.partition(":")
        staff = staff.filter(**{level: name})
    return staff


def board_report(user, start: dt.date, end: dt.date, today: dt.date, within: str | None = None) -> BoardReport:
    """The report for [start, end] over the employees `user` may see (None: everyone, for the command line),
    narrowed to `within` ("division:NAME" or "directorate:NAME") when given."""
    if within and within.partition(":")[0] not in ("division", "directorate"):
        raise ValueError(f"Unknown part of the organisation: {within}.")
    earliest = earliest_needed(start, end)
    staff = _staff(user, within).filter(
        (me.Q(start_date=None) | me.Q(start_date__lte=end)) & (me.Q(end_date=None) | me.Q(end_date__gte=earliest)))
    people = [Person(row["_id"], row.get("division") or "", row.get("directorate") or row.get("division") or "",
                     row["fte"], tuple(row.get("working_days") or ("Mon", "Tue", "Wed", "Thu", "Fri")),
                     row.get("region") or "ENG", _day(row.get("start_date")), _day(row.get("end_date")))
              for row in staff.only(*PERSON_FIELDS).as_pymongo()]
    absences = Absence.objects(me.Q(first_day__lte=end) & (me.Q(last_day=None) | me.Q(last_day__gte=earliest)))
    if within or (user is not None and scope_filter(user) is not None):
        absences = absences.filter(employee__in=[person.id for person in people])
    rows = [AbsenceRow(row["employee"], _day(row["first_day"]), _day(row.get("last_day")), row["reason_category"],
                       _day((row.get("rtw") or {}).get("held_on")))
            for row in absences.only("employee", "first_day", "last_day", "reason_category", "rtw.held_on").as_pymongo()]
    title = _title(user) if not within else within.partition(":")[2]
    return build(people, rows, start, end, today, title)
