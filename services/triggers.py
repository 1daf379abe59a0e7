"""Applying the trigger engine: read an employee's facts, evaluate them, open or move their cases.

The rules are in `casework.triggers`; this module only loads, applies and saves, with an audit
entry for every change and the version check on every case it edits.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import dataclasses
import datetime as dt
import functools
import tomllib
from collections import Counter, defaultdict
from typing import Iterable, Iterator

from bson import ObjectId
from pymongo.errors import BulkWriteError

from casework.decisions import Action
from casework.facts import AbsenceFacts, CaseFacts, EmployeeFacts
from casework.pertinent import REVIEW_ADJUSTMENT
from casework.plain_words import title_case
from casework.policy import PRESETS, Policy, load_policy
from casework.policy_timeline import in_force
from casework.triggers import Evaluation, evaluate
from casework.workflow import due_on
from documents.absence import Absence
from documents.base import AuditEntry, as_date
from documents.case import Case, Stage, Task
from documents.employee import Employee
from documents.held_writes import HeldWrites, case_to_change, change_case, holding, writes_held
from documents.open_task import add_open_tasks
from documents.policy import Policy as PolicyDocument
from documents.policy import policy_rules
from documents.reading import rows_where
from documents.staff_summary import rows_read, summaries_deferred
from services import clock
from services.cases.tasks import (
    CONSIDER_STS,
    OH_REFERRAL,
    REVIEW_MEETING,
    absence_events,
    add_milestone_tasks,
    add_stage_tasks,
    assignee_for,
    assignees_cached,
    consider_short_term,
    hr_queue,
    refer_to_occupational_health,
)
from services.errors import Refused
from services.pertinent import (
    add_pertinent_task,
    adjusted_facts,
    advice_waiting,
    cancel_advice,
    give_adjustment_reviews,
)
from services.reads.people import name_of

DEFAULT_PRESET = "council-2019"
DUPLICATE_KEY = 11000
APPLIED = ("open_sts", "restart_sts", "review_due", "warning_expired", "open_lts", "pause_sts", "resume_sts")
CHANGES = {"review_due": "review meeting due", "warning_expired": "monitoring ended: the warning expired",
           "pause_sts": "case paused while on long-term sickness", "resume_sts": "case resumed"}

REVIEW_TITLES = {"missed": "the target was missed", "met": "the target was met",
                 "trigger": "a trigger point was reached"}


@functools.cache
def _preset(text: str) -> tuple[dict, Policy]:
    """A preset file's rules as stored, and as the engine reads them (each file is read once per process)."""
    rules = tomllib.loads(text)
    return rules, load_policy(rules)


def install_presets(actor: str = "system") -> PolicyDocument:
    """Store every shipped preset not stored yet, and make `council-2019` active if nothing is; return the
    active one's key and revision (the document with only those). The presets missing are written together; one a
    request running at the same moment wrote first is left as it is."""
    presets = [_preset(path.read_text()) for path in sorted(PRESETS.glob("*.toml"))]
    stored = {(row["key"], row["revision"]) for row in PolicyDocument._get_collection().find(
        {"key": {"$in": [policy.key for _, policy in presets]}}, {"key": 1, "revision": 1})}
    missing = []
    for rules, policy in presets:
        if (policy.key, policy.revision) not in stored:
            document = PolicyDocument(key=policy.key, revision=policy.revision, name=policy.name,
                                      rules=copy.deepcopy(rules), created_by=actor, version=1)
            document.record(actor, "preset installed", after={"key": policy.key, "revision": policy.revision})
            document.validate()
            missing.append(document.to_mongo())
    if missing:
        try:
            PolicyDocument._get_collection().insert_many(missing, ordered=False)
        except BulkWriteError as error:
            if any(problem["code"] != DUPLICATE_KEY for problem in error.details["writeErrors"]):
                raise
    active = PolicyDocument.objects(active=True).only("key", "revision").first()
    if active is None:
        PolicyDocument.objects(key=DEFAULT_PRESET).order_by("-revision").only("id").first().update(set__active=True)
        active = PolicyDocument.objects(active=True).only("key", "revision").first()
        assert active is not None, f"{DEFAULT_PRESET} was just made active"
    return active


