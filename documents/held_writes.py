"""Writes to cases and absences a trigger scan makes, held and sent together (issue 18: each case change saved on
its own, and each task given to an absence written on its own, each with its open-task rows read and written again,
were a third of an absence import's re-evaluation).

Within `writes_held()`, `change_case` makes a change as `Versioned.change` does (the document's own methods, one
audit entry) but holds the case instead of saving it; `push_task` holds the task to add to an absence or a case.
They are written when the block ends (or every CHUNK cases), in one bulk write per collection, with the version
check on each case, then the open-task rows and staff summaries of every holder written once. A case someone else
saved meanwhile is read again and its changes made again on what they saved, one save each, as before. Outside
the block both write at once, as before.
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
from collections.abc import Callable, Iterable, Iterator

from pymongo import UpdateOne

from documents.absence import Absence
from documents.case import Case
from documents.open_task import _touched, sync_open_tasks

CHUNK = 1000    # cases held before they are written


@dataclasses.dataclass
class _Change:
    actor: str
    action: str
    apply: Callable
    reason: str | None


@dataclasses.dataclass
class _HeldCase:
    case: Case
    read_version: int
    changes: list[_Change] = dataclasses.field(default_factory=list)


class HeldWrites:
    """The case changes and task pushes held by `writes_held`, and the case rows the scan read (to change a case
    without reading it again)."""

    def __init__(self) -> None:
        self.cases: dict = {}          # {case id: _HeldCase}
        self.rows: dict = {}           # {case id: the case as the scan read it, raw}
        self.pushes: list[tuple[type[Case] | type[Absence], UpdateOne, object]] = []   # (document, write, holder id)
        self.employees: set = set()    # whose cases are held

    def read(self, rows: Iterable[dict]) -> None:
        """The cases as just read whole (by the scan): a change to one of them starts from this row."""
        self.rows.update((row["_id"], row) for row in rows)

    def holds(self, employee_id) -> bool:
        return employee_id in self.employees

    def case(self, case_id) -> Case:
        held = self.cases.get(case_id)
        if held is not None:
            return held.case
        row = self.rows.pop(case_id, None)
        return Case._from_son(row) if row is not None else Case.objects.get(pk=case_id)

    def change(self, case: Case, change: _Change) -> None:
        held = self.cases.get(case.pk)
        if held is None:
            held = self.cases[case.pk] = _HeldCase(case, case.version)
            self.employees.add(case.employee)
        _apply(case, change)
        held.changes.append(change)
        if len(self.cases) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write what is held: the cases (one bulk write, each with its version check), the pushes (one bulk write
        per collection), then the open-task rows and staff summaries of every holder written."""
        cases, self.cases, self.employees = self.cases, {}, set()
        pushes, self.pushes = self.pushes, []
        if cases:
            _write_cases(list(cases.values()))
        for document in (Case, Absence):
            writes = [(write, key) for kind, write, key in pushes if kind is document]
            if writes:
                document._get_collection().bulk_write([write for write, _ in writes], ordered=False)
                sync_open_tasks(document, list(dict.fromkeys(key for _, key in writes)), touched=(True, False))


def _apply(case: Case, change: _Change) -> None:
    """`Versioned.change` without the save: the change and its one audit entry."""
    before = case.audit_summary()
    detail = change.apply(case) or {}
    case.record(change.actor, change.action, {**before, **detail.get("before", {})},
                {**case.audit_summary(), **detail.get("after", {})}, change.reason)


def _write_cases(held: list[_HeldCase]) -> None:
    """Each case's changed fields, as `save_checked` writes them (validated, the version stepped once a change),
    in one bulk write; a case whose version moved meanwhile is changed again from what is stored now."""
    writes, rows, summaries = [], False, False
    for item in held:
        case = item.case
        case.note_list_days()     # in the same write, as a save sets them
        touched = _touched(name.split(".")[0] for name in case._get_changed_fields())
        rows, summaries = rows or touched[0], summaries or touched[1]
        case.version = item.read_version + len(item.changes)
        case.validate()
        writes.append(UpdateOne({"_id": case.pk, "version": item.read_version}, case._get_update_doc()))
    result = Case._get_collection().bulk_write(writes, ordered=False)
    for item in held:
        item.case._clear_changed_fields()
    sync_open_tasks(Case, [item.case.pk for item in held], touched=(rows, summaries))
    if result.matched_count < len(writes):
        for item in held:
            if not _written(item):
                _change_again(item)


def _written(item: _HeldCase) -> bool:
    """Whether the case as stored has the last audit entry this change made (its version may have moved since)."""
    entry = item.case.audit[-1]
    return Case._get_collection().find_one({"_id": item.case.pk, "audit.at": entry.at, "audit.action": entry.action},
                                           {"_id": 1}) is not None


def _change_again(item: _HeldCase) -> None:
    """Someone else saved the case between the scan's read and the write: its changes made again on the case as
    stored now, one save each (as each was made before they were held)."""
    case = Case.objects.get(pk=item.case.pk)
    for change in item.changes:
        case.change(change.actor, change.action, change.apply, reason=change.reason)


_held: contextvars.ContextVar[HeldWrites | None] = contextvars.ContextVar("held_writes", default=None)


@contextlib.contextmanager
def writes_held() -> Iterator[HeldWrites]:
    """Within the block, `change_case` and `push_task` hold their writes; they are written as it ends (also when
    it raises: what was changed before the error is kept, as one save each kept it). A block within another adds
    to the outer one's."""
    outer = _held.get()
    if outer is not None:
        yield outer
        return
    with holding(_held, HeldWrites()) as held:
        yield held


@contextlib.contextmanager
def holding(variable: contextvars.ContextVar, held):
    """`held` (anything with a `flush`) set as `variable` within the block, and flushed as it ends, also when it
    raises (what was held before the error is written, as one write each would have written it)."""
    token = variable.set(held)
    try:
        yield held
    finally:
        variable.reset(token)
        held.flush()


def case_to_change(case_id) -> Case:
    """The case to make a change to: as held (with the changes made so far), as the scan read it, or read now."""
    held = _held.get()
    return held.case(case_id) if held is not None else Case.objects.get(pk=case_id)


def change_case(case: Case, actor: str, action: str, apply: Callable, reason: str | None = None) -> None:
    """`case.change(actor, action, apply, reason=reason)`, held within `writes_held`."""
    held = _held.get()
    if held is None:
        case.change(actor, action, apply, reason=reason)
    else:
        held.change(case, _Change(actor, action, apply, reason))


def push_task(document: type[Case] | type[Absence], holder_id, task, unless_kind: str | None = None) -> int:
    """Add `task` to the case or absence `holder_id` (unless it has a task of `unless_kind`), with no version step
    (the system's tasks sit beside what people edit); held within `writes_held`. Returns how many were added: 1
    when held (the caller read that the holder has no such task; the write still adds none if one came since)."""
    held = _held.get()
    if held is None:
        query = document.objects(pk=holder_id, **({"tasks__kind__ne": unless_kind} if unless_kind else {}))
        return query.update_one(push__tasks=task)
    held.pushes.append((document, UpdateOne({"_id": holder_id, **({"tasks.kind": {"$ne": unless_kind}}
                                                                   if unless_kind else {})},
                                            {"$push": {"tasks": task.to_mongo().to_dict()}}), holder_id))
    return 1
