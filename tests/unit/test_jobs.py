"""Background jobs' rules: a lease's end, when it has lapsed, and what becomes of a job whose process stopped."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.jobs import (
    FAIL,
    RETRY,
    WAIT,
    after_lapse,
    attempts_allowed,
    heartbeat_seconds,
    lapse_reason,
    lapsed,
    lease_end,
    owner_gone,
)

NOW = dt.datetime(2026, 12, 3, 10, 0, 0)


def at(seconds: float) -> dt.datetime:
    return NOW + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("lease_seconds, ends", [
    (60, at(60)),     # 10:00:00 + 60 s = 10:01:00
    (0.5, at(0.5)),   # tests use short leases
    (3600, at(3600)),
])
def test_a_lease_ends_its_seconds_after_it_was_taken(lease_seconds, ends):
    assert lease_end(NOW, lease_seconds) == ends


@pytest.mark.parametrize("lease_seconds", [0, -1])
def test_a_lease_lasts_some_seconds(lease_seconds):
    with pytest.raises(ValueError):
        lease_end(NOW, lease_seconds)


@pytest.mark.parametrize("lease_seconds, every", [(60, 20), (30, 10), (0.3, 0.1)])   # a third of the lease
def test_the_heartbeat_beats_three_times_a_lease(lease_seconds, every):
    assert heartbeat_seconds(lease_seconds) == pytest.approx(every)


@pytest.mark.parametrize("lease_until, is_lapsed", [
    (at(1), False),     # a second left
    (NOW, False),       # ends this instant: not yet lapsed
    (at(-1), True),     # ended a second ago
    (None, True),       # running without a lease: nothing holds it
])
def test_a_lease_lapses_once_its_end_has_passed(lease_until, is_lapsed):
    assert lapsed(lease_until, NOW) is is_lapsed


@pytest.mark.parametrize("rerunnable, max_attempts, allowed", [
    (True, 3, 3), (True, 1, 1), (False, 3, 1), (False, 1, 1),
])
def test_only_a_job_safe_to_run_again_gets_more_than_one_attempt(rerunnable, max_attempts, allowed):
    assert attempts_allowed(rerunnable, max_attempts) == allowed


def test_a_job_is_tried_at_least_once():
    with pytest.raises(ValueError):
        attempts_allowed(True, 0)


@pytest.mark.parametrize("lease_until, attempts, allowed, outcome", [
    (at(5), 1, 3, WAIT),     # the lease holds: its process is alive
    (at(5), 3, 3, WAIT),     # even on its last attempt
    (at(-5), 1, 3, RETRY),   # lapsed after 1 of 3 attempts: claimed again
    (at(-5), 2, 3, RETRY),   # 2 of 3
    (at(-5), 3, 3, FAIL),    # 3 of 3: failed with the reason
    (at(-5), 1, 1, FAIL),    # a kind not safe to re-run has one attempt
    (None, 1, 3, RETRY),     # no lease at all counts as lapsed
])
def test_a_lapsed_job_is_claimed_again_while_attempts_remain_then_failed(lease_until, attempts, allowed, outcome):
    assert after_lapse(lease_until, attempts, allowed, NOW) == outcome


@pytest.mark.parametrize("owner_host, owner_pid, alive, gone", [
    ("here", 4242, False, True),      # this machine, no such process: it stopped
    ("here", 4242, True, False),      # this machine, still running
    ("there", 4242, False, False),    # another machine: only its lease tells
    ("here", None, False, False),     # nobody owns it (queued)
    (None, None, False, False),
])
def test_a_process_is_known_gone_only_on_its_own_machine(owner_host, owner_pid, alive, gone):
    assert owner_gone(owner_host, owner_pid, "here", alive) is gone


@pytest.mark.parametrize("lease_until, attempts, reason", [
    (dt.datetime(2026, 12, 3, 10, 3, 12), 3, "The process running it stopped (its lease expired at 10:03:12 UTC on "
                                             "3 December 2026), after 3 attempts, so it was not tried again."),
    (dt.datetime(2026, 1, 9, 8, 0, 5), 1, "The process running it stopped (its lease expired at 08:00:05 UTC on "
                                          "9 January 2026), after 1 attempt, so it was not tried again."),
    (None, 2, "The process running it stopped, after 2 attempts, so it was not tried again."),
])
def test_the_reason_says_when_the_lease_expired_and_how_often_it_was_tried(lease_until, attempts, reason):
    assert lapse_reason(lease_until, attempts) == reason
