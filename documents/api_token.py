"""API tokens: what another system presents as `Authorization: Bearer TOKEN`. Only a hash is stored."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import mongoengine as me

from casework.api_tokens import EXPIRED, sees_division, token_state
from documents.base import AuditEntry, plain_values, utcnow

SCOPES = ("read", "write", "medical")
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(me.Document):
    """A named token with its scopes, limited to some divisions' employees or not (no divisions: every one);
    revoked tokens are kept so their name stays taken and visible, with the audit trail of what was done to them."""

    name = me.StringField(required=True, unique=True, max_length=100, regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    token_hash = me.StringField(required=True, unique=True)
    scopes = me.ListField(me.StringField(choices=SCOPES), required=True)
    created_at = me.DateTimeField(required=True, default=utcnow)
    revoked_at = me.DateTimeField()
    expires_at = me.DateTimeField()     # None: a token issued before tokens expired, until it is revoked
    last_used_at = me.DateTimeField()
    divisions = me.ListField(me.StringField(max_length=200))   # empty: every division
    rotated_at = me.DateTimeField()
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {"collection": "api_tokens"}

    @classmethod
    def issue(cls, name: str, scopes: list[str], days: int | None = None, divisions: list[str] | None = None,
              actor: str | None = None) -> tuple[ApiToken, str]:
        """A new token named `name`, working for `days` days (None: until revoked), for the employees of
        `divisions` (None or empty: every division): the document (saved) and the token itself, shown once."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        document = cls(name=name, token_hash=token_hash(token), scopes=[s for s in SCOPES if s in scopes],
                       divisions=sorted(set(divisions or [])), created_at=now,
                       expires_at=now + dt.timedelta(days=days) if days is not None else None)
        if actor:
            document.audit.append(AuditEntry(actor=actor, at=now, action="token created",
                                             after=plain_values(document.summary())))
        document.save(force_insert=True)
        return document, token

    @classmethod
    def bearing(cls, authorization: str | None) -> ApiToken | None:
        """The live token (not revoked, not expired) an `Authorization: Bearer …` header carries, or None; notes
        when it was last used."""
        kind, _, token = (authorization or "").partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            return None
        found = cls.objects(token_hash=token_hash(token.strip()), revoked_at=None).exclude("audit").first()
        if found is not None and found.expired:
            return None
        if found is not None and (found.last_used_at is None or utcnow() - found.last_used_at > TOUCH_EVERY):
            found.last_used_at = utcnow()
            cls.objects(pk=found.pk).update_one(set__last_used_at=found.last_used_at)
        return found

    def rotate(self, days: int, actor: str) -> str | None:
        """A new secret for this live token, working `days` days from now: the old one stops working at once.
        The new secret, or None when the token was revoked meanwhile (nothing changed)."""
        token, now = secrets.token_urlsafe(32), utcnow()
        expires_at = now + dt.timedelta(days=days)
        entry = AuditEntry(actor=actor, at=now, action="token rotated",
                           before={"expires_at": _iso(self.expires_at)}, after={"expires_at": _iso(expires_at)})
        if not ApiToken.objects(pk=self.pk, revoked_at=None, token_hash=self.token_hash).update_one(
                set__token_hash=token_hash(token), set__expires_at=expires_at, set__rotated_at=now,
                push__audit=entry):
            return None
        self.token_hash, self.expires_at, self.rotated_at = token_hash(token), expires_at, now
        return token

    @classmethod
    def revoke(cls, name: str, actor: str) -> bool:
        """Stop the live token named `name` from working at once; False when no such token is in use."""
        now = utcnow()
        entry = AuditEntry(actor=actor, at=now, action="token revoked", before={"state": "live"},
                           after={"state": "revoked"})
        return bool(cls.objects(name=name, revoked_at=None).update_one(set__revoked_at=now, push__audit=entry))

    def summary(self) -> dict:
        """What an audit entry shows of the token: never its secret."""
        return {"scopes": list(self.scopes), "divisions": list(self.divisions), "expires_at": self.expires_at}

    def sees(self, division: str | None) -> bool:
        """Whether this token may see or change the employees of `division`."""
        return sees_division(self.divisions, division)

    @property
    def state(self) -> str:
        """"revoked", "expired" or "live"."""
        return token_state(self.revoked_at, self.expires_at, utcnow())

    @property
    def expired(self) -> bool:
        return token_state(None, self.expires_at, utcnow()) == EXPIRED

    @property
    def actor(self) -> str:
        """How this token appears in audit trails and the medical-read log."""
        return f"api:{self.name}"


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None
