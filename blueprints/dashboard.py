"""Live dashboards: where cases and tasks stand, for HR (their divisions) and managers (their hierarchy)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from blueprints.access import CASE_OVERSEERS, REPORT_READERS, requires
from blueprints.paging import Page
from blueprints.tasks import oversight_view
from documents.case import FLAG_KINDS, FLAG_WORDS
from services import clock
from services.reads.dashboard import dashboard
from services.reads.dashboard_lists import PAY_KINDS, listed_absences

bp = Blueprint("dashboard", __name__)


@bp.route("/dashboard")
@requires(REPORT_READERS)
def index():
    """Cases by stage, overdue tasks by holder, coming changes of pay, outstanding return-to-work interviews
    and flags waiting, for everyone the user may see."""
    today = clock.today()
    return render_template("dashboard/index.html", board=dashboard(current_user, today), today=today,
                           tasks_view=oversight_view(current_user), pay_kinds=PAY_KINDS, flag_kinds=FLAG_KINDS,
                           flag_words=FLAG_WORDS, flags_to_queue=current_user.has_role(*CASE_OVERSEERS))


@bp.route("/dashboard/rtw")
@requires(REPORT_READERS)
def rtw():
    """Ended absences still waiting for their return-to-work interview, the oldest first; `division` or
    `line` narrows them to one group of the dashboard."""
    today = clock.today()
    chosen = {name: request.args[name] for name in ("division", "line") if request.args.get(name)}
    page = Page.of(listed_absences(current_user, today, **chosen), request.args, current_app.config["PAGE_SIZE"])
    people = {row.employee: row for row in page.items if row.assignment_number}     # each row names its employee
    return render_template("dashboard/rtw.html", page=page, people=people, chosen=chosen)
