"""The meetings of a case's stage: arranging one (the policy's notice, who it expects there), the other
date an employee proposes, recording the notes on the stage's checklist (which marks it held and completes
the stage's meeting task), who may read the notes, and the meeting's .ics invitation.

The rules are in `casework.workflow` and `casework.checklists`; this module applies them with `change()`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from casework import ics
from casework.absences import long_date
from casework.checklists import (
    ABSENCE_RECORD,
    COMPANION_LABELS,
    CONFIRM,
    HOLD_TASKS,
    KIND_LABELS,
    RELATIVE_ALLOWED,
    ROLE_LABELS,
    Checklist,
    absence_record,
    checklist_for,
    missing_attendees,
)
from casework.history import unchanged
from casework.ladders import Stage as PolicyStage
from casework.plain_text import ONE_LINE, one_line, unsafe_in_a_line
from casework.plain_words import title_case
from casework.workflow import alternative_date_problem, completion_blocked, notice_for, notice_problem
from documents.absence import MedicalRead
from documents.base import utcnow
from documents.case import Case, Meeting, Participant, Stage
from documents.employee import Employee
from documents.scope import may_read_medical
from documents.user import User
from services import clock
from services.cases.tasks import ladder_of, region_of, stage_of
from services.errors import Refused

NOTES_MAX = 5000
CANCELLED = "This meeting was cancelled: arrange another one instead."
CONFIDENTIAL = "Notes are confidential to the participants, HR and administrators."


@dataclasses.dataclass(frozen=True)
class Arrangement:
    """What the person arranging a meeting chose. `participants` are (name, role, email) triples."""

    on: dt.date
    at_time: str
    minutes: int
    place: str
    by_call: bool
    participants: list[tuple[str, str, str]]
    employee_attends: bool = True
    companion_name: str = ""
    companion_kind: str = ""


def policy_stage(case: Case, key: str | None = None) -> PolicyStage | None:
    """The policy's definition of the case's current stage (or of `key`)."""
    return ladder_of(case).stage(key or case.stage)


def stage_checklist(case: Case, key: str | None = None) -> Checklist:
    """The notes form of the stage's meeting."""
    stage = policy_stage(case, key)
    return checklist_for(key or case.stage, stage.formal if stage else True)


def meeting_title(case: Case, stage_key: str, meeting: Meeting) -> str:
    """The meeting's name, in title case as pages write a stage's: a formal review by its stage's title ("2nd Formal
    Absence Review Meeting"), another by its kind ("Case Conference")."""
    stage = policy_stage(case, stage_key)
    return title_case(stage.title if meeting.kind == "formal_review" and stage else KIND_LABELS[meeting.kind])


def find_meeting(case: Case, meeting_id: str) -> tuple[Stage, Meeting]:
    """The stage and meeting with `meeting_id`, from any stage of the case."""
    for stage in case.stages:
        for meeting in stage.meetings:
            if meeting.id == meeting_id:
                return stage, meeting
    raise Refused("That meeting is not part of this case.")


def current_meeting(case: Case, meeting_id: str) -> tuple[Stage, Meeting]:
    """As `find_meeting`, refused for a meeting of an earlier stage."""
    stage, meeting = find_meeting(case, meeting_id)
    if stage is not case.current_stage:
        raise Refused("That meeting belongs to an earlier stage: it can no longer be changed.")
    return stage, meeting


def workable(case: Case) -> None:
    """Refused when the case is closed, or paused while the employee is off long-term."""
    if case.status == "closed":
        raise Refused("This case is closed.")
    if case.paused:
        raise Refused("Short-term work waits while the employee is off long-term: arrange it once they "
                            "are back.")


def notice_kept(case: Case, invited_on: dt.date, meeting_on: dt.date, field: str = "on") -> None:
    """Refused (beside `field`) when a meeting on `meeting_on`, invited on `invited_on`, would have less notice
    than the current stage needs (`casework.workflow.notice_for`), in the employee's bank-holiday region."""
    problem = notice_problem(invited_on, meeting_on, notice_for(policy_stage(case)), region_of(case))
    if problem:
        raise Refused(problem, field)


def check_arrangement(arrangement: Arrangement, kind: str) -> None:
    """Refused when a name or the place is not one line, or the companion may not come to a meeting of `kind`."""
    for field, value in (("place", arrangement.place), ("companion_name", arrangement.companion_name),
                         *(("participants", name) for name, _, _ in arrangement.participants)):
        if unsafe_in_a_line(value or ""):
            raise Refused(ONE_LINE if field != "participants" else f"{one_line(value)}: {ONE_LINE}", field)
    if arrangement.companion_kind == "relative" and kind not in RELATIVE_ALLOWED:
        raise Refused("At this meeting the companion is a work colleague or a trade union representative.",
                      "companion_kind")


