"""How repeated failed logins are slowed and then locked."""
from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class ThrottleRules:
    """After `slow_after` failures each attempt waits twice as long as the last (up to
    `max_wait_seconds`); after `lock_after` failures the login is locked for `lock_minutes`."""

    slow_after: int = 3
    lock_after: int = 10
    lock_minutes: int = 15
    max_wait_seconds: int = 60


@dataclasses.dataclass(frozen=True)
class Verdict:
    allowed: bool
    message: str = ""


def may_attempt(failures: int, last_failure_at: dt.datetime | None, locked_until: dt.datetime | None,
                now: dt.datetime, rules: ThrottleRules = ThrottleRules()) -> Verdict:
    """Whether a login attempt may be checked now, given the failures so far."""
    if locked_until and now < locked_until:
        minutes = max(1, round((locked_until - now).total_seconds() / 60))
        return Verdict(False, f"Too many failed attempts. This login is locked; try again in {minutes} minute"
                              f"{'s' if minutes != 1 else ''}, or ask an administrator.")
    wait = wait_seconds(failures, rules)
    if wait and last_failure_at:
        remaining = (last_failure_at + dt.timedelta(seconds=wait) - now).total_seconds()
        if remaining > 0:
            seconds = int(remaining) + 1
            return Verdict(False, f"Too many failed attempts. Wait {seconds} second{'s' if seconds != 1 else ''} "
                                  "before trying again.")
    return Verdict(True)


def wait_seconds(failures: int, rules: ThrottleRules = ThrottleRules()) -> int:
    """The pause required after `failures` consecutive failures."""
    if failures < rules.slow_after:
        return 0
    return min(2 ** (failures - rules.slow_after), rules.max_wait_seconds)


def lock_until(failures: int, now: dt.datetime, rules: ThrottleRules = ThrottleRules()) -> dt.datetime | None:
    """When a login that has just failed for the `failures`th time becomes usable again, if it is now locked."""
    if failures >= rules.lock_after:
        return now + dt.timedelta(minutes=rules.lock_minutes)
    return None
