"""The letters and forms Casebook fills: which exist, what each needs, the fields a template may use, and
rendering a Word template (docxtpl on python-docx) so that a letter is complete or refused with a reason.

Pure: templates and letters are bytes in and out; the context is plain values (strings, lists, dicts)
that `services.cases.letters` builds from a case. A template names fields as `{{ employee.name }}`;
the associated absences are a table row repeated with `{%tr for absence in absences %}`.

A template is untrusted: every time it is checked or rendered it is opened by `casework.docx_package` (caps on
size, no macros, nothing outside the file, only the parts a letter needs) and its tags are checked against the
allow-list of `casework.letter_grammar` (only FIELDS, docxtpl's tags and a few filters) before anything is
rendered, in Jinja's immutable sandbox.
"""
from __future__ import annotations

import dataclasses
import functools
import io
import re
import zipfile
from typing import TYPE_CHECKING

import jinja2
from jinja2.sandbox import SecurityError
from lxml import etree

from casework.docx_package import DocxProblem, open_docx
from casework.letter_grammar import check_sources, environment, template_sources
from casework.letter_words import DISMISSAL_REASONS, OUTCOME_WORDS

if TYPE_CHECKING:
    from docxtpl import DocxTemplate

# Every field a template may use, with what it holds. Lists are marked [] and their items' fields follow.
FIELDS = {
    "organisation.name": "The organisation's name",
    "organisation.address": "Its postal address, one line per item (a list)",
    "organisation.phone": "Its HR telephone number",
    "organisation.email": "Its HR e-mail address",
    "organisation.logo": "Its logo, as a picture 2 cm high where the field stands (nothing when no logo is saved)",
    "letter_date": "The date of the letter, e.g. 23 November 2026",
    "reference": "The case reference, e.g. STS-A00042-2026-11",
    "employee.name": "The employee's full name",
    "employee.first_name": "Their first name",
    "employee.last_name": "Their last name",
    "employee.job_title": "Their job title",
    "employee.assignment_number": "Their assignment (payroll) number",
    "employee.department": "Their department, directorate and division",
    "employee.email": "Their work e-mail",
    "employee.address": "Their postal address, one line per item (a list; empty when none is known: the letter "
                        "then goes by hand or by e-mail)",
    "manager.name": "The line manager's name",
    "manager.job_title": "The line manager's job title",
    "manager.email": "The line manager's work e-mail",
    "hr_advisor.name": "The HR advisor at the meeting, if any",
    "hr_advisor.email": "Their e-mail",
    "case.kind": "Short-term or long-term",
    "case.stage": "The stage, in words, e.g. 1st formal absence review meeting",
    "case.opened_on": "When the case opened",
    "case.policy": "The policy's name",
    "case.trigger": "Why the stage was reached: the absence figures in words, e.g. 4 occasions of sickness "
                    "absence, with 10 working days lost, in the 12 months to 2 November 2026",
    "absences[]": "The absences associated with the stage, oldest first (a list)",
    "absences[].first_day": "First day of the absence",
    "absences[].last_day": "Last day (or 'still off')",
    "absences[].calendar_days": "Calendar days",
    "absences[].working_days": "Working days lost",
    "absences[].reason": "The reason category, never the medical detail",
    "totals.occasions": "How many absences are associated",
    "totals.working_days": "Working days lost over them",
    "totals.calendar_days": "Calendar days over them",
    "meeting.title": "The meeting, in words",
    "meeting.date": "Its date",
    "meeting.time": "Its time, e.g. 10:00",
    "meeting.place": "Where, or 'by telephone or video call'",
    "meeting.chair": "Who holds it",
    "meeting.participants": "Who else attends, in words",
    "meeting.companion": "The right to be accompanied, in words",
    "meeting.notice_days": "The policy's minimum notice in days",
    "meeting.papers_by": "When papers are sent, if the policy sets it",
    "outcome.title": "The outcome, in words for the employee, e.g. redeployment to another suitable post",
    "outcome.decided_on": "When it was decided",
    "outcome.target": "The attendance target",
    "outcome.review_date": "The end of the review period",
    "outcome.warning": "The warning, e.g. first written warning",
    "outcome.warning_expires_on": "When the warning stops being live",
    "outcome.warning_stays": "A warning still live when the review ended, and until when (letter C2)",
    "outcome.appeal_deadline": "The last day to appeal",
    "outcome.appeal_to": "Who hears an appeal",
    "outcome.appeal_write_to": "Whom to write to with an appeal: the employee's Director, by name and job title "
                               "where known",
    "outcome.dismissal_reason": "Why employment ends, in capability words (dismissal)",
    "outcome.termination_date": "The date employment ends (dismissal)",
    "outcome.notice": "The notice given, or pay in lieu of notice, in words (dismissal)",
    "outcome.dismissed_by": "The dismissing officer's name (dismissal)",
    "outcome.dismissed_by_title": "The dismissing officer's job title (dismissal)",
    "outcome.next_stage": "The next stage if attendance does not improve",
    "outcome.summary": "What was decided, as the manager recorded it",
    "absence.first_day": "The absence the letter is about (C9, C10, B4): its first day",
    "absence.last_day": "Its last day (or 'still off')",
    "absence.reason": "Its reason category",
    "absence.detail": "The medical detail: only the occupational health referral (B4) may use it",
    "absence.expected_return": "When they are expected back",
    "rtw.held_on": "The return-to-work interview: its date",
    "rtw.held_by": "Who held it",
    "rtw.day_number": "Which working day back it was held",
    "rtw.fit_for_work": "Fit for work, in words",
    "rtw.support": "Support discussed",
    "rtw.adjustments": "Adjustments agreed",
    "rtw.phased_return": "The phased return plan, if any",
    "rtw.oh_referral": "Whether an occupational health referral is needed",
    "rtw.notes": "Other notes",
}
MEDICAL_FIELDS = {"absence.detail"}
LISTS = {"absences[]", "organisation.address", "employee.address"}   # the fields a template may repeat with {% for %}
LOGO_HEIGHT_MM = 20
# The sample organisation's logo: a 2 × 1 pixel blue PNG.
SAMPLE_LOGO = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000020000000108020000007b40e8dd0000000d49444154"
                            "789c636088db0144000631022d106bbf980000000049454e44ae426082")


