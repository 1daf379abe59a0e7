"""Employees: HR's searchable list of their divisions, and one employee's page."""
from __future__ import annotations

import re

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from blueprints.access import ABSENCE_RECORDERS, CASE_READERS, STAFF_KEEPERS, requires, visible_or_404
from blueprints.paging import Page
from blueprints.rendering import render_page_or_fragment
from casework.absences import Period, absence_length, window_figures
from casework.calendar import WorkingPattern
from documents import Absence, Case, Employee
from services import clock
from services.reads.evaluations import explain_employee
from services.reads.staff import absent_on, open_cases_by_employee

bp = Blueprint("employees", __name__)


@bp.route("/employees")
@requires(STAFF_KEEPERS)
def index():
    today = clock.today()
    query = request.args.get("q", "").strip()[:100]
    division = request.args.get("division", "")
    staff = Employee.objects.visible_to(current_user)
    divisions = sorted(staff.distinct("division"))
    if division in divisions:
        staff = staff.filter(division=division)
    if query:
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        staff = staff.filter(__raw__={"$or": [
            {"last_name": pattern}, {"first_name": pattern}, {"assignment_number": pattern},
            {"job_title": pattern}]})
    page = Page.of(staff.order_by("last_name", "first_name"), request.args, current_app.config["PAGE_SIZE"])
    ids = [employee.pk for employee in page.items]
    return render_page_or_fragment(
        "employees/index.html", "employees/_results.html", page=page, query=query, division=division,
        divisions=divisions, absent=absent_on(ids, today), cases=open_cases_by_employee(ids), today=today)


@bp.route("/employees/<assignment_number>")
@requires(CASE_READERS)
def show(assignment_number: str):
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    supervisor = Employee.objects(assignment_number=employee.supervisor_assignment_number).first()
    today = clock.today()
    pattern = WorkingPattern.for_employee(employee)
    absences = list(Absence.objects(employee=employee.pk).exclude("reason_detail", "audit", "fit_notes")
                    .order_by("-first_day"))
    cases = Case.objects(employee=employee.pk).only("kind", "status", "stage", "opened_on", "closed_on",
                                                      "paused").order_by("-opened_on")
    figures = window_figures([Period(a.pk, a.first_day, a.last_day) for a in absences], pattern, today)
    lengths = {a.pk: absence_length(a.first_day, a.last_day, pattern, today) for a in absences}
    return render_template("employees/show.html", employee=employee, supervisor=supervisor, absences=absences,
                           lengths=lengths, figures=figures, cases=list(cases), today=today,
                           explained=explain_employee(employee, today),
                           may_record=current_user.has_role(*ABSENCE_RECORDERS),
                           may_see_supervisor=supervisor is not None and bool(
                               Employee.objects.visible_to(current_user).filter(pk=supervisor.pk).count()))
