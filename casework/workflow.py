"""How a case is worked: the tasks a stage creates and when they are due, the association gate, the
meeting rules (notice, another date), and the outcomes a stage may reach with the dates they set.

Pure: dates come in as parameters. The policy's stage (`casework.ladders.Stage`) holds the numbers.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from casework.absences import long_date
from casework.calendar import WEEKDAYS, WorkingPattern, add_months, nth_working_day_after
from casework.checklists import missing_attendees
from casework.ladders import Ladder, Stage, Task
from casework.plain_words import title_case, with_stage_name

ASSOCIATE = "associate_absences"
ALTERNATIVE_DATE_DAYS = 7
RESOLVE_FLAG = "resolve_flag"      # HR's task while a manager's flag waits: resolving the flag completes it
FLAG_ANSWERED = "flag_answered"    # the raiser's task once HR resolved their flag: read what was done
# A flag is the manager's question to HR, answered whatever becomes of the case: its task is not cancelled when the
# case closes (the flag stays in the Flags queue until HR resolves it, which completes the task), and a paused case
# does not hide it from the HR queue (a pause holds back short-term work, not HR's answer). Nor is the answer's
# task, which tells the manager how HR resolved it.
OWED_WHATEVER_THE_CASE = frozenset({RESOLVE_FLAG, FLAG_ANSWERED})


@dataclasses.dataclass(frozen=True)
class PlannedTask:
    """A task to create: what, for whom ("manager" or "hr"), by when."""

    kind: str
    title: str
    assignee: str
    due_on: dt.date
    stage_key: str | None = None


def office_week(region: str) -> WorkingPattern:
    """The week tasks are counted in: Monday to Friday, less the bank holidays of the employee's region."""
    return WorkingPattern(WEEKDAYS[:5], region or "ENG", 1.0)


def due_on(start: dt.date, working_days: int, region: str) -> dt.date:
    """`working_days` working days after `start` (the first working day on or after it for 0)."""
    return nth_working_day_after(start, working_days, office_week(region))


def stage_tasks(stage: Stage, entered_on: dt.date, region: str) -> list[PlannedTask]:
    """The tasks `stage` creates when a case enters it on `entered_on`, associating the absences first; the
    stage's name in a task's title is in title case, as pages write it (the rest of the policy's words as they are)."""
    tasks = list(stage.tasks)
    if not any(task.kind == ASSOCIATE for task in tasks):
        tasks.insert(0, _ASSOCIATE_DEFAULT)
    tasks.sort(key=lambda task: task.kind != ASSOCIATE)
    return [PlannedTask(task.kind, with_stage_name(task.title, stage.title), task.assignee,
                        due_on(entered_on, task.due_working_days, region), stage.key) for task in tasks]


_ASSOCIATE_DEFAULT = Task(ASSOCIATE, "Associate the absences that reached the trigger", "manager", 2)


def completion_blocked(task_kind: str, associated: bool) -> str | None:
    """Why a task of the current stage cannot be completed yet, or None."""
    if task_kind != ASSOCIATE and not associated:
        return "Associate the absences with this stage first: the meeting notes and letters are filled from them."
    return None


# The stages whose meeting can end in dismissal (the 3rd formal review, the long-term hearing) need at least
# 5 working days' notice, whatever the policy's preset says (issue 15, points 3 and 6).
WORKING_NOTICE_STAGES = ("formal_3", "lts_hearing")
WORKING_NOTICE_DAYS = 5


@dataclasses.dataclass(frozen=True)
class Notice:
    """The notice a meeting needs: the policy's calendar days, and at least `working_days` working days."""

    days: int = 0
    working_days: int = 0

    def earliest(self, invited_on: dt.date, region: str = "ENG") -> dt.date:
        """The first day the meeting may be on when the invitation is made on `invited_on`."""
        earliest = invited_on + dt.timedelta(days=self.days)
        if self.working_days:
            earliest = max(earliest, due_on(invited_on, self.working_days, region))
        return earliest

    def words(self) -> str:
        """The notice in words: "5 working days'" or "7 days'"."""
        if self.working_days and self.working_days >= self.days:
            return f"{self.working_days} working days'"
        if self.working_days:
            return f"{self.days} days' (and at least {self.working_days} working days')"
        return f"{self.days} days'"


