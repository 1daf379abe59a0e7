"""An attendance policy as data: the trigger rules, stage ladders and time limits."""
from __future__ import annotations

import functools

import mongoengine as me

from casework.policy import Policy as PolicyRules
from casework.policy import load_policy
from documents.base import AuditEntry, Versioned


class Policy(Versioned, me.Document):
    """One version of a policy; exactly one policy version is active at a time.

    `rules` holds the policy as loaded from a preset file or an admin's upload;
    its shape is defined and validated by `casework.policy`.
    """

    key = me.StringField(required=True, max_length=60, regex=r"^[a-z0-9][a-z0-9-]*$")
    revision = me.IntField(required=True, min_value=1)
    name = me.StringField(required=True, max_length=200)
    rules = me.DictField(required=True)
    active = me.BooleanField(default=False)
    created_by = me.StringField(required=True)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {
        "collection": "policies",
        "indexes": [{"fields": ["key", "revision"], "unique": True}, "active"],
    }

    @classmethod
    def active_policy(cls) -> "Policy | None":
        return cls.objects(active=True).first()


@functools.lru_cache(maxsize=32)
def policy_rules(key: str, revision: int) -> PolicyRules:
    """The rules of one stored policy version (versions never change once stored, so they are cached)."""
    return load_policy(Policy.objects.get(key=key, revision=revision).rules)
