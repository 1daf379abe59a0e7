"""Outcomes of a stage: choose one, see the dates the policy sets ("Check the dates"), then save it."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from blueprints.access import CASE_WORKERS, requires
from blueprints.cases import bp
from blueprints.cases.forms import OutcomeForm
from blueprints.cases.loading import actor, attempt, case_or_404, seen_version
from blueprints.cases.page import case_section, render_case
from casework.workflow import OUTCOMES
from services.cases.outcomes import date_problems, offered_outcomes, outcome_blocked, outcome_plan, record_outcome
from services.cases.tasks import CaseRuleError


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


def checked_plan(case, form: OutcomeForm, today: dt.date):
    """The plan of a valid posted outcome form, or None with the problems beside their fields."""
    blocked = outcome_blocked(case)
    if not form.validate_on_submit() or blocked:
        form.outcome_kind.errors = [blocked] if blocked else form.outcome_kind.errors
        return None
    problems = date_problems(case, form.decided_on.data, form.letter_dated.data, today)
    for name, message in problems.items():
        form[name].errors = [message]
    if problems:
        return None
    try:
        return outcome_plan(case, form.outcome_kind.data, form.decided_on.data, form.letter_dated.data)
    except CaseRuleError as error:
        form.outcome_kind.errors = [str(error)]
        return None


@bp.route("/cases/<case_id>/outcome", methods=["POST"])
@requires(CASE_WORKERS)
def outcome(case_id: str):
    """"Check the dates" (the page with the plan and a save button) or "Save the outcome"."""
    case, employee, today, form = posted(case_id)
    plan = checked_plan(case, form, today)
    if plan is None:
        return render_case(case, employee, status=400, message=outcome_blocked(case), outcome_form=form)
    if request.form.get("step") != "save":
        return render_case(case, employee, outcome_form=form, outcome_plan=plan)
    answer = attempt(case, lambda: record_outcome(
        case, employee, form.outcome_kind.data, form.decided_on.data, actor(), today, form.letter_dated.data,
        (form.target.data or "").strip(), (form.summary.data or "").strip(), seen_version(form)),
        f"Outcome recorded: {plan.outcome.label}.", "outcome")
    if not isinstance(answer, str):
        return answer
    form.outcome_kind.errors = [answer]
    return render_case(case, employee, status=400, message=answer, outcome_form=form)


@bp.route("/cases/<case_id>/outcome/preview", methods=["POST"])
@requires(CASE_WORKERS)
def preview(case_id: str):
    """The dates the chosen outcome sets, as a fragment htmx swaps in while the form is filled in."""
    case, _, today, form = posted(case_id)
    plan = checked_plan(case, form, today) if form.outcome_kind.data else None
    return render_template("cases/_outcome.html", only_plan=True, case=case, outcome_form=form, outcome_plan=plan)


@case_section
def provide(case, employee, today, forms) -> dict:
    """The outcome section: the outcomes offered, the form (with the plan after "Check the dates")."""
    return {"outcome_form": forms.pop("outcome_form", None) or outcome_form(case, today),
            "outcome_plan": forms.pop("outcome_plan", None), "outcome_blocked": outcome_blocked(case),
            "may_decide_outcome": current_user.has_role(*CASE_WORKERS),
            "outcome_labels": {key: kind.label for key, kind in OUTCOMES.items()}}
