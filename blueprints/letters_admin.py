"""Letter templates and the organisation's details: which template each letter uses, downloading it, uploading
an edited version (checked against the fields Casebook provides and rendered with a sample case before it is
used), earlier versions used again, the shipped template restored; the fields a template may use; the
organisation's name, address, HR contacts and logo; and `flask --app app letters check`."""
from __future__ import annotations

import io
import sys

import click
from flask import Blueprint, Response, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from blueprints.access import ADMINISTRATORS, POLICY_EDITORS, POLICY_READERS, requires
from blueprints.answering import answer, page_again
from blueprints.fields import seen_version
from blueprints.settings import settings
from casework.docx_package import MAX_BYTES
from casework.letter_grammar import FILTERS
from casework.letters import FIELDS, LETTERS, MEDICAL_FIELDS
from services import letter_templates as templates
from services import organisation
from services.errors import Refused
from services.reads.people import names_in

bp = Blueprint("letters_admin", __name__, cli_group="letters")


@bp.app_context_processor
def organisation_in_header():
    """The organisation's saved name for the page header (read only when a page shows it)."""
    return {"organisation_name": lambda: organisation.organisation_name(settings().organisation)}

SOURCES = {"stage": "the stage and its associated absences", "meeting": "a meeting of the stage",
           "outcome": "the stage's outcome", "absence": "one absence", "rtw": "a return-to-work interview"}


class UploadForm(FlaskForm):
    version = HiddenField()
    file = FileField("Edited template (.docx)", validators=[FileRequired("Choose the edited Word template.")])
    note = StringField("What changed (kept in the history)", validators=[
        Optional(), Length(max=500, message="The note must be 500 characters or fewer.")])


class ChoiceForm(FlaskForm):
    """Carries the version of the letter's templates the page showed, so a stale page changes nothing."""

    version = HiddenField()


class OrganisationForm(FlaskForm):
    version = HiddenField()
    name = StringField("Name")
    address = TextAreaField("Postal address")
    phone = StringField("HR telephone")
    email = StringField("HR e-mail address")
    logo = FileField("Logo")
    remove_logo = BooleanField("Remove the logo")


@bp.route("/admin/letters")
@requires(POLICY_READERS)
def index():
    records = templates.templates_in_use()
    return render_template("letters_admin/index.html", records=records, letters=LETTERS,
                           names=names_in(records), sources=SOURCES,
                           shipped={code: templates.has_shipped(code) for code in LETTERS})


@bp.route("/admin/letters/fields")
@requires(POLICY_READERS)
def fields():
    return render_template("letters_admin/fields.html", rows=_field_rows(), filters=sorted(FILTERS))


@bp.route("/admin/letters/<code>")
@requires(POLICY_READERS)
def show(code: str):
    record = _record(code)
    return _show_page(record, UploadForm(formdata=None, data={"version": record.version}), [])


@bp.route("/admin/letters/<code>", methods=["POST"])
@requires(POLICY_EDITORS)
def upload(code: str):
    record, form = _record(code), UploadForm()

    def again(message: str | None, refusal: Refused | None):
        problems = refusal.problems if refusal else []
        if problems:
            form.file.errors.append(f"The template cannot be used: {len(problems)} problem"
                                    f"{'' if len(problems) == 1 else 's'}, listed below.")
        elif message:
            form.form_errors.append(message)
        return _show_page(record, form, problems)
    return answer(lambda: templates.upload_template(code, form.file.data.read(MAX_BYTES + 1),
                                                    secure_filename(form.file.data.filename or "") or "template",
                                                    current_user.email, form.note.data or "", seen_version(form),
                                                    use=False),
                  lambda added: _to_sample(code, added.number), None, again, form)


@bp.route("/admin/letters/<code>/versions/<int:number>/use", methods=["POST"])
@requires(POLICY_EDITORS)
def use_again(code: str, number: int):
    again = templates.used_before(_record(code), number)
    return _choose(code, lambda version: templates.use_version(code, number, current_user.email, version),
                   f"Version {number} of {code} is the template in use{' again' if again else ''}.")


@bp.route("/admin/letters/<code>/versions/<int:number>/sample")
@requires(POLICY_READERS)
def sample(code: str, number: int):
    """The sample letter an uploaded version makes, read before it is put into use."""
    record = _record(code)
    version = record.numbered(number)
    if version is None:
        abort(404)
    try:
        blocks, problem = templates.sample_blocks(code, number), None
    except Refused as refusal:
        blocks, problem = [], refusal.message
    return render_template("letters_admin/sample.html", record=record, spec=LETTERS[code], version=version,
                           blocks=blocks, problem=problem, names=names_in(record),
                           choice=ChoiceForm(formdata=None, data={"version": record.version}))


@bp.route("/admin/letters/<code>/versions/<int:number>/sample.docx")
@requires(POLICY_READERS)
def sample_docx(code: str, number: int):
    return _docx_or_404(code, lambda: templates.sample_letter(code, number), f"{code}-v{number}-sample.docx")


@bp.route("/admin/letters/<code>/shipped", methods=["POST"])
@requires(POLICY_EDITORS)
def use_shipped(code: str):
    return _choose(code, lambda version: templates.restore_shipped(code, current_user.email, version),
                   f"{code} uses the template shipped with Casebook again; uploaded versions stay in the history.")