def active_policy(day: dt.date | None = None) -> Policy:
    """The organisation's policy in force on `day` (today unless given), as rules: the active version, or one
    scheduled from a day already reached (presets are installed on first use)."""
    active, scheduled = PolicyDocument.standing()
    if active is None:
        document = install_presets()
        active = (document.key, document.revision)
    return policy_rules(*in_force(active, scheduled, day or clock.today()))


_rules = policy_rules  # the older name


def employee_facts(employee: Employee) -> EmployeeFacts:
    return EmployeeFacts(tuple(employee.working_days), employee.region or "ENG", employee.fte, employee.start_date,
                         adjusted_facts(employee))


def absence_facts(rows: Iterable[dict]) -> list[AbsenceFacts]:
    """Absences as the engine reads them, from raw database rows (their expected return and the last day their fit
    notes cover too)."""
    return [AbsenceFacts(row["_id"], row["first_day"].date(), _day(row.get("last_day")),
                         row.get("reason_category", "other"), bool(row.get("pregnancy_related")),
                         bool(row.get("disability_related")), _day(row.get("expected_return")),
                         max((note["to_day"].date() for note in row.get("fit_notes", ()) if note.get("to_day")),
                             default=None)) for row in rows]


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def case_facts(cases: Iterable[Case | dict]) -> list[CaseFacts]:
    """Live cases, and the latest closed short-term case (its stage date keeps old absences from firing again);
    the cases as documents or as raw rows (the scan reads thousands: building each document cost more than
    evaluating its employee)."""
    rows = [stored_case(case) for case in cases]
    live = [row for row in rows if row["status"] != "closed"]
    closed = sorted((row for row in rows if row["status"] == "closed" and row["kind"] == "STS"),
                    key=lambda row: row.get("closed_on") or dt.datetime.min)
    return [CaseFacts(row.get("_id"), row["kind"], row["status"], row["stage"], as_date(stage["entered_on"]),
                      as_date(stage.get("review_date")), stage.get("warning_level"),
                      as_date(stage.get("warning_expires_on")), bool(row.get("paused")),
                      as_date(outcome.get("decided_on")) if outcome else None,
                      outcome.get("target_occasions") if outcome else None,
                      outcome.get("target_days") if outcome else None, _review_task_for(row))
            for row in live + closed[-1:] if row.get("stages")
            for stage in row["stages"][-1:] for outcome in [stage.get("outcome")]]


def stored_case(case: Case | dict) -> dict:
    """A case as MongoDB stores it (dates as datetimes): a raw row as it is, a document converted."""
    return case if isinstance(case, dict) else case.to_mongo().to_dict()


def _review_task_for(row: dict) -> dt.date | None:
    """The decision of the current stage whose review meeting the scan already made due (its task's key)."""
    return max((as_date(task["event_on"]) for task in row.get("tasks", ()) if task.get("kind") == REVIEW_MEETING
                and task.get("stage_key") == row["stage"] and task.get("event_on")), default=None)


ABSENCE_FIELDS = {"first_day": 1, "last_day": 1, "reason_category": 1, "pregnancy_related": 1,
                  "disability_related": 1, "employee": 1, "expected_return": 1, "fit_notes.to_day": 1,
                  "rtw.held_on": 1}


def policy_for(cases: Iterable[Case | dict], active: Policy) -> Policy:
    """The policy an employee is evaluated under: a case keeps the version it was opened under, so while a
    short-term case is open or on monitoring its version rules; otherwise the active policy. The cases as
    documents or as raw rows."""
    live = [row for row in map(stored_case, cases) if row["kind"] == "STS" and row["status"] != "closed"]
    if not live:
        return active
    case = max(live, key=lambda row: row["opened_on"])
    if (case["policy_key"], case["policy_revision"]) == (active.key, active.revision):
        return active
    try:
        return policy_rules(case["policy_key"], case["policy_revision"])
    except PolicyDocument.DoesNotExist:
        return active


