"""Working a case: who its tasks go to, creating a stage's tasks, completing and reassigning them.

The rules are in `casework.workflow`; this module loads, applies and saves.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as dt

from casework.absences import absence_length, long_date, rtw_due
from casework.calendar import WorkingPattern, rolling_window
from casework.checklists import HOLD_TASKS
from casework.ladders import Ladder
from casework.people import HR_QUEUE
from casework.pertinent import PERTINENT_ADVICE
from casework.policy import Policy
from casework.workflow import ASSOCIATE, RESOLVE_FLAG, completion_blocked, due_on, milestone_tasks, stage_tasks
from documents.absence import Absence, not_ended_before
from documents.base import AuditEntry, midnight, utcnow
from documents.case import AbsenceSnapshot, Case, Stage, Task
from documents.employee import Employee, fill_employee_search_words
from documents.held_writes import case_to_change, change_case, push_task
from documents.open_task import rebuild_open_tasks
from documents.policy import policy_rules
from documents.scope import may_see
from documents.staff_summary import rebuild_staff_summaries as rebuild_summaries
from documents.user import User
from services.errors import Refused
from services.reads.people import name_of

LETTER_TASKS = frozenset({"send_invite", "send_outcome_letter", "send_closing_letter"})
CONFIRM_MIGRATED = "confirm_migrated"
REVIEW_MEETING = "review_meeting"   # a review meeting due (the scan gives it); recording its outcome completes it


def hr_queue(division: str) -> str:
    """The assignee that stands for every HR advisor of `division`."""
    return f"{HR_QUEUE}{division}"


def assignee_for(role: str, employee: Employee) -> str:
    """Who a task for `role` goes to: a manager task to the login of the employee's supervisor (or, when
    the supervisor has no login, to the division's HR queue); an HR task to the division's HR queue."""
    if role == "manager" and employee.supervisor_assignment_number:
        boss = manager_login(employee.supervisor_assignment_number)
        if boss is not None:
            return boss
    return hr_queue(employee.division)


# Issue 18: a scan opening thousands of cases asked for the same supervisors' logins again and again (2,809
# reads at 5,000 staff, each filtering users by three fields). Within `assignees_cached()` each supervisor's
# login is read once.
_logins: contextvars.ContextVar[dict | None] = contextvars.ContextVar("manager_logins", default=None)


def manager_login(assignment_number: str) -> str | None:
    """The email of the active manager login of `assignment_number`, if there is one: read by the
    `assignment_number` index alone (the role and whether active are checked here), once within
    `assignees_cached()`."""
    cache = _logins.get()
    if cache is not None and assignment_number in cache:
        return cache[assignment_number]
    found = next((row["email"] for row in User._get_collection().find(
        {"assignment_number": assignment_number}, {"email": 1, "roles": 1, "active": 1})
        if "manager" in (row.get("roles") or ()) and row.get("active") is True), None)
    if cache is not None:
        cache[assignment_number] = found
    return found


@contextlib.contextmanager
def assignees_cached():
    """Within the block, each supervisor's manager login is read once (a scan: logins do not change under it)."""
    if _logins.get() is not None:
        yield
        return
    token = _logins.set({})
    try:
        yield
    finally:
        _logins.reset(token)


def case_policy(case: Case) -> Policy:
    """The policy version the case was opened under (a case keeps its version)."""
    return policy_rules(case.policy_key, case.policy_revision)


def ladder_of(case: Case, policy: Policy | None = None) -> Ladder:
    policy = policy or case_policy(case)
    return policy.sts.ladder if case.kind == "STS" else policy.lts.ladder


def stage_of(case: Case) -> Stage:
    """The case's current stage, for an action on it: every case opens at a stage and never loses it."""
    stage = case.current_stage
    assert stage is not None, f"case {case.pk} has no stage"
    return stage


def add_stage_tasks(case: Case, employee: Employee, policy: Policy, entered_on: dt.date,
                    assignee=assignee_for) -> list[Task]:
    """Append the tasks of the case's current stage (unsaved), the association first. `assignee(role,
    employee)` says who each task goes to; each role is looked up once."""
    stage = ladder_of(case, policy).stage(case.stage)
    if stage is None:
        return []
    planned = stage_tasks(stage, entered_on, employee.region)
    holder = {role: assignee(role, employee) for role in {task.assignee for task in planned}}
    added = [Task(kind=task.kind, title=task.title, stage_key=task.stage_key, due_on=task.due_on,
                  assignee=holder[task.assignee]) for task in planned]
    case.tasks.extend(added)
    return added


