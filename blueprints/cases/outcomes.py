"""Outcomes of a stage: choose one, see the dates the policy sets ("Check the dates"), then save it."""
from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from blueprints.access import CASE_WORKERS, requires
from blueprints.answering import answer
from blueprints.cases import bp
from blueprints.cases.forms import OutcomeForm
from blueprints.cases.loading import actor, case_or_404, case_url
from blueprints.cases.page import case_page_again, case_section, render_case
from blueprints.fields import seen_version
from casework.workflow import OUTCOMES, DismissalTerms
from services import clock
from services.cases.outcomes import OutcomeChoice, check_outcome, offered_outcomes, outcome_blocked, record_outcome

NOTHING_CHANGED = "Nothing changed: the stage already has this outcome, with the same dates and words."


def outcome_form(case, today: dt.date, posted: bool = False) -> OutcomeForm:
    """The outcome form with the choices the case's stage offers: the posted one, or a new one decided today."""
    form = OutcomeForm() if posted else OutcomeForm(formdata=None, version=case.version, decided_on=today)
    form.outcome_kind.choices = [SelectChoice(outcome.key, outcome.label) for outcome in offered_outcomes(case)]
    return form


def posted(case_id: str):
    """The case, its employee, today and the posted outcome form."""
    case, employee = case_or_404(case_id)
    today = clock.today()
    return case, employee, today, outcome_form(case, today, posted=True)


def chosen(form: OutcomeForm) -> OutcomeChoice:
    """The outcome chosen on a valid posted form."""
    terms = DismissalTerms(form.termination_date.data, form.notice_weeks.data, bool(form.pay_in_lieu.data),
                           form.dismissed_by_name.data or "", form.dismissed_by_title.data or "")
    return OutcomeChoice(form.outcome_kind.data, form.decided_on.data, form.letter_dated.data,
                         (form.target.data or "").strip(), (form.summary.data or "").strip(), terms,
                         form.target_occasions.data, form.target_days.data)


@bp.route("/cases/<case_id>/outcome", methods=["POST"])
@requires(CASE_WORKERS)
def outcome(case_id: str):
    """"Check the dates" (the page with the plan and a save button) or "Save the outcome"."""
    case, employee, today, form = posted(case_id)
    again = case_page_again(case, employee, said_at_top=True, outcome_form=form)
    if request.form.get("step") != "save":
        return answer(lambda: check_outcome(case, chosen(form), actor(), today),
                      lambda plan: render_case(case, employee, outcome_form=form, outcome_plan=plan), None, again,
                      form, beside="outcome_kind")
    return answer(lambda: record_outcome(case, employee, chosen(form), actor(), today, seen_version(form)),
                  lambda plan: f"Outcome recorded: {plan.outcome.label}." if plan is not None else NOTHING_CHANGED,
                  case_url(case, "outcome"), again, form,
                  beside="outcome_kind")


@bp.route("/cases/<case_id>/outcome/preview", methods=["POST"])
@requires(CASE_WORKERS)
def preview(case_id: str):
    """The dates the chosen outcome sets, as a fragment htmx swaps in while the form is filled in."""
    case, _, today, form = posted(case_id)

    def fragment(plan=None):
        return render_template("cases/_outcome.html", only_plan=True, case=case, outcome_form=form, outcome_plan=plan)
    if not form.outcome_kind.data:
        return fragment()
    return answer(lambda: check_outcome(case, chosen(form), actor(), today), fragment, None, lambda *_: fragment(),
                  form, beside="outcome_kind")


@case_section
def provide(case, employee, today, forms) -> dict:
    """The outcome section: the outcomes offered, the form (with the plan after "Check the dates")."""
    return {"outcome_form": forms.pop("outcome_form", None) or outcome_form(case, today),
            "outcome_plan": forms.pop("outcome_plan", None), "outcome_blocked": outcome_blocked(case),
            "may_decide_outcome": current_user.has_role(*CASE_WORKERS),
            "outcome_labels": {key: kind.label for key, kind in OUTCOMES.items()},
            "may_dismiss_here": any(outcome.key == "dismissal" for outcome in offered_outcomes(case))}
