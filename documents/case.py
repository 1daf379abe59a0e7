"""A case: one employee's short-term (STS) or long-term (LTS) sickness case, held whole.

Stages, associated absences, meetings, outcomes, letters, tasks, notes, flags
and the audit trail are embedded, so a case page is one read and a change is
one atomic write.
"""
from __future__ import annotations

import datetime as dt
import uuid

import mongoengine as me

from casework.workflow import MILESTONE_TASKS, OWED_WHATEVER_THE_CASE, due_on
from documents.base import AuditEntry, Versioned, utcnow
from documents.case_days import list_days
from documents.open_task import KeepsOpenTasks, OpenTasksQuerySet
from documents.scope import ScopedQuerySet

KINDS = ("STS", "LTS")
STATUSES = ("open", "monitoring", "closed")
TASK_STATUSES = ("open", "done", "cancelled")
WARNING_LEVELS = ("first", "final")
MEETING_KINDS = ("absence_support", "formal_review", "welfare", "case_conference", "hearing", "rtw")
PARTICIPANT_ROLES = ("manager", "hr", "oh", "senior_manager", "health_safety", "access_to_work", "other")
COMPANION_KINDS = ("colleague", "union_rep", "relative")
FLAG_WORDS = {"wrong_stage": "wrong stage", "not_my_report": "not my report"}   # a flag's kind in the users' words
FLAG_KINDS = tuple(FLAG_WORDS)
NOTE_KINDS = ("note", "request", "decision", "snooze")
APPEAL_OUTCOMES = ("upheld", "partly_upheld", "dismissed")


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class AbsenceSnapshot(me.EmbeddedDocument):
    """An absence as it stood when it was associated with a stage."""

    absence_id = me.ObjectIdField(required=True)
    external_id = me.StringField()
    first_day = me.DateField(required=True)
    last_day = me.DateField()
    reason_category = me.StringField(required=True)
    calendar_days = me.IntField(min_value=0)
    working_days = me.IntField(min_value=0)
    fte_days = me.FloatField(min_value=0)


class Participant(me.EmbeddedDocument):
    name = me.StringField(required=True, max_length=200)
    role = me.StringField(required=True, choices=PARTICIPANT_ROLES)
    email = me.StringField(max_length=200)


class Meeting(me.EmbeddedDocument):
    """A meeting of the stage: when, where, who, and its notes. A cancelled one is kept, with why."""

    id = me.StringField(required=True, default=new_id)
    kind = me.StringField(required=True, choices=MEETING_KINDS)
    on = me.DateField(required=True)
    at_time = me.StringField(regex=r"^\d{2}:\d{2}$")
    place = me.StringField(max_length=300)
    participants = me.EmbeddedDocumentListField(Participant)
    employee_attends = me.BooleanField(default=True)
    companion_name = me.StringField(max_length=200)
    companion_kind = me.StringField(choices=COMPANION_KINDS)
    proposed_on = me.DateField()
    notes = me.DictField()
    held = me.BooleanField(default=False)
    minutes = me.IntField(min_value=5, max_value=600, default=60)
    by_call = me.BooleanField(default=False)
    arranged_by = me.StringField()
    arranged_on = me.DateField()
    original_on = me.DateField()
    sequence = me.IntField(min_value=0, default=0)
    held_on = me.DateField()
    notes_by = me.StringField()
    notes_at = me.DateTimeField()
    cancelled = me.BooleanField(default=False)
    cancelled_on = me.DateField()
    cancelled_by = me.StringField()
    cancel_reason = me.StringField(max_length=1000)


class LetterVersion(me.EmbeddedDocument):
    file_id = me.ObjectIdField(required=True)
    filename = me.StringField(required=True)
    size = me.IntField(min_value=0)
    source = me.StringField(choices=("generated", "uploaded"), required=True)
    by = me.StringField(required=True)
    at = me.DateTimeField(required=True, default=utcnow)


class LetterRecord(me.EmbeddedDocument):
    """A letter of the stage with every version of its file (kept in GridFS)."""

    id = me.StringField(required=True, default=new_id)
    template = me.StringField(required=True)
    versions = me.EmbeddedDocumentListField(LetterVersion)
    sent_on = me.DateField()
    sent_how = me.StringField(max_length=100)


