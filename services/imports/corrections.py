"""Fixing data: amending a case's current stage, its dates, warning and review date, and its associated
absences, one case at a time or from a corrections file. Every change needs a reason and goes through
the case's `change()` with the values before and after; a fix never deletes history (stages, notes, tasks and audit
entries stay; a corrected stage keeps its old key, dates and warning in the audit entry).

The rules are in `casework.corrections`; this module finds the cases, applies and saves.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from typing import Callable

from bson import ObjectId

from casework.corrections import NO_REASON, Correction, correct, read_row
from casework.workflow import ASSOCIATE
from documents.case import Case
from documents.employee import Employee
from documents.scope import NOTHING, divisions_in_scope
from services.cases.outcomes import flag_queue
from services.cases.tasks import add_stage_tasks, associate_absences, case_policy, ladder_of, stage_of
from services.errors import Refused
from services.imports.inflight import settle_by_correction


def fixable_cases(user):
    """The cases `user` may fix: support and admins all, HR advisors their divisions' (not their reports')."""
    divisions = divisions_in_scope(user)
    if divisions is None:
        return Case.objects
    return Case.objects(division__in=sorted(divisions)) if divisions else Case.objects(NOTHING)


def stage_values(case: Case) -> dict:
    """The current stage's values a correction may change."""
    stage = stage_of(case)
    return {"stage": stage.key, "stage_started_on": stage.entered_on, "warning_level": stage.warning_level,
            "warning_expires_on": stage.warning_expires_on, "review_date": stage.review_date}


def check_correction(case: Case, proposed: dict, reason: str, today: dt.date) -> Correction:
    """What correcting the case's current stage with `proposed` would change, or why it cannot."""
    previous = case.stages[-2].entered_on if len(case.stages) > 1 else None
    return correct(stage_values(case), proposed, reason, ladder_of(case).keys(), today, previous)


def amend_stage(case: Case, employee: Employee, proposed: dict, reason: str, actor: str, today: dt.date,
                version: int | None = None) -> Correction:
    """Correct the current stage (Refused naming each field when it cannot be). A new stage key
    replaces the old one on the same stage: the old stage's own open tasks are cancelled and the new
    stage's added from today (its association done already when the absences are associated). Correcting a
    migrated case settles whether its migrated stage is right (see `settle_by_correction`)."""
    correction = check_correction(case, proposed, reason, today)
    if correction.refused:
        raise Refused.naming(correction.errors)
    if not correction.changes:
        return correction
    changes = correction.changes

    def apply(case: Case) -> dict:
        stage = case.current_stage
        for name, (_, value) in changes.items():
            if name != "stage":
                setattr(stage, "entered_on" if name == "stage_started_on" else name, value)
        if "stage" in changes:
            _replace_stage_key(case, employee, changes["stage"][1], actor, today)
        settled = settle_by_correction(case, actor) if case.migrated else {}
        return {"before": {**correction.before, **settled.get("before", {})},
                "after": {**correction.after, **settled.get("after", {})}}

    case.change(actor, "stage corrected", apply, reason=reason.strip(), version=version)
    return correction


def _replace_stage_key(case: Case, employee: Employee, key: str, actor: str, today: dt.date) -> None:
    policy = case_policy(case)
    ladder, stage = ladder_of(case, policy), stage_of(case)
    old = ladder.stage(stage.key)
    case.correct_stage(key, actor, {ASSOCIATE, *(task.kind for task in old.tasks)} if old else set())
    if case.status != "closed":
        for task in add_stage_tasks(case, employee, policy, today):
            if task.kind == ASSOCIATE and stage.absences_associated:
                task.finish(actor)


def amend_absences(case: Case, employee: Employee, absence_ids: list[str], reason: str, actor: str,
                   today: dt.date, version: int | None = None) -> Case | None:
    """Change the absences associated with the current stage, with the reason kept in the audit entry (the
    form asks for it as `absences_reason`); None when they are those associated already, as they stand."""
    if not (reason or "").strip():
        raise Refused(NO_REASON, "absences_reason")
    return associate_absences(case, employee, absence_ids, actor, today, version, reason=reason.strip())


@dataclasses.dataclass(frozen=True)
class RowOutcome:
    """What one row of a corrections file does: "correct", "unchanged" or "refused"."""

    index: int
    key: str
    action: str
    errors: dict
    changes: dict = dataclasses.field(default_factory=dict)
    case_id: str = ""


@dataclasses.dataclass
class CorrectionRun:
    outcomes: list[RowOutcome]
    applied: bool = False

    @property
    def refused(self) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "refused"]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(outcome.action for outcome in self.outcomes)
        return {action: found.get(action, 0) for action in ("correct", "unchanged", "refused")}


