"""Hierarchy health: staff in post without a supervisor, supervisors without a manager login, managers with
unusually many direct reports, and open tasks held by someone who has left or cannot sign in — each with its fix
(the lists are `services.reads.hierarchy`)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from blueprints.access import IMPORTERS, STAFF_KEEPERS, requires
from blueprints.answering import answer, back_to
from blueprints.cases.forms import CaseForm
from blueprints.cases.loading import case_or_404
from blueprints.fields import seen_version
from blueprints.jobs import job_host
from blueprints.settings import settings
from documents.scope import divisions_in_scope
from services import clock
from services.cases.tasks import HR_QUEUE
from services.hierarchy_health import DEFAULT_MAX_REPORTS, check_again, shown_health
from services.imports.hierarchy import give_stranded_task
from services.reads.people import names_for

bp = Blueprint("hierarchy", __name__)


@bp.route("/hierarchy")
@requires(STAFF_KEEPERS)
def index():
    shown = shown_health(divisions_in_scope(current_user))
    lists = shown.lists
    return render_template("hierarchy/index.html", form=CaseForm(formdata=None), hr_queue=HR_QUEUE,
                           max_reports=shown.max_reports or max_reports(), checked_at=shown.checked_at,
                           checking=shown.checking, may_import=current_user.has_role(*IMPORTERS), **lists,
                           names=names_for(who for item in lists["stranded"]
                                           for who in (item.assignee, item.suggested)))


@bp.route("/hierarchy/check", methods=["POST"])
@requires(STAFF_KEEPERS)
def check():
    """Check the hierarchy again, in the background (at once where jobs run at once)."""
    if not FlaskForm().validate_on_submit():
        flash("The page had expired: try again.")
        return redirect(url_for("hierarchy.index"))
    job = check_again(max_reports(), current_user.email, job_host())
    flash("Hierarchy health checked." if job.status == "done" else
          "Hierarchy health is being checked: reload the page in a minute for the lists.")
    return redirect(url_for("hierarchy.index"))


def max_reports() -> int:
    """More direct reports than this are many (HIERARCHY_MAX_REPORTS)."""
    return current_app.config.get("HIERARCHY_MAX_REPORTS", DEFAULT_MAX_REPORTS)


def check_after(change):
    """`change` (a call changing logins), then hierarchy health checked again in the background."""
    def changed(*args):
        done = change(*args)
        check_again(max_reports(), current_user.email, job_host())
        return done
    return changed


@bp.route("/hierarchy/tasks/<case_id>/<task_id>", methods=["POST"])
@requires(STAFF_KEEPERS)
def give_to_supervisor(case_id: str, task_id: str):
    """Give a stranded task to the employee's current supervisor (their division's HR queue if they have no
    login), with an audit entry on the case and a notice to both."""
    case, employee = case_or_404(case_id)
    form = CaseForm()
    if not form.validate_on_submit():
        flash("The page had expired: try again.")
        return redirect(url_for("hierarchy.index"))
    return answer(lambda: give_stranded_task(case, employee, task_id, current_user.email, clock.today(),
                                             settings().mail, seen_version(form)),
                  lambda moved: f"“{moved.title}” is now with {moved.after}. The case history records the change.",
                  url_for("hierarchy.index"), back_to(url_for("hierarchy.index")))
