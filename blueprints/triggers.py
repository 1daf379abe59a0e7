"""Trigger scans from the web: HR see what a scan of the staff they look after would do on a date, then apply it
(in the background, followed on the scan's own page)."""
from __future__ import annotations

import datetime as dt

from bson import ObjectId
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, ValidationError

from blueprints.access import TRIGGER_SCANNERS, requires, visible_or_404
from blueprints.fields import DayField
from blueprints.jobs import job_host
from blueprints.paging import Page
from blueprints.rendering import render_page_or_fragment
from documents.job import Job
from services import clock
from services.policies import staff_order
from services.scan_jobs import TRIGGER_SCAN, scan_found, start_scan
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
    """Apply the scan over the same staff in the background, followed on its own page; a second run changes
    nothing."""
    form = ScanForm()
    if not form.validate_on_submit():
        return _page(form, None), 400
    job = start_scan(current_user, form.as_of.data, job_host())
    return redirect(url_for("triggers.scan_job", job_id=job.pk))


@bp.route("/triggers/scan/jobs/<job_id>")
@requires(TRIGGER_SCANNERS)
def scan_job(job_id: str):
    """An applied scan: how far it has got (the panel alone for htmx polling), then what it did."""
    if not ObjectId.is_valid(job_id):
        abort(404)
    job = visible_or_404(Job.objects(kind=TRIGGER_SCAN), pk=job_id)
    summary = scan_found(job)
    return render_page_or_fragment("triggers/scan_job.html", "triggers/_scan_job.html", job=job, summary=summary,
                                   applied=True, as_of=dt.date.fromisoformat(job.parameters["as_of"]),
                                   page=Page.of_list(summary.would if summary else [], request.args,
                                                     current_app.config["PAGE_SIZE"]))


def _page(form: ScanForm, summary) -> str:
    found = sorted(summary.would, key=lambda item: staff_order(item[0])) if summary else []
    return render_template("triggers/scan.html", form=form, summary=summary, applied=False, policy=active_policy(),
                           page=Page.of_list(found, request.args, current_app.config["PAGE_SIZE"]))
