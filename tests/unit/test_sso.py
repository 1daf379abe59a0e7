"""Single sign-on: its settings read from the environment, and the roles an organisation account's groups give."""
from __future__ import annotations

import pytest

from casework.sso import (
    GROUP_ROLES,
    GroupRoles,
    Identity,
    SsoSettings,
    identity,
    issuer_problem,
    parse_hr_divisions,
    parse_role_groups,
    refreshed_roles,
    roles_from_groups,
    sso_settings,
)

ISSUER = "https://login.example.org/tenant/v2.0"
BASE = {"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "casebook", "OIDC_CLIENT_SECRET": "s3cret"}
SETTINGS = SsoSettings(ISSUER, "casebook", "s3cret",
                       role_groups=(("hr", "g-hr"), ("admin", "g-admin"), ("support", "g-support"), ("dpo", "g-dpo"),
                                    ("hr", "g-hr-2")),
                       hr_divisions=(("g-cc", "Community Care"), ("g-ac", "Acute Care"), ("g-cc2", "Community Care")))


@pytest.mark.parametrize("values, expected", [
    ({}, None),                                                      # nothing set: no single sign-on
    ({"OIDC_ISSUER": " ", "OIDC_CLIENT_ID": ""}, None),              # blanks count as unset
    (BASE, SsoSettings(ISSUER, "casebook", "s3cret")),               # no mapping: roles stay as an admin set them
    ({**BASE, "OIDC_ISSUER": ISSUER + "/"}, SsoSettings(ISSUER, "casebook", "s3cret")),   # trailing "/" dropped
    ({**BASE, "OIDC_ROLE_GROUPS": "hr=g-hr; admin = g-admin ;", "OIDC_HR_DIVISIONS": "g-cc=Community Care",
      "OIDC_GROUPS_CLAIM": "roles"},
     SsoSettings(ISSUER, "casebook", "s3cret", (("hr", "g-hr"), ("admin", "g-admin")),
                 (("g-cc", "Community Care"),), "roles")),                # spaces trimmed, the empty last entry skipped
])
def test_settings_read_from_the_environment(values, expected):
    assert sso_settings(values) == expected


@pytest.mark.parametrize("values, message", [
    ({"OIDC_ISSUER": ISSUER}, "OIDC_CLIENT_ID is not set"),
    ({**BASE, "OIDC_CLIENT_SECRET": ""}, "OIDC_CLIENT_SECRET is not set"),
    ({"OIDC_ROLE_GROUPS": "hr=g"}, "OIDC_ROLE_GROUPS is set but OIDC_ISSUER is not"),
    ({"OIDC_CLIENT_SECRET": "x"}, "OIDC_ISSUER is not set"),
    ({**BASE, "OIDC_ISSUER": "login.example.org"}, "OIDC_ISSUER: 'login.example.org' is not a web address"),
    ({**BASE, "OIDC_ISSUER": "http://login.example.org"}, "is not https"),
    ({**BASE, "OIDC_ROLE_GROUPS": "hr"}, "OIDC_ROLE_GROUPS: 'hr' is not role=group"),
    ({**BASE, "OIDC_ROLE_GROUPS": "hr="}, "OIDC_ROLE_GROUPS: 'hr=' is not role=group"),
    ({**BASE, "OIDC_ROLE_GROUPS": "manager=g-managers"}, "'manager' in manager=g-managers is not a role groups give"),
    ({**BASE, "OIDC_ROLE_GROUPS": "hr=g;admn=g2"}, "'admn' in admn=g2 is not a role groups give"),
    ({**BASE, "OIDC_HR_DIVISIONS": "g-cc"}, "OIDC_HR_DIVISIONS: 'g-cc' is not group=division"),
    ({**BASE, "OIDC_HR_DIVISIONS": "=Acute Care"}, "OIDC_HR_DIVISIONS: '=Acute Care' is not group=division"),
])
def test_a_malformed_setting_is_named_with_what_is_wrong(values, message):
    with pytest.raises(ValueError, match="README, Single sign-on") as raised:
        sso_settings(values)
    assert message in str(raised.value)


@pytest.mark.parametrize("issuer, problem", [
    ("https://accounts.google.com", None),
    ("https://login.microsoftonline.com/0b1c/v2.0", None),
    ("http://127.0.0.1:8080", None),                    # a provider on this machine, for trying it out
    ("http://localhost:8080/realm", None),
    ("http://[::1]:8080", None),
    ("http://idp.example.org", "is not https"),
    ("https://idp.example.org?tenant=1", "has a query or a fragment"),
    ("https://idp.example.org#top", "has a query or a fragment"),
    ("ftp://idp.example.org", "is not a web address"),
    ("https://", "is not a web address"),
])
def test_the_issuer_is_an_https_address(issuer, problem):
    found = issuer_problem(issuer)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("text, pairs", [
    ("", ()),
    ("hr=a", (("hr", "a"),)),
    ("hr=a;hr=b;dpo=c", (("hr", "a"), ("hr", "b"), ("dpo", "c"))),             # a role with two groups
    ("support=Casebook Support=Team", (("support", "Casebook Support=Team"),)),  # split at the first "=" only
])
def test_role_groups(text, pairs):
    assert parse_role_groups(text) == pairs


@pytest.mark.parametrize("text, pairs", [
    ("", ()),
    ("g1=Community Care;g2=Acute Care", (("g1", "Community Care"), ("g2", "Acute Care"))),
    ("g1=Community Care;g1=Acute Care", (("g1", "Community Care"), ("g1", "Acute Care"))),   # one group, two
])
def test_hr_divisions(text, pairs):
    assert parse_hr_divisions(text) == pairs


@pytest.mark.parametrize("groups, roles, divisions", [
    ((), (), ()),                                                    # no group of ours: nothing
    (("g-other",), (), ()),
    (("g-admin",), ("admin",), ()),
    (("g-dpo", "g-support"), ("support", "dpo"), ()),                # kept in the roles' own order
    (("g-hr-2",), ("hr",), ()),                                      # hr's second group
    (("g-cc",), ("hr",), ("Community Care",)),                       # a division's group makes its members HR
    (("g-cc", "g-ac", "g-cc2"), ("hr",), ("Acute Care", "Community Care")),   # 3 groups, 2 divisions, sorted
    (("g-hr", "g-admin", "g-ac"), ("hr", "admin"), ("Acute Care",)),
])
def test_roles_from_groups(groups, roles, divisions):
    assert roles_from_groups(groups, SETTINGS) == GroupRoles(roles, divisions)


@pytest.mark.parametrize("held, given, after", [
    (["hr", "admin"], GroupRoles(("hr",), ("Acute Care",)), GroupRoles(("hr",), ("Acute Care",))),   # admin gone
    (["manager", "hr"], GroupRoles((), ()), GroupRoles(("manager",), ())),       # manager kept, hr's group gone
    (["manager"], GroupRoles(("admin",), ()), GroupRoles(("manager", "admin"), ())),
    (["support"], GroupRoles((), ()), GroupRoles((), ())),                       # nothing left: refused later
    ([], GroupRoles(("dpo", "hr"), ()), GroupRoles(("hr", "dpo"), ())),
])
def test_a_refresh_keeps_manager_and_takes_the_rest_from_groups(held, given, after):
    assert refreshed_roles(held, given) == after


@pytest.mark.parametrize("claims, expected", [
    ({"sub": "s1", "email": " Ann.Lee@Trust.example ", "name": "Ann Lee", "groups": ["a", "b"]},
     Identity("s1", "ann.lee@trust.example", "Ann Lee", ("a", "b"))),
    ({"sub": "s2", "email": "bo@trust.example", "email_verified": False, "name": "Bo"},
     Identity("s2", None, "Bo", None)),                                  # unverified address: not used to match
    ({"sub": "s3", "email": "cy@trust.example", "email_verified": True, "given_name": "Cy", "family_name": "Dee",
      "groups": "g-hr"}, Identity("s3", "cy@trust.example", "Cy Dee", ("g-hr",))),   # one group as a string
    ({"sub": "s4", "email": "di@trust.example", "groups": []}, Identity("s4", "di@trust.example", "di@trust.example",
                                                                         ())),       # the address as the name
    ({"sub": "s5", "groups": {"not": "a list"}}, Identity("s5", None, "", None)),
])
def test_identity_from_the_id_token(claims, expected):
    assert identity(claims) == expected


def test_the_groups_claim_is_named_by_the_settings():
    assert identity({"sub": "s", "roles": ["x"], "groups": ["y"]}, "roles").groups == ("x",)


def test_the_metadata_is_under_the_issuer():
    assert SETTINGS.metadata_url == f"{ISSUER}/.well-known/openid-configuration"
    assert SETTINGS.manages_roles and not SsoSettings(ISSUER, "c", "s").manages_roles


def test_a_group_may_give_every_role_but_manager():
    from casework.logins import ROLES
    assert set(GROUP_ROLES) == set(ROLES) - {"manager"}
