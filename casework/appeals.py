"""Appeals against a stage's outcome: whether one received on a day is in time, what the person hearing it may
decide, and what that decision does to the warning and the case.

The council's policy, part 2, paragraph 8f "Rights of appeal": "All appeals must be made in writing, giving
reasons, to the employee's Director within 2 working weeks of receiving written notification of outcome(s) and for
this purpose is assumed to be 2 weeks and 1 day after the letter is dated." The deadline itself is the outcome's
(`casework.workflow.plan_outcome`); an appeal received on that day is in time. A late one is heard only for a
reason the case worker gives.

Pure: the day of each step comes in as a parameter.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from casework.absences import long_date

APPEAL_OUTCOMES = {
    "upheld": "Upheld: the decision is withdrawn",
    "partly_upheld": "Partly upheld: part of the decision changes",
    "dismissed": "Dismissed: the decision stands",
}
WARNING_CHANGES = {
    "none": "The warning stays as it is",
    "withdraw": "The warning is withdrawn",
    "shorten": "The warning's life is shortened",
}


@dataclasses.dataclass(frozen=True)
class Appealed:
    """The outcome appealed against, as the appeal rules see it: when it was decided, the last day to appeal,
    the stage's live warning (None when it has none) and whether the outcome closed the case."""

    outcome_kind: str
    decided_on: dt.date
    appeal_deadline: dt.date
    warning_level: str | None = None
    warning_expires_on: dt.date | None = None
    closed_case: bool = False

    @property
    def has_warning(self) -> bool:
        return self.warning_level is not None and self.warning_expires_on is not None


@dataclasses.dataclass(frozen=True)
class AppealChoice:
    """The appeal as the case worker records it: received when (and, when late, why it is heard), heard by whom at
    which meeting, decided when, the outcome with its reasons, and for a partly upheld appeal what changed in words
    and what becomes of the live warning."""

    received_on: dt.date
    heard_by_name: str
    heard_by_title: str
    meeting_on: dt.date
    decided_on: dt.date
    outcome: str
    reasons: str
    late_reason: str = ""
    meeting_place: str = ""
    what_changed: str = ""
    warning_change: str = "none"
    new_expiry: dt.date | None = None


def is_late(received_on: dt.date, deadline: dt.date) -> bool:
    """Whether an appeal received on `received_on` missed `deadline` (the deadline day itself is in time)."""
    return received_on > deadline


def appeal_problems(appealed: Appealed, choice: AppealChoice, today: dt.date) -> dict[str, str]:
    """{field: message} for every problem of `choice`; empty when the appeal can be recorded."""
    problems = {**_date_problems(appealed, choice, today), **_decision_problems(appealed, choice)}
    if not choice.heard_by_name.strip():
        problems["heard_by_name"] = "Enter the name of the person who heard the appeal."
    if not choice.heard_by_title.strip():
        problems["heard_by_title"] = "Enter the job title of the person who heard the appeal."
    return problems


def _date_problems(appealed: Appealed, choice: AppealChoice, today: dt.date) -> dict[str, str]:
    problems = {}
    if choice.received_on > today:
        problems["received_on"] = "The appeal cannot be received in the future."
    elif choice.received_on < appealed.decided_on:
        problems["received_on"] = (f"An appeal cannot be received before the decision it is against, made on "
                                   f"{long_date(appealed.decided_on)}.")
    elif is_late(choice.received_on, appealed.appeal_deadline) and not choice.late_reason.strip():
        problems["late_reason"] = (f"The appeal was received on {long_date(choice.received_on)}, after the deadline "
                                   f"of {long_date(appealed.appeal_deadline)}: say why it is heard late, or do not "
                                   f"record it.")
    if choice.meeting_on < choice.received_on:
        problems["meeting_on"] = "The appeal meeting cannot be before the appeal was received."
    elif choice.meeting_on > today:
        problems["meeting_on"] = "Record the appeal once its meeting has been held."
    if choice.decided_on < choice.meeting_on:
        problems["decided_on"] = "The appeal cannot be decided before its meeting."
    elif choice.decided_on > today:
        problems["decided_on"] = "The appeal decision cannot be dated in the future."
    return problems


