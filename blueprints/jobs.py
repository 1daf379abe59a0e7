"""Background jobs from the app: where they run (`job_host`), the worker command (`flask --app app worker`), and
the light claimer each app process starts on its first request (unless JOB_CLAIMER is off, as in tests)."""
from __future__ import annotations

import signal
import threading

import click
from flask import Blueprint, current_app

import services.job_kinds  # noqa: F401  (registers every kind of job)
from blueprints.settings import settings
from services.jobs import Host, JobSettings, start_claimer, work

bp = Blueprint("jobs", __name__, cli_group=None)
_claimer = {"started": False, "lock": threading.Lock()}


def job_settings() -> JobSettings:
    """How the running app runs jobs (README, Background jobs)."""
    config = current_app.config
    return JobSettings(lease_seconds=config["JOB_LEASE_SECONDS"], max_attempts=config["JOB_ATTEMPTS"],
                       poll_seconds=config["JOB_POLL_SECONDS"], run_here=config["RUN_JOBS"],
                       at_once=config["JOBS_AT_ONCE"])


def job_host() -> Host:
    """Where a job started now runs: this app's settings and context."""
    return Host(settings(), job_settings(), current_app._get_current_object().app_context)


@bp.before_app_request
def _start_claimer_once() -> None:
    """A process serving requests runs the jobs no process is running, from its first request on (a command
    never does: it may end at any moment)."""
    if _claimer["started"] or not current_app.config["JOB_CLAIMER"]:
        return
    with _claimer["lock"]:
        if not _claimer["started"]:
            _claimer["started"] = True
            start_claimer(job_host())


@bp.cli.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs waiting now, then stop.")
@click.option("--poll", type=click.FloatRange(min=0.05), default=2.0, show_default=True,
              help="Seconds between two looks for new jobs.")
def worker(once: bool, poll: float):
    """Run background jobs (imports, trigger scans, notification runs, rebuilds) until stopped; SIGTERM or
    Ctrl+C lets the job running go back to the queue at its next progress note, or finish, then stops."""
    stopping = threading.Event()
    handlers = {number: signal.signal(number, lambda *_: stopping.set()) for number in (signal.SIGTERM,
                                                                                       signal.SIGINT)}
    try:
        ran = work(job_host(), stopping, once=once, poll_seconds=poll)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    click.echo(f"worker: {ran} job{'' if ran == 1 else 's'} run.")
