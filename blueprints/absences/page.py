"""The absence page: what happened, what the policy expects now, and the forms to record it."""
from __future__ import annotations

import datetime as dt

from flask_login import current_user

from blueprints.absences.forms import ContactForm, DateDoneForm, EndForm, ExtendForm, FitNoteForm, ReturnToWorkForm
from blueprints.access import ABSENCE_RECORDERS
from blueprints.feedback import flashed, form_problems, render_with_feedback
from casework.absences import absence_length
from casework.calendar import WorkingPattern
from casework.policy import CareRules
from documents import Absence, Employee
from documents.scope import may_read_medical
from services import clock
from services.absences import history
from services.absences.care import care_expectations, interview_due
from services.reads.people import names_in
from services.triggers import policy_of


def blank_forms(absence: Absence, today: dt.date, care: CareRules) -> dict:
    """Each form of the page, empty but for sensible defaults (a fit note from the first day the policy's `care`
    rules do not leave to self-certification) and the version being edited."""
    forms = {"end_form": EndForm(formdata=None, last_day=min(today, absence.expected_return - dt.timedelta(days=1))
                                 if absence.expected_return else today),
             "extend_form": ExtendForm(formdata=None, expected_return=absence.expected_return),
             "contact_form": ContactForm(formdata=None, contact_on=today),
             "fit_note_form": FitNoteForm(formdata=None, from_day=absence.first_day
                                                     + dt.timedelta(days=care.self_certified_days)),
             "oh_form": DateDoneForm(formdata=None, done_on=today, prefix="oh"),
             "accident_form": DateDoneForm(formdata=None, done_on=today, prefix="accident"),
             "damages_form": DateDoneForm(formdata=None, done_on=today, prefix="damages")}
    for form in forms.values():
        form.version.data = str(absence.version)
    return forms


# The part of the absence page each form belongs to: its problems are said there (blueprints/feedback.py).
FORM_PARTS = {"end_form": "update", "extend_form": "update", "contact_form": "contacts",
              "fit_note_form": "fit-notes", "oh_form": "expectations", "accident_form": "expectations",
              "damages_form": "expectations", "letter_form": "letters", "letter_upload_form": "letters",
              "letter_sent_form": "letters"}


def render_absence_page(absence: Absence, employee: Employee, status: int = 200, message: str | None = None,
                        **submitted):
    """The whole absence page; `submitted` replaces the blank form that failed, so its messages show, said with
    `message` in the part of the page the form belongs to; a message flashed before a redirect here is said in
    the part it names."""
    part = next((FORM_PARTS[name] for name, form in submitted.items() if name in FORM_PARTS and form is not None), None)
    problems = (((None, message),) if message else ()) + form_problems(
        *(form for name, form in submitted.items() if name in FORM_PARTS))
    today = clock.today()
    pattern = WorkingPattern.for_employee(employee)
    policy = policy_of(employee)
    forms = {**blank_forms(absence, today, policy.care), **submitted}
    due = interview_due(absence, employee, policy)
    medical = may_read_medical(current_user, employee)
    return render_with_feedback(
        "absences/show.html", flashed(part, problems), absence=absence, employee=employee, today=today, due=due,
        length=absence_length(absence.first_day, absence.last_day, pattern, today),
        expectations=care_expectations(absence, policy, today), may_read_medical=medical,
        history=history(absence, medical), names=names_in(absence),
        may_record=current_user.has_role(*ABSENCE_RECORDERS),
        rtw_form=ReturnToWorkForm(formdata=None, held_on=min(today, due.first_day_back) if due else today,
                                  version=str(absence.version)) if due and not absence.rtw else None,
        **forms), status
