"""Employees: HR's searchable list of their divisions, and one employee's page."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from blueprints.access import ABSENCE_RECORDERS, CASE_READERS, STAFF_KEEPERS, requires, visible_or_404
from blueprints.paging import Page
from blueprints.rendering import render_page_or_fragment
from documents import Employee
from services import clock
from services.reads.evaluations import explain_employee
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
    ids = [employee.pk for employee in page.items]
    return render_page_or_fragment(
        "employees/index.html", "employees/_results.html", page=page, query=query, division=division,
        divisions=divisions, absent=absent_on(ids, today), cases=open_cases_by_employee(ids), today=today)


@bp.route("/employees/<assignment_number>")
@requires(CASE_READERS)
def show(assignment_number: str):
    employee = visible_or_404(Employee.objects, assignment_number=assignment_number)
    today = clock.today()
    return render_template("employees/show.html", employee=employee, today=today,
                           explained=explain_employee(employee, today),
                           may_record=current_user.has_role(*ABSENCE_RECORDERS),
                           **employee_record(employee, current_user, today))