class Outcome(me.EmbeddedDocument):
    """What the stage decided, with the dates the policy computed."""

    kind = me.StringField(required=True, max_length=60)
    decided_on = me.DateField(required=True)
    decided_by = me.StringField(required=True)
    summary = me.StringField(max_length=5000)
    review_date = me.DateField()
    target = me.StringField(max_length=500)
    target_occasions = me.IntField(min_value=0, max_value=99)   # the target in figures: no more than these
    target_days = me.IntField(min_value=0, max_value=99)        # occasions, working days in the review period
    warning_level = me.StringField(choices=WARNING_LEVELS)
    warning_expires_on = me.DateField()
    appeal_deadline = me.DateField()
    next_stage = me.StringField()
    letter = me.StringField(max_length=20)
    letter_dated = me.DateField()
    appeal_route = me.StringField(max_length=300)
    # A dismissal's terms, for letter C7: when employment ends, the notice (or pay in lieu) and who dismissed.
    termination_date = me.DateField()
    notice_weeks = me.IntField(min_value=0, max_value=52)
    pay_in_lieu = me.BooleanField()
    dismissed_by_name = me.StringField(max_length=200)
    dismissed_by_title = me.StringField(max_length=200)


class Appeal(me.EmbeddedDocument):
    """An appeal against the stage's outcome (`against`, decided on `against_decided_on`): when it was received
    (and why a late one was heard), who heard it at which meeting, what they decided and why. It keeps the warning
    as it stood before the decision, and what the decision did to it and to the case."""

    against = me.StringField(required=True, max_length=60)
    against_decided_on = me.DateField(required=True)
    received_on = me.DateField(required=True)
    late_reason = me.StringField(max_length=2000)
    heard_by_name = me.StringField(required=True, max_length=200)
    heard_by_title = me.StringField(required=True, max_length=200)
    meeting_on = me.DateField(required=True)
    meeting_place = me.StringField(max_length=300)
    decided_on = me.DateField(required=True)
    outcome = me.StringField(required=True, choices=APPEAL_OUTCOMES)
    reasons = me.StringField(required=True, max_length=5000)
    what_changed = me.StringField(max_length=2000)
    warning_level = me.StringField(choices=WARNING_LEVELS)
    warning_expires_on = me.DateField()
    warning_withdrawn = me.BooleanField(default=False)
    new_warning_expires_on = me.DateField()
    reopened = me.BooleanField(default=False)
    recorded_by = me.StringField(required=True)
    recorded_at = me.DateTimeField(required=True, default=utcnow)


class Stage(me.EmbeddedDocument):
    """One step of the policy's ladder that the case has entered."""

    key = me.StringField(required=True)
    entered_on = me.DateField(required=True)
    left_on = me.DateField()
    trigger_figures = me.DictField()
    trigger_explanation = me.StringField()
    associated = me.EmbeddedDocumentListField(AbsenceSnapshot)
    associated_on = me.DateTimeField()
    associated_by = me.StringField()
    meetings = me.EmbeddedDocumentListField(Meeting)
    outcome = me.EmbeddedDocumentField(Outcome)
    earlier_outcomes = me.EmbeddedDocumentListField(Outcome)   # outcomes recorded again are kept here, oldest first
    review_date = me.DateField()
    warning_level = me.StringField(choices=WARNING_LEVELS)
    warning_expires_on = me.DateField()
    appeal_deadline = me.DateField()
    appeals = me.EmbeddedDocumentListField(Appeal)
    letters = me.EmbeddedDocumentListField(LetterRecord)

    @property
    def absences_associated(self) -> bool:
        return self.associated_on is not None

    @property
    def appealable_outcome(self) -> Outcome | None:
        """The stage's latest outcome that carried a right of appeal: its present one, or (after "attendance improved"
        kept its warning live) the warning it kept."""
        for outcome in [self.outcome, *reversed(self.earlier_outcomes)]:
            if outcome is not None and outcome.appeal_deadline:
                return outcome
            if outcome is not None and outcome.kind != "improved":
                return None
        return None

    @property
    def outcome_appeal(self) -> Appeal | None:
        """The appeal recorded against the stage's appealable outcome, or None (an outcome recorded again, after a
        reinstatement, may be appealed in its turn)."""
        outcome = self.appealable_outcome
        return next((appeal for appeal in self.appeals if outcome is not None and appeal.against == outcome.kind
                     and appeal.against_decided_on == outcome.decided_on), None)

    def decide(self, outcome: Outcome) -> None:
        """Record `outcome` as the stage's (unsaved); one recorded before is kept among the earlier outcomes."""
        if self.outcome is not None:
            self.earlier_outcomes.append(self.outcome)
        self.outcome = outcome

    def hear_appeal(self, appeal: Appeal, withdraw_warning: bool = False,
                    warning_until: dt.date | None = None) -> None:
        """Keep `appeal` on the stage with the warning as it stood (unsaved); with `withdraw_warning` the warning
        stops being live (the outcome stays as decided, for the history), with `warning_until` it ends that day."""
        appeal.warning_level, appeal.warning_expires_on = self.warning_level, self.warning_expires_on
        if withdraw_warning:
            self.warning_level = self.warning_expires_on = None
            appeal.warning_withdrawn = True
        elif warning_until is not None:
            self.warning_expires_on = appeal.new_warning_expires_on = warning_until
        self.appeals.append(appeal)


