"""API tokens' rules: their state, and the divisions one limited to some may see."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.api_tokens import EXPIRED, LIVE, REVOKED, sees_division, token_state

NOW = dt.datetime(2026, 12, 3, 9, 0)
SECOND = dt.timedelta(seconds=1)


@pytest.mark.parametrize("revoked_at, expires_at, state", [
    (None, NOW + SECOND, LIVE),                      # expires one second from now
    (None, NOW, EXPIRED),                            # expires at this instant: no longer works
    (None, NOW - SECOND, EXPIRED),
    (None, None, LIVE),                              # issued before tokens expired: works until revoked
    (NOW - SECOND, NOW + SECOND, REVOKED),           # revoked before its expiry
    (NOW - SECOND, NOW - 2 * SECOND, REVOKED),       # revoked after it expired: shown as revoked
])
def test_a_token_is_live_until_it_expires_or_is_revoked(revoked_at, expires_at, state):
    assert token_state(revoked_at, expires_at, NOW) == state


@pytest.mark.parametrize("divisions, division, sees", [
    ([], "Community Care", True),                    # no divisions: every one
    ([], None, True),
    (["Community Care"], "Community Care", True),
    (["Community Care"], "Secure Care", False),
    (["Community Care", "Secure Care"], "Secure Care", True),
    (["Community Care"], None, False),               # an employee without a division: not in the list
    (["Community Care"], "community care", False),   # names match exactly, as stored
])
def test_a_token_limited_to_divisions_sees_only_their_employees(divisions, division, sees):
    assert sees_division(divisions, division) is sees
