"""Sign-in attempts: when one may be checked, how long to wait, when to lock."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.throttle import ThrottleRules, lock_until, may_attempt, wait_seconds

NOW = dt.datetime(2026, 11, 23, 9, 0, 0)
RULES = ThrottleRules(slow_after=3, lock_after=10, lock_minutes=15, max_wait_seconds=60)


@pytest.mark.parametrize("failures, wait", [
    (0, 0), (2, 0), (3, 1), (4, 2), (5, 4), (8, 32), (9, 60), (20, 60),
])
def test_wait_doubles_after_the_slow_threshold_up_to_the_cap(failures, wait):
    assert wait_seconds(failures, RULES) == wait


@pytest.mark.parametrize("failures, seconds_since_last, allowed", [
    (2, 0, True),      # below the threshold: never slowed
    (3, 0, False),     # must wait 1 s
    (3, 1, True),      # waited exactly 1 s
    (5, 3, False),     # must wait 4 s
    (5, 4, True),
    (9, 59, False),    # capped at 60 s
    (9, 60, True),
])
def test_attempts_inside_the_wait_are_refused(failures, seconds_since_last, allowed):
    verdict = may_attempt(failures, NOW - dt.timedelta(seconds=seconds_since_last), None, NOW, RULES)
    assert verdict.allowed is allowed
    assert ("Wait" in verdict.message) is (not allowed)


def test_the_message_says_how_long_to_wait():
    verdict = may_attempt(5, NOW - dt.timedelta(seconds=1), None, NOW, RULES)
    assert verdict.message == "Too many failed attempts. Wait 4 seconds before trying again."


@pytest.mark.parametrize("failures, locked", [(9, None), (10, NOW + dt.timedelta(minutes=15)),
                                               (12, NOW + dt.timedelta(minutes=15))])
def test_lock_after_the_lock_threshold(failures, locked):
    assert lock_until(failures, NOW, RULES) == locked


@pytest.mark.parametrize("minutes_left, allowed, words", [
    (15, False, "try again in 15 minutes"),
    (1, False, "try again in 1 minute,"),
    (0, True, ""),
])
def test_a_lock_refuses_until_it_ends(minutes_left, allowed, words):
    verdict = may_attempt(10, NOW - dt.timedelta(minutes=30), NOW + dt.timedelta(minutes=minutes_left), NOW, RULES)
    assert verdict.allowed is allowed
    assert words in verdict.message
