"""The case's chronology: every stage, meeting, outcome, appeal, letter and note the reader may see, oldest first,
on a page of its own that prints as a bundle's page (its print stylesheet leaves out the menu and buttons)."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from blueprints.access import CASE_READERS, requires
from blueprints.cases import bp
from blueprints.cases.loading import case_or_404
from casework.plain_words import title_case
from documents.scope import may_read_medical
from services import clock
from services.cases.meetings import may_read_notes
from services.cases.tasks import ladder_of
from services.reads.chronology import case_chronology
from services.reads.people import names_in


@bp.route("/cases/<case_id>/chronology")
@requires(CASE_READERS)
def chronology(case_id: str):
    case, employee = case_or_404(case_id)
    titles = {stage.key: title_case(stage.title) for stage in ladder_of(case).stages}
    medical = may_read_medical(current_user, employee)
    events = case_chronology(case, names_in(case), titles,
                             lambda meeting: may_read_notes(current_user, case, employee, meeting), medical)
    return render_template("cases/chronology.html", case=case, employee=employee, events=events, titles=titles,
                           today=clock.today(), prepared_by=current_user.name or current_user.email,
                           may_read_medical=medical)
