"""The words of Casebook's shipped letters and forms, one entry per code in `casework.letters.LETTERS`, drawn
from the council's attendance management policy (part 2, paragraphs 1-17, and the toolkit's letters C1-C11
and forms B1-B4). `build.py` lays them out in Word. Placeholders are the fields of `casework.letters.FIELDS`.
"""
from __future__ import annotations

from typing import NamedTuple, Union


class Section(NamedTuple):
    """A subheading."""
    title: str


class Fields(NamedTuple):
    """A two-column table: a label and its value, one row each."""
    rows: tuple[tuple[str, str], ...]


class Blanks(NamedTuple):
    """Labelled boxes for the reader to complete by hand or in Word, `lines` lines high."""
    labels: tuple[str, ...]
    lines: int = 4


class If(NamedTuple):
    """Paragraphs shown only when `condition` (a field) has a value."""
    condition: str
    paragraphs: tuple[str, ...]


class Absences(NamedTuple):
    """The table of the absences associated with the stage, one row each, with the totals."""


Block = Union[str, Section, Fields, Blanks, If, Absences]


class Letter(NamedTuple):
    """A letter to the employee: heading, body, signed by the manager (or by `signer`: name and job title)."""
    heading: str
    body: tuple[Block, ...]
    enclosures: str = ""
    signer: tuple[str, str] = ("{{ manager.name }}", "{{ manager.job_title }}")


class Form(NamedTuple):
    """A form or record: heading, the employee's details, body, signature boxes."""
    heading: str
    body: tuple[Block, ...]
    signatures: tuple[str, ...] = ("Manager’s signature and date", "Employee’s signature and date")


ABSENCES = Absences()
DEAR = "Dear {{ employee.first_name }},"
MEETING = Fields((("Date", "{{ meeting.date }}"), ("Time", "{{ meeting.time }}"), ("Place", "{{ meeting.place }}"),
                  ("Held by", "{{ meeting.chair }}")))
ALSO_ATTENDING = If("meeting.participants", ("Also attending: {{ meeting.participants }}.",))
# The right to be accompanied, in words for the kind of meeting, and the companion's name once known.
ACCOMPANIED = ("{{ meeting.companion }} If you wish to be accompanied and have not told me yet, please make the "
               "arrangements and tell me before the meeting who will come with you.")
CANNOT_ATTEND = ("If you cannot attend at this time, please tell me straight away, by telephone or by e-mail to "
                 "{{ manager.email }}. If the person accompanying you cannot come on this date, you may propose "
                 "another date within seven calendar days of the date above.")
IN_ABSENCE = ("If you do not attend without good reason, the meeting may go ahead without you and a decision will "
              "be made on the information available.")
# Part 2, 8f: "All appeals must be made in writing, giving reasons, to the employee's Director within 2 working
# weeks of receiving written notification of outcome(s)".
APPEAL = ("You have the right to appeal against this decision; the appeal will be heard by {{ outcome.appeal_to }}. "
          "If you wish to appeal, please write to {{ outcome.appeal_write_to }}, giving your reasons, by "
          "{{ outcome.appeal_deadline }}.")
TARGET = ("Your attendance target for the review period is: {{ outcome.target }}. I will review your attendance with "
          "you at the end of the review period, on {{ outcome.review_date }}.")
NEXT_STAGE = If("outcome.next_stage", ("If your attendance does not improve to the level required, you may be invited "
                                       "to a {{ outcome.next_stage }}.",))
FILE_COPY = "A copy of this letter will be kept on your personal file."
OUTCOME_OPENING = ("Thank you for attending the {{ case.stage }}. I am writing to confirm the decision I made on "
                   "{{ outcome.decided_on }} and the reasons for it. We discussed the following absences:")
INVITATION_CLOSE = (ACCOMPANIED, CANNOT_ATTEND, IN_ABSENCE)
POLICY_ENCLOSED = "the attendance management policy; your absence record"
MEETING_DETAILS = (MEETING, ALSO_ATTENDING)
EMPLOYEE_DETAILS = Fields((("Employee", "{{ employee.name }}"),
                           ("Assignment number", "{{ employee.assignment_number }}"),
                           ("Job title", "{{ employee.job_title }}"), ("Department", "{{ employee.department }}"),
                           ("Manager", "{{ manager.name }}, {{ manager.job_title }}"), ("Date", "{{ letter_date }}"),
                           ("Reference", "{{ reference }}")))
