"""Hierarchy health kept as a result (services/hierarchy_health.py writes it, in the background): its four lists for
every division, as of a day and a time, so that the page reads one small document and never every employee and
login on the request (1 s and more at 25,000 staff)."""
from __future__ import annotations

import mongoengine as me

ONLY = "health"     # the one row


class HierarchyHealth(me.Document):
    """The lists (`lists`: {list name: [entries as plain values]}) found on `as_of`, checked at `checked_at`, with
    more than `max_reports` direct reports counted as many."""

    id = me.StringField(primary_key=True, default=ONLY)
    as_of = me.DateField(required=True)
    checked_at = me.DateTimeField(required=True)
    max_reports = me.IntField(required=True)
    lists = me.DictField()

    meta = {"collection": "hierarchy_health"}

    @classmethod
    def kept(cls) -> HierarchyHealth | None:
        """The result kept (one read by id), if any."""
        return cls.objects(pk=ONLY).first()
