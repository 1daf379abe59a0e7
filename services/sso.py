"""Signing in with an organisation account (OpenID Connect), and turning local passwords off for everyone but a
break-glass administrator.

The ID token's claims reach here already validated (signature against the provider's keys, issuer, audience,
nonce, expiry: Authlib, in the blueprint). A person is matched to a login by the provider's subject, else by
e-mail address; the login records the subject, becomes active if it awaited its first sign-in, and takes the
roles its groups give (keeping manager, which comes from the hierarchy), each change audited as made by single
sign-on. An unknown person whose groups give a role gets a login made for them.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from mongoengine.errors import NotUniqueError, ValidationError

from casework.sso import GroupRoles, Identity, SsoSettings, identity, refreshed_roles, roles_from_groups
from documents.base import StaleEditError
from documents.organisation import Organisation
from documents.user import User
from services.errors import Refused
from services.settings import OrganisationDefaults

ACTOR = "single sign-on"
NO_LOGIN = "You have no Casebook login: ask your administrator."
SWITCHED_OFF = "Your Casebook login is switched off: ask your administrator."
NO_ROLE = "Your organisation account no longer gives you a role in Casebook: ask your administrator."
NO_GROUPS = ("Your organisation's sign-in did not say which groups you are in, so Casebook cannot tell your "
             "roles: ask your administrator.")
NO_SUBJECT = "Your organisation's sign-in did not say who you are. Try again."
OTHER_ACCOUNT = "This Casebook login belongs to another organisation account: ask your administrator."
AT_THE_SAME_TIME = "Someone else signed in with this account at the same moment. Try again."
USE_SSO = "Sign in with your organisation account."


def sign_in_by_sso(claims: Mapping[str, object], settings: SsoSettings) -> User:
    """The login the validated ID token `claims` sign in, brought up to date; Refused, saying why, for a login
    switched off, a person unknown to Casebook whose groups give no role, or one left with no role."""
    person = identity(claims, settings.groups_claim)
    if not person.subject:
        raise Refused(NO_SUBJECT)
    if settings.manages_roles and person.groups is None:
        raise Refused(NO_GROUPS)
    given = roles_from_groups(person.groups or (), settings) if settings.manages_roles else None
    user = _login_of(person)
    if user is None:
        return _made(person, given)
    if not user.active and not user.awaiting_first_sign_in:
        raise Refused(SWITCHED_OFF)
    roles = refreshed_roles(user.roles, given) if given is not None else None
    if roles is not None and not roles.roles:
        raise Refused(NO_ROLE)
    _bring_up_to_date(user, person.subject, roles)
    return user


def _login_of(person: Identity) -> User | None:
    user = User.objects(oidc_subject=person.subject).first()
    if user is None and person.email:
        user = User.objects(email=person.email).first()
        if user is not None and user.oidc_subject:
            raise Refused(OTHER_ACCOUNT)
    return user


def _made(person: Identity, given: GroupRoles | None) -> User:
    if given is None or not given.roles or not person.email:
        raise Refused(NO_LOGIN)
    user = User(email=person.email, name=person.name or person.email, roles=list(given.roles),
                hr_divisions=list(given.hr_divisions))
    user.link_organisation_account(person.subject)
    user.record(ACTOR, "login made by single sign-on", {}, {**user.audit_summary(), "oidc_subject": person.subject})
    try:
        user.save_checked()
    except NotUniqueError:
        raise Refused(AT_THE_SAME_TIME) from None
    return user


def _bring_up_to_date(user: User, subject: str, roles: GroupRoles | None) -> None:
    """Record the subject, end the wait for a first sign-in, refresh the roles: one audit entry for what changed.
    A change of roles ends the login's other sessions, as an administrator's does."""
    linking = user.oidc_subject != subject
    first = user.awaiting_first_sign_in
    new_roles = roles is not None and (set(roles.roles), set(roles.hr_divisions)) != (
        set(user.roles), set(user.hr_divisions))
    changes = [words for words, changed in (("linked to the organisation account", linking),
                                            ("first sign-in", first), ("roles refreshed from groups", new_roles))
               if changed]
    if not changes:
        return

    def apply(user: User) -> dict:
        before = {"oidc_subject": user.oidc_subject}
        user.link_organisation_account(subject)
        user.signed_in_first()
        if new_roles and roles is not None:
            user.give_roles(list(roles.roles), list(roles.hr_divisions))
        return {"before": before, "after": {"oidc_subject": subject}}

    try:
        user.change(ACTOR, f"single sign-on: {', '.join(changes)}", apply)
    except (StaleEditError, NotUniqueError):
        raise Refused(AT_THE_SAME_TIME) from None
    except ValidationError:
        raise Refused(NO_ROLE) from None
    if new_roles:
        user.end_sessions()


@dataclasses.dataclass(frozen=True)
class LocalPasswords:
    """Whether local passwords are off, and the one login that may still use its password then."""

    off: bool = False
    break_glass_email: str | None = None


def local_passwords(sso_configured: bool) -> LocalPasswords:
    """How people may sign in with a password: everyone, unless an administrator turned local passwords off
    while single sign-on is configured (without it, passwords work whatever was saved: nobody is locked out)."""
    document = Organisation.current()
    if not sso_configured or document is None or not document.local_passwords_off:
        return LocalPasswords()
    return LocalPasswords(True, document.break_glass_email)


def refuse_password_unless_break_glass(email: str, sso_configured: bool) -> None:
    """Refuse a password sign-in for `email` while local passwords are off, unless it is the break-glass login's."""
    passwords = local_passwords(sso_configured)
    if passwords.off and email.strip().lower() != passwords.break_glass_email:
        raise Refused(USE_SSO)


def break_glass_candidates() -> list[str]:
    """The logins that may be the break-glass one: active administrators with a password."""
    return [user.email for user in User.objects(active=True, roles="admin", password_hash__ne=None)
            .only("email").order_by("email")]


def set_local_passwords(actor: str, off: bool, break_glass_email: str | None, sso_configured: bool,
                        defaults: OrganisationDefaults, version: int | None = None) -> bool:
    """Turn local passwords off for everyone but the break-glass login `break_glass_email` (`off`), or on again,
    audited on the organisation. False when nothing changed. Refused when turning them off without single
    sign-on configured, or with a break-glass login that is not an active administrator's with a password."""
    email = (break_glass_email or "").strip().lower() or None
    if off and not sso_configured:
        raise Refused("Single sign-on is not configured: local passwords stay on until it is "
                      "(see README, Single sign-on).")
    if off and email not in break_glass_candidates():
        raise Refused("Choose the break-glass login: an active administrator's login with a password."
                      if email is None else f"{email} is not an active administrator's login with a password: the "
                      "break-glass login must be one.", "break_glass_email")
    document = Organisation.current() or _organisation_as_configured(defaults)
    if document.pk and document.local_passwords_off == off and (document.break_glass_email or None) == (
            email if off else None):
        return False
    try:
        document.change(actor, "local passwords turned off" if off else "local passwords turned on",
                        lambda document: document.turn_local_passwords(off, email), version=version)
    except NotUniqueError:
        raise StaleEditError() from None
    except ValidationError:
        raise Refused("The organisation's details as configured are not valid: save them first on the "
                      "organisation's details page.") from None
    return True


def _organisation_as_configured(defaults: OrganisationDefaults) -> Organisation:
    """The organisation's details as letters take them until they are saved: once saved (here, with the sign-in
    setting), letters take them from the saved document, so it starts with all of the configured ones."""
    return Organisation(name=defaults.name, address=list(defaults.address), phone=defaults.phone or None,
                        email=defaults.email or None)
