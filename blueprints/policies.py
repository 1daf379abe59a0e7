"""Policies: every stored version, one version in words and as TOML, a change stored as a new version (from
the form, an uploaded file or pasted TOML), and activating a version once its effect has been previewed."""
from __future__ import annotations

import math

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from blueprints.access import POLICY_EDITORS, POLICY_READERS, requires
from blueprints.answering import answer, back_to
from blueprints.fields import DayField, one_line, whole_number
from blueprints.jobs import job_host
from blueprints.paging import Page
from casework.reasons import REASON_CATEGORIES
from services import clock
from services import policies as service
from services import policy_changes as changes
from services.errors import Refused
from services.reads.people import names_for, names_in

bp = Blueprint("policies", __name__)

MAX_FILE_BYTES = 1024 * 1024


class NumberField(StringField):
    """A number typed into the form: whole when it has no fraction; refused when it is not a number."""

    def __init__(self, label: str, full_name: str, **kwargs):
        super().__init__(label, **kwargs)
        self.full_name = full_name

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.data = None
            raise ValueError(f"{self.full_name} must be a number, for example 4.")
        self.data = int(number) if number.is_integer() else number

    def _value(self):
        return self.raw_data[0] if self.raw_data else ("" if self.data is None else str(self.data))


class SettingsForm(FlaskForm):
    """A version's name and main numbers; `settings_form` adds one field per number of the version shown."""

    name = StringField("Name", filters=[lambda text: text.strip() if text else text],
                       validators=[DataRequired("Enter the policy's name."),
                                           Length(max=200, message="The name must be 200 characters or fewer.")])
    reason = TextAreaField("Why it changes (kept in the policy's history)", validators=[Optional(), Length(max=2000)])
    description_checked = BooleanField("The description is still right")


def settings_form(rules: dict, **kwargs) -> SettingsForm:
    """The settings form for `rules`, filled with their values unless the user sent others: one field per number
    and one per wording that states numbers (the description, each trigger's title)."""
    found, words = service.settings(rules), changes.texts(rules)
    fields = {setting.name: NumberField(setting.label, f"{setting.label} ({setting.group})") for setting in found}
    for text in words:
        fields[text.name] = _text_field(text)
    form = type("VersionSettingsForm", (SettingsForm,), fields)(
        data={"name": rules["name"], **{setting.name: setting.value for setting in found},
              **{text.name: text.value for text in words}}, **kwargs)
    form.settings, form.texts = found, words
    return form


def _text_field(text: changes.Text):
    filters = [lambda value: value.strip() if value else value]
    if text.path == ("description",):
        return TextAreaField(text.label, filters=filters, validators=[Optional(), Length(
            max=2000, message="The description must be 2,000 characters or fewer.")])
    return StringField(text.label, filters=filters, validators=[
        DataRequired(f"Enter the title of “{text.value}”."), one_line,
        Length(max=200, message="The title must be 200 characters or fewer.")])


class UploadForm(FlaskForm):
    """A policy file; its text is kept in `text` once it is readable."""

    file = FileField("Policy file (TOML)", validators=[FileRequired("Choose the policy file to upload."),
                                                       FileAllowed(["toml"], "Upload a .toml file.")])
    text = ""

    def validate_file(self, field):
        data = field.data.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ValidationError("The file is larger than 1 MB; a policy file is far smaller.")
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The file is not UTF-8 text. Save it as UTF-8 and upload it again.") from None


class PasteForm(FlaskForm):
    text = TextAreaField("Policy as TOML", validators=[
        InputRequired("Paste the policy as TOML."),
        Length(max=MAX_FILE_BYTES, message="The text is longer than 1 MB; a policy is far shorter.")])


class ActivateForm(FlaskForm):
    """Carries the active version the preview was compared with, so a preview gone stale is not acted on."""

    compared_with = HiddenField()
    starts_on = DayField("Takes effect on (optional)", validators=[Optional()])


@bp.route("/policies")
@requires(POLICY_READERS)
def index():
    groups = service.versions()
    return render_template("policies/index.html", groups=groups, standing=changes.standing(), names=names_for(
        version.document.created_by for _, versions in groups for version in versions))