@dataclasses.dataclass(frozen=True)
class LetterSpec:
    """One letter or form: its code, title, template file, what it is made from, the fields it needs."""

    code: str
    title: str
    source: str  # "stage" (from a case's stage), "meeting", "outcome", "absence" or "rtw"
    needs: tuple[str, ...]
    kinds: tuple[str, ...] = ("STS",)
    medical: bool = False

    @property
    def file(self) -> str:
        return f"{self.code}.docx"


_STAGE = ("employee.name", "manager.name", "absences[]")
_MEETING = _STAGE + ("meeting.date", "meeting.time", "meeting.place")
_OUTCOME = _STAGE + ("outcome.decided_on",)

LETTERS = {spec.code: spec for spec in (
    LetterSpec("C1", "C1 Following an (informal) absence support meeting", "outcome",
               _OUTCOME + ("outcome.review_date", "outcome.target")),
    LetterSpec("C2", "C2 Attendance improved: the review has ended", "stage", _STAGE),
    LetterSpec("C3", "C3 Invitation to a formal absence review meeting (1st or 2nd)", "meeting", _MEETING),
    LetterSpec("C4", "C4 Following a formal absence review meeting: written warning", "outcome",
               _OUTCOME + ("outcome.warning", "outcome.warning_expires_on", "outcome.review_date",
                           "outcome.target", "outcome.appeal_deadline")),
    LetterSpec("C5", "C5 Following a formal absence review meeting: more time to improve", "outcome",
               _OUTCOME + ("outcome.review_date", "outcome.target", "outcome.appeal_deadline")),
    LetterSpec("C6", "C6 Invitation to the 3rd formal absence review meeting", "meeting", _MEETING),
    LetterSpec("C7", "C7 Dismissal following the 3rd formal review or a case review hearing", "outcome",
               ("employee.name", "absences[]", "outcome.decided_on", "outcome.appeal_deadline", "outcome.appeal_to",
                "outcome.appeal_write_to",
                           "outcome.dismissal_reason", "outcome.termination_date", "outcome.notice",
                           "outcome.dismissed_by", "outcome.dismissed_by_title"), kinds=("STS", "LTS")),
    LetterSpec("C8", "C8 Following the 3rd formal review or a case review hearing: no dismissal", "outcome",
               _OUTCOME + ("outcome.title",), kinds=("STS", "LTS")),
    LetterSpec("C9", "C9 No contact during the first two weeks of absence", "absence",
               ("employee.name", "manager.name", "absence.first_day"), kinds=("STS", "LTS", "absence")),
    LetterSpec("C10", "C10 No contact after letter C9", "absence",
               ("employee.name", "manager.name", "absence.first_day"), kinds=("STS", "LTS", "absence")),
    LetterSpec("C11", "C11 Failure to attend a meeting", "meeting", _MEETING, kinds=("STS", "LTS")),
    LetterSpec("LTS-WELFARE", "Invitation to a welfare meeting (long-term absence)", "meeting", _MEETING,
               kinds=("LTS",)),
    LetterSpec("LTS-CONFERENCE", "Invitation to a case conference (long-term absence)", "meeting", _MEETING,
               kinds=("LTS",)),
    LetterSpec("LTS-HEARING", "Invitation to a case review hearing (long-term absence)", "meeting",
               _MEETING + ("meeting.notice_days",), kinds=("LTS",)),
    LetterSpec("B1", "B1 Sickness declaration and return-to-work interview record", "rtw",
               ("employee.name", "absence.first_day", "rtw.held_on", "rtw.held_by"), kinds=("absence",)),
    LetterSpec("B2", "B2 Absence support meeting record", "meeting", _MEETING),
    LetterSpec("B4", "B4 Referral to occupational health", "absence",
               ("employee.name", "manager.name", "absence.first_day"), kinds=("STS", "LTS", "absence"), medical=True),
    LetterSpec("NOTES", "Notes of a formal meeting", "meeting", _MEETING + ("meeting.title",), kinds=("STS", "LTS")),
)}