def meeting_fields(arrangement: Arrangement) -> dict:
    """A meeting's when, where and who as `arrangement` gives them, tidied."""
    return dict(
        on=arrangement.on, at_time=arrangement.at_time, minutes=arrangement.minutes,
        place=arrangement.place.strip() or None, by_call=arrangement.by_call,
        participants=[Participant(name=name.strip(), role=role, email=(email or "").strip().lower() or None)
                      for name, role, email in arrangement.participants],
        employee_attends=arrangement.employee_attends, companion_name=arrangement.companion_name.strip() or None,
        companion_kind=(arrangement.companion_kind or None) if arrangement.companion_name.strip() else None)


def arrange_meeting(case: Case, arrangement: Arrangement, actor: str, today: dt.date,
                    version: int | None = None) -> tuple[Meeting, list[str]]:
    """Arrange the current stage's meeting, invited today: refused without the policy's minimum notice;
    returns the meeting and the roles the policy expects that nobody has (a warning, not a refusal)."""
    workable(case)
    stage = policy_stage(case)
    kind = stage_checklist(case).meeting_kind
    notice_kept(case, today, arrangement.on)
    check_arrangement(arrangement, kind)
    meeting = Meeting(kind=kind, **meeting_fields(arrangement), arranged_by=actor, arranged_on=today)

    def apply(case: Case) -> dict:
        stage_of(case).meetings.append(meeting)
        said = f"{KIND_LABELS[kind]} on {long_date(meeting.on)} at {meeting.at_time}"
        return {"before": {"meeting": "none"}, "after": {"meeting": said, "meeting_on": meeting.on,
                                                         "meeting_time": meeting.at_time}}

    case.change(actor, "meeting arranged", apply, version=version)
    return meeting, missing_attendees(stage.attendees if stage else (), [p.role for p in meeting.participants])


def move_meeting(case: Case, meeting_id: str, proposed_on: dt.date, at_time: str | None, actor: str,
                 today: dt.date, version: int | None = None) -> Meeting:
    """The employee proposes another date: accepted only up to 7 calendar days after the original one; the
    meeting moves, keeps its original date, and its sequence rises so calendars update the invitation."""
    workable(case)
    _, meeting = current_meeting(case, meeting_id)
    if meeting.held:
        raise Refused("This meeting has been held: arrange another one instead.")
    if meeting.cancelled:
        raise Refused(CANCELLED)
    original = meeting.original_on or meeting.on
    problem = alternative_date_problem(original, proposed_on, today)
    if problem:
        raise Refused(problem, "proposed_on")
    before = {"meeting_on": meeting.on, "meeting_time": meeting.at_time, "sequence": meeting.sequence}

    def apply(case: Case) -> dict:
        meeting.original_on = original
        meeting.on = meeting.proposed_on = proposed_on
        meeting.at_time = at_time or meeting.at_time
        meeting.sequence += 1
        return {"before": before, "after": {"meeting_on": meeting.on, "meeting_time": meeting.at_time,
                                            "sequence": meeting.sequence}}

    case.change(actor, "meeting moved", apply, reason="The employee proposed another date.", version=version)
    return meeting


def notes_answers(stage: Stage, meeting: Meeting) -> dict:
    """The notes form's values: the notes saved, or the absence record filled from the associated absences."""
    if meeting.notes:
        return dict(meeting.notes)
    return {ABSENCE_RECORD: absence_record(stage.associated)}


def record_notes(case: Case, meeting_id: str, answers: dict, actor: str, today: dt.date,
                 version: int | None = None) -> Meeting | None:
    """Save the meeting's notes on its checklist and mark it held, completing the stage's meeting task.
    Refused until the absences are associated and before the meeting's date. The audit entry says that
    notes were saved, never what they say. Notes saved again as they were change nothing: None, with no save
    and no audit entry."""
    workable(case)
    stage, meeting = current_meeting(case, meeting_id)
    if meeting.cancelled:
        raise Refused(CANCELLED)
    blocked = completion_blocked("hold_meeting", stage.absences_associated)
    if blocked:
        raise Refused(blocked)
    if meeting.on > today:
        raise Refused(f"The meeting is on {long_date(meeting.on)}: record its notes once it has been held.")
    notes = _clean(stage_checklist(case, stage.key), answers)
    first = not meeting.held
    if not first and unchanged(dict(meeting.notes or {}), notes) and unchanged(notes, dict(meeting.notes or {})):
        return None

    def apply(case: Case) -> dict:
        meeting.notes, meeting.held, meeting.held_on = notes, True, meeting.on
        meeting.notes_by, meeting.notes_at = actor, utcnow()
        done = []
        for task in case.open_tasks():
            if task.stage_key == stage.key and task.kind in HOLD_TASKS:
                task.finish(actor)
                done.append(task.title)
        return {"before": {"meeting_held": not first}, "after": {"meeting_held": True, "notes": "saved",
                                                                 "tasks_completed": done}}

    case.change(actor, "meeting notes saved" if first else "meeting notes updated", apply, version=version)
    return meeting


