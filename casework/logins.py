"""Rules about logins that need no database: what state a login is in, and whether a change takes an active
administrator away (the last one may not be taken away: someone must be able to administer)."""
from __future__ import annotations

ADMIN = "admin"
ROLES = ("manager", "hr", "support", ADMIN, "dpo")     # every role a login may hold, in the order they are kept


def login_state(active: bool, awaiting_first_sign_in: bool) -> str:
    """Whether a login may sign in, in words: "active", "awaiting first sign-in" (made without a password, until
    its link is followed or it signs in by single sign-on) or "switched off"."""
    if active:
        return "active"
    return "awaiting first sign-in" if awaiting_first_sign_in else "switched off"


def takes_an_admin_away(roles: list[str], active: bool, roles_after: list[str], active_after: bool) -> bool:
    """Whether a login with `roles`, `active` or not, is an active administrator before a change and not after
    it (switched off, or the admin role taken away)."""
    return active and ADMIN in roles and not (active_after and ADMIN in roles_after)
