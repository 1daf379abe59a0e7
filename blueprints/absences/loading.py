"""Finding an absence the user may see, and the address of its page."""
from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId
from flask import abort, url_for

from blueprints.access import visible_or_404
from documents import Absence, Employee


def absence_or_404(absence_id: str) -> tuple[Absence, Employee]:
    """The absence and its employee, if the employee is in the user's scope; otherwise 404."""
    try:
        absence = Absence.objects(pk=ObjectId(absence_id)).first()
    except InvalidId:
        absence = None
    if absence is None:
        abort(404)
    return absence, visible_or_404(Employee.objects, pk=absence.employee)


def absence_url(absence: Absence, anchor: str | None = None) -> str:
    """The absence page, at the part named `anchor` when given."""
    return url_for("absences.show", absence_id=absence.pk, _anchor=anchor)
