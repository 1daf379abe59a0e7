"""A case migrated from the previous system: the row it came from, and the manager's answer to whether its
stage is right ("This stage is right" confirms it; "This stage is wrong" flags it for HR in one click)."""
from __future__ import annotations

from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from blueprints.access import CASE_WORKERS, requires
from blueprints.answering import answer
from blueprints.cases import bp
from blueprints.cases.forms import CaseForm
from blueprints.cases.loading import actor, case_or_404, case_url
from blueprints.cases.page import case_page_again, case_section, render_case
from blueprints.fields import seen_version
from blueprints.settings import settings
from casework.inflight_feed import COLUMNS
from services.imports.inflight import confirm_stage, confirmation_task, report_wrong_stage


class WrongStageForm(CaseForm):
    """One click; the comment for HR is optional."""

    wrong_stage_comment = TextAreaField("What the stage should be (optional)",
                                        validators=[Optional(), Length(max=2000)])


@bp.route("/cases/<case_id>/migration/confirm", methods=["POST"])
@requires(CASE_WORKERS)
def confirm_migrated_stage(case_id: str):
    case, employee = case_or_404(case_id)
    form = CaseForm()
    return answer_migration(case, employee, form, lambda: confirm_stage(case, actor(), seen_version(form)),
                            "Stage confirmed: the case goes on from here.")


@bp.route("/cases/<case_id>/migration/wrong-stage", methods=["POST"])
@requires(CASE_WORKERS)
def wrong_migrated_stage(case_id: str):
    case, employee = case_or_404(case_id)
    form = WrongStageForm()
    return answer_migration(case, employee, form,
                            lambda: report_wrong_stage(case, actor(), (form.wrong_stage_comment.data or "").strip(),
                                                       seen_version(form), mail=settings().mail),
                            "Flagged “wrong stage”: the division's HR advisors will correct it.")


def answer_migration(case, employee, form, change, done: str):
    """Run the change and go back to the case page; otherwise the page with the reason (400)."""
    if not form.validate_on_submit():
        return render_case(case, employee, status=400, at="migrated",
                           message="The form had expired or was too long. Send it again.")
    return answer(change, done, case_url(case, "migrated"), case_page_again(case, employee, at="migrated"))


@case_section
def provide(case, employee, today, forms) -> dict:
    """The migration panel: the source row, and the two answers while the stage waits for confirmation."""
    version = {"formdata": None, "version": case.version}
    return {
        "migration_columns": COLUMNS,
        "migration_waiting": bool(case.migrated) and confirmation_task(case) is not None,
        "may_confirm_migration": current_user.has_role(*CASE_WORKERS) and case.status != "closed",
        "confirm_stage_form": CaseForm(**version),
        "wrong_stage_form": WrongStageForm(**version),
    }