@bp.route("/policies/<key>/<int:revision>")
@requires(POLICY_READERS)
def show(key: str, revision: int):
    document, standing = _version(key, revision), changes.standing()
    in_force = standing.version_in_force()
    return render_template("policies/show.html", document=document, policy=service.rules_of(document),
                           open_cases=service.open_cases_by_version()[(key, revision)], reasons=REASON_CATEGORIES,
                           names=names_in(document), standing=standing, in_force=in_force,
                           changed=changes.changes_against(in_force.rules, document.rules),
                           labels=changes.labels(document.rules))


@bp.route("/policies/<key>/<int:revision>/policy.toml")
@requires(POLICY_EDITORS)
def download(key: str, revision: int):
    """The version as a TOML file, to edit and upload again: administrators only (HR read the policy in words)."""
    document = _version(key, revision)
    return Response(service.as_toml(document), content_type="application/toml; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{key}-revision-{revision}.toml"'})


@bp.route("/policies/<key>/<int:revision>/edit", methods=["GET", "POST"])
@requires(POLICY_EDITORS)
def edit(key: str, revision: int):
    document = _version(key, revision)
    form = settings_form(document.rules, formdata=request.form if request.method == "POST" else None)
    if form.is_submitted():
        typed = form.validate()
        values = {setting.path: form[setting.name].data for setting in form.settings
                  if form[setting.name].data is not None}
        values.update({text.path: form[text.name].data for text in form.texts if form[text.name].data})
        rules = service.with_values(document.rules, {**values, ("name",): form.name.data or document.name})
        if not typed:
            _show_problems(form, service.problems(rules))
            return _edit_page(document, settings=form)
        # a number the policy refuses is said first (storing refuses it); the words are asked for once it is valid
        asks = [] if service.problems(rules) else changes.words_to_check(document.rules, rules,
                                                                          form.description_checked.data)
        if asks:
            _ask_for_words(form, asks)
            return _edit_page(document, settings=form)

        def again(message: str, refusal: Refused):
            _show_problems(form, refusal.problems or [message])
            return _edit_page(document, settings=form)
        return answer(lambda: service.store_revision(rules, current_user.email, f"new version from the form, based on "
                                                     f"revision {revision}", (form.reason.data or "").strip() or None),
                      _stored, None, again)
    return _edit_page(document, settings=form)


@bp.route("/policies/new")
@requires(POLICY_EDITORS)
def new():
    return _edit_page(None)


@bp.route("/policies/upload", methods=["POST"])
@requires(POLICY_EDITORS)
def upload():
    form = UploadForm(prefix="upload")
    return answer(lambda: _from_toml(form.text, "new version from the uploaded file "
                                     f"{secure_filename(form.file.data.filename) or 'policy.toml'}"),
                  lambda stored: _stored(*stored), None, _sent_again(form.file, upload=form), form)


@bp.route("/policies/paste", methods=["POST"])
@requires(POLICY_EDITORS)
def paste():
    form = PasteForm(prefix="paste")
    return answer(lambda: _from_toml(form.text.data, "new version from pasted TOML"),
                  lambda stored: _stored(*stored), None, _sent_again(form.text, paste=form), form)


@bp.route("/policies/<key>/<int:revision>/activate")
@requires(POLICY_EDITORS)
def preview(key: str, revision: int):
    document, standing = _version(key, revision), changes.standing()
    active = standing.version_in_force()
    in_force = active.pk == document.pk
    comparison = None if in_force else service.compare_activation(
        service.rules_of(document), clock.today(), f"activation preview by {current_user.email}")
    page = Page.of_list(comparison.differences if comparison else [], request.args, current_app.config["PAGE_SIZE"])
    form = ActivateForm(formdata=None, data={"compared_with": _label(active)})
    return render_template("policies/preview.html", document=document, active=active, comparison=comparison,
                           page=page, form=form, in_force=in_force, standing=standing,
                           changed=changes.changes_against(active.rules, document.rules))


@bp.route("/policies/<key>/<int:revision>/activate", methods=["POST"])
@requires(POLICY_EDITORS)
def activate(key: str, revision: int):
    document, form = _version(key, revision), ActivateForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors or "starts_on" not in form.errors:
            abort(400)
        flash(form.starts_on.errors[0])
        return redirect(url_for("policies.preview", key=key, revision=revision))
    if form.compared_with.data != _label(changes.standing().version_in_force()):
        flash("Another version was activated since this preview was shown. Check what would change again.")
        return redirect(url_for("policies.preview", key=key, revision=revision))
    starts_on = form.starts_on.data
    later = starts_on is not None and starts_on != clock.today()
    return answer(lambda: changes.activate_from(document, current_user.email, job_host(), starts_on),
                  f"{document.name} (revision {revision}) takes effect on {starts_on:%-d %B %Y}: from that day scans, "
                  "evaluations and new cases use it; until then the version in force stays in force." if later else
                  f"{document.name} (revision {revision}) is now the active policy. Cases already open keep the "
                  "version they were opened under. No scan has run yet: preview a trigger scan to see and apply what "
                  "changes.", url_for("policies.show", key=key, revision=revision),
                  back_to(url_for("policies.preview", key=key, revision=revision)))


def _version(key: str, revision: int):
    document = service.stored(key, revision)
    if document is None:
        abort(404)
    return document


def _base():
    """The version whose edit page sent a file or text (named in the query string), or None from the new page."""
    key, revision = request.args.get("key"), whole_number(request.args.get("revision"))
    return service.stored(key, revision) if key and revision else None


def _label(document) -> str:
    return f"{document.key}/{document.revision}" if document else ""


def _from_toml(text: str, action: str):
    """The new version stored from TOML `text`, and the revision the text named."""
    rules = service.read_toml(text)
    return service.store_revision(rules, current_user.email, action), rules.get("revision")


def _sent_again(field, **forms):
    """How a policy sent as a file or as text comes back: its problems listed, their summary beside `field`."""
    def again(message: str | None, refusal: Refused | None):
        problems = (refusal.problems or [refusal.message]) if refusal else []
        if refusal:
            field.errors.append(_problems_message(problems))
        return _edit_page(_base(), problems=problems, **forms)
    return again


def _stored(document, given_revision=None):
    renumbered = (f" (the file said revision {given_revision}; a new version always takes the next number)"
                  if given_revision not in (None, document.revision) else "")
    flash(f"Stored as revision {document.revision} of {document.key}{renumbered}. It is not active: check what "
          "changes against the version in force (listed below), preview what a scan would do, then activate it.")
    return redirect(url_for("policies.show", key=document.key, revision=document.revision))


def _problems_message(problems: list[str]) -> str:
    if len(problems) == 1 and ": " not in problems[0]:
        return problems[0]
    return f"The policy has {len(problems)} problem{'' if len(problems) == 1 else 's'}, listed below by key."


def _show_problems(form: SettingsForm, problems: list[str]) -> None:
    """Each problem beside the field it names, the rest above the form."""
    by_key = {item.key: form[item.name] for item in [*form.settings, *form.texts]}
    by_key["name"] = form.name
    for problem in problems:
        key, _, message = problem.partition(": ")
        field = by_key.get(key)
        if field is None:
            form.form_errors.append(problem)
        else:
            field.errors.append(f"{getattr(field, 'full_name', field.label.text)} {message}")


def _ask_for_words(form: SettingsForm, asks: list[changes.Ask]) -> None:
    """Each title or description that still states a changed number gets its question beside it, and a title
    the new wording (when certain), for the administrator to check and send again."""
    for ask in asks:
        field = form[ask.text.name]
        field.errors.append(ask.message)
        if ask.suggestion:
            field.data = ask.suggestion


def _edit_page(document, settings=None, upload=None, paste=None, problems=()):
    if document is not None and settings is None:
        settings = settings_form(document.rules, formdata=None)
    paste = paste or PasteForm(formdata=None, prefix="paste",
                               data={"text": service.as_toml(document) if document else ""})
    failed = any(form is not None and form.errors for form in (settings, upload, paste))
    return render_template("policies/edit.html", document=document, settings=settings,
                           upload=upload or UploadForm(formdata=None, prefix="upload"), paste=paste,
                           problems=problems), 400 if failed else 200
