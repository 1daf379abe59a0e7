"""The second factor's rules: codes as typed, time steps and replays, half-done sign-ins, who must use it."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.two_factor import (
    ENROL_MINUTES,
    accepted_step,
    format_recovery_code,
    normalise_code,
    normalise_recovery_code,
    pending_expired,
    read_code,
    second_factor_required,
)

START = dt.datetime(2026, 12, 3, 9, 0, 0)


@pytest.mark.parametrize("raw, shown", [
    ("abcdefghjk", "abcde-fghjk"),       # 10 characters: two groups of 5
    ("2345678923", "23456-78923"),
])
def test_a_recovery_code_is_shown_in_two_groups_of_five(raw, shown):
    assert format_recovery_code(raw) == shown


@pytest.mark.parametrize("typed, read", [
    ("abcde-fghjk", "abcdefghjk"),       # as shown
    ("ABCDE FGHJK", "abcdefghjk"),       # any case, a space for the dash
    (" abcdefghjk ", "abcdefghjk"),      # no dash, spaces round it
    ("ab-cd-ef-gh-jk", "abcdefghjk"),    # dashes anywhere
    ("abcde-fghj", None),                # 9 characters
    ("abcde-fghjkm", None),              # 11 characters
    ("abcde-fghj0", None),               # 0 is not in the alphabet (read as o)
    ("abcde-fghjl", None),               # nor l (read as 1)
    ("", None),
    ("abcde_fghjk", None),               # an underscore is not a separator
])
def test_recovery_codes_are_read_whatever_their_case_and_separators(typed, read):
    assert normalise_recovery_code(typed) == read


@pytest.mark.parametrize("typed, read", [
    ("123456", "123456"),
    ("123 456", "123456"),               # as authenticator apps show it
    ("123-456", "123456"),
    ("12345", None),                     # 5 digits
    ("1234567", None),                   # 7 digits
    ("12345a", None),
    ("١٢٣٤٥٦", None),                    # Arabic-Indic digits are digits to Python, not to an authenticator
    ("", None),
])
def test_codes_are_six_ascii_digits(typed, read):
    assert normalise_code(typed) == read


@pytest.mark.parametrize("typed, read", [
    ("123 456", ("code", "123456")),
    ("ABCDE-FGHJK", ("recovery", "abcdefghjk")),
    ("hello", None),
    ("1234567890", None),                # ten digits: 1 is not in the recovery alphabet, too long for a code
])
def test_the_second_step_reads_a_code_or_a_recovery_code(typed, read):
    assert read_code(typed) == read


def code_at(step: int) -> str:
    """A stand-in authenticator: the code of step n is n written in six digits."""
    return f"{step:06d}"


@pytest.mark.parametrize("code, current, last_used, step", [
    ("000100", 100, None, 100),          # the current step's code
    ("000099", 100, None, 99),           # the step before (100 − 1): a slow typist
    ("000101", 100, None, 101),          # the step after (100 + 1): a fast clock
    ("000098", 100, None, None),         # two steps back (100 − 2): too old
    ("000102", 100, None, None),         # two steps ahead
    ("000100", 100, 100, None),          # the current step's code, used already: a replay
    ("000100", 100, 99, 100),            # the step before was used: this one is later
    ("000099", 100, 99, None),           # the step before again: a replay
    ("000101", 100, 100, 101),           # the step after, later than the one used
    ("000099", 100, 100, None),          # an earlier step than the one used, though within the drift
    ("123456", 100, None, None),         # no step's code
])
def test_a_code_is_accepted_once_within_one_step_either_side(code, current, last_used, step):
    assert accepted_step(code, current, last_used, code_at) == step


@pytest.mark.parametrize("seconds_later, expired", [
    (0, False),
    (299, False),                        # 4 min 59 s of 5 minutes
    (300, True),                         # 5 minutes exactly
    (3600, True),
    (-1, True),                          # begun in the future: a clock moved back, not trusted
])
def test_a_half_done_sign_in_lasts_five_minutes(seconds_later, expired):
    assert pending_expired(START, START + dt.timedelta(seconds=seconds_later)) is expired


@pytest.mark.parametrize("seconds_later, expired", [
    (899, False),                        # 14 min 59 s of 15 minutes
    (900, True),                         # 15 minutes exactly
])
def test_setting_up_a_required_second_factor_lasts_fifteen_minutes(seconds_later, expired):
    assert pending_expired(START, START + dt.timedelta(seconds=seconds_later), ENROL_MINUTES) is expired


@pytest.mark.parametrize("roles, required_for, required", [
    (["admin"], ["admin"], True),
    (["hr"], ["admin", "hr"], True),
    (["manager", "hr"], ["hr"], True),   # one of the roles is enough
    (["manager"], ["admin", "hr"], False),
    (["hr"], ["admin"], False),
    (["admin"], [], False),              # nothing required
    (["support"], ["support"], False),   # only admin and HR can be required
])
def test_a_second_factor_is_required_for_the_roles_chosen(roles, required_for, required):
    assert second_factor_required(roles, required_for) is required
