"""Completing and reassigning a case's tasks."""
from __future__ import annotations

import datetime as dt

from blueprints.access import CASE_OVERSEERS, CASE_WORKERS, requires
from blueprints.cases import bp
from blueprints.cases.forms import CaseForm, ReassignForm
from blueprints.cases.loading import actor, attempt, case_or_404, seen_version
from blueprints.cases.page import render_case
from services.cases.tasks import CONFIRM_RESUMED, complete_task, confirm_resumed, find_task, reassign_task


@bp.route("/cases/<case_id>/tasks/<task_id>/complete", methods=["POST"])
@requires(CASE_WORKERS)
def complete(case_id: str, task_id: str):
    case, employee = case_or_404(case_id)
    form = CaseForm()
    if not form.validate_on_submit():
        return render_case(case, employee, status=400, message="The form had expired. Send it again.")
    task = next((task for task in case.tasks if task.id == task_id), None)
    if task is not None and task.kind == CONFIRM_RESUMED:
        answer = attempt(case, lambda: confirm_resumed(case, actor(), dt.date.today(), seen_version(form)),
                         "Return confirmed: the long-term case is closed and any paused short-term work resumes.")
    else:
        answer = attempt(case, lambda: complete_task(case, task_id, actor(), seen_version(form)),
                         f"Done: {task.title}." if task else "Done.", "tasks")
    if isinstance(answer, str):
        return render_case(case, employee, status=400, message=answer)
    return answer


@bp.route("/cases/<case_id>/tasks/<task_id>/reassign", methods=["POST"])
@requires(CASE_OVERSEERS)
def reassign(case_id: str, task_id: str):
    case, employee = case_or_404(case_id)
    form = ReassignForm()
    if form.validate_on_submit():
        assignee = form.assignee.data.strip().lower()
        answer = attempt(case, lambda: (find_task(case, task_id), reassign_task(case, task_id, assignee, actor(),
                                                                                seen_version(form))),
                         f"Task given to {assignee}.", "tasks")
        if not isinstance(answer, str):
            return answer
        form.assignee.errors = [answer]
    return render_case(case, employee, status=400, reassign_form=form)
