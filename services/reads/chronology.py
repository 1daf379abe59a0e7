"""A case's chronology, to read or print: every stage, meeting, outcome, appeal, letter, note and flag of the case
in date order, in words, with what the reader may see.

Read from the case alone (its embedded stages, meetings, letters, notes and flags), with names from one query. A
meeting's notes are not copied in: they may hold medical detail and are confidential to some readers, so the
chronology says who recorded them and links to them for a reader who may open them (`may_read_notes`), whose reads
are logged there. A flag's comment is left out for the same reason (`flag_comments`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from casework.absences import long_date
from casework.appeals import APPEAL_OUTCOMES
from casework.checklists import KIND_LABELS
from casework.history import letter_words
from casework.people import actor_words
from casework.pertinent import PERTINENT_ADVICE
from casework.workflow import OUTCOMES
from documents.case import FLAG_WORDS, Case, Meeting, Outcome, Stage

NOTE_WORDS = {"note": "Note", "request": "Request to HR", "decision": "HR decision", "snooze": "Slowed down"}


@dataclasses.dataclass(frozen=True)
class Event:
    """One dated thing that happened in the case: the day, what it was, who did it, its details, and (for a
    meeting whose notes the reader may open) the meeting's id."""

    day: dt.date
    what: str
    who: str = ""
    lines: tuple[str, ...] = ()
    meeting_id: str | None = None


def case_chronology(case: Case, names: dict[str, str], titles: dict[str, str],
                    may_read_notes: Callable[[Meeting], bool], medical: bool) -> list[Event]:
    """The case's events, oldest first (on one day, in the order they happened within the case). HR's advice on
    the pertinent factors, and the factors, only for a reader who may read medical detail (`medical`)."""
    def who(actor: str | None) -> str:
        return (names.get(actor) or actor_words(actor, names)) if actor else ""

    events = [Event(case.opened_on, f"{'Long-term' if case.kind == 'LTS' else 'Short-term'} case opened")]
    for stage in case.stages:
        title = titles.get(stage.key, stage.key)
        events += _stage_events(stage, title, who, may_read_notes)
    for task in case.tasks:
        if task.kind == PERTINENT_ADVICE and task.status == "done" and task.completed_at:
            advice = (f"Pertinent factors: {task.detail}", task.advice or "") if medical else ()
            events.append(Event(task.completed_at.date(), "HR's advice on the pertinent factors recorded",
                                who(task.completed_by), tuple(line for line in advice if line)))
    for note in case.notes:
        lines = [note.text] + ([f"Reminders snoozed until {long_date(note.snooze_until)}, agreed by "
                                f"{note.agreed_by_hr} (HR)"] if note.kind == "snooze" and note.snooze_until else [])
        events.append(Event(note.at.date(), NOTE_WORDS.get(note.kind, "Note"), who(note.author), tuple(lines)))
    for flag in case.flags:
        words = FLAG_WORDS.get(flag.kind, flag.kind)
        events.append(Event(flag.at.date(), f"“{words}” flag raised for HR", who(flag.raised_by)))
        if flag.resolved_at:
            events.append(Event(flag.resolved_at.date(), f"“{words}” flag resolved", who(flag.resolved_by),
                                (flag.resolution,) if flag.resolution else ()))
    if case.closed_on:
        events.append(Event(case.closed_on, "Case closed", lines=(case.closed_reason,) if case.closed_reason else ()))
    order = {id(event): place for place, event in enumerate(events)}
    return sorted(events, key=lambda event: (event.day, order[id(event)]))


