"""The data protection officer's view: who read whose medical detail, who was refused what (each filtered, paged and
exported as CSV), and subject access exports. Open to the DPO and admins; a DPO reads no case or absence."""
from __future__ import annotations

import io

from flask import Blueprint, Response, current_app, render_template, request, send_file
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from blueprints.access import PRIVACY_OFFICERS, requires
from blueprints.answering import answer, page_again
from blueprints.paging import Page
from blueprints.rendering import render_page_or_fragment
from casework.exports import to_csv
from casework.privacy import parse_log_filter
from services import clock
from services.privacy.logs import READS, REFUSALS, LogKind, narrowed, table, whole
from services.privacy.subject_access import recent_exports, subject_access_export

bp = Blueprint("dpo", __name__)


class SubjectAccessForm(FlaskForm):
    assignment_number = StringField("Employee's assignment number",
                                    validators=[InputRequired("Enter the employee's assignment number."),
                                                Length(max=40, message="Enter at most 40 characters.")])
    confirm = BooleanField("I confirm this export answers a subject access request made by this employee or on "
                           "their behalf", validators=[DataRequired("Confirm the export answers a request.")])


@bp.route("/dpo/medical-reads")
@requires(PRIVACY_OFFICERS)
def medical_reads():
    """Who read whose medical detail, when and where."""
    return _log_page(READS, "dpo.medical_reads", "dpo.medical_reads_csv")


@bp.route("/dpo/medical-reads.csv")
@requires(PRIVACY_OFFICERS)
def medical_reads_csv():
    return _log_csv(READS)


@bp.route("/dpo/refusals")
@requires(PRIVACY_OFFICERS)
def refusals():
    """Requests refused because the record was out of the user's scope, medical, or the page not for their roles."""
    return _log_page(REFUSALS, "dpo.refusals", "dpo.refusals_csv")


@bp.route("/dpo/refusals.csv")
@requires(PRIVACY_OFFICERS)
def refusals_csv():
    return _log_csv(REFUSALS)


@bp.route("/dpo/subject-access", methods=["GET", "POST"])
@requires(PRIVACY_OFFICERS)
def subject_access():
    """The subject access export of one employee, once confirmed: a zip of everything held about them."""
    form = SubjectAccessForm()

    def page():
        status = 400 if form.errors or form.form_errors else 200
        return render_template("dpo/subject_access.html", form=form, exports=recent_exports(clock.zone())), status

    def sent(made):
        data, filename = made
        return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=filename,
                         etag=False)

    return answer(lambda: subject_access_export(form.assignment_number.data, current_user.email, clock.now()),
                  sent, None, page_again(form, page), form)


def _log_page(kind: LogKind, endpoint: str, csv_endpoint: str):
    log_filter, errors = parse_log_filter(request.args)
    query, more_errors = narrowed(kind, log_filter, clock.zone())
    page = Page.of(query, request.args, current_app.config["PAGE_SIZE"])
    return render_page_or_fragment("dpo/log.html", "dpo/_log.html", kind=kind, endpoint=endpoint,
                                   csv_endpoint=csv_endpoint, log_filter=log_filter, args=request.args,
                                   errors={**errors, **more_errors}, page=page,
                                   table=table(kind, page.items, clock.zone()))


def _log_csv(kind: LogKind):
    log_filter, _ = parse_log_filter(request.args)
    query, _ = narrowed(kind, log_filter, clock.zone())
    filename = f"{kind.key}-{clock.today().isoformat()}.csv"
    return Response(to_csv([whole(kind, query, clock.zone())]), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
