"""Outcomes of a stage: choose one, see the dates the policy sets ("Check the dates"), then save it."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from blueprints.access import requires
from blueprints.cases import bp
from blueprints.cases.forms import OutcomeForm
from blueprints.cases.loading import WORKERS, actor, case_or_404, seen_version
from blueprints.cases.page import case_section, render_case
from casework.workflow import OUTCOMES
from services.cases.outcomes import OutcomeChoice, check_outcome, offered_outcomes, outcome_blocked, record_outcome
from services.errors import Refused, StaleEditError


def outcome_form(case, today: dt.date, posted: bool = False) -> OutcomeForm:
    """The outcome form with the choices the case's stage offers: the posted one, or a new one decided today."""
    form = OutcomeForm() if posted else OutcomeForm(formdata=None, version=case.version, decided_on=today)
    form.outcome_kind.choices = [SelectChoice(outcome.key, outcome.label) for outcome in offered_outcomes(case)]
    return form


def posted(case_id: str):
    """The case, its employee, today and the posted outcome form."""
    case, employee = case_or_404(case_id)
    today = dt.date.today()
    return case, employee, today, outcome_form(case, today, posted=True)


def chosen(form: OutcomeForm) -> OutcomeChoice:
    """The outcome chosen on a valid posted form."""
    return OutcomeChoice(form.outcome_kind.data, form.decided_on.data, form.letter_dated.data,
                         (form.target.data or "").strip(), (form.summary.data or "").strip())


def beside_fields(form: OutcomeForm, error: Exception) -> str | None:
    """Put a refusal's problems beside their fields; return its message when it is about the outcome as a whole
    (then it is also shown beside the outcome chosen)."""
    field = getattr(error, "field", None)
    for name, message in getattr(error, "problems", {field or "outcome_kind": str(error)}).items():
        form[name].errors = [message]
    return None if field else str(error)


@bp.route("/cases/<case_id>/outcome", methods=["POST"])
@requires(*WORKERS)
def outcome(case_id: str):
    """"Check the dates" (the page with the plan and a save button) or "Save the outcome"."""
    case, employee, today, form = posted(case_id)
    if not form.validate_on_submit():
        return render_case(case, employee, status=400, outcome_form=form)
    try:
        if request.form.get("step") != "save":
            return render_case(case, employee, outcome_form=form, outcome_plan=check_outcome(case, chosen(form), today))
        plan = record_outcome(case, employee, chosen(form), actor(), today, seen_version(form))
    except (Refused, StaleEditError) as error:
        return render_case(case, employee, status=400, message=beside_fields(form, error), outcome_form=form)
    flash(f"Outcome recorded: {plan.outcome.label}.")
    return redirect(url_for("cases.show", case_id=case.pk, _anchor="outcome"))


@bp.route("/cases/<case_id>/outcome/preview", methods=["POST"])
@requires(*WORKERS)
def preview(case_id: str):
    """The dates the chosen outcome sets, as a fragment htmx swaps in while the form is filled in."""
    case, _, today, form = posted(case_id)
    plan = None
    if form.outcome_kind.data and form.validate_on_submit():
        try:
            plan = check_outcome(case, chosen(form), today)
        except Refused as error:
            beside_fields(form, error)
    return render_template("cases/_outcome.html", only_plan=True, case=case, outcome_form=form, outcome_plan=plan)


@case_section
def provide(case, employee, today, forms) -> dict:
    """The outcome section: the outcomes offered, the form (with the plan after "Check the dates")."""
    return {"outcome_form": forms.pop("outcome_form", None) or outcome_form(case, today),
            "outcome_plan": forms.pop("outcome_plan", None), "outcome_blocked": outcome_blocked(case),
            "may_decide_outcome": current_user.has_role(*WORKERS),
            "outcome_labels": {key: kind.label for key, kind in OUTCOMES.items()}}
