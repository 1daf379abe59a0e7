"""A sickness absence, as recorded by a manager or fed from the absence system."""
from __future__ import annotations

import datetime as dt

import mongoengine as me

from casework.reasons import REASON_CATEGORIES
from documents.base import AuditEntry, Versioned, midnight, utcnow
from documents.case import LetterRecord, Task
from documents.open_task import KeepsOpenTasks, OpenTasksQuerySet

CONTACT_METHODS = ("phone", "video", "visit", "email", "letter", "text")



def not_ended_before(day: dt.date) -> dict:
    """The raw condition "its last day is not before `day`" (no last day, or on or after it). Written as
    `$not: {$lt}` rather than an `$or` over a missing last day: the embedded database answers an `$or` by reading
    every absence (6 s at trust scale), this one from the employee index (milliseconds)."""
    return {"last_day": {"$not": {"$lt": midnight(day)}}}

class Contact(me.EmbeddedDocument):
    """A keeping-in-touch contact during the absence."""

    on = me.DateField(required=True)
    method = me.StringField(choices=CONTACT_METHODS, required=True)
    by = me.StringField(required=True)
    note = me.StringField(max_length=2000)


class FitNote(me.EmbeddedDocument):
    """A fit note (medical certificate) covering part of the absence."""

    from_day = me.DateField(required=True)
    to_day = me.DateField(required=True)
    may_be_fit = me.BooleanField(default=False)
    detail = me.StringField(max_length=2000)


class ReturnToWork(me.EmbeddedDocument):
    """The return-to-work interview (form B1 with the A2/A3 discussion points)."""

    held_on = me.DateField(required=True)
    held_by = me.StringField(required=True)
    day_number = me.IntField(min_value=1)
    declaration_confirmed = me.BooleanField(default=False)
    reason_discussed = me.StringField(max_length=5000)
    fit_for_work = me.StringField(choices=("fit", "fit_with_adjustments", "not_fit"))
    support = me.StringField(max_length=5000)
    adjustments = me.StringField(max_length=5000)
    phased_return = me.BooleanField(default=False)
    phased_return_plan = me.StringField(max_length=5000)
    oh_referral_needed = me.BooleanField(default=False)
    notes = me.StringField(max_length=5000)


class AbsenceQuerySet(OpenTasksQuerySet):
    """Absences, with the system's writes to their tasks: made beside what people edit, with no version step,
    so nobody's edit is refused."""

    def finish_task(self, by: str, entry: AuditEntry | None = None, **task) -> int:
        """In each absence matched, mark done, now, the first open task with the fields `task` (`kind=…`,
        `id=…`), with `entry` added to its audit trail when given; returns how many absences changed. It is
        `Task.finish` done in the database, for many absences at once."""
        return self.filter(tasks__match={**task, "status": "open"}).update(
            set__tasks__S__status="done", set__tasks__S__completed_at=utcnow(), set__tasks__S__completed_by=by,
            **({"push__audit": entry} if entry is not None else {}))


class Absence(KeepsOpenTasks, Versioned, me.Document):
    """One sickness absence of one employee; `last_day` is empty while it goes on."""

    employee = me.ObjectIdField(required=True)
    assignment_number = me.StringField(required=True)
    first_day = me.DateField(required=True)
    last_day = me.DateField()
    expected_return = me.DateField()
    reason_category = me.StringField(required=True, choices=tuple(REASON_CATEGORIES))
    reason_detail = me.StringField(max_length=2000)
    # The ESR sickness reason code a feed gave (S10…S99), kept beside the category it was mapped to then.
    reason_code = me.StringField(max_length=3)
    work_related = me.BooleanField(default=False)
    third_party = me.BooleanField(default=False)
    pregnancy_related = me.BooleanField(default=False)
    disability_related = me.BooleanField(default=False)
    contacts = me.EmbeddedDocumentListField(Contact)
    fit_notes = me.EmbeddedDocumentListField(FitNote)
    rtw = me.EmbeddedDocumentField(ReturnToWork)
    oh_referral_on = me.DateField()
    accident_reported_on = me.DateField()
    accident_report_ref = me.StringField(max_length=100)
    damages_agreement_on = me.DateField()
    source = me.StringField(choices=("manual", "import", "api", "demo"), default="manual")
    external_id = me.StringField()
    working_days_lost = me.IntField(min_value=0)
    tasks = me.EmbeddedDocumentListField(Task)  # the system's: the return-to-work reminder, the OH referral
    letters = me.EmbeddedDocumentListField(LetterRecord)  # C9, C10, B4 and B1, with every version of each
    recorded_by = me.StringField()
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {
        "collection": "absences",
        "queryset_class": AbsenceQuerySet,
        # Issue 18: each index costs an insert about as much as the document itself on the embedded database
        # (2,000 absences: 1.0 s bare, about 1 s more for each index), so only the indexes a query uses are kept:
        # ("assignment_number", "first_day") and ("tasks.assignee", "tasks.status") served none (the task lists read
        # the open-task rows). A database made before keeps them until they are dropped.
        "indexes": [
            ("employee", "first_day"),
            {"fields": ["external_id"], "unique": True, "sparse": True},
            ("tasks.status", "tasks.due_on"),  # overdue tasks on the dashboard
            ("rtw.held_on", "last_day"),  # return-to-work interviews outstanding
        ],
    }

    def clean(self):
        if self.last_day and self.first_day and self.last_day < self.first_day:
            raise me.ValidationError("The last day is before the first day.",
                                     errors={"last_day": "The last day must be on or after the first day."})

    @property
    def ongoing(self) -> bool:
        return self.last_day is None

    @property
    def reason_label(self) -> str:
        return REASON_CATEGORIES.get(self.reason_category, self.reason_category)


class MedicalRead(me.Document):
    """One read of someone's medical detail: who, when, whose, which absence and what."""

    reader = me.StringField(required=True)
    at = me.DateTimeField(required=True)
    assignment_number = me.StringField(required=True)
    absence = me.ObjectIdField()
    what = me.StringField(required=True)
    where = me.StringField(required=True)

    meta = {"collection": "medical_reads", "indexes": [("assignment_number", "-at"), ("reader", "-at"), "-at"]}
