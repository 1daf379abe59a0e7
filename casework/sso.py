"""Single sign-on with OpenID Connect: its settings, read from the environment's words, and what a person's
organisation account gives them in Casebook.

The settings come from OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (all three, or none: no single
sign-on), OIDC_ROLE_GROUPS ("hr=<group>;admin=<group>;support=<group>;dpo=<group>", a role named as often as it
has groups), OIDC_HR_DIVISIONS ("<group>=Community Care;<group>=Acute Care": members of the group are HR for the
division) and OIDC_GROUPS_CLAIM (the ID token's claim listing the person's groups, "groups" unless set).

Groups give the roles hr, admin, support and dpo, and HR divisions; `manager` never comes from a group but from
the login's link to its own assignment in the hierarchy, so a refresh keeps it. With no group mapping at all
(a provider whose tokens carry no groups, such as Google Workspace), roles are kept as an administrator set
them. Pure: no Flask, no database, no clock.
"""
from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

from casework.logins import ROLES

GROUP_ROLES = ("hr", "admin", "support", "dpo")                # the roles a group may give
DEFAULT_GROUPS_CLAIM = "groups"
REQUIRED = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
OPTIONAL = ("OIDC_ROLE_GROUPS", "OIDC_HR_DIVISIONS", "OIDC_GROUPS_CLAIM")
SEE = "(see README, Single sign-on)"


@dataclasses.dataclass(frozen=True)
class SsoSettings:
    """The organisation's identity provider, Casebook's client there, and what its groups give."""

    issuer: str
    client_id: str
    client_secret: str
    role_groups: tuple[tuple[str, str], ...] = ()       # (role, group)
    hr_divisions: tuple[tuple[str, str], ...] = ()      # (group, division)
    groups_claim: str = DEFAULT_GROUPS_CLAIM

    @property
    def metadata_url(self) -> str:
        """Where the provider publishes its metadata (OpenID Connect Discovery)."""
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"

    @property
    def manages_roles(self) -> bool:
        """Whether groups decide the roles (any group mapped), refreshed at every sign-in."""
        return bool(self.role_groups or self.hr_divisions)


@dataclasses.dataclass(frozen=True)
class GroupRoles:
    """What a person's groups give: roles (in ROLES) and, with hr, HR divisions (sorted)."""

    roles: tuple[str, ...]
    hr_divisions: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Identity:
    """Who the ID token says signed in: the provider's subject, their e-mail address (lower case; None when the
    provider says it is not verified), name, and groups (None when the token has no groups claim)."""

    subject: str
    email: str | None
    name: str
    groups: tuple[str, ...] | None


def sso_settings(values: Mapping[str, str | None]) -> SsoSettings | None:
    """The settings the OIDC_* `values` give (each a string or None), or None when single sign-on is not
    configured. Raises ValueError naming the variable and what is wrong, for the app to stop with at start-up."""
    given = {name: (values.get(name) or "").strip() for name in (*REQUIRED, *OPTIONAL)}
    if not any(given[name] for name in REQUIRED):
        stray = [name for name in OPTIONAL if given[name]]
        if stray:
            raise ValueError(f"{stray[0]} is set but OIDC_ISSUER is not: single sign-on needs OIDC_ISSUER, "
                             f"OIDC_CLIENT_ID and OIDC_CLIENT_SECRET {SEE}.")
        return None
    missing = [name for name in REQUIRED if not given[name]]
    if missing:
        raise ValueError(f"{missing[0]} is not set: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and "
                         f"OIDC_CLIENT_SECRET {SEE}.")
    problem = issuer_problem(given["OIDC_ISSUER"])
    if problem:
        raise ValueError(f"OIDC_ISSUER: {problem} {SEE}.")
    return SsoSettings(issuer=given["OIDC_ISSUER"].rstrip("/"), client_id=given["OIDC_CLIENT_ID"],
                       client_secret=given["OIDC_CLIENT_SECRET"],
                       role_groups=parse_role_groups(given["OIDC_ROLE_GROUPS"]),
                       hr_divisions=parse_hr_divisions(given["OIDC_HR_DIVISIONS"]),
                       groups_claim=given["OIDC_GROUPS_CLAIM"] or DEFAULT_GROUPS_CLAIM)