def _find_cases(rows, cases) -> tuple[dict, dict]:
    """The cases the rows name, by id and by (assignment number, kind) among those not closed: two reads."""
    ids = [ObjectId(row.case_id) for row in rows if row.case_id and ObjectId.is_valid(row.case_id)]
    by_id = {str(case.pk): case for case in cases.filter(pk__in=ids)} if ids else {}
    numbers = sorted({row.assignment_number for row in rows if not row.case_id and row.assignment_number})
    by_person: dict[tuple, list] = {}
    for case in (cases.filter(assignment_number__in=numbers, status__ne="closed") if numbers else []):
        by_person.setdefault((case.assignment_number, case.kind), []).append(case)
    return by_id, by_person


def plan_corrections(raw_rows: list[dict], cases, today: dt.date) -> tuple[CorrectionRun, dict[int, Case], dict]:
    """Check every row against the case it names (within `cases`, already scoped) without saving: each
    row's before → after, or its refusals by field. Also returns the cases and the proposed values by row."""
    read = [read_row(raw) for raw in raw_rows]
    by_id, by_person = _find_cases([row for row, _ in read], cases)
    outcomes: list[RowOutcome] = []
    found: dict[int, Case] = {}
    proposed: dict[int, tuple[dict, str]] = {}
    seen: dict[str, int] = {}
    for index, (row, errors) in enumerate(read):
        errors = dict(errors)
        case: Case | None = None
        if not errors:
            matches = [by_id[row.case_id]] if row.case_id in by_id else [] if row.case_id else by_person.get(
                (row.assignment_number, row.case_type), [])
            if len(matches) == 1:
                case = matches[0]
            elif row.case_id:
                errors["case_id"] = f"There is no case {row.case_id} you can fix."
            elif not matches:
                errors["assignment_number"] = f"{row.assignment_number} has no open {row.case_type} case you can fix."
            else:
                errors["assignment_number"] = (f"{row.assignment_number} has {len(matches)} open {row.case_type} "
                                               f"cases: name the case by its case_id.")
        if case is not None and str(case.pk) in seen:
            errors["case_id"] = f"Row {seen[str(case.pk)]} already corrects this case: one row a case."
        if case is not None and not errors:
            seen[str(case.pk)] = index + 2
            correction = check_correction(case, row.proposed, row.reason, today)
            errors = correction.errors
        if errors or case is None:
            outcomes.append(RowOutcome(index, row.key, "refused", errors, case_id=str(case.pk) if case else ""))
            continue
        found[index], proposed[index] = case, (row.proposed, row.reason)
        outcomes.append(RowOutcome(index, row.key, "correct" if correction.changes else "unchanged", {},
                                   correction.changes, str(case.pk)))
    return CorrectionRun(outcomes), found, proposed


def apply_corrections(raw_rows: list[dict], cases, actor: str, today: dt.date, dry_run: bool = False,
                      progress: Callable[[int, int], None] | None = None) -> CorrectionRun:
    """Check every row, then, unless `dry_run` or a row is refused, apply them all (all or nothing: a refused
    row leaves every case as it was). A case someone changed since the check stops the run (StaleEditError)."""
    run, found, proposed = plan_corrections(raw_rows, cases, today)
    if dry_run or run.refused:
        return run
    to_apply = [outcome for outcome in run.outcomes if outcome.action == "correct"]
    employees = {person.pk: person for person in Employee.objects(
        pk__in=list({found[outcome.index].employee for outcome in to_apply})).exclude("audit")}
    for done, outcome in enumerate(to_apply, 1):
        case = found[outcome.index]
        values, reason = proposed[outcome.index]
        amend_stage(case, employees[case.employee], values, reason, actor, today)
        if progress:
            progress(done, len(to_apply))
    run.applied = True
    return run


def awaiting_confirmation(cases):
    """Migrated cases (within `cases`, already scoped) whose manager has not confirmed the stage yet, nor HR
    corrected it."""
    return cases.filter(migrated__ne=None, migrated__confirmed_at=None, migrated__corrected_at=None,
                        status__ne="closed").only(
        "employee", "assignment_number", "division", "kind", "stage", "migrated", "policy_key",
        "policy_revision").order_by("migrated.imported_at")


def flag_queues(cases) -> dict[str, list]:
    """The open "wrong stage" and "not my report" flags on `cases` (already scoped), oldest first."""
    rows = flag_queue(cases)
    return {kind: [(case, flag) for case, flag in rows if flag.kind == kind] for kind in ("wrong_stage",
                                                                                           "not_my_report")}

