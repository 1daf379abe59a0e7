"""A case's history in words, as a chronology a tribunal bundle could hold: each audit entry of a case as one
sentence ("Associated 3 absences: 3 Feb 2026, 10 Mar 2026, 2 Apr 2026") with its details, people by name, absences
by their dates, stages by their titles, outcomes by their labels, never "False → True"; and no sentence at all for
an entry that changed nothing.

Pure: an audit entry's action, before and after (as stored: dates as ISO strings), and what the page already
knows (`Known`: names, the first days of absences, stage titles, whether the reader may read medical detail).
Finding those is `services.reads.case_history`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from casework.absences import long_date
from casework.appeals import APPEAL_OUTCOMES
from casework.letters import LETTERS
from casework.people import actor_words
from casework.workflow import OUTCOMES

# The case's state every entry of a change carries before and after (documents.case.Case.audit_summary).
SUMMARY = ("stage", "status", "paused", "open_tasks")
STATUS_WORDS = {"open": "The case is open again", "monitoring": "The case is on continued monitoring",
                "closed": "The case is closed"}
# Detail never put in words: ids and counters, and what may be medical (HR's advice, the pertinent factors).
UNSAID = frozenset({"open_tasks", "sequence", "note", "manager_path", "file", "advice", "pertinent_factors",
                    "letter_version", "source", "notes"})
# Entries whose reason may hold medical detail (the pertinent factors): said only to readers who may read it.
MEDICAL_REASONS = frozenset({"HR advice recorded: pertinent factors"})
# The details an entry's reason already says in sentences (an outcome's plan, an appeal's decision): not said twice.
SAID_BY_REASON = {"outcome recorded": frozenset({"review_date", "warning_expires_on", "appeal_deadline"}),
                  "appeal recorded": frozenset({"received_on", "late", "appeal_decided_on", "warning_level",
                                                "warning_expires_on"})}
# A meeting's facts as "meeting changed" keeps them, in words.
MEETING_FACTS = {"meeting_on": "Date", "meeting_time": "Time", "minutes": "Length in minutes", "place": "Place",
                 "by_call": "How", "participants": "Who attends", "employee_attends": "The employee",
                 "companion": "Companion"}
DETAIL_WORDS = {**MEETING_FACTS, "review_date": "Review date", "warning_expires_on": "Warning live until",
                "appeal_deadline": "Appeal by", "termination_date": "Employment ends", "notice_weeks": "Notice",
                "received_on": "Appeal received", "appeal_decided_on": "Appeal decided",
                "warning_level": "Warning", "division": "Division", "queue": "Tasks waiting with",
                "snoozed_until": "Reminders snoozed until", "agreed_by_hr": "Agreed by",
                "tasks_completed": "Tasks completed", "sent_to": "Sent to", "to_retry": "To send again",
                "cannot_send_to": "Could not be sent to", "stage_started_on": "Stage began",
                "migrated_stage": "Migrated stage"}
YES_NO = {"by_call": ("By telephone or video call", "In person"),
          "employee_attends": ("Attends", "Does not attend"), "late": ("Heard although late", "In time"),
          "pay_in_lieu": ("Paid in lieu of notice", "Worked")}


@dataclasses.dataclass(frozen=True)
class Known:
    """What the history needs besides the entries: actors and logins in words, the first day of each absence by
    id, the policy's stage titles, and whether the reader may read the employee's medical detail."""

    names: Mapping[str, str] = dataclasses.field(default_factory=dict)
    first_days: Mapping[str, dt.date] = dataclasses.field(default_factory=dict)
    titles: Mapping[str, str] = dataclasses.field(default_factory=dict)
    medical: bool = False

    def who(self, actor: Any) -> str:
        return (self.names.get(str(actor)) or actor_words(str(actor), self.names)) if actor else "nobody"

    def stage(self, key: Any) -> str:
        return self.titles.get(str(key), str(key).replace("_", " ")) if key else "no stage"


@dataclasses.dataclass(frozen=True)
class Told:
    """One entry in words: the sentence, then its details, one a line."""

    what: str
    details: tuple[str, ...] = ()


def told(action: str, before: Mapping, after: Mapping, reason: str | None, known: Known) -> Told | None:
    """The audit entry (`action`, its `before` and `after`, its `reason`) in words, or None when it changed
    nothing (before and after name what changed, and agree)."""
    if before == after and set(before) - set(SUMMARY):
        return None
    words = ACTIONS.get(action) or _words_of(action)
    if reason and action in SAID_BY_REASON:
        before, after = ({key: value for key, value in values.items() if key not in SAID_BY_REASON[action]}
                         for values in (before, after))
    sentence = words(before, after, known)
    if sentence is None:
        return None
    what, details = sentence
    lines = [*details, *_summary_lines(before, after, known)]
    if reason and (known.medical or action not in MEDICAL_REASONS):
        lines.append(reason)
    return Told(what, tuple(lines))


Sentence = tuple[str, list[str]] | None


def _words_of(action: str) -> Callable[[Mapping, Mapping, Known], Sentence]:
    """An action no rule below knows: the action as a sentence, with the details it changed."""
    def words(before: Mapping, after: Mapping, known: Known) -> Sentence:
        return _sentence(action), _changes(before, after, known)
    return words


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def _summary_lines(before: Mapping, after: Mapping, known: Known) -> list[str]:
    """What the change did to the case as a whole: its stage, its status, whether it waits."""
    lines = []
    if "stage" in after and before.get("stage") not in (None, after["stage"]):
        lines.append(f"Moved from {known.stage(before['stage'])} to {known.stage(after['stage'])}")
    if "status" in after and before.get("status") not in (None, after["status"]):
        lines.append(STATUS_WORDS.get(after["status"], f"Status: {after['status']}"))
    if "paused" in after and "paused" in before and bool(before["paused"]) != bool(after["paused"]):
        lines.append("Short-term work waits while they are off long-term" if after["paused"]
                     else "Short-term work goes on again")
    return lines


def _changes(before: Mapping, after: Mapping, known: Known) -> list[str]:
    """Each detail of the entry beyond the case's summary that is new or changed, in words."""
    lines = []
    for key, value in after.items():
        if key in SUMMARY or key in UNSAID or (key in before and before[key] == value):
            continue
        if key not in before and value in (None, "", []):
            continue
        label = DETAIL_WORDS.get(key, _sentence(key.replace("_", " ")))
        now = value_words(key, value, known)
        if key in before and before[key] not in (None, "", []):
            lines.append(f"{label}: {now} (was {value_words(key, before[key], known)})")
        elif key in YES_NO:
            lines.append(now)
        else:
            lines.append(f"{label}: {now}")
    return lines


