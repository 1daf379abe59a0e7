"""The rules of background jobs: how long a claim lasts, when it has lapsed, and whether a job whose process
stopped is tried again or marked failed, with the reason.

A job is claimed by one process for a lease (a span of seconds) that its heartbeat keeps renewing. A lease not
renewed in time has lapsed: the process running the job stopped (killed, restarted, its machine gone). A job
whose kind is safe to run again from the start is then claimed again while attempts remain; any other is marked
failed with the reason, never left "running". Times are UTC instants without a time zone, as stored.
"""
from __future__ import annotations

import datetime as dt

RETRY, FAIL, WAIT = "retry", "fail", "wait"


def lease_end(now: dt.datetime, lease_seconds: float) -> dt.datetime:
    """When a lease taken or renewed at `now` for `lease_seconds` lapses."""
    if lease_seconds <= 0:
        raise ValueError("a lease lasts some seconds")
    return now + dt.timedelta(seconds=lease_seconds)


def heartbeat_seconds(lease_seconds: float) -> float:
    """How often a running job renews its lease: three times a lease, so one late beat does not lose it."""
    return lease_seconds / 3


def lapsed(lease_until: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a lease ending at `lease_until` has lapsed at `now` (a running job without one has)."""
    return lease_until is None or lease_until < now


def attempts_allowed(rerunnable: bool, max_attempts: int) -> int:
    """How many times a job may be started: `max_attempts` when its kind is safe to run again from the start,
    once otherwise."""
    if max_attempts < 1:
        raise ValueError("a job is tried at least once")
    return max_attempts if rerunnable else 1


def after_lapse(lease_until: dt.datetime | None, attempts: int, allowed: int, now: dt.datetime) -> str:
    """What becomes of a running job at `now`: WAIT while its lease holds; once it lapsed, RETRY while fewer than
    `allowed` attempts were made, FAIL after the last."""
    if not lapsed(lease_until, now):
        return WAIT
    return RETRY if attempts < allowed else FAIL


def owner_gone(owner_host: str | None, owner_pid: int | None, host: str, alive: bool) -> bool:
    """Whether the process that claimed a job has certainly stopped: it ran on this `host` and its pid is not
    `alive` here. A process on another machine is known gone only when its lease lapses."""
    return owner_host == host and owner_pid is not None and not alive


def lapse_reason(lease_until: dt.datetime | None, attempts: int) -> str:
    """Why a job whose lease lapsed after its last attempt was marked failed."""
    when = f" (its lease expired at {lease_until:%H:%M:%S} UTC on {lease_until:%-d %B %Y})" if lease_until else ""
    return (f"The process running it stopped{when}, after {attempts} attempt{'' if attempts == 1 else 's'}, "
            "so it was not tried again.")