def _decision_problems(appealed: Appealed, choice: AppealChoice) -> dict[str, str]:
    if choice.outcome not in APPEAL_OUTCOMES:
        return {"outcome": "Choose the outcome of the appeal."}
    problems = {}
    if not choice.reasons.strip():
        problems["reasons"] = "Give the reasons for the appeal decision."
    partly = choice.outcome == "partly_upheld"
    if partly and not choice.what_changed.strip():
        problems["what_changed"] = "Say in words what the appeal changed."
    change = choice.warning_change or "none"
    if change not in WARNING_CHANGES:
        problems["warning_change"] = "Choose what becomes of the warning."
    elif change != "none" and not partly:
        problems["warning_change"] = ("An upheld appeal withdraws the warning and a dismissed one leaves it as it is: "
                                      "change the warning only for a partly upheld appeal.")
    elif change != "none" and not appealed.has_warning:
        problems["warning_change"] = "This stage has no live warning to withdraw or shorten."
    elif change == "shorten":
        problem = _new_expiry_problem(appealed, choice)
        if problem:
            problems["new_expiry"] = problem
    if choice.new_expiry is not None and change != "shorten" and "warning_change" not in problems:
        problems["new_expiry"] = "Give a new expiry date only when the warning's life is shortened."
    return problems


def _new_expiry_problem(appealed: Appealed, choice: AppealChoice) -> str | None:
    """A shortened warning ends earlier than it did, and not before the appeal decision."""
    if choice.new_expiry is None:
        return "Enter the date the shortened warning ends."
    assert appealed.warning_expires_on is not None, "a live warning has its expiry date"
    if choice.new_expiry >= appealed.warning_expires_on:
        return (f"The warning is live until {long_date(appealed.warning_expires_on)}: an appeal can only shorten it, "
                f"so give an earlier date.")
    if choice.new_expiry < choice.decided_on:
        return f"The warning cannot end before the appeal decision on {long_date(choice.decided_on)}."
    return None


@dataclasses.dataclass(frozen=True)
class AppealEffect:
    """What the appeal decision does: whether it was late, whether the live warning is withdrawn or ends on a new,
    earlier day, and whether the case, closed by the outcome, opens again at its stage."""

    choice: AppealChoice
    late: bool
    withdraws_warning: bool
    new_expiry: dt.date | None
    reopens: bool

    def words(self) -> list[str]:
        """The decision in sentences, for the page and the audit trail (without the reasons, which may touch on
        health)."""
        choice = self.choice
        said = [f"Appeal received on {long_date(choice.received_on)}" + (
            ", after the deadline: heard late for the reason recorded" if self.late else "") + ".",
            f"Heard by {choice.heard_by_name.strip()}, {choice.heard_by_title.strip()}, at the meeting on "
            f"{long_date(choice.meeting_on)}.",
            f"{APPEAL_OUTCOMES[choice.outcome]} (decided on {long_date(choice.decided_on)})."]
        if self.withdraws_warning:
            said.append("The warning is withdrawn: it is no longer live.")
        if self.new_expiry:
            said.append(f"The warning is now live until {long_date(self.new_expiry)}.")
        if self.reopens:
            said.append("The case opens again at its stage.")
        return said


def decide_appeal(appealed: Appealed, choice: AppealChoice) -> AppealEffect:
    """What `choice` (checked by `appeal_problems`) does. An upheld appeal withdraws the live warning and, when the
    outcome closed the case (a dismissal), opens it again; a partly upheld one withdraws or shortens the warning
    as chosen; a dismissed one changes nothing."""
    upheld, partly = choice.outcome == "upheld", choice.outcome == "partly_upheld"
    withdraws = appealed.has_warning and (upheld or (partly and choice.warning_change == "withdraw"))
    new_expiry = choice.new_expiry if partly and choice.warning_change == "shorten" else None
    return AppealEffect(choice, is_late(choice.received_on, appealed.appeal_deadline), withdraws, new_expiry,
                        upheld and appealed.closed_case)