def value_words(key: str, value: Any, known: Known) -> str:
    """One stored value in words: yes/no as what it means, dates as "3 March 2026", lists joined, logins by
    name, nothing as "none"."""
    if key in YES_NO:
        return YES_NO[key][0 if value else 1]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "" or value == []:
        return "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_words("", item, known) for item in value)
    day = as_day(value)
    if day is not None:
        return long_date(day)
    if key in ("agreed_by_hr", "assignee", "queue") or (isinstance(value, str) and "@" in value):
        return known.who(value)
    if key == "notice_weeks":
        return f"{value} week{'' if value == 1 else 's'}"
    return str(value)


def as_day(value: Any) -> dt.date | None:
    """A stored ISO date (or date-time) as its day; None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def absences_words(ids: Any, known: Known) -> str:
    """Absences by their first days, oldest first ("3 absences: 3 Feb 2026, 10 Mar 2026, 2 Apr 2026"); those
    no longer on record are counted."""
    ids = list(ids or [])
    days = sorted(known.first_days[absence] for absence in ids if absence in known.first_days)
    unknown = len(ids) - len(days)
    said = ", ".join(f"{day.day} {day:%b %Y}" for day in days)
    if unknown:
        said = f"{said} and {unknown} no longer on record" if said else f"{unknown} no longer on record"
    return f"{len(ids)} absence{'' if len(ids) == 1 else 's'}: {said}"


def _opened(before: Mapping, after: Mapping, known: Known) -> Sentence:
    kind = {"STS": "a short-term case", "LTS": "a long-term case"}.get(str(after.get("kind")), "the case")
    details = ["Short-term work waits while they are off long-term"] if after.get("paused") else []
    return f"Opened {kind} at {known.stage(after.get('stage'))}", details


def _associated(before: Mapping, after: Mapping, known: Known) -> Sentence:
    now, was = after.get("associated") or [], before.get("associated") or []
    if set(now) == set(was):
        return None
    return f"Associated {absences_words(now, known)}", ([f"In place of {absences_words(was, known)}"] if was else [])


def _outcome(before: Mapping, after: Mapping, known: Known) -> Sentence:
    kind = OUTCOMES.get(after.get("outcome") or "")
    details = [f"In place of the earlier outcome: {_outcome_label(before['outcome'])}"] if before.get(
        "outcome") else []
    details += _changes({}, {key: value for key, value in after.items() if key not in (
        "outcome", "dismissed_by_name", "dismissed_by_title")}, known)
    if after.get("dismissed_by_name"):
        details.append(f"Dismissed by {after['dismissed_by_name']}, {after.get('dismissed_by_title') or ''}"
                       .rstrip(", "))
    return f"Recorded the outcome: {kind.label if kind else after.get('outcome')}", details


def _outcome_label(key: str) -> str:
    kind = OUTCOMES.get(key)
    return kind.label if kind else key


def _reassigned(before: Mapping, after: Mapping, known: Known) -> Sentence:
    if "assignee" not in after:
        return "Gave a task to someone else", []
    if after["assignee"] == before.get("assignee"):
        return None
    return (f"Gave the task “{after.get('task', '')}” to {known.who(after['assignee'])}",
            [f"It was with {known.who(before['assignee'])}"] if before.get("assignee") else [])


def _letter(verb: str) -> Callable[[Mapping, Mapping, Known], Sentence]:
    def words(before: Mapping, after: Mapping, known: Known) -> Sentence:
        return f"{verb} {letter_words(after.get('letter'))}", _changes(
            {}, {key: value for key, value in after.items() if key not in ("letter", "sent_how", "sent_on")}, known)
    return words


def letter_words(code: Any) -> str:
    """A letter by its code and title ("letter C2: Attendance improved: the review has ended")."""
    spec = LETTERS.get(str(code))
    return f"letter {code}: {spec.title.removeprefix(f'{code} ')}" if spec else f"letter {code}"


def _sent(before: Mapping, after: Mapping, known: Known) -> Sentence:
    how = str(after.get("sent_how") or "").lower()
    day = as_day(after.get("sent_on"))
    when = f" on {long_date(day)}" if day else ""
    words, details = _letter("Sent")(before, after, known) or ("", [])
    return words, [f"{how.capitalize()}{when}".strip(), *details] if how or when else details


def _appeal(before: Mapping, after: Mapping, known: Known) -> Sentence:
    outcome = APPEAL_OUTCOMES.get(str(after.get("appeal")), str(after.get("appeal")))
    return f"Recorded the appeal: {outcome}", _changes(
        before, {key: value for key, value in after.items() if key != "appeal"}, known)


def _meeting(verb: str) -> Callable[[Mapping, Mapping, Known], Sentence]:
    def words(before: Mapping, after: Mapping, known: Known) -> Sentence:
        day = as_day(before.get("meeting_on") or after.get("meeting_on"))
        shown = {key: value for key, value in after.items()
                 if key != "cancelled" and (key != "meeting_on" or "meeting_on" in before)}
        return f"{verb}{' of ' + long_date(day) if day else ''}", _changes(before, shown, known)
    return words


def _moved(before: Mapping, after: Mapping, known: Known) -> Sentence:
    was, now = as_day(before.get("meeting_on")), as_day(after.get("meeting_on"))
    at = f" at {after['meeting_time']}" if after.get("meeting_time") else ""
    return (f"Moved the meeting{' of ' + long_date(was) if was else ''} to "
            f"{long_date(now) if now else 'another date'}{at}", [])


def _arranged(before: Mapping, after: Mapping, known: Known) -> Sentence:
    return f"Arranged a meeting: {after.get('meeting', 'a meeting')}", []


def _fixed(what: str, *shown: str) -> Callable[[Mapping, Mapping, Known], Sentence]:
    """A sentence of its own, with the entry's details named in `shown`."""
    def words(before: Mapping, after: Mapping, known: Known) -> Sentence:
        return what, _changes(before, {key: after[key] for key in shown if key in after}, known)
    return words