class LetterProblem(Exception):
    """Why a letter cannot be made or a template cannot be used, in words for the user."""


def value_at(context: dict, path: str):
    """The value at a dotted path like `outcome.review_date` (`absences[]` is the list itself)."""
    value: object = context
    for part in path.replace("[]", "").split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def missing(spec: LetterSpec, context: dict) -> list[str]:
    """The fields the letter needs that the case does not give, in words ('the meeting's date')."""
    gaps = []
    for path in spec.needs:
        value = value_at(context, path)
        if value in (None, "", [], ()):
            gaps.append("the associated absences" if path == "absences[]" else FIELDS[path].lower())
    return gaps


def render(template: bytes, context: dict) -> bytes:
    """The letter: the template filled with `context`, in the sandbox. A file or a tag Casebook does not allow,
    or a field the context lacks, raises LetterProblem, and nothing of the template is run."""
    rebuilt, problems = _prepared(template)
    if problems:
        raise LetterProblem(" ".join(problems))
    return _filled(_opened(rebuilt), template, context)


@functools.lru_cache(maxsize=16)
def _prepared(template: bytes) -> tuple[bytes, tuple[str, ...]]:
    """The template made again from the parts a letter may hold, and what in its tags Casebook does not allow:
    worked out once for each template's bytes (a letter is made from the same few templates again and again), and
    never kept for a file Casebook does not accept (LetterProblem)."""
    package = _package(template)
    problems, _ = _checked(_opened(package))
    return package, tuple(problems)


def _filled(document: DocxTemplate, template: bytes, context: dict) -> bytes:
    """The letter from a template `document` already checked against the allow-list, filled in the sandbox."""
    try:
        document.render(_with_logo(document, context), environment(), autoescape=True)
    except jinja2.UndefinedError as error:
        raise LetterProblem(f"The template uses a field Casebook does not provide: "
                            f"{_field_name(error, _text_of(template))}.") from None
    except jinja2.TemplateSyntaxError as error:
        raise LetterProblem(f"The template has a mistake in a field near line {error.lineno}: "
                            f"{error.message}.") from None
    except (SecurityError, jinja2.TemplateError) as error:
        raise LetterProblem(f"The template uses something Casebook does not allow: {error}.") from None
    except etree.LxmlError:
        raise LetterProblem("The template makes a letter Word cannot read: keep each {% if %} and {% for %} with "
                            "its end in one paragraph, or write them as {%p if %} … {%p endif %}.") from None
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _document(template: bytes) -> DocxTemplate:
    """The template as docxtpl opens it, made again from the parts a letter may hold (LetterProblem if the file
    is not one Casebook accepts)."""
    return _opened(_package(template))


