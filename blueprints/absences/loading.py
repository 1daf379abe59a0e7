"""Finding an absence the user may see, and saving a change to it safely."""
from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId
from flask import abort
from flask_login import current_user

from blueprints.access import visible_or_404
from documents import Absence, Employee, StaleEditError
from documents.absence_service import save_absence


def absence_or_404(absence_id: str) -> tuple[Absence, Employee]:
    """The absence and its employee, if the employee is in the user's scope; otherwise 404."""
    try:
        absence = Absence.objects(pk=ObjectId(absence_id)).first()
    except InvalidId:
        absence = None
    if absence is None:
        abort(404)
    return absence, visible_or_404(Employee.objects, pk=absence.employee)


def save_from_form(absence: Absence, employee: Employee, form, action: str, **audit) -> str | None:
    """Save with the version the user's form was based on; return the message if someone else got there first."""
    if form.version.data and form.version.data.isdigit():
        absence.version = int(form.version.data)
    try:
        save_absence(absence, employee, current_user.email, action, **audit)
    except StaleEditError as error:
        return str(error)
    return None


def attach_errors(form, errors: dict[str, str]) -> None:
    """Show {field: message} beside the form's fields (unknown fields go to the form as a whole)."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
        else:
            form.form_errors.append(message)
