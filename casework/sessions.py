"""When a signed-in session ends on its own, and what the sign-in page then tells the person.

A session ends after `idle_minutes` without a request, and `max_hours` after signing in whatever the activity.
The server can also end it (signing out, a new password, new roles, the login switched off, a request from
another address or browser than the session's): "revoked".
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from casework.absences import count_of

IDLE, TOO_LONG, REVOKED = "idle", "absolute", "revoked"


@dataclasses.dataclass(frozen=True)
class SessionRules:
    idle_minutes: int = 30
    max_hours: int = 8


def ended_by(signed_in_at: dt.datetime | None, seen_at: dt.datetime | None, now: dt.datetime,
             rules: SessionRules = SessionRules()) -> str | None:
    """Why a session begun at `signed_in_at`, last used at `seen_at`, has ended by `now` (TOO_LONG or IDLE), or
    None while it goes on. A session that does not say when it began or was last used has ended (REVOKED)."""
    if signed_in_at is None or seen_at is None:
        return REVOKED
    if now - signed_in_at >= dt.timedelta(hours=rules.max_hours):
        return TOO_LONG
    if now - seen_at >= dt.timedelta(minutes=rules.idle_minutes):
        return IDLE
    return None



def ended_message(reason: str | None, rules: SessionRules = SessionRules()) -> str | None:
    """What the sign-in page says after a session ended for `reason` (None for no reason or one it does not know)."""
    messages = {
        IDLE: f"You were signed out after {count_of(rules.idle_minutes, 'minute')} without activity.",
        TOO_LONG: f"You were signed out because you had been signed in for {count_of(rules.max_hours, 'hour')}.",
        REVOKED: "You were signed out: you signed out in another window, your login was changed, or your "
                 "connection changed.",
    }
    return f"{messages[reason]} Sign in again to continue." if reason in messages else None
