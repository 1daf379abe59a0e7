"""Who may come in: signing in, with repeated attempts slowed then locked; signing out; the logins an
administrator keeps (each change to a password, the roles or whether a login works ends its sessions); and the
API tokens other systems present."""
from __future__ import annotations

import datetime as dt

from mongoengine.errors import NotUniqueError, ValidationError

from casework.logins import ADMIN, login_state, takes_an_admin_away
from casework.passwords import password_problem
from casework.throttle import ThrottleRules, lock_until, may_attempt
from documents.api_token import SCOPES, ApiToken
from documents.base import field_errors, utcnow
from documents.notification import Notification
from documents.password_link import PasswordLink
from documents.user import ROLES, LoginThrottle, User, check_nobody_s_password
from services.errors import Refused
from services.mail import MailSettings
from services.notifications import send_password_link
from services.routing import known_divisions

DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS = 365, 3650
FAILED = "The email address or password is not right."
# How long a set-password link works: one an administrator sends (or `users create` prints) for a new login, and
# one "Forgot your password?" sends.
LINK_HOURS = {"set": 24, "reset": 1}
LINK_PATH = "/password/{secret}"     # the page a link opens (blueprints/passwords.py serves it)
LINK_GONE = "This link has expired or has been used. Ask for a new one."
WRONG_CURRENT = "Your current password is not right."
RESET_EVERY_MINUTES = 5     # "Forgot your password?" mails a login once in this time, however often it is asked


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


def sign_out(user: User) -> None:
    """Sign `user` out everywhere: this session and any other of theirs, in any browser, ends."""
    user.end_sessions()


def create_user(email: str, name: str, roles: list[str], password: str | None, actor: str,
                assignment_number: str | None = None, hr_divisions: list[str] | None = None) -> User:
    """A new login. Refused for an e-mail address already used, an unknown role or division, a password the
    policy refuses (casework.passwords), or a manager without their assignment number. Without a `password` the
    login awaits its first sign-in: by single sign-on, or through a set-password link (`password_link`)."""
    _check_roles(roles)
    _check_divisions(hr_divisions or [])
    user = User(email=email, name=name, roles=roles, assignment_number=assignment_number or None,
                hr_divisions=hr_divisions or [], active=password is not None,
                awaiting_first_sign_in=password is None)
    if password is not None:
        _check_password(password, user)
        user.set_password(password)
    return save_new_login(user, actor)


def save_new_login(user: User, actor: str) -> User:
    """Save a new login with its first audit entry; Refused beside the field for an e-mail address already used,
    or a field MongoEngine refuses (a manager without their assignment number, an unknown role)."""
    user.record(actor, "login created", {}, user.audit_summary())
    try:
        user.save_checked()
    except NotUniqueError:
        raise Refused(f"A login for {user.email} already exists.", "email") from None
    except ValidationError as error:
        raise Refused.naming(field_errors(error)) from None
    return user


def set_password(email: str, password: str, actor: str) -> User:
    """Give the login `email` a new password; every session it had ends."""
    user = _login(email)
    _check_password(password, user)
    user.change(actor, "password changed", lambda user: user.set_password(password))
    user.end_sessions()
    return user


def set_roles(email: str, roles: list[str], actor: str, hr_divisions: list[str] | None = None,
              version: int | None = None) -> User:
    """Give the login `email` these roles (and, when given, these HR divisions); every session it had ends.
    Refused for an unknown role or division, or when it would take the role from the last active administrator;
    `version` is the login's the administrator saw (a newer one refuses the change)."""
    user = _login(email)
    _check_roles(roles)
    _check_divisions(hr_divisions or [])
    keep_an_admin(user, roles, user.active)
    try:
        user.change(actor, "roles changed", lambda user: user.give_roles(roles, hr_divisions), version=version)
    except ValidationError as error:
        raise Refused.naming(field_errors(error)) from None
    user.end_sessions()
    return user


def set_dismissal_authority(email: str, allowed: bool, actor: str, version: int | None = None) -> User:
    """Give the login `email` the authority to dismiss (`allowed`), or take it away: only a login holding it
    may record a dismissal."""
    user = _login(email)
    user.change(actor, "authority to dismiss given" if allowed else "authority to dismiss taken away",
                lambda user: user.give_dismissal_authority(allowed), version=version)
    return user