def add_milestone_tasks(case: Case, employee: Employee, milestones, today: dt.date) -> list[Task]:
    """Append the tasks ahead of the long-term absence's changes of pay and its sick pay notice (unsaved)."""
    milestone_on = {milestone.key: milestone.on for milestone in milestones}
    added = [Task(kind=planned.kind, title=planned.title, due_on=planned.due_on, event_on=milestone_on[planned.kind],
                  assignee=assignee_for(planned.assignee, employee))
             for planned in milestone_tasks(milestones, employee.name, today, employee.region)]
    case.tasks.extend(added)
    return added


def oh_referral_title(employee: Employee, first_day: dt.date) -> str:
    """The referral task's title: whom and which absence, the same words whatever its reason."""
    return f"Refer {employee.name} to occupational health (absence from {long_date(first_day)})"


def refer_to_occupational_health(employee: Employee, absence_ids, today: dt.date) -> int:
    """A task to refer the employee to occupational health for each absence the policy refers (at once for its
    reason, or because it is expected to last longer than the policy's days), not yet referred and without such a
    task already, raised `today` (its `event_on`); returns how many were added. The title names neither the
    reason nor that the policy refers it at once (which only some reasons are): task titles reach e-mail
    subjects and task lists."""
    added = 0
    for absence in Absence.objects(pk__in=list(absence_ids), oh_referral_on=None,
                                   tasks__kind__ne=OH_REFERRAL).only("id", "first_day"):
        task = Task(kind=OH_REFERRAL, assignee=assignee_for("manager", employee), event_on=today,
                    due_on=due_on(today, 1, employee.region), title=oh_referral_title(employee, absence.first_day))
        # Within a scan, held and written with the others (documents/held_writes.py)
        added += push_task(Absence, absence.pk, task, unless_kind=OH_REFERRAL)
    return added


def consider_short_term(employee: Employee, absence_ids, reason: str, actor: str, today: dt.date) -> int:
    """A task for the manager to consider the short-term procedure after several long-term absences (the policy's
    `lts.repeated`), on the latest of them, once, with an audit entry giving `reason`; returns how many were added
    (0 or 1). The title lists the absences' dates, never their reasons."""
    spells = sorted(Absence.objects(pk__in=list(absence_ids)).only("id", "first_day", "last_day"),
                    key=lambda absence: absence.first_day)
    if not spells:
        return 0
    dates = ", ".join(f"{spell.first_day:%-d %b %Y}" for spell in spells)
    title = f"Consider the short-term procedure for {employee.name}: {len(spells)} long-term absences (from {dates})"
    task = Task(kind=CONSIDER_STS, assignee=assignee_for("manager", employee),
                due_on=due_on(today, 10, employee.region), title=title[:180])
    entry = AuditEntry(actor=actor, action="short-term procedure to consider", before={},
                       after={"task": title[:180], "assignee": task.assignee}, reason=reason)
    return Absence.objects(pk=spells[-1].pk, tasks__kind__ne=CONSIDER_STS).update_one(push__tasks=task,
                                                                                     push__audit=entry)


def region_of(case: Case) -> str:
    """The bank-holiday region of the case's employee (England when not known)."""
    employee = Employee.objects(pk=case.employee).only("region").first()
    return employee.region if employee and employee.region else "ENG"


def find_task(case: Case, task_id: str) -> Task:
    """The case's task `task_id`, or Refused when the case has no such task."""
    task = next((task for task in case.tasks if task.id == task_id), None)
    if task is None:
        raise Refused("That task is not part of this case.")
    return task


def task_blocked(case: Case, task: Task) -> str | None:
    """Why the task cannot be completed now, or None."""
    if task.status != "open":
        return "This task is already done."
    stage = case.current_stage
    if task.stage_key and stage and task.stage_key == stage.key:
        return completion_blocked(task.kind, stage.absences_associated)
    return None


def complete_task(case: Case, task_id: str, actor: str, version: int | None = None) -> Case:
    """Mark a task done, unless the rules say it must wait (Refused with the reason)."""
    task = find_task(case, task_id)
    reason = task_blocked(case, task)
    if reason:
        raise Refused(reason)
    if task.kind in HOLD_TASKS:
        raise Refused("Record the notes of the meeting: saving them marks it held and completes this task.")
    if task.kind in LETTER_TASKS:
        raise Refused("Mark the letter as sent: that completes this task.")
    if task.kind == REVIEW_MEETING:
        raise Refused("Hold the review meeting and record its outcome: that completes this task.")
    if task.kind == CONFIRM_RESUMED:
        raise Refused("Confirm that they have resumed work: that closes the long-term case and completes this task.")
    if task.kind == PERTINENT_ADVICE:
        raise Refused("Record HR's advice on the pertinent factors: that completes this task.")
    if task.kind == RESOLVE_FLAG:
        raise Refused("Resolve the flag in the Flags queue, saying what was done: that completes this task.")
    if task.kind == CONFIRM_MIGRATED:
        raise Refused("Say whether the migrated stage is right, under “Migrated from the previous system”: "
                            "that completes this task.")

    def apply(case: Case) -> dict:
        task.finish(actor)
        return {"before": {"task": task.title, "task_status": "open"}, "after": {"task": task.title,
                                                                                 "task_status": "done"}}

    return case.change(actor, "task completed", apply, version=version)


