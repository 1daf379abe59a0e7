"""The letters about one absence (C9, C10, the occupational health referral B4, the return-to-work record B1):
made, downloaded, uploaded after editing and marked as sent as a case's letters are, shown in the
absence page's "Letters" block."""
from __future__ import annotations

import datetime as dt

from flask import url_for

from blueprints.absences import bp
from blueprints.absences.loading import absence_or_404
from blueprints.absences.page import render_absence_page
from blueprints.access import requires
from blueprints.cases.letters import READERS, file_answer, letter_view, make_answer, sent_answer, upload_answer
from blueprints.cases.loading import WORKERS
from documents.letter_service import absence_letters_for


def _absence_answer(absence_id: str):
    """The absence, and how to answer: its page again (reloaded) with the message and forms, or back to it."""
    absence, _ = absence_or_404(absence_id)

    def rerender(status: int, message: str | None, **forms):
        fresh, employee = absence_or_404(absence_id)
        return render_absence_page(fresh, employee, status=status, letter_message=message, **forms)

    return absence, rerender, url_for("absences.show", absence_id=absence.pk, _anchor="letters")


@bp.route("/absences/<absence_id>/letters", methods=["POST"])
@requires(*WORKERS)
def make_letter(absence_id: str):
    return make_answer(*_absence_answer(absence_id))


@bp.route("/absences/<absence_id>/letters/<letter_id>/versions", methods=["POST"])
@requires(*WORKERS)
def upload_letter(absence_id: str, letter_id: str):
    absence, rerender, back = _absence_answer(absence_id)
    return upload_answer(absence, letter_id, rerender, back)


@bp.route("/absences/<absence_id>/letters/<letter_id>/sent", methods=["POST"])
@requires(*WORKERS)
def letter_sent(absence_id: str, letter_id: str):
    absence, rerender, back = _absence_answer(absence_id)
    return sent_answer(absence, letter_id, rerender, back)


@bp.route("/absences/<absence_id>/letters/<letter_id>/versions/<int:number>")
@requires(*READERS)
def download_letter(absence_id: str, letter_id: str, number: int):
    return file_answer(*absence_or_404(absence_id), letter_id, number)


@bp.route("/absences/<absence_id>/letters/<letter_id>/versions/<int:number>/pdf")
@requires(*READERS)
def letter_pdf(absence_id: str, letter_id: str, number: int):
    return file_answer(*absence_or_404(absence_id), letter_id, number, pdf=True)


def absence_letter_block(absence, employee, forms: dict) -> dict:
    """What the absence page's "Letters" block shows (`forms`: those sent back with errors, and the message)."""
    sent_back = {name: value for name, value in forms.items() if value}
    return letter_view(absence, employee, absence_letters_for(absence, employee, dt.date.today()),
                       [(None, record) for record in absence.letters], sent_back, "absences",
                       {"absence_id": str(absence.pk)}, on_case=False)


@bp.context_processor
def letters_helper() -> dict:
    return {"absence_letter_block": absence_letter_block}