def switch_off(email: str, actor: str, version: int | None = None) -> User:
    """Stop the login `email` from signing in; every session it had ends. Refused for the last active
    administrator."""
    user = _login(email)
    keep_an_admin(user, user.roles, False)
    user.change(actor, "login switched off", lambda user: user.switch(on=False), version=version)
    user.end_sessions()
    return user


def switch_on(email: str, actor: str, version: int | None = None) -> User:
    """Let the login `email` sign in again."""
    user = _login(email)
    user.change(actor, "login switched on", lambda user: user.switch(on=True), version=version)
    return user


def end_sessions(email: str) -> User:
    """End every session of the login `email` (a lost laptop, a shared screen)."""
    user = _login(email)
    user.end_sessions()
    return user


def password_link(email: str, purpose: str, actor: str, base_url: str) -> tuple[User, str]:
    """A new link for the login `email` to choose its password (`purpose` "set" or "reset"): the login and the
    link's address. Only the newest link of a login works, once, for LINK_HOURS[purpose] hours."""
    user = _login(email)
    if not user.active and not user.awaiting_first_sign_in:
        raise Refused(f"{user.email} is switched off: switch it on before sending a link.", "email")
    secret = PasswordLink.make(user.pk, purpose, actor, dt.timedelta(hours=LINK_HOURS[purpose]))
    return user, base_url.rstrip("/") + LINK_PATH.format(secret=secret)


def send_link(email: str, purpose: str, actor: str, settings: MailSettings) -> Notification:
    """E-mail the login `email` a new set-password link (see `password_link`); the log entry says whether the
    mail server took it."""
    user, url = password_link(email, purpose, actor, settings.base_url)
    return send_password_link(user, url, purpose, LINK_HOURS[purpose], settings)


def linked_login(secret: str) -> User:
    """The login a live set-password link is for; Refused when the link has expired or been used."""
    return _live_link(secret)[1]


def _live_link(secret: str) -> tuple[PasswordLink, User]:
    """The live link with this secret and the login it is for (active or awaiting its first sign-in)."""
    link = PasswordLink.live(secret)
    user = User.objects(pk=link.user).first() if link is not None else None
    if link is None or user is None or not (user.active or user.awaiting_first_sign_in):
        raise Refused(LINK_GONE)
    return link, user


def set_password_by_link(secret: str, password: str) -> User:
    """Choose the password of the login a live link is for, spending the link: a login awaiting its first sign-in
    is active from now on, and every session the login had ends."""
    link, user = _live_link(secret)
    _check_password(password, user)
    if not link.use():      # spent meanwhile, by a request sent at the same moment
        raise Refused(LINK_GONE)

    def choose(user: User) -> None:
        user.set_password(password)
        user.signed_in_first()
    user.change(f"{user.email} (by a set-password link)", "password chosen", choose)
    user.end_sessions()
    user.reload()
    return user


def change_password(email: str, current: str, new: str, rules: ThrottleRules) -> User:
    """The signed-in login `email` chooses a new password, giving its current one (checked as a sign-in is, so
    guesses are slowed then locked). Every session the login had ends: the caller begins its own again with the
    login returned."""
    try:
        user = sign_in(email, current, rules)
    except Refused as refusal:
        raise Refused(refusal.message.replace(FAILED, WRONG_CURRENT), "current_password") from None
    _check_password(new, user)
    user.change(user.email, "password changed", lambda user: user.set_password(new))
    user.end_sessions()
    user.reload()
    return user


def send_reset_link(email: str, settings: MailSettings) -> Notification | None:
    """"Forgot your password?": e-mail a reset link (working for an hour) when `email` is an active login with a
    local password, and no reset link was made for it in the last RESET_EVERY_MINUTES (that one still works);
    nothing otherwise. Whoever asked is told the same either way, so this is done after they are answered (it says
    nothing to them)."""
    user = User.objects(email=email.strip().lower()).first()
    if user is None or not user.active or not user.password_hash:
        return None
    recently = utcnow() - dt.timedelta(minutes=RESET_EVERY_MINUTES)
    if PasswordLink.objects(user=user.pk, purpose="reset", created_at__gt=recently).first() is not None:
        return None
    return send_link(user.email, "reset", f"{user.email} (forgot their password)", settings)


