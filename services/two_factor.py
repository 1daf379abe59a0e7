"""The second factor for local-password sign-ins (TOTP, as authenticator apps make it): setting it up with a code,
turning it off, new recovery codes, the second step of signing in, and whether the organisation requires it.

Attempts at a code are throttled like passwords (`casework.throttle`, counted under a key of their own), and
every change is audited on the user, showing whether a second factor is on and how many recovery codes are left,
never a secret or a code.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable

import pyotp
import segno

from casework.throttle import ThrottleRules, lock_until, may_attempt
from casework.two_factor import (
    RECOVERY_ALPHABET,
    RECOVERY_CODES,
    RECOVERY_LENGTH,
    accepted_step,
    format_recovery_code,
    normalise_code,
    read_code,
    second_factor_required,
)
from documents.base import utcnow
from documents.organisation import Organisation
from documents.user import LoginThrottle, User
from services import clock
from services.errors import Refused
from services.settings import OrganisationDefaults

ISSUER = "Casebook"
WRONG_CODE = "That code is not right, or was used already: enter the code your authenticator app shows now."
WRONG_PROOF = "Enter the code your authenticator app shows now, or your password."


def new_secret() -> str:
    """A new shared secret for an authenticator app (160 random bits, in base 32)."""
    return pyotp.random_base32()


def setup_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(secret: str, email: str) -> str:
    """The QR code of `setup_uri` as inline SVG markup, drawn on the server."""
    return segno.make(setup_uri(secret, email), error="m").svg_inline(
        scale=4, title="QR code to scan with your authenticator app", dark="#000", light="#fff")


def turn_on(user: User, secret: str, code: str, actor: str) -> list[str]:
    """Use the authenticator holding `secret` from now on, once `code` shows it works: the 10 recovery codes,
    to be shown once. Refused (nothing saved) for a wrong code, or when a second factor is on already."""
    if user.has_second_factor:
        raise Refused("Your second factor is on already.")
    totp = pyotp.TOTP(secret)
    typed = normalise_code(code)
    step = accepted_step(typed, totp.timecode(clock.now()), None, totp.generate_otp) if typed else None
    if step is None:
        raise Refused(WRONG_CODE, "code")
    codes = _recovery_codes()
    user.change(actor, "second factor turned on", lambda user: user.turn_on_second_factor(secret, step, codes))
    return [format_recovery_code(code) for code in codes]


def turn_off(user: User, proof: str, actor: str, rules: ThrottleRules) -> None:
    """Sign in with the password alone from now on, once `proof` (a current code or the password) is right."""
    if not user.has_second_factor:
        raise Refused("Your second factor is off already.")
    _check_proof(user, proof, rules)
    user.change(actor, "second factor turned off", lambda user: user.turn_off_second_factor())


def renew_recovery_codes(user: User, proof: str, actor: str, rules: ThrottleRules) -> list[str]:
    """New recovery codes, once `proof` (a current code or the password) is right: the old ones stop working."""
    if not user.has_second_factor:
        raise Refused("Turn the second factor on first.")
    _check_proof(user, proof, rules)
    codes = _recovery_codes()
    user.change(actor, "recovery codes replaced", lambda user: user.replace_recovery_codes(codes))
    return [format_recovery_code(code) for code in codes]


def turn_off_for(email: str, actor: str) -> User:
    """Turn off the second factor of the login `email` for its user (a lost phone, and the recovery codes with it):
    it signs in with its password alone, or sets a second factor up again when its role requires one."""
    user = User.objects(email=email.strip().lower()).first()
    if user is None:
        raise Refused(f"No login for {email}.", "email")
    if not user.has_second_factor:
        raise Refused(f"{user.email} has no second factor.")
    user.change(actor, "second factor turned off", lambda user: user.turn_off_second_factor())
    return user


def second_step(user: User, typed: str, rules: ThrottleRules) -> User:
    """The second step of signing in `user`, whose password was right: `typed` is the authenticator's current
    code (not used before) or a recovery code (which then stops working). Throttled like passwords."""
    def check() -> bool:
        read = read_code(typed)
        if read is None:
            return False
        kind, value = read
        if kind == "recovery":
            return user.use_recovery_code(value, actor=user.email)
        return kind == "code" and _code_works(user, value)

    _throttled(user, check, "That code is not right, or was used already.", rules)
    return user


def half_done_user(user_id: str, generation: int) -> User | None:
    """The active login a half-done sign-in names, unless its sessions were ended since (a new password, the
    login switched off)."""
    user = User.objects(pk=user_id, active=True).first() if user_id else None
    return user if user is not None and user.session_generation == generation else None


def required_roles() -> list[str]:
    """The roles whose logins must use a second factor."""
    organisation = Organisation.current()
    return list(organisation.second_factor_roles) if organisation is not None else []


def must_use_second_factor(user: User) -> bool:
    """Whether `user` signs in with a second factor: they turned it on, or the organisation requires it of one of
    their roles."""
    return user.has_second_factor or second_factor_required(user.roles, required_roles())


def require_for_roles(roles: list[str], actor: str, version: int | None, defaults: OrganisationDefaults) -> bool:
    """Require a second factor of the logins holding `roles` (some of admin and HR) from their next sign-in.
    False when nothing changed; StaleEditError when someone else saved the organisation's settings since
    `version`."""
    organisation = Organisation.current() or Organisation(name=defaults.name)
    if sorted(roles) == sorted(organisation.second_factor_roles) and organisation.pk:
        return False
    organisation.change(actor, "second factor required for roles", lambda o: o.require_second_factor(roles),
                        version=version if organisation.pk else None)
    return True


def _recovery_codes() -> list[str]:
    return ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
            for _ in range(RECOVERY_CODES)]


def _code_works(user: User, code: str) -> bool:
    """Whether `code` is the user's authenticator's code of a time step near now, not used before (it is then
    marked used)."""
    if not user.has_second_factor:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    step = accepted_step(code, totp.timecode(clock.now()), user.totp_last_step, totp.generate_otp)
    return step is not None and user.use_time_step(step)


def _check_proof(user: User, proof: str, rules: ThrottleRules) -> None:
    def check() -> bool:
        code = normalise_code(proof)
        if code is not None and user.has_second_factor and _code_works(user, code):
            return True
        return bool(proof) and user.check_password(proof)

    _throttled(user, check, WRONG_PROOF, rules, "proof")


def _throttled(user: User, check: Callable[[], bool], failed: str, rules: ThrottleRules,
               field: str = "code") -> None:
    """Run `check` as one attempt at the user's second factor, counted before it is checked as sign-in attempts
    are (`services.accounts.sign_in`); Refused with `failed`, or why the attempt was not checked."""
    key, now = f"second factor:{user.email}", utcnow()
    before = LoginThrottle.take(key, now)
    verdict = may_attempt(before.attempts, before.last_attempt_at, before.locked_until, now, rules)
    if verdict.allowed and check():
        LoginThrottle.clear(key)
        return
    until = lock_until(before.attempts + 1, now, rules)
    if until is not None and not (before.locked_until is not None and now < before.locked_until):
        LoginThrottle.lock(key, until, now)
        verdict = may_attempt(before.attempts + 1, now, until, now, rules)
        raise Refused(verdict.message, field)
    raise Refused(verdict.message or failed, field)
