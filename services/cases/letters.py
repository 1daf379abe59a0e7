"""The letters of a case's stage or of one absence: which letters are
offered now (and why one cannot be made yet), generating one, versions uploaded after editing in Word,
marking a letter as sent (which completes the stage's letter task), the files in GridFS and a PDF copy
when LibreOffice is installed.

What each letter needs and the rendering are in `casework.letters`; this module reads, stores and saves.
A case's or an absence's letters are saved through its `change()`, with the audit entry and version check.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import gridfs
from mongoengine.connection import get_db

from casework.absences import long_date
from casework.docx_package import DocxProblem, clean_docx, docx_problems
from casework.letters import LETTERS, LetterProblem, missing, render, value_at
from casework.workflow import OUTCOMES
from documents.absence import Absence, MedicalRead
from documents.base import utcnow
from documents.case import Case, LetterRecord, LetterVersion, Meeting, Stage
from documents.employee import Employee
from documents.user import User
from services.cases.letter_context import letter_context
from services.cases.meetings import find_meeting, notice_kept, stage_checklist
from services.cases.tasks import OH_REFERRAL, ladder_of, stage_of
from services.errors import Refused
from services.letter_templates import template_bytes
from services.organisation import organisation_context
from services.settings import OrganisationDefaults

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SENT_HOW = {"post": "By post", "email": "By e-mail", "hand": "By hand"}
INVITATIONS = {"welfare": "LTS-WELFARE", "case_conference": "LTS-CONFERENCE", "hearing": "LTS-HEARING"}
TASK_OF_LETTER = {**dict.fromkeys(("C3", "C6", *INVITATIONS.values()), "send_invite"),
                  **dict.fromkeys(("C1", "C4", "C5", "C7", "C8"), "send_outcome_letter"), "C2": "send_closing_letter"}
# Where a missing field is put right, in words and as the part of the page to go to.
ADVICE = {"absences": ("associate the absences with this stage", "association"),
          "meeting": ("arrange the meeting first", "meetings"), "outcome": ("record the outcome with it", "outcome"),
          "manager": ("the employee has no line manager in the hierarchy; ask HR systems to add one", None)}
PDF_SECONDS = 60
ASSOCIATE_FIRST = "Associate the absences with this stage first: letters are filled from them."


@dataclasses.dataclass(frozen=True)
class Offer:
    """A letter that can be made now, or the reason it cannot yet and the part of the page that fixes it."""

    code: str
    title: str
    meeting_id: str | None = None
    about: str = ""
    blocked: str | None = None
    fix: str | None = None


def why_not(code: str, context: dict) -> tuple[str | None, str | None]:
    """Why letter `code` cannot be made from `context` ("The letter needs …: arrange the meeting first."), and
    the part of the page that fixes it; (None, None) when it can be made."""
    spec = LETTERS[code]
    gaps = missing(spec, context)
    if not gaps:
        return None, None
    first = next(path for path in spec.needs if value_at(context, path) in (None, "", [], ()))
    advice, fix = ADVICE.get(first.split(".")[0].replace("[]", ""), ("fill it in first", None))
    return f"The letter needs {', '.join(gaps)}: {advice}.", fix


def _offer(code: str, context: dict, meeting: Meeting | None = None, about: str = "") -> Offer:
    blocked, fix = why_not(code, context)
    return Offer(code, LETTERS[code].title, meeting.id if meeting else None, about, blocked, fix)


def letters_for(case: Case, employee: Employee, stage: Stage, today: dt.date, *,
                organisation: OrganisationDefaults) -> list[Offer]:
    """The letters `stage` offers now: each meeting's invitation (the policy's, or the long-term meeting's)
    and notes or record (B2), C11 for a meeting the employee missed, the recorded outcome's letter, C2 when
    the case closed on improvement. Until the absences are associated, each says so instead."""
    step = ladder_of(case).stage(stage.key)
    invitation = ((step.invite_letter if step else None)
                  or INVITATIONS.get(stage_checklist(case, stage.key).meeting_kind))
    offers: list[Offer] = []
    meetings = [meeting for meeting in stage.meetings if not meeting.cancelled]
    fields = organisation_context(organisation)     # read once for all the letters offered
    for meeting in meetings:
        context = letter_context(case, employee, stage, meeting, today=today, organisation=fields)
        codes = ([invitation] if invitation else []) + ["B2" if meeting.kind == "absence_support" else "NOTES"]
        if meeting.employee_attends and not meeting.held and meeting.on < today:
            codes.append("C11")
        offers += [_offer(code, context, meeting, f"for the meeting on {long_date(meeting.on)}") for code in codes]
    if not meetings and invitation and case.status != "closed":
        offers.append(Offer(invitation, LETTERS[invitation].title, fix="meetings",
                            blocked="Arrange the meeting first: the letter gives its date, time and place."))
    codes = []
    if stage.outcome is not None:
        letter = stage.outcome.letter or getattr(OUTCOMES.get(stage.outcome.kind), "letter", None)
        codes += [letter] if letter else []
    elif step and case.status != "closed":
        offers += [Offer(code, LETTERS[code].title, blocked="Record the outcome first: the letter gives its dates.",
                         fix="outcome") for code in step.outcome_letters]
    if stage is case.current_stage and any(task.kind == "send_closing_letter" for task in case.tasks):
        codes.append("C2")
    context = letter_context(case, employee, stage, today=today, organisation=fields)
    offers += [_offer(code, context) for code in dict.fromkeys(codes)]
    offers = [offer for offer in offers if offer.code in LETTERS and case.kind in LETTERS[offer.code].kinds]
    if not stage.absences_associated:
        offers = [dataclasses.replace(offer, blocked=ASSOCIATE_FIRST, fix="association") for offer in offers]
    return offers


def absence_letters_for(absence: Absence, employee: Employee, today: dt.date, *,
                        organisation: OrganisationDefaults) -> list[Offer]:
    """The letters about one absence: C9 and C10 when the employee does not keep in touch (C10 once a C9 has
    been sent), the occupational health referral (B4) and, once it is recorded, the return-to-work record (B1)."""
    context = letter_context(None, employee, None, absence=absence, today=today, organisation=organisation)
    offers = [_offer(code, context) for code in ("C9", "C10", "B4", "B1")]
    if not any(record.template == "C9" and record.sent_on for record in absence.letters):
        offers[1] = dataclasses.replace(offers[1], blocked="Send letter C9 first: C10 follows it when there is still "
                                                           "no contact.", fix=None)
    if absence.rtw is None:
        offers[3] = dataclasses.replace(offers[3], blocked="Record the return-to-work interview first: the form is "
                                                           "filled from it.",
                                        fix="return-to-work" if absence.last_day else None)
    return offers


def _files() -> gridfs.GridFS:
    return gridfs.GridFS(get_db(), collection="letters")


def _employee(owner: Case | Absence) -> Employee:
    return Employee.objects(pk=owner.employee).exclude("audit").get()


def _store(owner, actor: str, action: str, record: LetterRecord, version: LetterVersion, data: bytes,
           seen: int | None, new_record: bool) -> None:
    """Put the file in GridFS and the version on its letter; the file goes again if the save is refused."""
    version.file_id = _files().put(data, filename=version.filename, content_type=DOCX_TYPE)

    def apply(owner) -> dict:
        if new_record:
            _letters_of(owner).append(record)
        record.versions.append(version)
        return {"after": {"letter": record.template, "letter_version": len(record.versions), "source": version.source,
                          "file": version.filename}}

    try:
        owner.change(actor, action, apply, version=seen)
    except Exception:   # whatever stops the save, the file must not stay behind; the error goes on
        _files().delete(version.file_id)
        raise


def _notice_still_kept(case: Case, meeting: Meeting, today: dt.date) -> None:
    """An invitation letter made today for a meeting still ahead must give it the stage's notice (issue 15, point
    6). A meeting already past is on record: its letter may be made again for the file, as before."""
    try:
        notice_kept(case, today, meeting.on, field="code")
    except Refused as refused:
        raise Refused(f"The meeting on {long_date(meeting.on)} is now closer than the notice this stage needs, so "
                      f"the invitation cannot be made today. {refused.message} Change the meeting's date first.",
                      "code") from None


def _letters_of(owner: Case | Absence) -> list:
    return stage_of(owner).letters if isinstance(owner, Case) else owner.letters


def generate(owner: Case | Absence, code: str, actor: str, today: dt.date, meeting_id: str | None = None,
             version: int | None = None, *, organisation: OrganisationDefaults) -> LetterRecord:
    """Make letter `code` for the case's current stage (or the absence) and store it as a new version: a
    letter of the same kind not yet sent gets the new version, otherwise it is a new letter. Refused, with
    the reason, when the absences are not associated, the stage does not offer it, or a field is missing."""
    if code not in LETTERS:
        raise Refused(f"Casebook has no letter {code}.")
    employee = _employee(owner)
    reader = User.objects(email=actor).first()
    if isinstance(owner, Case):
        stage = stage_of(owner)
        if not stage.absences_associated:
            raise Refused(ASSOCIATE_FIRST)
        meeting = find_meeting(owner, meeting_id)[1] if meeting_id else None
        offers = letters_for(owner, employee, stage, today, organisation=organisation)
        context = letter_context(owner, employee, stage, meeting, today=today, organisation=organisation, code=code,
                                 reader=reader)
    else:
        offers = absence_letters_for(owner, employee, today, organisation=organisation)
        context = letter_context(None, employee, None, absence=owner, today=today, organisation=organisation,
                                 code=code, reader=reader)
    offer = next((offer for offer in offers if offer.code == code and offer.meeting_id == meeting_id), None)
    if offer is None:
        raise Refused(f"Letter {code} is not one this stage offers now.")
    if offer.blocked:
        raise Refused(offer.blocked)
    if isinstance(owner, Case) and meeting and meeting.on >= today and TASK_OF_LETTER.get(code) == "send_invite":
        _notice_still_kept(owner, meeting, today)
    try:
        letter = render(template_bytes(code), context)
    except LetterProblem as problem:
        raise Refused(str(problem)) from None
    record = next((r for r in _letters_of(owner) if r.template == code and not r.sent_on), None)
    new = record is None
    record = record or LetterRecord(template=code)
    filename = f"{code} {employee.name} {today.isoformat()}.docx"
    _store(owner, actor, "letter generated", record, LetterVersion(file_id=None, filename=filename, size=len(letter),
           source="generated", by=actor, at=utcnow()), letter, version, new)
    return record


def find_letter(owner: Case | Absence, letter_id: str) -> tuple[Stage | None, LetterRecord]:
    """The letter with `letter_id` and the stage it belongs to (None for an absence's letter)."""
    for stage in (owner.stages if isinstance(owner, Case) else [None]):
        for record in (stage.letters if stage else owner.letters):
            if record.id == letter_id:
                return stage, record
    raise Refused("There is no such letter here.")


def readable_name(filename: str) -> str:
    """An uploaded file's name, kept readable and safe for a download header."""
    stem = re.sub(r"[^\w .()-]+", "", Path(filename or "").stem).strip()[:120] or "letter"
    return f"{stem}.docx"


def upload(owner: Case | Absence, letter_id: str, filename: str, data: bytes, actor: str,
           version: int | None = None) -> LetterVersion:
    """Store an edited copy as the letter's next version. Only a .docx file Casebook accepts
    (`casework.docx_package`: within the size caps, no macros, ActiveX, OLE objects, attached templates or links
    outside the file) is accepted, Refused with the reason otherwise; what is stored is the file made again
    from the parts a letter needs. An upload never changes the case's stage."""
    stored = accepted_docx(filename, data)
    _, record = find_letter(owner, letter_id)
    added = LetterVersion(file_id=None, filename=readable_name(filename), size=len(stored), source="uploaded",
                          by=actor, at=utcnow())
    _store(owner, actor, "letter uploaded", record, added, stored, version, False)
    return added


def accepted_docx(filename: str, data: bytes) -> bytes:
    """An uploaded file made again from the parts a letter needs; Refused with what is wrong: its content first
    (not Word, too large, macros, links outside the file …), then its name."""
    try:
        stored = clean_docx(data)
    except DocxProblem as problem:
        raise Refused(str(problem)) from None
    if not (filename or "").lower().endswith(".docx"):
        raise Refused("Only Word .docx files can be uploaded.")
    return stored


def mark_sent(owner: Case | Absence, letter_id: str, sent_on: dt.date, how: str, actor: str, today: dt.date,
              version: int | None = None) -> LetterRecord:
    """Record when and how the letter went; for a case this completes the stage's matching letter task
    (send the invitation, the outcome or the closing letter) if it is open."""
    if sent_on > today:
        raise Refused("The letter cannot have been sent after today.")
    if how not in SENT_HOW:
        raise Refused("Say how the letter was sent.")
    stage, record = find_letter(owner, letter_id)
    kind = TASK_OF_LETTER.get(record.template)

    def apply(owner) -> dict:
        record.sent_on, record.sent_how = sent_on, how
        done = []
        if stage is not None:
            for task in owner.open_tasks():
                if task.kind == kind and task.stage_key in (stage.key, None):
                    task.finish(actor)
                    done.append(task.title)
        if record.template == "B4" and isinstance(owner, Absence):   # the referral form sent is the referral made
            owner.oh_referral_on = owner.oh_referral_on or sent_on
            for task in owner.tasks:
                if task.kind == OH_REFERRAL and task.status == "open":
                    task.finish(actor)
                    done.append(task.title)
        return {"after": {"letter": record.template, "sent_on": sent_on, "sent_how": SENT_HOW[how],
                          "tasks_completed": done}}

    owner.change(actor, "letter marked as sent", apply, version=version)
    return record


def letter_file(owner: Case | Absence, letter_id: str, number: int) -> tuple[LetterRecord, LetterVersion, bytes]:
    """Version `number` (from 1) of a letter, with its file's bytes (LookupError when there is none)."""
    try:
        _, record = find_letter(owner, letter_id)
    except Refused:
        raise LookupError(letter_id) from None
    if not 1 <= number <= len(record.versions):
        raise LookupError(number)
    version = record.versions[number - 1]
    return record, version, _files().get(version.file_id).read()


def log_letter_read(reader: str, employee: Employee, record: LetterRecord, absence_id=None) -> None:
    """Record that `reader` opened a letter holding medical detail (the occupational health referral)."""
    MedicalRead(reader=reader, at=utcnow(), assignment_number=employee.assignment_number, absence=absence_id,
                what=f"letter {record.template} ({LETTERS[record.template].title})", where="letters").save()


def pdf_converter() -> str | None:
    """LibreOffice's program, if it is installed: without it there is no PDF copy."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_copy(data: bytes) -> bytes:
    """A PDF copy of a .docx letter, made by LibreOffice in a folder of its own (Refused if it fails)."""
    program = pdf_converter()
    if program is None:
        raise Refused("LibreOffice is not installed, so no PDF copy can be made.")
    problems = docx_problems(data)   # a file stored before today's checks is checked before LibreOffice opens it
    if problems:
        raise Refused(f"The PDF copy could not be made: {problems[0]}")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "letter.docx"
        source.write_bytes(data)
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to",
                            "pdf", "--outdir", folder, str(source)], check=True, capture_output=True,
                           timeout=PDF_SECONDS)
            return (Path(folder) / "letter.pdf").read_bytes()
        except (subprocess.SubprocessError, OSError) as error:   # LibreOffice failed or timed out: say so
            raise Refused(f"The PDF copy could not be made ({type(error).__name__}).") from None
