"""The letters about one absence (C9, C10, the occupational health referral B4, the return-to-work record B1):
made, downloaded, uploaded after editing and marked as sent as a case's letters are, shown in the
absence page's "Letters" block."""
from __future__ import annotations

from blueprints.absences import bp
from blueprints.absences.loading import absence_or_404
from blueprints.absences.page import render_absence_page
from blueprints.cases.letters import add_letter_routes, letter_view
from blueprints.settings import settings
from services import clock
from services.cases.letters import absence_letters_for


def _absence_page(absence, employee, status: int, message: str | None, **forms):
    return render_absence_page(absence, employee, status=status, message=message, **forms)


add_letter_routes(bp, "/absences/<absence_id>", absence_or_404, _absence_page, "absences.show")


def absence_letter_block(absence, employee, forms: dict) -> dict:
    """What the absence page's "Letters" block shows (`forms`: those sent back with errors, and the message)."""
    sent_back = {name: value for name, value in forms.items() if value}    # a name the page was not given is undefined
    return letter_view(absence, employee, absence_letters_for(absence, employee, clock.today(),
                                                                      organisation=settings().organisation),
                       [(None, record) for record in absence.letters], sent_back, "absences",
                       {"absence_id": str(absence.pk)}, on_case=False)


@bp.context_processor
def letters_helper() -> dict:
    return {"absence_letter_block": absence_letter_block}
