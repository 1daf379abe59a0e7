"""Associating the absences that triggered a stage: the first thing every stage asks for."""
from __future__ import annotations

import datetime as dt

from blueprints.access import CASE_WORKERS, requires
from blueprints.cases import bp
from blueprints.cases.forms import AssociationForm
from blueprints.cases.loading import actor, attempt, case_or_404, seen_version
from blueprints.cases.page import render_case
from services.cases.tasks import associate_absences


@bp.route("/cases/<case_id>/association", methods=["POST"])
@requires(CASE_WORKERS)
def associate(case_id: str):
    case, employee = case_or_404(case_id)
    form = AssociationForm()
    if form.validate_on_submit():
        message = attempt(case, lambda: associate_absences(case, employee, form.absence_ids.data or [], actor(),
                                                           dt.date.today(), seen_version(form)),
                          "Absences associated with the stage. Its other tasks can now be completed.", "tasks")
        if not isinstance(message, str):
            return message
        form.absence_ids.errors = [message]
    return render_case(case, employee, status=400, association_form=form)
