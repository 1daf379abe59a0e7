"""Finding a case the user may see, and what a change to it carries: the version seen, who made it, where
the user goes back to."""
from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId
from flask import abort, url_for
from flask_login import current_user

from blueprints.access import visible_or_404
from documents import Case, Employee


def case_or_404(case_id: str) -> tuple[Case, Employee]:
    """The case and its employee, if the case is in the user's scope; otherwise 404."""
    try:
        case = visible_or_404(Case.objects, pk=ObjectId(case_id))
    except InvalidId:
        abort(404)
    employee = Employee.objects(pk=case.employee).exclude("audit").first()
    if employee is None:
        abort(404)
    return case, employee


def case_url(case: Case, anchor: str | None = None) -> str:
    """The case page, at the part named `anchor` ("tasks", "notes"…) when given."""
    return url_for("cases.show", case_id=case.pk, _anchor=anchor)


def actor() -> str:
    return current_user.email
