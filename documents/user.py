"""People who log in, and the throttle on their sign-in attempts."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import secrets

import mongoengine as me
from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError
from werkzeug.security import check_password_hash, generate_password_hash

from casework.logins import ROLES
from documents.base import AuditEntry, Versioned

NOTIFY_CHOICES = ("each", "digest", "off")

# How new passwords are hashed: Werkzeug's method string. Its default, scrypt with n = 2**15, takes about 130 ms a
# hash, which is the point; the app's PASSWORD_HASH_METHOD setting changes it (the test suite, which makes and
# signs in thousands of logins, uses a cheaper scrypt). A stored hash names its own method, so a change here
# never stops an existing password from working.
_password_method = "scrypt"


def use_password_method(method: str) -> None:
    """Hash new passwords with this Werkzeug method (e.g. "scrypt:32768:8:1"). A method Werkzeug does not know is
    refused here, when the app starts, rather than at the first password set."""
    global _password_method
    generate_password_hash("check", method)
    _password_method = method


def hash_password(password: str) -> str:
    return generate_password_hash(password, _password_method)


class User(Versioned, me.Document):
    """A login with its roles; managers are linked to their own assignment in the hierarchy. It answers what
    flask-login asks of a signed-in user (`is_authenticated`, `is_active`, `is_anonymous`, `get_id`).

    `session_generation` is written into every session the login begins (`get_id`); raising it ends them all,
    wherever they are, at their next request (`end_sessions`).

    A login may have no local password (`password_hash` None): one made from the hierarchy, or one that signs in
    only by single sign-on. One made from the hierarchy waits for its first sign-in (`awaiting_first_sign_in`,
    not yet `active`): by single sign-on, or through a set-password link; that sign-in makes it active. Switching
    a login off ends the wait too."""

    is_authenticated = True
    is_anonymous = False

    email = me.StringField(required=True, unique=True, max_length=200)
    name = me.StringField(required=True, max_length=200)
    password_hash = me.StringField()                # None: no local password
    roles = me.ListField(me.StringField(choices=ROLES), required=True)
    assignment_number = me.StringField(max_length=40)
    hr_divisions = me.ListField(me.StringField())
    notify = me.StringField(choices=NOTIFY_CHOICES, default="each")
    active = me.BooleanField(default=True)
    awaiting_first_sign_in = me.BooleanField(default=False)
    made_from_hierarchy = me.BooleanField(default=False)    # made by the employee import for a supervisor
    oidc_subject = me.StringField(max_length=255)            # the identity provider's `sub`, once signed in by SSO
    may_dismiss = me.BooleanField(default=False)    # the authority to dismiss, given by an administrator
    # The hierarchy import switched it off, or took its manager role away (a leaver, or no longer supervising):
    # it may give them back when the person supervises again. Any switch by someone else clears it.
    stood_down_by_import = me.BooleanField(default=False)
    search_words = me.ListField(me.StringField())  # the name's and e-mail's words, lower case (the Users search)
    session_generation = me.IntField(default=0)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)
    # The second factor (TOTP): the authenticator's shared secret once confirmed, the last time step whose code was
    # used (a code is never accepted twice), and the recovery codes' hashes (each works once).
    totp_secret = me.StringField()
    totp_last_step = me.IntField()
    recovery_code_hashes = me.ListField(me.StringField())

    meta = {"collection": "users", "indexes": ["assignment_number", "roles",
                                               {"fields": ["oidc_subject"], "unique": True, "sparse": True},
                                               "search_words", ("hr_divisions", "name"), "name",
                                               ("awaiting_first_sign_in", "id")]}

    def clean(self):
        self.email = (self.email or "").strip().lower()
        self.search_words = words_of(self.name, self.email)
        if "manager" in self.roles and not self.assignment_number:
            raise me.ValidationError("A manager is linked to their own assignment.",
                                     errors={"assignment_number": "A manager needs their assignment number."})

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        """Whether `password` is this login's; never for a login without a local password (timed the same)."""
        if not self.password_hash:
            return check_nobody_s_password(password)
        return check_password_hash(self.password_hash, password)

    def give_roles(self, roles: list[str], hr_divisions: list[str] | None = None) -> None:
        """Hold these roles from now on (and these HR divisions, when given)."""
        self.roles = list(roles)
        if hr_divisions is not None:
            self.hr_divisions = list(hr_divisions)

    def give_dismissal_authority(self, allowed: bool) -> None:
        """Hold the authority to dismiss (`allowed`), or no longer."""
        self.may_dismiss = allowed

    def switch(self, on: bool) -> None:
        """Let this login sign in (`on`), or stop it (a login awaiting its first sign-in then no longer waits)."""
        self.active = on
        self.stood_down_by_import = False
        if not on:
            self.awaiting_first_sign_in = False

    def signed_in_first(self) -> None:
        """A login awaiting its first sign-in has signed in (by single sign-on or a set-password link): it is
        active from now on."""
        if self.awaiting_first_sign_in:
            self.awaiting_first_sign_in = False
            self.active = True

    def link_organisation_account(self, subject: str) -> None:
        """Sign in from now on by single sign-on as the identity provider's `subject` (its `sub`)."""
        self.oidc_subject = subject

    def link_to_assignment(self, assignment_number: str | None, as_manager: bool = False) -> None:
        """Link this login to its holder's own assignment (None: to none), and with `as_manager` make it a
        manager's login too."""
        self.assignment_number = assignment_number or None
        if as_manager and "manager" not in self.roles:
            self.roles = [*self.roles, "manager"]

    def stand_down(self) -> None:
        """The hierarchy import found its holder has left or supervises nobody: a login with another role only
        loses the manager role; a manager's login alone is switched off, its sessions to be ended."""
        others = [role for role in self.roles if role != "manager"]
        if others:
            self.roles = others
        else:
            self.switch(on=False)
        self.stood_down_by_import = True

    def stand_up(self) -> None:
        """Its holder supervises again after the hierarchy import stood the login down: the manager role comes
        back, and a login it switched off waits for a first sign-in again (by single sign-on or a set-password
        link), so an old password alone does not open it."""
        if "manager" not in self.roles:
            self.roles = [*self.roles, "manager"]
        if not self.active:
            self.awaiting_first_sign_in = True
        self.stood_down_by_import = False

    @classmethod
    def with_words(cls, words: str):
        """The logins whose name or e-mail address has a word starting with each of `words` (the first five),
        read through the index of their words (everyone, without words)."""
        starts = [{"search_words": {"$regex": "^" + re.escape(word)}} for word in words.lower().split()[:5]]
        return cls.objects(__raw__={"$and": starts}) if starts else cls.objects

    @classmethod
    def fill_search_words(cls) -> int:
        """Give the logins saved before the Users search existed their search words; how many were filled."""
        filled = 0
        for row in cls._get_collection().find({"search_words": {"$exists": False}}, {"name": 1, "email": 1}):
            filled += cls._get_collection().update_one(
                {"_id": row["_id"]}, {"$set": {"search_words": words_of(row.get("name"), row.get("email"))}}
            ).modified_count
        return filled

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What a session holds of its user: the login and the session generation it began in."""
        return f"{self.pk}:{self.session_generation}"

    @classmethod
    def of_session(cls, session_id: str) -> User | None:
        """The active user a session's id (from `get_id`) names, or None when the login is unknown, switched off,
        or its sessions were ended after this one began."""
        pk, _, generation = session_id.partition(":")
        if not ObjectId.is_valid(pk) or not generation.isdigit():
            return None
        user = cls.objects(pk=pk, active=True).first()
        return user if user is not None and user.session_generation == int(generation) else None

    def end_sessions(self) -> None:
        """End every session of this login, wherever it is: each stops working at its next request."""
        self.modify(inc__session_generation=1)

    def audit_summary(self) -> dict:
        return {"roles": list(self.roles), "hr_divisions": list(self.hr_divisions), "active": self.active,
                "awaiting_first_sign_in": self.awaiting_first_sign_in, "may_dismiss": self.may_dismiss,
                "assignment_number": self.assignment_number}

    @property
    def has_second_factor(self) -> bool:
        return bool(self.totp_secret)

    def second_factor_summary(self) -> dict:
        """What an audit entry of a second-factor change shows, never a secret or a code."""
        return {"second_factor": self.has_second_factor, "recovery_codes_left": len(self.recovery_code_hashes)}

    def turn_on_second_factor(self, secret: str, step: int, recovery_codes: list[str]) -> dict:
        """Use the authenticator sharing `secret` from now on (its code of time `step` confirmed it), with these
        recovery codes (stored hashed)."""
        before = self.second_factor_summary()
        self.totp_secret, self.totp_last_step = secret, step
        self.recovery_code_hashes = [hash_password(code) for code in recovery_codes]
        return {"before": before, "after": self.second_factor_summary()}

    def turn_off_second_factor(self) -> dict:
        """Sign in with the password alone from now on."""
        before = self.second_factor_summary()
        self.totp_secret = self.totp_last_step = None
        self.recovery_code_hashes = []
        return {"before": before, "after": self.second_factor_summary()}

    def replace_recovery_codes(self, recovery_codes: list[str]) -> dict:
        """New recovery codes (stored hashed); the old ones stop working."""
        before = self.second_factor_summary()
        self.recovery_code_hashes = [hash_password(code) for code in recovery_codes]
        return {"before": before, "after": self.second_factor_summary()}

    def use_time_step(self, step: int) -> bool:
        """Mark the authenticator's code of time `step` used, in one atomic step: False when that step or a later
        one was used already (a replay, or the same code sent twice at once)."""
        unused = me.Q(totp_last_step=None) | me.Q(totp_last_step__lt=step)
        used = User.objects(me.Q(pk=self.pk, totp_secret=self.totp_secret) & unused).update_one(
            set__totp_last_step=step)
        if used:
            self.totp_last_step = step
        return bool(used)

    def use_recovery_code(self, code: str, actor: str) -> bool:
        """Use the recovery code `code` (its ten characters), in one atomic step with its audit entry: False when
        it is not one of this login's, or was used already."""
        found = next((stored for stored in self.recovery_code_hashes if check_password_hash(stored, code)), None)
        if found is None:
            return False
        left = len(self.recovery_code_hashes)
        entry = AuditEntry(actor=actor, action="recovery code used", before={"recovery_codes_left": left},
                           after={"recovery_codes_left": left - 1})
        used = User.objects(pk=self.pk, recovery_code_hashes=found).update_one(
            pull__recovery_code_hashes=found, push__audit=entry)
        if used:
            self.recovery_code_hashes.remove(found)
        return bool(used)


