"""Running an import started from the upload page: check (a dry run) or apply its file in the background, as a
job kept in the database (services/jobs.py) that any app process or worker runs, keeping its progress and outcome
on the ImportJob so any app process can show them."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from bson import ObjectId

from casework.absence_feed import REPORTED_COLUMNS
from casework.feed_files import NotAFeedFile, decode_text, read_csv, refusal_report, text
from documents.base import StaleEditError, utcnow
from documents.import_job import ImportJob
from documents.job import Job
from documents.scope import may_read_medical
from documents.user import User
from services.errors import Refused
from services.imports.absences import DetailKnown, FeedResult, import_absences
from services.imports.manager_logins import shown_changes
from services.jobs import Host, Interrupted, Notes, Running, start
from services.mail import MailSettings
from services.settings import DEFAULT_IMPORT_RETENTION_DAYS

SHOWN_ROWS = 1000
SHOWN_LOGINS = 200    # of each kind of change to manager logins
APPLICABLE = ("checked", "not_applied")
FAILED = ("Sorry, something went wrong and nothing more was done. Upload the file again; "
          "if it keeps happening, tell support.")
STOPPED = "Upload the file again: rows already applied will show as unchanged."
SKIP_INVALID = "Apply the valid rows and give me a report of the refused ones"   # the upload page's box
IMPORT = "import"    # the kind of job that checks or applies an import (services/job_kinds.py)
log = logging.getLogger(__name__)


# What checks or applies each kind of file: function(rows, actor, source, today, dry_run=, skip_invalid=, progress=)
# returning a result with `applied`, `counts`, `outcomes` and `refused` (each outcome with `index`, `action`,
# `errors` and `key`, the row's own identifier). Other kinds register theirs with `register_importer`.
IMPORTERS: dict[str, Callable[..., Any]] = {"absences": import_absences}
REPORTED = {"absences": REPORTED_COLUMNS}   # the columns a kind's refused-rows report repeats
NUMBERED: set[str] = {"absences"}   # kinds whose importer also takes numbers=, each row's number in the file
MAILING: set[str] = set()    # kinds whose importer also takes mail=, the settings of the notices it sends
# Kinds whose importer also takes detail_known=, whether the uploader may know an employee's medical detail:
DETAILED = {"absences"}


def register_importer(kind: str, importer, reported, numbered: bool = False, mails: bool = False) -> None:
    """Let the upload page check and apply files of `kind` with `importer` (given the rows' numbers if `numbered`,
    the mail settings as `mail=` if `mails`); its refused-rows report repeats the `reported` columns."""
    IMPORTERS[kind] = importer
    REPORTED[kind] = tuple(reported)
    if numbered:
        NUMBERED.add(kind)
    if mails:
        MAILING.add(kind)


def uploader_knows(job: ImportJob) -> DetailKnown:
    """Whether the job's uploader, as they are now, may know an employee's medical detail (asked of the
    employee's division and supervisors)."""
    user = User.objects(pk=job.created_by).only("roles", "assignment_number", "hr_divisions").first()
    return lambda employee: may_read_medical(user, employee)


def check_upload(kind: str, filename: str, content: bytes, created_by, created_by_email: str, today: dt.date,
                 mail: MailSettings, host: Host, retention_days: int = DEFAULT_IMPORT_RETENTION_DAYS) -> ImportJob:
    """Keep an uploaded file of `kind` as a new job and check it (a dry run) in the background, where its page
    follows the progress; the background work first purges the files of jobs older than `retention_days`.
    `host` says where background jobs run (this process or a worker)."""
    job = ImportJob(kind=kind, filename=filename, created_by=created_by, created_by_email=created_by_email,
                    stage="waiting")
    job.upload.put(content, content_type="text/csv", filename=job.filename)
    job.save()
    _in_background(job, False, today, mail, host, retention_days)
    return job


def purge_old_files(retention_days: int, now: dt.datetime | None = None) -> int:
    """Delete the uploaded file, the refused-rows report and the row-by-row list of every import job created more
    than `retention_days` days before `now`, keeping the job's summary (who, when, the counts); returns how many
    jobs were purged. Reads only the jobs not yet purged that are old enough (an indexed query)."""
    if retention_days < 1:
        raise ValueError("keep import files for at least one day")
    now = now or utcnow()
    purged = 0
    for job in ImportJob.objects(purged_at=None, created_at__lt=now - dt.timedelta(days=retention_days)).only(
            "upload", "report"):
        for stored in (job.upload, job.report):
            if stored:
                stored.delete()
        purged += ImportJob.objects(pk=job.pk, purged_at=None).update_one(
            set__purged_at=now, set__purged_after_days=retention_days, set__rows=[], unset__upload=True,
            unset__report=True)
    return purged


def apply_job(job: ImportJob, skip_invalid: bool, today: dt.date, mail: MailSettings, host: Host) -> ImportJob:
    """Apply a checked job's file in the background (with `skip_invalid`, its valid rows even when others are
    refused); Refused when it is already being applied, or has been, or when rows are refused and not
    `skip_invalid`."""
    refused = (job.counts or {}).get("refused", 0)
    if refused and not skip_invalid and job.status in APPLICABLE and job.purged_at is None:
        raise Refused(f"Nothing was applied: {refused:,} row{' is' if refused == 1 else 's are'} refused. Tick "
                      f"“{SKIP_INVALID}” to apply the valid rows, or fix the file and upload it again.", "skip_invalid")
    started = ImportJob.objects(pk=job.pk, status__in=APPLICABLE, purged_at=None).update_one(
        set__status="applying", set__stage="waiting", set__done=0, set__skip_invalid=skip_invalid,
        set__updated_at=utcnow())
    if not started:
        raise Refused("This file is already being applied, or has been, or was purged: upload it again.")
    _in_background(job, True, today, mail, host)
    return job


def _in_background(job: ImportJob, apply: bool, today: dt.date, mail: MailSettings, host: Host,
                   retention_days: int | None = None) -> None:
    """Check or apply the import as a background job (`run_import`), run by this process or a worker, which
    sends its notices with the mail settings of the process running it, not `mail`."""
    background = start(IMPORT, {"import_job": str(job.pk), "apply": apply, "today": today.isoformat(),
                                "purge_after_days": retention_days}, job.created_by_email, host)
    ImportJob.objects(pk=job.pk).update_one(set__job=background.pk)
    job.job = background.pk


def run_import(job: Job, running: Running) -> dict:
    """The job `IMPORT`: check or apply its import (a check first purges the files of old imports), unless the
    import is no longer waiting for it (it finished before the process running it stopped)."""
    import_id, apply = ObjectId(job.parameters["import_job"]), job.parameters["apply"]
    days = job.parameters.get("purge_after_days")
    if days is not None:
        try:
            purge_old_files(days)
        except Exception:   # background work: a failed purge is logged and the check goes on
            log.exception("purging import files older than %s days failed", days)
    if not ImportJob.objects(pk=import_id, status="applying" if apply else "checking").update_one(
            set__stage="reading", set__done=0, set__total=0, set__updated_at=utcnow()):
        return {"status": "finished before"}
    run_job(import_id, apply, dt.date.fromisoformat(job.parameters["today"]), running.settings.mail,
            interrupt=running.check)
    return {"status": ImportJob.objects(pk=import_id).scalar("status").get()}


def import_stopped(job: Job, reason: str) -> None:
    """An import's job was marked failed: its page says why, and what to do."""
    ImportJob.objects(pk=job.parameters["import_job"], status__in=("checking", "applying")).update_one(
        set__status="failed", set__message=f"{reason} {STOPPED}", set__updated_at=utcnow())


def run_job(job_id, apply: bool, today: dt.date, mail: MailSettings,
            interrupt: Callable[[], None] | None = None) -> None:
    """Check (a dry run) or apply a job's file, keeping its progress and outcome on the job; `interrupt()`, at
    each progress note, raises when the work must stop."""
    job = ImportJob.objects.get(pk=job_id)
    notes = Notes()

    def progress(stage: str, done: int, total: int) -> None:
        if interrupt is not None:
            interrupt()
        if notes.due(done, total):
            ImportJob.objects(pk=job.pk).update_one(set__stage=stage, set__done=done, set__total=total,
                                                    set__updated_at=utcnow())

    try:
        header, numbers, rows = read_csv(decode_text(job.upload.read()))
        result = IMPORTERS[job.kind](rows, job.actor, "import", today, dry_run=not apply,
                                     skip_invalid=job.skip_invalid, progress=progress,
                                     **({"numbers": numbers} if job.kind in NUMBERED else {}),
                                     **({"mail": mail} if job.kind in MAILING else {}),
                                     **({"detail_known": uploader_knows(job)} if job.kind in DETAILED else {}))
    except Interrupted:
        raise
    except (StaleEditError, NotAFeedFile) as error:
        return _finish(job, "failed", message=str(error))
    except Exception:   # a background thread: whatever went wrong is logged and shown on the job, not lost
        log.exception("import job %s failed", job.pk)
        return _finish(job, "failed", message=FAILED)
    status = "checked" if not apply else "applied" if result.applied else "not_applied"
    refused = [(numbers[outcome.index], rows[outcome.index], outcome.errors) for outcome in result.refused]
    if job.report:
        job.report.delete()
    if refused:
        job.report.put(refusal_report(header, refused, REPORTED[job.kind]).encode(), content_type="text/csv",
                       filename="refused-" + job.filename)
    _finish(job, status, counts=result.counts, rows=_shown_rows(result, numbers, rows),
            detail_not_compared=getattr(result, "detail_not_compared", 0),
            login_counts=getattr(result, "login_counts", {}),
            logins=shown_changes(getattr(result, "logins", []), SHOWN_LOGINS))


def _finish(job: ImportJob, status: str, **values) -> None:
    job.status, job.updated_at = status, utcnow()
    for name, value in values.items():
        setattr(job, name, value)
    job.save()


def _shown_rows(result: FeedResult, numbers: list[int], rows: list[dict]) -> list[dict]:
    """Every refused row, then the rows with a warning, then the first others, up to SHOWN_ROWS, in file order."""
    refused = result.refused[:SHOWN_ROWS]
    others = sorted((outcome for outcome in result.outcomes if outcome.action != "refused"),
                    key=lambda outcome: not getattr(outcome, "warnings", None))[:SHOWN_ROWS - len(refused)]
    return [{"row": numbers[outcome.index], "key": outcome.key, "action": outcome.action,
             "assignment_number": text(rows[outcome.index].get("assignment_number")),
             "name": person_named(outcome, rows[outcome.index]), "errors": outcome.errors,
             "warnings": list(getattr(outcome, "warnings", {}).values()),
             "detail": list(getattr(outcome, "detail", ()))}
            for outcome in sorted(refused + others, key=lambda outcome: outcome.index)]


def person_named(outcome, row: dict) -> str:
    """The first and last name of the employee a row is about, from what planning already read (the stored
    employee an absence or a migrated case names), else from the row itself (a staff file's names); empty when
    the row names nobody known. No read of its own: a report of 1,000 rows makes no more queries."""
    known = getattr(getattr(outcome, "staff", None) or getattr(outcome, "person", None), "name", "")
    if known:
        return known
    return " ".join(part for part in (text(row.get("first_name")), text(row.get("last_name"))) if part)
