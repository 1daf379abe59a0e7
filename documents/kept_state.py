"""Which shape of the lists and figures kept beside the records (open-task rows, staff summaries, monthly absence
figures) a database holds. When Casebook keeps them in a newer shape (after an upgrade), or the records came
without them (a restore of an older backup), they are written again once, in the background."""
from __future__ import annotations

import mongoengine as me

from documents.base import utcnow

ONLY = "kept"     # the one row


class KeptState(me.Document):
    """The shape (`version`) of what is kept, and when it was last written whole."""

    id = me.StringField(primary_key=True, default=ONLY)
    version = me.IntField(required=True)
    written_at = me.DateTimeField(required=True, default=utcnow)

    meta = {"collection": "kept_state"}

    @classmethod
    def holds(cls, version: int) -> bool:
        """Whether what is kept is in the shape `version` (one read by id)."""
        return cls.objects(pk=ONLY, version=version).limit(1).count(with_limit_and_skip=True) > 0

    @classmethod
    def mark(cls, version: int) -> None:
        """What is kept was just written whole in the shape `version`."""
        cls.objects(pk=ONLY).update_one(upsert=True, set__version=version, set__written_at=utcnow())
