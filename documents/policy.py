"""An attendance policy as data: the trigger rules, stage ladders and time limits."""
from __future__ import annotations

import functools

import mongoengine as me

from casework.policy import Policy as PolicyRules
from casework.policy import load_policy
from casework.policy_timeline import Scheduled
from documents.base import AuditEntry, Versioned, as_date

STANDING = {"key": 1, "revision": 1, "active": 1, "scheduled": 1, "takes_effect_on": 1, "scheduled_at": 1}


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
    # Activated from a later day: in force from `takes_effect_on` (see casework.policy_timeline), until a version is
    # activated at once (which clears every schedule).
    scheduled = me.BooleanField(default=False)
    takes_effect_on = me.DateTimeField()
    scheduled_at = me.DateTimeField()
    created_by = me.StringField(required=True)
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    meta = {
        "collection": "policies",
        "indexes": [{"fields": ["key", "revision"], "unique": True}, "active", "scheduled"],
    }

    @classmethod
    def active_policy(cls) -> "Policy | None":
        return cls.objects(active=True).first()

    @classmethod
    def standing(cls) -> tuple[tuple[str, int] | None, list[Scheduled]]:
        """(key, revision) of the version activated at once (None before presets are installed), and the versions
        scheduled from a day, in one read of the few versions that are either."""
        active, scheduled = None, []
        for row in cls._get_collection().find({"$or": [{"active": True}, {"scheduled": True}]}, STANDING):
            if row.get("active"):
                active = (row["key"], row["revision"])
            if row.get("scheduled"):
                scheduled.append(Scheduled(row["key"], row["revision"], as_date(row["takes_effect_on"]),
                                           row["scheduled_at"]))
        return active, scheduled


@functools.lru_cache(maxsize=32)
def policy_rules(key: str, revision: int) -> PolicyRules:
    """The rules of one stored policy version (versions never change once stored, so they are cached)."""
    return load_policy(Policy.objects.get(key=key, revision=revision).rules)
