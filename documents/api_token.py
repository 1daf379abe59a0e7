"""API tokens: what another system presents as `Authorization: Bearer TOKEN`. Only a hash is stored."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import mongoengine as me

from documents.base import utcnow

SCOPES = ("read", "write", "medical")
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(me.Document):
    """A named token with its scopes; revoked tokens are kept so their name stays taken and visible."""

    name = me.StringField(required=True, unique=True, max_length=100, regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    token_hash = me.StringField(required=True, unique=True)
    scopes = me.ListField(me.StringField(choices=SCOPES), required=True)
    created_at = me.DateTimeField(required=True, default=utcnow)
    revoked_at = me.DateTimeField()
    expires_at = me.DateTimeField()     # None: a token issued before tokens expired, until it is revoked
    last_used_at = me.DateTimeField()

    meta = {"collection": "api_tokens"}

    @classmethod
    def issue(cls, name: str, scopes: list[str], days: int | None = None) -> tuple[ApiToken, str]:
        """A new token named `name`, working for `days` days (None: until revoked): the document (saved) and the
        token itself, shown once."""
        token = secrets.token_urlsafe(32)
        now = utcnow()
        document = cls(name=name, token_hash=token_hash(token), scopes=[s for s in SCOPES if s in scopes],
                       created_at=now, expires_at=now + dt.timedelta(days=days) if days is not None else None)
        document.save(force_insert=True)
        return document, token

    @classmethod
    def bearing(cls, authorization: str | None) -> ApiToken | None:
        """The live token (not revoked, not expired) an `Authorization: Bearer …` header carries, or None; notes
        when it was last used."""
        kind, _, token = (authorization or "").partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            return None
        found = cls.objects(token_hash=token_hash(token.strip()), revoked_at=None).first()
        if found is not None and found.expired:
            return None
        if found is not None and (found.last_used_at is None or utcnow() - found.last_used_at > TOUCH_EVERY):
            found.last_used_at = utcnow()
            cls.objects(pk=found.pk).update_one(set__last_used_at=found.last_used_at)
        return found

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def actor(self) -> str:
        """How this token appears in audit trails and the medical-read log."""
        return f"api:{self.name}"
