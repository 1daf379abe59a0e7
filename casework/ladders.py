"""The stage ladders of a policy: each stage's meeting, warning, letters, tasks and appeal route.

Stage keys are a contract other systems rely on (DESIGN "Contracts"): the short-term
ladder runs `absence_support`, `formal_1`, `formal_2`, `formal_3`; the long-term one
`lts_welfare` (where the case opens), `lts_case_conference`, `lts_hearing`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from casework.policy_reader import Reader, where

STS_STAGES = ("absence_support", "formal_1", "formal_2", "formal_3")
LTS_STAGES = ("lts_welfare", "lts_case_conference", "lts_hearing")
ASSIGNEES = ("manager", "hr")
ATTENDEES = ("manager", "hr", "senior_manager", "occupational_health")
WARNINGS = ("first", "final")
APPEAL_ROUTES = ("grievance", "manager", "panel")


@dataclasses.dataclass(frozen=True)
class Task:
    """A task a stage creates: who does it and how many working days after the stage starts it is due."""

    kind: str
    title: str
    assignee: str
    due_working_days: int


@dataclasses.dataclass(frozen=True)
class Appeal:
    """Where an outcome is challenged and by when: `weeks` and `days` after the letter's date."""

    route: str
    heard_by: str = ""
    weeks: int = 0
    days: int = 0

    def deadline(self, letter_dated: dt.date) -> dt.date | None:
        """The last day to appeal a letter dated `letter_dated`; None when the route sets no window."""
        if not (self.weeks or self.days):
            return None
        return letter_dated + dt.timedelta(weeks=self.weeks, days=self.days)


@dataclasses.dataclass(frozen=True)
class Stage:
    """One rung of a ladder: its meeting, review period, warning, letters, tasks and appeal routes."""

    key: str
    title: str
    formal: bool = True
    review_weeks: int = 0
    warning: str | None = None
    warning_months: int | None = None
    notice_days: int = 0
    papers_days_before: int | None = None
    attendees: tuple[str, ...] = ("manager",)
    invite_letter: str | None = None
    outcome_letters: tuple[str, ...] = ()
    tasks: tuple[Task, ...] = ()
    appeal: Appeal | None = None
    dismissal_appeal: Appeal | None = None


@dataclasses.dataclass(frozen=True)
class Ladder:
    """The stages of one kind of case, lowest first."""

    stages: tuple[Stage, ...]

    @property
    def first(self) -> Stage:
        """Where a case of this kind opens."""
        return self.stages[0]

    def keys(self) -> tuple[str, ...]:
        """The stage keys, lowest first."""
        return tuple(stage.key for stage in self.stages)

    def stage(self, key: str) -> Stage | None:
        """The stage called `key`, or None when this ladder has none."""
        return next((stage for stage in self.stages if stage.key == key), None)

    def rank(self, key: str) -> int:
        """How high `key` stands (0 for the first stage); -1 when it is not on this ladder."""
        keys = self.keys()
        return keys.index(key) if key in keys else -1

    def after(self, key: str) -> Stage | None:
        """The stage one up from `key`; None at the top or when `key` is not on this ladder."""
        rank = self.rank(key)
        return self.stages[rank + 1] if 0 <= rank < len(self.stages) - 1 else None


def read_ladder(reader: Reader, section: dict, path: str, keys: tuple[str, ...]) -> Ladder:
    """The ladder in `section["stages"]`, whose stage keys must be `keys` in that order."""
    found = reader.tables(section, path, "stages")
    stages = tuple(_read_stage(reader, item, item_path, keys[index] if index < len(keys) else None, keys)
                   for index, (item_path, item) in enumerate(found))
    if found and len(found) != len(keys):
        reader.problem(where(path, "stages"), f"must hold the stages {', '.join(keys)} in that order "
                                              f"({len(found)} given, {len(keys)} expected)")
    return Ladder(stages)


_STAGE_KEYS = ("key", "title", "formal", "review_weeks", "warning", "warning_months", "notice_days",
               "papers_days_before", "attendees", "invite_letter", "outcome_letters", "tasks", "appeal",
               "dismissal_appeal")


def _read_stage(reader: Reader, item: dict, path: str, expected: str | None, keys: tuple[str, ...]) -> Stage:
    data = reader.table(item, path, _STAGE_KEYS)
    key = reader.text(data, path, "key") or ""
    if key and key != expected:
        known = "unknown stage key" if key not in keys else "out of order"
        reader.problem(where(path, "key"), f"{known} {key!r}: the stages are {', '.join(keys)} in that order")
    warning = reader.text(data, path, "warning", required=False, choices=WARNINGS)
    months = reader.number(data, path, "warning_months", whole=True, required=False)
    if warning and months is None and "warning_months" not in data:
        reader.problem(where(path, "warning_months"), f"missing: how many months the {warning} warning stays live")
    if months is not None and not warning:
        reader.problem(where(path, "warning_months"), "given without a warning")
    tasks = tuple(_read_task(reader, task, task_path)
                  for task_path, task in reader.tables(data, path, "tasks", required=False))
    return Stage(
        key=key or (expected or ""), title=reader.text(data, path, "title") or "",
        formal=reader.flag(data, path, "formal", True),
        review_weeks=int(reader.number(data, path, "review_weeks", 0, whole=True, zero=True)),
        warning=warning, warning_months=int(months) if months else None,
        notice_days=int(reader.number(data, path, "notice_days", 0, whole=True, zero=True)),
        papers_days_before=_whole_or_none(reader.number(data, path, "papers_days_before", whole=True, zero=True,
                                                        required=False)),
        attendees=reader.texts(data, path, "attendees", choices=ATTENDEES) or ("manager",),
        invite_letter=reader.text(data, path, "invite_letter", required=False),
        outcome_letters=reader.texts(data, path, "outcome_letters"), tasks=tasks,
        appeal=_read_appeal(reader, data, path, "appeal"),
        dismissal_appeal=_read_appeal(reader, data, path, "dismissal_appeal"))


def _read_task(reader: Reader, item: dict, path: str) -> Task:
    data = reader.table(item, path, ("kind", "title", "assignee", "due_working_days"))
    return Task(reader.text(data, path, "kind") or "", reader.text(data, path, "title") or "",
                reader.text(data, path, "assignee", choices=ASSIGNEES) or "manager",
                int(reader.number(data, path, "due_working_days", whole=True, zero=True) or 0))


def _read_appeal(reader: Reader, stage: dict, path: str, key: str) -> Appeal | None:
    if key not in stage:
        return None
    path = where(path, key)
    data = reader.table(stage[key], path, ("route", "heard_by", "weeks", "days"))
    return Appeal(reader.text(data, path, "route", choices=APPEAL_ROUTES) or "",
                  reader.text(data, path, "heard_by", "") or "",
                  int(reader.number(data, path, "weeks", 0, whole=True, zero=True)),
                  int(reader.number(data, path, "days", 0, whole=True, zero=True)))


def _whole_or_none(value: float | None) -> int | None:
    return None if value is None else int(value)
