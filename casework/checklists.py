"""The meeting of each stage: what kind of meeting it is, the task holding it completes, who the policy
expects there, and the notes form as data, shaped by the council toolkit's checklists A4–A9 (part 2,
paragraphs 8–9) and, for case conferences, the university's case-meeting guidance.

Pure: no Flask, no database. A checklist is sections of points; each point is a yes/no confirmation or
free text. The point `absence_record` is filled from the absences associated with the stage.
"""
from __future__ import annotations

import dataclasses

from casework.absences import long_date

CONFIRM = "confirm"
TEXT = "text"
ABSENCE_RECORD = "absence_record"
OTHER_NOTES = "other_notes"
HOLD_TASKS = frozenset({"hold_meeting", "welfare_meeting", "hold_case_conference", "hold_hearing"})
ROLE_OF_ATTENDEE = {"manager": "manager", "hr": "hr", "senior_manager": "senior_manager",
                    "occupational_health": "oh"}
ROLE_LABELS = {"manager": "Line manager", "hr": "HR advisor", "oh": "Occupational health",
               "senior_manager": "Senior manager", "health_safety": "Health and safety",
               "access_to_work": "Access to Work", "other": "Other"}
KIND_LABELS = {"absence_support": "Absence support meeting", "formal_review": "Formal absence review meeting",
               "welfare": "Welfare meeting", "case_conference": "Case conference", "hearing": "Case review hearing",
               "rtw": "Return-to-work interview"}
COMPANION_LABELS = {"colleague": "Work colleague", "union_rep": "Trade union representative",
                    "relative": "Partner or close relative"}
RELATIVE_ALLOWED = frozenset({"welfare"})


@dataclasses.dataclass(frozen=True)
class Point:
    """One thing to cover: `kind` is CONFIRM (a yes/no box) or TEXT (what was said or agreed)."""

    key: str
    label: str
    kind: str = TEXT


@dataclasses.dataclass(frozen=True)
class Section:
    title: str
    points: tuple[Point, ...]


@dataclasses.dataclass(frozen=True)
class Checklist:
    """The notes form of one stage's meeting, and the kind of meeting it is."""

    code: str
    title: str
    meeting_kind: str
    sections: tuple[Section, ...]

    def points(self) -> list[Point]:
        """Every point, in the order of the form."""
        return [point for section in self.sections for point in section.points]


def _confirm(key: str, label: str) -> Point:
    return Point(key, label, CONFIRM)


_RECORD = Point(ABSENCE_RECORD, "The absence record discussed: dates and working days lost")
_PERTINENT = _confirm("pertinent_factors", "Pertinent factors considered (pregnancy, a disability, treatment for an "
                                           "underlying condition) and HR advice taken where they apply")
_REASONS = Point("reasons", "Reasons for the absences and any underlying cause, including anything at work")
_ADJUSTMENTS = Point("adjustments", "Adjustments agreed")
_TARGET = Point("target", "Attendance target agreed")
_REVIEW = Point("review_period", "Review period, and the date of the review meeting")
_COMPANION = _confirm("companion_offered", "The right to be accompanied by a trade union representative or a work "
                                           "colleague was offered")
_REPRESENTATIONS = Point("representations", "What the employee and their companion said (their representations)")
_APPEAL = _confirm("appeal_explained", "The right of appeal was explained: in writing, by the date the outcome "
                                       "letter gives")
_CLOSING = Section("Anything else", (Point(OTHER_NOTES, "Other notes"),))


def _formal_review(code: str, title: str, warning: str, previous: str, next_step: str, extra: tuple[Point, ...],
                   letters: str) -> Checklist:
    """A formal absence review meeting (A5, A6): the same process at each stage, as paragraph 8c says."""
    return Checklist(code, title, "formal_review", (
        Section("Before the meeting", (
            _confirm("notice_given", "Written notice of the meeting was given (letter C3)"),
            _COMPANION, *extra, _RECORD,
            Point("previous_action", previous))),
        Section("At the meeting", (
            _confirm("purpose_explained", f"The purpose of the meeting was explained, and that a {warning} may "
                                          "result"),
            _REASONS, _REPRESENTATIONS,
            Point("support_offered", "Support given so far, and further support offered"),
            Point("oh_advice", "Occupational health advice considered, or a referral made (form B4)"),
            _ADJUSTMENTS, _PERTINENT)),
        Section("Outcome", (
            Point("outcome", f"Outcome and why: a {warning}, or more time to improve"),
            _TARGET, _REVIEW,
            _confirm("consequences_explained", next_step),
            _APPEAL,
            _confirm("letter_explained", f"The employee was told the outcome will be confirmed in {letters}"))),
        _CLOSING))