def words_of(name: str | None, email: str | None) -> list[str]:
    """What the Users search matches the start of: the words of a name and of an e-mail address, and the whole
    address, in lower case ("Isabella Cook", "i.cook@trust.nhs.uk" → isabella, cook, i.cook@trust.nhs.uk, i, …)."""
    email = (email or "").strip().lower()
    words = re.split(r"[\s.@_+-]+", f"{(name or '').lower()} {email}")
    return sorted({word for word in [*words, email] if word})


@functools.cache
def _nobody_s_hash(method: str) -> str:
    """The hash of a random password no one knows, made like every user's."""
    return generate_password_hash(secrets.token_urlsafe(32), method)


def check_nobody_s_password(password: str) -> bool:
    """Check `password` as long as a user's would take, for a login that is unknown or switched off, so the time
    a refusal takes does not tell which logins exist. Always False."""
    check_password_hash(_nobody_s_hash(_password_method), password)
    return False


@dataclasses.dataclass(frozen=True)
class TakenAttempt:
    """A login's attempts before the one just taken: how many since the last success, when the last was taken,
    and when a lock on the login ends."""

    attempts: int
    last_attempt_at: dt.datetime | None
    locked_until: dt.datetime | None


class LoginThrottle(me.Document):
    """Sign-in attempts for one login name, known or not, since its last success, so guessing is slowed then
    stopped. Read and written only through single atomic operations, so parallel attempts are all counted."""

    login = me.StringField(required=True, unique=True)
    attempts = me.IntField(default=0)
    last_attempt_at = me.DateTimeField()
    locked_until = me.DateTimeField()

    meta = {"collection": "login_throttle", "strict": False}

    @classmethod
    def take(cls, login: str, now: dt.datetime) -> TakenAttempt:
        """Count one more attempt for `login`, taken `now`, in one atomic step, and return the state before it."""
        update = {"$inc": {"attempts": 1}, "$set": {"last_attempt_at": now}}
        projection = {"attempts": 1, "last_attempt_at": 1, "locked_until": 1}
        try:
            before = cls._get_collection().find_one_and_update(
                {"login": login}, update, projection=projection, upsert=True, return_document=ReturnDocument.BEFORE)
        except DuplicateKeyError:    # another attempt created the login's document first: count on it
            before = cls._get_collection().find_one_and_update(
                {"login": login}, update, projection=projection, return_document=ReturnDocument.BEFORE)
        before = before or {}
        return TakenAttempt(before.get("attempts", 0), before.get("last_attempt_at"), before.get("locked_until"))

    @classmethod
    def lock(cls, login: str, until: dt.datetime, now: dt.datetime) -> None:
        """Lock `login` until `until`, unless it is locked already (attempts during a lock do not lengthen it)."""
        cls._get_collection().update_one(
            {"login": login, "$or": [{"locked_until": None}, {"locked_until": {"$lte": now}}]},
            {"$set": {"locked_until": until}})

    @classmethod
    def clear(cls, login: str) -> None:
        """Forget the attempts for `login` (after a success)."""
        cls._get_collection().delete_one({"login": login})
