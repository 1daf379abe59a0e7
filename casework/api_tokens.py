"""The rules of API tokens: whether one works, and which employees one limited to divisions may see."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection

LIVE, EXPIRED, REVOKED = "live", "expired", "revoked"


def token_state(revoked_at: dt.datetime | None, expires_at: dt.datetime | None, now: dt.datetime) -> str:
    """REVOKED once revoked (whatever its expiry), EXPIRED from its expiry on (a token without one never
    expires), else LIVE."""
    if revoked_at is not None:
        return REVOKED
    if expires_at is not None and expires_at <= now:
        return EXPIRED
    return LIVE


def sees_division(divisions: Collection[str], division: str | None) -> bool:
    """Whether a token limited to `divisions` (none: every division) may see an employee of `division`."""
    return not divisions or division in divisions