CHECKLISTS = {
    "absence_support": Checklist("A4", "Absence support meeting (informal)", "absence_support", (
        Section("Before you start", (
            _confirm("informal_explained", "The employee was told this is an informal meeting to support them, not "
                                           "a warning"),
            _confirm("companion_offered", "They were asked whether they are comfortable to carry on, or want to "
                                          "arrange for a colleague or trade union representative to come"),
            _RECORD, _PERTINENT)),
        Section("Discussion", (
            _confirm("concerns_explained", "The concerns about their attendance were explained"),
            _REASONS,
            Point("support_offered", "Support offered (for example counselling, the employee assistance programme, "
                                     "Access to Work)"),
            _confirm("oh_referral_considered", "A referral to occupational health was considered (form B4)"),
            _ADJUSTMENTS)),
        Section("Agreed", (
            _TARGET, _REVIEW,
            _confirm("consequences_explained", "They were told, informally, that the formal review process follows "
                                               "if attendance does not improve"),
            _confirm("letter_explained", "They were told letter C1 will confirm the agreed actions, with a copy "
                                         "kept on their file"))),
        _CLOSING)),
    "formal_1": _formal_review(
        "A5", "1st formal absence review meeting", "first written warning",
        "What the absence support meeting agreed, and attendance in the review period since",
        "The employee was told that without enough improvement a 2nd formal review meeting follows",
        (), "letter C4 (warning) or C5 (more time)"),
    "formal_2": _formal_review(
        "A6", "2nd formal absence review meeting", "final written warning",
        "The first written warning, what was agreed, and attendance in the review period since",
        "The employee was told that without enough improvement a 3rd formal review meeting follows, which "
        "may end in dismissal",
        (_confirm("hr_present", "An HR advisor attended"),), "letter C4 (final warning) or C5 (more time)"),
    "formal_3": Checklist("A7", "3rd formal absence review meeting", "formal_review", (
        Section("Before the meeting", (
            _confirm("notice_given", "Written notice of the meeting was given (letter C6), with at least the "
                                     "policy's notice, saying that dismissal is possible"),
            _COMPANION,
            _confirm("senior_manager_leads", "A senior manager with the authority to dismiss conducted the meeting"),
            _confirm("hr_present", "An HR advisor attended"),
            _RECORD,
            Point("previous_action", "The warnings given, the targets set and attendance in the review periods"))),
        Section("At the meeting", (
            _confirm("seriousness_explained", "The seriousness of the situation was explained, including the "
                                              "possibility of dismissal"),
            _REASONS, _REPRESENTATIONS,
            Point("support_offered", "Everything done to help: support, occupational health advice, adjustments"),
            Point("alternatives", "Alternatives considered: redeployment, ill-health retirement, more time"),
            _PERTINENT)),
        Section("Outcome", (
            Point("outcome", "Outcome and why: dismissal, or other action (such as a further review period)"),
            _TARGET, _REVIEW, _APPEAL,
            _confirm("appeal_route_explained", "The appeal routes were explained: against dismissal to the appeals "
                                               "panel, against anything else to the manager named in the letter"),
            _confirm("letter_explained", "The employee was told the outcome will be confirmed in letter C7 "
                                         "(dismissal) or C8 (other action)"))),
        _CLOSING)),
    "lts_welfare": Checklist("A8", "Meeting with an employee on long-term sickness absence", "welfare", (
        Section("Arrangements", (
            Point("venue", "Where you met: at work, or at home or another suitable place if their condition "
                           "prevents it"),
            _confirm("companion_offered", "They were offered a trade union representative, a work colleague or a "
                                          "partner or close relative to be with them"),
            _RECORD)),
        Section("Health and a return to work", (
            Point("health_update", "How they are, and their treatment (only what is needed to support them)"),
            Point("prognosis", "How long the absence is likely to last, and any prospect of a return"),
            _confirm("fit_notes", "Fit notes cover the absence beyond the days they certify themselves (the policy's "
                                  "fit-note day), and are up to date"),
            Point("oh_advice", "Occupational health referral and advice"),
            Point("adjustments", "Adjustments, a managed (phased) return, or redeployment discussed"),
            Point("work_factors", "Whether anything at work caused the absence or makes it worse"))),
        Section("Support and contact", (
            Point("support_offered", "Support offered (for example counselling, the employee assistance programme)"),
            Point("contact", "Contact arrangements agreed: how, and how often"),
            _confirm("sick_pay_explained", "Their sick pay was explained: when pay moves to half and to nil, and "
                                           "statutory sick pay after 28 weeks"),
            Point("next_meeting", "When you will meet again"),
            _confirm("notes_copy", "A copy of these notes goes to the employee, and one to HR for their file"))),
        _CLOSING)),
    "lts_case_conference": Checklist("CC", "Case conference", "case_conference", (
        Section("Who and why", (
            _confirm("need_to_know", "Those present need to know: medical information was shared only as far as "
                                     "needed, and discussed sensitively"),
            Point("employee_involvement", "Whether the employee was invited, and how the outcome will be "
                                          "communicated to them"),
            _RECORD,
            Point("actions_taken", "Actions already taken (contact, referrals, support, adjustments)"))),
        Section("Discussion", (
            Point("medical_advice", "Occupational health, GP or specialist information and recommendations"),
            Point("return_feasibility", "The feasibility of a return to work"),
            Point("adjustments", "Reasonable adjustments: whether they are feasible and their impact"),
            Point("work_issues", "Work-related issues or a disability needing collective discussion or action"),
            Point("options", "Options considered: managed return, redeployment, ill-health retirement, a case "
                             "review hearing"))),
        Section("Next steps", (
            Point("actions_agreed", "Actions agreed to support a return or better attendance (for example a "
                                    "rehabilitation programme or a management plan, developed with the "
                                    "employee): who does what, by when"),
            Point("next_conference", "Whether a further case conference is needed, and when"),
            _confirm("notes_secure", "These notes are kept securely: only the participants, HR and administrators "
                                     "can read them"))),
        _CLOSING)),
    "lts_hearing": Checklist("A9", "Case review hearing", "hearing", (
        Section("Before the hearing", (
            _confirm("notice_given", "Written notice of the hearing was given, with at least the policy's notice"),
            _confirm("representation_offered", "The right to be represented was offered"),
            _confirm("decider_leads", "The Director or Service Manager who decides on the employment conducted the "
                                      "hearing"),
            _confirm("hr_present", "An HR advisor attended"),
            _RECORD)),
        Section("The case", (
            Point("actions_taken", "Everything done to bring the absence to an end: contact, occupational health, "
                                   "case conferences, adjustments, a managed return"),
            Point("medical_position", "Occupational health advice on the prospect of a return"),
            _REPRESENTATIONS,
            Point("further_actions", "Any further action the employer can reasonably take to keep them in "
                                     "employment"),
            Point("alternatives", "Redeployment, ill-health retirement or ending the employment by mutual "
                                  "agreement considered"))),
        Section("Decision", (
            Point("outcome", "Decision and why: employment continues with further action, or it ends"),
            _APPEAL,
            _confirm("letter_explained", "The employee was told the decision will be confirmed in letter C7 "
                                         "(dismissal) or C8 (no dismissal)"))),
        _CLOSING)),
}

