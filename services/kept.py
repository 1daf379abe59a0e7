"""The lists and figures kept beside the records (open-task and outstanding return-to-work rows, staff summaries
and search words, monthly absence figures, the dashboards' roll-ups of the cases) written again whole: once, in the
background, when the database holds them in an older shape or not at all (after an upgrade, or a restore of a backup
made before they were kept), by the job `KEPT_REBUILD` that any app process or `flask --app app worker` runs. First
it gives the records what an older Casebook left them without: each flag still waiting for HR its task in the HR
queue (services/cases/flags.py), so that the open-task rows and tallies then written count it."""
from __future__ import annotations

import dataclasses
import datetime as dt

from documents.case_days import rebuild_list_days
from documents.case_rollup import rebuild_case_rollups
from documents.divisions import count_divisions
from documents.employee import Employee
from documents.job import Job
from documents.kept_state import KeptState
from documents.user import User
from services import clock
from services.cases.flags import give_waiting_flags_their_tasks
from services.cases.tasks import rebuild_staff_summaries, rebuild_task_counts
from services.figures import rebuild
from services.hierarchy_health import DEFAULT_MAX_REPORTS, check_hierarchy
from services.jobs import JobSettings, Running, allowed_attempts

# The shape of what is kept. Raise it whenever a change to Casebook keeps something new or in another shape:
# every database then writes what it keeps again, once, when an app process or worker next looks for jobs.
# 1: open-task rows, staff summaries, monthly figures; 2: outstanding return-to-work rows and tallies, and the
# employees' search words; 3: the dashboards' roll-ups of the cases; 4: the tallies of open tasks by holder and
# due day, the logins' search words (filled here once, no longer at every start-up), the divisions with staff, and
# hierarchy health; 5: each flag waiting for HR with its task in the HR queue (flags raised before they were HR's
# tasks, or whose task was cancelled when the case closed), listed while its case is paused; and the days each case
# keeps for the case list's filters (documents/case_days.py).
KEPT_VERSION = 5
KEPT_REBUILD = "kept_rebuild"
REBUILT_BY = "casebook, after an upgrade or a restore"
STEPS = 4


@dataclasses.dataclass(frozen=True)
class Rebuilt:
    """What a rebuild wrote: the open-task rows, the staff summaries, how many kept figures differed, the cases
    marked in the dashboards' roll-ups, and the tasks given to flags waiting without one."""

    open_tasks: int
    summaries: int
    figures_differed: int
    case_marks: int = 0
    flag_tasks: int = 0


def rebuild_kept(as_of: dt.date, running: Running | None = None) -> Rebuilt:
    """Give each flag waiting for HR without its task that task, write again every open-task row, staff summary,
    kept month (figures counted to `as_of`) and roll-up of the cases, then record that the database holds them in
    Casebook's shape."""
    note = running.progress if running is not None else (lambda *_: None)
    note("open tasks", 0, STEPS)
    flag_tasks = give_waiting_flags_their_tasks(REBUILT_BY)
    open_tasks = rebuild_task_counts()     # and their tallies, and the outstanding return-to-work rows
    note("staff summaries", 1, STEPS)      # and the search words
    summaries = rebuild_staff_summaries()
    User.fill_search_words()
    count_divisions()
    check_hierarchy(as_of, DEFAULT_MAX_REPORTS)
    note("absence figures", 2, STEPS)
    differed = len(rebuild(as_of, check=False))
    note("dashboard roll-ups", 3, STEPS)
    case_marks = rebuild_dashboard_rollups()
    KeptState.mark(KEPT_VERSION)
    note("dashboard roll-ups", STEPS, STEPS)
    return Rebuilt(open_tasks, summaries, differed, case_marks, flag_tasks)


def rebuild_dashboard_rollups() -> int:
    """The dashboards' roll-ups of the cases written again from the cases (documents/case_rollup.py), and the days
    each case keeps for the case list (documents/case_days.py); returns how many cases count in the roll-ups."""
    rebuild_list_days()
    return rebuild_case_rollups()


def mark_kept_if_empty() -> bool:
    """A database without staff keeps nothing yet, so holds it in Casebook's shape: recorded, so that records then
    added (each keeping its own rows) never start a rebuild. True when the database is in Casebook's shape."""
    if KeptState.holds(KEPT_VERSION):
        return True
    if Employee.objects.limit(1).count(with_limit_and_skip=True):
        return False
    KeptState.mark(KEPT_VERSION)
    return True


def see_kept_current(settings: JobSettings) -> Job | None:
    """Queue a rebuild of what is kept when the database holds it in an older shape or not at all and none is
    queued or running; returns the job queued (None when nothing is to do). One read when all is well."""
    if mark_kept_if_empty():
        return None
    if Job.objects(kind=KEPT_REBUILD, status__in=("queued", "running")).limit(1).count(with_limit_and_skip=True):
        return None
    return Job.queue(KEPT_REBUILD, {"as_of": clock.today().isoformat()}, REBUILT_BY,
                     allowed_attempts(KEPT_REBUILD, settings))


def run_kept_rebuild(job: Job, running: Running) -> Rebuilt:
    """The job `KEPT_REBUILD`."""
    return rebuild_kept(dt.date.fromisoformat(job.parameters["as_of"]), running)


def kept_rebuilt(rebuilt: Rebuilt) -> dict:
    return dataclasses.asdict(rebuilt)
