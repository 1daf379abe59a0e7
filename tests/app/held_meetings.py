"""A held meeting for tests about what follows one (outcomes, letters): the current stage's meeting, held with its
notes, arranged in good time, with the people its policy stage asks for. Tests of meetings themselves go through
the meeting pages and services instead (tests/app/test_meetings.py)."""
from __future__ import annotations

import datetime as dt

from casework.checklists import ROLE_OF_ATTENDEE
from documents.case import Case, Meeting, Participant
from services.cases.meetings import policy_stage, stage_checklist


def hold_meeting(case: Case, on: dt.date, roles: tuple[str, ...] | None = None) -> Case:
    """The current stage's last meeting (a new one on `on` when it has none) held, with notes, arranged four
    weeks before it unless it says when, and someone in each of `roles` (the policy stage's attendees when not
    given) among its participants; saved."""
    if roles is None:
        expected = policy_stage(case)
        roles = tuple(ROLE_OF_ATTENDEE[attendee] for attendee in (expected.attendees if expected else ("manager",))
                      if attendee in ROLE_OF_ATTENDEE)
    stage = case.current_stage
    if not stage.meetings:
        stage.meetings.append(Meeting(kind=stage_checklist(case).meeting_kind, on=on, at_time="10:00",
                                      place="Room 1", arranged_by="bea@example.org"))
    meeting = stage.meetings[-1]
    present = {person.role for person in meeting.participants}
    meeting.participants += [Participant(name=f"{role.replace('_', ' ').title()} Person", role=role,
                                         email=f"{role}@example.org") for role in roles if role not in present]
    meeting.arranged_on = meeting.arranged_on or meeting.on - dt.timedelta(weeks=4)
    meeting.held, meeting.held_on = True, meeting.on
    meeting.notes, meeting.notes_by = {"summary": "Held as planned."}, "bea@example.org"
    case.save_checked()
    return case
