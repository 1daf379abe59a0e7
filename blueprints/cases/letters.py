"""A case's letters: make one the stage offers, download any version (or a PDF copy when LibreOffice is
installed), upload an edited copy, mark it as sent. The answers are shared with an absence's letters
(`blueprints.absences.letters`); the case page's "Letters" section is provided here."""
from __future__ import annotations

import datetime as dt
import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from blueprints.access import requires
from blueprints.cases import bp
from blueprints.cases.forms import CaseForm
from blueprints.cases.loading import WORKERS, actor, case_or_404, seen_version
from blueprints.cases.page import case_section, render_case
from casework.letters import LETTERS, MAX_BYTES, LetterProblem
from documents import Absence, StaleEditError
from documents.case_service import LETTER_TASKS, ladder_of
from documents.letter_service import (DOCX_TYPE, SENT_HOW, generate, letter_file, letters_for, log_letter_read,
                                      mark_sent, pdf_converter, pdf_copy, upload)
from documents.scope import may_read_medical

READERS = ("manager", "hr", "support", "admin")
FIX_WORDS = {"association": "Associate the absences", "meetings": "Arrange the meeting", "outcome": "Record the outcome",
             "return-to-work": "Record the return-to-work interview"}
EXPIRED = "The form had expired. Send it again."


class LetterForm(CaseForm):
    code = HiddenField(validators=[DataRequired("Choose the letter to make.")])
    meeting_id = HiddenField()


class UploadForm(CaseForm):
    file = FileField("The edited letter (.docx)", validators=[FileRequired("Choose the edited .docx file.")])


class SentForm(CaseForm):
    sent_on = DateField("Date sent", validators=[InputRequired("Enter the date the letter was sent.")],
                        invalid_value_message="Enter a real date, for example 2026-03-27.")
    sent_how = RadioField("How it was sent", choices=[SelectChoice(key, words) for key, words in SENT_HOW.items()],
                          validators=[InputRequired("Say how the letter was sent.")])


def make_answer(owner, rerender, back: str):
    """Make the letter posted (the code, and the meeting it is for): back to the letters, or the reason."""
    form = LetterForm()
    if not form.validate_on_submit():
        return rerender(400, EXPIRED)
    try:
        generate(owner, form.code.data, actor(), dt.date.today(), form.meeting_id.data or None, seen_version(form))
    except (ValueError, StaleEditError) as error:     # CaseRuleError and LetterProblem say why in words
        return rerender(400, str(error))
    flash(f"{LETTERS[form.code.data].title}: made. Download it, edit it in Word if need be, and upload the final "
          f"version.")
    return redirect(back)


def upload_answer(owner, letter_id: str, rerender, back: str):
    """Store the posted .docx as the letter's next version; a refused file gets the reason beside the field."""
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        name, data = file.filename, file.read(MAX_BYTES + 1)
        file.close()
        try:
            added = upload(owner, letter_id, name, data, actor(), seen_version(form))
        except (ValueError, StaleEditError) as error:
            form.file.errors = [str(error)]
        else:
            flash(f"Uploaded as {added.filename}. Earlier versions are kept; nothing else has changed.")
            return redirect(back)
    return rerender(400, EXPIRED if form.csrf_token.errors else None, letter_upload_form=form, letter_target=letter_id)


def sent_answer(owner, letter_id: str, rerender, back: str):
    """Record when and how the letter went (completing the stage's letter task)."""
    form = SentForm()
    if form.validate_on_submit():
        try:
            record = mark_sent(owner, letter_id, form.sent_on.data, form.sent_how.data, actor(), dt.date.today(),
                               seen_version(form))
        except (ValueError, StaleEditError) as error:
            form.sent_on.errors = [str(error)]
        else:
            flash(f"Letter {record.template} marked as sent.")
            return redirect(back)
    return rerender(400, EXPIRED if form.csrf_token.errors else None, letter_sent_form=form, letter_target=letter_id)