def logins() -> list[User]:
    """Every login, by e-mail address."""
    return list(User.objects.order_by("email"))


def state_of(user: User) -> str:
    """Whether a login may sign in, in words: "active", "awaiting first sign-in" or "switched off"."""
    return login_state(user.active, user.awaiting_first_sign_in)


def _login(email: str) -> User:
    user = User.objects(email=email.strip().lower()).first()
    if user is None:
        raise Refused(f"No login for {email}.", "email")
    return user


def _check_roles(roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise Refused(f"Unknown role {', '.join(unknown) or '(none)'}: use {', '.join(ROLES)}.", "roles")


def _check_divisions(divisions: list[str]) -> None:
    """Refused for a division no employee is in (nor the flag routing names); any division while there are none
    (the first logins are made before the hierarchy is loaded)."""
    known = known_divisions()
    unknown = sorted(set(divisions) - set(known))
    if known and unknown:
        raise Refused(f"Unknown division {', '.join(unknown)}: use {', '.join(known)}.", "hr_divisions")


def keep_an_admin(user: User, roles_after: list[str], active_after: bool) -> None:
    """Refused when a change leaving `user` with `roles_after`, active or not (`active_after`), would leave no
    active administrator: an administrator page and the `users` commands both ask before changing a login."""
    if not takes_an_admin_away(user.roles, user.active, roles_after, active_after):
        return
    if User.objects(pk__ne=user.pk, active=True, roles=ADMIN).first() is None:
        raise Refused(f"{user.email} is the last active administrator: make another administrator first.",
                      "roles")


def _check_password(password: str, user: User) -> None:
    problem = password_problem(password, user.name, user.email)
    if problem:
        raise Refused(problem, "password")


def issue_token(name: str, scopes: list[str], days: int | None = DEFAULT_TOKEN_DAYS,
                divisions: list[str] | None = None, actor: str = "command") -> tuple[ApiToken, str]:
    """A new token named `name` with `scopes`, working for `days` days, for the employees of `divisions` (none:
    every division): the stored token and its secret, shown once. Refused for an unknown scope or division, a
    name taken, a name that is not letters, digits, dots, dashes and underscores, or a lifetime outside 1 to
    3,650 days."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise Refused(f"Unknown scope {', '.join(unknown) or '(none)'}: use read, write, medical.")
    _check_token_days(days)
    strangers = sorted(set(divisions or []) - set(known_divisions()))
    if strangers:
        known = ", ".join(known_divisions()) or "(none yet)"
        raise Refused(f"Unknown division {', '.join(strangers)}: use one of {known}.")
    try:
        return ApiToken.issue(name, scopes, days, divisions, actor)
    except NotUniqueError:
        raise Refused(f"A token named {name} already exists: choose another name.") from None
    except ValidationError:
        raise Refused("A token name uses letters, digits, dots, dashes and underscores.") from None


def rotate_token(name: str, days: int = DEFAULT_TOKEN_DAYS, actor: str = "command") -> tuple[ApiToken, str]:
    """A new secret for the token named `name`, with the same scopes and divisions, working `days` days from now;
    the old secret stops working at once. Refused when no such token is in use (an expired one may be rotated)."""
    _check_token_days(days)
    token = ApiToken.objects(name=name, revoked_at=None).first()
    secret = token.rotate(days, actor) if token is not None else None
    if token is None or secret is None:
        raise Refused(f"No token named {name} is in use.")
    return token, secret


def revoke_token(name: str, actor: str = "command") -> None:
    """Stop the token named `name` from working (Refused when no such token is in use)."""
    if not ApiToken.revoke(name, actor):
        raise Refused(f"No token named {name} is in use.")


def _check_token_days(days: int | None) -> None:
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise Refused(f"A token works for 1 to {MAX_TOKEN_DAYS:,} days.")