def policy_of(employee: Employee) -> Policy:
    """The policy that applies to `employee` now (see `policy_for`): the one their care and interviews follow."""
    return policy_for(Case.objects(employee=employee.pk).only("kind", "status", "opened_on", "policy_key",
                                                              "policy_revision"), active_policy())


def evaluate_employee(employee: Employee, as_of: dt.date, active: Policy | None = None) -> Evaluation:
    """The engine's evaluation of one employee on `as_of` (reads their absences and cases once)."""
    rows = Absence._get_collection().find({"employee": employee.pk}, ABSENCE_FIELDS)
    cases = list(Case._get_collection().find({"employee": employee.pk}, SCANNED))
    return evaluate(employee_facts(employee), absence_facts(rows), case_facts(cases),
                    policy_for(cases, active or active_policy(as_of)), as_of)


def reevaluate(employee: Employee, as_of: dt.date, actor: str) -> list[str]:
    """Evaluate one employee and apply what follows; return the kinds of action applied."""
    return [action.kind for _, actions in scan(as_of, actor, employees=[employee]).would for action in actions]


def apply_evaluation(employee: Employee, evaluation: Evaluation, policy: Policy, actor: str) -> None:
    """Open, move, pause, resume or close cases as the evaluation's actions say."""
    for action in evaluation.actions:
        if action.kind not in APPLIED:
            continue
        if action.kind in ("open_sts", "restart_sts", "open_lts"):
            opened = _open_case(employee, action, evaluation, policy, actor)
            if action.kind == "restart_sts" and action.case_id is not None:
                _close_restarted(action, opened, evaluation.as_of, actor)
        elif action.case_id is None:
            continue  # pausing a case opened by this same evaluation: it was opened paused
        else:
            _change_case(employee, action, evaluation, policy, actor)


def _figures(action, evaluation: Evaluation) -> dict:
    """The figures that fired the action, as a stage keeps them."""
    figures = [{"from": f.start, "to": f.end, "months": f.months, "weeks": f.weeks, "occasions": f.occasions,
                "working_days": f.working_days, "fte_days": f.fte_days, "bradford": f.bradford}
               for f in (action.figures or evaluation.windows)]
    lapsed = action.lapsed_warning
    if lapsed is not None:
        figures.append({"lapsed_warning": lapsed.level, "lapsed_on": lapsed.lapsed_on,
                        "referable_until": lapsed.referable_until})
    return {"windows": [{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}
                        for row in figures],
            "absence_ids": [str(i) for i in action.absence_ids]}


def _open_case(employee: Employee, action, evaluation: Evaluation, policy: Policy, actor: str) -> Case:
    kind = "LTS" if action.kind == "open_lts" else "STS"
    stage = action.stage or (policy.lts.ladder.first.key if kind == "LTS" else policy.sts.ladder.first.key)
    on_lts = any(a.kind in ("open_lts", "pause_sts") for a in evaluation.actions) and kind == "STS"
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind=kind, status="open",
                policy_key=evaluation.policy_key, policy_revision=evaluation.policy_revision, stage=stage,
                opened_on=evaluation.as_of, stages=[Stage(key=stage, entered_on=evaluation.as_of,
                                                          trigger_explanation=action.reason,
                                                          trigger_figures=_figures(action, evaluation))])
    if on_lts:
        case.pause(evaluation.as_of)
    add_stage_tasks(case, employee, policy, evaluation.as_of)
    if action.pertinent:
        add_pertinent_task(case, employee, action.pertinent, evaluation.as_of)
    if kind == "LTS":
        add_milestone_tasks(case, employee, [milestone for milestone in evaluation.milestones
                                             if milestone.absence_id in action.absence_ids], evaluation.as_of)
    case.record(actor, "case opened", after={"kind": kind, "stage": stage, "paused": on_lts,
                                             "open_tasks": len(case.open_tasks()),
                                             **({"pertinent_factors": list(action.pertinent)} if action.pertinent
                                                else {})}, reason=action.reason)
    opening = _opening.get()
    if opening is None:
        case.save_checked()
    else:
        opening.add(case, employee)
    return case


