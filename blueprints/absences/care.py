"""While someone is off and when they come back: contacts, fit notes, referrals, forms, the RTW interview."""
from __future__ import annotations

import dataclasses

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.absences import bp
from blueprints.absences.forms import ContactForm, DateDoneForm, FitNoteForm, ReturnToWorkForm
from blueprints.absences.loading import absence_or_404, absence_url
from blueprints.absences.page import render_absence_page
from blueprints.access import ABSENCE_RECORDERS, requires
from blueprints.answering import answer, page_again
from blueprints.fields import seen_version
from casework.absences import long_date
from services import clock
from services.absences import care as service
from services.triggers import policy_of

DONE = {  # step → (prefix of its form and its key in STEPS, what the page says after)
    "oh-referral": ("oh", "Referral to occupational health recorded."),
    "accident-report": ("accident", "Accident report recorded."),
    "damages-agreement": ("damages", "Third-party damages agreement recorded."),
}


@bp.route("/absences/<absence_id>/contacts", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def log_contact(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    form = ContactForm()
    return answer(lambda: service.log_contact(absence, employee, form.contact_on.data, form.method.data,
                                              form.note.data, current_user.name, current_user.email, clock.today(),
                                              seen_version(form)),
                  lambda _: f"Contact on {long_date(form.contact_on.data)} logged.", absence_url(absence, "contacts"),
                  page_again(form, lambda: render_absence_page(absence, employee, status=400, contact_form=form)), form)


@bp.route("/absences/<absence_id>/fit-notes", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def record_fit_note(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    form = FitNoteForm()
    return answer(lambda: service.record_fit_note(absence, employee, form.from_day.data, form.to_day.data,
                                                  form.may_be_fit.data, form.detail.data, current_user.email,
                                                  clock.today(), seen_version(form)),
                  lambda _: f"Fit note {long_date(form.from_day.data)} to {long_date(form.to_day.data)} recorded.",
                  absence_url(absence, "fit-notes"),
                  page_again(form, lambda: render_absence_page(absence, employee, status=400, fit_note_form=form)),
                  form)


@bp.route("/absences/<absence_id>/steps/<step>", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def record_step(absence_id: str, step: str):
    absence, employee = absence_or_404(absence_id)
    if step not in DONE:
        return render_template("error.html", title="Page not found", advice="", code=404), 404
    prefix, done = DONE[step]
    form = DateDoneForm(prefix=prefix)
    return answer(lambda: service.record_step(absence, employee, service.STEPS[prefix], form.done_on.data,
                                              form.reference.data, current_user.email, clock.today(),
                                              seen_version(form)), done,
                  absence_url(absence, "expectations"), page_again(form, lambda: render_absence_page(
                      absence, employee, status=400, **{f"{prefix}_form": form})), form)


@bp.route("/absences/<absence_id>/return-to-work", methods=["GET", "POST"])
@requires(ABSENCE_RECORDERS)
def return_to_work(absence_id: str):
    absence, employee = absence_or_404(absence_id)
    blocked = service.return_to_work_blocked(absence)
    if blocked:
        flash(blocked)
        return redirect(url_for("absences.show", absence_id=absence.pk,
                                _anchor="return-to-work" if absence.rtw else None))
    due = service.interview_due(absence, employee, policy_of(employee))
    if request.method == "GET":
        form = ReturnToWorkForm(formdata=None, held_on=min(clock.today(), due.first_day_back),
                                version=str(absence.version))
    else:
        form = ReturnToWorkForm()

    def page():
        status = 400 if form.errors or form.form_errors else 200
        return render_template("absences/rtw.html", form=form, absence=absence, employee=employee, due=due), status
    return answer(lambda: service.record_return_to_work(absence, employee, _interview(form), current_user.name,
                                                        current_user.email, clock.today(), seen_version(form)),
                  lambda _: f"Return-to-work interview recorded: held on working day {absence.rtw.day_number} back.",
                  absence_url(absence, "return-to-work"), page_again(form, page), form)


def _interview(form: ReturnToWorkForm) -> service.Interview:
    """The interview as the form records it."""
    return service.Interview(**{field.name: form[field.name].data for field in dataclasses.fields(service.Interview)})