class Task(me.EmbeddedDocument):
    """Something a person must do for the case, by a date."""

    id = me.StringField(required=True, default=new_id)
    kind = me.StringField(required=True, max_length=60)
    title = me.StringField(required=True, max_length=300)
    stage_key = me.StringField()
    assignee = me.StringField(required=True)
    due_on = me.DateField(required=True)
    status = me.StringField(choices=TASK_STATUSES, default="open")
    created_at = me.DateTimeField(default=utcnow)
    completed_at = me.DateTimeField()
    completed_by = me.StringField()
    snoozed_until = me.DateField()
    event_on = me.DateField()  # what a milestone task is ahead of: the day pay changes, or 28 weeks off; the day a
    # referral to occupational health was found due
    detail = me.StringField(max_length=2000)   # what the task is about, shown on the case page (not in e-mails)
    advice = me.StringField(max_length=5000)   # HR's advice, for a task that asks for it

    @property
    def milestone_on(self) -> dt.date | None:
        """The day of the milestone a task is ahead of; tasks stored before `event_on` was kept fall back to
        their due date plus the days the task is set ahead."""
        if self.event_on or self.kind not in MILESTONE_TASKS:
            return self.event_on
        return self.due_on + dt.timedelta(days=MILESTONE_TASKS[self.kind][1])

    def reassign(self, to: str) -> dict:
        """Give the task to `to`; returns the audit entry's detail: whose it was and whose it is."""
        before, self.assignee = self.assignee, to
        return {"before": {"task": self.title, "assignee": before}, "after": {"task": self.title, "assignee": to}}

    def finish(self, by: str) -> None:
        """Mark the task done by `by`, now."""
        self._end("done", by)

    def cancel(self, by: str) -> None:
        """Cancel the task, now: what it asked for is no longer needed (`by` made it so)."""
        self._end("cancelled", by)

    def reopen(self) -> None:
        """Open the cancelled task again: what it asks for is wanted after all (a flag's task cancelled when its
        case closed, while the flag still waits for HR)."""
        self.status, self.completed_at, self.completed_by = "open", None, None

    def _end(self, status: str, by: str) -> None:
        self.status, self.completed_at, self.completed_by = status, utcnow(), by


class Note(me.EmbeddedDocument):
    """A note on the case. A note never changes a stage."""

    id = me.StringField(required=True, default=new_id)
    author = me.StringField(required=True)
    at = me.DateTimeField(required=True, default=utcnow)
    text = me.StringField(required=True, max_length=10000)
    agreed_by_hr = me.StringField(max_length=200)
    snooze_until = me.DateField()
    kind = me.StringField(choices=NOTE_KINDS, default="note")


class Flag(me.EmbeddedDocument):
    """A manager's "wrong stage" or "not my report", waiting in an HR or hierarchy queue."""

    id = me.StringField(required=True, default=new_id)
    kind = me.StringField(required=True, choices=FLAG_KINDS)
    raised_by = me.StringField(required=True)
    at = me.DateTimeField(required=True, default=utcnow)
    comment = me.StringField(max_length=2000)
    status = me.StringField(choices=("open", "resolved"), default="open")
    resolved_by = me.StringField()
    resolved_at = me.DateTimeField()
    resolution = me.StringField(max_length=2000)
    stage_key = me.StringField()

    def resolve(self, by: str, resolution: str) -> None:
        """`by` says, now, what was done about the flag."""
        self.status, self.resolved_by, self.resolved_at, self.resolution = "resolved", by, utcnow(), resolution


class Migration(me.EmbeddedDocument):
    """Where a case imported from the previous system came from, and whether its manager confirmed it."""

    source = me.StringField(default="inflight.csv")
    source_row = me.DictField(required=True)
    row_number = me.IntField()
    imported_at = me.DateTimeField(default=utcnow)
    imported_by = me.StringField()
    warnings = me.ListField(me.StringField())   # what the import said to check about the row (it did not refuse it)
    confirmed_at = me.DateTimeField()
    confirmed_by = me.StringField()
    corrected_at = me.DateTimeField()   # when HR last corrected the migrated stage on the data-fix page, and who
    corrected_by = me.StringField()


