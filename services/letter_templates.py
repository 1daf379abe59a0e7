"""Which Word template each letter uses: the shipped one, or a version an administrator uploaded and chose.

Every upload is checked first: a Word .docx file Casebook accepts (no macros, ActiveX, OLE objects, attached
templates or links outside the file, within the size caps: `casework.docx_package`) whose tags use only what
Casebook allows (its fields, docxtpl's tags, a few filters: `casework.letter_grammar`) and whose sample letter
renders in the sandbox with no tag left; a template that fails is refused with its problems in words and
nothing is stored. What is stored is the file made again from the parts a letter needs. The same checks run
again whenever a letter is made from it. Files live in GridFS.
"""
from __future__ import annotations

from pathlib import Path

import gridfs
import mongoengine as me
from mongoengine.connection import get_db

from casework.docx_package import clean_docx
from casework.letter_preview import Block, letter_blocks
from casework.letters import LETTERS, LetterProblem, check_template, render, sample_context
from documents.base import StaleEditError
from documents.letter_templates import LetterTemplate, TemplateVersion
from services.errors import Refused

SHIPPED = Path(__file__).resolve().parents[1] / "letter_templates"
FILES = "template_files"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def has_shipped(code: str) -> bool:
    """Whether Casebook ships a template for letter `code`."""
    return (SHIPPED / LETTERS[code].file).exists()


def shipped_template(code: str) -> bytes:
    """The template shipped with Casebook for letter `code`."""
    path = SHIPPED / LETTERS[code].file
    if not path.exists():
        raise Refused(f"There is no template for letter {code}: ask an administrator to upload one.")
    return path.read_bytes()


def template_bytes(code: str) -> bytes:
    """The template in use for letter `code`: the uploaded version chosen, else the shipped one."""
    upload = LetterTemplate.for_code(code).upload_in_use
    return read_file(upload.file_id) if upload else shipped_template(code)


def version_bytes(code: str, number: int) -> bytes:
    """The file of uploaded version `number` of letter `code`; Refused when there is none."""
    found = LetterTemplate.for_code(code).numbered(number)
    if found is None:
        raise Refused(f"Letter {code} has no version {number}.")
    return read_file(found.file_id)


def template_problems(code: str, data: bytes, filename: str) -> list[str]:
    """What stops `data` (uploaded as `filename`) being the template of letter `code`, in words."""
    if not filename.lower().endswith(".docx"):
        return [f"{filename or 'The file'} is not a Word .docx file: save the template as a Word Document (.docx)."]
    return check_template(data, sample_context(), LETTERS[code].medical, LETTERS[code].needs)


def upload_template(code: str, data: bytes, filename: str, actor: str, note: str = "",
                    version: int | None = None, use: bool = True) -> TemplateVersion:
    """Store `data`, made again from the parts a letter needs, as the next version of letter `code`'s template
    and use it from now on (or, unless `use`, keep it for its sample letter to be checked first, until
    `use_version`), with an audit entry.

    Raises Refused listing every problem when the template cannot be used (nothing is stored), and
    StaleEditError when `version` is given and someone else changed the letter's templates since."""
    record = _current(code, version)
    problems = template_problems(code, data, filename)
    if problems:
        raise Refused(" ".join(problems), problems=problems)
    stored = clean_docx(data)
    file_id = _files().put(stored, filename=filename, content_type=DOCX, letter=code)
    upload = TemplateVersion(number=max((found.number for found in record.versions), default=0) + 1,
                             file_id=file_id, filename=filename, size=len(stored), uploaded_by=actor,
                             note=note.strip() or None)
    record.record(actor, "template uploaded" if use else "template uploaded, not in use yet", {"in_use": record.label},
                  {"in_use": f"uploaded v{upload.number}" if use else record.label, "filename": filename,
                   "size": len(stored), **({} if use else {"stored": f"uploaded v{upload.number}"})},
                  note.strip() or None)
    record.versions.append(upload)
    if use:
        record.in_use = upload.number
    try:
        _save(record)
    except StaleEditError:
        _files().delete(file_id)
        raise
    return upload


def use_version(code: str, number: int, actor: str, version: int | None = None) -> TemplateVersion:
    """Use uploaded version `number` of letter `code` again, once it passes today's checks, with an audit entry."""
    record = _current(code, version)
    chosen = record.numbered(number)
    if chosen is None:
        raise Refused(f"Letter {code} has no version {number}.")
    problems = check_template(read_file(chosen.file_id), sample_context(), LETTERS[code].medical, LETTERS[code].needs)
    if problems:
        raise Refused(" ".join(problems), problems=problems)
    record.record(actor, "template version used again" if used_before(record, number) else "template put into use",
                  {"in_use": record.label}, {"in_use": f"uploaded v{number}"})
    record.in_use = number
    _save(record)
    return chosen


def restore_shipped(code: str, actor: str, version: int | None = None) -> None:
    """Go back to the template shipped with Casebook (uploads are kept in the history), with an audit entry."""
    record = _current(code, version)
    if not has_shipped(code):
        raise Refused(f"Casebook ships no template for letter {code}: upload one instead.")
    if record.in_use is None:
        return
    record.record(actor, "shipped template restored", {"in_use": record.label}, {"in_use": "shipped"})
    record.in_use = None
    _save(record)


def sample_letter(code: str, number: int) -> bytes:
    """The sample letter uploaded version `number` of letter `code` makes: filled, in the sandbox, with the invented
    case every template is checked with. Refused when there is no such version or it no longer renders."""
    try:
        return render(version_bytes(code, number), sample_context())
    except LetterProblem as problem:
        raise Refused(f"Version {number} of {code} makes no sample letter: {problem}") from None


def sample_blocks(code: str, number: int) -> list[Block]:
    """The sample letter of version `number` of letter `code` as a page shows it: paragraphs and tables."""
    return letter_blocks(sample_letter(code, number))


def used_before(record: LetterTemplate, number: int) -> bool:
    """Whether uploaded version `number` has been the template in use at some time."""
    return any((entry.after or {}).get("in_use") == f"uploaded v{number}" for entry in record.audit)


def templates_in_use() -> list[LetterTemplate]:
    """Every letter's template record, in the order of LETTERS (unsaved records for letters never uploaded)."""
    stored = {record.code: record for record in LetterTemplate.objects}
    return [stored.get(code) or LetterTemplate(code=code) for code in LETTERS]


def check_all() -> list[tuple[str, str, list[str]]]:
    """Each letter's code, which template it uses, and that template's problems (empty when it can be used)."""
    results = []
    for record in templates_in_use():
        try:
            data = template_bytes(record.code)
        except Refused as error:
            results.append((record.code, record.label, [str(error)]))
            continue
        spec = LETTERS[record.code]
        results.append((record.code, record.label, check_template(data, sample_context(), spec.medical, spec.needs)))
    return results


def read_file(file_id) -> bytes:
    """The bytes of a template file kept in GridFS."""
    return _files().get(file_id).read()


def _files() -> gridfs.GridFS:
    return gridfs.GridFS(get_db(), collection=FILES)


def _current(code: str, version: int | None) -> LetterTemplate:
    record = LetterTemplate.for_code(code)
    if version is not None and version != record.version:
        raise StaleEditError()
    return record


def _save(record: LetterTemplate) -> None:
    try:
        record.save_checked()
    except me.NotUniqueError:
        raise StaleEditError() from None
