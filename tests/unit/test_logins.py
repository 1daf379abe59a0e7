"""Logins without the database: their state in words, and which changes take an active administrator away."""
from __future__ import annotations

import pytest

from casework.logins import login_state, takes_an_admin_away


@pytest.mark.parametrize("active, awaiting, state", [
    (True, False, "active"),
    (False, True, "awaiting first sign-in"),     # made without a password, its link not yet followed
    (False, False, "switched off"),
    (True, True, "active"),                      # active wins: signing in ends the wait
])
def test_a_login_s_state_in_words(active, awaiting, state):
    assert login_state(active, awaiting) == state


@pytest.mark.parametrize("roles, active, roles_after, active_after, taken", [
    (["admin"], True, ["admin"], False, True),                  # an active admin switched off
    (["admin", "hr"], True, ["hr"], True, True),                # the admin role taken away
    (["admin"], True, ["hr"], False, True),                     # both at once
    (["admin"], True, ["admin", "dpo"], True, False),           # still an active admin
    (["admin"], False, ["hr"], False, False),                   # switched off already: not an active admin
    (["hr"], True, ["hr"], False, False),                       # never an admin
    (["hr"], True, ["admin"], True, False),                     # becomes one
])
def test_which_changes_take_an_active_administrator_away(roles, active, roles_after, active_after, taken):
    assert takes_an_admin_away(roles, active, roles_after, active_after) is taken
