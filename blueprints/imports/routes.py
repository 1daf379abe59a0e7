"""The upload page: check an absences file (a dry run), follow its progress, then apply it."""
from __future__ import annotations

from bson import ObjectId
from flask import Response, abort, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from blueprints.access import IMPORTERS, requires, visible_or_404
from blueprints.answering import answer, back_to
from blueprints.imports import bp
from blueprints.imports.forms import AbsenceFileForm, ApplyForm
from blueprints.jobs import job_host
from blueprints.rendering import render_page_or_fragment, wants_fragment
from blueprints.settings import settings
from casework.feed_templates import feed_template
from casework.manager_logins import HEADINGS
from casework.reason_codes import ESR_CODES
from casework.reasons import REASON_CATEGORIES
from documents import ImportJob
from services import clock
from services.imports.jobs import apply_job, check_upload
from services.reads.people import names_for
from services.reason_codes import reason_code_mapping


@bp.route("/imports/absences", methods=["GET", "POST"])
@requires(IMPORTERS)
def upload_absences():
    mapping = reason_code_mapping()
    return upload_page("absences", AbsenceFileForm(), "imports/upload.html", reasons=REASON_CATEGORIES,
                       codes=[(code, words, REASON_CATEGORIES[mapping[code]]) for code, words in ESR_CODES.items()])


@bp.route("/imports/<any(absences, employees, inflight):kind>/template.csv")
@requires(IMPORTERS)
def template_file(kind: str):
    """An empty file of `kind` to fill in: its header row, every column in the order the page lists them, written
    by the neutralising writer."""
    return Response(feed_template(kind), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'})


def upload_page(kind: str, form, template: str, **shown):
    """An upload page for one kind of file: a valid file becomes a job, checked in the background (then its
    page); otherwise the form with the user's recent jobs of that kind (and what else the page `shown`)."""
    if form.validate_on_submit():
        job = check_upload(kind, secure_filename(form.file.data.filename) or f"{kind}.csv", form.content,
                           current_user.pk, current_user.email, clock.today(), settings().mail, job_host(),
                           settings().import_retention_days)
        return redirect(url_for("imports.show", job_id=job.pk))
    jobs = ImportJob.objects.visible_to(current_user).filter(kind=kind).exclude("rows").order_by("-created_at")
    return render_template(template, form=form, jobs=list(jobs.limit(10)), kind=kind, **shown), \
        400 if form.errors else 200


@bp.route("/imports/<job_id>")
@requires(IMPORTERS)
def show(job_id: str):
    job = _job(job_id)
    return render_template("imports/show.html", job=job, form=ApplyForm(), names=names_for([job.created_by_email]),
                           login_headings=HEADINGS)


@bp.route("/imports/<job_id>/progress")
@requires(IMPORTERS)
def progress(job_id: str):
    """The job's panel alone for htmx polling; the whole page otherwise."""
    job = _job(job_id)
    return render_page_or_fragment("imports/show.html", "imports/_job.html", job=job, form=ApplyForm(),
                                   names={} if wants_fragment() else names_for([job.created_by_email]),
                                   login_headings=HEADINGS)


@bp.route("/imports/<job_id>/apply", methods=["POST"])
@requires(IMPORTERS)
def apply(job_id: str):
    job, form = _job(job_id), ApplyForm()
    if not form.validate_on_submit():
        abort(400)
    page = url_for("imports.show", job_id=job.pk)
    return answer(lambda: apply_job(job, form.skip_invalid.data, clock.today(), settings().mail, job_host()),
                  lambda _: redirect(page), None, back_to(page))


@bp.route("/imports/<job_id>/refused.csv")
@requires(IMPORTERS)
def report(job_id: str):
    """The refused rows as CSV: the file's own columns, its row number and what is wrong."""
    job = _job(job_id)
    if not job.report:
        abort(404)
    return Response(job.report.read(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="refused-{job.filename}"'})


def _job(job_id: str) -> ImportJob:
    """The job if the current user started it (or is an admin); 404 otherwise."""
    if not ObjectId.is_valid(job_id):
        abort(404)
    return visible_or_404(ImportJob.objects, pk=job_id)
