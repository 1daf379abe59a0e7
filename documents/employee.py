"""An employee: one ESR assignment, placed in the supervisor hierarchy."""
from __future__ import annotations

from typing import Mapping

import mongoengine as me
from pymongo import UpdateOne

from documents.base import AuditEntry, Versioned, midnight, utcnow
from documents.divisions import KeepsDivisions
from documents.scope import ScopedQuerySet
from documents.search_words import SEARCHED_FIELDS, search_words_of, whole_words_of
from documents.staff_summary import StaffSummary

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
REGIONS = ("ENG", "WLS", "SCT", "NIR")


class EmployeeQuerySet(ScopedQuerySet):
    """Queries on employees."""

    def current(self, on):
        """Employees in post on date `on`: started by then (or no start date) and not left before it. Written as
        `$not` of the opposite rather than an `$or` over a missing date, which the embedded database answers by
        reading every employee."""
        return self.filter(__raw__={"start_date": {"$not": {"$gt": midnight(on)}},
                                    "end_date": {"$not": {"$lt": midnight(on)}}})

    def below(self, assignment_number: str):
        """Everyone below `assignment_number` in the supervisor hierarchy, at any depth."""
        return self.filter(manager_path=assignment_number)


class AdjustedThreshold(me.EmbeddedDocument):
    """A trigger's threshold HR raised for this employee (an agreed adjustment): why, when agreed and by whom, the
    day to review it by, and the day HR was given the task to review it (once)."""

    trigger = me.StringField(required=True, max_length=60)
    threshold = me.FloatField(required=True, min_value=0)
    reason = me.StringField(required=True, max_length=1000)
    review_on = me.DateField(required=True)
    agreed_on = me.DateField(required=True)
    set_by = me.StringField(required=True)
    set_at = me.DateTimeField(default=utcnow)
    review_task_on = me.DateField()

    def audited(self) -> dict:
        """What an audit entry keeps of it."""
        return {"trigger": self.trigger, "threshold": self.threshold, "reason": self.reason,
                "review_on": self.review_on.isoformat()}


class Employee(KeepsDivisions, Versioned, me.Document):
    """One assignment from the staff record, with its place in the hierarchy."""

    assignment_number = me.StringField(required=True, unique=True, max_length=40)
    employee_number = me.StringField(max_length=40)
    first_name = me.StringField(required=True, max_length=100)
    last_name = me.StringField(required=True, max_length=100)
    email = me.EmailField()
    job_title = me.StringField(max_length=200)
    division = me.StringField(required=True, max_length=100)
    directorate = me.StringField(max_length=100)
    department = me.StringField(max_length=100)
    fte = me.FloatField(required=True, min_value=0.01, max_value=1.0)
    contracted_hours = me.FloatField(min_value=0, max_value=60)
    working_days = me.ListField(me.StringField(choices=WEEKDAYS), default=lambda: list(WEEKDAYS[:5]))
    region = me.StringField(choices=REGIONS, default="ENG")
    supervisor_assignment_number = me.StringField(max_length=40)
    manager_path = me.ListField(me.StringField())
    start_date = me.DateField()
    end_date = me.DateField()
    address_line_1 = me.StringField(max_length=200)
    address_line_2 = me.StringField(max_length=200)
    town = me.StringField(max_length=100)
    postcode = me.StringField(max_length=20)
    pregnancy = me.BooleanField(default=False)
    disability = me.BooleanField(default=False)
    adjusted_thresholds = me.EmbeddedDocumentListField(AdjustedThreshold)
    summary = me.EmbeddedDocumentField(StaffSummary)   # kept by writes to absences and cases (staff_summary.py)
    search_words = me.ListField(me.StringField())      # the whole words the search finds them by (search_words.py)
    # Every prefix of those words, not indexed: a search of several words finds one by the index and checks the
    # others here (two conditions on the indexed field besides its range make the embedded database read every
    # employee).
    search_words_again = me.ListField(me.StringField())
    version = me.IntField(default=0)
    audit = me.EmbeddedDocumentListField(AuditEntry)

    # What the trigger rules and the scan's writes never read: left out when the scan reads everyone (building the
    # staff summary's embedded documents, and decoding the search words, took half of each employee's reading).
    NOT_FOR_RULES = ("audit", "summary", "search_words", "search_words_again")

    meta = {
        "collection": "employees",
        "queryset_class": EmployeeQuerySet,
        "indexes": [
            "supervisor_assignment_number",
            "manager_path",
            ("division", "last_name", "first_name"),
            ("last_name", "first_name"),
            "search_words",
        ],
    }

    def to_mongo(self, *args, **kwargs):
        """As stored, with the search words of the name, number and job title as they now are (a save or an
        insert keeps them)."""
        named = (self.first_name, self.last_name, self.assignment_number, self.job_title)
        self.search_words, self.search_words_again = whole_words_of(*named), search_words_of(*named)
        return super().to_mongo(*args, **kwargs)


    def clean(self):
        if not self.working_days:
            raise me.ValidationError("An employee works on at least one day of the week.",
                                     errors={"working_days": "Choose at least one working day."})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise me.ValidationError("The leaving date is before the start date.",
                                     errors={"end_date": "The leaving date must be on or after the start date."})
        if self.supervisor_assignment_number == self.assignment_number:
            raise me.ValidationError("An employee cannot supervise themselves.", errors={
                "supervisor_assignment_number": "An employee cannot supervise themselves."})
        unknown = sorted(set(self.working_days) - set(WEEKDAYS))
        if unknown:
            raise me.ValidationError("Unknown working day.", errors={
                "working_days": f"Working days are Mon Tue Wed Thu Fri Sat Sun, not {' '.join(unknown)}."})
        self.working_days = [day for day in WEEKDAYS if day in set(self.working_days)]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def postal_address(self) -> list[str]:
        """The postal address letters go to, a line each (empty when none is known)."""
        return [line for line in (self.address_line_1, self.address_line_2, self.town, self.postcode) if line]

    @property
    def working_pattern(self) -> str:
        return " ".join(self.working_days)

    def adjustment_for(self, trigger: str) -> AdjustedThreshold | None:
        """The threshold HR adjusted for `trigger`, or None."""
        return next((adjusted for adjusted in self.adjusted_thresholds if adjusted.trigger == trigger), None)

    def adjust_threshold(self, adjusted: AdjustedThreshold) -> dict:
        """Record `adjusted` (unsaved), replacing one for the same trigger; returns the audit entry's detail."""
        earlier = self.adjustment_for(adjusted.trigger)
        self.adjusted_thresholds = [kept for kept in self.adjusted_thresholds if kept.trigger != adjusted.trigger]
        self.adjusted_thresholds.append(adjusted)
        return {"before": {"adjusted_threshold": earlier.audited() if earlier else None},
                "after": {"adjusted_threshold": adjusted.audited()}}

    def remove_adjusted_threshold(self, trigger: str) -> dict:
        """Remove the adjustment of `trigger` (unsaved); returns the audit entry's detail."""
        earlier = self.adjustment_for(trigger)
        self.adjusted_thresholds = [kept for kept in self.adjusted_thresholds if kept.trigger != trigger]
        return {"before": {"adjusted_threshold": earlier.audited() if earlier else None},
                "after": {"adjusted_threshold": None}}


