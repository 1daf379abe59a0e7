"""Who may come in: signing in, with failed attempts slowed then locked, and the API tokens other systems
present."""
from __future__ import annotations

from mongoengine.errors import NotUniqueError, ValidationError

from casework.throttle import ThrottleRules, lock_until, may_attempt
from documents.api_token import SCOPES, ApiToken
from documents.base import utcnow
from documents.user import LoginThrottle, User
from services.errors import Refused

DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS = 365, 3650
FAILED = "The email address or password is not right."


def sign_in(email: str, password: str, rules: ThrottleRules) -> User:
    """The active user with this e-mail address and password. Refused, saying why, when they are not right or
    the login is slowed or locked by earlier failures (counted for any login, known or not); a success clears
    them."""
    now = utcnow()
    throttle = LoginThrottle.objects(login=email).first() or LoginThrottle(login=email)
    verdict = may_attempt(throttle.failures, throttle.last_failure_at, throttle.locked_until, now, rules)
    if not verdict.allowed:
        raise Refused(verdict.message)
    user = User.objects(email=email, active=True).first()
    if user and user.check_password(password):
        if throttle.pk:
            throttle.delete()
        return user
    failures = throttle.failures + 1
    locked_until = lock_until(failures, now, rules)
    LoginThrottle.objects(login=email).update_one(
        upsert=True, set__failures=failures, set__last_failure_at=now, set__locked_until=locked_until)
    locked = may_attempt(failures, now, locked_until, now, rules)
    raise Refused(FAILED if locked.allowed else f"{FAILED} {locked.message}")


def issue_token(name: str, scopes: list[str], days: int | None = DEFAULT_TOKEN_DAYS) -> tuple[ApiToken, str]:
    """A new token named `name` with `scopes`, working for `days` days: the stored token and its secret, shown
    once. Refused for an unknown scope, a name taken, a name that is not letters, digits, dots, dashes and
    underscores, or a lifetime outside 1 to 3,650 days."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise Refused(f"Unknown scope {', '.join(unknown) or '(none)'}: use read, write, medical.")
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise Refused(f"A token works for 1 to {MAX_TOKEN_DAYS:,} days.")
    try:
        return ApiToken.issue(name, scopes, days)
    except NotUniqueError:
        raise Refused(f"A token named {name} already exists: choose another name.") from None
    except ValidationError:
        raise Refused("A token name uses letters, digits, dots, dashes and underscores.") from None


def revoke_token(name: str) -> None:
    """Stop the token named `name` from working (Refused when no such token is in use)."""
    if not ApiToken.objects(name=name, revoked_at=None).update_one(set__revoked_at=utcnow()):
        raise Refused(f"No token named {name} is in use.")
