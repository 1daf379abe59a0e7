"""A case's letters: make one the stage offers, download any version (or a PDF copy when LibreOffice is
installed), upload an edited copy, mark it as sent. The answers are shared with an absence's letters
(`blueprints.absences.letters`); the case page's "Letters" section is provided here."""
from __future__ import annotations

import datetime as dt
import io

from flask import abort, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup
from wtforms import HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from blueprints.access import CASE_READERS, CASE_WORKERS, refuse, requires
from blueprints.answering import answer
from blueprints.cases import bp
from blueprints.cases.forms import CaseForm
from blueprints.cases.loading import actor, case_or_404
from blueprints.cases.page import case_section, render_case
from blueprints.fields import DayField, seen_version
from blueprints.settings import settings
from casework.docx_package import MAX_BYTES
from casework.letters import LETTERS
from casework.plain_words import title_case
from documents import Absence
from documents.scope import may_read_medical
from services import clock
from services.cases.letters import (
    DOCX_TYPE,
    SENT_HOW,
    generate,
    letter_file,
    letters_for,
    log_letter_read,
    mark_sent,
    pdf_converter,
    pdf_copy,
    upload,
)
from services.cases.tasks import LETTER_TASKS, ladder_of
from services.errors import Refused

FIX_WORDS = {"association": "Associate the absences", "meetings": "Arrange the meeting",
             "outcome": "Record the outcome", "return-to-work": "Return to work, above"}
EXPIRED = "The form had expired. Send it again."


class LetterForm(CaseForm):
    code = HiddenField(validators=[DataRequired("Choose the letter to make.")])
    meeting_id = HiddenField()


class UploadForm(CaseForm):
    file = FileField("The edited letter", validators=[FileRequired("Choose the edited .docx file.")],
                     render_kw={"accept": f".docx,{DOCX_TYPE}"})


class SentForm(CaseForm):
    sent_on = DayField("Date sent", validators=[InputRequired("Enter the date the letter was sent.")],
                       invalid_value_message="Enter a real date, for example 2026-03-27.")
    sent_how = RadioField("How it was sent", choices=[SelectChoice(key, words) for key, words in SENT_HOW.items()],
                          validators=[InputRequired("Say how the letter was sent.")])


def record_forms(record, version: int, today: dt.date) -> tuple[UploadForm, SentForm]:
    """A letter's upload and mark-as-sent forms, their fields named after the letter (several on one page)."""
    return (UploadForm(formdata=None, prefix=f"upload-{record.id}", version=version),
            SentForm(formdata=None, prefix=f"sent-{record.id}", version=version, sent_on=record.sent_on or today,
                     sent_how=record.sent_how))


def _said(words: str) -> str:
    """What a letter route flashes: the words its change returned."""
    return words


def _made(owner, form: LetterForm, download) -> Markup:
    """Make the letter; what was made, with the link to download it (`download(record)`, its newest version)."""
    record = generate(owner, form.code.data, actor(), clock.today(), form.meeting_id.data or None,
                      seen_version(form), organisation=settings().organisation)
    made = record.versions[-1]
    return Markup("{}: made. Download it: <a href=\"{}\" download>{}</a> (version {}). Edit it in Word if need be, "
                  "and upload the final version below.").format(
        LETTERS[form.code.data].title, download(record), made.filename, len(record.versions))


def _uploaded(owner, letter_id: str, form: UploadForm) -> str:
    file = form.file.data
    name, data = file.filename, file.read(MAX_BYTES + 1)
    file.close()
    added = upload(owner, letter_id, name, data, actor(), seen_version(form))
    return f"Uploaded as {added.filename}. Earlier versions are kept; nothing else has changed."


def _sent(owner, letter_id: str, form: SentForm) -> str:
    record = mark_sent(owner, letter_id, form.sent_on.data, form.sent_how.data, actor(), clock.today(),
                       seen_version(form))
    return f"Letter {record.template} marked as sent."


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
            refuse("medical", employee.assignment_number, status=403)
        log_letter_read(current_user.email, employee, record, owner.pk if isinstance(owner, Absence) else None)
    if pdf:
        try:
            data, filename, mimetype = pdf_copy(data), filename.removesuffix(".docx") + ".pdf", "application/pdf"
        except Refused as problem:
            return render_template("error.html", title="No PDF copy", advice=problem.message, code=503), 503
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename, etag=False)


