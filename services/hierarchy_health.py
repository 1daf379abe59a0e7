"""Hierarchy health as a kept result: the job `HIERARCHY_HEALTH` reads every employee and login once and keeps the
four lists for every division (documents/hierarchy_health.py); the page shows the kept lists of the user's
divisions with the time they were checked (a page only reads), so no request reads a whole collection. The job
runs when someone asks for a check from the page ("Check again"), after an employee import is applied and a
login is switched off or on or given other roles or another assignment, and in the kept rebuild (services/kept.py). A
stranded task is shown only while its case still has it open with the same holder (one read by id of each case
listed): a task given away since is not offered again.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from documents.base import utcnow
from documents.case import Case
from documents.hierarchy_health import HierarchyHealth
from documents.job import Job
from services import clock
from services.jobs import Host, JobSettings, Running, allowed_attempts, start
from services.reads.hierarchy import Person, StrandedTask, health

HIERARCHY_HEALTH = "hierarchy_health"
CHECKED_BY = "casebook, for hierarchy health"
DEFAULT_MAX_REPORTS = 15        # more direct reports than this are many (HIERARCHY_MAX_REPORTS overrides it)
PEOPLE_LISTS = ("without_supervisor", "without_login", "many_reports")   # (Person, a value) pairs


def check_hierarchy(as_of: dt.date, max_reports: int) -> int:
    """Find the four lists for every division as of `as_of` and keep them; returns how many entries in all."""
    found = health(as_of, None, max_reports)
    lists = {name: [{**dataclasses.asdict(person), "value": value} for person, value in found[name]]
             for name in PEOPLE_LISTS}
    lists["stranded"] = [{**{field.name: getattr(item, field.name) for field in dataclasses.fields(item)
                             if field.name != "case"}, "case": item.case.pk} for item in found["stranded"]]
    HierarchyHealth.objects(pk=HierarchyHealth().id).update_one(
        upsert=True, set__as_of=as_of, set__checked_at=utcnow(), set__max_reports=max_reports,
        set__lists=lists)
    return sum(len(entries) for entries in lists.values())


def run_hierarchy_health(job: Job, running: Running) -> int:
    """The job `HIERARCHY_HEALTH`."""
    return check_hierarchy(dt.date.fromisoformat(job.parameters["as_of"]), int(job.parameters["max_reports"]))


def kept_checked(entries: int) -> dict:
    return {"entries": entries}


@dataclasses.dataclass(frozen=True)
class ShownHealth:
    """The lists the page shows, when they were checked (in the organisation's time zone; None: never yet), whether
    a check is under way, and the limit of direct reports they were counted with."""

    lists: dict
    checked_at: dt.datetime | None
    checking: bool
    max_reports: int | None       # more direct reports than this counted as many when checked


def shown_health(divisions: set[str] | None) -> ShownHealth:
    """The kept lists of `divisions` (None: all), when they were checked and with what limit of direct reports,
    and whether a check is under way: reads only (the kept result, the jobs waiting, the few stranded cases)."""
    kept = HierarchyHealth.kept()
    checking = bool(Job.objects(kind=HIERARCHY_HEALTH, status__in=("queued", "running")).limit(1).count(
        with_limit_and_skip=True))
    if kept is None:
        return ShownHealth({name: [] for name in (*PEOPLE_LISTS, "stranded")}, None, checking, None)
    lists: dict[str, list] = {name: [(_person(entry), entry["value"]) for entry in kept.lists.get(name, [])
                                     if divisions is None or entry["division"] in divisions] for name in PEOPLE_LISTS}
    lists["stranded"] = _still_stranded([entry for entry in kept.lists.get("stranded", [])
                                         if divisions is None or entry.get("division") in divisions])
    return ShownHealth(lists, kept.checked_at.replace(tzinfo=dt.UTC).astimezone(clock.zone()), checking,
                       kept.max_reports)


def queue_check(max_reports: int, actor: str, settings: JobSettings) -> Job:
    """Queue the check as of today for the next runner (after a job that changed the hierarchy), unless one is
    queued or running already (that one)."""
    waiting = Job.objects(kind=HIERARCHY_HEALTH, status__in=("queued", "running")).first()
    return waiting or Job.queue(HIERARCHY_HEALTH, {"as_of": clock.today().isoformat(), "max_reports": max_reports},
                                actor, allowed_attempts(HIERARCHY_HEALTH, settings))


def check_again(max_reports: int, actor: str, host: Host) -> Job:
    """Start the check (`HIERARCHY_HEALTH`) as of today, unless one is queued or running already (that one)."""
    waiting = Job.objects(kind=HIERARCHY_HEALTH, status__in=("queued", "running")).first()
    return waiting or start(HIERARCHY_HEALTH, {"as_of": clock.today().isoformat(), "max_reports": max_reports},
                            actor, host)


def _person(entry: dict) -> Person:
    return Person(*(entry[field.name] for field in dataclasses.fields(Person)))


def _still_stranded(entries: list[dict]) -> list[StrandedTask]:
    """The kept stranded tasks whose case still has them open with the same holder and is not closed (each case
    read by its id, for the version its form sends)."""
    cases = {key: Case.objects(pk=key).only("version", "status", "tasks").first()
             for key in dict.fromkeys(entry["case"] for entry in entries)}
    shown = []
    for entry in entries:
        case = cases.get(entry["case"])
        task = next((task for task in case.tasks if task.id == entry["task_id"]), None) if case else None
        if case is not None and case.status != "closed" and task is not None and task.status == "open" and \
                task.assignee == entry["assignee"]:
            shown.append(StrandedTask(case, **{name: value for name, value in entry.items() if name != "case"}))
    return shown
