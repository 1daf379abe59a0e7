"""Recording absences: the checks that span documents, the derived figures, the audit entry and the save.

The user's actions on one absence are in `services.absences.recording` (record, end, extend, correct, the
medical-detail read log) and `services.absences.care` (contacts, fit notes, the steps, the return to work).
"""
from __future__ import annotations

import datetime as dt
import hashlib

from casework.absences import Period, absence_length, check_absence
from casework.calendar import WorkingPattern
from documents.absence import Absence
from documents.base import AuditEntry
from documents.employee import Employee
from documents.staff_summary import refresh_staff_summaries, summaries_deferred
from services import clock
from services.cases.tasks import CONSIDER_STS, RTW_REMINDER
from services.errors import Refused
from services.triggers import scan

AUDITED_FIELDS = ("first_day", "last_day", "expected_return", "reason_category", "reason_detail", "work_related",
                  "third_party", "pregnancy_related", "disability_related", "oh_referral_on",
                  "accident_reported_on", "accident_report_ref", "damages_agreement_on", "external_id")


def periods_of(employee_id, exclude_id=None) -> list[Period]:
    """The employee's other absences as periods (one query)."""
    query = {"employee": employee_id}
    if exclude_id is not None:
        query["_id"] = {"$ne": exclude_id}
    return [Period(row["_id"], row["first_day"].date(), row["last_day"].date() if row.get("last_day") else None)
            for row in Absence._get_collection().find(query, {"first_day": 1, "last_day": 1})]


def date_errors(employee: Employee, first_day, last_day, expected_return, today: dt.date,
                exclude_id=None) -> dict[str, str]:
    """Why these dates cannot be recorded for `employee`: overlaps, order, employment dates."""
    return check_absence(first_day, last_day, expected_return, employee.start_date, employee.end_date,
                         periods_of(employee.pk, exclude_id), today)


def audit_values(absence) -> dict:
    """The audited fields of an absence, for comparing before and after.

    The medical detail is reduced to a fingerprint, so a change of detail is noticed; pass the
    values through `masked` or `changes` before storing them: the detail never reaches the audit trail.
    """
    values = {name: getattr(absence, name) for name in AUDITED_FIELDS}
    detail = absence.reason_detail
    values["reason_detail"] = hashlib.blake2s(detail.encode(), digest_size=8).hexdigest() if detail else ""
    return values


def masked(values: dict) -> dict:
    """Audit values safe to store: the detail only as "(recorded)"."""
    return {**values, "reason_detail": "(recorded)" if values.get("reason_detail") else ""}


MEDICAL_FIELDS = frozenset({"reason_detail", "reason_code"})   # reason_code: the ESR code a feed gave


def history(absence, medical: bool) -> list:
    """The absence's audit entries, newest first, as a reader sees them: one who may not read its medical
    detail (`medical` False) does not see the entries that changed nothing but that detail, so a corrected
    or re-fed detail leaves no trace they could read it from."""
    return [entry for entry in reversed(absence.audit) if medical or not _only_medical(entry)]


def _only_medical(entry) -> bool:
    fields = set(entry.before or {}) | set(entry.after or {})
    return bool(fields) and fields <= MEDICAL_FIELDS


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, before and after, safe to store."""
    changed = [key for key in after if before.get(key) != after.get(key)]
    old, new = {key: before.get(key) for key in changed}, {key: after[key] for key in changed}
    if "reason_detail" in changed:
        old["reason_detail"] = "(previous detail)" if before.get("reason_detail") else ""
        new["reason_detail"] = "(new detail)" if after.get("reason_detail") else ""
    return old, new


def save_absence(absence: Absence, employee: Employee, actor: str, action: str, before: dict | None = None,
                 reason: str | None = None, today: dt.date | None = None, added: dict | None = None) -> Absence:
    """Derive the working days lost, append the audit entry, save with the version check, re-evaluate.

    `before` (from `audit_values` before the change) makes the entry hold the changed fields;
    `added` describes something appended instead (a contact, a fit note, an interview).
    """
    if absence.last_day:
        absence.working_days_lost = absence_length(absence.first_day, absence.last_day,
                                                    WorkingPattern.for_employee(employee),
                                                    absence.last_day)["working_days"]
    else:
        absence.working_days_lost = None
    after = audit_values(absence)
    old: dict
    if added is not None:
        old, new = {}, added
    elif before is not None:
        old, new = changes(dict(before), after)
    else:
        old, new = {}, masked(after)
    absence.record(actor, action, old, new, reason)
    with summaries_deferred():   # the employee's summary written once, after the save and the re-evaluation
        absence.save_checked()
        after_absence_saved(employee, today or clock.today())
    return absence


def change_absence(absence: Absence, employee: Employee, problems: dict[str, str], apply, actor: str, action: str,
                   today: dt.date, version: int | None) -> Absence:
    """A user's change to an absence: refused with `problems` ({field: message}) when there are any; otherwise
    made by `apply()` and saved with the version the user saw (StaleEditError if someone else saved first).

    `apply()` changes the absence and may return audit keywords (`added`, `reason`); without `added` the entry
    records the fields that changed.
    """
    if problems:
        raise Refused.naming(problems)
    before = audit_values(absence)
    audit = apply() or {}
    if "added" not in audit:
        audit["before"] = before
    if version is not None:
        absence.version = version
    return save_absence(absence, employee, actor, action, today=today, **audit)


def after_absence_saved(employee: Employee, today: dt.date) -> None:
    """The one place an absence change reaches the trigger engine: re-evaluate this employee."""
    after_absences_saved([employee], today)


def after_absences_saved(employees: list[Employee], today: dt.date) -> None:
    """Re-evaluate everyone whose absences a batch changed, reading their absences and cases once, and add
    or complete the tasks the absences bring (see `services.cases.tasks.absence_events`). Their summaries for the
    lists of staff are written again first (an import writes round the documents)."""
    with summaries_deferred():   # each written once, after the scan (which may open or move their cases)
        refresh_staff_summaries(employee.pk for employee in employees)
        scan(today, "triggers (absence saved)", employees=employees)


# The absence tasks one click completes, and the audit entry's words for each.
ONE_CLICK_TASKS = {RTW_REMINDER: "return-to-work reminder completed",
                   CONSIDER_STS: "short-term procedure considered"}


def mark_reminder_done(absence: Absence, task_id: str, actor: str, kind: str = RTW_REMINDER) -> None:
    """Mark the absence's one-click task `task_id` (a return-to-work reminder, or the short-term procedure to
    consider) done, if it is still open, with an audit entry."""
    Absence.objects(pk=absence.pk).finish_task(actor, AuditEntry(
        actor=actor, action=ONE_CLICK_TASKS[kind], before={"task": "open"}, after={"task": "done"}),
        id=task_id, kind=kind)
