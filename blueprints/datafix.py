"""The data-fix workspace for support and HR: queues of flags and of migrated cases awaiting confirmation,
amending a case's stage and its associated absences with a reason, bulk corrections from a CSV file (a dry
run first) and `flask --app app datafix apply FILE`; and the routing settings for administrators."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from bson import ObjectId
from flask import Blueprint, abort, flash, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.access import ADMINISTRATORS, DATA_FIXERS, requires
from blueprints.answering import answer, page_again
from blueprints.cases.association import SAME_ABSENCES
from blueprints.fields import DayField, seen_version
from casework.corrections import FIELDS, missing_columns, words
from casework.feed_files import NotAFeedFile, decode_text, read_csv, read_header, summary
from casework.plain_words import title_case
from documents import Case, Employee, StaleEditError
from documents.routing import Routing
from services import clock
from services.cases.outcomes import flag_comments
from services.cases.tasks import association_candidates, ladder_of
from services.errors import Refused
from services.imports.corrections import (
    amend_absences,
    amend_stage,
    apply_corrections,
    awaiting_confirmation,
    fixable_cases,
    flag_queues,
    stage_values,
)
from services.reads.people import names_in
from services.reads.staff import people_by_id
from services.routing import known_divisions, save_routing

bp = Blueprint("datafix", __name__, cli_group="datafix")
MAX_CORRECTIONS_BYTES = 1024 * 1024
DATE_MESSAGE = "Enter a real date, for example 2026-03-02."


class StageForm(FlaskForm):
    version = HiddenField()
    stage = SelectField("Stage", choices=[], validate_choice=False)
    stage_started_on = DayField("Date the stage began", validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    warning_level = SelectField("Warning", choices=[SelectChoice("", "No warning"), SelectChoice("first", "First"),
                                                    SelectChoice("final", "Final")], validate_choice=False)
    warning_expires_on = DayField("Warning expires on", validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    review_date = DayField("Review date", validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    reason = TextAreaField("Reason for the correction")


class AbsencesForm(FlaskForm):
    version = HiddenField()
    absence_ids = SelectMultipleField("The absences of the stage", choices=[], validate_choice=False,
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    absences_reason = TextAreaField("Reason for the change")


class CorrectionsForm(FlaskForm):
    file = FileField("Corrections file (CSV)", validators=[FileRequired("Choose the corrections file.")])


class ApplyForm(FlaskForm):
    csv_text = HiddenField()


class DivisionForm(Form):
    name = StringField("Division")
    hr_email = StringField("HR team e-mail address")


class RoutingForm(FlaskForm):
    version = HiddenField()
    hierarchy_admin_email = StringField("Hierarchy administrator's e-mail address")
    divisions = FieldList(FormField(DivisionForm), min_entries=1)


@bp.route("/datafix")
@requires(DATA_FIXERS)
def index():
    cases = fixable_cases(current_user)
    queues = flag_queues(cases)
    migrated = [(case, None) for case in awaiting_confirmation(cases).limit(200)]
    shown = [case for rows in [*queues.values(), migrated] for case, _ in rows]
    return render_template("datafix/index.html", queues=queues, migrated=migrated,
                           comments=flag_comments(current_user, [row for rows in queues.values() for row in rows]),
                           people=people_by_id([case.employee for case in shown], "first_name", "last_name",
                                               "assignment_number"),
                           titles={case.pk: _title(case) for case in shown},
                           names=names_in([flag for rows in queues.values() for _, flag in rows]))


@bp.route("/datafix/cases/<case_id>", methods=["GET", "POST"])
@requires(DATA_FIXERS)
def amend(case_id: str):
    case, employee = _case(case_id)
    form = StageForm(data={**stage_values(case), "warning_level": case.current_stage.warning_level or "",
                           "version": case.version})

    def corrected():
        proposed = {name: getattr(form, name).data or None for name in FIELDS}
        proposed["stage_started_on"] = form.stage_started_on.data
        return amend_stage(case, employee, proposed, form.reason.data or "", current_user.email, clock.today(),
                           seen_version(form))
    return answer(corrected, lambda correction: ("Corrected: the case history keeps the values before and after, "
                                                 "with the reason." if correction.changes else "Nothing changed."),
                  url_for("datafix.amend", case_id=case.pk), page_again(form, lambda: _amend_page(
                      case, employee, form, AbsencesForm(formdata=None, version=case.version))), form)


@bp.route("/datafix/cases/<case_id>/absences", methods=["POST"])
@requires(DATA_FIXERS)
def amend_associated(case_id: str):
    case, employee = _case(case_id)
    form = AbsencesForm()
    return answer(lambda: amend_absences(case, employee, form.absence_ids.data or [], form.absences_reason.data or "",
                                         current_user.email, clock.today(), seen_version(form)),
                  lambda done: "The associated absences are changed; the case history keeps them before and after."
                  if done is not None else SAME_ABSENCES,
                  url_for("datafix.amend", case_id=case.pk), page_again(form, lambda: _amend_page(
                      case, employee, StageForm(formdata=None, data={**stage_values(case), "version": case.version}),
                      form)), form)


def _amend_page(case: Case, employee: Employee, form: StageForm, absences: AbsencesForm):
    ladder = ladder_of(case)
    form.stage.choices = [SelectChoice(stage.key, f"{title_case(stage.title)} ({stage.key})")
                          for stage in ladder.stages]
    candidates, ticked = association_candidates(case, clock.today())
    absences.absence_ids.choices = [(str(absence.pk), str(absence.pk)) for absence in candidates]
    if absences.absence_ids.raw_data is None:   # not the form sent: the stage form's error keeps the stored ticks
        absences.absence_ids.data = sorted(ticked)
    failed = form.errors or form.form_errors or absences.errors or absences.form_errors
    return render_template("datafix/amend.html", case=case, employee=employee, form=form, absences=absences,
                           names=names_in(case),
                           candidates=candidates,
                           titles={stage.key: title_case(stage.title) for stage in ladder.stages},
                           corrections=[entry for entry in case.audit if entry.action in (
                               "stage corrected", "absences associated") and entry.reason][::-1]), \
        400 if failed else 200


@bp.route("/datafix/corrections", methods=["GET", "POST"])
@requires(DATA_FIXERS)
def corrections():
    form = CorrectionsForm()
    if form.validate_on_submit():
        try:
            read = _corrections_file(form.file.data.read())
        except NotAFeedFile as error:
            form.file.errors.append(str(error))
        else:
            return _corrections_page(*read, dry_run=True)
    return render_template("datafix/corrections.html", form=form, run=None), 400 if form.errors else 200


@bp.route("/datafix/corrections/apply", methods=["POST"])
@requires(DATA_FIXERS)
def apply_corrections_page():
    form = ApplyForm()
    if not form.validate_on_submit() or not form.csv_text.data:
        abort(400)
    try:
        read = _corrections_file(form.csv_text.data.encode(), limit=None)
    except NotAFeedFile as error:   # the checked file comes back from the page: it may have been changed on the way
        files = CorrectionsForm(formdata=None)
        files.file.errors = [str(error)]
        return render_template("datafix/corrections.html", form=files, run=None), 400
    return _corrections_page(*read, dry_run=False)


def _corrections_page(text: str, numbers: list[int], rows: list[dict], dry_run: bool):
    """Check (and, unless `dry_run`, apply) the corrections (the file's `text`, read as `rows` with their
    `numbers`): each row's before → after or its refusals."""

    def checked(run):
        if run.applied:
            flash(f"Corrections applied: {summary(run.counts)}.")
        return render_template("datafix/corrections.html", form=CorrectionsForm(formdata=None), run=run, rows=rows,
                               numbers=numbers, words=words, apply_form=ApplyForm(formdata=None, csv_text=text)), \
            400 if run.refused else 200
    return answer(lambda: apply_corrections(rows, fixable_cases(current_user), f"datafix by {current_user.email}",
                                            clock.today(), dry_run), checked, None,
                  lambda message, _: (render_template("datafix/corrections.html", form=CorrectionsForm(formdata=None),
                                                      run=None, message=message), 409))


