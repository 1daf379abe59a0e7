"""Finding an absence the user may see, and saving a change to it safely."""
from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId
from flask import abort, url_for
from flask_login import current_user

from blueprints.access import visible_or_404
from documents import Absence, Employee
from services.absences import audit_values, save_absence
from services.errors import Refused


def absence_or_404(absence_id: str) -> tuple[Absence, Employee]:
    """The absence and its employee, if the employee is in the user's scope; otherwise 404."""
    try:
        absence = Absence.objects(pk=ObjectId(absence_id)).first()
    except InvalidId:
        absence = None
    if absence is None:
        abort(404)
    return absence, visible_or_404(Employee.objects, pk=absence.employee)


def save_from_form(absence: Absence, employee: Employee, form, action: str, **audit) -> None:
    """Save with the version the user's form was based on (StaleEditError if someone else got there first)."""
    if form.version.data and form.version.data.isdigit():
        absence.version = int(form.version.data)
    save_absence(absence, employee, current_user.email, action, **audit)


def attach_errors(form, errors: dict[str, str]) -> None:
    """Show {field: message} beside the form's fields (unknown fields go to the form as a whole)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)


def change_absence(absence: Absence, employee: Employee, form, action: str, check, change) -> None:
    """Every change on the absence page: refused with what `check()` finds ({field: message}); otherwise
    applied by `change()` and saved with the version the user saw.

    `change()` mutates the absence and may return audit keywords (`added`, `reason`); without `added` the
    entry records the fields that changed.
    """
    errors = check()
    if errors:
        raise Refused.naming(errors)
    before = audit_values(absence)
    audit = change() or {}
    save_from_form(absence, employee, form, action, **({} if "added" in audit else {"before": before}), **audit)


def absence_url(absence: Absence, anchor: str | None = None) -> str:
    """The absence page, at the part named `anchor` when given."""
    return url_for("absences.show", absence_id=absence.pk, _anchor=anchor)

