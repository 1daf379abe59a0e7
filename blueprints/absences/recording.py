"""Recording an absence, extending it, ending it, correcting it, and reading its medical detail."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.absences import bp
from blueprints.absences.forms import AbsenceForm, CorrectionForm, EndForm, ExtendForm
from blueprints.absences.loading import absence_or_404, absence_url
from blueprints.absences.page import render_absence_page
from blueprints.access import (
    ABSENCE_RECORDERS,
    CASE_READERS,
    MEDICAL_READERS,
    note_refusal,
    requires,
    visible_or_404,
)
from blueprints.answering import answer, page_again
from blueprints.fields import seen_version
from blueprints.rendering import render_page_or_fragment
from documents import Employee
from documents.scope import may_read_medical
from services import clock
from services.absences.recording import (
    FLAGS,
    AbsenceDetails,
    correct_absence,
    end_absence,
    extend_absence,
    log_medical_reads,
    record_absence,
)

NOTHING_CHANGED = "Nothing changed: the absence already has these dates and details, so no correction was kept."


@bp.route("/employees/<assignment_number>/absences/new", methods=["GET", "POST"])
@requires(ABSENCE_RECORDERS)
def new(assignment_number: str):
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    form = AbsenceForm()

    def recorded(absence):
        flash(f"Absence recorded for {employee.name}.")
        return redirect(url_for("absences.show", absence_id=absence.pk))

    def page():
        status = 400 if form.errors or form.form_errors else 200
        return render_template("absences/new.html", form=form, employee=employee), status
    return answer(lambda: record_absence(employee, _details(form), current_user.email, clock.today()), recorded,
                  None, page_again(form, page), form)


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
    return answer(lambda: end_absence(absence, employee, form.last_day.data, current_user.email, clock.today(),
                                      seen_version(form)),
                  "Absence ended. The return-to-work interview is now due.", absence_url(absence, "return-to-work"),
                  page_again(form, lambda: render_absence_page(absence, employee, status=400, end_form=form)), form)


@bp.route("/absences/<absence_id>/extend", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def extend(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    form = ExtendForm()
    return answer(lambda: extend_absence(absence, employee, form.expected_return.data, current_user.email,
                                         clock.today(), seen_version(form)),
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
        log_medical_reads(current_user.email, employee, [absence], "correction form")
    if not _submitted():
        form.version.data = str(absence.version)

    def page():
        status = 400 if form.errors or form.form_errors else 200
        return render_template("absences/correct.html", form=form, absence=absence, employee=employee), status
    return answer(lambda: correct_absence(absence, employee, _details(form), form.last_day.data,
                                          form.correction_reason.data, current_user.email, clock.today(),
                                          seen_version(form)),
                  lambda corrected: "Absence corrected. The change and your reason are in its history."
                  if corrected is not None else NOTHING_CHANGED, absence_url(absence),
                  page_again(form, page), form)


@bp.route("/absences/<absence_id>/medical")
@requires(MEDICAL_READERS)
def medical(absence_id: str):
    """The confidential detail, shown on request to those allowed, and every read logged."""
    absence, employee = absence_or_404(absence_id)
    if not may_read_medical(current_user, employee):
        note_refusal("medical", employee.assignment_number)
        return render_template("error.html", title="You cannot see medical details",
                               advice="Only the employee's managers, HR for their division and administrators can.",
                               code=403), 403
    log_medical_reads(current_user.email, employee, [absence], "absence page")
    return render_page_or_fragment("absences/medical.html", "absences/_medical.html", absence=absence,
                                   employee=employee)


def _submitted() -> bool:
    return request.method == "POST"


def _details(form: AbsenceForm) -> AbsenceDetails:
    """What the absence form (or the correction form) says; the medical detail only when the form showed it."""
    return AbsenceDetails(form.first_day.data, form.expected_return.data, form.reason_category.data,
                          (form.reason_detail.data or "") if "reason_detail" in form else None,
                          **{flag: bool(getattr(form, flag).data) for flag in FLAGS})
