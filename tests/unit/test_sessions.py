"""When a session ends on its own: after a while without activity, or after a while in all; what sign-in says."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.sessions import IDLE, REVOKED, TOO_LONG, SessionRules, ended_by, ended_message

SIGNED_IN = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone.utc)
RULES = SessionRules(idle_minutes=30, max_hours=8)


def minutes(n: float) -> dt.datetime:
    return SIGNED_IN + dt.timedelta(minutes=n)


@pytest.mark.parametrize("seen, now, reason", [
    (0, 29, None),                # within the idle time
    (0, 30, IDLE),                # exactly 30 minutes without a request
    (100, 129, None),             # activity keeps it going
    (100, 130, IDLE),
    (470, 479, None),             # 7 h 59 min after signing in, active
    (479, 480, TOO_LONG),         # 8 hours after signing in, however active
    (0, 600, TOO_LONG),           # both: the absolute limit is the reason given
    (10, 5, None),                # the clock went back: not ended
])
def test_a_session_ends_when_idle_or_too_long(seen, now, reason):
    assert ended_by(SIGNED_IN, minutes(seen), minutes(now), RULES) == reason


@pytest.mark.parametrize("signed_in, seen", [(None, minutes(0)), (SIGNED_IN, None), (None, None)])
def test_a_session_without_its_times_has_ended(signed_in, seen):
    assert ended_by(signed_in, seen, minutes(1), RULES) == REVOKED


@pytest.mark.parametrize("reason, rules, words", [
    (IDLE, RULES, "You were signed out after 30 minutes without activity. Sign in again to continue."),
    (IDLE, SessionRules(idle_minutes=1), "You were signed out after 1 minute without activity."),
    (TOO_LONG, RULES, "You were signed out because you had been signed in for 8 hours. Sign in again"),
    (TOO_LONG, SessionRules(max_hours=1), "signed in for 1 hour."),
    (REVOKED, RULES, "You were signed out: you signed out in another window, your login was changed"),
])
def test_the_sign_in_page_says_why(reason, rules, words):
    assert words in ended_message(reason, rules)


@pytest.mark.parametrize("reason", [None, "", "<script>", "idle "])
def test_an_unknown_reason_says_nothing(reason):
    assert ended_message(reason, RULES) is None
