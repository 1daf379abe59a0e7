"""While someone is off and when they come back: contacts, fit notes, the steps the policy expects on a date
(a referral, an accident report, a damages agreement) and the return-to-work interview."""
from __future__ import annotations

import dataclasses
import datetime as dt

from casework.absences import (
    Expectation,
    ReturnToWorkDue,
    expectations,
    long_date,
    rtw_date_problem,
    rtw_day_number,
    rtw_due,
)
from casework.calendar import WorkingPattern
from casework.policy import Policy
from documents.absence import Absence, Contact, FitNote, ReturnToWork
from documents.employee import Employee
from services.absences import change_absence
from services.cases.tasks import OH_REFERRAL
from services.errors import Refused


@dataclasses.dataclass(frozen=True)
class Step:
    """A step done on a date: the absence's field for the date, its field for a reference (if any), and the
    audit entry's action."""

    field: str
    reference: str | None
    action: str


STEPS = {"oh": Step("oh_referral_on", None, "OH referral recorded"),
         "accident": Step("accident_reported_on", "accident_report_ref", "accident report recorded"),
         "damages": Step("damages_agreement_on", None, "damages agreement recorded")}


@dataclasses.dataclass(frozen=True)
class Interview:
    """The return-to-work interview as the form records it; empty texts are not kept."""

    held_on: dt.date
    declaration_confirmed: bool = False
    reason_discussed: str | None = None
    fit_for_work: str | None = None
    support: str | None = None
    adjustments: str | None = None
    phased_return: bool = False
    phased_return_plan: str | None = None
    oh_referral_needed: bool = False
    notes: str | None = None


def log_contact(absence: Absence, employee: Employee, on: dt.date, method: str, note: str | None, by: str,
                actor: str, today: dt.date, version: int | None) -> Absence:
    """A keeping-in-touch contact on `on`, made by `by` (their name), during the absence."""
    def apply():
        contact = Contact(on=on, method=method, by=by, note=_text(note))
        absence.contacts.append(contact)
        return {"added": {"contact_on": contact.on, "method": contact.method, "by": contact.by}}

    return change_absence(absence, employee, _within_absence(absence, on, "contact_on", "The contact", today), apply,
                          actor, "contact logged", today, version)


def record_fit_note(absence: Absence, employee: Employee, from_day: dt.date, to_day: dt.date, may_be_fit: bool,
                    detail: str | None, actor: str, today: dt.date, version: int | None) -> Absence:
    """A fit note covering `from_day` to `to_day`, from the absence's first day on."""
    problems = {}
    if to_day < from_day:
        problems["to_day"] = "The fit note must end on or after the day it starts."
    if from_day < absence.first_day:
        problems["from_day"] = f"The fit note starts before the absence ({long_date(absence.first_day)})."

    def apply():
        absence.fit_notes.append(FitNote(from_day=from_day, to_day=to_day, may_be_fit=may_be_fit,
                                         detail=_text(detail)))
        return {"added": {"fit_note_from": from_day, "fit_note_to": to_day}}

    return change_absence(absence, employee, problems, apply, actor, "fit note recorded", today, version)


def record_step(absence: Absence, employee: Employee, step: Step, done_on: dt.date, reference: str | None,
                actor: str, today: dt.date, version: int | None) -> Absence:
    """`step` (one of STEPS) done on `done_on`, between the first day of absence and today."""
    problems = {}
    if done_on < absence.first_day or done_on > today:
        problems["done_on"] = "The date must be between the first day of absence and today."

    def apply():
        setattr(absence, step.field, done_on)
        added = {step.field: done_on}
        if step.reference:
            setattr(absence, step.reference, _text(reference))
            added[step.reference] = getattr(absence, step.reference)
        return {"added": added}

    return change_absence(absence, employee, problems, apply, actor, step.action, today, version)


def care_expectations(absence: Absence, policy: Policy, today: dt.date) -> list[Expectation]:
    """What `policy`, the one that applies to the employee (`services.triggers.policy_of`), expects for this absence
    as of `today`; a referral to occupational health asked for because of its expected length is due from the day
    its task was raised."""
    raised_on = min((task.event_on for task in absence.tasks if task.kind == OH_REFERRAL and task.event_on),
                    default=None)
    return expectations(
        absence.first_day, absence.last_day, absence.reason_category,
        [contact.on for contact in absence.contacts],
        [(note.from_day, note.to_day) for note in absence.fit_notes],
        absence.oh_referral_on, absence.work_related, absence.accident_reported_on is not None,
        absence.third_party, absence.damages_agreement_on is not None, today, policy=policy,
        expected_return=absence.expected_return, oh_referral_raised_on=raised_on)


def interview_due(absence: Absence, employee: Employee, policy: Policy) -> ReturnToWorkDue | None:
    """When the return-to-work interview after `absence` is due under `policy`, the one that applies to the employee
    (`services.triggers.policy_of`): its first day back and the date it is due by at the latest, as every page,
    form and task shows it; None while the absence goes on."""
    if absence.last_day is None:
        return None
    return rtw_due(absence.last_day, WorkingPattern.for_employee(employee), policy.care)


def return_to_work_blocked(absence: Absence) -> str | None:
    """Why no return-to-work interview can be recorded for the absence now (it has not ended, or its interview is
    recorded already), or None."""
    if absence.last_day is None:
        return "End the absence first: the return-to-work interview follows the last day of absence."
    if absence.rtw:
        return f"The return-to-work interview was already recorded on {long_date(absence.rtw.held_on)}."
    return None


def record_return_to_work(absence: Absence, employee: Employee, interview: Interview, held_by: str, actor: str,
                          today: dt.date, version: int | None) -> Absence:
    """The return-to-work interview `held_by` (their name), with the working day back it was held on; refused
    while the absence goes on or once its interview is recorded."""
    blocked = return_to_work_blocked(absence)
    if blocked:
        raise Refused(blocked)
    problems = {}
    date_problem = rtw_date_problem(absence.first_day, absence.last_day, interview.held_on,
                                    WorkingPattern.for_employee(employee), today)
    if date_problem:
        problems["held_on"] = date_problem
    if interview.phased_return and not _text(interview.phased_return_plan):
        problems["phased_return_plan"] = "Describe the phased return: hours, duties and when it will be reviewed."

    def apply():
        texts = ("reason_discussed", "support", "adjustments", "phased_return_plan", "notes")
        values = {**dataclasses.asdict(interview), **{name: _text(getattr(interview, name)) for name in texts}}
        absence.rtw = ReturnToWork(held_by=held_by, day_number=rtw_day_number(
            absence.last_day, interview.held_on, WorkingPattern.for_employee(employee)), **values)
        return {"added": {"rtw_held_on": absence.rtw.held_on, "held_by": absence.rtw.held_by,
                          "day_number": absence.rtw.day_number}}

    return change_absence(absence, employee, problems, apply, actor, "return-to-work interview recorded", today,
                          version)


def _within_absence(absence: Absence, day: dt.date, field: str, what: str, today: dt.date) -> dict[str, str]:
    if day < absence.first_day or day > today:
        return {field: f"{what} must be between the first day of absence ({long_date(absence.first_day)}) and today."}
    return {}


def _text(value: str | None) -> str | None:
    """Typed text without its surrounding spaces; None when nothing is left."""
    return (value or "").strip() or None
