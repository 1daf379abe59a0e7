"""Manager logins from the staff hierarchy: what an employee import changes of the logins (casework/manager_logins.py
decides), worked out from the employees the import already read and one read of the logins, then applied.

New logins go in bulk: a first load of a trust makes thousands. The other changes are few in any one import and
go through the login's own transitions, each audited, the sessions of a login stood down ending at once.
"""
from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Iterable, Mapping

from pymongo.errors import BulkWriteError

from casework.hierarchy_feed import Plan
from casework.manager_logins import Login, LoginChange, Person, plan_manager_logins
from documents.base import AuditEntry, utcnow
from documents.user import User

CHUNK = 1000
MADE = "made from the hierarchy import"
ACTIONS = {"link": "linked to the assignment by the hierarchy import",
           "give_back": "given back by the hierarchy import",
           "switch_off": "switched off by the hierarchy import",
           "remove_manager": "manager role removed by the hierarchy import"}
_LOGIN_FIELDS = ("email", "assignment_number", "roles", "active", "awaiting_first_sign_in", "stood_down_by_import")


def login_changes(plan: Plan, stored: Mapping[str, tuple[object, int, dict]], today: dt.date) -> list[LoginChange]:
    """The login changes of applying `plan` over the `stored` employees ({assignment_number: (id, version,
    values)}, as the import read them) on `today`, with one read of the logins."""
    return plan_manager_logins(people_after(plan, stored, today), existing_logins())


def people_after(plan: Plan, stored: Mapping[str, tuple[object, int, dict]], today: dt.date) -> dict[str, Person]:
    """Every employee as the plan leaves them: the stored values, with the file's rows and the assignments a full
    file ends laid over them."""
    values_of = {number: values for number, (_, _, values) in stored.items()}
    values_of.update({outcome.key: outcome.values for outcome in plan.outcomes
                      if outcome.action in ("created", "updated") and outcome.values is not None})
    for ended in plan.ended:
        values_of[ended.assignment_number] = {**values_of[ended.assignment_number], "end_date": ended.on}
    return {number: _person(number, values, today) for number, values in values_of.items()}


def _person(number: str, values: Mapping, today: dt.date) -> Person:
    start, end = values.get("start_date"), values.get("end_date")
    return Person(number, f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip(),
                  values.get("email") or None, values.get("supervisor_assignment_number") or None,
                  (start is None or start <= today) and (end is None or end >= today))


def existing_logins() -> list[Login]:
    """What planning needs of every login, in one read of a few fields."""
    return [Login(row["email"], row.get("assignment_number"), tuple(row.get("roles", ())), row.get("active", True),
                  row.get("awaiting_first_sign_in", False), row.get("stood_down_by_import", False))
            for row in User._get_collection().find({}, {name: 1 for name in _LOGIN_FIELDS})]


def apply_login_changes(changes: list[LoginChange], actor: str) -> int:
    """Make, link, give back, switch off and demote the logins as `changes` say (conflicts are only reported);
    how many logins changed."""
    made = _make([change for change in changes if change.kind == "make"], actor)
    changed = 0
    for change in changes:
        if change.kind in ACTIONS:
            changed += _change(change, actor)
    return made + changed


def _make(changes: list[LoginChange], actor: str) -> int:
    """Insert the new manager logins in chunks; one made meanwhile with the same address is left as it is."""
    at, made = utcnow(), 0
    documents = (_new_login(change, actor, at) for change in changes)
    while chunk := list(islice(documents, CHUNK)):
        try:
            made += len(User._get_collection().insert_many(chunk, ordered=False).inserted_ids)
        except BulkWriteError as error:
            if any(problem.get("code") != 11000 for problem in error.details.get("writeErrors", [])):
                raise
            made += error.details.get("nInserted", 0)
    return made


def _new_login(change: LoginChange, actor: str, at: dt.datetime) -> dict:
    user = User(email=change.email, name=change.name or change.email, roles=["manager"],
                assignment_number=change.assignment_number, active=False, awaiting_first_sign_in=True,
                made_from_hierarchy=True, version=1)
    user.validate()
    user.audit.append(AuditEntry(actor=actor, at=at, action=MADE, before={}, after=user.audit_summary(),
                                 reason=change.why))
    return user.to_mongo().to_dict()


def _change(change: LoginChange, actor: str) -> int:
    user = User.objects(email=change.email).first()
    if user is None:
        return 0
    transition = {"link": lambda user: user.link_to_assignment(change.assignment_number, as_manager=True),
                  "give_back": lambda user: user.stand_up(),
                  "switch_off": lambda user: user.stand_down(),
                  "remove_manager": lambda user: user.stand_down()}[change.kind]
    user.change(actor, ACTIONS[change.kind], transition, reason=f"{change.name} {change.why}")
    if change.kind in ("switch_off", "remove_manager"):
        user.end_sessions()
    return 1


def shown_changes(changes: Iterable[LoginChange], most: int) -> list[dict]:
    """The first `most` changes of each kind, as an import job keeps them for its page."""
    kept: dict[str, int] = {}
    shown = []
    for change in changes:
        kept[change.kind] = kept.get(change.kind, 0) + 1
        if kept[change.kind] <= most:
            shown.append({"kind": change.kind, "email": change.email, "assignment_number": change.assignment_number,
                          "name": change.name, "why": change.why})
    return shown
