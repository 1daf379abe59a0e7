"""An import started from the upload page: its file, how far checking or applying it has got, and what it found.

The work runs in the background (see blueprints/imports); the page reads progress from this document,
so any app process can show it.
"""
from __future__ import annotations

import datetime as dt
import logging
import time

import mongoengine as me

from casework.feed_files import decode_text, read_csv, refusal_report, text
from documents.absence_feed import FeedResult, import_absences
from documents.base import StaleEditError, utcnow

STATUSES = ("checking", "checked", "applying", "applied", "not_applied", "failed")
KINDS = ("absences", "employees", "inflight")
# What checks or applies each kind of file: function(rows, actor, source, today, dry_run=, skip_invalid=, progress=)
# returning a result with `applied`, `counts`, `outcomes` and `refused` (each outcome with `index`, `action`,
# `errors` and `key`, the row's own identifier). Other kinds register theirs with `register_importer`.
IMPORTERS = {"absences": import_absences}
NUMBERED: set[str] = set()   # kinds whose importer also takes numbers=, each row's number in the file


def register_importer(kind: str, importer, numbered: bool = False) -> None:
    """Let the upload page check and apply files of `kind` with `importer` (given the rows' numbers if `numbered`)."""
    IMPORTERS[kind] = importer
    if numbered:
        NUMBERED.add(kind)
FINISHED = ("checked", "applied", "not_applied", "failed")
SHOWN_ROWS = 1000
STALLED_AFTER = dt.timedelta(minutes=5)
FAILED = ("Sorry, something went wrong and nothing more was done. Upload the file again; "
          "if it keeps happening, tell support.")
log = logging.getLogger(__name__)


class ImportJobQuerySet(me.QuerySet):
    """Queries on import jobs."""

    def visible_to(self, user):
        """Admins see every job; anyone else only the jobs they started."""
        return self if user.has_role("admin") else self.filter(created_by=user.pk)


class ImportJob(me.Document):
    """One uploaded file: checked first (a dry run), then applied when its uploader asks."""

    kind = me.StringField(required=True, choices=KINDS)
    filename = me.StringField(required=True, max_length=200)
    created_by = me.ObjectIdField(required=True)
    created_by_email = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=utcnow)
    updated_at = me.DateTimeField(required=True, default=utcnow)
    status = me.StringField(required=True, choices=STATUSES, default="checking")
    stage = me.StringField(default="reading")
    done = me.IntField(default=0)
    total = me.IntField(default=0)
    skip_invalid = me.BooleanField(default=False)
    counts = me.DictField()
    rows = me.ListField(me.DictField())
    message = me.StringField()
    upload = me.FileField(collection_name="import_files")
    report = me.FileField(collection_name="import_files")

    meta = {"collection": "import_jobs", "queryset_class": ImportJobQuerySet,
            "indexes": [("created_by", "-created_at")]}

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def stalled(self) -> bool:
        """Still marked as running long after its last progress: the process running it has gone."""
        return not self.finished and utcnow() - self.updated_at > STALLED_AFTER

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.done / self.total) if self.total else 0

    @property
    def actor(self) -> str:
        """How this import appears in audit trails."""
        return f"import:{self.filename} by {self.created_by_email}"


def run_job(job_id, apply: bool, today: dt.date) -> None:
    """Check (a dry run) or apply a job's file, keeping its progress and outcome on the job."""
    job = ImportJob.objects.get(pk=job_id)
    last_note = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last_note
        if done == total or time.monotonic() - last_note > 0.5:
            last_note = time.monotonic()
            ImportJob.objects(pk=job.pk).update_one(set__stage=stage, set__done=done, set__total=total,
                                                    set__updated_at=utcnow())

    try:
        header, numbers, rows = read_csv(decode_text(job.upload.read()))
        result = IMPORTERS[job.kind](rows, job.actor, "import", today, dry_run=not apply,
                                     skip_invalid=job.skip_invalid, progress=progress,
                                     **({"numbers": numbers} if job.kind in NUMBERED else {}))
    except StaleEditError as error:
        return _finish(job, "failed", message=str(error))
    except Exception:
        log.exception("import job %s failed", job.pk)
        return _finish(job, "failed", message=FAILED)
    status = "checked" if not apply else "applied" if result.applied else "not_applied"
    refused = [(numbers[outcome.index], rows[outcome.index], outcome.errors) for outcome in result.refused]
    if job.report:
        job.report.delete()
    if refused:
        job.report.put(refusal_report(header, refused).encode(), content_type="text/csv",
                       filename="refused-" + job.filename)
    _finish(job, status, counts=result.counts, rows=_shown_rows(result, numbers, rows))


def _finish(job: ImportJob, status: str, **values) -> None:
    job.status, job.updated_at = status, utcnow()
    for name, value in values.items():
        setattr(job, name, value)
    job.save()


def _shown_rows(result: FeedResult, numbers: list[int], rows: list[dict]) -> list[dict]:
    """Every refused row and the first others, up to SHOWN_ROWS, in file order."""
    refused = result.refused[:SHOWN_ROWS]
    others = [outcome for outcome in result.outcomes if outcome.action != "refused"][:SHOWN_ROWS - len(refused)]
    return [{"row": numbers[outcome.index], "key": outcome.key, "action": outcome.action,
             "assignment_number": text(rows[outcome.index].get("assignment_number")), "errors": outcome.errors,
             "detail": list(getattr(outcome, "detail", ()))}
            for outcome in sorted(refused + others, key=lambda outcome: outcome.index)]