def issuer_problem(issuer: str) -> str | None:
    """Why `issuer` cannot be an identity provider's issuer (an https URL with no query or fragment; http only on
    this machine, for trying it out), or None."""
    parts = urlsplit(issuer)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"{issuer!r} is not a web address: write it like https://login.microsoftonline.com/<tenant>/v2.0"
    if parts.query or parts.fragment:
        return f"{issuer!r} has a query or a fragment: give the issuer alone"
    if parts.scheme == "http" and not _loopback(parts.hostname):
        return f"{issuer!r} is not https: only a provider on this machine may use http"
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_role_groups(text: str) -> tuple[tuple[str, str], ...]:
    """"hr=g1;admin=g2;hr=g3" as (("hr", "g1"), ("admin", "g2"), ("hr", "g3")). Raises ValueError for an entry
    without "=", a role groups cannot give, or an empty group."""
    pairs = _pairs(text, "OIDC_ROLE_GROUPS", "role=group", "hr=casebook-hr;admin=casebook-admins")
    for role, group in pairs:
        if role not in GROUP_ROLES:
            raise ValueError(f"OIDC_ROLE_GROUPS: {role!r} in {role}={group} is not a role groups give: use "
                             f"{', '.join(GROUP_ROLES)} (manager comes from the hierarchy) {SEE}.")
    return pairs


def parse_hr_divisions(text: str) -> tuple[tuple[str, str], ...]:
    """"g1=Community Care;g2=Acute Care" as (("g1", "Community Care"), ("g2", "Acute Care")). Raises ValueError
    for an entry without "=" or with an empty group or division."""
    return _pairs(text, "OIDC_HR_DIVISIONS", "group=division", "casebook-hr-cc=Community Care")


def _pairs(text: str, variable: str, shape: str, example: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for entry in (part.strip() for part in text.split(";")):
        if not entry:
            continue
        left, equals, right = (side.strip() for side in entry.partition("="))
        if not equals or not left or not right:
            raise ValueError(f"{variable}: {entry!r} is not {shape}: write entries like {example}, separated by "
                             f"semicolons {SEE}.")
        pairs.append((left, right))
    return tuple(pairs)


def roles_from_groups(groups: Iterable[str], settings: SsoSettings) -> GroupRoles:
    """The roles and HR divisions `groups` give under `settings`: each role whose group the person is in, and hr
    with the division of each HR-division group they are in."""
    held = set(groups)
    roles = {role for role, group in settings.role_groups if group in held}
    divisions = {division for group, division in settings.hr_divisions if group in held}
    if divisions:
        roles.add("hr")
    return GroupRoles(tuple(role for role in ROLES if role in roles), tuple(sorted(divisions)))


def refreshed_roles(held: Sequence[str], given: GroupRoles) -> GroupRoles:
    """The roles a login holds after a sign-in: those its groups give, and manager if it held it (that role
    comes from the hierarchy, not from groups)."""
    roles = set(given.roles) | ({"manager"} & set(held))
    return GroupRoles(tuple(role for role in ROLES if role in roles), given.hr_divisions)


def identity(claims: Mapping[str, object], groups_claim: str = DEFAULT_GROUPS_CLAIM) -> Identity:
    """Who validated ID token `claims` name. The e-mail address counts only when the provider does not say it is
    unverified (`email_verified` false); the name falls back to the given and family names, then the address."""
    email = claims.get("email")
    email = email.strip().lower() if isinstance(email, str) and email.strip() else None
    if claims.get("email_verified") is False:
        email = None
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get(part) for part in ("given_name", "family_name")]
        name = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    groups = claims.get(groups_claim)
    if isinstance(groups, str):
        groups = (groups,)
    elif isinstance(groups, (list, tuple)):
        groups = tuple(str(group) for group in groups)
    else:
        groups = None
    return Identity(subject=str(claims.get("sub") or ""), email=email, name=(name or email or "").strip()[:200],
                    groups=groups)