def _package(template: bytes) -> bytes:
    """The template made again from the parts a letter may hold (LetterProblem if Casebook does not accept it)."""
    try:
        return open_docx(template).rebuilt(packed=False)
    except DocxProblem as problem:
        raise LetterProblem(str(problem)) from None


def _opened(package: bytes) -> DocxTemplate:
    """A package made by `_package`, as docxtpl opens it (LetterProblem if python-docx cannot read it)."""
    # docxtpl and python-docx (0.3 s) are imported when a letter is made, not by every command that starts the app.
    from docxtpl import DocxTemplate
    document = DocxTemplate(io.BytesIO(package))
    try:
        document.init_docx()
    except (etree.LxmlError, ValueError, KeyError) as error:   # python-docx cannot read what the checks let by
        raise LetterProblem(f"Word's parts of the file cannot be read ({type(error).__name__}); save it again in "
                            "Word.") from None
    return document


def _checked(document: DocxTemplate) -> tuple[list[str], set[str]]:
    """What in the template's tags Casebook does not allow, and the field paths it uses."""
    return check_sources(template_sources(document), FIELDS, LISTS)


def _with_logo(document: DocxTemplate, context: dict) -> dict:
    """The context with the organisation's logo (PNG or JPEG bytes) as a picture Word shows, 2 cm high."""
    organisation = context.get("organisation")
    if not isinstance(organisation, dict) or not isinstance(organisation.get("logo"), bytes):
        return context
    logo = organisation["logo"]
    if logo and picture_problem(logo):
        raise LetterProblem("The organisation's logo cannot be read as a picture: an administrator can save it "
                            "again, or remove it, on the organisation's details page.")
    from docx.shared import Mm
    from docxtpl import InlineImage
    picture = InlineImage(document, io.BytesIO(logo), height=Mm(LOGO_HEIGHT_MM)) if logo else ""
    return {**context, "organisation": {**organisation, "logo": picture}}


def picture_problem(data: bytes) -> str | None:
    """Why Word could not show `data` as a picture (a PNG or JPEG whose header python-docx cannot read, as a
    damaged or disguised file has), or None."""
    from docx.image.image import Image
    try:
        image = Image.from_blob(data)
        readable = image.px_width > 0 and image.px_height > 0
    except Exception:  # a hostile file can break the header parser in any way: each is "not a picture"
        readable = False
    return None if readable else "The picture is damaged or is not really a PNG or JPEG image."


