"""What every edited document shares: a version for optimistic saves and an audit trail."""
from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Callable, overload

import mongoengine as me
from mongoengine.errors import SaveConditionError
from pymongo.errors import BulkWriteError

STALE_MESSAGE = "Someone else changed this record while you were working on it. Reload the page and try again."


class StaleEditError(Exception):
    """A save found a newer version in the database than the one it was based on."""

    def __init__(self, message: str = STALE_MESSAGE):
        super().__init__(message)


def utcnow() -> dt.datetime:
    """The current time in UTC, without tzinfo, as MongoDB stores it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def midnight(day: dt.date) -> dt.datetime:
    """A date as MongoDB holds it: a datetime at midnight (for raw queries and pipelines)."""
    return dt.datetime.combine(day, dt.time())


@overload
def as_date(value: dt.date | dt.datetime) -> dt.date: ...
@overload
def as_date(value: None) -> None: ...
def as_date(value: dt.date | dt.datetime | None) -> dt.date | None:
    """A date read raw from MongoDB (a datetime at midnight) as the date it stands for."""
    return value.date() if isinstance(value, dt.datetime) else value


class AuditEntry(me.EmbeddedDocument):
    """One change: who made it, when, what it was, and the values before and after."""

    actor = me.StringField(required=True)
    at = me.DateTimeField(required=True, default=utcnow)
    action = me.StringField(required=True)
    before = me.DictField()
    after = me.DictField()
    reason = me.StringField()


class Versioned:
    """Mixin for documents people edit: `version` plus `audit`, saved with a version check.

    Documents using it declare `version = me.IntField(default=0)` and
    `audit = me.EmbeddedDocumentListField(AuditEntry)`.
    """

    version: int
    audit: list[AuditEntry]

    def record(self, actor: str, action: str, before: dict | None = None,
               after: dict | None = None, reason: str | None = None) -> AuditEntry:
        """Append an audit entry to this document (saved with its next `save_checked`)."""
        entry = AuditEntry(actor=actor, action=action, before=plain_values(before or {}),
                           after=plain_values(after or {}), reason=reason)
        self.audit.append(entry)
        return entry

    def audit_summary(self) -> dict:
        """The document's state that every audit entry of a change shows before and after (nothing here;
        a document may say more)."""
        return {}

    def change(self, actor: str, action: str, apply: Callable[..., dict | None], reason: str | None = None,
               version: int | None = None):
        """Apply `apply` (a function of this document making its changes through the document's own methods)
        and save with one audit entry: the summary before and after, with the entry's own detail `apply` may
        return ({"before": {...}, "after": {...}}). `version` is the one the user saw: a newer one in the
        database refuses the change (StaleEditError)."""
        if version is not None and version != self.version:
            raise StaleEditError()
        before = self.audit_summary()
        detail = apply(self) or {}
        self.record(actor, action, {**before, **detail.get("before", {})},
                    {**self.audit_summary(), **detail.get("after", {})}, reason)
        self.save_checked()
        return self

    def save_checked(self, **kwargs):
        """Save only if nobody else saved since this copy was read; raise StaleEditError if they did."""
        if self.pk is None or self._created:
            self.version = 1
            return self.save(force_insert=True, **kwargs)
        read_version = self.version
        self.version = read_version + 1
        try:
            return self.save(save_condition={"version": read_version}, **kwargs)
        except SaveConditionError:
            self.version = read_version
            raise StaleEditError() from None


def stored_audit_entry(actor: str, action: str, at: dt.datetime, before: dict, after: dict,
                       reason: str | None = None) -> dict:
    """An AuditEntry as MongoDB stores it, for bulk writes that go round the documents (imports, scope refresh)."""
    entry = {"actor": actor, "at": at, "action": action, "before": plain_values(before), "after": plain_values(after)}
    return entry if reason is None else {**entry, "reason": reason}


def plain_values(values: dict) -> dict:
    """Audit values as plain, storable data (dates as ISO strings)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif isinstance(value, (list, tuple)):
            value = [v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in value]
        out[key] = value
    return out


def field_errors(error: Exception) -> dict[str, str]:
    """{field: message} from a MongoEngine ValidationError, including those raised by `clean()`."""
    found: dict[str, str] = {}

    def walk(errors, prefix=""):
        for key, value in (errors or {}).items():
            name = prefix if key == "__all__" else (f"{prefix}.{key}" if prefix else str(key))
            nested = getattr(value, "errors", None)
            if isinstance(value, dict):
                walk(value, name)
            elif nested:
                walk(nested, name)
            else:
                found.setdefault(name or "__all__", getattr(value, "message", None) or str(value))

    walk(getattr(error, "errors", None))
    if not found:
        found["__all__"] = str(error)
    return found


def bulk_write_in_chunks(collection, writes, total: int, chunk: int = 2000, progress=None) -> int:
    """Send `writes` (an iterable of pymongo operations, `total` of them) unordered, `chunk` at a time,
    reporting progress as ("applying", done, total); return how many changed nothing: an update whose version
    check failed because someone saved the document meanwhile."""
    writes, done, missed = iter(writes), 0, 0
    while batch := list(islice(writes, chunk)):
        try:
            result = collection.bulk_write(batch, ordered=False).bulk_api_result
        except BulkWriteError as error:
            result = error.details
        done += len(batch)
        missed += len(batch) - result["nInserted"] - result["nMatched"]
        if progress:
            progress("applying", done, total)
    return missed


def write_or_redo(collection, writes: list, redo: Callable[[dict], object]) -> None:
    """Send `writes` unordered; each insert that found its `_id` taken (someone inserted it meanwhile) is sent
    again as `redo(its document)` (an update or a replacement). For rows a writer believes new: the embedded
    database takes an upsert about ten times as long as an insert."""
    try:
        collection.bulk_write(writes, ordered=False)
    except BulkWriteError as error:
        clashes = [writes[failure["index"]] for failure in error.details["writeErrors"] if failure["code"] == 11000]
        if len(clashes) < len(error.details["writeErrors"]):
            raise
        collection.bulk_write([redo(write._doc) for write in clashes], ordered=False)
