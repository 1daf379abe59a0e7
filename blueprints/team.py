"""A manager's home: the people below them, who is off, and their open cases."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, request
from flask_login import current_user

from blueprints.paging import Page
from blueprints.rendering import render_page_or_fragment
from blueprints.access import requires
from documents import Employee
from documents.staff import absent_on, open_cases_by_employee

bp = Blueprint("team", __name__)


@bp.route("/team")
@requires("manager")
def index():
    today = dt.date.today()
    everyone = request.args.get("show") == "all"
    staff = Employee.objects.visible_to(current_user).below(current_user.assignment_number).current(today)
    if not everyone:
        staff = staff.filter(supervisor_assignment_number=current_user.assignment_number)
    page = Page.of(staff.order_by("last_name", "first_name"), request.args, current_app.config["PAGE_SIZE"])
    ids = [employee.pk for employee in page.items]
    supervisors = {boss.assignment_number: boss.name for boss in Employee.objects(
        assignment_number__in={e.supervisor_assignment_number for e in page.items}).only(
        "assignment_number", "first_name", "last_name")}
    return render_page_or_fragment(
        "team/index.html", "team/_members.html", page=page, everyone=everyone, supervisors=supervisors,
        absent=absent_on(ids, today), cases=open_cases_by_employee(ids), today=today)