def check_template(template: bytes, sample: dict, medical: bool = False, needs: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with a template, in words (empty when it can be used): a file Casebook does not accept
    (casework.docx_package), anything in its tags outside the allow-list (casework.letter_grammar), by name and
    line, a field the letter must show left out (`needs`), medical detail where it is not allowed, a sample
    that will not render."""
    try:
        document = _document(template)
    except LetterProblem as problem:
        return [str(problem)]
    problems, used = _checked(document)
    if problems:
        return problems
    if not medical and used & MEDICAL_FIELDS:
        problems.append("Only the occupational health referral may use absence.detail (the medical detail).")
    left_out = [path for path in needs if path not in used]
    if left_out:
        problems.append(f"The letter must show {', '.join(_typed(path) for path in left_out)}: put "
                        f"{'it' if len(left_out) == 1 else 'them'} back in the template.")
    if not problems:
        try:
            letter = _filled(document, template, sample)
        except LetterProblem as error:
            problems.append(str(error))
        else:
            left = leftover_tags(letter)
            if left:
                problems.append(f"Fields left unfilled in the sample letter: {', '.join(left[:5])}.")
    return problems


def leftover_tags(letter: bytes) -> list[str]:
    """Template tags still in a rendered letter ('{{ … }}' or '{% … %}'): a letter must have none."""
    return re.findall(r"\{\{.*?\}\}|\{%.*?%\}", _text_of(letter))


def _text_of(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(name).decode("utf-8", "replace") for name in package.namelist()
                      if name.startswith("word/") and name.endswith(".xml"))
    return re.sub(r"<[^>]+>", "", xml)


def _typed(path: str) -> str:
    return "the associated absences (absences)" if path == "absences[]" else path


def _field_name(error: jinja2.UndefinedError, text: str) -> str:
    """The field an UndefinedError is about, as the template wrote it (`employee.nmae`) where it can be found."""
    found = re.search(r"has no attribute '([^']+)'", str(error))
    if found:
        written = re.search(r"([A-Za-z_][\w.]*)\." + re.escape(found.group(1)) + r"\b", text)
        return f"{written.group(1)}.{found.group(1)}" if written else found.group(1)
    found = re.search(r"'([^']+)' is undefined", str(error))
    return found.group(1) if found else str(error)


def sample_context() -> dict:
    """A realistic, invented case with every field filled: what a template is checked and previewed with."""
    absences = [{"first_day": "4 February 2026", "last_day": "6 February 2026", "calendar_days": 3,
                 "working_days": 3, "reason": "Infections (colds, flu)"},
                {"first_day": "13 May 2026", "last_day": "13 May 2026", "calendar_days": 1, "working_days": 1,
                 "reason": "Neurological (headaches, migraine)"},
                {"first_day": "12 August 2026", "last_day": "18 August 2026", "calendar_days": 7,
                 "working_days": 5, "reason": "Stomach, liver, kidney, digestion"},
                {"first_day": "14 October 2026", "last_day": "14 October 2026", "calendar_days": 1,
                 "working_days": 1, "reason": "Infections (colds, flu)"}]
    return {
        "organisation": {"name": "Example Health and Care Trust", "address": ["Example House", "1 Sample Street",
                                                                               "Exampletown", "EX1 2AB"],
                         "phone": "01234 567890", "email": "hr@example.org", "logo": SAMPLE_LOGO},
        "letter_date": "23 November 2026", "reference": "STS-A00042-2026-11",
        "employee": {"name": "Wes Walker", "first_name": "Wes", "last_name": "Walker", "job_title": "Staff nurse",
                     "assignment_number": "A00042", "email": "wes.walker@example.org",
                     "department": "District Nursing, Adult Services, Community Care",
                     "address": ["4 Mill Lane", "Upper Town", "Exampletown", "EX1 2AB"]},
        "manager": {"name": "Bea Boss", "job_title": "Ward manager", "email": "bea.boss@example.org"},
        "hr_advisor": {"name": "Hana Hart", "email": "hana.hart@example.org"},
        "case": {"kind": "short-term", "stage": "1st Formal Absence Review Meeting", "opened_on": "2 November 2026",
                 "policy": "Council attendance management (2019)",
                 "trigger": "4 occasions of sickness absence, with 10 working days lost, in the 12 months to "
                            "2 November 2026"},
        "absences": absences,
        "totals": {"occasions": 4, "working_days": 10, "calendar_days": 12},
        "meeting": {"title": "1st Formal Absence Review Meeting", "date": "Tuesday 8 December 2026", "time": "10:00",
                    "place": "Room 2, Example House", "chair": "Bea Boss, Ward manager",
                    "participants": "Hana Hart (HR advisor)",
                    "companion": "You may be accompanied by a trade union representative or a work colleague.",
                    "notice_days": 5, "papers_by": "1 December 2026"},
        "outcome": {"title": OUTCOME_WORDS["other"], "decided_on": "8 December 2026",
                    "target": "No more than 2 occasions or 5 working days of sickness absence in the review period",
                    "review_date": "2 March 2027", "warning": "first written warning",
                    "warning_expires_on": "7 June 2027",
                    "warning_stays": "first written warning stays live until 7 June 2027",
                    "appeal_deadline": "23 December 2026",
                    "appeal_to": "the line manager of the person who held the meeting",
                    "appeal_write_to": "Dee Director, Director of Community Care",
                    "dismissal_reason": DISMISSAL_REASONS["STS"], "termination_date": "4 January 2027",
                    "notice": "4 weeks’ notice", "dismissed_by": "Sid Senior", "dismissed_by_title": "Head of Nursing",
                    "next_stage": "2nd Formal Absence Review Meeting",
                    "summary": "We discussed your absences and the support available."},
        "absence": {"first_day": "2 November 2026", "last_day": "still off", "reason": "Back and neck",
                    "detail": "Lower back pain after lifting", "expected_return": "30 November 2026"},
        "rtw": {"held_on": "1 December 2026", "held_by": "Bea Boss", "day_number": 1, "fit_for_work": "Fit for work",
                "support": "Regular check-ins", "adjustments": "None needed", "phased_return": "No",
                "oh_referral": "No", "notes": "Welcomed back."},
    }