def reassign_task(case: Case, task_id: str, assignee: str, actor: str, version: int | None = None) -> Case:
    """Give a task to someone else (HR does this)."""
    task = find_task(case, task_id)
    if task.status != "open":
        raise Refused("Only an open task can be reassigned.")
    if task.assignee == assignee:
        raise Refused(f"Nothing changed: {assignee} already has this task.", "assignee")
    if assignee.startswith(HR_QUEUE):
        if assignee != hr_queue(case.division):
            raise Refused(f"Only the HR queue of {case.division} may hold this case's tasks.")
    else:
        user = User.objects(email=assignee, active=True).first()
        if user is None:
            raise Refused(f"No one can sign in as {assignee}: check the login.")
        # The task list names the employee: whoever holds the task must be someone who may open the case.
        if not may_see(user, case):     # checked on the case at hand: no read with the scope beside its id
            raise Refused(f"{assignee} cannot open this case (it is outside their part of the organisation): "
                          "give the task to someone who looks after this employee.")
    return case.change(actor, "task reassigned", lambda case: task.reassign(assignee), version=version)


def still_off(employee_id, today: dt.date) -> bool:
    """Whether the employee has an absence going on today (no last day, or one from today on)."""
    return bool(Absence.objects(employee=employee_id, first_day__lte=today).filter(
        __raw__=not_ended_before(today)).count())


def resumption_blocked(case: Case, today: dt.date) -> str | None:
    """Why the long-term case cannot be closed as resumed yet, or None."""
    if case.kind != "LTS" or case.status == "closed":
        return "Only an open long-term case closes when the employee has resumed."
    if still_off(case.employee, today):
        return "They are still off sick: record the last day of the absence first."
    latest = Absence.objects(employee=case.employee, first_day__lte=today).only("rtw", "first_day").order_by(
        "-first_day").first()
    if latest is None or latest.rtw is None:
        return "Record the return-to-work interview first."
    return None


def confirm_resumed(case: Case, actor: str, today: dt.date, version: int | None = None) -> Case:
    """The manager confirms the employee has resumed: the long-term case closes and any paused short-term
    case resumes with its tasks (the only way a long-term case closes by hand)."""
    reason = resumption_blocked(case, today)
    if reason:
        raise Refused(reason)
    confirmed_by = name_of(actor)

    def close(case: Case) -> None:
        for task in case.open_tasks():
            if task.kind == CONFIRM_RESUMED:
                task.finish(actor)
        case.close(today, actor, f"The employee resumed work (confirmed by {confirmed_by})")

    case.change(actor, "case closed: employee resumed", close, version=version)
    for paused in Case.objects(employee=case.employee, kind="STS", paused=True, status__ne="closed"):
        paused.change(actor, "case resumed", lambda sts: sts.resume(today, region_of(sts)),
                      reason="The employee resumed work and the long-term case closed.")
    return case


CONFIRM_RESUMED = "confirm_resumed"
RTW_REMINDER = "rtw_reminder"
OH_REFERRAL = "oh_referral"
CONSIDER_STS = "consider_sts"   # several long-term absences: the manager considers the short-term procedure
RTW_REMINDER_DAYS = 28


def absence_events(employee: Employee, absences: list[dict], cases: list[dict], today: dt.date,
                   policy: Policy) -> None:
    """The tasks the employee's absences bring, after a change to them, judged from their rows as the scan read them
    (raw, with their tasks; `cases` likewise), so only what changes is written: a return-to-work reminder for an
    absence that ended in the last four weeks (completed by itself once the interview is recorded), due as
    `policy` (the employee's) says; the open reminders and referral tasks whose interview or referral is now
    recorded, completed; and the task to confirm an employee on a long-term case has resumed, once they are back
    and the interview is recorded."""
    since = midnight(today - dt.timedelta(days=RTW_REMINDER_DAYS))
    for row in absences:
        kinds = {task.get("kind"): task.get("status") for task in row.get("tasks", ())}
        if row.get("rtw") is None and RTW_REMINDER not in kinds and row.get("last_day") and row["last_day"] >= since:
            last_day = row["last_day"].date()
            due = rtw_due(last_day, WorkingPattern.for_employee(employee), policy.care)
            reminder = Task(kind=RTW_REMINDER, assignee=assignee_for("manager", employee), due_on=due.latest_by,
                            title=f"Return-to-work interview with {employee.name}: back "
                                  f"{long_date(due.first_day_back)}")
            # The system's tasks sit beside what people edit: no version step, so nobody's edit is refused.
            push_task(Absence, row["_id"], reminder, unless_kind=RTW_REMINDER)
        for kind, done, why in ((RTW_REMINDER, "rtw", "system: interview recorded"),
                                (OH_REFERRAL, "oh_referral_on", "system: referral recorded")):
            if row.get(done) is not None and any(task.get("kind") == kind and task.get("status") == "open"
                                                 for task in row.get("tasks", ())):
                Absence.objects(pk=row["_id"]).finish_task(why, kind=kind)
    off = any(row["first_day"].date() <= today and (row.get("last_day") is None or row["last_day"].date() >= today)
              for row in absences)
    for row in cases:
        if row["kind"] != "LTS" or row["status"] == "closed" or off:
            continue   # while they are off, a long-term case cannot close as resumed
        if any(task.get("kind") == CONFIRM_RESUMED and task.get("status") == "open" for task in row.get("tasks", ())):
            continue
        case = case_to_change(row["_id"])
        if resumption_blocked(case, today) is None:
            task = Task(kind=CONFIRM_RESUMED, assignee=assignee_for("manager", employee),
                        title=f"Confirm that {employee.name} has resumed work (this closes the long-term case)",
                        due_on=due_on(today, 2, employee.region))
            change_case(case, "system", "task added", lambda case, task=task: case.tasks.append(task))


