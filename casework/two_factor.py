"""The second factor's rules: reading what someone typed as a 6-digit code or a recovery code, which time step a
code belongs to (and whether it was used already), when a half-done sign-in has expired, and for whom the
organisation requires a second factor.

A code from an authenticator app belongs to a time step of 30 seconds; one from the step before or after is
accepted too (clocks drift), but never one from a step at or before the last one used: a code seen over a
shoulder, or sent twice, cannot sign in again.
"""
from __future__ import annotations

import datetime as dt
import hmac
import re
from collections.abc import Callable, Iterable

RECOVERY_CODES = 10                       # how many recovery codes a user is given at a time
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"   # no 0/o, 1/l/i: read off paper without doubt
RECOVERY_LENGTH = 10                      # shown as two groups of five: "abcde-fghjk"
CODE_DIGITS = 6
DRIFT_STEPS = 1                           # a code of the step before or after is accepted too
PENDING_MINUTES = 5                       # a half-done sign-in (password right, code not yet given) lasts this long
ENROL_MINUTES = 15                        # one setting up a required second factor: time to install an app
REQUIRABLE_ROLES = ("admin", "hr")        # the roles an administrator may require a second factor for

_SEPARATORS = re.compile(r"[\s-]+")


def format_recovery_code(raw: str) -> str:
    """A recovery code as shown to its user: its ten characters in two groups of five ("abcde-fghjk")."""
    half = RECOVERY_LENGTH // 2
    return f"{raw[:half]}-{raw[half:]}"


def normalise_recovery_code(text: str) -> str | None:
    """The ten characters of a recovery code as typed (any case, spaces or dashes anywhere), or None when it
    cannot be one."""
    raw = _SEPARATORS.sub("", text or "").lower()
    if len(raw) != RECOVERY_LENGTH or any(character not in RECOVERY_ALPHABET for character in raw):
        return None
    return raw


def normalise_code(text: str) -> str | None:
    """The six digits of an authenticator's code as typed ("123 456" and "123-456" too), or None."""
    digits = _SEPARATORS.sub("", text or "")
    return digits if len(digits) == CODE_DIGITS and digits.isascii() and digits.isdigit() else None


def read_code(text: str) -> tuple[str, str] | None:
    """What someone typed at the second step: ("code", six digits), ("recovery", ten characters), or None."""
    code = normalise_code(text)
    if code is not None:
        return "code", code
    recovery = normalise_recovery_code(text)
    return ("recovery", recovery) if recovery is not None else None


def accepted_step(code: str, current_step: int, last_used_step: int | None,
                  code_at: Callable[[int], str]) -> int | None:
    """The time step `code` belongs to, among the current one and those `DRIFT_STEPS` either side, when it is
    later than the last step used (`last_used_step`), else None. `code_at(step)` gives the code of a step."""
    for step in range(current_step - DRIFT_STEPS, current_step + DRIFT_STEPS + 1):
        if _same(code_at(step), code):
            return step if last_used_step is None or step > last_used_step else None
    return None


def _same(expected: str, given: str) -> bool:
    """Compared in constant time, so the time a refusal takes says nothing of how close a guess was."""
    return hmac.compare_digest(expected.encode(), given.encode())


def pending_expired(started_at: dt.datetime, now: dt.datetime, minutes: int = PENDING_MINUTES) -> bool:
    """Whether a half-done sign-in begun at `started_at` has expired by `now`."""
    return now < started_at or now - started_at >= dt.timedelta(minutes=minutes)


def second_factor_required(roles: Iterable[str], required_for: Iterable[str]) -> bool:
    """Whether a login holding `roles` must use a second factor, when the organisation requires one for the roles
    `required_for`."""
    return bool(set(roles) & set(required_for) & set(REQUIRABLE_ROLES))
