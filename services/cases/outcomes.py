"""Deciding a case: outcomes of a stage, notes, requests to HR and HR's decisions, slowing a long-term
case, and the "wrong stage" and "not my report" flags. Every change goes through the case's `change()`.

The dates come from `casework.workflow.plan_outcome`; this module checks who may do what and saves.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from casework.absences import long_date
from casework.history import unchanged
from casework.letters import LETTERS
from casework.pertinent import advice_problem
from casework.plain_words import title_case
from casework.review import Target, target_problems, target_text
from casework.workflow import (
    OUTCOMES,
    DismissalTerms,
    LiveWarning,
    MeetingFacts,
    OutcomePlan,
    completion_blocked,
    dismissal_problems,
    due_on,
    formal_outcome_problem,
    outcomes_for,
    plan_outcome,
)
from documents.case import FLAG_WORDS, Case, Flag, Note, Outcome, Task
from documents.employee import Employee
from documents.scope import may_read_medical
from documents.user import User
from services import clock
from services.cases.flags import answered_task, end_flag_task, flag_task, tell_raiser
from services.cases.tasks import (
    REVIEW_MEETING,
    add_stage_tasks,
    assignee_for,
    case_policy,
    hr_queue,
    ladder_of,
    region_of,
    stage_of,
)
from services.errors import Refused
from services.mail import MailSettings
from services.pertinent import advice_waiting
from services.routing import notify_flag

RECORD_OUTCOME = "record_outcome"
DECIDE_PROGRESS = "decide_progress"
SNOOZE_WEEKS = 12
DECISIONS = {"close": "Close the case", "monitoring": "Keep it on continued monitoring at the current stage",
             "progress": "Go ahead: the manager holds the review meeting, which may move it on"}


def offered_outcomes(case: Case) -> list:
    """The outcomes the case's current stage may reach. A long-term case closes by hand only through the
    hearing's outcomes (or the manager confirming the employee has resumed), never earlier."""
    ladder = ladder_of(case)
    stage = ladder.stage(case.stage)
    if stage is None:
        return []
    top = ladder.after(stage.key) is None
    return [outcome for outcome in outcomes_for(case.kind, stage, ladder)
            if not (case.kind == "LTS" and outcome.closes and not top)]


def outcome_blocked(case: Case) -> str | None:
    """Why no outcome can be recorded on the case now, or None."""
    if case.current_stage is None:
        return "The case has no stage."
    if case.status == "closed":
        return "The case is closed."
    if case.paused:
        return "Short-term work waits while the employee is off long-term."
    return completion_blocked(RECORD_OUTCOME, case.current_stage.absences_associated)


@dataclasses.dataclass(frozen=True)
class OutcomeChoice:
    """The outcome the user chose for the current stage: its key, the day it was decided, the day of its
    letter when not that day, the attendance target, what was decided and why, and a dismissal's terms."""

    key: str
    decided_on: dt.date
    letter_dated: dt.date | None = None
    target: str = ""
    summary: str = ""
    dismissal: DismissalTerms = dataclasses.field(default_factory=DismissalTerms)
    target_occasions: int | None = None
    target_days: int | None = None

    @property
    def target_figures(self) -> Target:
        return Target(self.target_occasions, self.target_days)


def date_problems(case: Case, decided_on: dt.date, letter_dated: dt.date | None, today: dt.date) -> dict[str, str]:
    """{field: message} for an outcome's dates: decided between the stage's start and today, the letter not
    dated before the decision."""
    problems = {}
    entered = stage_of(case).entered_on
    if decided_on > today:
        problems["decided_on"] = "The decision cannot be dated in the future."
    elif decided_on < entered:
        problems["decided_on"] = f"The decision cannot be before the stage began on {long_date(entered)}."
    if letter_dated and letter_dated < decided_on:
        problems["letter_dated"] = "The letter cannot be dated before the decision."
    return problems


