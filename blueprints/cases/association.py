"""Associating the absences that triggered a stage: the first thing every stage asks for."""
from __future__ import annotations

from blueprints.access import CASE_WORKERS, requires
from blueprints.answering import answer
from blueprints.cases import bp
from blueprints.cases.forms import AssociationForm
from blueprints.cases.loading import actor, case_or_404, case_url
from blueprints.cases.page import case_page_again
from blueprints.fields import seen_version
from services import clock
from services.cases.tasks import associate_absences

SAME_ABSENCES = "Nothing changed: these absences, as they stand, are already associated with the stage."


@bp.route("/cases/<case_id>/association", methods=["POST"])
@requires(CASE_WORKERS)
def associate(case_id: str):
    case, employee = case_or_404(case_id)
    form = AssociationForm()
    return answer(lambda: associate_absences(case, employee, form.absence_ids.data or [], actor(),
                                             clock.today(), seen_version(form)),
                  lambda done: SAME_ABSENCES if done is None else
                  "Absences associated with the stage. Its other tasks can now be completed.",
                  case_url(case, "association"), case_page_again(case, employee, association_form=form), form,
                  beside="absence_ids")