def file_answer(owner, employee, letter_id: str, number: int, pdf: bool = False):
    """Version `number` of a letter as an attachment (a PDF copy with `pdf`). The occupational health referral
    holds medical detail: only those who may read it get it, and each download is logged."""
    if pdf and not pdf_converter():
        abort(404)
    try:
        record, version, data = letter_file(owner, letter_id, number)
    except LookupError:
        abort(404)
    filename, mimetype = version.filename, DOCX_TYPE
    if LETTERS[record.template].medical:
        if not may_read_medical(current_user, employee):
            abort(403)
        log_letter_read(current_user.email, employee, record, owner.pk if isinstance(owner, Absence) else None)
    if pdf:
        try:
            data, filename, mimetype = pdf_copy(data), filename.removesuffix(".docx") + ".pdf", "application/pdf"
        except LetterProblem as problem:
            return render_template("error.html", title="No PDF copy", advice=str(problem), code=503), 503
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename, etag=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def letter_view(owner, employee, offers, records, forms: dict, blueprint: str, args: dict, on_case: bool) -> dict:
    """What the letters partial shows: the offers, each letter with its versions, and the forms (those sent
    back with errors, for the letter `letter_target`)."""
    return {"offers": offers, "records": records, "blueprint": blueprint, "args": args, "version": owner.version,
            "on_case": on_case, "target": forms.pop("letter_target", None), "message": forms.pop("letter_message", None),
            "upload_form": forms.pop("letter_upload_form", None), "sent_form": forms.pop("letter_sent_form", None),
            "pdf": bool(pdf_converter()), "may_make": current_user.has_role(*WORKERS),
            "may_read_medical": may_read_medical(current_user, employee), "letters": LETTERS, "sent_how": SENT_HOW,
            "fix_words": FIX_WORDS, "today": dt.date.today(), "max_mb": MAX_BYTES // (1024 * 1024)}


def _case_answer(case_id: str):
    """The case, and how to answer: the case page again (reloaded) with a message and forms, or back to it."""
    case, _ = case_or_404(case_id)

    def rerender(status: int, message: str | None, **forms):
        fresh, employee = case_or_404(case_id)
        return render_case(fresh, employee, status=status, message=message, **forms)

    return case, rerender, url_for("cases.show", case_id=case.pk, _anchor="letters")


@bp.route("/cases/<case_id>/letters", methods=["POST"])
@requires(*WORKERS)
def make_letter(case_id: str):
    return make_answer(*_case_answer(case_id))


@bp.route("/cases/<case_id>/letters/<letter_id>/versions", methods=["POST"])
@requires(*WORKERS)
def upload_letter(case_id: str, letter_id: str):
    case, rerender, back = _case_answer(case_id)
    return upload_answer(case, letter_id, rerender, back)


@bp.route("/cases/<case_id>/letters/<letter_id>/sent", methods=["POST"])
@requires(*WORKERS)
def letter_sent(case_id: str, letter_id: str):
    case, rerender, back = _case_answer(case_id)
    return sent_answer(case, letter_id, rerender, back)


@bp.route("/cases/<case_id>/letters/<letter_id>/versions/<int:number>")
@requires(*READERS)
def download_letter(case_id: str, letter_id: str, number: int):
    return file_answer(*case_or_404(case_id), letter_id, number)


@bp.route("/cases/<case_id>/letters/<letter_id>/versions/<int:number>/pdf")
@requires(*READERS)
def letter_pdf(case_id: str, letter_id: str, number: int):
    return file_answer(*case_or_404(case_id), letter_id, number, pdf=True)


@case_section
def provide(case, employee, today, forms) -> dict:
    """The "Letters" section: what the current stage offers, and every stage's letters, latest stage first."""
    ladder = ladder_of(case)
    records = [(ladder.stage(stage.key).title if ladder.stage(stage.key) else stage.key, record)
               for stage in reversed(case.stages) for record in stage.letters]
    offers = letters_for(case, employee, case.current_stage, today) if case.current_stage else []
    return {"letter_task_kinds": LETTER_TASKS, "letter_block": letter_view(
        case, employee, offers, records, forms, "cases", {"case_id": str(case.pk)}, on_case=True)}
