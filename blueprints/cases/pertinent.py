"""HR's advice on the pertinent factors, recorded on the case page: it completes the task and lets formal steps go
ahead."""
from __future__ import annotations

from flask_login import current_user

from blueprints.access import CASE_OVERSEERS, requires
from blueprints.answering import answer
from blueprints.cases import bp
from blueprints.cases.forms import AdviceForm
from blueprints.cases.loading import actor, case_or_404, case_url
from blueprints.cases.page import case_page_again, case_section
from blueprints.fields import seen_version
from casework.pertinent import PERTINENT_ADVICE
from documents.scope import may_read_medical
from services.pertinent import record_pertinent_advice


@bp.route("/cases/<case_id>/tasks/<task_id>/advice", methods=["POST"])
@requires(CASE_OVERSEERS)
def advise(case_id: str, task_id: str):
    case, employee = case_or_404(case_id)
    form = AdviceForm()
    return answer(lambda: record_pertinent_advice(case, task_id, form.advice.data or "", actor(), seen_version(form)),
                  "HR's advice on the pertinent factors is recorded: formal steps may go ahead.",
                  case_url(case, "pertinent"), case_page_again(case, employee, advice_form=form), form,
                  beside="advice")


@case_section
def provide(case, employee, today, forms) -> dict:
    """The pertinent factors: HR's advice tasks, open and done, their factors and advice shown to those who may
    read the employee's medical detail, and the advice form for HR."""
    tasks = [task for task in case.tasks if task.kind == PERTINENT_ADVICE]
    return {"pertinent_tasks": tasks, "may_read_factors": may_read_medical(current_user, employee),
            "may_advise": current_user.has_role(*CASE_OVERSEERS) and case.status != "closed",
            "advice_form": forms.pop("advice_form", None) or AdviceForm(formdata=None, version=case.version)}