def notice_for(stage: Stage | None) -> Notice:
    """The notice the meeting of `stage` needs: its preset's `notice_days`, never less than 5 working days at
    the 3rd formal review and at the long-term hearing."""
    if stage is None:
        return Notice()
    return Notice(stage.notice_days, WORKING_NOTICE_DAYS if stage.key in WORKING_NOTICE_STAGES else 0)


def notice_problem(invited_on: dt.date, meeting_on: dt.date, notice: Notice | int, region: str = "ENG") -> str | None:
    """The minimum notice from the invitation to the meeting (calendar days, or a `Notice` that may also ask for
    working days, counted in `region`'s office week); None when kept."""
    notice = notice if isinstance(notice, Notice) else Notice(notice)
    earliest = notice.earliest(invited_on, region)
    if meeting_on < invited_on:
        return "The meeting cannot be before the invitation."
    if meeting_on < earliest:
        return (f"The policy asks for at least {notice.words()} notice: invited on {long_date(invited_on)}, "
                f"the meeting can be on {long_date(earliest)} at the earliest.")
    return None


def alternative_date_problem(original: dt.date, proposed: dt.date, today: dt.date) -> str | None:
    """Another date the employee proposes is accepted only up to 7 calendar days after the original one
    (the university's case-meeting guidance); an earlier date is fine if it has not passed."""
    latest = original + dt.timedelta(days=ALTERNATIVE_DATE_DAYS)
    if proposed < today:
        return "The new date has passed: choose a date from today on."
    if proposed == original:
        return "That is the date already arranged."
    if proposed > latest:
        return (f"Another date can be accepted only up to {ALTERNATIVE_DATE_DAYS} calendar days after the original "
                f"one: {long_date(latest)} at the latest.")
    return None


@dataclasses.dataclass(frozen=True)
class OutcomeKind:
    """An outcome a stage may reach: its words, the letter that confirms it, and what it does to the case."""

    key: str
    label: str
    letter: str | None
    sets_review: bool = False
    gives_warning: bool = False
    closes: bool = False
    progresses: bool = False
    appealable: bool = True


OUTCOMES = {
    "support_agreed": OutcomeKind("support_agreed", "Support agreed and a review period set", "C1", sets_review=True),
    "warning": OutcomeKind("warning", "Written warning and a review period", "C4", sets_review=True,
                           gives_warning=True),
    "more_time": OutcomeKind("more_time", "No warning: more time to improve, with a review period", "C5",
                             sets_review=True),
    "dismissal": OutcomeKind("dismissal", "Dismissal", "C7", closes=True),
    "other": OutcomeKind("other", "Another outcome (no dismissal), with a review period", "C8", sets_review=True),
    "redeployment": OutcomeKind("redeployment", "Redeployment", "C8", closes=True),
    "ill_health_retirement": OutcomeKind("ill_health_retirement", "Ill-health retirement", "C8", closes=True),
    "improved": OutcomeKind("improved", "Attendance improved: the review ends", "C2", closes=True, appealable=False),
    "continue_support": OutcomeKind("continue_support", "Continue support, meet again by the review date", None,
                                    sets_review=True, appealable=False),
    "progress": OutcomeKind("progress", "Move on to the next stage", None, progresses=True, appealable=False),
}


def outcomes_for(kind: str, stage: Stage, ladder: Ladder) -> list[OutcomeKind]:
    """The outcomes a stage of a `kind` ("STS" or "LTS") case may reach, in the order to offer them."""
    top = ladder.after(stage.key) is None
    if kind == "LTS":
        keys = ["continue_support"] + ([] if top else ["progress"])
        keys += ["redeployment", "ill_health_retirement"] + (["dismissal", "other"] if top else [])
    elif stage.warning:
        keys = ["warning", "more_time", "progress"]
    elif top:
        keys = ["dismissal", "other", "redeployment", "ill_health_retirement"]
    else:
        keys = ["support_agreed", "progress"]
    if kind == "STS":
        keys.append("improved")
    return [OUTCOMES[key] for key in dict.fromkeys(keys)]


MAX_NOTICE_WEEKS = 52


@dataclasses.dataclass(frozen=True)
class DismissalTerms:
    """What letter C7 must say of a dismissal: when employment ends, the notice in weeks and whether it is paid
    in lieu, and the dismissing officer's name and job title."""

    termination_date: dt.date | None = None
    notice_weeks: int | None = None
    pay_in_lieu: bool = False
    officer_name: str = ""
    officer_title: str = ""