def _flag(verb: str, flag: str) -> Callable[[Mapping, Mapping, Known], Sentence]:
    return _fixed(f"{verb} the “{flag}” flag")


def _task(verb: str) -> Callable[[Mapping, Mapping, Known], Sentence]:
    def words(before: Mapping, after: Mapping, known: Known) -> Sentence:
        return f"{verb}{': ' + after['task'] if after.get('task') else ''}", []
    return words


def _followed(before: Mapping, after: Mapping, known: Known) -> Sentence:
    if "division" in after and before.get("division") != after["division"]:
        return f"The case followed the employee to {after['division']} (from {before.get('division')})", _changes(
            before, {key: value for key, value in after.items() if key == "queue"}, known)
    return "The case followed the employee's new line managers", []


ACTIONS: dict[str, Callable[[Mapping, Mapping, Known], Sentence]] = {
    "case opened": _opened,
    "absences associated": _associated,
    "outcome recorded": _outcome,
    "task completed": _task("Completed the task"),
    "task added": _task("Added a task"),
    "task reassigned": _reassigned,
    "meeting arranged": _arranged,
    "meeting moved": _moved,
    "meeting changed": _meeting("Changed the meeting"),
    "meeting cancelled": _meeting("Cancelled the meeting"),
    "meeting notes saved": _fixed("Recorded the notes of the meeting: it was held", "tasks_completed"),
    "meeting notes updated": _fixed("Updated the notes of the meeting"),
    "meeting invitation e-mailed": _meeting("E-mailed the invitation to the meeting"),
    "meeting cancellation e-mailed": _meeting("E-mailed the cancellation of the meeting"),
    "letter generated": _letter("Made"),
    "letter uploaded": _letter("Uploaded a new version of"),
    "letter marked as sent": _sent,
    "appeal recorded": _appeal,
    "note added": _fixed("Added a note"),
    "asked HR not to progress": _fixed("Asked HR not to progress the case"),
    "reminders snoozed": _fixed("Snoozed the reminders of the case's tasks", "snoozed_until"),
    "flag raised: wrong stage": _flag("Raised", "wrong stage"),
    "flag raised: not my report": _flag("Raised", "not my report"),
    "flag resolved: wrong stage": _flag("Resolved", "wrong stage"),
    "flag resolved: not my report": _flag("Resolved", "not my report"),
    "flag task added: wrong stage": _fixed("Added HR's task for the waiting “wrong stage” flag"),
    "flag task added: not my report": _fixed("Added HR's task for the waiting “not my report” flag"),
    "scope followed the employee's move": _followed,
    "scope followed the employee's supervisors": _followed,
    "HR advice recorded: pertinent factors": _fixed("Recorded HR's advice on the pertinent factors"),
    "migrated stage confirmed": _fixed("Confirmed the stage migrated from the previous system"),
    "migrated stage reported wrong": _fixed("Reported the stage migrated from the previous system as wrong"),
}


def unchanged(recorded: Mapping, chosen: Mapping) -> bool:
    """Whether saving `chosen` over `recorded` would change nothing: each of its facts is the one recorded (nothing,
    an empty text and an empty list counting alike). Such a save is not made, and writes no audit entry."""
    return all(_plain(recorded.get(key)) == _plain(value) for key, value in chosen.items())


def _plain(value: Any) -> Any:
    return None if value is None or value == "" or value == [] or value == {} else value