class _CasesOpened:
    """The cases a scan opens, inserted together (issue 18: one insert each, with its open-task rows and staff
    summary, was half an import's re-evaluation). Each case gets its id when opened, so a restart's audit entry can
    name it; it is stored as `save_checked` stores a new case (version 1, validated), with the same audit entry."""

    def __init__(self):
        self.cases: list[tuple[Case, Employee]] = []
        self.employees: set = set()     # whose cases are held (`holds` was a walk of the held cases per employee)

    def add(self, case: Case, employee: Employee) -> None:
        case.id, case.version = ObjectId(), 1
        case.validate()
        self.cases.append((case, employee))
        self.employees.add(case.employee)
        if len(self.cases) >= OPENED_CHUNK:
            self.flush()

    def holds(self, employee: Employee) -> bool:
        return employee.pk in self.employees

    def flush(self) -> None:
        """Insert the cases held (one insert), then their open-task rows (one insert) and their employees' summaries."""
        cases, self.cases, self.employees = self.cases, [], set()
        if not cases:
            return
        for case, _ in cases:
            case.note_list_days()
        stored = [case.to_mongo().to_dict() for case, _ in cases]
        Case._get_collection().insert_many(stored, ordered=False)
        for case, _ in cases:
            case._created, case._changed_fields = False, []
        add_open_tasks("case", stored, people={employee.pk: employee for _, employee in cases})


OPENED_CHUNK = 500
_opening: contextvars.ContextVar[_CasesOpened | None] = contextvars.ContextVar("cases_opened", default=None)


@contextlib.contextmanager
def _cases_opened_together() -> Iterator[_CasesOpened]:
    """Within the block (a scan), the cases `_open_case` opens are held and inserted in bulk; the last ones as it
    ends, also when it raises (what was opened before the error is kept, as one insert each kept it)."""
    with holding(_opening, _CasesOpened()) as opening:
        yield opening


def _close_restarted(action, opened: Case, as_of: dt.date, actor: str) -> None:
    """Close the earlier case a restart replaces, if it is still open (a closed one only lends its warning)."""
    case = case_to_change(action.case_id)
    if case.status == "closed":
        return
    why = f"Review period over; a new trigger restarted the process in case {opened.pk}"
    def close(case: Case) -> None:
        # The engine closes the stage's own tasks only: anything else still to do stays with its holder. HR's
        # advice on the pertinent factors is asked for again on the new case, with its own factors.
        case.close(as_of, actor, why, every_task=False)
        cancel_advice(case, actor)

    change_case(case, actor, "case closed: restarted at the first stage", close, reason=action.reason)


def _change_case(employee: Employee, action, evaluation: Evaluation, policy: Policy, actor: str) -> None:
    as_of = evaluation.as_of
    def apply(case: Case) -> None:
        if action.kind == "review_due":
            if case.status == "closed":   # a trigger while the warning of a closed case is live
                case.reopen_on_monitoring()
            add_review_tasks(case, employee, action, as_of)
            if action.pertinent and not advice_waiting(case):
                add_pertinent_task(case, employee, action.pertinent, as_of)
        elif action.kind == "warning_expired":
            case.close(as_of, actor, "The warning expired: continued monitoring ended", every_task=False)
        elif action.kind == "pause_sts":
            case.pause(as_of)
        else:
            case.resume(as_of, employee.region or "ENG")

    change_case(case_to_change(action.case_id), actor, CHANGES[action.kind], apply, reason=action.reason)