class CaseQuerySet(OpenTasksQuerySet, ScopedQuerySet):
    """Cases: narrowed to what a user may see, with writes that keep the open-task rows."""


class Case(KeepsOpenTasks, Versioned, me.Document):
    """One STS or LTS case of one employee.

    Its changes of state are its own methods (`close`, `enter_stage`, `reinstate`, `pause`, `resume`; on its parts
    `Task.finish`, `Task.cancel`, `Task.reassign`, `Flag.resolve`, `Stage.hear_appeal`); a service makes them inside
    `change()`, which writes the one audit entry of the user's action and saves with the version check.
    """

    employee = me.ObjectIdField(required=True)
    assignment_number = me.StringField(required=True)
    division = me.StringField(required=True)
    manager_path = me.ListField(me.StringField())
    kind = me.StringField(required=True, choices=KINDS)
    status = me.StringField(required=True, choices=STATUSES, default="open")
    paused = me.BooleanField(default=False)
    paused_on = me.DateField()
    policy_key = me.StringField(required=True)
    policy_revision = me.IntField(required=True)
    stage = me.StringField(required=True)
    opened_on = me.DateField(required=True)
    closed_on = me.DateField()
    closed_reason = me.StringField()
    stages = me.EmbeddedDocumentListField(Stage)
    tasks = me.EmbeddedDocumentListField(Task)
    notes = me.EmbeddedDocumentListField(Note)
    flags = me.EmbeddedDocumentListField(Flag)
    migrated = me.EmbeddedDocumentField(Migration)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)
    # Kept from the tasks and stages for the case list's filters (documents/case_days.py): never set by hand.
    next_due_on = me.DateField()
    warning_until = me.DateField()
    review_ends_on = me.DateField()

    meta = {
        "collection": "cases",
        "queryset_class": CaseQuerySet,
        "indexes": [
            ("employee", "status"),
            ("assignment_number", "status"),
            ("division", "status", "kind"),
            "manager_path",
            ("tasks.assignee", "tasks.status"),
            ("tasks.status", "tasks.due_on"),  # overdue tasks on the dashboard
            ("flags.status", "division"),
            ("division", "next_due_on"),       # HR's case list: an overdue task (documents/case_days.py)
            ("division", "warning_until"),     # a live warning
            ("division", "review_ends_on"),    # a review period ending soon
        ],
    }

    def clean(self):
        if self.status == "closed" and not self.closed_on:
            raise me.ValidationError("A closed case has a closing date.",
                                     errors={"closed_on": "Give the date the case closed."})
        if self.stages and self.stage != self.stages[-1].key:
            raise me.ValidationError("The current stage is the last stage entered.",
                                     errors={"stage": "The current stage must be the last stage entered."})

    def save(self, *args, **kwargs):
        self.note_list_days()
        return super().save(*args, **kwargs)

    def note_list_days(self) -> None:
        """Set the days the case list filters on from the tasks and stages as they are now (unsaved; `save` does
        it, and so must an insert round the documents)."""
        for name, day in list_days(self.tasks, self.stages).items():
            if getattr(self, name) != day:
                setattr(self, name, day)

    @property
    def current_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def open_tasks(self) -> list[Task]:
        return [task for task in self.tasks if task.status == "open"]

    def listed_tasks(self) -> list[Task]:
        """The open tasks the task lists show: all of them, or while the case is paused only those owed whatever
        the case (the kept rows, documents/open_task.py, hold the same)."""
        if not self.paused:
            return self.open_tasks()
        return [task for task in self.open_tasks() if task.kind in OWED_WHATEVER_THE_CASE]

    def waiting_tasks(self) -> list[Task]:
        """The open tasks that wait while the case is paused: all but those owed whatever the case."""
        return [task for task in self.open_tasks() if task.kind not in OWED_WHATEVER_THE_CASE]

    def audit_summary(self) -> dict:
        """The case's state for an audit entry's before and after."""
        return {"stage": self.stage, "status": self.status, "paused": self.paused,
                "open_tasks": len(self.open_tasks())}

    def close(self, on: dt.date, by: str, why: str, *, every_task: bool = True) -> None:
        """Close the case on `on` (unsaved): its stage ends, its open tasks are cancelled (with `every_task`
        False, only the stage's own) but for HR's tasks of flags still waiting, which stay open until HR resolves
        the flag (`OWED_WHATEVER_THE_CASE`), and the reason is kept in words."""
        self._leave_stage(on, by, every_task)
        self.status, self.closed_on, self.closed_reason = "closed", on, why

    def enter_stage(self, key: str, on: dt.date, by: str, why: str, figures: dict | None = None, *,
                    reopen: bool = True) -> None:
        """Move the case on to stage `key` on `on` (unsaved): the current stage ends and its open tasks are
        cancelled; `why` and the trigger's `figures` are kept on the new stage. With `reopen` the case is open
        again at it; otherwise its status stays as it was. The caller adds the new stage's tasks."""
        self._leave_stage(on, by)
        self.stages.append(Stage(key=key, entered_on=on, trigger_explanation=why, trigger_figures=figures or {}))
        self.stage = key
        if reopen:
            self.status = "open"

    def _leave_stage(self, on: dt.date, by: str, every_task: bool = False) -> None:
        """The current stage ends on `on`; its open tasks (or, with `every_task`, all of them but those owed
        whatever the case) are cancelled."""
        if self.current_stage is not None:
            self.current_stage.left_on = on
        for task in self.open_tasks():
            if task.stage_key == self.stage or (every_task and task.kind not in OWED_WHATEVER_THE_CASE):
                task.cancel(by)

    def warned_stage(self) -> Stage | None:
        """The latest stage that gave a warning still on record (an appeal's withdrawal takes it off), or None."""
        return next((stage for stage in reversed(self.stages) if stage.warning_expires_on), None)

    def reopen_on_monitoring(self) -> None:
        """Reopen the closed case on continued monitoring at its stage (unsaved): a trigger was reached while
        its warning is live, and a review meeting is due."""
        self.status, self.closed_on, self.closed_reason = "monitoring", None, None

    def reinstate(self) -> None:
        """Open the case again at the stage where it closed (unsaved): an appeal withdrew the outcome that closed
        it. The stage and its outcome stay in the history; its cancelled tasks stay cancelled."""
        self.status, self.closed_on, self.closed_reason = "open", None, None
        if self.current_stage is not None:
            self.current_stage.left_on = None

    def keep_on_monitoring(self) -> None:
        """Keep the case on continued monitoring at its current stage (unsaved): HR's decision not to move on."""
        self.status = "monitoring"

    def correct_stage(self, key: str, by: str, planned_kinds: set[str]) -> None:
        """Correct the current stage to `key` (unsaved; a data fix, not a move up the ladder): the stage's open
        tasks of `planned_kinds` (the ones its policy stage planned) are cancelled, the stage keeps its dates and
        associated absences, and the caller adds the corrected stage's tasks."""
        stage = self.stages[-1]      # a case being corrected is at a stage
        for task in self.open_tasks():
            if task.stage_key == stage.key and task.kind in planned_kinds:
                task.cancel(by)
        stage.key = self.stage = key

    def follow_employee(self, division: str, manager_path: list[str], queues: tuple[str, str]) -> dict:
        """Take the employee's current division and chain of supervisors, which decide who may see the case
        (unsaved); its open tasks waiting in the old division's HR queue move to the new one (`queues`: the old
        queue and the new). Returns the audit entry's detail."""
        before = {"division": self.division, "manager_path": list(self.manager_path or [])}
        self.division, self.manager_path = division, list(manager_path)
        after = {"division": division, "manager_path": list(manager_path)}
        old_queue, new_queue = queues
        waiting = [task for task in self.open_tasks() if task.assignee == old_queue != new_queue]
        for task in waiting:
            task.reassign(new_queue)
        if waiting:
            before["queue"], after["queue"] = old_queue, new_queue
        return {"before": before, "after": after}

    def pause(self, on: dt.date) -> None:
        """Pause the case from `on` (unsaved): short-term work waits while the employee is off long-term (its
        `waiting_tasks`: not HR's tasks of flags, which stay in the HR queue)."""
        self.paused, self.paused_on = True, on

    def resume(self, on: dt.date, region: str) -> None:
        """Resume the paused case on `on` (unsaved): the due dates of its open tasks that waited (not those owed
        whatever the case, listed all along) move on by the time it was paused, to a working day of `region`."""
        if self.paused_on is not None and on > self.paused_on:
            for task in self.waiting_tasks():
                task.due_on = due_on(task.due_on + (on - self.paused_on), 0, region)
        self.paused, self.paused_on = False, None