def check_outcome(case: Case, choice: OutcomeChoice, actor: str, today: dt.date) -> OutcomePlan:
    """The dates and consequences of `actor` recording `choice` on the current stage ("Check the dates" shows
    them, `record_outcome` records them). Refused when no outcome can be recorded now (about the outcome as a
    whole), when the dates are wrong or a dismissal lacks a term letter C7 gives (every problem beside its
    field), when the stage does not offer the outcome, or when it is formal action without the held meeting,
    the people, the notice or (for a dismissal) the authority the policy requires."""
    blocked = outcome_blocked(case)
    if blocked:
        raise Refused(blocked)
    problems = date_problems(case, choice.decided_on, choice.letter_dated, today)
    if choice.key == "dismissal":
        problems = {**dismissal_problems(choice.dismissal, choice.decided_on), **problems}
    if problems:
        raise Refused.naming(problems)
    ladder = ladder_of(case)
    step = ladder.stage(case.stage)
    if step is None or choice.key not in {outcome.key for outcome in offered_outcomes(case)}:
        raise Refused("Choose one of the outcomes offered for this stage.", "outcome_kind")
    stage = stage_of(case)
    problem = advice_problem(OUTCOMES[choice.key], step, ladder.after(step.key), advice_waiting(case))
    if problem:
        raise Refused(problem, "outcome_kind")
    problem = formal_outcome_problem(OUTCOMES[choice.key], step, _meetings(case), _may_dismiss(actor),
                                     region_of(case), stage.outcome.decided_on if stage.outcome else None)
    if problem:
        raise Refused(problem, "outcome_kind")
    plan = plan_outcome(choice.key, step, ladder, choice.decided_on, choice.letter_dated, live_warning(case))
    if choice.target_figures.is_set or (plan.letter and "outcome.target" in LETTERS[plan.letter].needs):
        problems = target_problems(choice.target_figures)
        if problems:
            if not choice.target_figures.is_set:
                problems = {field: f"{message} Letter {plan.letter} states it."
                            for field, message in problems.items()}
            raise Refused.naming(problems)
    return plan


def live_warning(case: Case) -> LiveWarning | None:
    """The case's latest warning (given at this stage or an earlier one), unless withdrawn."""
    warned = case.warned_stage()
    if warned is None:
        return None
    return LiveWarning(warned.warning_level or "", warned.warning_expires_on)


def _meetings(case: Case) -> list[MeetingFacts]:
    stage = stage_of(case)
    return [MeetingFacts(on=meeting.on, arranged_on=meeting.arranged_on, held=meeting.held,
                         with_notes=bool(meeting.notes), roles=tuple(person.role for person in meeting.participants))
            for meeting in stage.meetings if not meeting.cancelled]


def _may_dismiss(actor: str) -> bool:
    return User.objects(email=actor, may_dismiss=True).only("id").first() is not None


