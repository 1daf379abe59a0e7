"""An appeal against the outcome of a case's stage: recorded once it is decided, by those who record outcomes.
The case page's "Appeal" section is provided here too."""
from __future__ import annotations

from flask_login import current_user

from blueprints.access import CASE_WORKERS, requires
from blueprints.answering import answer
from blueprints.cases import bp
from blueprints.cases.forms import AppealForm
from blueprints.cases.loading import actor, case_or_404, case_url
from blueprints.cases.page import case_page_again, case_section
from blueprints.fields import seen_version
from casework.appeals import APPEAL_OUTCOMES, AppealChoice
from services import clock
from services.cases.appeals import appeal_stage, may_appeal, record_appeal

PREFIX = "appeal"


def chosen(form: AppealForm) -> AppealChoice:
    """The appeal on a valid posted form."""
    def text(field) -> str:
        return (field.data or "").strip()
    return AppealChoice(form.received_on.data, text(form.heard_by_name), text(form.heard_by_title),
                        form.meeting_on.data, form.decided_on.data, form.outcome.data, text(form.reasons),
                        late_reason=text(form.late_reason), meeting_place=text(form.meeting_place),
                        what_changed=text(form.what_changed), warning_change=form.warning_change.data or "none",
                        new_expiry=form.new_expiry.data)


@bp.route("/cases/<case_id>/appeal", methods=["POST"])
@requires(CASE_WORKERS)
def appeal(case_id: str):
    """Record the appeal against the current stage's outcome, with its decision."""
    case, employee = case_or_404(case_id)
    form = AppealForm(prefix=PREFIX)
    return answer(lambda: record_appeal(case, chosen(form), actor(), clock.today(), seen_version(form)),
                  lambda effect: " ".join(effect.words()), case_url(case, "appeal"),
                  case_page_again(case, employee, said_at_top=True, appeal_form=form), form, beside="outcome")


@case_section
def provide(case, employee, today, forms) -> dict:
    """The appeal section: the stage whose outcome may be appealed, its appeals, and the form."""
    return {"appeal_stage": appeal_stage(case), "may_record_appeal": current_user.has_role(*CASE_WORKERS)
            and may_appeal(case), "appeal_outcomes": APPEAL_OUTCOMES,
            "appeal_form": forms.pop("appeal_form", None) or AppealForm(formdata=None, prefix=PREFIX,
                                                                         version=case.version)}
