"""E-mail: the log of what Casebook sends, one entry per message, so "never the same reminder twice in a
day" is a query and a failed send stays on record until a later run delivers it or gives up."""
from __future__ import annotations

import mongoengine as me

from documents.base import utcnow

KINDS = ("each", "digest", "invitation", "notice", "password_link")
KEPT_KINDS = ("invitation", "notice")     # stored whole: a retry sends exactly what failed
# A set-password link is never stored (it holds the link's secret) nor retried: a failure is told to whoever sent
# it, who sends a new link.
STATUSES = ("sending", "sent", "failed", "given_up", "replaced")
MAX_ATTEMPTS = 5


def case_task_key(case_id, task_id: str) -> str:
    """How a notification names a task of a case."""
    return f"case:{case_id}:{task_id}"


def absence_task_key(absence_id, task_id: str) -> str:
    """How a notification names a task of an absence (a return-to-work reminder, an OH referral)."""
    return f"absence:{absence_id}:{task_id}"


class Notification(me.Document):
    """One e-mail to one person: a task reminder ("each"), a daily digest, a meeting invitation, or a notice
    (a flag raised, a task moved by the hierarchy).

    `key` makes a reminder unique: each task once a day per person, one digest a day per person.
    `status` is "sending" while a run holds it, then "sent", or "failed" (retried by the next run),
    "given_up" after MAX_ATTEMPTS, or "replaced" (a reminder of an earlier day that failed: that day's
    reminders are sent anew, for the tasks still open). An invitation or a notice keeps its whole `message`,
    so a retry sends exactly what failed; reminders are composed afresh from the tasks open at the retry.
    """

    recipient = me.StringField(required=True, max_length=254)
    kind = me.StringField(required=True, choices=KINDS)
    day = me.DateField(required=True)
    key = me.StringField()
    tasks = me.ListField(me.StringField())
    subject = me.StringField(required=True, max_length=400)
    status = me.StringField(required=True, choices=STATUSES, default="sending")
    attempts = me.IntField(default=0, min_value=0)
    last_error = me.StringField(max_length=500)
    created_at = me.DateTimeField(required=True, default=utcnow)
    last_attempt_at = me.DateTimeField()
    sent_at = me.DateTimeField()
    message = me.BinaryField()

    meta = {
        "collection": "notifications",
        "indexes": [
            {"fields": ["key"], "unique": True, "sparse": True},
            ("recipient", "day", "status"),
            ("status", "kind", "day"),
        ],
    }

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