def record_outcome(case: Case, employee: Employee, choice: OutcomeChoice, actor: str, today: dt.date,
                   version: int | None = None) -> OutcomePlan | None:
    """Record the stage's outcome with the dates the policy sets (refused as `check_outcome` says);
    progressing moves the case to the next stage, a closing outcome closes it. Letter tasks stay as they are
    (the letters make them). The very outcome the stage has already (same dates, words and terms) changes
    nothing: None, with no save and no audit entry."""
    if outcome_blocked(case) is None and recorded_already(stage_of(case).outcome, choice):
        return None
    plan = check_outcome(case, choice, actor, today)
    key, decided_on, stage = choice.key, choice.decided_on, stage_of(case)
    previous = stage.outcome.kind if stage.outcome else None

    target = target_text(choice.target_figures, choice.target) if plan.review_date else ""

    def apply(case: Case) -> dict:
        for task in case.open_tasks():
            if task.kind == REVIEW_MEETING:     # the review meeting's outcome is what its task asked for
                task.finish(actor)
        stage.decide(Outcome(kind=key, decided_on=decided_on, decided_by=actor, summary=choice.summary or None,
                                target=target or None, target_occasions=choice.target_occasions if target else None,
                                target_days=choice.target_days if target else None,
                                review_date=plan.review_date, letter=plan.letter,
                                letter_dated=choice.letter_dated or decided_on, warning_level=plan.warning_level,
                                warning_expires_on=plan.warning_expires_on, appeal_deadline=plan.appeal_deadline,
                                appeal_route=plan.appeal_route,
                                next_stage=plan.next_stage.key if plan.next_stage else None,
                                **_dismissal_fields(choice)))
        stage.review_date = plan.review_date
        if not plan.monitoring:   # "improved" keeps a live warning where it was given, and its right of appeal
            stage.warning_level, stage.warning_expires_on = plan.warning_level, plan.warning_expires_on
            stage.appeal_deadline = plan.appeal_deadline
        if plan.monitoring:
            case.keep_on_monitoring()
            case.tasks.append(Task(
                kind="send_closing_letter", stage_key=stage.key, assignee=assignee_for("manager", employee),
                due_on=due_on(decided_on, 5, employee.region),
                title=f"Send {employee.name} letter {plan.letter}: the review has ended, the warning stays live"))
        elif plan.closes:
            case.close(decided_on, actor, plan.outcome.label + (f" (letter {plan.letter})" if plan.letter else ""))
            if plan.letter:      # the closing letter is still to go: the manager's last task on the case
                case.tasks.append(Task(
                    kind="send_closing_letter" if plan.letter == "C2" else "send_outcome_letter", stage_key=stage.key,
                    assignee=assignee_for("manager", employee), due_on=due_on(decided_on, 5, employee.region),
                    title=f"Send {employee.name} letter {plan.letter}: {plan.outcome.label.lower()}"))
        elif plan.outcome.progresses:
            move_up(case, employee, decided_on, actor, f"Outcome of {stage_title(case)}: moved on")
        return {"before": {"outcome": previous}, "after": {"outcome": key, "review_date": plan.review_date,
                                                            "warning_expires_on": plan.warning_expires_on,
                                                            "appeal_deadline": plan.appeal_deadline,
                                                            **_dismissal_fields(choice)}}

    case.change(actor, "outcome recorded", apply, reason=" ".join(plan.words()), version=version)
    return plan


def recorded_already(outcome: Outcome | None, choice: OutcomeChoice) -> bool:
    """Whether `outcome` (the stage's) is `choice` already: the same outcome, dates, words, target and terms."""
    if outcome is None:
        return False
    chosen = {"kind": choice.key, "decided_on": choice.decided_on, "letter_dated": choice.letter_dated or
              choice.decided_on, "summary": choice.summary, "target_occasions": choice.target_occasions,
              "target_days": choice.target_days, **_dismissal_fields(choice)}
    target = target_text(choice.target_figures, choice.target)
    return unchanged({name: getattr(outcome, name) for name in chosen}, chosen) and (
        not outcome.target or outcome.target == target)


def _dismissal_fields(choice: OutcomeChoice) -> dict:
    """A dismissal's terms as the outcome keeps them (nothing for another outcome)."""
    if choice.key != "dismissal":
        return {}
    terms = choice.dismissal
    return {"termination_date": terms.termination_date, "notice_weeks": terms.notice_weeks,
            "pay_in_lieu": terms.pay_in_lieu, "dismissed_by_name": terms.officer_name.strip(),
            "dismissed_by_title": terms.officer_title.strip()}


def move_up(case: Case, employee: Employee, on: dt.date, actor: str, why: str) -> None:
    """Move the case to the next stage of its ladder (unsaved), with that stage's tasks."""
    policy = case_policy(case)
    following = ladder_of(case, policy).after(case.stage)
    if following is None:
        raise Refused("This is the last stage: there is no stage to move on to.")
    case.enter_stage(following.key, on, actor, why)
    add_stage_tasks(case, employee, policy, on)


def stage_title(case: Case) -> str:
    """The current stage's title in the case's policy, in title case as pages write it."""
    stage = ladder_of(case).stage(case.stage)
    return title_case(stage.title) if stage else case.stage


def _note(case: Case, actor: str, text: str, kind: str = "note", **fields) -> Note:
    note = Note(author=actor, text=text, kind=kind, **fields)
    case.notes.append(note)
    return note


def add_note(case: Case, text: str, actor: str, version: int | None = None) -> Case:
    """A note on the case. It never changes a stage; its text stays out of the audit trail."""
    return case.change(actor, "note added", lambda case: {"after": {"note": _note(case, actor, text).id}},
                       version=version)


