"""HR's case list: the cases a user may see, narrowed by kind, stage, division, manager, status, overdue tasks, a
live warning, a review period ending soon and a name or assignment-number search (and by the dashboard's own
filters, which its figures link with), paged and exported as CSV. A filter value that is not one of its choices
is left out and named beside its field, so the list still shows.

Each filter is an indexed equality or range on the cases (`Case.meta`): the scope's division or chain of
supervisors, `manager_path` for a manager's whole team, and the days each case keeps from its tasks and stages
(documents/case_days.py) for an overdue task, a live warning and a review period ending soon; a name is looked up
on the employees' search words first (at most a page of people, whose ids the cases are then read by).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from mongoengine.connection import get_db

from casework.exports import Table
from documents.base import as_date, midnight
from documents.case import FLAG_KINDS, KINDS, STATUSES, Case
from documents.case_rollup import PAY_KINDS
from documents.divisions import staff_divisions
from documents.employee import Employee
from documents.reading import flat_filter, rows_where
from documents.scope import may_see, scope_parts
from documents.search_words import search_filter
from services.reads.dashboard_lists import listed_cases, stage_words

REVIEW_WITHIN = {"14": "2 weeks", "28": "4 weeks", "56": "8 weeks"}     # the choices offered: the user's pick
KIND_WORDS = {"STS": "Short-term", "LTS": "Long-term"}
STATUS_WORDS = {"open": "Open", "monitoring": "Continued monitoring", "closed": "Closed"}
FILTERS = ("q", "kind", "stage", "division", "manager", "status", "overdue", "warning", "review")
DASHBOARD_FILTERS = ("line", "paused", "pay", "flag")     # the dashboard's figures link with these
FILTERS_IN_ORDER = FILTERS + DASHBOARD_FILTERS
# A stage is any key a policy may give one (a stage only an older policy had is still listed, by its key in words).
STAGE_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")
LISTED_FIELDS = ("employee", "assignment_number", "kind", "stage", "status", "paused", "opened_on", "division",
                 "warning_until", "review_ends_on")


@dataclasses.dataclass(frozen=True)
class CaseListing:
    """The cases a list shows (a queryset, unpaged, in list order), the filters applied ({name: value}), the
    problems of those left out ({name: message}), the manager whose team it is narrowed to, the divisions the user
    may choose and whether the name search found more people than it reads (`more_people`)."""

    cases: Any      # a queryset of Case
    applied: dict[str, str]
    problems: dict[str, str]
    divisions: list[str] | None
    manager: Employee | None = None
    more_people: bool = False


def filter_problems(asked: Mapping[str, str], divisions: list[str]) -> dict[str, str]:
    """{filter: message} for each value given that is not one of its filter's choices, in the form's order (a
    stage: any stage key, since older policies' stages stay listed)."""
    allowed = {"kind": KINDS, "status": STATUSES, "division": divisions, "review": REVIEW_WITHIN,
               "overdue": ("1",), "warning": ("1",), "paused": ("1", "0"), "pay": PAY_KINDS, "flag": FLAG_KINDS}
    words = {"kind": "Choose short-term or long-term.", "status": "Choose open, continued monitoring or closed.",
             "stage": "Choose a stage of the policy in use.", "division": "Choose one of your divisions.",
             "review": "Choose 2, 4 or 8 weeks.", "overdue": "Tick the box or leave it.",
             "warning": "Tick the box or leave it.", "paused": "Choose paused or not.",
             "pay": "Choose half pay or nil pay.", "flag": "Choose “wrong stage” or “not my report”."}
    found = {name: words[name] for name, choices in allowed.items() if asked.get(name) and asked[name] not in choices}
    if asked.get("stage") and not STAGE_KEY.fullmatch(asked["stage"]):
        found["stage"] = words["stage"]
    return dict(sorted(found.items(), key=lambda item: FILTERS_IN_ORDER.index(item[0])))


def division_choices(user) -> list[str] | None:
    """The divisions the list offers: an HR advisor's own; the kept list of divisions with staff for anyone else
    (one read by id; None where none is kept yet: any division is then taken, the scope still narrowing the list).
    Never counted from the staff on the request (1.2–1.9 s for one division at 25,000 staff)."""
    parts = scope_parts(user)
    if parts and all(set(part) == {"division"} for part in parts):
        return [part["division"] for part in parts]
    return staff_divisions()


def _manager(user, value: str) -> tuple[Employee | None, str | None]:
    """The manager a `manager` filter names by assignment number or name, among the staff the user may see, or
    why none: (None, message)."""
    fields = ("first_name", "last_name", "assignment_number", "division", "manager_path")
    found = Employee.objects(assignment_number=value).only(*fields).first()
    if found is not None and may_see(user, found):
        return found, None
    where = search_filter(value)
    matches = list(Employee.objects.visible_to(user).filter(__raw__=where).only(*fields).limit(2)) if where else []
    if len(matches) == 1:
        return matches[0], None
    if matches:
        return None, f"More than one person matches “{value}”: give the manager's assignment number."
    return None, f"No one you can see is called “{value}” or has that assignment number."


def _named(user, text: str, most: int) -> tuple[list, bool]:
    """The ids of the first `most` employees the user may see whose words start with the search's words, and
    whether there are more (one read by the search-words index, at most `most` + 1 rows)."""
    where = search_filter(text)
    if where is None:
        return [], False
    ids = list(Employee.objects.visible_to(user).filter(__raw__=where).limit(most + 1).scalar("id"))
    return ids[:most], len(ids) > most


def narrowing(today: dt.date, applied: dict[str, str]) -> dict:
    """The raw filter of the overdue, warning and review filters applied: each a range on a day the case keeps
    (documents/case_days.py), which an index with the division serves."""
    day = midnight(today)
    where: dict = {}
    if applied.get("overdue"):
        where["next_due_on"] = {"$lt": day}
    if applied.get("warning"):
        where["warning_until"] = {"$gte": day}
    if applied.get("review"):
        where["review_ends_on"] = {"$gte": day,
                                   "$lte": midnight(today + dt.timedelta(days=int(applied["review"])))}
    return where


def case_listing(user, today: dt.date, asked: Mapping[str, str], titles: dict[str, dict[str, str]],
                 most_people: int) -> CaseListing:
    """The cases `user` may see that the filters `asked` ({name: value}, FILTERS and DASHBOARD_FILTERS) narrow
    them to, by division then date opened; values not among a filter's choices are left out, with a message."""
    asked = {name: (asked.get(name) or "").strip() for name in FILTERS + DASHBOARD_FILTERS}
    divisions = division_choices(user)
    problems = filter_problems(asked, divisions) if divisions is not None else filter_problems(
        {name: value for name, value in asked.items() if name != "division"}, [])
    if "division" in problems:     # still narrowed to it (the scope leaves nothing): never widened by a forged one
        problems["division"] = f"You see no cases in “{asked['division']}”: choose one of your divisions."
    applied = {name: value for name, value in asked.items()
               if value and (name not in problems or name == "division")}
    manager = None
    if applied.get("manager"):
        manager, problem = _manager(user, applied["manager"])
        if problem:
            problems["manager"] = problem
            del applied["manager"]
    paused = {"1": True, "0": False}.get(applied.get("paused", ""))
    cases = listed_cases(user, today, paused=paused, **{name: applied.get(name) for name in (
        "division", "line", "kind", "stage", "status", "pay", "flag")})
    if manager is not None:
        cases = cases.filter(manager_path=manager.assignment_number)
    more_people = False
    if applied.get("q"):
        ids, more_people = _named(user, applied["q"], most_people)
        cases = cases.filter(employee__in=ids)
    raw = narrowing(today, applied)
    if raw:
        cases = cases.filter(__raw__=raw)
    # the filters as one document: an `$and` of them (the scope's division and the one chosen) is read by a scan
    cases = Case.objects(__raw__=flat_filter(cases._query))
    return CaseListing(cases.order_by("division", "opened_on"), applied, problems, divisions, manager, more_people)


def live_warning(case: Case, today: dt.date) -> dt.date | None:
    """The day the case's warning expires, if it is live on `today` (up to and including that day), or None: the
    expiry of the warning on record, as the case page reads it, kept on the case (documents/case_days.py)."""
    return case.warning_until if case.warning_until and today <= case.warning_until else None


def review_end(case: Case) -> dt.date | None:
    """The day the current stage's review period ends (kept on the case), or None."""
    return case.review_ends_on


def case_table(listing: CaseListing, titles: dict[str, dict[str, str]], today: dt.date) -> Table:
    """Every case of the listing as a table for CSV (the names read once, by `rows_where`)."""
    cases = list(listing.cases.only(*LISTED_FIELDS))
    people = {row["_id"]: row for row in rows_where(get_db().employees, {"_id": {case.employee for case in cases}},
                                                    {"first_name": 1, "last_name": 1})}
    rows = []
    for case in cases:
        person = people.get(case.employee) or {}
        name = f"{person.get('first_name', '')} {person.get('last_name', '')}".strip()
        rows.append((name, case.assignment_number, KIND_WORDS.get(case.kind, case.kind),
                     stage_words(case.stage, titles), STATUS_WORDS.get(case.status, case.status),
                     "yes" if case.paused else "no", as_date(case.opened_on), case.division,
                     live_warning(case, today), review_end(case)))
    return Table("cases", "Cases", ("Employee", "Assignment number", "Kind", "Stage", "Status", "Paused", "Opened",
                                    "Division", "Live warning until", "Review ends"), tuple(rows))
