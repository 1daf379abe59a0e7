"""An import started from the upload page: its file, how far checking or applying it has got, and what it found.

The work runs in the background as a job kept in the database (see services/imports/jobs.py and
services/jobs.py); the page reads progress from this document, so any app process can show it.
"""
from __future__ import annotations

import datetime as dt

import mongoengine as me

from documents.base import utcnow

STATUSES = ("checking", "checked", "applying", "applied", "not_applied", "failed")
KINDS = ("absences", "employees", "inflight")
FINISHED = ("checked", "applied", "not_applied", "failed")
STALLED_AFTER = dt.timedelta(minutes=5)


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
    # Rows of stored absences compared without their reason detail: the uploader may not know it.
    detail_not_compared = me.IntField(default=0)
    rows = me.ListField(me.DictField())
    # An employee import's changes to manager logins: how many of each kind, and the first of each
    # ({kind, email, assignment_number, name, why}).
    login_counts = me.DictField()
    logins = me.ListField(me.DictField())
    message = me.StringField()
    upload = me.FileField(collection_name="import_files")
    report = me.FileField(collection_name="import_files")
    # When the file, its refused-rows report and its rows were deleted, and after how many days: the job's
    # summary (who, when, the counts) stays.
    purged_at = me.DateTimeField()
    purged_after_days = me.IntField()
    # The background job checking or applying it (documents/job.py): it is run again, or this import marked
    # failed with the reason, should the process running it stop.
    job = me.ObjectIdField()

    meta = {"collection": "import_jobs", "queryset_class": ImportJobQuerySet,
            "indexes": [("created_by", "-created_at"), ("purged_at", "created_at")]}

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def stalled(self) -> bool:
        """Still marked as running long after its last progress, without a background job that would see to it
        (an import started before imports were jobs): the process running it has gone."""
        return not self.finished and self.job is None and utcnow() - self.updated_at > STALLED_AFTER

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.done / self.total) if self.total else 0

    @property
    def actor(self) -> str:
        """How this import appears in audit trails."""
        return f"import:{self.filename} by {self.created_by_email}"


class DivisionMove(me.EmbeddedDocument):
    """An employee a hierarchy import moves from one division to another: their absences' tasks waiting in the
    old division's HR queue go to the new one's."""

    employee = me.ObjectIdField(required=True)
    old = me.StringField(required=True)
    new = me.StringField(required=True)


class UnfinishedImport(me.Document):
    """An import's last steps not yet done: the employees it must see to once its rows are written (re-evaluate
    their absences, give their tasks to a new supervisor, move their absences' tasks to their new division's HR
    queue). Saved before the first write and deleted after the last step, so one left behind is the work of an
    import that was killed, which the next of its kind does."""

    kind = me.StringField(required=True, choices=KINDS)
    employees = me.ListField(me.ObjectIdField())
    division_moves = me.EmbeddedDocumentListField(DivisionMove)
    started_at = me.DateTimeField(required=True, default=utcnow)

    meta = {"collection": "unfinished_imports", "indexes": ["kind"]}