def ask_not_to_progress(case: Case, employee: Employee, reason: str, actor: str, today: dt.date,
                        version: int | None = None) -> Case:
    """The manager asks HR not to move the case on: a request, not a decision. It is kept as a note and
    gives the division's HR advisors a task to decide."""
    if case.status == "closed":
        raise Refused("The case is closed.")
    if any(task.kind == DECIDE_PROGRESS for task in case.open_tasks()):
        raise Refused("HR already has this request to decide.")

    def apply(case: Case) -> dict:
        note = _note(case, actor, reason, "request")
        case.tasks.create(kind=DECIDE_PROGRESS, stage_key=case.stage, assignee=hr_queue(case.division),
                          due_on=due_on(today, 5, employee.region),
                          title=f"Decide whether to progress {employee.name}'s case beyond "
                                f"{stage_title(case)}: the manager asks not to")
        return {"after": {"note": note.id}}

    return case.change(actor, "asked HR not to progress", apply, version=version)


def hr_decision(case: Case, employee: Employee, decision: str, reason: str, actor: str, today: dt.date,
                version: int | None = None) -> Case:
    """HR closes the case, keeps it on continued monitoring at its stage, or moves it on; the reason is
    kept as a note and in the audit trail, and a waiting request to decide is done."""
    if case.status == "closed":
        raise Refused("The case is closed.")
    if decision not in DECISIONS:
        raise Refused("Choose what HR decides.")
    if decision == "monitoring" and case.status == "monitoring":
        raise Refused("The case is already on continued monitoring.")
    if decision == "progress" and ladder_of(case).after(case.stage) is None:
        raise Refused("This is the last stage: there is no stage to move on to.")

    def apply(case: Case) -> None:
        for task in case.open_tasks():
            if task.kind == DECIDE_PROGRESS:
                task.finish(actor)
        _note(case, actor, f"{DECISIONS[decision]}: {reason}", "decision")
        if decision == "close":
            case.close(today, actor, f"HR closed the case: {reason}")
        elif decision == "monitoring":
            case.keep_on_monitoring()
        else:   # the stage moves only when the outcome of a held meeting is recorded (issue 15, point 2)
            case.tasks.append(Task(kind=REVIEW_MEETING, stage_key=case.stage,
                                   assignee=assignee_for("manager", employee),
                                   due_on=due_on(today, 10, employee.region),
                                   title=f"Hold the review meeting with {employee.name}: HR decided to go ahead "
                                         f"({reason[:150]})"))

    return case.change(actor, f"HR decision: {DECISIONS[decision].lower()}", apply, reason=reason,
                       version=version)


def snooze_problem(until: dt.date, today: dt.date) -> str | None:
    """Why reminders cannot be snoozed until `until`: it must be after today and at most 12 weeks on."""
    latest = today + dt.timedelta(weeks=SNOOZE_WEEKS)
    if not today < until <= latest:
        return f"Choose a date after today and no later than {long_date(latest)} ({SNOOZE_WEEKS} weeks on)."
    return None


def snooze_reminders(case: Case, reason: str, agreed_by: str, until: dt.date, actor: str, today: dt.date,
                     version: int | None = None) -> Case:
    """Slow a long-term case: a note with the reason and the HR advisor who agreed, and its open tasks'
    reminders snoozed until `until` (at most 12 weeks on). The audit names who agreed and until when."""
    if case.kind != "LTS" or case.status == "closed":
        raise Refused("Only an open long-term case can be slowed down.")
    problem = snooze_problem(until, today)
    if problem:
        raise Refused(problem, "snooze_until")

    def apply(case: Case) -> dict:
        note = _note(case, actor, reason, "snooze", agreed_by_hr=agreed_by, snooze_until=until)
        for task in case.open_tasks():
            task.snoozed_until = until
        return {"after": {"note": note.id, "snoozed_until": until, "agreed_by_hr": agreed_by}}

    return case.change(actor, "reminders snoozed", apply, reason=f"Agreed by {agreed_by} (HR)", version=version)


