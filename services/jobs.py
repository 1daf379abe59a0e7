"""Background work that survives a restart: keep a job, claim one, run it under a lease its heartbeat renews, and
the loop every runner shares (`flask --app app worker`, and a light claimer thread in each app process).

A job's kind says what runs it (`register_kind`; Casebook's kinds are registered in services/job_kinds.py). A
process claims a job for a lease and renews it every third of the lease while the job runs. A job whose process
stopped (its lease lapsed, or its process is gone from this machine) is claimed again while attempts remain and
its kind is safe to run again from the start, else marked failed with the reason (`casework.jobs`): never left
running.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from casework.jobs import FAIL, RETRY, after_lapse, attempts_allowed, heartbeat_seconds, lapse_reason, owner_gone
from documents.base import utcnow
from documents.embedded import pid_alive
from documents.job import Job, Owner
from services.errors import Refused
from services.settings import Settings

FAILED = "Sorry, something went wrong and nothing more was done. Try again; if it keeps happening, tell support."
PROGRESS_EVERY = 0.5     # seconds between two progress notes on the job
log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class JobSettings:
    """How jobs are run: the lease a claim takes, how often a job is tried, how often a runner looks for jobs,
    and whether app processes run jobs themselves (else only `flask --app app worker` does)."""

    lease_seconds: float = 60
    max_attempts: int = 3
    poll_seconds: float = 5
    run_here: bool = True
    at_once: bool = False     # a job started is run before `start` returns, not in a thread (tests, a take-over)


@dataclasses.dataclass(frozen=True)
class Host:
    """Where jobs run: the app's settings, the jobs' own, and what their work runs inside (the app's context)."""

    settings: Settings
    jobs: JobSettings
    context: Callable[[], AbstractContextManager]


def _kept(result) -> dict:
    return result if isinstance(result, dict) else {}


@dataclasses.dataclass(frozen=True)
class Kind:
    """What runs a job of one kind: `run(job, running)` returns what it found (`kept(result)` is stored on the
    job); `rerunnable` when running it again from the start after its process stopped changes nothing twice;
    `failed(job, reason)` tells the work's own record (an import's page) when the job is marked failed."""

    run: Callable[[Job, Running], Any]
    rerunnable: bool = True
    kept: Callable[[Any], dict] = _kept
    failed: Callable[[Job, str], None] | None = None


KINDS: dict[str, Kind] = {}
# What every runner sees to before it looks for a job (each may queue one): see `register_routine`.
ROUTINES: list[Callable[[JobSettings], Any]] = []


def register_kind(name: str, kind: Kind) -> None:
    """Let jobs of `name` be kept and run by `kind`."""
    KINDS[name] = kind


def register_routine(routine: Callable[[JobSettings], Any]) -> None:
    """Have every runner call `routine(settings)` each time it looks for jobs (it must be cheap: a read or two)."""
    ROUTINES.append(routine)


class Interrupted(Exception):
    """The running job must stop: it is no longer this process's, or this process is stopping."""


class LeaseLost(Interrupted):
    """Another process claimed the job: its lease lapsed while this one ran it."""


class Stopping(Interrupted):
    """The worker was asked to stop: the job goes back to the queue, to be run again from the start."""


def this_process() -> Owner:
    return Owner(socket.gethostname(), os.getpid())


class Notes:
    """When to write down progress: at most every PROGRESS_EVERY seconds, and when a stage ends."""

    def __init__(self) -> None:
        self._noted = 0.0

    def due(self, done: int, total: int) -> bool:
        if done == total or time.monotonic() - self._noted > PROGRESS_EVERY:
            self._noted = time.monotonic()
            return True
        return False


class Running:
    """A claimed job while it runs: a heartbeat thread renews its lease, `progress` keeps how far it has got,
    and `check` raises `Interrupted` when it must stop."""

    def __init__(self, job: Job, host: Host, stopping: threading.Event | None = None,
                 watch: Callable[[str, int, int], None] | None = None):
        self.job, self.host, self.settings, self.stopping, self.watch = job, host, host.settings, stopping, watch
        self._lost, self._ended = threading.Event(), threading.Event()
        self._notes = Notes()

    def __enter__(self) -> Running:
        threading.Thread(target=self._beat, name=f"job-{self.job.pk}-heartbeat", daemon=True).start()
        return self

    def __exit__(self, *_) -> None:
        self._ended.set()

    def _beat(self) -> None:
        lease = self.host.jobs.lease_seconds
        while not self._ended.wait(heartbeat_seconds(lease)):
            try:
                if not self.job.renew(lease):
                    self._lost.set()
                    return
            except Exception:   # the database out of reach for a moment: the next beat tries again
                log.exception("renewing the lease of job %s failed", self.job.pk)

    def check(self) -> None:
        """Raise LeaseLost when another process has taken the job, Stopping when this one is stopping and the
        job can be run again from the start elsewhere."""
        if self._lost.is_set():
            raise LeaseLost(f"job {self.job.pk} was claimed by another process")
        if self.stopping is not None and self.stopping.is_set() and KINDS[self.job.kind].rerunnable:
            raise Stopping(f"job {self.job.pk} goes back to the queue")

    def progress(self, stage: str, done: int, total: int) -> None:
        """Keep how far the job has got (at most every PROGRESS_EVERY seconds, and when a stage ends), renewing
        its lease, and tell whoever `watch`es (a command's progress bar); stop it if it must stop."""
        self.check()
        if self.watch is not None:
            self.watch(stage, done, total)
        if self._notes.due(done, total) and not self.job.renew(self.host.jobs.lease_seconds, stage=stage,
                                                                 done=done, total=total):
            self._lost.set()
            self.check()


def allowed_attempts(kind: str, settings: JobSettings) -> int:
    return attempts_allowed(KINDS[kind].rerunnable, settings.max_attempts)


def start(kind: str, parameters: dict, created_by: str, host: Host) -> Job:
    """Keep a new job of `kind`. When this process runs jobs it claims the job and runs it at once in a thread of
    its own (or, `at_once`, in this one); otherwise the job waits for a worker."""
    attempts = allowed_attempts(kind, host.jobs)
    if not host.jobs.run_here:
        return Job.queue(kind, parameters, created_by, attempts)
    job = Job.start(kind, parameters, created_by, attempts, this_process(), host.jobs.lease_seconds)
    if host.jobs.at_once:
        run_claimed(job, host)
        return job

    def work():
        with host.context():
            run_claimed(job, host)

    threading.Thread(target=work, name=f"job-{job.pk}", daemon=True).start()
    return job


def run_now(kind: str, parameters: dict, created_by: str, host: Host,
            watch: Callable[[str, int, int], None] | None = None):
    """Keep a new job of `kind` and run it in this thread (a command's own work; `watch` follows its progress),
    returning what it found; its failure is raised after the job is marked failed. Should this process stop
    part way, another claims the job once its lease lapses."""
    job = Job.start(kind, parameters, created_by, allowed_attempts(kind, host.jobs), this_process(),
                    host.jobs.lease_seconds)
    return run_claimed(job, host, raising=True, watch=watch)


def run_claimed(job: Job, host: Host, stopping: threading.Event | None = None, raising: bool = False,
                watch: Callable[[str, int, int], None] | None = None):
    """Run a job this process has claimed, then mark it done with what it found, or failed with the reason;
    a job interrupted by `stopping` goes back to the queue. Returns what the job found (None when it did not
    finish)."""
    kind = KINDS[job.kind]
    try:
        with Running(job, host, stopping, watch) as running:
            result = kind.run(job, running)
    except Stopping:
        job.release()
        log.info("job %s (%s) went back to the queue: this process is stopping", job.pk, job.kind)
        return None
    except LeaseLost:
        log.warning("job %s (%s) was claimed by another process after its lease lapsed", job.pk, job.kind)
        if raising:
            raise
        return None
    except Refused as refusal:
        _failed(job, kind, refusal.message)
        if raising:
            raise
        return None
    except Exception:   # whatever went wrong is logged and kept on the job, not lost with the thread
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _failed(job, kind, FAILED)
        if raising:
            raise
        return None
    job.finish(kind.kept(result))
    return result


def _failed(job: Job, kind: Kind | None, reason: str) -> None:
    if job.fail(reason) and kind is not None and kind.failed is not None:
        kind.failed(job, reason)


def recover(owner: Owner | None = None, now=None, alive: Callable[[int], bool] = pid_alive) -> int:
    """See to the jobs whose process stopped: end the lease of every job claimed by a process on this machine
    that is gone, and mark failed each lapsed job without attempts left, telling its record why. Returns how
    many were failed."""
    owner, now = owner or this_process(), now or utcnow()
    for job in Job.running_on(owner.host):
        if job.owner_pid != owner.pid and owner_gone(job.owner_host, job.owner_pid, owner.host,
                                                     alive(job.owner_pid)):
            job.expire(now)
    failed = 0
    for job in Job.running_lapsed(now):
        if after_lapse(job.lease_until, job.attempts, job.max_attempts, now) == FAIL:
            reason = lapse_reason(job.lease_until, job.attempts)
            if job.fail(reason, now):
                failed += 1
                kind = KINDS.get(job.kind)
                if kind is not None and kind.failed is not None:
                    kind.failed(job, reason)
    return failed


def claim_next(settings: JobSettings, owner: Owner | None = None, now=None) -> Job | None:
    """Claim the oldest queued job of a kind this process knows, else a running one whose lease lapsed with
    attempts left; None when there is none."""
    owner, kinds, now = owner or this_process(), list(KINDS), now or utcnow()
    job = Job.claim_queued(kinds, owner, settings.lease_seconds, now)
    if job is not None:
        return job
    for lapsed in Job.running_lapsed(now).filter(kind__in=kinds):
        if after_lapse(lapsed.lease_until, lapsed.attempts, lapsed.max_attempts, now) == RETRY:
            claimed = lapsed.claim_lapsed(owner, settings.lease_seconds, now)
            if claimed is not None:
                return claimed
    return None


def work(host: Host, stopping: threading.Event, once: bool = False, poll_seconds: float | None = None) -> int:
    """Claim and run jobs one after another until `stopping` is set (or, `once`, until none is waiting),
    looking again every `poll_seconds` when there is none; returns how many were run. A job running when
    `stopping` is set goes back to the queue at its next progress note, or finishes first."""
    poll = host.jobs.poll_seconds if poll_seconds is None else poll_seconds
    ran = 0
    while not stopping.is_set():
        try:
            with host.context():
                recover()
                for routine in ROUTINES:
                    routine(host.jobs)
                job = claim_next(host.jobs)
                if job is not None:
                    run_claimed(job, host, stopping)
                    ran += 1
                    continue
        except Exception:   # the database out of reach: try again after the poll
            log.exception("looking for background jobs failed")
        if once:
            break
        stopping.wait(poll)
    return ran


def start_claimer(host: Host) -> threading.Thread:
    """An app process's light claimer: a daemon thread running jobs no process is running (queued by a command,
    or left by a process that stopped), one at a time."""
    thread = threading.Thread(target=work, args=(host, threading.Event()), name="job-claimer", daemon=True)
    thread.start()
    return thread