@bp.route("/admin/letters/<code>/template.docx")
@requires(POLICY_READERS)
def download(code: str):
    record = _record(code)
    try:
        data = templates.template_bytes(code)
    except Refused:
        abort(404)
    return _docx(data, f"{code}-{record.label.replace('uploaded ', '')}.docx")


@bp.route("/admin/letters/<code>/versions/<int:number>.docx")
@requires(POLICY_READERS)
def download_version(code: str, number: int):
    return _docx_or_404(code, lambda: templates.version_bytes(code, number), f"{code}-v{number}.docx")


@bp.route("/admin/letters/<code>/shipped.docx")
@requires(POLICY_READERS)
def download_shipped(code: str):
    return _docx_or_404(code, lambda: templates.shipped_template(code), f"{code}-shipped.docx")


@bp.route("/admin/organisation", methods=["GET", "POST"])
@requires(ADMINISTRATORS)
def organisation_details():
    saved = organisation.Organisation.current()
    shown = organisation.organisation_context(settings().organisation)
    form = OrganisationForm(data={"name": shown["name"], "address": "\n".join(shown["address"]),
                                  "phone": shown["phone"], "email": shown["email"],
                                  "version": saved.version if saved else 0})
    values = {"name": form.name.data, "address": (form.address.data or "").splitlines(),
              "phone": form.phone.data, "email": form.email.data}
    return answer(lambda: organisation.save_organisation(current_user.email, values, seen_version(form),
                                                         _logo(form.logo.data), form.remove_logo.data,
                                                         defaults=settings().organisation),
                  lambda changed: "The organisation's details are saved; letters use them from now on." if changed
                  else "Nothing changed.", url_for("letters_admin.organisation_details"),
                  page_again(form, lambda: (render_template("letters_admin/organisation.html", form=form,
                                                            saved=saved, names=names_in(saved)),
                                            400 if form.is_submitted() else 200)), form)


@bp.route("/admin/organisation/logo")
@requires(ADMINISTRATORS)
def organisation_logo():
    found = organisation.logo()
    if found is None:
        abort(404)
    return Response(found[0], content_type=found[1])


@bp.cli.command("check")
def check():
    """Check every letter's template in use (shipped or uploaded): a .docx Casebook accepts, tags within the
    allow-list, fields Casebook provides, a sample letter renders in the sandbox with nothing left unfilled, medical
    detail only in the occupational health referral."""
    failed = []
    for code, label, problems in templates.check_all():
        if problems:
            failed.append(code)
            click.echo(f"{code} {label}: {' '.join(problems)}")
        else:
            click.echo(f"{code} ok" if label == "shipped" else f"{code} {label} ok")
    if failed:
        click.echo(f"letters check: {len(failed)} of {len(LETTERS)} templates cannot be used: {', '.join(failed)}.",
                   err=True)
        sys.exit(1)
    click.echo(f"letters check: all {len(LETTERS)} templates can be used.")


def _field_rows() -> list[tuple[str, str, str, bool]]:
    """Each field as (name, what an author types in Word, what it holds, whether it is medical detail)."""
    rows = []
    for path, words in FIELDS.items():
        if path == "absences[]":
            typed = "{%tr for absence in absences %} … {%tr endfor %}"
        elif path.startswith("absences[]."):
            typed = "{{ absence.%s }}" % path.removeprefix("absences[].")
        elif path == "organisation.address":
            typed = '{{ organisation.address|join(", ") }}'
        else:
            typed = "{{ %s }}" % path
        rows.append((path, typed, words, path in MEDICAL_FIELDS))
    return rows


def _to_sample(code: str, number: int):
    flash(f"Version {number} of {code} is stored, not in use yet: read the sample letter it makes, then put it "
          "into use.")
    return redirect(url_for("letters_admin.sample", code=code, number=number))


def _record(code: str):
    if code not in LETTERS:
        abort(404)
    return templates.LetterTemplate.for_code(code)


def _choose(code: str, change, done: str):
    record, form = _record(code), ChoiceForm()
    if not form.validate_on_submit():
        abort(400)

    def again(message: str, refusal: Refused):
        if refusal.problems:
            message = f"That version cannot be used with this Casebook: {' '.join(refusal.problems)}"
        return _show_page(record, UploadForm(formdata=None, data={"version": record.version}), refusal.problems,
                          message)
    return answer(lambda: change(seen_version(form)), done, url_for("letters_admin.show", code=code), again)


def _show_page(record, form, problems, message=None):
    status = 400 if (form.errors or form.form_errors or message) else 200
    spec = LETTERS[record.code]
    return render_template("letters_admin/show.html", record=record, spec=spec, fields=FIELDS, form=form,
                           names=names_in(record),
                           problems=problems, message=message, source=SOURCES[spec.source],
                           shipped=templates.has_shipped(record.code),
                           choice=ChoiceForm(formdata=None, data={"version": record.version})), status


def _logo(upload) -> tuple[str, bytes] | None:
    if not upload or not upload.filename:
        return None
    return secure_filename(upload.filename) or "logo", upload.read(organisation.LOGO_MAX_BYTES + 1)


def _docx_or_404(code: str, read, filename: str):
    """The .docx `read()` gives for letter `code`, sent as `filename`; 404 for an unknown letter or a refusal."""
    _record(code)
    try:
        return _docx(read(), filename)
    except Refused:
        abort(404)


def _docx(data: bytes, filename: str):
    return send_file(io.BytesIO(data), mimetype=templates.DOCX, as_attachment=True, download_name=filename)
