"""The board report from the database: one read of the people in the reader's scope and one of the absences in
the report's time span, handed to `casework.board_tables` to compute. Only reason categories reach a report.

The absences are read whole and narrowed to the time span and the scope here rather than with a filter, a
projection or `$in` on the server: on the embedded database each of those costs as much as reading the
documents again or far more (see bench/report.py)."""
from __future__ import annotations

import datetime as dt

from casework.board_report import AbsenceRow, Person
from casework.board_tables import BoardReport, build, earliest_needed
from documents.absence import Absence
from documents.base import as_date, midnight
from documents.employee import Employee
from documents.scope import scope_filter
from services.errors import Refused
from services.organisation import organisation_name
from services.settings import OrganisationDefaults
from services.triggers import active_policy


def _title(user, organisation: OrganisationDefaults) -> str:
    if user is None or scope_filter(user) is None:
        return organisation_name(organisation)
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


def report_queries(user, start: dt.date, end: dt.date, within: str | None = None):
    """The two reads a report makes: the people in scope and every absence (`board_report` keeps those in post
    and those absent at some time the report looks at)."""
    if within and within.partition(":")[0] not in ("division", "directorate"):
        raise Refused(f"Unknown part of the organisation: {within}.", "within")
    return _staff(user, within), Absence.objects


def board_report(user, start: dt.date, end: dt.date, today: dt.date, within: str | None = None, *,
                 organisation: OrganisationDefaults) -> BoardReport:
    """The report for [start, end] over the employees `user` may see (None: everyone, for the command line),
    narrowed to `within` ("division:NAME" or "directorate:NAME") when given."""
    staff, absences = report_queries(user, start, end, within)
    earliest, last = midnight(earliest_needed(start, end)), midnight(end)
    people = [Person(row["_id"], row.get("division") or "", row.get("directorate") or row.get("division") or "",
                     row["fte"], tuple(row.get("working_days") or ("Mon", "Tue", "Wed", "Thu", "Fri")),
                     row.get("region") or "ENG", as_date(row.get("start_date")), as_date(row.get("end_date")))
              for row in staff.as_pymongo()
              if (row.get("start_date") or last) <= last and (row.get("end_date") or earliest) >= earliest]
    mine = {person.id for person in people} if within or (user is not None and scope_filter(user) is not None) else None
    rows = [AbsenceRow(row["employee"], as_date(row["first_day"]), as_date(row.get("last_day")),
                       row["reason_category"], as_date((row.get("rtw") or {}).get("held_on")))
            for row in absences.as_pymongo()
            if row["first_day"] <= last and (row.get("last_day") is None or row["last_day"] >= earliest)
            and (mine is None or row["employee"] in mine)]
    title = _title(user, organisation) if not within else within.partition(":")[2]
    return build(people, rows, start, end, today, title, active_policy())
