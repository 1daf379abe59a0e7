"""What each kind of task Casebook gives someone means, for the help pages: who gets it, what it asks, and how it
is done. Every kind the app creates is here (tests/unit/test_task_guide.py finds them in the presets and code).
Pure data.
"""
from __future__ import annotations

import dataclasses

MANAGER, HR = "manager", "hr"


@dataclasses.dataclass(frozen=True)
class TaskWords:
    """One kind of task in words: its usual title, who gets it, what it asks and how it is done."""

    kind: str
    title: str
    who: str
    means: str
    done: str


TASKS = (
    TaskWords("associate_absences", "Associate the absences that reached the trigger", MANAGER,
              "Every stage starts here: say which absences the stage is about. They fill the meeting notes and every "
              "letter of the stage.",
              "Tick the absences on the case page and press “Associate these absences”. Until then no other task "
              "of the stage can be completed and no letter made."),
    TaskWords("send_invite", "Invite the employee with letter C3 (or C6, C11)", MANAGER,
              "The employee must be invited in writing, with the notice the policy sets and the offer of a "
              "companion.",
              "Arrange the meeting on the case page, then make the invitation letter there and send it."),
    TaskWords("book_hr", "Book an HR advisor to attend the meeting", MANAGER,
              "A formal meeting from the second stage has an HR advisor present.",
              "Agree a time with the division's HR advisor, then mark the task complete."),
    TaskWords("book_senior_manager", "Book a senior manager with authority to dismiss, and an HR advisor", MANAGER,
              "A meeting that may end in dismissal is chaired by someone with the authority to dismiss.",
              "Agree a time with them and HR, then mark the task complete."),
    TaskWords("hold_meeting", "Hold the meeting (checklist A4 to A7)", MANAGER,
              "Hold the stage's meeting, following its checklist.",
              "Fill the meeting notes on the case page as you go, then record the outcome: that completes it."),
    TaskWords("send_outcome_letter", "Send the outcome letter (C1, C4, C5, C7 or C8)", MANAGER,
              "The employee gets the outcome in writing, with the review period, any warning and the right of "
              "appeal.",
              "Make the letter on the case page once the outcome is recorded, and send it."),
    TaskWords("send_closing_letter", "Send letter C2: attendance improved", MANAGER,
              "The review period ended with attendance improved: the case closes and the employee is told.",
              "Make letter C2 on the case page and send it."),
    TaskWords("review_meeting", "Review meeting due", MANAGER,
              "The review period set at the last meeting has ended: meet the employee to review their attendance.",
              "Record the outcome of the review on the case page: that completes it."),
    TaskWords("decide_progress", "Decide whether to progress the case", HR,
              "The manager has asked HR not to move the case to its next stage.",
              "Read the manager's request on the case page, then keep the case at its stage, close it or let it "
              "move on."),
    TaskWords("contact", "Keep in regular contact (checklist A1)", MANAGER,
              "While someone is off long-term, keep in touch on the days the policy sets.",
              "Record each contact as a note on the case page; mark the task complete when the contact pattern is "
              "agreed."),
    TaskWords("oh_referral", "Refer to occupational health (form B4)", MANAGER,
              "The absence's reason or length calls for occupational health advice.",
              "Make form B4 from the absence or the case page, send it to occupational health, then mark the task "
              "complete."),
    TaskWords("welfare_meeting", "Meet the employee at work or at home (checklist A8)", MANAGER,
              "A welfare meeting with someone off long-term: how they are, support, a return.",
              "Arrange it on the case page, fill its notes and record the outcome."),
    TaskWords("hold_case_conference", "Hold a case conference", MANAGER,
              "Meet occupational health and HR about a managed return, adjustments, redeployment or ill-health "
              "retirement.",
              "Arrange it on the case page, fill its notes and record the outcome."),
    TaskWords("hold_hearing", "Hold the case review hearing (checklist A9)", MANAGER,
              "The last stage of a long-term case, which may end in dismissal.",
              "Hold it with HR and a manager who may dismiss; record the outcome on the case page."),
    TaskWords("confirm_resumed", "Confirm that the employee has resumed work", MANAGER,
              "They are back and their return-to-work interview is recorded: a long-term case closes only when you "
              "confirm it.",
              "Press “Confirm” on the case page: that closes the long-term case."),
    TaskWords("rtw_reminder", "Hold the return-to-work interview", MANAGER,
              "Someone is back from an absence: talk to them by the working day the policy sets.",
              "Record the interview on the absence page: the task completes itself. “Already done” completes it "
              "in one click."),
    TaskWords("consider_sts", "Consider the short-term procedure", MANAGER,
              "Several long-term absences reach the policy's number: the short-term procedure may apply.",
              "Look at their long-term absences, then start the short-term procedure or mark it considered."),
    TaskWords("half_pay", "Tell the employee their pay moves to half pay", MANAGER,
              "A long-term absence reaches the day their sick pay halves.",
              "Write to them before that day, then mark the task complete."),
    TaskWords("nil_pay", "Tell the employee their pay stops (nil pay)", MANAGER,
              "A long-term absence reaches the day their sick pay stops.",
              "Write to them before that day, then mark the task complete."),
    TaskWords("ssp_notice", "Send the statutory sick pay notice", MANAGER,
              "Statutory sick pay ends after 28 weeks: the employee must get form SSP1 in time.",
              "Send the notice before the day, then mark the task complete."),
    TaskWords("pertinent_advice", "HR advice needed: pertinent factors", HR,
              "Pregnancy, a disability or treatment for an underlying condition may bear on the case.",
              "Record HR's advice on the case page; the manager cannot record the outcome until then."),
    TaskWords("review_adjustment", "Review the adjusted threshold", HR,
              "An employee's trigger threshold was raised as an agreed adjustment, with a date to review it.",
              "Review it on the employee's page: keep, change or end the adjustment."),
    TaskWords("confirm_migrated", "Confirm the employee's stage", MANAGER,
              "The case was brought over from the previous system: check the stage and dates are right.",
              "Confirm it on the case page, or flag “wrong stage” for HR to correct."),
    TaskWords("resolve_flag", "Resolve the flag on the case", HR,
              "A manager flagged a case: the stage looks wrong, or the employee is not their report. It waits in "
              "the division's HR queue from the day it was raised, even while the case is paused or once it is closed.",
              "Amend the case if need be (“Amend the case”), then say what was done in the Flags queue: that "
              "completes the task and tells the manager."),
    TaskWords("flag_answered", "HR resolved your flag: read what was done", MANAGER,
              "HR resolved a flag you raised on a case, and says what they did.",
              "Read it on the case, then mark the task complete."),
)
BY_KIND = {task.kind: task for task in TASKS}


def tasks_for(role: str) -> list[TaskWords]:
    """The kinds of task `role` works: a manager's, or HR's (HR advisors and admins see every task)."""
    if role == MANAGER:
        return [task for task in TASKS if task.who == MANAGER]
    return [task for task in TASKS if task.who == HR] + [task for task in TASKS if task.who == MANAGER]
