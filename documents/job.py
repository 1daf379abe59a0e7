"""A background job kept in the database (an import checked or applied, a trigger scan, a notification run, a
figures rebuild): queued, then claimed by one process for a lease its heartbeat renews, then done or failed.

Every change of hands is one atomic conditional write: a claim takes a queued job, or a running one whose lease
lapsed, and sets a fresh claim token; a running job's writes (heartbeat, progress, finish, failure, release)
match its claim token, so a process that lost its lease changes nothing. The rules are in `casework.jobs`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import mongoengine as me

from casework.jobs import lease_end
from documents.base import utcnow

STATUSES = ("queued", "running", "done", "failed")


@dataclasses.dataclass(frozen=True)
class Owner:
    """A process that runs jobs: its machine and process id (to tell when it has certainly stopped)."""

    host: str
    pid: int


class JobQuerySet(me.QuerySet):
    """Queries on jobs."""

    def visible_to(self, user):
        """Admins see every job; anyone else only the jobs they started."""
        return self if user.has_role("admin") else self.filter(created_by=user.email)


class Job(me.Document):
    """One piece of background work of a registered kind, with the values it needs in `parameters`."""

    kind = me.StringField(required=True, max_length=50)
    parameters = me.DictField()
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=utcnow)
    status = me.StringField(required=True, choices=STATUSES, default="queued")
    owner_host = me.StringField()
    owner_pid = me.IntField()
    claim = me.StringField()               # a fresh token each time the job is claimed
    lease_until = me.DateTimeField()
    heartbeat_at = me.DateTimeField()
    started_at = me.DateTimeField()
    finished_at = me.DateTimeField()
    attempts = me.IntField(default=0)
    max_attempts = me.IntField(default=1)
    stage = me.StringField()
    done = me.IntField(default=0)
    total = me.IntField(default=0)
    result = me.DictField()
    failure = me.StringField()

    meta = {"collection": "jobs", "queryset_class": JobQuerySet,
            "indexes": [("status", "created_at"), ("status", "lease_until"), ("created_by", "-created_at")]}

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.done / self.total) if self.total else 0

    @classmethod
    def queue(cls, kind: str, parameters: dict, created_by: str, max_attempts: int) -> Job:
        """A new job waiting for a process to claim it."""
        job = cls(kind=kind, parameters=parameters, created_by=created_by, max_attempts=max_attempts)
        job.save()
        return job

    @classmethod
    def start(cls, kind: str, parameters: dict, created_by: str, max_attempts: int, owner: Owner,
              lease_seconds: float, now: dt.datetime | None = None) -> Job:
        """A new job already claimed by `owner`, which runs it at once."""
        now = now or utcnow()
        job = cls(kind=kind, parameters=parameters, created_by=created_by, max_attempts=max_attempts,
                  status="running", **_claimed(owner, now, lease_seconds), attempts=1)
        job.save()
        return job

    @classmethod
    def claim_queued(cls, kinds: list[str], owner: Owner, lease_seconds: float,
                     now: dt.datetime | None = None) -> Job | None:
        """Claim the oldest queued job of one of `kinds` for `owner`, or None when none waits."""
        now = now or utcnow()
        return cls.objects(status="queued", kind__in=kinds).order_by("created_at").modify(
            new=True, inc__attempts=1, **_set(status="running", **_claimed(owner, now, lease_seconds)))

    def claim_lapsed(self, owner: Owner, lease_seconds: float, now: dt.datetime | None = None) -> Job | None:
        """Claim this running job whose lease lapsed (as read), or None when someone changed it meanwhile."""
        now = now or utcnow()
        return Job.objects(pk=self.pk, status="running", claim=self.claim).modify(
            new=True, inc__attempts=1, **_set(**_claimed(owner, now, lease_seconds)))

    @classmethod
    def running_lapsed(cls, now: dt.datetime | None = None):
        """The running jobs whose lease lapsed by `now`, lapsed longest first."""
        return cls.objects(status="running", lease_until__lt=now or utcnow()).order_by("lease_until")

    @classmethod
    def prune(cls, finished_before: dt.datetime) -> int:
        """Forget the jobs that finished before `finished_before`; returns how many. What their work changed keeps
        its own record (an import's page, the cases' audit trails)."""
        return cls.objects(status__in=("done", "failed"), finished_at__lt=finished_before).delete()

    @classmethod
    def running_on(cls, host: str):
        """The running jobs claimed by processes on `host`."""
        return cls.objects(status="running", owner_host=host).only("owner_host", "owner_pid", "claim")

    def renew(self, lease_seconds: float, now: dt.datetime | None = None, **progress) -> bool:
        """The heartbeat: the lease runs `lease_seconds` from `now` (and the progress given is kept); False when
        the job is no longer this claim's."""
        now = now or utcnow()
        return bool(self._mine().update_one(**_set(lease_until=lease_end(now, lease_seconds), heartbeat_at=now,
                                                     **progress)))

    def expire(self, now: dt.datetime | None = None) -> bool:
        """End the lease now: the process holding it has certainly stopped."""
        return bool(self._mine().update_one(set__lease_until=now or utcnow()))

    def finish(self, result: dict, now: dt.datetime | None = None) -> bool:
        """Done, with what it found; False when the job is no longer this claim's."""
        return bool(self._mine().update_one(**_set(status="done", result=result, finished_at=now or utcnow(),
                                                     lease_until=None)))

    def fail(self, reason: str, now: dt.datetime | None = None) -> bool:
        """Failed, with the reason; False when the job is no longer this claim's."""
        return bool(self._mine().update_one(**_set(status="failed", failure=reason, finished_at=now or utcnow(),
                                                     lease_until=None)))

    def release(self) -> bool:
        """Back to the queue without counting this attempt: its process is stopping before it finished."""
        return bool(self._mine().update_one(dec__attempts=1, **_set(
            status="queued", claim=None, owner_host=None, owner_pid=None, lease_until=None)))

    def _mine(self):
        return Job.objects(pk=self.pk, status="running", claim=self.claim)


def _claimed(owner: Owner, now: dt.datetime, lease_seconds: float) -> dict:
    return {"owner_host": owner.host, "owner_pid": owner.pid, "claim": uuid.uuid4().hex, "started_at": now,
            "heartbeat_at": now, "lease_until": lease_end(now, lease_seconds)}


def _set(**values) -> dict:
    return {f"set__{name}": value for name, value in values.items()}