def _stage_events(stage: Stage, title: str, who, may_read_notes) -> list[Event]:
    """A stage's beginning (with why, and the absences associated with it), meetings, outcomes, appeals, letters
    and end."""
    lines = [f"Why: {stage.trigger_explanation}"] if stage.trigger_explanation else []
    if stage.associated:
        lines.append("Absences associated: " + "; ".join(
            f"{long_date(snapshot.first_day)}"
            + (f" to {long_date(snapshot.last_day)}" if snapshot.last_day and snapshot.last_day != snapshot.first_day
               else "")
            + (f" ({snapshot.working_days} working day{'' if snapshot.working_days == 1 else 's'})"
               if snapshot.working_days is not None else "")
            for snapshot in sorted(stage.associated, key=lambda snapshot: snapshot.first_day)))
    events = [Event(stage.entered_on, f"{title} began", lines=tuple(lines))]
    for meeting in stage.meetings:
        events.append(_meeting_event(meeting, who, may_read_notes(meeting)))
    for outcome in [*stage.earlier_outcomes, *([stage.outcome] if stage.outcome else [])]:
        events.append(_outcome_event(outcome, title, who, replaced=outcome is not stage.outcome))
    for appeal in stage.appeals:
        lines = [f"Received {long_date(appeal.received_on)}; heard by {appeal.heard_by_name}, {appeal.heard_by_title}, "
                 f"at the meeting on {long_date(appeal.meeting_on)}", f"Reasons: {appeal.reasons}"]
        lines += [f"What changed: {appeal.what_changed}"] if appeal.what_changed else []
        events.append(Event(appeal.decided_on, f"Appeal against the outcome of {title}: "
                                               f"{APPEAL_OUTCOMES.get(appeal.outcome, appeal.outcome)}",
                            who(appeal.recorded_by), tuple(lines)))
    for record in stage.letters:
        for number, version in enumerate(record.versions, start=1):
            made = "made" if version.source == "generated" else "uploaded"
            events.append(Event(version.at.date(), f"{_capital(letter_words(record.template))} {made}"
                                + (f" (version {number})" if number > 1 else ""), who(version.by)))
        if record.sent_on:
            events.append(Event(record.sent_on, f"{_capital(letter_words(record.template))} sent",
                                lines=(record.sent_how,) if record.sent_how else ()))
    if stage.left_on:
        events.append(Event(stage.left_on, f"{title} ended"))
    return events


def _meeting_event(meeting: Meeting, who, may_read: bool) -> Event:
    kind = KIND_LABELS.get(meeting.kind, meeting.kind)
    lines = [f"{'By telephone or video call' if meeting.by_call else meeting.place or 'Place not given'}"
             + (f", at {meeting.at_time}" if meeting.at_time else "")]
    if meeting.participants:
        lines.append("With " + ", ".join(participant.name for participant in meeting.participants)
                     + ("" if meeting.employee_attends else "; the employee does not attend"))
    if meeting.companion_name:
        lines.append(f"Companion: {meeting.companion_name}")
    if meeting.original_on and meeting.original_on != meeting.on:
        lines.append(f"Moved from {long_date(meeting.original_on)}")
    if meeting.cancelled:
        lines.append(f"Cancelled{' on ' + long_date(meeting.cancelled_on) if meeting.cancelled_on else ''}"
                     + (f": {meeting.cancel_reason}" if meeting.cancel_reason else ""))
    elif meeting.held:
        lines.append(f"Held; notes recorded by {who(meeting.notes_by)}" if meeting.notes_by else "Held")
    state = "cancelled" if meeting.cancelled else "held" if meeting.held else "arranged"
    return Event(meeting.on, f"{kind} {state}", who(meeting.arranged_by), tuple(lines),
                 meeting.id if meeting.held and may_read else None)


def _outcome_event(outcome: Outcome, title: str, who, replaced: bool) -> Event:
    kind = OUTCOMES.get(outcome.kind)
    lines = [outcome.summary] if outcome.summary else []
    lines += [f"Target: {outcome.target}"] if outcome.target else []
    lines += [f"Review date: {long_date(outcome.review_date)}"] if outcome.review_date else []
    if outcome.warning_expires_on:
        lines.append(f"{_capital(outcome.warning_level or '')} written warning, live until "
                     f"{long_date(outcome.warning_expires_on)}".strip())
    lines += [f"Appeal by {long_date(outcome.appeal_deadline)}"] if outcome.appeal_deadline else []
    if outcome.termination_date:
        notice = ("paid in lieu of notice" if outcome.pay_in_lieu
                  else f"{outcome.notice_weeks or 0} weeks' notice")
        lines.append(f"Employment ends {long_date(outcome.termination_date)} ({notice}); dismissed by "
                     f"{outcome.dismissed_by_name}, {outcome.dismissed_by_title}")
    lines += [f"Letter {outcome.letter}"] if outcome.letter else []
    lines += ["Replaced by a later outcome"] if replaced else []
    return Event(outcome.decided_on, f"Outcome of {title}: {kind.label if kind else outcome.kind}",
                 who(outcome.decided_by), tuple(lines))


def _capital(words: str) -> str:
    return words[:1].upper() + words[1:]
