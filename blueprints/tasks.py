"""My tasks: everything a user has to do, overdue first, grouped by employee; HR also sees their divisions'
open tasks with the overdue ones counted by who holds them. One click completes a reminder."""
from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from blueprints.access import ABSENCE_RECORDERS, CASE_OVERSEERS, CASE_WORKERS, TEAM_MANAGERS, requires, visible_or_404
from blueprints.paging import Page
from documents import Absence, Employee
from documents.scope import scope_filter
from services import clock
from services.absences import ONE_CLICK_TASKS, mark_reminder_done
from services.errors import Refused
from services.reads.inbox import badge_counts, by_holder, counts, grouped, listed_items
from services.reads.task_pages import TaskPage, divisions_tasks, my_tasks
from services.triggers import start_short_term

bp = Blueprint("tasks", __name__)
OVERSIGHT_VIEWS = {"divisions": CASE_OVERSEERS, "hierarchy": TEAM_MANAGERS}


def oversight_view(user) -> str | None:
    """The task view listing everyone's tasks the user oversees: HR's divisions, or a manager's hierarchy."""
    return next((view for view, group in OVERSIGHT_VIEWS.items() if user.has_role(*group)), None)


@bp.route("/tasks")
@requires(CASE_WORKERS)
def index():
    """My tasks; or (`view=divisions` for HR, `view=hierarchy` for managers) everyone's in the user's scope,
    narrowed to one `holder` and to the overdue ones with `overdue=1`."""
    today = clock.today()
    view = request.args.get("view", "mine")
    oversight = oversight_view(current_user)
    size = current_app.config["PAGE_SIZE"]
    if view == oversight:
        return _everyone(view, today, size)
    mine = my_tasks(current_user, today, request.args.get("page"), size)
    return _render(view, _page(mine, today, size), [], None, False, mine.counts, today)


def _everyone(view: str, today, size: int):
    """Everyone's tasks the user oversees: HR's divisions from the kept tallies and one page of rows; a manager's
    hierarchy (and HR who also manage) from every row in scope."""
    holder, overdue = request.args.get("holder"), request.args.get("overdue") == "1"
    kept = divisions_tasks(current_user, today, holder, overdue, request.args.get("page"), size) \
        if view == "divisions" else None
    if kept is not None:
        return _render(view, _page(kept.page, today, size), kept.holders, holder, overdue, kept.page.counts, today)
    items, people = listed_items(within=scope_filter(current_user))
    shown = [item for item in items if (not holder or item.task.assignee == holder)
             and (not overdue or item.overdue(today))]
    page = Page.of_list(grouped(shown, today, people), request.args, size)
    return _render(view, page, by_holder(items, today), holder, overdue, counts(shown, today), today)


def _page(shown: TaskPage, today, size: int) -> Page:
    """A page of task rows, grouped by employee, paged by the rows the list holds."""
    return Page(grouped(shown.items, today, shown.people), shown.number, size, shown.total)


def _render(view: str, page: Page, holders: list, holder: str | None, overdue: bool, counted: tuple[int, int],
            today):
    return render_template("tasks/index.html", view=view, oversight=oversight_view(current_user), groups=page.items,
                           page=page, holders=holders, names={row.assignee: row.name for row in holders},
                           holder=holder, overdue=overdue, counts=counted, today=today, form=FlaskForm())


def _absence_or_404(absence_id: str) -> tuple[Absence, Employee]:
    """The absence `absence_id` (its employee and tasks) and its employee, or 404 outside the user's scope."""
    try:
        absence = Absence.objects(pk=ObjectId(absence_id)).only("employee", "tasks").first()
    except InvalidId:
        absence = None
    if absence is None:
        abort(404)
    return absence, visible_or_404(Employee.objects, pk=absence.employee)


@bp.route("/absences/<absence_id>/tasks/<task_id>/complete", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def complete_reminder(absence_id: str, task_id: str):
    """One click marks a return-to-work reminder done (the interview itself is recorded on the absence), or the
    short-term procedure considered after several long-term absences."""
    form = FlaskForm()
    absence, _ = _absence_or_404(absence_id)
    task = next((task for task in absence.tasks if task.id == task_id and task.kind in ONE_CLICK_TASKS), None)
    if task is None or not form.validate_on_submit():
        abort(404 if task is None else 400)
    if task.status == "open":
        mark_reminder_done(absence, task_id, current_user.email, task.kind)
    flash(f"Done: {task.title}.")
    return redirect(url_for("tasks.index"))


@bp.route("/absences/<absence_id>/tasks/<task_id>/start-short-term", methods=["POST"])
@requires(ABSENCE_RECORDERS)
def start_short_term_procedure(absence_id: str, task_id: str):
    """The decision on *Consider the short-term procedure*: open a short-term case for the long-term absences."""
    absence, employee = _absence_or_404(absence_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        case = start_short_term(employee, absence, task_id, current_user.email, clock.today())
    except Refused as refused:
        flash(refused.message)
        return redirect(url_for("tasks.index"))
    flash(f"Short-term procedure started for {employee.name}: the first stage's tasks are on the case.")
    return redirect(url_for("cases.show", case_id=case.pk))


@bp.app_context_processor
def task_counts():
    """The signed-in user's open and overdue task counts, for the header's "My tasks" link."""
    def my_counts() -> tuple[int, int]:
        if not current_user.is_authenticated or not current_user.has_role(*CASE_WORKERS):
            return 0, 0
        return badge_counts(current_user, clock.today())
    return {"my_task_counts": my_counts}
