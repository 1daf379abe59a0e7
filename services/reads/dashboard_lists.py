"""What the dashboards count and the lists behind their figures show: the groups a user's figures are split
into, the filters for each figure (the same query counts a figure and pages its list, so the two always
agree), and the scoped case and absence lists."""
from __future__ import annotations

import dataclasses
import datetime as dt

import mongoengine as me

from casework.plain_words import title_case
from casework.workflow import MILESTONE_TASKS
from documents.base import midnight
from documents.case import FLAG_KINDS, KINDS, STATUSES, Case
from documents.case_rollup import PAY_KINDS, PAY_WINDOW_DAYS
from documents.rtw_due import RtwDue, outstanding_query
from documents.scope import scope_parts
from documents.user import User
from services.errors import Refused
from services.triggers import active_policy


@dataclasses.dataclass(frozen=True)
class Grouping:
    """How a dashboard splits its figures: by division, or by the line below `manager` each person is in
    (the manager's own direct reports are one line, each direct report's people another)."""

    by: str
    manager: str | None = None

    def key(self, division: str, manager_path) -> str:
        """The group of someone in `division` with supervisors `manager_path` (nearest first)."""
        if self.by == "division":
            return division
        assert self.manager is not None, "lines are below a manager"
        path = list(manager_path or [])
        place = path.index(self.manager) if self.manager in path else 0
        return path[place - 1] if place > 0 else self.manager

    def narrow(self, key: str) -> me.Q:
        """The cases or employees (both carry division and manager_path) of group `key`."""
        if self.by == "division":
            return me.Q(division=key)
        if key == self.manager:
            return me.Q(__raw__={"manager_path.0": key})
        return me.Q(manager_path=key)


def grouping_for(user: User) -> Grouping:
    """HR and admins see divisions; a manager sees the lines of their hierarchy."""
    if user.has_role("hr", "admin", "support") or not user.assignment_number:
        return Grouping("division")
    return Grouping("line", user.assignment_number)


def group_filter(user: User, division: str | None = None, line: str | None = None) -> me.Q | None:
    """The filter a list's `division` or `line` argument asks for (None: no narrowing). The user's scope
    is applied on top of it, so a forged argument never widens what they see."""
    if division:
        return Grouping("division").narrow(division)
    if line:
        return Grouping("line", user.assignment_number).narrow(line)
    return None


def stage_titles() -> dict[str, dict[str, str]]:
    """Each kind's stage keys with their titles, in ladder order, from the active policy."""
    policy = active_policy()
    return {"STS": {stage.key: stage.title for stage in policy.sts.ladder.stages},
            "LTS": {stage.key: stage.title for stage in policy.lts.ladder.stages}}


def stage_words(key: str, titles: dict[str, dict[str, str]]) -> str:
    """A stage key in words (a stage no longer in the active policy by its key)."""
    for kind in KINDS:
        if key in titles[kind]:
            return title_case(titles[kind][key])
    return key.replace("_", " ").capitalize()


def pay_change_query(kind: str, today: dt.date) -> dict:
    """Cases with a `kind` (half_pay, nil_pay) milestone task, not cancelled, whose change of pay falls in
    the next 28 days; for tasks stored without `event_on` the day is the due date plus the days ahead."""
    start, end, ahead = today, today + dt.timedelta(days=PAY_WINDOW_DAYS), dt.timedelta(MILESTONE_TASKS[kind][1])
    return {"tasks": {"$elemMatch": {"kind": kind, "status": {"$ne": "cancelled"}, "$or": [
        {"event_on": {"$gte": midnight(start), "$lte": midnight(end)}},
        {"event_on": None, "due_on": {"$gte": midnight(start - ahead), "$lte": midnight(end - ahead)}}]}}}


def listed_cases(user: User, today: dt.date, division: str | None = None, line: str | None = None,
                 kind: str | None = None, stage: str | None = None, status: str | None = None,
                 paused: bool | None = None, pay: str | None = None, flag: str | None = None):
    """The cases `user` may see that the case list's filters ask for; Refused for a value no filter has."""
    for value, allowed in ((kind, KINDS), (status, STATUSES), (pay, PAY_KINDS), (flag, FLAG_KINDS)):
        if value and value not in allowed:
            raise Refused(f"{value!r} is not one of {', '.join(allowed)}")
    cases = Case.objects.visible_to(user)
    narrow = group_filter(user, division, line)
    if narrow is not None:
        cases = cases.filter(narrow)
    simple = {"kind": kind, "stage": stage, "status": status}
    cases = cases.filter(**{field: value for field, value in simple.items() if value})
    if paused is not None:
        cases = cases.filter(paused=paused)
    if pay:
        cases = cases.filter(__raw__=pay_change_query(pay, today))
    if flag:
        cases = cases.filter(flags__status="open", flags__match={"status": "open", "kind": flag})
    return cases


def listed_absences(user: User, today: dt.date, division: str | None = None, line: str | None = None):
    """The ended absences without a return-to-work interview that `user` may see, the oldest first: the kept rows
    (documents/rtw_due.py, one an absence, carrying its employee's name, division and chain of supervisors),
    narrowed by the user's scope and the group asked for, read by an index."""
    parts = scope_parts(user)    # one division or chain by equality, which its (field, last day) index serves
    outstanding = (RtwDue.objects(__raw__={**parts[0], **outstanding_query(today)}) if parts and len(parts) == 1
                   else RtwDue.objects(__raw__=outstanding_query(today)).visible_to(user))
    narrow = group_filter(user, division, line)
    if narrow is not None:
        outstanding = outstanding.filter(narrow)
    return outstanding.order_by("last_day", "first_day")
