"""A held meeting for tests about what follows one (outcomes, letters): the current stage's meeting, held with its
notes, arranged in good time, with the people its policy stage asks for. Tests of meetings themselves go through
the meeting pages and services instead (tests/app/test_meetings.py)."""
from __future__ import annotations

import datetime as dt

from casework.checklists import ROLE_OF_ATTENDEE
from documents.case import Case, Meeting, Participant
from services.cases.meetings import policy_stage, stage_checklist


def hold_meeting(case: Case, on: dt.date, roles: tuple[str, ...] | None = None) -> Case:
    """Add to the case's current stage its meeting, held on `on` with notes and arranged four weeks before, with
    someone in each of `roles` (the policy stage's attendees when not given); saved."""
    expected = policy_stage(case)
    if roles is None:
        roles = tuple(ROLE_OF_ATTENDEE[attendee] for attendee in (expected.attendees if expected else ("manager",))
                      if attendee in ROLE_OF_ATTENDEE)
    case.current_stage.meetings.append(Meeting(
        kind=stage_checklist(case).meeting_kind, on=on, at_time="10:00", place="Room 1",
        participants=[Participant(name=f"{role.title()} Person", role=role, email=f"{role}@example.org")
                      for role in roles],
        arranged_by="bea@example.org", arranged_on=on - dt.timedelta(weeks=4), held=True, held_on=on,
        notes={"summary": "Held as planned."}, notes_by="bea@example.org"))
    case.save_checked()
    return case
