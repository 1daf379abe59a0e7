"""Completing and reassigning a case's tasks."""
from __future__ import annotations

from blueprints.access import CASE_OVERSEERS, CASE_WORKERS, requires
from blueprints.answering import answer
from blueprints.cases import bp
from blueprints.cases.forms import CaseForm, ReassignForm
from blueprints.cases.loading import actor, case_or_404, case_url
from blueprints.cases.page import case_page_again, render_case
from blueprints.fields import seen_version
from services import clock
from services.cases.tasks import CONFIRM_RESUMED, complete_task, confirm_resumed, reassign_task


@bp.route("/cases/<case_id>/tasks/<task_id>/complete", methods=["POST"])
@requires(CASE_WORKERS)
def complete(case_id: str, task_id: str):
    case, employee = case_or_404(case_id)
    form = CaseForm()
    if not form.validate_on_submit():
        return render_case(case, employee, status=400, at="tasks", message="The form had expired. Send it again.")
    task = next((task for task in case.tasks if task.id == task_id), None)
    if task is not None and task.kind == CONFIRM_RESUMED:
        return answer(lambda: confirm_resumed(case, actor(), clock.today(), seen_version(form)),
                      "Return confirmed: the long-term case is closed and any paused short-term work resumes.",
                      case_url(case, "tasks"), case_page_again(case, employee, at="tasks"))
    return answer(lambda: complete_task(case, task_id, actor(), seen_version(form)),
                  f"Done: {task.title}." if task else "Done.", case_url(case, "tasks"),
                  case_page_again(case, employee, at="tasks"))


@bp.route("/cases/<case_id>/tasks/<task_id>/reassign", methods=["POST"])
@requires(CASE_OVERSEERS)
def reassign(case_id: str, task_id: str):
    case, employee = case_or_404(case_id)
    form = ReassignForm()
    assignee = (form.assignee.data or "").strip().lower()
    return answer(lambda: reassign_task(case, task_id, assignee, actor(), seen_version(form)),
                  f"Task given to {assignee}.", case_url(case, "tasks"),
                  case_page_again(case, employee, reassign_form=form, reassigning=task_id), form, beside="assignee")
