"""Recording an absence, extending it, ending it, correcting it, and reading its medical detail."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.absences import bp
from blueprints.absences.forms import AbsenceForm, CorrectionForm, EndForm, ExtendForm
from blueprints.absences.loading import (
    absence_or_404,
    absence_url,
    attach_errors,
    change_absence,
    save_from_form,
)
from blueprints.absences.page import render_absence_page
from blueprints.access import ABSENCE_RECORDERS, CASE_READERS, MEDICAL_READERS, requires, visible_or_404
from blueprints.answering import answer, page_again
from blueprints.rendering import render_page_or_fragment
from documents import Absence, Employee, utcnow
from documents.absence import MedicalRead
from documents.scope import may_read_medical
from services import clock
from services.absences import date_errors

FLAGS = ("work_related", "third_party", "pregnancy_related", "disability_related")


@bp.route("/employees/<assignment_number>/absences/new", methods=["GET", "POST"])
@requires(ABSENCE_RECORDERS)
def new(assignment_number: str):
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    form = AbsenceForm()
    if form.validate_on_submit():
        errors = date_errors(employee, form.first_day.data, None, form.expected_return.data, clock.today())
        if not errors:
            absence = Absence(employee=employee.pk, assignment_number=employee.assignment_number,
                              recorded_by=current_user.email, source="manual")
            _copy(form, absence)
            save_from_form(absence, employee, form, "absence recorded")
            flash(f"Absence recorded for {employee.name}.")
            return redirect(url_for("absences.show", absence_id=absence.pk))
        attach_errors(form, errors)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("absences/new.html", form=form, employee=employee), status


@bp.route("/absences/<absence_id>")
@requires(CASE_READERS)
def show(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    return render_absence_page(absence, employee)


@bp.route("/absences/<absence_id>/end", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def end(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    form = EndForm()

    def change():
        absence.last_day = form.last_day.data

    return answer(lambda: change_absence(
        absence, employee, form, "absence ended",
        lambda: date_errors(employee, absence.first_day, form.last_day.data, None, clock.today(),
                            exclude_id=absence.pk), change),
        "Absence ended. The return-to-work interview is now due.", absence_url(absence, "return-to-work"),
        page_again(form, lambda: render_absence_page(absence, employee, status=400, end_form=form)), form)


@bp.route("/absences/<absence_id>/extend", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def extend(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    form = ExtendForm()

    def change():
        absence.expected_return = form.expected_return.data

    return answer(lambda: change_absence(
        absence, employee, form, "absence extended",
        lambda: date_errors(employee, absence.first_day, absence.last_day, form.expected_return.data,
                            clock.today(), exclude_id=absence.pk), change),
        "Expected return updated.", absence_url(absence),
        page_again(form, lambda: render_absence_page(absence, employee, status=400, extend_form=form)), form)


@bp.route("/absences/<absence_id>/correct", methods=["GET", "POST"])
@requires(ABSENCE_RECORDERS)
def correct(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    form = CorrectionForm(obj=absence if not _submitted() else None)
    if not may_read_medical(current_user, employee):
        del form.reason_detail
    elif not _submitted() and absence.reason_detail:
        log_medical_read(absence, employee, "correction form")
    if not _submitted():
        form.version.data = str(absence.version)

    def change():
        _copy(form, absence)
        absence.last_day = form.last_day.data
        return {"reason": form.correction_reason.data.strip()}

    def page():
        status = 400 if form.errors or form.form_errors else 200
        return render_template("absences/correct.html", form=form, absence=absence, employee=employee), status
    return answer(lambda: change_absence(
        absence, employee, form, "absence corrected",
        lambda: date_errors(employee, form.first_day.data, form.last_day.data, form.expected_return.data,
                            clock.today(), exclude_id=absence.pk), change),
        "Absence corrected. The change and your reason are in its history.", absence_url(absence),
        page_again(form, page), form)


@bp.route("/absences/<absence_id>/medical")
@requires(MEDICAL_READERS)
def medical(absence_id: str):
    """The confidential detail, shown on request to those allowed, and every read logged."""
    absence, employee = absence_or_404(absence_id)
    if not may_read_medical(current_user, employee):
        return render_template("error.html", title="You cannot see medical details",
                               advice="Only the employee's managers, HR for their division and administrators can.",
                               code=403), 403
    log_medical_read(absence, employee, "absence page")
    return render_page_or_fragment("absences/medical.html", "absences/_medical.html", absence=absence,
                                   employee=employee)


def _submitted() -> bool:
    return request.method == "POST"


def log_medical_read(absence: Absence, employee: Employee, where: str) -> None:
    """Record that the current user saw this absence's medical detail."""
    MedicalRead(reader=current_user.email, at=utcnow(), assignment_number=employee.assignment_number,
                absence=absence.pk, what="reason detail and fit notes", where=where).save()


def _copy(form, absence: Absence) -> None:
    absence.first_day = form.first_day.data
    absence.expected_return = form.expected_return.data
    absence.reason_category = form.reason_category.data
    if "reason_detail" in form:
        absence.reason_detail = (form.reason_detail.data or "").strip() or None
    for flag in FLAGS:
        setattr(absence, flag, bool(getattr(form, flag).data))
