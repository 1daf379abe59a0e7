"""Finding an absence the user may see, and saving a change to it safely."""
from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId
from flask import abort, flash, redirect, url_for
from flask_login import current_user

from blueprints.access import visible_or_404
from documents import Absence, Employee, StaleEditError
from services.absences import audit_values, save_absence


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


def submit_change(absence: Absence, employee: Employee, form, action: str, check, change, done, anchor=None):
    """Every change on the absence page: a valid form whose `check()` finds nothing is applied by `change()`,
    saved with the version the user saw, and answered with `done` and a redirect (returned).

    `change()` mutates the absence and may return audit keywords (`added`, `reason`); without `added`
    the entry records the fields that changed. `done` is the message, or a function giving it once the
    change is made. Otherwise the messages go beside the fields and None is returned, for the caller
    to show the form again.
    """
    if not form.validate_on_submit():
        return None
    errors = check()
    if not errors:
        before = audit_values(absence)
        audit = change() or {}
        stale = save_from_form(absence, employee, form, action, **({} if "added" in audit else {"before": before}),
                               **audit)
        if stale is None:
            flash(done() if callable(done) else done)
            return redirect(url_for("absences.show", absence_id=absence.pk, _anchor=anchor))
        errors = {"__all__": stale}
    attach_errors(form, errors)
    return None