def association_window(case: Case, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days whose absences may be associated with the current stage: from the start of the widest
    window that triggered it (12 months before it began when unknown) to today."""
    stage = stage_of(case)
    starts = [dt.date.fromisoformat(row["from"]) for row in (stage.trigger_figures or {}).get("windows", [])
              if row.get("from")]
    start = min(starts) if starts else rolling_window(stage.entered_on, 12)[0]
    return start, max(today, stage.entered_on)


def association_candidates(case: Case, today: dt.date) -> tuple[list[Absence], set[str]]:
    """The employee's absences overlapping the association window, oldest first, and the ids to tick:
    those already associated, or else those that fired the rule."""
    start, end = association_window(case, today)
    absences = list(Absence.objects(employee=case.employee, first_day__lte=end).filter(
        __raw__=not_ended_before(start)).exclude("reason_detail", "audit", "fit_notes", "contacts")
        .order_by("first_day"))
    stage = stage_of(case)
    ticked = ({str(snapshot.absence_id) for snapshot in stage.associated} if stage.absences_associated
              else set((stage.trigger_figures or {}).get("absence_ids", [])))
    return absences, ticked


def associate_absences(case: Case, employee: Employee, absence_ids: list[str], actor: str, today: dt.date,
                       version: int | None = None, reason: str | None = None) -> Case | None:
    """Record snapshots of the chosen absences on the current stage and complete its association task
    (`reason`, when a data fix gives one, is kept in the audit entry). The absences already associated, as they
    stand, change nothing: None, with no save and no audit entry."""
    candidates, _ = association_candidates(case, today)
    chosen = [absence for absence in candidates if str(absence.pk) in set(absence_ids)]
    if not chosen:
        raise Refused("Choose at least one absence: the meeting notes and letters are filled from them.",
                      "absence_ids")
    pattern = WorkingPattern.for_employee(employee)
    stage = stage_of(case)
    before = [str(snapshot.absence_id) for snapshot in stage.associated]

    snapshots = [AbsenceSnapshot(absence_id=absence.pk, external_id=absence.external_id,
                                 first_day=absence.first_day, last_day=absence.last_day,
                                 reason_category=absence.reason_category,
                                 **absence_length(absence.first_day, absence.last_day, pattern, today))
                 for absence in chosen]
    if stage.absences_associated and [snapshot.to_mongo().to_dict() for snapshot in stage.associated] == [
            snapshot.to_mongo().to_dict() for snapshot in snapshots]:
        return None

    def apply(case: Case) -> dict:
        stage.associated = snapshots
        stage.associated_on, stage.associated_by = utcnow(), actor
        for task in case.open_tasks():
            if task.kind == ASSOCIATE and task.stage_key == stage.key:
                task.finish(actor)
        return {"before": {"associated": before}, "after": {"associated": [str(a.pk) for a in chosen]}}

    return case.change(actor, "absences associated", apply, reason=reason, version=version)


def rebuild_task_counts() -> int:
    """Write again, from the cases and absences, the open-task rows the task badge counts (the nightly scan and
    a check use it; every write to a case's or absence's tasks keeps them already). Returns how many there are."""
    return rebuild_open_tasks(Case, Absence)


def rebuild_staff_summaries() -> int:
    """Write again every employee's summary for the lists of staff (latest absences, cases not closed) from one
    read of the absences and one of the cases (the nightly scan); returns how many employees were written. Employees
    written round the documents without their search words (a restore, a raw fill) get them here too."""
    fill_employee_search_words()
    return rebuild_summaries()
