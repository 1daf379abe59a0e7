"""Employees: HR's searchable list of their divisions, and one employee's page."""
from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from blueprints.access import (
    ABSENCE_RECORDERS,
    CASE_OVERSEERS,
    CASE_READERS,
    STAFF_KEEPERS,
    requires,
    visible_or_404,
)
from blueprints.answering import answer
from blueprints.feedback import flashed, render_with_feedback
from blueprints.fields import DayField, seen_version
from blueprints.paging import Page
from blueprints.rendering import render_page_or_fragment
from casework.pertinent import Adjustment
from documents import Employee
from documents.scope import may_read_medical
from services import clock
from services.adjustments import adjustments_panel, remove_adjusted_threshold, set_adjusted_threshold
from services.reads.evaluations import explain_employee
from services.reads.people import names_in
from services.reads.staff import absent_on, employee_record, find_staff, open_cases_by_employee

bp = Blueprint("employees", __name__)


@bp.route("/employees")
@requires(STAFF_KEEPERS)
def index():
    today = clock.today()
    query = request.args.get("q", "").strip()[:100]
    division = request.args.get("division", "")
    staff, divisions = find_staff(current_user, query, division)
    page = Page.of(staff, request.args, current_app.config["PAGE_SIZE"])
    return render_page_or_fragment(
        "employees/index.html", "employees/_results.html", page=page, query=query, division=division,
        divisions=divisions, absent=absent_on(page.items, today), cases=open_cases_by_employee(page.items),
        today=today)


@bp.route("/employees/<assignment_number>")
@requires(CASE_READERS)
def show(assignment_number: str):
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    return employee_page(employee)


def employee_page(employee: Employee, status: int = 200, adjustment_form: AdjustmentForm | None = None):
    """The employee's page, with the adjusted-threshold form as sent back with its errors."""
    today = clock.today()
    adjustments = adjustments_panel(employee, today)
    adjustment_form = adjustment_form or AdjustmentForm(formdata=None, version=employee.version)
    adjustment_form.trigger.choices = adjustments.triggers
    return render_with_feedback("employees/show.html", flashed(), employee=employee, today=today,
                           explained=explain_employee(employee, today),
                           may_record=current_user.has_role(*ABSENCE_RECORDERS),
                           may_adjust=current_user.has_role(*CASE_OVERSEERS),
                           may_read_reasons=may_read_medical(current_user, employee),
                           adjustments=adjustments, adjustment_form=adjustment_form,
                           names=names_in([row.adjusted for row in adjustments.rows]),
                           **employee_record(employee, current_user, today)), status


class AdjustmentForm(FlaskForm):
    """An adjusted threshold: which trigger, the threshold, why, and when to review it (checked by the service)."""

    version = HiddenField()
    trigger = SelectField("Trigger", choices=[], validate_choice=False)   # the service says which are not
    threshold = StringField("Adjusted threshold", validators=[Length(max=20)])
    reason = TextAreaField("Why: the adjustment agreed", validators=[Length(max=1000)])
    review_on = DayField("Review by", validators=[Optional()])


@bp.route("/employees/<assignment_number>/adjusted-thresholds", methods=["POST"])
@requires(CASE_OVERSEERS)
def adjust(assignment_number: str):
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    form = AdjustmentForm()
    adjustment = Adjustment((form.trigger.data or "").strip(), typed_number(form.threshold.data),
                            form.reason.data or "", form.review_on.data)
    return answer(lambda: set_adjusted_threshold(employee, adjustment, current_user.email, clock.today(),
                                                 seen_version(form)),
                  "Adjusted threshold saved.", _adjustments_url(employee),
                  lambda message, _: employee_page(employee, 400, _with_message(form, message)), form,
                  beside="trigger")


@bp.route("/employees/<assignment_number>/adjusted-thresholds/<trigger>/remove", methods=["POST"])
@requires(CASE_OVERSEERS)
def remove_adjustment(assignment_number: str, trigger: str):
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    form = AdjustmentForm()
    return answer(lambda: remove_adjusted_threshold(employee, trigger, current_user.email, seen_version(form)),
                  "Adjusted threshold removed: the policy's own threshold applies again.", _adjustments_url(employee),
                  lambda message, _: employee_page(employee, 400, _with_message(form, message)), form)


def _adjustments_url(employee: Employee) -> str:
    return url_for("employees.show", assignment_number=employee.assignment_number, _anchor="adjusted-thresholds")


def _with_message(form: AdjustmentForm, message: str | None) -> AdjustmentForm:
    if message:
        form.form_errors.append(message)
    return form


def typed_number(text: str | None) -> float | None:
    """The number typed, or None when it is not one (the service then says what to enter)."""
    try:
        return float((text or "").strip())
    except ValueError:
        return None
