"""An attendance policy as data: the trigger rules, stage ladders and time limits."""
from __future__ import annotations

import functools

import mongoengine as me

from casework.policy import Policy as PolicyRules
from casework.policy import load_policy
from casework.policy_timeline import Scheduled
from documents.base import AuditEntry, Versioned, as_date

STANDING = {"key": 1, "revision": 1, "handovers": 1}


class Handover(me.EmbeddedDocument):
    """A version activated from a later day: `key` revision `revision` is in force from `starts_on`."""

    key = me.StringField(required=True)
    revision = me.IntField(required=True)
    starts_on = me.DateTimeField(required=True)
    at = me.DateTimeField(required=True)


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
    # On the active version: the versions activated from a later day, each in force from its day (see
    # casework.policy_timeline), kept here so one indexed read finds the version in force; a version activated
    # at once starts with none.
    handovers = me.EmbeddedDocumentListField(Handover)
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

    @classmethod
    def standing(cls) -> tuple[tuple[str, int] | None, list[Scheduled]]:
        """(key, revision) of the active version (None before presets are installed) and the versions scheduled to
        take over from a day, in one indexed read."""
        row = cls._get_collection().find_one({"active": True}, STANDING)
        if row is None:
            return None, []
        return (row["key"], row["revision"]), [
            Scheduled(item["key"], item["revision"], as_date(item["starts_on"]), item["at"])
            for item in row.get("handovers", ())]


@functools.lru_cache(maxsize=32)
def policy_rules(key: str, revision: int) -> PolicyRules:
    """The rules of one stored policy version (versions never change once stored, so they are cached)."""
    return load_policy(Policy.objects.get(key=key, revision=revision).rules)
