"""Trigger scans from the web: HR see what a scan of the staff they look after would do on a date, then apply it."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, ValidationError

from blueprints.access import TRIGGER_SCANNERS, requires
from blueprints.answering import answer
from blueprints.fields import DayField
from blueprints.paging import Page
from services import clock
from services.policies import staff_order
from services.triggers import active_policy, scan_staff_of

bp = Blueprint("triggers", __name__)

EARLIEST = dt.date(2000, 1, 1)


class ScanForm(FlaskForm):
    as_of = DayField("Scan as of", default=clock.today, format="%Y-%m-%d", validators=[
        InputRequired("Enter the date the scan looks at, for example 2026-11-23.")])

    def validate_as_of(self, field):
        if field.data is None:
            return
        if field.data > clock.today():
            raise ValidationError("The date cannot be in the future: a scan counts absences up to its date.")
        if field.data < EARLIEST:
            raise ValidationError(f"Enter a date from {EARLIEST.year} onwards.")


@bp.route("/triggers/scan")
@requires(TRIGGER_SCANNERS)
def preview():
    """What a scan would do on the date asked (today unless another is given); changes nothing."""
    asked = "as_of" in request.args
    form = ScanForm(request.args if asked else None, meta={"csrf": False})
    if asked and not form.validate():
        return _page(form, None), 400
    return _page(form, scan_staff_of(current_user, form.as_of.data, apply=False))


@bp.route("/triggers/scan", methods=["POST"])
@requires(TRIGGER_SCANNERS)
def apply():
    """Run the scan over the same staff and apply it; a second run changes nothing."""
    form = ScanForm()
    if not form.validate_on_submit():
        return _page(form, None), 400

    def stopped(message: str, _):
        form.form_errors.append("Someone else changed a case while the scan ran, so it stopped part way. "
                                "Look at the preview again and apply what is left.")
        return _page(form, None), 409
    return answer(lambda: scan_staff_of(current_user, form.as_of.data, apply=True),
                  lambda summary: _page(form, summary, applied=True), None, stopped)


def _page(form: ScanForm, summary, applied: bool = False) -> str:
    found = sorted(summary.would, key=lambda item: staff_order(item[0])) if summary else []
    return render_template("triggers/scan.html", form=form, summary=summary, applied=applied, policy=active_policy(),
                           page=Page.of_list(found, request.args, current_app.config["PAGE_SIZE"]))