def add_review_tasks(case: Case, employee: Employee, action, as_of: dt.date) -> None:
    """The review meeting due, for the manager and for the division's HR advisors (unsaved): the title says why,
    the action's reason (kept in the audit entry) gives the figures."""
    why = REVIEW_TITLES.get(action.review_result or "", "review the case")
    if action.review_figures:
        why = f"{why} ({action.review_figures})"
    why = why if len(why) <= 180 else why[:179] + "…"
    due = due_on(as_of, 10, employee.region)
    manager, hr = assignee_for("manager", employee), hr_queue(employee.division)
    given = [(manager, f"Hold the review meeting with {employee.name}: {why}")]
    if hr != manager:
        given.append((hr, f"Review meeting due for {employee.name}: {why} (the manager holds it)"))
    case.tasks.extend(Task(kind=REVIEW_MEETING, stage_key=case.stage, event_on=action.review_key, due_on=due,
                           assignee=assignee, title=title) for assignee, title in given)


def start_short_term(employee: Employee, absence: Absence, task_id: str, actor: str, today: dt.date) -> Case:
    """The manager's decision on *Consider the short-term procedure* (several long-term absences, the policy's
    `lts.repeated`): open a short-term case at the ladder's first stage with those absences as its trigger, and
    complete the task. Refused when a short-term case is already live or the absences no longer call for it."""
    task = next((task for task in absence.tasks if task.id == task_id and task.kind == CONSIDER_STS), None)
    if task is None or task.status != "open":
        raise Refused("That task is no longer open: nothing was changed.")
    cases = list(Case.objects(employee=employee.pk).exclude("audit"))
    live = next((case for case in cases if case.kind == "STS" and case.status in ("open", "monitoring")), None)
    if live is not None:
        raise Refused("They already have a short-term case: work the absences there.")
    policy = policy_for(cases, active_policy())
    evaluation = evaluate_employee(employee, today, policy)
    repeated = next((rule for rule in evaluation.fired if rule.rule == "repeated_long_term"), None)
    if repeated is None:
        raise Refused("The long-term absences no longer reach the policy's number in its window: no case was opened.")
    first = policy.sts.ladder.first
    action = Action("open_sts", f"Started by {name_of(actor)} at {title_case(first.title)} after several long-term "
                                f"absences: {repeated.explanation}", stage=first.key, absence_ids=repeated.absence_ids)
    opened = _open_case(employee, action, evaluation, policy, actor)
    Absence.objects(pk=absence.pk).finish_task(actor, AuditEntry(
        actor=actor, action="short-term procedure started", before={"task": "open"},
        after={"task": "done", "case": str(opened.pk)}), id=task_id, kind=CONSIDER_STS)
    return opened


@dataclasses.dataclass
class ScanSummary:
    employees: int = 0
    actions: Counter = dataclasses.field(default_factory=Counter)
    concerns: int = 0
    would: list = dataclasses.field(default_factory=list)


def scan(as_of: dt.date, actor: str, apply: bool = True, employees=None, progress=None,
         active: Policy | None = None) -> ScanSummary:
    """Evaluate everyone in post on `as_of` (or `employees`) and, when `apply`, act on the results.

    Each employee's absences and cases are read once (see `by_employee`); what the absences themselves bring
    (reminders, tasks completed) follows from the same rows. `active` stands in for the active policy (a preview
    of what activating another would do)."""
    with summaries_deferred(), assignees_cached(), _cases_opened_together() as opening, writes_held() as held:
        return _scan(as_of, actor, apply, employees, progress, active or active_policy(as_of), opening, held)


