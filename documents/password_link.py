"""Set-password links: what a new login, or someone who forgot their password, follows to choose one. Only a hash
of the link's secret is stored (its SHA-256, as an API token's); a link works once, until it expires."""
from __future__ import annotations

import datetime as dt
import secrets

import mongoengine as me

from documents.api_token import token_hash
from documents.base import utcnow

PURPOSES = ("set", "reset")     # a new login's first password (or an admin's link); a forgotten password


class PasswordLink(me.Document):
    """One link for one login: made by whom, for what, working until `expires_at` and only once (`used_at`)."""

    secret_hash = me.StringField(required=True, unique=True)
    user = me.ObjectIdField(required=True)
    purpose = me.StringField(required=True, choices=PURPOSES)
    made_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=utcnow)
    expires_at = me.DateTimeField(required=True)
    used_at = me.DateTimeField()

    meta = {"collection": "password_links", "indexes": ["user", {"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    @classmethod
    def make(cls, user_id, purpose: str, made_by: str, lifetime: dt.timedelta) -> str:
        """A new link for the login `user_id`; its secret, which only the link itself holds. Earlier links for
        the same login stop working: only the newest one does."""
        now = utcnow()
        cls.objects(user=user_id, used_at=None).update(set__used_at=now)
        secret = secrets.token_urlsafe(32)
        cls(secret_hash=token_hash(secret), user=user_id, purpose=purpose, made_by=made_by, created_at=now,
            expires_at=now + lifetime).save(force_insert=True)
        return secret

    @classmethod
    def live(cls, secret: str) -> PasswordLink | None:
        """The unused, unexpired link with this secret, or None."""
        found = cls.objects(secret_hash=token_hash(secret or ""), used_at=None).first()
        return found if found is not None and found.expires_at > utcnow() else None

    def use(self) -> bool:
        """Spend the link, once: False when it was spent already (by a request sent at the same moment)."""
        return bool(PasswordLink.objects(pk=self.pk, used_at=None).update_one(set__used_at=utcnow()))
