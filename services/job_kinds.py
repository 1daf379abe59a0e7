"""Every kind of background job Casebook keeps, and what runs each (services/jobs.py claims and runs them).

Each is safe to run again from the start should its process stop part way: an import's rows already written
show as unchanged and an interrupted import's last steps are finished by the next (`UnfinishedImport`); a scan
acts only where the policy says something is still to do; a notification run sends nothing twice in a day; a
figures rebuild or a rebuild of everything kept recomputes what it keeps.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from documents.base import utcnow
from documents.import_job import ImportJob
from documents.job import Job
from services.figures import FIGURES_REBUILD, Difference, rebuild
from services.hierarchy_health import (
    CHECKED_BY,
    DEFAULT_MAX_REPORTS,
    HIERARCHY_HEALTH,
    kept_checked,
    queue_check,
    run_hierarchy_health,
)
from services.imports.jobs import IMPORT, import_stopped, purge_old_files, run_import
from services.jobs import Kind, Running, register_kind, register_routine
from services.kept import KEPT_REBUILD, kept_rebuilt, run_kept_rebuild, see_kept_current
from services.notifications import RunReport, send_due
from services.scan_jobs import EVERYONE_SCAN, TRIGGER_SCAN, kept_everyone, kept_scan, run_everyone_scan, run_scan

NOTIFICATIONS = "notifications"


@dataclasses.dataclass
class NotificationRun:
    """What a notification run did: its e-mails, how many imports' files it purged, and how many finished jobs it
    forgot."""

    report: RunReport
    purged: int
    jobs_pruned: int


def run_notifications(job: Job, running: Running) -> NotificationRun:
    """The job `NOTIFICATIONS`: send the day's reminders and retry failed e-mails, then purge the files of
    imports older than the retention period, and forget the jobs that finished before it (`flask --app app notify
    send`, daily)."""
    report = send_due(dt.date.fromisoformat(job.parameters["day"]), running.settings.mail)
    days = running.settings.import_retention_days
    return NotificationRun(report, purge_old_files(days), Job.prune(utcnow() - dt.timedelta(days=days)))


def kept_notifications(run: NotificationRun) -> dict:
    return {"sent": len(run.report.sent), "skipped": len(run.report.skipped), "failed": len(run.report.failed),
            "gave_up": len(run.report.gave_up), "replaced": run.report.replaced, "purged": run.purged,
            "jobs_pruned": run.jobs_pruned}


def run_import_then_check(job: Job, running: Running) -> dict:
    """The job `IMPORT`; after an employee import is applied, hierarchy health is checked again in the background
    (services/hierarchy_health.py)."""
    found = run_import(job, running)
    if job.parameters.get("apply") and found.get("status") == "applied" and \
            ImportJob.objects(pk=job.parameters["import_job"], kind="employees").count():
        queue_check(DEFAULT_MAX_REPORTS, CHECKED_BY, running.host.jobs)
    return found


def run_figures_rebuild(job: Job, running: Running) -> list[Difference]:
    """The job `FIGURES_REBUILD`: the kept absence figures compared with a fresh computation on the day
    `as_of`, and, unless `check`, rewritten where they differ (`flask --app app figures rebuild`)."""
    return rebuild(dt.date.fromisoformat(job.parameters["as_of"]), bool(job.parameters.get("check")))


def kept_differences(found: list[Difference]) -> dict:
    return {"differences": len(found)}


register_kind(IMPORT, Kind(run=run_import_then_check, failed=import_stopped))
register_kind(TRIGGER_SCAN, Kind(run=run_scan, kept=kept_scan))
register_kind(EVERYONE_SCAN, Kind(run=run_everyone_scan, kept=kept_everyone))
register_kind(NOTIFICATIONS, Kind(run=run_notifications, kept=kept_notifications))
register_kind(FIGURES_REBUILD, Kind(run=run_figures_rebuild, kept=kept_differences))
register_kind(KEPT_REBUILD, Kind(run=run_kept_rebuild, kept=kept_rebuilt))
register_routine(see_kept_current)
register_kind(HIERARCHY_HEALTH, Kind(run=run_hierarchy_health, kept=kept_checked))