def dismissal_problems(terms: DismissalTerms, decided_on: dt.date) -> dict[str, str]:
    """{field: message} for a dismissal's terms: every one is needed for letter C7 (the termination date, the
    notice period or pay in lieu, the dismissing officer's name and title), and employment cannot end before the
    decision."""
    problems = {}
    if terms.termination_date is None:
        problems["termination_date"] = "Enter the date employment ends: letter C7 gives it."
    elif terms.termination_date < decided_on:
        problems["termination_date"] = "Employment cannot end before the decision to dismiss."
    if terms.notice_weeks is None:
        problems["notice_weeks"] = "Enter the notice period in weeks (paid in lieu or worked): letter C7 gives it."
    elif not 1 <= terms.notice_weeks <= MAX_NOTICE_WEEKS:
        problems["notice_weeks"] = f"The notice period is from 1 to {MAX_NOTICE_WEEKS} weeks."
    if not terms.officer_name.strip():
        problems["dismissed_by_name"] = "Enter the name of the manager who dismisses: they sign letter C7."
    if not terms.officer_title.strip():
        problems["dismissed_by_title"] = "Enter the dismissing manager's job title: letter C7 gives it."
    return problems


@dataclasses.dataclass(frozen=True)
class MeetingFacts:
    """One of the stage's meetings as the outcome rules see it: when it was arranged and held, whether its notes
    are recorded, and the roles of the people at it."""

    on: dt.date
    arranged_on: dt.date | None
    held: bool
    with_notes: bool
    roles: tuple[str, ...]


def needs_held_meeting(outcome: OutcomeKind, stage: Stage) -> bool:
    """Whether the outcome is decided at a meeting that has been held: every outcome of a formal stage (a
    formal review meeting, a hearing) but "attendance improved", which the end of a review period may bring,
    and moving on to the next stage at any stage (the stage moves only at a held meeting)."""
    return outcome.progresses or (stage.formal and outcome.key != "improved")


def formal_outcome_problem(outcome: OutcomeKind, stage: Stage, meetings: list[MeetingFacts],
                           may_dismiss: bool, region: str = "ENG", decided_before: dt.date | None = None) -> str | None:
    """Why the outcome cannot be recorded yet, or None. Formal action is taken only at a meeting that has been
    held, with its notes, the people the policy requires and the notice it requires; a dismissal only by
    someone with the authority to dismiss. Moving on needs the review meeting held after the stage's last
    decision (`decided_before`: the outcome that set the review period)."""
    if outcome.key == "dismissal" and not may_dismiss:
        return ("Only someone with the authority to dismiss may record a dismissal: ask an administrator to give "
                "it to the senior manager who chaired the meeting.")
    if not needs_held_meeting(outcome, stage):
        return None
    held = [meeting for meeting in meetings if meeting.held and meeting.with_notes]
    if outcome.progresses and decided_before is not None:
        held = [meeting for meeting in held if meeting.on > decided_before]
        if not held:
            return (f"Hold the review meeting and record its notes first: the stage's last decision was on "
                    f"{long_date(decided_before)}, and moving on to the next stage is decided at a review meeting "
                    f"held after it.")
    if not held:
        return (f"Hold the {title_case(stage.title)} and record its notes first: "
                f"\"{outcome.label}\" is decided at the meeting.")
    meeting = max(held, key=lambda meeting: meeting.on)
    missing = missing_attendees(stage.attendees, list(meeting.roles))
    if missing:
        return (f"The {title_case(stage.title)} on {long_date(meeting.on)} did not have everyone the policy "
                f"requires: {', '.join(missing).lower()} missing. Arrange the meeting again with them.")
    short = (notice_problem(meeting.arranged_on, meeting.on, notice_for(stage), region)
             if meeting.arranged_on else None)
    if short:
        return (f"The {title_case(stage.title)} on {long_date(meeting.on)} was held without the notice the policy "
                f"requires. {short}")
    return None