LONG_TERM_OPTIONS = ("a return to work, with adjustments or a managed (phased) return; redeployment to another "
                     "suitable post; ill-health retirement, if you are a member of the pension scheme and qualify; "
                     "ending your employment by mutual agreement; or dismissal on the grounds of capability because "
                     "of ill health")

LETTERS = {
    "C1": Letter("Absence support meeting: what we agreed", (
        DEAR,
        "Thank you for meeting me on {{ outcome.decided_on }} for an absence support meeting about your attendance "
        "at work. This letter confirms what we discussed and the actions we agreed.",
        "We met because your sickness absence reached one of the trigger points in our attendance management "
        "policy: you had {{ case.trigger }}. The absences we discussed are:",
        ABSENCES,
        "We talked about the reasons for your absences, any underlying health issues and the support available to "
        "you, and agreed the following:",
        "{{ outcome.summary }}",
        TARGET,
        "If your attendance improves to a satisfactory level and the improvement is maintained, the matter will be "
        "closed.",
        NEXT_STAGE,
        "This letter is a record of our discussion and the actions we agreed; it is not a formal warning. "
        + FILE_COPY,
        "If you are unhappy with the way this matter has been handled, you may raise it through the grievance "
        "procedure. If there is anything more we can do to support you, please talk to me.",
    )),
    "C2": Letter("Your attendance has improved", (
        DEAR,
        "I am writing following the review of your attendance since the {{ case.stage }}. I am pleased to confirm "
        "that your attendance has improved to a satisfactory level, and I would like to congratulate you on this "
        "achievement.",
        "The absences that led to the review were:",
        ABSENCES,
        If("not outcome.warning_stays", ("As long as the improvement is maintained, the matter is now closed and no "
                                         "further action will be taken.",)),
        If("outcome.warning_stays", ("The review period has ended, but your {{ outcome.warning_stays }}. Your "
                                     "attendance remains under monitoring until then: if it falls to an "
                                     "unsatisfactory level while the warning is live, you may be invited to a further "
                                     "formal absence review meeting.",)),
        "Good attendance needs to be sustained: if your attendance falls to an unsatisfactory level again, it may be "
        "dealt with under the policy, and reference may be made to any lapsed warning for two years after it "
        "lapsed.",
        "Thank you for your efforts. " + FILE_COPY,
    )),
    "C3": Letter("Invitation to a formal absence review meeting", (
        DEAR,
        "Your sickness absence has not improved to a satisfactory level: you had {{ case.trigger }}. The absences "
        "concerned are:",
        ABSENCES,
        "I am therefore inviting you to a {{ meeting.title }} to discuss your attendance. The meeting will be held:",
        *MEETING_DETAILS,
        "At the meeting we will discuss your absences and their reasons, any underlying health issues, the support "
        "you have been given and could be given, and what needs to happen for your attendance to improve. The "
        "outcome may be a formal written warning, or more time to improve, with an attendance target and a review "
        "period.",
        *INVITATION_CLOSE,
        "I enclose a copy of the attendance management policy and your absence record for the period above.",
    ), enclosures=POLICY_ENCLOSED),
    "C4": Letter("Outcome of the formal absence review meeting: written warning", (
        DEAR,
        OUTCOME_OPENING,
        ABSENCES,
        "{{ outcome.summary }}",
        "Because your attendance has not improved to a satisfactory level, you are given a {{ outcome.warning }}.",
        "This warning will remain live until {{ outcome.warning_expires_on }}. After that date it will lapse, but if "
        "your attendance improves and later falls again, reference may be made to it for two years after it "
        "lapses.",
        TARGET,
        NEXT_STAGE,
        "Please be aware that if your attendance does not improve to the level required, further absence may lead "
        "to your dismissal.",
        APPEAL,
        FILE_COPY + " If there is any further support we can give you, please talk to me.",
    )),
    "C5": Letter("Outcome of the formal absence review meeting: more time to improve", (
        DEAR,
        OUTCOME_OPENING,
        ABSENCES,
        "{{ outcome.summary }}",
        "Having considered your circumstances, I have decided to give you more time to improve your attendance; no "
        "warning is given at this stage.",
        TARGET,
        NEXT_STAGE,
        APPEAL,
        FILE_COPY + " If there is any further support we can give you, please talk to me.",
    )),
    "C6": Letter("Invitation to the 3rd formal absence review meeting", (
        DEAR,
        "Despite the support given to you and the earlier stages of the attendance management policy, your "
        "attendance has not reached the level required: you had {{ case.trigger }}. The absences concerned are:",
        ABSENCES,
        "I am therefore inviting you to a {{ meeting.title }}. The meeting will be held:",
        *MEETING_DETAILS,
        "This is a serious stage of the procedure. The meeting will be held by a senior manager with the authority "
        "to dismiss, and an HR advisor will attend. One possible outcome of the meeting is your dismissal because "
        "of your level of sickness absence.",
        If("meeting.notice_days", ("This letter gives you at least {{ meeting.notice_days }} days’ notice of the "
                                   "meeting so that you can prepare for it, including arranging to be "
                                   "accompanied.",)),
        *INVITATION_CLOSE,
        "I enclose a copy of the attendance management policy and your absence record for the period above.",
    ), enclosures=POLICY_ENCLOSED),
    "C7": Letter("Termination of your employment", (
        DEAR,
        OUTCOME_OPENING,
        ABSENCES,
        "{{ outcome.summary }}",
        "Having considered everything discussed at the meeting, including the support you have been given and "
        "whether there is any further action the organisation could reasonably take, I have regretfully decided to "
        "dismiss you on the grounds of capability: {{ outcome.dismissal_reason }}.",
        "You are given {{ outcome.notice }}, and your employment will end on {{ outcome.termination_date }}. Human "
        "Resources will write to you to confirm any payments due to you, including pay for annual leave you have "
        "not been able to take because of your sickness.",
        "You have the right to appeal against your dismissal; the appeal will be heard by {{ outcome.appeal_to }}. "
        "If you wish to appeal, please write to {{ outcome.appeal_write_to }}, giving your reasons, by "
        "{{ outcome.appeal_deadline }}.",
        FILE_COPY,
    ), signer=("{{ outcome.dismissed_by }}", "{{ outcome.dismissed_by_title }}")),
    "C8": Letter("Outcome of the {{ case.stage }}", (
        DEAR,
        OUTCOME_OPENING,
        ABSENCES,
        "{{ outcome.summary }}",
        "Having considered everything discussed at the meeting, I have decided not to dismiss you. The outcome is: "
        "{{ outcome.title }}.",
        If("outcome.warning_expires_on", ("The {{ outcome.warning }} will remain live until "
                                          "{{ outcome.warning_expires_on }}.",)),
        If("outcome.target", ("Your attendance target is: {{ outcome.target }}.",)),
        If("outcome.review_date", ("I will review your attendance with you on {{ outcome.review_date }}.",)),
        "Please be aware that if your attendance does not improve, or falls again, further action may be taken under "
        "the policy, which could include dismissal.",
        If("outcome.appeal_deadline", (APPEAL,)),
        FILE_COPY,
    )),
    "C9": Letter("Keeping in touch during your sickness absence", (
        DEAR,
        "You have been absent from work because of sickness since {{ absence.first_day }}. I have had little or no "
        "contact from you during the first two weeks of your absence, and I am concerned about how you are.",
        "Our attendance management policy asks everyone who is off sick to telephone their manager on the first, "
        "4th and 8th day of their absence, and to keep in regular contact after that. For an absence of eight days "
        "or more, a fit note must reach me no later than the 8th day, and further fit notes must cover the whole "
        "of the absence.",
        "Please contact me as soon as you receive this letter, by telephone or by e-mail to {{ manager.email }}, so "
        "that we can talk about how you are, the support we can offer and how we will keep in touch. If you find "
        "it difficult to speak to me, you may ask someone to contact me on your behalf, or write to me.",
        "Please be aware that not keeping in contact or not providing fit notes, without good reason, may affect "
        "your entitlement to sick pay.",
    )),
    "C10": Letter("No contact during your sickness absence", (
        DEAR,
        "I wrote to you recently because I had had little or no contact from you since your sickness absence began "
        "on {{ absence.first_day }}. I have still not heard from you.",
        "Telling your manager about your absence, keeping in contact and providing fit notes are conditions of your "
        "employment and of the sick pay scheme. If you do not contact me, without good reason, your occupational "
        "sick pay may be stopped, and if this continues your future employment may be at risk.",
        "Please contact me straight away, by telephone or by e-mail to {{ manager.email }}. If your health makes "
        "this difficult, please ask someone to contact me on your behalf and we will agree another way of keeping "
        "in touch.",
        FILE_COPY,
    )),
    "C11": Letter("You did not attend a meeting", (
        DEAR,
        "You were invited to a {{ meeting.title }}, to discuss your attendance, but you did not attend and I did "
        "not hear from you beforehand. The meeting was arranged for:",
        MEETING,
        "The meeting was to discuss these absences:",
        ABSENCES,
        "Please contact me as soon as possible, by telephone or by e-mail to {{ manager.email }}, to explain why you "
        "could not attend and to agree another date. You may be accompanied at the rearranged meeting in the same "
        "way as before.",
        "You are expected to co-operate with meetings arranged under the attendance management policy. If you do "
        "not attend the rearranged meeting without good reason, it may go ahead without you and decisions will be "
        "made on the information available, which could be to your disadvantage.",
        FILE_COPY,
    )),
    "LTS-WELFARE": Letter("Invitation to a welfare meeting", (
        DEAR,
        "I am sorry that you are still unwell. As your absence has lasted, or is likely to last, more than four "
        "weeks, I would like to meet you to talk about how you are, the support we can give you and the way "
        "forward. Your absence:",
        ABSENCES,
        "I would like to meet you:",
        *MEETING_DETAILS,
        "A meeting at work is usually best, but if your health makes this difficult, please tell me and we can "
        "meet at your home or another suitable place instead.",
        "This is a supportive meeting. We will talk about how you are, when you might be able to return, a referral "
        "to occupational health, any adjustments, a managed (phased) return or other support that could help you "
        "back to work, and how we will keep in touch.",
        ACCOMPANIED,
        CANNOT_ATTEND,
    )),
    "LTS-CONFERENCE": Letter("Invitation to a case conference", (
        DEAR,
        "Because of the length of your absence, a case conference has been arranged. A case conference is a "
        "meeting of those involved in supporting you – usually your line manager, an HR advisor and anyone else "
        "with useful information, such as an occupational health adviser – to explore the options open to resolve "
        "your absence and to agree the next steps. Your absence:",
        ABSENCES,
        "The case conference will be held:",
        *MEETING_DETAILS,
        "You are invited to attend. The options considered may include " + LONG_TERM_OPTIONS + ".",
        ACCOMPANIED,
        "After the conference I will discuss with you, and your representative if you wish, any actions being "
        "considered, so that together we can agree a way forward.",
        CANNOT_ATTEND,
    )),
    "LTS-HEARING": Letter("Invitation to a case review hearing", (
        DEAR,
        "Despite the support given to you, your absence has not been resolved. Before any decision is taken about "
        "whether your employment can continue, a case review hearing will be held with you. Your absence:",
        ABSENCES,
        "The hearing will be held:",
        *MEETING_DETAILS,
        "At the hearing we will consider whether there is any further action the organisation can reasonably take "
        "to help you continue in your employment or whether, regrettably, your employment should end. The possible "
        "outcomes include " + LONG_TERM_OPTIONS + ".",
        "This letter gives you at least {{ meeting.notice_days }} days’ notice of the hearing.",
        If("meeting.papers_by", ("The papers for the hearing, including any occupational health reports, will be "
                                 "sent to you by {{ meeting.papers_by }}.",)),
        ACCOMPANIED,
        "At the hearing you may put forward any information you would like to be considered.",
        CANNOT_ATTEND,
        "If you do not attend without good reason, the hearing may go ahead without you and a decision will be made "
        "on the information available. You will have the right of appeal against any decision to dismiss you.",
    )),
    "B1": Form("Sickness declaration and return-to-work interview", (
        Section("Sickness declaration"),
        Fields((("First day of absence", "{{ absence.first_day }}"), ("Last day of absence", "{{ absence.last_day }}"),
                ("Reason (category)", "{{ absence.reason }}"))),
        "I declare that I was unfit for work because of sickness for the period shown above and that the "
        "information on this form is true and complete. I understand that giving false information may lead to "
        "disciplinary action and to sick pay being recovered, and that for an absence of eight days or more fit "
        "notes must cover the whole period from the 8th day.",
        Blanks(("Was the absence caused by something that happened at work, or by a third party (for example a road "
                "traffic accident)? Yes or no, and details", "Employee’s signature and date"), lines=2),
        Section("Return-to-work interview"),
        "The interview is held on the first day back and no later than the third, except in exceptional "
        "circumstances.",
        Fields((("Date of the interview", "{{ rtw.held_on }}"), ("Held by", "{{ rtw.held_by }}"),
                ("Working day back", "{{ rtw.day_number }}"), ("Fit for work", "{{ rtw.fit_for_work }}"),
                ("Support discussed", "{{ rtw.support }}"), ("Adjustments agreed", "{{ rtw.adjustments }}"),
                ("Phased return", "{{ rtw.phased_return }}"),
                ("Occupational health referral needed", "{{ rtw.oh_referral }}"), ("Other notes", "{{ rtw.notes }}"))),
    )),
    "B2": Form("Absence support meeting record", (
        *MEETING_DETAILS,
        Section("Absence record"),
        "Trigger reached: {{ case.trigger }}.",
        ABSENCES,
        Section("The discussion"),
        Blanks(("Reasons for the absences and any underlying health issues",
                "Pertinent factors (pregnancy, disability, investigations or treatment)",
                "Support offered (occupational health, counselling, adjustments)",
                "Improvement needed and the attendance target agreed",
                "Review period and date of the review meeting",
                "Consequences of not improving, explained informally",
                "Employee’s comments")),
        "This is a record of an informal discussion, not a formal warning. Letter C1 confirms the actions agreed.",
    )),
    "B4": Form("Referral to occupational health", (
        "This form holds medical information. Keep it confidential and share it only with occupational health and "
        "those who need to know.",
        Section("The absence"),
        Fields((("First day of absence", "{{ absence.first_day }}"), ("Last day of absence", "{{ absence.last_day }}"),
                ("Reason (category)", "{{ absence.reason }}"), ("Details (medical)", "{{ absence.detail }}"),
                ("Expected return", "{{ absence.expected_return }}"),
                ("Manager’s contact", "{{ manager.name }}, {{ manager.email }}"))),
        Section("The referral"),
        Blanks(("Reason for the referral and background",
                "How long is the absence likely to last?",
                "What can be done to help the employee return to work sooner (adjustments, a managed return, "
                "equipment)?",
                "Is the absence due to work-related factors?",
                "Is the employee fit for their full duties, or for some of them?",
                "Any other advice")),
        Section("Employee’s consent"),
        "I understand why I am being referred to occupational health and I agree to the referral. I understand "
        "that occupational health may ask for reports from my GP or specialist, that I may see those reports before "
        "they are sent, and that a report I have not seen within three weeks of it being prepared will be sent "
        "anyway.",
    )),
    "NOTES": Form("Notes of the {{ meeting.title }}", (
        *MEETING_DETAILS,
        Section("Absence record"),
        "Why the stage was reached: {{ case.trigger }}.",
        ABSENCES,
        Section("The meeting"),
        Blanks(("Purpose of the meeting explained, and introductions",
                "The absence record discussed",
                "Reasons for the absences and any underlying health issues",
                "Pertinent factors considered (pregnancy, disability, investigations or treatment)",
                "Support given so far and further support considered (occupational health, adjustments, "
                "redeployment)",
                "The employee’s comments and any mitigating circumstances",
                "Outcome and the reasons for it",
                "Attendance target, review period and review date",
                "Right of appeal explained",
                "Actions agreed")),
        "These notes are confidential. A copy is sent to the employee and one is kept on their personal file.",
    ), signatures=("Chair’s signature and date", "Notes taken by, signature and date")),
}
