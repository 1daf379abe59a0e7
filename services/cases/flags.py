"""Flags as work: a flag a manager raises waits as a task in the division's HR queue ("My tasks" and its badge
count it, through the open-task rows every case task has); resolving it completes that task and gives the manager
who raised it a task saying it was resolved (with an e-mail, when they take e-mail); the manager may withdraw a
"not my report" flag of theirs while it waits. Each change is one audit entry of the case (`Case.change`).
"""
from __future__ import annotations

import datetime as dt

from casework.moments import local_time
from casework.workflow import FLAG_ANSWERED
from documents.case import FLAG_WORDS, Case, Flag, Task
from documents.employee import Employee
from documents.user import User
from services import clock
from services.cases.tasks import RESOLVE_FLAG, hr_queue
from services.errors import Refused
from services.mail import MailSettings
from services.notifications import send_notice

WITHDRAWN = "Withdrawn by the manager who raised it"


def resolve_task_id(flag: Flag) -> str:
    """The id of the HR task of `flag` (one a flag, found again by it)."""
    return f"flag-{flag.id}"


def answered_task_id(flag: Flag) -> str:
    return f"told-{flag.id}"


def flag_task(case: Case, flag: Flag, on: dt.date) -> Task:
    """HR's task for a flag just raised: in the division's queue, due the day it was raised (it is waiting)."""
    return Task(id=resolve_task_id(flag), kind=RESOLVE_FLAG, assignee=hr_queue(case.division), due_on=on,
                title=f"Resolve the “{FLAG_WORDS[flag.kind]}” flag on the case",
                detail="A manager flagged the case. Amend it if need be, then say what was done in the Flags queue.")


def answered_task(flag: Flag, on: dt.date) -> Task:
    """The raiser's task once HR resolved their flag: read what was done (on the case), due that day."""
    return Task(id=answered_task_id(flag), kind=FLAG_ANSWERED, assignee=flag.raised_by, due_on=on,
                title=f"HR resolved your “{FLAG_WORDS[flag.kind]}” flag: read what was done",
                detail=f"{flag.resolved_by} resolved the flag: {flag.resolution}")


def end_flag_task(case: Case, flag: Flag, by: str, *, done: bool) -> None:
    """The flag's HR task, if still open, is done (`done`: HR resolved the flag) or cancelled (it was withdrawn)."""
    for task in case.open_tasks():
        if task.id == resolve_task_id(flag):
            if done:
                task.finish(by)
            else:
                task.cancel(by)


def raised_on(flag: Flag) -> dt.date:
    """The day `flag` was raised, in the organisation's time zone: its task is due that day (it waits from then)."""
    return local_time(flag.at, clock.zone()).date()


def give_waiting_flags_their_tasks(actor: str) -> int:
    """Give each flag still waiting for HR without its open task in the HR queue that task (a flag raised before
    flags were HR's tasks, or one whose task was cancelled when the case closed before closing left it open): a
    task cancelled is opened again, otherwise one is added, due the day the flag was raised; each with an audit
    entry on its case. Returns how many were given; run again, it gives none."""
    given = 0
    for case in Case.objects(flags__status="open"):
        for flag in [flag for flag in case.flags if flag.status == "open"]:
            if any(task.id == resolve_task_id(flag) for task in case.open_tasks()):
                continue

            def apply(case: Case, flag=flag) -> dict:
                task = next((task for task in case.tasks if task.id == resolve_task_id(flag)), None)
                if task is not None:
                    task.reopen()
                else:
                    task = flag_task(case, flag, raised_on(flag))
                    case.tasks.append(task)
                return {"after": {"task": task.title}}

            case.change(actor, f"flag task added: {FLAG_WORDS[flag.kind]}", apply)
            given += 1
    return given


def tell_raiser(case: Case, flag: Flag, settings: MailSettings | None) -> None:
    """E-mail the manager who raised `flag` that it was resolved, when they take e-mail (never the resolution's
    words: they read them on the case, as with every notice)."""
    if settings is None:
        return
    raiser = User.objects(email=flag.raised_by, active=True).only("email", "name", "notify").first()
    if raiser is None or raiser.notify == "off":
        return
    employee = Employee.objects(pk=case.employee).only("first_name", "last_name").first()
    who = employee.name if employee else case.assignment_number
    words = FLAG_WORDS[flag.kind]
    send_notice([raiser], f"Casebook: your “{words}” flag was resolved: {who}",
                [f"HR resolved the “{words}” flag you raised on {who}'s case.",
                 f"What was done is on the case: {settings.base_url}/cases/{case.pk}#notes"],
                f"flag-resolved:{case.pk}:{flag.id}", settings)


def withdraw_not_my_report(employee: Employee, cases, actor: str) -> int:
    """Withdraw the "not my report" flags `actor` raised on the employee's cases (from `cases`, already scoped)
    that still wait: each is closed as withdrawn, its HR task cancelled, with an audit entry. Returns how many."""
    withdrawn = 0
    for case in cases.filter(employee=employee.pk, flags__status="open",
                             flags__match={"status": "open", "kind": "not_my_report", "raised_by": actor}):
        waiting = [flag for flag in case.flags
                   if (flag.kind, flag.status, flag.raised_by) == ("not_my_report", "open", actor)]

        def apply(case: Case, waiting=waiting) -> dict:
            for flag in waiting:
                flag.resolve(actor, WITHDRAWN)
                end_flag_task(case, flag, actor, done=False)
            return {"before": {"flag": "not my report: open"}, "after": {"flag": "not my report: withdrawn"}}

        case.change(actor, "flag withdrawn: not my report", apply)
        withdrawn += 1
    if not withdrawn:
        raise Refused(f"No “not my report” flag of yours is waiting on {employee.name}'s cases.")
    return withdrawn
