"""Who may come in: signing in, with repeated attempts slowed then locked, and the API tokens other systems
present."""
from __future__ import annotations

from mongoengine.errors import NotUniqueError, ValidationError

from casework.throttle import ThrottleRules, lock_until, may_attempt
from documents.api_token import SCOPES, ApiToken
from documents.base import utcnow
from documents.user import LoginThrottle, User, check_nobody_s_password
from services.errors import Refused

FAILED = "The email address or password is not right."


def sign_in(email: str, password: str, rules: ThrottleRules) -> User:
    """The active user with this e-mail address and password. Refused, saying why, when they are not right or
    the login is slowed or locked by earlier attempts (counted for any login, known or not); a success clears
    them.

    The attempt is counted before anything is checked, in one atomic step, so attempts sent in parallel are each
    counted and judged on the count before them. An unknown or switched-off login has a password checked all the
    same, so the time a refusal takes does not say which logins exist."""
    now = utcnow()
    before = LoginThrottle.take(email, now)
    verdict = may_attempt(before.attempts, before.last_attempt_at, before.locked_until, now, rules)
    if verdict.allowed:
        user = User.objects(email=email).first()
        if user is not None and user.active and user.check_password(password):
            LoginThrottle.clear(email)
            return user
        if user is None or not user.active:
            check_nobody_s_password(password)
    locked_until = lock_until(before.attempts + 1, now, rules)
    if locked_until is None or (before.locked_until is not None and now < before.locked_until):
        raise Refused(verdict.message or FAILED)
    LoginThrottle.lock(email, locked_until, now)
    locked = may_attempt(before.attempts + 1, now, locked_until, now, rules)
    raise Refused(f"{FAILED} {locked.message}" if verdict.allowed else locked.message)


def issue_token(name: str, scopes: list[str]) -> tuple[ApiToken, str]:
    """A new API token named `name` with `scopes`: the stored token and its secret, shown once. Refused for an
    unknown scope, a name taken or a name that is not letters, digits, dots, dashes and underscores."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise Refused(f"Unknown scope {', '.join(unknown) or '(none)'}: use read, write, medical.")
    try:
        return ApiToken.issue(name, scopes)
    except NotUniqueError:
        raise Refused(f"A token named {name} already exists: choose another name.") from None
    except ValidationError:
        raise Refused("A token name uses letters, digits, dots, dashes and underscores.") from None


def revoke_token(name: str) -> None:
    """Stop the token named `name` from working (Refused when no such token is in use)."""
    if not ApiToken.objects(name=name, revoked_at=None).update_one(set__revoked_at=utcnow()):
        raise Refused(f"No token named {name} is in use.")