def rebuild_manager_paths() -> int:
    """Recompute every employee's chain of supervisors from the supervisor links; return how many changed.

    Reads the hierarchy once and writes only the employees whose chain changed.
    A cycle or a missing supervisor ends the chain where it breaks.
    """
    rows = list(Employee._get_collection().find(
        {}, {"assignment_number": 1, "supervisor_assignment_number": 1, "manager_path": 1}))
    return write_chains(rows, manager_chains({row["assignment_number"]: row.get("supervisor_assignment_number")
                                              for row in rows}))


def write_chains(rows: list[dict], chains: Mapping[str, list[str]]) -> int:
    """Write `chains` ({assignment_number: chain of supervisors}) onto the stored employees `rows` (each with its
    id, number and stored chain) whose stored chain differs, in one bulk write; returns how many."""
    updates = [UpdateOne({"_id": row["_id"]}, {"$set": {"manager_path": chains[row["assignment_number"]]}})
               for row in rows if row.get("manager_path", []) != chains[row["assignment_number"]]]
    if updates:
        Employee._get_collection().bulk_write(updates, ordered=False)
    return len(updates)


def manager_chain(number: str, supervisor_of: Mapping[str, str | None]) -> list[str]:
    """The supervisors of `number` ({assignment_number: supervisor's} of everyone), nearest first; a cycle or a
    missing supervisor ends the chain where it breaks."""
    path, seen, boss = [], {number}, supervisor_of.get(number)
    while boss and boss in supervisor_of and boss not in seen:
        path.append(boss)
        seen.add(boss)
        boss = supervisor_of.get(boss)
    return path


def manager_chains(supervisor_of: Mapping[str, str | None]) -> dict[str, list[str]]:
    """{assignment_number: chain of supervisors} of everyone in `supervisor_of`, each as `manager_chain`."""
    return {number: manager_chain(number, supervisor_of) for number in supervisor_of}


def search_words_update(values: Mapping) -> dict:
    """The `$set` of the search words of an employee whose name, number and job title are now `values`."""
    named = [values.get(name) for name in SEARCHED_FIELDS]
    return {"search_words": whole_words_of(*named), "search_words_again": search_words_of(*named)}


def fill_employee_search_words(everyone: bool = False) -> int:
    """Give the employees saved before the search words existed (`everyone`: all employees) their words again, in
    one read and bulk writes; returns how many were written."""
    collection = Employee._get_collection()
    where = {} if everyone else {"search_words": {"$exists": False}}
    writes = [UpdateOne({"_id": row["_id"]}, {"$set": search_words_update(row)})
              for row in collection.find(where, dict.fromkeys(SEARCHED_FIELDS, 1))]
    for start in range(0, len(writes), 2000):
        collection.bulk_write(writes[start:start + 2000], ordered=False)
    return len(writes)
