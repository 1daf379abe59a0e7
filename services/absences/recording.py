"""Recording an absence, ending, extending and correcting it, and the log of who read its medical detail."""
from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

from documents.absence import Absence, MedicalRead
from documents.base import utcnow
from documents.employee import Employee
from services.absences import AUDITED_FIELDS, audit_values, change_absence, changes, date_errors, save_absence
from services.errors import Refused

FLAGS = ("work_related", "third_party", "pregnancy_related", "disability_related")
SHOWN_ON_PAGE = "reason detail and fit notes"


@dataclasses.dataclass(frozen=True)
class AbsenceDetails:
    """What the absence form says: its dates, the reason and what applies. `reason_detail` None: the form did
    not show the medical detail (the user may not read it), so it is left as it was."""

    first_day: dt.date
    expected_return: dt.date | None
    reason_category: str
    reason_detail: str | None
    work_related: bool = False
    third_party: bool = False
    pregnancy_related: bool = False
    disability_related: bool = False


def record_absence(employee: Employee, details: AbsenceDetails, actor: str, today: dt.date) -> Absence:
    """A new absence for `employee`, recorded by hand by `actor` (refused when its dates clash or are wrong)."""
    problems = date_errors(employee, details.first_day, None, details.expected_return, today)
    if problems:
        raise Refused.naming(problems)
    absence = Absence(employee=employee.pk, assignment_number=employee.assignment_number, recorded_by=actor,
                      source="manual")
    _copy(details, absence)
    return save_absence(absence, employee, actor, "absence recorded", today=today)


def end_absence(absence: Absence, employee: Employee, last_day: dt.date, actor: str, today: dt.date,
                version: int | None) -> Absence:
    """The absence ends on `last_day`; the return-to-work interview is then due."""
    def apply():
        absence.last_day = last_day

    return change_absence(absence, employee, date_errors(employee, absence.first_day, last_day, None, today,
                                                         exclude_id=absence.pk),
                          apply, actor, "absence ended", today, version)


def extend_absence(absence: Absence, employee: Employee, expected_return: dt.date, actor: str, today: dt.date,
                   version: int | None) -> Absence:
    """The employee is now expected back on `expected_return`."""
    def apply():
        absence.expected_return = expected_return

    return change_absence(absence, employee, date_errors(employee, absence.first_day, absence.last_day,
                                                         expected_return, today, exclude_id=absence.pk),
                          apply, actor, "absence extended", today, version)


def correct_absence(absence: Absence, employee: Employee, details: AbsenceDetails, last_day: dt.date | None,
                    reason: str, actor: str, today: dt.date, version: int | None) -> Absence | None:
    """Put right what was recorded, with the reason kept in the absence's history. A correction that changes
    nothing (the same dates, reason and details) writes nothing: None, with no save and no audit entry."""
    if _unchanged(absence, details, last_day):
        return None

    def apply():
        _copy(details, absence)
        absence.last_day = last_day
        return {"reason": reason.strip()}

    return change_absence(absence, employee, date_errors(employee, details.first_day, last_day,
                                                         details.expected_return, today, exclude_id=absence.pk),
                          apply, actor, "absence corrected", today, version)


def log_medical_reads(reader: str, employee: Employee, absences: list[Absence], where: str,
                      what: str = SHOWN_ON_PAGE) -> None:
    """Record that `reader` was shown the medical detail of each of `absences` (`what` of it, `where`)."""
    at = utcnow()
    reads = [MedicalRead(reader=reader, at=at, assignment_number=employee.assignment_number, absence=absence.pk,
                         what=what, where=where) for absence in absences]
    if reads:
        MedicalRead.objects.insert(reads, load_bulk=False)


def _unchanged(absence: Absence, details: AbsenceDetails, last_day: dt.date | None) -> bool:
    """Whether the correction leaves every audited field as it is: its audit entry would be empty."""
    proposed = SimpleNamespace(**{name: getattr(absence, name) for name in AUDITED_FIELDS})
    _copy(details, proposed)
    proposed.last_day = last_day
    old, new = changes(audit_values(absence), audit_values(proposed))
    return not old and not new


def _copy(details: AbsenceDetails, absence: Absence | SimpleNamespace) -> None:
    absence.first_day = details.first_day
    absence.expected_return = details.expected_return
    absence.reason_category = details.reason_category
    if details.reason_detail is not None:
        absence.reason_detail = details.reason_detail.strip() or None
    for flag in FLAGS:
        setattr(absence, flag, bool(getattr(details, flag)))