def _scan(as_of: dt.date, actor: str, apply: bool, employees, progress, active: Policy,
          opening: _CasesOpened, held: HeldWrites) -> ScanSummary:
    everyone = employees is None
    staff = list(Employee.objects.current(as_of).exclude(*Employee.NOT_FOR_RULES) if everyone else employees)
    summary = ScanSummary()
    # Kept figures (issue 18.1): everyone named, or on the nightly scan everyone with a current absence. Imported
    # here because services.figures reads the active policy from this module.
    from services.figures import FigureWriter, is_current, refresh_people
    figures = FigureWriter(as_of, active.lts) if apply else None
    for employee, rows, cases in by_employee(staff, everyone):
        if figures is not None and (not everyone or any(is_current(row, as_of) for row in rows)):
            figures.add(employee, rows)
        held.read(cases)
        policy = policy_for(cases, active)
        evaluation = evaluate(employee_facts(employee), absence_facts(rows), case_facts(cases), policy, as_of)
        summary.employees += 1
        summary.concerns += len(evaluation.concerns)
        applicable = [action for action in evaluation.actions if action.kind in APPLIED]
        summary.actions.update(action.kind for action in applicable)
        if applicable:
            summary.would.append((employee, applicable))
            if apply:
                apply_evaluation(employee, evaluation, policy, actor)
        if apply:
            if ((opening.holds(employee) or held.holds(employee.pk))
                    and any(action.kind == REVIEW_ADJUSTMENT for action in evaluation.actions)):
                opening.flush()   # an adjustment review goes on the live short-term case: it must be stored
                held.flush()
            _apply_tasks(employee, evaluation, rows, actor, as_of, summary)
            absence_events(employee, rows, cases, as_of, policy)
        if progress:
            progress(1)
    if figures is not None:
        figures.flush()
        if everyone:
            refresh_people(as_of)
    return summary


def _apply_tasks(employee: Employee, evaluation: Evaluation, rows: list[dict], actor: str, as_of: dt.date,
                 summary: ScanSummary) -> None:
    """The tasks an evaluation gives beside its cases: adjustment reviews, referrals, the short-term procedure.
    An absence whose row (as the scan read it) shows it referred, or its task given, is not asked about again."""
    reviews = give_adjustment_reviews(employee, evaluation.actions, as_of)
    if reviews:
        summary.actions[REVIEW_ADJUSTMENT] += reviews
    given = {row["_id"] for row in rows
             if row.get("oh_referral_on") or any(task.get("kind") == OH_REFERRAL for task in row.get("tasks", ()))}
    for action in evaluation.actions:
        if action.kind == "oh_referral" and not given.issuperset(action.absence_ids):
            summary.actions["oh_referral"] += refer_to_occupational_health(employee, action.absence_ids, as_of)
        elif action.kind == "consider_sts":
            summary.actions["consider_sts"] += consider_short_term(employee, action.absence_ids, action.reason,
                                                                   actor, as_of)


# What the scan reads of an absence or a case: the whole row (the engine's facts, an absence's tasks and interview
# for the reminders, and the rest for the per-month figures kept from the same pass). On the embedded database
# leaving out the audit trail saved nothing (40,000 absences: 12-15 s either way on a busy machine).
SCANNED = None


def by_employee(staff: list[Employee], everyone: bool) -> Iterator[tuple[Employee, list[dict], list[dict]]]:
    """Each of `staff` with their absences and their cases (raw rows). For
    everyone, each collection is read in one pass and grouped by employee; for some, by `rows_where`: an indexed
    equality read per employee when they are few, one pass when many, never `$in`."""
    ids = [employee.pk for employee in staff]
    absences: defaultdict[object, list[dict]] = defaultdict(list)
    cases: defaultdict[object, list[dict]] = defaultdict(list)
    for collection, grouped in ((Absence._get_collection(), absences), (Case._get_collection(), cases)):
        rows = collection.find({}, SCANNED) if everyone else rows_where(collection, {"employee": ids}, SCANNED)
        for row in rows:
            grouped[row["employee"]].append(row)
    for employee in staff:   # their staff summaries are written from these rows unless their cases change after
        rows_read(employee.pk, absences[employee.pk], cases[employee.pk])
    for employee in staff:
        yield employee, absences[employee.pk], cases[employee.pk]


def scan_staff_of(user, as_of: dt.date, apply: bool, progress=None) -> ScanSummary:
    """A scan by `user` of the staff in post on `as_of` whom they may see (HR: their divisions; admins:
    everyone): applied, or only what it would do; `progress(employees)` as each is done."""
    staff = list(Employee.objects.visible_to(user).current(as_of).exclude(*Employee.NOT_FOR_RULES))
    return scan(as_of, f"trigger scan by {user.email}", apply=apply, employees=staff, progress=progress)