def add_letter_routes(blueprint, base: str, load, render_page, show: str) -> None:
    """The letter routes of a case or an absence under `base` ("/cases/<case_id>"): make a letter, upload an
    edited version and mark as sent (managers, HR, admins); download a version or its PDF copy (who may see
    the record). `load(id)` gives the record and its employee (404 outside the user's scope);
    `render_page(record, employee, status, message, **forms)` shows its page again; `show` is its endpoint."""

    def again(ids: dict, form, sent_back_as: str, letter_id: str | None = None):
        """How a letter form comes back: its page (reloaded) with the form as the user sent it (400)."""
        return lambda message, _: render_page(*load(*ids.values()), 400, message or (
            EXPIRED if form.csrf_token.errors else None), **{sent_back_as: form, "letter_target": letter_id})

    def make_letter(**ids):
        owner, form = load(*ids.values())[0], LetterForm()

        def download(record) -> str:
            return url_for(f"{blueprint.name}.download_letter", letter_id=record.id, number=len(record.versions),
                           **ids)
        return answer(lambda: _made(owner, form, download), _said, url_for(show, _anchor="letters", **ids),
                      again(ids, form, "letter_form"), form, beside="code")

    def upload_letter(letter_id: str, **ids):
        owner, form = load(*ids.values())[0], UploadForm(prefix=f"upload-{letter_id}")
        return answer(lambda: _uploaded(owner, letter_id, form), _said, url_for(show, _anchor="letters", **ids),
                      again(ids, form, "letter_upload_form", letter_id), form, beside="file")

    def letter_sent(letter_id: str, **ids):
        owner, form = load(*ids.values())[0], SentForm(prefix=f"sent-{letter_id}")
        return answer(lambda: _sent(owner, letter_id, form), _said, url_for(show, _anchor="letters", **ids),
                      again(ids, form, "letter_sent_form", letter_id), form, beside="sent_on")

    def download_letter(letter_id: str, number: int, **ids):
        return file_answer(*load(*ids.values()), letter_id, number)

    def letter_pdf(letter_id: str, number: int, **ids):
        return file_answer(*load(*ids.values()), letter_id, number, pdf=True)

    version = f"{base}/letters/<letter_id>/versions/<int:number>"
    for rule, view, group, methods in (
            (f"{base}/letters", make_letter, CASE_WORKERS, ["POST"]),
            (f"{base}/letters/<letter_id>/versions", upload_letter, CASE_WORKERS, ["POST"]),
            (f"{base}/letters/<letter_id>/sent", letter_sent, CASE_WORKERS, ["POST"]),
            (version, download_letter, CASE_READERS, ["GET"]), (f"{version}/pdf", letter_pdf, CASE_READERS, ["GET"])):
        blueprint.add_url_rule(rule, view.__name__, requires(group)(view), methods=methods)


def letter_view(owner, employee, offers, records, forms: dict, blueprint: str, args: dict, on_case: bool) -> dict:
    """What the letters partial shows: the offers, each letter with its versions and its forms (those sent
    back with errors, for the letter `letter_target`)."""
    today, target = clock.today(), forms.pop("letter_target", None)
    record_forms_of = {record.id: record_forms(record, owner.version, today) for _, record in records}
    if target in record_forms_of:
        upload_form, sent_form = record_forms_of[target]
        record_forms_of[target] = (forms.pop("letter_upload_form", None) or upload_form,
                                   forms.pop("letter_sent_form", None) or sent_form)
    forms.pop("letter_form", None)      # its problem is said in the section's feedback (blueprints/feedback.py)
    return {"offers": offers, "records": records, "forms": record_forms_of, "blueprint": blueprint, "args": args,
            "version": owner.version, "on_case": on_case, "target": target,
            "pdf": bool(pdf_converter()), "may_make": current_user.has_role(*CASE_WORKERS),
            "may_read_medical": may_read_medical(current_user, employee), "letters": LETTERS,
            "sent_how": SENT_HOW, "fix_words": FIX_WORDS, "max_mb": MAX_BYTES // (1024 * 1024)}


def _case_page(case, employee, status: int, message: str | None, **forms):
    return render_case(case, employee, status=status, message=message, **forms)


add_letter_routes(bp, "/cases/<case_id>", case_or_404, _case_page, "cases.show")


@case_section
def provide(case, employee, today, forms) -> dict:
    """The "Letters" section: what the current stage offers, and every stage's letters, latest stage first."""
    ladder = ladder_of(case)
    records = [(title_case(ladder.stage(stage.key).title) if ladder.stage(stage.key) else stage.key, record)
               for stage in reversed(case.stages) for record in stage.letters]
    offers = letters_for(case, employee, case.current_stage, today,
                                                 organisation=settings().organisation) if case.current_stage else []
    block = letter_view(case, employee, offers, records, forms, "cases", {"case_id": str(case.pk)}, on_case=True)
    block["absences"] = sorted(case.current_stage.associated, key=lambda s: s.first_day) if case.current_stage else []
    return {"letter_task_kinds": LETTER_TASKS, "letter_block": block}