def _corrections_file(data: bytes, limit: int | None = MAX_CORRECTIONS_BYTES) -> tuple[str, list[int], list[dict]]:
    """A corrections file whose header names the case and the reason, read once: its text, each row's number
    and the rows (NotAFeedFile if it is not one, or a row cannot be read)."""
    if limit and len(data) > limit:
        raise NotAFeedFile("The file is larger than 1 MB: split it, or use flask datafix apply.")
    text = decode_text(data)
    missing = missing_columns(read_header(text))
    if missing:
        raise NotAFeedFile(f"The header lacks the columns {', '.join(missing)}.")
    _, numbers, rows = read_csv(text)
    return text, numbers, rows


@bp.route("/admin/routing", methods=["GET", "POST"])
@requires(ADMINISTRATORS)
def routing():
    saved = Routing.current()
    divisions = known_divisions()
    form = RoutingForm(data={"version": saved.version if saved else 0,
                             "hierarchy_admin_email": saved.hierarchy_admin_email if saved else "",
                             "divisions": [{"name": name, "hr_email": saved.hr_email(name) if saved else ""}
                                           for name in divisions] + [{"name": "", "hr_email": ""}]})

    def again(message: str | None, refusal: Refused | None):
        for name, text in (refusal.fields if refusal else {}).items():
            if name.startswith("divisions-"):
                _, index, field = name.split("-")
                row = form.divisions[int(index)].form
                row[field].errors = [text]
                form.form_errors.append(f"{row.name.data or 'Another division'}: {text}")
        if refusal and not refusal.fields:
            form.form_errors.append(message)
        return render_template("datafix/routing.html", form=form, saved=saved, known=len(divisions),
                               names=names_in(saved)), \
            400 if form.is_submitted() else 200
    return answer(lambda: save_routing(current_user.email, form.hierarchy_admin_email.data,
                                       [(row.form.name.data, row.form.hr_email.data) for row in form.divisions],
                                       seen_version(form)),
                  lambda changed: "The routing is saved: flags are e-mailed to these addresses from now on."
                  if changed else "Nothing changed.", url_for("datafix.routing"), again, form)