@dataclasses.dataclass(frozen=True)
class OutcomePlan:
    """The dates and consequences of an outcome, computed before it is saved so the user sees them."""

    outcome: OutcomeKind
    decided_on: dt.date
    letter: str | None
    review_date: dt.date | None
    warning_level: str | None
    warning_expires_on: dt.date | None
    appeal_deadline: dt.date | None
    appeal_route: str | None
    next_stage: Stage | None
    closes: bool
    monitoring: bool = False   # "improved" while a warning is live: on continued monitoring until it expires

    def words(self) -> list[str]:
        """The plan in sentences, for the confirmation panel and the audit trail."""
        said = [f"{self.outcome.label}, decided on {long_date(self.decided_on)}."]
        if self.letter:
            said.append(f"Letter {self.letter} confirms it.")
        if self.monitoring and self.warning_expires_on:
            said.append(f"The {self.warning_level} written warning stays live until "
                        f"{long_date(self.warning_expires_on)}: the case stays on continued monitoring until then, "
                        f"and the letter says so.")
        elif self.warning_level and self.warning_expires_on:
            said.append(f"The {self.warning_level} written warning is live until {long_date(self.warning_expires_on)}.")
        if self.review_date:
            said.append(f"Attendance is reviewed until {long_date(self.review_date)}.")
        if self.appeal_deadline:
            said.append(f"Appeal by {long_date(self.appeal_deadline)} ({self.appeal_route}).")
        if self.next_stage and not self.closes:
            verb = "The case moves to" if self.outcome.progresses else "If attendance does not improve, next is"
            said.append(f"{verb} the {title_case(self.next_stage.title)}.")
        if self.closes:
            said.append("The case closes.")
        return said


@dataclasses.dataclass(frozen=True)
class LiveWarning:
    """A warning given at an earlier decision of the case: its level and the last day it is live."""

    level: str
    expires_on: dt.date

    def live_on(self, day: dt.date) -> bool:
        """Whether the warning is live on `day`: up to and including its expiry date."""
        return self.expires_on is not None and day <= self.expires_on


def plan_outcome(outcome_key: str, stage: Stage, ladder: Ladder, decided_on: dt.date,
                 letter_dated: dt.date | None = None, warning: LiveWarning | None = None) -> OutcomePlan:
    """What recording `outcome_key` at `stage` on `decided_on` sets: review date (the stage's review weeks),
    warning and its expiry (live for the stage's warning months from the letter, through the day before the
    same date), appeal deadline (the stage's appeal window after the letter's date), the next stage.

    "Attendance improved" while the case's `warning` is still live keeps it: the case does not close but stays on
    continued monitoring until the warning expires (council policy, part 2, 8e: warnings carry a 'life')."""
    outcome = OUTCOMES[outcome_key]
    if outcome.key == "improved" and warning is not None and warning.expires_on >= decided_on:
        return OutcomePlan(outcome, decided_on, outcome.letter, None, warning.level, warning.expires_on, None, None,
                           None, closes=False, monitoring=True)
    letter_dated = letter_dated or decided_on
    review = decided_on + dt.timedelta(weeks=stage.review_weeks) if outcome.sets_review and stage.review_weeks else None
    level = stage.warning if outcome.gives_warning else None
    expires = (add_months(letter_dated, stage.warning_months) - dt.timedelta(days=1)
               if level and stage.warning_months else None)
    appeal = stage.dismissal_appeal if outcome.key == "dismissal" and stage.dismissal_appeal else stage.appeal
    deadline = appeal.deadline(letter_dated) if appeal and outcome.appealable else None
    route = (appeal.heard_by or appeal.route) if deadline and appeal else None
    return OutcomePlan(outcome, decided_on, outcome.letter if outcome.key != "support_agreed" else (
                           stage.outcome_letters[0] if stage.outcome_letters else outcome.letter),
                       review, level, expires, deadline, route, ladder.after(stage.key), outcome.closes)


MILESTONE_TASKS = {  # milestone key → (title, calendar days ahead the task is due)
    "half_pay": ("Tell {name} in writing that their pay moves to half pay on {date}", 14),
    "nil_pay": ("Tell {name} in writing that their pay stops (nil pay) on {date}", 14),
    "ssp_notice": ("Send {name} the statutory sick pay notice: 28 weeks off on {date}", 7),
}


def milestone_tasks(milestones, name: str, today: dt.date, region: str) -> list[PlannedTask]:
    """Tasks ahead of each change of pay of a long-term absence and the statutory sick pay notice: due the
    given days before the date (a working day, and not before today); milestones already passed get none."""
    planned = []
    for milestone in milestones:
        if milestone.key not in MILESTONE_TASKS or milestone.on <= today:
            continue
        title, ahead = MILESTONE_TASKS[milestone.key]
        due = due_on(max(today, milestone.on - dt.timedelta(days=ahead)), 0, region)
        planned.append(PlannedTask(milestone.key, title.format(name=name, date=long_date(milestone.on)), "manager",
                                   min(due, milestone.on)))
    return planned
