"""The board report from the database: the kept monthly figures (issue 18.1, services/figures.py) of the months
the report shows, read by indexed month ranges and summed by `casework.board_months`. Only reason categories
reach a report.

The trust-wide report reads the roll-ups (one document a month for each division and directorate), never the
employees or the absences: on the embedded database reading 25,000 employees alone takes longer than the
report's budget (see bench/report.py)."""
from __future__ import annotations

import datetime as dt

from casework.board_months import build_from_months, first_kept_month, whole_months
from casework.board_tables import BoardReport
from casework.board_trends import month_index
from casework.month_figures import scope_rows
from documents.absence import Absence
from documents.employee import Employee
from documents.month_figures import EmployeeMonth, ScopeMonth
from documents.scope import scope_filter
from services import figures
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
    """The divisions and directorates a reader may narrow the report to: [("division:Surgery", "Surgery"), …].
    Readers of whole divisions take them from the kept roll-ups (a few hundred small documents); a manager from
    their hierarchy."""
    if user is not None and user.has_role("manager") and scope_filter(user) is not None:
        staff = _staff(user, None)
        pairs = staff.aggregate([{"$group": {"_id": {"division": "$division", "directorate": "$directorate"}}}])
        found = [row["_id"] for row in pairs]
    else:
        wanted = _whole_divisions(user)
        found = [row for row in ScopeMonth._get_collection().find({}, {"division": 1, "directorate": 1})
                 if wanted is None or row["division"] in wanted]
    divisions = sorted({row["division"] for row in found if row.get("division")})
    directorates = sorted({row["directorate"] for row in found if row.get("directorate")})
    return ([(f"division:{name}", f"Division: {name}") for name in divisions]
            + [(f"directorate:{name}", f"Directorate: {name}") for name in directorates])


def _whole_divisions(user) -> set[str] | None:
    """The divisions `user` reads whole: None for every one (the command line, admins, support), an HR reader's
    own; none for anyone else."""
    if user is None or scope_filter(user) is None:
        return None
    return set(user.hr_divisions or []) if user.has_role("hr") else set()


def _staff(user, within: str | None):
    staff = Employee.objects if user is None else Employee.objects.visible_to(user)
    if within:
        level, _, name = within.partition(":")
        staff = staff.filter(**{level: name})
    return staff


def report_queries(user, start: dt.date, end: dt.date, within: str | None = None):
    """The two reads the report made before it read kept figures (issue 18.1): the people in scope and every
    absence. Kept as the baseline the benchmark compares the report with."""
    if within and within.partition(":")[0] not in ("division", "directorate"):
        raise Refused(f"Unknown part of the organisation: {within}.", "within")
    return _staff(user, within), Absence.objects


def kept_rows(user, within: str | None, first: int, last: int) -> list[dict]:
    """The kept months from `first` to `last` (month indexes) of what `user` may see, narrowed to `within`: the
    roll-ups of the divisions they read whole (one indexed range read), and for a manager the months of the
    people below them in other divisions (one read of those people, one indexed range read of each one's months:
    the months carry no chain of supervisors, whose index cost five times its weight on every write)."""
    months = {"$gte": first, "$lte": last}
    divisions = _whole_divisions(user)
    rows = [row for row in ScopeMonth._get_collection().find({"month": months})
            if divisions is None or row["division"] in divisions] if divisions is None or divisions else []
    if user is not None and user.has_role("manager") and user.assignment_number and divisions is not None:
        number = user.assignment_number
        people = [figures.person(row) for row in Employee._get_collection().find(
            {"manager_path": number}, {"audit": 0}) if row.get("division") not in divisions]
        collection = EmployeeMonth._get_collection()
        rows += scope_rows([(person, {row["month"]: row for row in collection.find({"employee": person.id,
                                                                                    "month": months})})
                            for person in people], people, first, last)
    if within:
        level, _, name = within.partition(":")
        rows = [row for row in rows if row[level] == name]
    return rows


def board_report(user, start: dt.date, end: dt.date, today: dt.date, within: str | None = None, *,
                 organisation: OrganisationDefaults) -> BoardReport:
    """The report over the whole months from `start`'s to `end`'s (the current month to `today`), over the
    employees `user` may see (None: everyone, for the command line), narrowed to `within` ("division:NAME" or
    "directorate:NAME") when given; from the kept monthly figures, never the absences."""
    if within and within.partition(":")[0] not in ("division", "directorate"):
        raise Refused(f"Unknown part of the organisation: {within}.", "within")
    start, end = whole_months(start, end, today)
    if end < start:
        raise Refused("The period must begin no later than this month.", "start")
    rows = kept_rows(user, within, first_kept_month(start, end), month_index(end))
    title = _title(user, organisation) if not within else within.partition(":")[2]
    return build_from_months(rows, start, end, today, title, active_policy())