@bp.cli.command("apply")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and show each change; write nothing.")
def apply_command(file: Path, dry_run: bool):
    """Correct cases' stages from a CSV (case_id, or assignment_number and case_type; then any of stage,
    stage_started_on, warning_level, warning_expires_on, review_date; and reason), all or nothing."""
    if not file.is_file():
        raise click.ClickException(f"{file}: no such file.")
    try:
        _, numbers, rows = _corrections_file(file.read_bytes(), limit=None)
    except NotAFeedFile as error:
        raise click.ClickException(f"{file}: {error}") from None
    with click.progressbar(length=max(len(rows), 1), label="Applying", file=sys.stderr) as bar:
        try:
            run = apply_corrections(rows, Case.objects, f"datafix:{file.name} by {getpass.getuser()}",
                                    clock.today(), dry_run, lambda done, total: bar.update(1))
        except StaleEditError as error:
            raise click.ClickException(str(error)) from None
    for outcome in run.outcomes:
        if outcome.action == "refused":
            click.echo("\n".join(f"row {numbers[outcome.index]} (case {outcome.key or '-'}): {field}: {message}"
                                  for field, message in outcome.errors.items()))
        elif outcome.changes:
            click.echo(f"row {numbers[outcome.index]} ({outcome.key}): " + "; ".join(
                f"{name}: {words(old)} → {words(new)}" for name, (old, new) in outcome.changes.items()))
    click.echo(summary(run.counts))
    if run.refused:
        count = len(run.refused)
        raise click.ClickException(f"{count} row{'s' if count > 1 else ''} refused, so nothing "
                                   f"{'would be' if dry_run else 'was'} applied: fix them and run again.")
    click.echo("Dry run: nothing was written." if dry_run else "Done.")


def _case(case_id: str) -> tuple[Case, Employee]:
    case = fixable_cases(current_user).filter(pk=ObjectId(case_id)).first() if ObjectId.is_valid(case_id) else None
    employee = Employee.objects(pk=case.employee).exclude("audit").first() if case else None
    if case is None or employee is None or case.current_stage is None:
        abort(404)
    return case, employee


def _title(case: Case) -> str:
    stage = ladder_of(case).stage(case.stage)
    return title_case(stage.title) if stage else case.stage
