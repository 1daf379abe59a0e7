"""A subject access export: everything Casebook holds about one employee, as a zip with a manifest, itself logged.

Read by the employee's id and assignment number through their indexes, one record after another (letters one file
at a time): never a list of ids sent to the database."""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from zoneinfo import ZoneInfo

import gridfs
from bson import ObjectId
from mongoengine.connection import get_db

from casework.privacy import ExportFile, build_manifest, export_filename, letter_path, local_time, sha256
from documents import Absence, AccessRefusal, Case, Employee, MedicalRead, SubjectAccessExport, User, utcnow
from services.errors import Refused

# One person's records are small: a zip larger than this is refused rather than built in memory without end.
EXPORT_BYTES_AT_MOST = 200 * 1024 * 1024
CONFERENCE_NOTES_LEFT_OUT = ("The notes of case conferences are left out: they are confidential to the "
                             "conference's participants. Each case conference itself is listed in cases.json.")
# What a login linked to the employee's assignment says about them (never its password, second factor or sessions).
LOGIN_FIELDS = ("email", "name", "roles", "assignment_number", "hr_divisions", "notify", "active",
                "awaiting_first_sign_in", "made_from_hierarchy", "may_dismiss")
LOG_FIELDS = {"medical-reads.json": ("reader", "at", "what", "where", "absence"),
              "refusals.json": ("who", "at", "method", "path", "endpoint", "reason")}


def subject_access_export(assignment_number: str, by: str, now: dt.datetime) -> tuple[bytes, str]:
    """The zip of everything held about the employee with `assignment_number` and its file name; the export is
    logged (who, when, whose, what it held). `now` is the organisation's time, for the manifest."""
    employee = Employee.objects(assignment_number=(assignment_number or "").strip()).first()
    if employee is None:
        raise Refused("No employee has that assignment number.", "assignment_number")
    absences = list(Absence.objects(employee=employee.pk).order_by("first_day"))
    cases = list(Case.objects(employee=employee.pk).order_by("opened_on"))
    logins = list(User.objects(assignment_number=employee.assignment_number))
    described = [_case_record(case) for case in cases]
    case_records, conference_notes = [record for record, _ in described], [left for _, left in described]
    files = [_json("employee.json", [_record(employee)]),
             _json("absences.json", [_record(absence) for absence in absences]),
             _json("cases.json", case_records),
             _json("logins.json", [{field: login[field] for field in LOGIN_FIELDS} for login in logins]),
             _json("audit.json", _audit(employee, absences, cases, logins)),
             _json("medical-reads.json", _log(MedicalRead, employee, LOG_FIELDS["medical-reads.json"])),
             _json("refusals.json", _log(AccessRefusal, employee, LOG_FIELDS["refusals.json"])),
             _json("subject-access-exports.json", _log(SubjectAccessExport, employee, ("by", "at"))),
             *_letters(absences, cases)]
    left_out = [CONFERENCE_NOTES_LEFT_OUT] if any(conference_notes) else []
    manifest = build_manifest(files, {"assignment_number": employee.assignment_number, "name": employee.name},
                              now.isoformat(timespec="seconds"), by, left_out)
    data = _zip([*files, _json("manifest.json", manifest, count=len(files))])
    SubjectAccessExport(by=by, at=utcnow(), assignment_number=employee.assignment_number, employee_name=employee.name,
                        files=len(files) + 1, size=len(data), sha256=sha256(data)).save()
    return data, export_filename(employee.assignment_number, now.date())


def recent_exports(zone: ZoneInfo, count: int = 50) -> list[dict]:
    """The latest exports made, latest first, each with its time in `zone` and the name of who made it."""
    exports = list(SubjectAccessExport.objects.order_by("-at").limit(count))
    names = {user.email: user.name for user in User.objects(email__in=sorted({e.by for e in exports})).only(
        "email", "name")}
    return [{**{field: export[field] for field in ("by", "assignment_number", "employee_name", "files", "size",
                                                     "sha256")},
             "when": local_time(export.at, zone), "by_name": names.get(export.by, "")} for export in exports]


def _record(document) -> dict:
    values = document.to_mongo().to_dict()
    values.pop("audit", None)
    return values


def _case_record(case: Case) -> tuple[dict, bool]:
    """The case as held, but the notes of its case conferences; and whether any had notes."""
    values, left_out = _record(case), False
    for stage in values.get("stages", []):
        for meeting in stage.get("meetings", []):
            if meeting.get("kind") == "case_conference" and meeting.get("notes"):
                meeting["notes"], left_out = "left out: confidential to the conference's participants", True
    return values, left_out


def _audit(employee: Employee, absences: list[Absence], cases: list[Case], logins: list[User]) -> list[dict]:
    """Every audit entry of the employee record, their absences, their cases and their logins, each saying whose
    it is."""
    owners: list[tuple[str, Employee | Absence | Case | User]] = [
        ("employee", employee), *(("absence", absence) for absence in absences),
        *(("case", case) for case in cases), *(("login", login) for login in logins)]
    return [{"record": kind, "record_id": owner.pk, **entry.to_mongo().to_dict()}
            for kind, owner in owners for entry in owner.audit]


def _log(document, employee: Employee, fields: tuple[str, ...]) -> list[dict]:
    entries = document.objects(assignment_number=employee.assignment_number).order_by("-at").only(*fields)
    return [{field: getattr(entry, field) for field in fields} for entry in entries]


def _letters(absences: list[Absence], cases: list[Case]) -> list[ExportFile]:
    """Every version of every letter of the absences and the cases, read from GridFS one at a time."""
    files, store, total = [], gridfs.GridFS(get_db(), collection="letters"), 0
    owners = [(f"absence-{number}", absence.letters) for number, absence in enumerate(absences, 1)] + [
        (f"case-{number}", [letter for stage in case.stages for letter in stage.letters])
        for number, case in enumerate(cases, 1)]
    for owner, letters in owners:
        for place, letter in enumerate(letters, 1):
            for number, version in enumerate(letter.versions, 1):
                data = store.get(version.file_id).read()
                total += len(data)
                if total > EXPORT_BYTES_AT_MOST:
                    raise Refused("This employee's letters are too large to export at once. Ask an administrator "
                                  "for a database export.", "assignment_number")
                path = letter_path(f"{owner}-{place}", letter.template, number, version.filename)
                files.append(ExportFile(path, data, 1))
    return files


def _json(name: str, values, count: int | None = None) -> ExportFile:
    text = json.dumps(values, indent=2, ensure_ascii=False, sort_keys=True, default=_plain)
    return ExportFile(name, text.encode("utf-8"), len(values) if count is None else count)


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, ObjectId):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not kept in an export")


def _zip(files: list[ExportFile]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for file in files:
            package.writestr(file.name, file.data)
    return out.getvalue()