GENERAL = Checklist("", "Meeting notes", "formal_review", (
    Section("The meeting", (_RECORD, _REASONS, Point("support_offered", "Support offered"), _ADJUSTMENTS,
                            Point("actions_agreed", "Actions agreed, and by when"))),
    _CLOSING))


def checklist_for(stage_key: str, formal: bool = True) -> Checklist:
    """The notes form of a stage's meeting; a stage a preset adds gets a general one (an informal stage's
    meeting is an absence support meeting)."""
    if stage_key in CHECKLISTS:
        return CHECKLISTS[stage_key]
    return GENERAL if formal else dataclasses.replace(GENERAL, meeting_kind="absence_support")


def missing_attendees(expected: tuple[str, ...], roles: list[str]) -> list[str]:
    """The roles the policy expects at the stage's meeting (its `attendees`) that nobody has, in words."""
    present = set(roles)
    return [ROLE_LABELS[ROLE_OF_ATTENDEE[attendee]] for attendee in expected
            if attendee in ROLE_OF_ATTENDEE and ROLE_OF_ATTENDEE[attendee] not in present]


def absence_record(snapshots) -> str:
    """The associated absences in words, one a line, for the notes' absence-record point: each with its
    dates and working days lost, then the total. `snapshots` have first_day, last_day and working_days."""
    lines = [f"{_span(snapshot.first_day, snapshot.last_day)}: {_days(snapshot.working_days or 0)}"
             for snapshot in snapshots]
    if not lines:
        return ""
    total = sum(snapshot.working_days or 0 for snapshot in snapshots)
    occasions = len(lines)
    lines.append(f"In all: {occasions} occasion{'' if occasions == 1 else 's'}, {_days(total)}.")
    return "\n".join(lines)


def _span(first, last) -> str:
    if last is None:
        return f"{long_date(first)} onwards (still off)"
    return long_date(first) if last == first else f"{long_date(first)} to {long_date(last)}"


def _days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'} lost"
