"""A trigger scan applied from its page, as a background job (services/jobs.py): started, then followed on its
own page, which shows how far it has got and then what it did."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from documents.base import StaleEditError
from documents.employee import Employee
from documents.job import Job
from documents.user import User
from services import clock
from services.cases.tasks import rebuild_staff_summaries, rebuild_task_counts
from services.errors import Refused
from services.jobs import Host, Running, start
from services.policies import staff_order
from services.policy_changes import take_over
from services.triggers import ScanSummary, scan, scan_staff_of

TRIGGER_SCAN = "trigger_scan"
EVERYONE_SCAN = "trigger_scan_everyone"     # `flask --app app triggers scan`, run daily from cron
SHOWN_EMPLOYEES = 1000      # of a scan's employees with something done, kept on its job
STOPPED_PART_WAY = ("Someone else changed a case while the scan ran, so it stopped part way. Look at the preview "
                    "again and apply what is left.")


def start_scan(user: User, as_of: dt.date, host: Host) -> Job:
    """Apply a scan by `user` of the staff they may see on `as_of`, in the background."""
    return start(TRIGGER_SCAN, {"user": str(user.pk), "as_of": as_of.isoformat()}, user.email, host)


def run_scan(job: Job, running: Running) -> ScanSummary:
    """The job `TRIGGER_SCAN`: the scan its user asked for, applied to the staff they may see on its day."""
    user = User.objects.get(pk=job.parameters["user"])
    as_of = dt.date.fromisoformat(job.parameters["as_of"])
    total = Employee.objects.visible_to(user).current(as_of).count()
    try:
        return scan_staff_of(user, as_of, apply=True, progress=_counting(running, total))
    except StaleEditError:
        raise Refused(STOPPED_PART_WAY) from None


@dataclasses.dataclass(frozen=True)
class EveryoneScanned:
    """What the nightly scan of everyone did, and how many open-task rows and staff summaries it wrote again."""

    summary: ScanSummary
    open_tasks: int
    summaries: int


def run_everyone_scan(job: Job, running: Running) -> EveryoneScanned:
    """The job `EVERYONE_SCAN`: first a policy version scheduled to take effect by its day (and by today) becomes
    the active one (`take_over`); then everyone in post on its day evaluated and the results applied; then the
    open-task rows and staff summaries written again whole (each write keeps them already: this mends any
    drift)."""
    as_of = dt.date.fromisoformat(job.parameters["as_of"])
    # A scan of an earlier day keeps the version in force then; one of a later day makes nothing take over early.
    # The figures rebuild a take-over may start runs here, before the scan: the scan's own refresh of the kept
    # figures never interleaves with it.
    take_over(job.created_by, dataclasses.replace(running.host, jobs=dataclasses.replace(
        running.host.jobs, run_here=True, at_once=True)), min(as_of, clock.today()))
    total = Employee.objects.current(as_of).count()
    summary = scan(as_of, job.created_by, apply=True, progress=_counting(running, total))
    running.progress("kept lists", 0, 2)
    open_tasks = rebuild_task_counts()
    running.progress("kept lists", 1, 2)
    summaries = rebuild_staff_summaries()
    running.progress("kept lists", 2, 2)
    return EveryoneScanned(summary, open_tasks, summaries)


def kept_counts(summary: ScanSummary) -> dict:
    """What a scan keeps: its counts."""
    return {"employees": summary.employees, "concerns": summary.concerns, "actions": dict(summary.actions)}


def kept_everyone(scanned: EveryoneScanned) -> dict:
    """What a scan of everyone keeps: its counts, and the kept lists' sizes."""
    return {**kept_counts(scanned.summary), "open_tasks": scanned.open_tasks, "summaries": scanned.summaries}


def _counting(running: Running, total: int):
    """A scan's progress (employees evaluated since the last note) as the job's."""
    done = 0

    def progress(employees: int) -> None:
        nonlocal done
        done += employees
        running.progress("scanning", done, total)

    return progress


def kept_scan(summary: ScanSummary) -> dict:
    """What a scan's job keeps: its counts, and the first employees with something done and what, in staff
    order."""
    found = sorted(summary.would, key=lambda item: staff_order(item[0]))[:SHOWN_EMPLOYEES]
    return {**kept_counts(summary),
            "shown": [({"name": employee.name, "assignment_number": employee.assignment_number,
                        "division": employee.division}, [{"kind": action.kind, "reason": action.reason}
                                                          for action in actions])
                      for employee, actions in found]}


def scan_found(job: Job) -> ScanSummary | None:
    """A finished scan's summary as its job kept it (employees and actions as plain values); None before."""
    if job.status != "done":
        return None
    result = job.result
    return ScanSummary(employees=result["employees"], actions=Counter(result["actions"]),
                       concerns=result["concerns"], would=[tuple(item) for item in result["shown"]])
