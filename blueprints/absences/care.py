"""While someone is off and when they come back: contacts, fit notes, referrals, forms, the RTW interview."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.absences import bp
from blueprints.absences.forms import ContactForm, DateDoneForm, FitNoteForm, ReturnToWorkForm
from blueprints.absences.loading import absence_or_404, absence_url, change_absence
from blueprints.absences.page import render_absence_page
from blueprints.access import ABSENCE_RECORDERS, requires
from blueprints.answering import answer, page_again
from casework.absences import long_date, rtw_day_number, rtw_due
from casework.calendar import WorkingPattern
from documents.absence import Contact, FitNote, ReturnToWork
from services import clock

STEPS = {  # step → (prefix, field on the absence, reference field, audit action, what the page says after)
    "oh-referral": ("oh", "oh_referral_on", None, "OH referral recorded", "Referral to occupational health recorded."),
    "accident-report": ("accident", "accident_reported_on", "accident_report_ref", "accident report recorded",
                        "Accident report recorded."),
    "damages-agreement": ("damages", "damages_agreement_on", None, "damages agreement recorded",
                          "Third-party damages agreement recorded."),
}


@bp.route("/absences/<absence_id>/contacts", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def log_contact(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    form = ContactForm()

    def change():
        contact = Contact(on=form.contact_on.data, method=form.method.data, by=current_user.name,
                          note=(form.note.data or "").strip() or None)
        absence.contacts.append(contact)
        return {"added": {"contact_on": contact.on, "method": contact.method, "by": contact.by}}

    return answer(lambda: change_absence(absence, employee, form, "contact logged", lambda: _within_absence(
                      absence, form.contact_on.data, "contact_on", "The contact"), change),
                  lambda _: f"Contact on {long_date(form.contact_on.data)} logged.", absence_url(absence, "contacts"),
                  page_again(form, lambda: render_absence_page(absence, employee, status=400, contact_form=form)), form)


@bp.route("/absences/<absence_id>/fit-notes", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def record_fit_note(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    form = FitNoteForm()

    def check():
        errors = {}
        if form.to_day.data < form.from_day.data:
            errors["to_day"] = "The fit note must end on or after the day it starts."
        if form.from_day.data < absence.first_day:
            errors["from_day"] = f"The fit note starts before the absence ({long_date(absence.first_day)})."
        return errors

    def change():
        absence.fit_notes.append(FitNote(from_day=form.from_day.data, to_day=form.to_day.data,
                                         may_be_fit=form.may_be_fit.data,
                                         detail=(form.detail.data or "").strip() or None))
        return {"added": {"fit_note_from": form.from_day.data, "fit_note_to": form.to_day.data}}

    return answer(lambda: change_absence(absence, employee, form, "fit note recorded", check, change),
                  lambda _: f"Fit note {long_date(form.from_day.data)} to {long_date(form.to_day.data)} recorded.",
                  absence_url(absence, "fit-notes"),
                  page_again(form, lambda: render_absence_page(absence, employee, status=400, fit_note_form=form)),
                  form)


@bp.route("/absences/<absence_id>/steps/<step>", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def record_step(absence_id: str, step: str):
    absence, employee = absence_or_404(absence_id)
    if step not in STEPS:
        return render_template("error.html", title="Page not found", advice="", code=404), 404
    prefix, field, reference, action, done = STEPS[step]
    form = DateDoneForm(prefix=prefix)

    def check():
        if form.done_on.data < absence.first_day or form.done_on.data > clock.today():
            return {"done_on": "The date must be between the first day of absence and today."}
        return {}

    def change():
        setattr(absence, field, form.done_on.data)
        added = {field: form.done_on.data}
        if reference:
            setattr(absence, reference, (form.reference.data or "").strip() or None)
            added[reference] = getattr(absence, reference)
        return {"added": added}

    return answer(lambda: change_absence(absence, employee, form, action, check, change), done,
                  absence_url(absence, "expectations"), page_again(form, lambda: render_absence_page(
                      absence, employee, status=400, **{f"{prefix}_form": form})), form)


@bp.route("/absences/<absence_id>/return-to-work", methods=["GET", "POST"])
@requires(ABSENCE_RECORDERS)
def return_to_work(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    if absence.last_day is None:
        flash("End the absence first: the return-to-work interview follows the last day of absence.")
        return redirect(url_for("absences.show", absence_id=absence.pk))
    if absence.rtw:
        flash(f"The return-to-work interview was already recorded on {long_date(absence.rtw.held_on)}.")
        return redirect(url_for("absences.show", absence_id=absence.pk, _anchor="return-to-work"))
    if request.method == "GET":
        first_back = rtw_due(absence.last_day, WorkingPattern.for_employee(employee)).first_day_back
        form = ReturnToWorkForm(formdata=None, held_on=min(clock.today(), first_back), version=str(absence.version))
    else:
        form = ReturnToWorkForm()

    def check():
        errors = {}
        if form.held_on.data < absence.last_day or form.held_on.data > clock.today():
            errors["held_on"] = (f"The interview date must be between the last day of absence "
                                 f"({long_date(absence.last_day)}) and today.")
        if form.phased_return.data and not (form.phased_return_plan.data or "").strip():
            errors["phased_return_plan"] = "Describe the phased return: hours, duties and when it will be reviewed."
        return errors

    def change():
        absence.rtw = ReturnToWork(held_by=current_user.name, **_rtw_values(form, absence, employee))
        return {"added": {"rtw_held_on": absence.rtw.held_on, "held_by": absence.rtw.held_by,
                          "day_number": absence.rtw.day_number}}

    def page():
        status = 400 if form.errors or form.form_errors else 200
        return render_template("absences/rtw.html", form=form, absence=absence, employee=employee), status
    return answer(lambda: change_absence(absence, employee, form, "return-to-work interview recorded", check, change),
                  lambda _: f"Return-to-work interview recorded: held on working day {absence.rtw.day_number} back.",
                  absence_url(absence, "return-to-work"), page_again(form, page), form)


def _rtw_values(form: ReturnToWorkForm, absence, employee) -> dict:
    texts = ("reason_discussed", "support", "adjustments", "phased_return_plan", "notes")
    values = {name: (getattr(form, name).data or "").strip() or None for name in texts}
    values.update(held_on=form.held_on.data, declaration_confirmed=form.declaration_confirmed.data,
                  fit_for_work=form.fit_for_work.data, phased_return=form.phased_return.data,
                  oh_referral_needed=form.oh_referral_needed.data,
                  day_number=rtw_day_number(absence.last_day, form.held_on.data, WorkingPattern.for_employee(employee)))
    return values


def _within_absence(absence, day: dt.date, field: str, what: str) -> dict[str, str]:
    if day < absence.first_day or day > clock.today():
        return {field: f"{what} must be between the first day of absence ({long_date(absence.first_day)}) and today."}
    return {}