def _clean(checklist: Checklist, answers: dict) -> dict:
    notes: dict[str, bool | str] = {}
    for point in checklist.points():
        value = answers.get(point.key)
        if point.kind == CONFIRM:
            notes[point.key] = bool(value)
            continue
        text = (value or "").strip()
        if len(text) > NOTES_MAX:
            raise Refused(f"Keep this to {NOTES_MAX} characters.", point.key)
        notes[point.key] = text
    if not any(notes.values()):
        raise Refused("Record what was covered: tick or fill in at least one point.")
    return notes


def may_read_notes(user, case: Case, employee: Employee, meeting: Meeting) -> bool:
    """A case conference's notes: its participants (by login), HR for the division and admins only. Other
    meetings' notes may hold medical detail: the employee's managers, HR for the division and admins."""
    if meeting.kind != "case_conference":
        return may_read_medical(user, employee)
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_role("admin") or (user.has_role("hr") and case.division in (user.hr_divisions or [])):
        return True
    return user.email in {participant.email for participant in meeting.participants if participant.email}


def log_notes_read(reader: str, employee: Employee, meeting: Meeting) -> None:
    """Record that `reader` saw a meeting's notes (they may hold medical detail, and every read is logged)."""
    MedicalRead(reader=reader, at=utcnow(), assignment_number=employee.assignment_number,
                what=f"notes of the {KIND_LABELS[meeting.kind].lower()} on {long_date(meeting.on)}",
                where="meeting notes page").save()


def invitees(meeting: Meeting, employee: Employee) -> list[tuple[str, str]]:
    """Who is invited, as (name, e-mail): the participants with an e-mail and the employee when they attend."""
    attendees = [(participant.name, participant.email) for participant in meeting.participants if participant.email]
    if meeting.employee_attends and employee.email:
        attendees.append((employee.name, employee.email))
    return list({email: (name, email) for name, email in attendees}.values())


def invitation_file(case: Case, meeting: Meeting, employee: Employee, cancelled: bool | None = None) -> bytes:
    """The meeting's .ics invitation: organised by whoever arranged it, for the participants with an e-mail
    and the employee (when they attend); a cancellation once the meeting is cancelled (or with `cancelled`, for
    someone no longer invited). It names people and the meeting, never medical detail."""
    stage_key = next(stage.key for stage in case.stages if any(m.id == meeting.id for m in stage.meetings))
    organiser = User.objects(email=meeting.arranged_by).only("name", "email").first() if meeting.arranged_by else None
    unique = invitees(meeting, employee)
    hour, minute = (int(part) for part in (meeting.at_time or "09:00").split(":"))
    return ics.invitation(
        meeting.id, f"{meeting_title(case, stage_key, meeting)}: {employee.name}",
        dt.datetime.combine(meeting.on, dt.time(hour, minute), clock.zone()), meeting.minutes or 60,
        meeting.place or ("Telephone or video call" if meeting.by_call else ""),
        (organiser.name, organiser.email) if organiser else (meeting.arranged_by or "Casebook", meeting.arranged_by
                                                             or "casebook@localhost"),
        unique, stamped=utcnow(), description=_description(meeting, employee), sequence=meeting.sequence or 0,
        cancelled=bool(meeting.cancelled if cancelled is None else cancelled))


def _description(meeting: Meeting, employee: Employee) -> str:
    lines = [f"{KIND_LABELS[meeting.kind]} under the sickness absence policy, about {employee.name}."]
    if meeting.cancelled:
        lines.insert(0, "This meeting is cancelled.")
    if meeting.by_call:
        lines.append("By telephone or video call.")
    if meeting.participants:
        lines.append("With: " + ", ".join(f"{p.name} ({ROLE_LABELS[p.role]})" for p in meeting.participants) + ".")
    if meeting.companion_name:
        lines.append(f"Companion: {meeting.companion_name} ({COMPANION_LABELS[meeting.companion_kind]}).")
    if meeting.original_on and meeting.original_on != meeting.on:
        lines.append(f"Moved from {long_date(meeting.original_on)} at the employee's request.")
    return "\n".join(lines)
