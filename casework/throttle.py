"""How repeated sign-in attempts for one login are slowed and then locked.

Every attempt counts, taken before its password is checked: one that is refused because it came too soon counts
as much as one with a wrong password, so attempts sent in parallel cannot all be checked at once. A success
clears the count.
"""
from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class ThrottleRules:
    """After `slow_after` attempts without a success each attempt must wait twice as long after the last one (up
    to `max_wait_seconds`); the attempt that brings the count to `lock_after`, unless it succeeds, locks the login
    for `lock_minutes`."""

    slow_after: int = 3
    lock_after: int = 10
    lock_minutes: int = 15
    max_wait_seconds: int = 60


@dataclasses.dataclass(frozen=True)
class Verdict:
    allowed: bool
    message: str = ""


def may_attempt(attempts: int, last_attempt_at: dt.datetime | None, locked_until: dt.datetime | None,
                now: dt.datetime, rules: ThrottleRules = ThrottleRules()) -> Verdict:
    """Whether an attempt may be checked now, given the `attempts` taken before it without a success, when the
    last of them was taken and when a lock on the login ends."""
    if locked_until and now < locked_until:
        minutes = max(1, round((locked_until - now).total_seconds() / 60))
        return Verdict(False, f"Too many failed attempts. This login is locked; try again in {minutes} minute"
                              f"{'s' if minutes != 1 else ''}, or ask an administrator.")
    wait = wait_seconds(attempts, rules)
    if wait and last_attempt_at:
        remaining = (last_attempt_at + dt.timedelta(seconds=wait) - now).total_seconds()
        if remaining > 0:
            seconds = int(remaining) + 1
            return Verdict(False, f"Too many failed attempts. Wait {seconds} second{'s' if seconds != 1 else ''} "
                                  "before trying again.")
    return Verdict(True)


def wait_seconds(attempts: int, rules: ThrottleRules = ThrottleRules()) -> int:
    """The pause required after `attempts` attempts without a success."""
    if attempts < rules.slow_after:
        return 0
    return min(2 ** (attempts - rules.slow_after), rules.max_wait_seconds)


def lock_until(attempts: int, now: dt.datetime, rules: ThrottleRules = ThrottleRules()) -> dt.datetime | None:
    """When a login becomes usable again after its `attempts`th attempt without a success, taken `now`, if that
    attempt locks it."""
    if attempts >= rules.lock_after:
        return now + dt.timedelta(minutes=rules.lock_minutes)
    return None