def raise_flag(case: Case, kind: str, actor: str, comment: str = "", version: int | None = None, *,
               mail: MailSettings, today: dt.date | None = None) -> Case:
    """A "wrong stage" or "not my report" flag for the division's HR queue (one open flag of each kind), waiting
    there as a task (services/cases/flags.py), with a notice by e-mail to the addresses the routing settings give."""
    if kind not in FLAG_WORDS:
        raise Refused("Choose which flag to raise.")
    if any(flag.kind == kind and flag.status == "open" for flag in case.flags):
        raise Refused(f"A “{FLAG_WORDS[kind]}” flag is already waiting for HR.")

    flag = Flag(kind=kind, raised_by=actor, comment=comment or None, stage_key=case.stage)

    def apply(case: Case) -> dict:
        case.flags.append(flag)
        case.tasks.append(flag_task(case, flag, today or clock.today()))
        return {"after": {"flag": FLAG_WORDS[kind]}}

    case.change(actor, f"flag raised: {FLAG_WORDS[kind]}", apply, version=version)
    notify_flag(case, flag, mail)
    return case


def not_my_report(employee: Employee, cases, actor: str, comment: str = "", *, mail: MailSettings,
                  asked: bool = False) -> int:
    """Flag each of the employee's open cases (from `cases`, already scoped) "not my report", with the manager's
    `comment`; returns how many were flagged (a case already flagged is left as it is). With `asked` (the team
    page's confirmation) the comment is required."""
    if asked and not comment.strip():
        raise Refused(f"Say why {employee.name} does not report to you, for HR and the hierarchy administrator.",
                      "comment")
    flagged = 0
    for case in cases.filter(employee=employee.pk, status__ne="closed"):
        if not any(flag.kind == "not_my_report" and flag.status == "open" for flag in case.flags):
            raise_flag(case, "not_my_report", actor, comment.strip(), mail=mail)
            flagged += 1
    return flagged


def flag_comments(user, flags: Iterable[tuple[Case, Flag]]) -> dict[str, str]:
    """The comments `user` may read of these flags (each with its case), by flag id. A manager's comment may hold
    health information, so only those who may read the employee's medical detail read it (their managers, HR
    for their division, admins): never support as such, who resolve "not my report" flags without it."""
    return {flag.id: flag.comment for case, flag in flags if flag.comment and may_read_medical(user, case)}


def flag_queue(cases, kinds=tuple(FLAG_WORDS)) -> list[tuple[Case, Flag]]:
    """Open flags of `kinds` on `cases` (already scoped), oldest first."""
    # "flags.status" beside the $elemMatch so the ("flags.status", "division") index finds the cases with open flags.
    found = [(case, flag) for case in cases.filter(flags__status="open",
                                                   flags__match={"status": "open", "kind": {"$in": list(kinds)}})
             .only("employee", "assignment_number", "division", "manager_path", "kind", "stage", "flags",
                   "policy_key", "policy_revision")
             for flag in case.flags if flag.status == "open" and flag.kind in kinds]
    return sorted(found, key=lambda pair: pair[1].at)


def resolve_flag(case: Case, flag_id: str, resolution: str, actor: str, *, mail: MailSettings | None = None,
                 today: dt.date | None = None) -> Case:
    """HR (or the hierarchy admin, for "not my report") says what was done about a flag: its task in the HR queue
    is done, and the manager who raised it gets a task saying so (and an e-mail, when they take e-mail)."""
    flag = next((flag for flag in case.flags if flag.id == flag_id), None)
    if flag is None or flag.status != "open":
        raise Refused("That flag is not waiting to be resolved.")

    def apply(case: Case) -> dict:
        flag.resolve(actor, resolution)
        end_flag_task(case, flag, actor, done=True)
        case.tasks.append(answered_task(flag, today or clock.today()))
        return {"before": {"flag": f"{FLAG_WORDS[flag.kind]}: open"},
                "after": {"flag": f"{FLAG_WORDS[flag.kind]}: resolved"}}

    case.change(actor, f"flag resolved: {FLAG_WORDS[flag.kind]}", apply, reason=resolution)
    tell_raiser(case, flag, mail)
    return case
