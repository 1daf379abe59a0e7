"""Working a case: the tasks a stage creates and their due dates across bank holidays, the association
gate, meeting notice and another date, and the dates each outcome sets. Hand-computed expectations."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.absences import long_date
from casework.policy import load_preset
from casework.workflow import (
    OUTCOMES,
    DismissalTerms,
    LiveWarning,
    MeetingFacts,
    Notice,
    alternative_date_problem,
    completion_blocked,
    dismissal_problems,
    due_on,
    formal_outcome_problem,
    milestone_tasks,
    notice_for,
    notice_problem,
    outcomes_for,
    plan_outcome,
    stage_tasks,
)

D = dt.date
COUNCIL = load_preset("council-2019")


def sts_stage(key, policy=COUNCIL):
    return policy.sts.ladder.stage(key)


@pytest.mark.parametrize("start, days, region, expected", [
    (D(2026, 11, 23), 0, "ENG", D(2026, 11, 23)),   # a Monday: itself
    (D(2026, 11, 21), 0, "ENG", D(2026, 11, 23)),   # a Saturday: the Monday after
    (D(2026, 11, 23), 2, "ENG", D(2026, 11, 25)),
    (D(2026, 11, 23), 10, "ENG", D(2026, 12, 7)),   # two weeks
    (D(2026, 11, 27), 1, "ENG", D(2026, 11, 30)),   # Friday → Monday
    # Christmas 2026: Fri 25 and the Boxing Day substitute Mon 28 are bank holidays
    (D(2026, 12, 23), 2, "ENG", D(2026, 12, 29)),
    # New Year 2027: Fri 1 Jan everywhere; in Scotland 2 January's substitute Mon 4 Jan too
    (D(2026, 12, 31), 2, "ENG", D(2027, 1, 5)),
    (D(2026, 12, 31), 2, "SCT", D(2027, 1, 6)),
])
def test_due_dates_count_office_working_days(start, days, region, expected):
    assert due_on(start, days, region) == expected


def test_a_stage_opens_with_its_tasks_associating_the_absences_first():
    tasks = stage_tasks(sts_stage("absence_support"), D(2026, 11, 23), "ENG")
    assert [(task.kind, task.assignee, task.due_on, task.stage_key) for task in tasks] == [
        ("associate_absences", "manager", D(2026, 11, 25), "absence_support"),
        ("hold_meeting", "manager", D(2026, 12, 7), "absence_support"),
        ("send_outcome_letter", "manager", D(2026, 12, 14), "absence_support"),
    ]
    # the stage's name in title case, as pages write it; the policy's other words as they are (issue 19, point 10)
    assert tasks[1].title == "Hold the Absence Support Meeting (checklist A4, form B2)"


def test_hr_tasks_of_the_third_formal_stage():
    tasks = stage_tasks(sts_stage("formal_3"), D(2026, 11, 23), "ENG")
    assert [task.kind for task in tasks][0] == "associate_absences"
    assert {task.kind: task.assignee for task in tasks}["book_senior_manager"] == "hr"


@pytest.mark.parametrize("kind, associated, blocked", [
    ("associate_absences", False, False),
    ("hold_meeting", False, True),
    ("send_outcome_letter", False, True),
    ("hold_meeting", True, False),
])
def test_nothing_but_the_association_can_be_completed_before_it(kind, associated, blocked):
    reason = completion_blocked(kind, associated)
    assert (reason is not None) == blocked
    if blocked:
        assert reason.startswith("Associate the absences with this stage first")


@pytest.mark.parametrize("invited, meeting, notice, problem", [
    (D(2026, 11, 23), D(2026, 11, 28), 5, None),   # 5 calendar days: Saturday 28th at the earliest
    (D(2026, 11, 23), D(2026, 11, 27), 5, "The policy asks for at least 5 days' notice: invited on 23 November "
                                          "2026, the meeting can be on 28 November 2026 at the earliest."),
    (D(2026, 11, 23), D(2026, 12, 7), 14, None),
    (D(2026, 11, 23), D(2026, 12, 6), 14, "The policy asks for at least 14 days' notice: invited on 23 November "
                                          "2026, the meeting can be on 7 December 2026 at the earliest."),
    (D(2026, 11, 23), D(2026, 11, 23), 0, None),
    (D(2026, 11, 23), D(2026, 11, 22), 0, "The meeting cannot be before the invitation."),
])
def test_minimum_notice(invited, meeting, notice, problem):
    assert notice_problem(invited, meeting, notice) == problem


@pytest.mark.parametrize("key, preset_days, notice", [
    ("formal_3", 2, Notice(2, 5)),        # the preset says less: 5 working days all the same
    ("formal_3", 14, Notice(14, 5)),      # the preset says more: both must be kept
    ("lts_hearing", 0, Notice(0, 5)),
    ("formal_1", 2, Notice(2, 0)),        # earlier stages: the preset alone
    ("lts_case_conference", 7, Notice(7, 0)),
])
def test_notice_at_a_stage_that_can_end_in_dismissal_is_at_least_five_working_days(key, preset_days, notice):
    """Policy 8d: "given written notification of the meeting and a minimum of five days notice"; issue 15: 5
    working days at the 3rd formal meeting and at hearings, whatever the preset says."""
    from casework.ladders import Stage
    assert notice_for(Stage(key, "A stage", notice_days=preset_days)) == notice


@pytest.mark.parametrize("invited, meeting, notice, region, problem", [
    # Mon 21 Dec 2026: Tue 22 (1), Wed 23 (2), Thu 24 (3), Fri 25 Christmas, Mon 28 Boxing Day substitute,
    # Tue 29 (4), Wed 30 (5): the 5th working day is 30 December, later than 21 + 5 calendar days = 26th.
    (D(2026, 12, 21), D(2026, 12, 30), Notice(5, 5), "ENG", None),
    (D(2026, 12, 21), D(2026, 12, 29), Notice(5, 5), "ENG",
     "The policy asks for at least 5 working days' notice: invited on 21 December 2026, the meeting can be on "
     "30 December 2026 at the earliest."),
    # a preset of 2 days at the 3rd formal stage changes nothing: still 30 December
    (D(2026, 12, 21), D(2026, 12, 29), Notice(2, 5), "ENG",
     "The policy asks for at least 5 working days' notice: invited on 21 December 2026, the meeting can be on "
     "30 December 2026 at the earliest."),
    # without the working-day floor 2 calendar days are enough: 21 + 2 = 23 December
    (D(2026, 12, 21), D(2026, 12, 23), Notice(2, 0), "ENG", None),
    # Wed 25 Nov 2026 in Scotland: Thu 26 (1), Fri 27 (2), Mon 30 St Andrew's Day, Tue 1 Dec (3), Wed 2 (4),
    # Thu 3 (5); in England Mon 30 is (3), so Wed 2 December is the 5th
    (D(2026, 11, 25), D(2026, 12, 2), Notice(5, 5), "SCT",
     "The policy asks for at least 5 working days' notice: invited on 25 November 2026, the meeting can be on "
     "3 December 2026 at the earliest."),
    (D(2026, 11, 25), D(2026, 12, 3), Notice(5, 5), "SCT", None),
    (D(2026, 11, 25), D(2026, 12, 2), Notice(5, 5), "ENG", None),
    # 14 calendar days (7 December) come after the 5th working day (2 December): the later one counts
    (D(2026, 11, 23), D(2026, 12, 6), Notice(14, 5), "ENG",
     "The policy asks for at least 14 days' (and at least 5 working days') notice: invited on 23 November 2026, "
     "the meeting can be on 7 December 2026 at the earliest."),
])
def test_working_day_notice_across_bank_holidays(invited, meeting, notice, region, problem):
    """Policy 8d: "a minimum of five days notice", counted as working days of the employee's region."""
    assert notice_problem(invited, meeting, notice, region) == problem


@pytest.mark.parametrize("original, proposed, today, accepted", [
    (D(2026, 12, 1), D(2026, 12, 8), D(2026, 11, 23), True),    # 7 days later
    (D(2026, 12, 1), D(2026, 12, 9), D(2026, 11, 23), False),   # 8 days later
    (D(2026, 12, 1), D(2026, 11, 23), D(2026, 11, 23), True),   # earlier, today
    (D(2026, 12, 1), D(2026, 11, 25), D(2026, 11, 26), False),  # already passed
    (D(2026, 12, 1), D(2026, 12, 1), D(2026, 11, 23), False),   # the same date
])
def test_another_date_no_later_than_seven_days_after_the_original(original, proposed, today, accepted):
    assert (alternative_date_problem(original, proposed, today) is None) == accepted


def test_the_refusal_names_the_dates_allowed():
    assert alternative_date_problem(D(2026, 12, 1), D(2026, 12, 9), D(2026, 11, 23)) == (
        "Another date can be accepted only up to 7 calendar days after the original one: 8 December 2026 at the "
        "latest.")


@pytest.mark.parametrize("stage, outcome, decided, letter, expected", [
    # absence support: C1, review 12 weeks; the grievance route sets no appeal window
    ("absence_support", "support_agreed", D(2026, 11, 23), None,
     ("C1", D(2027, 2, 15), None, None, None, "formal_1", False)),
    # 1st formal: first warning live 6 months through 22 May 2027; appeal 2 weeks and 1 day after the letter
    ("formal_1", "warning", D(2026, 11, 23), None,
     ("C4", D(2027, 2, 15), "first", D(2027, 5, 22), D(2026, 12, 8), "formal_2", False)),
    # the letter dated two days after the meeting moves the warning and the appeal, not the review
    ("formal_1", "warning", D(2026, 11, 23), D(2026, 11, 25),
     ("C4", D(2027, 2, 15), "first", D(2027, 5, 24), D(2026, 12, 10), "formal_2", False)),
    ("formal_1", "more_time", D(2026, 11, 23), None,
     ("C5", D(2027, 2, 15), None, None, D(2026, 12, 8), "formal_2", False)),
    # month ends: a warning live 6 months from a letter of 31 Aug 2026 runs to the day before 31 Feb 2027, which
    # does not exist: to 28 Feb 2027, the end of the shorter month (review 31 Aug + 84 days; appeal + 15 days)
    ("formal_1", "warning", D(2026, 8, 31), None,
     ("C4", D(2026, 11, 23), "first", D(2027, 2, 28), D(2026, 9, 15), "formal_2", False)),
    # and from 31 Aug 2027 to the end of a leap February, 29 Feb 2028
    ("formal_1", "warning", D(2027, 8, 31), None,
     ("C4", D(2027, 11, 23), "first", D(2028, 2, 29), D(2027, 9, 15), "formal_2", False)),
    # 2nd formal: final warning live 12 months
    ("formal_2", "warning", D(2026, 11, 23), None,
     ("C4", D(2027, 2, 15), "final", D(2027, 11, 22), D(2026, 12, 8), "formal_3", False)),
    # 3rd formal: dismissal closes; its appeal goes to the panel
    ("formal_3", "dismissal", D(2026, 11, 23), None,
     ("C7", None, None, None, D(2026, 12, 8), None, True)),
    # improvement closes with C2, nothing to appeal
    ("formal_2", "improved", D(2026, 11, 23), None,
     ("C2", None, None, None, None, "formal_3", True)),
])
def test_outcome_dates(stage, outcome, decided, letter, expected):
    plan = plan_outcome(outcome, sts_stage(stage), COUNCIL.sts.ladder, decided, letter)
    assert (plan.letter, plan.review_date, plan.warning_level, plan.warning_expires_on, plan.appeal_deadline,
            plan.next_stage.key if plan.next_stage else None, plan.closes) == expected


def test_dismissal_appeal_goes_to_the_panel_and_the_plan_reads_in_words():
    plan = plan_outcome("dismissal", sts_stage("formal_3"), COUNCIL.sts.ladder, D(2026, 11, 23))
    assert plan.appeal_route == "an appeals panel of councillors"
    assert plan.words() == ["Dismissal, decided on 23 November 2026.", "Letter C7 confirms it.",
                            "Appeal by 8 December 2026 (an appeals panel of councillors).", "The case closes."]


@pytest.mark.parametrize("kind, stage, expected", [
    ("STS", "absence_support", ["support_agreed", "progress", "improved"]),
    ("STS", "formal_1", ["warning", "more_time", "progress", "improved"]),
    ("STS", "formal_3", ["dismissal", "other", "redeployment", "ill_health_retirement", "improved"]),
    ("LTS", "lts_welfare", ["continue_support", "progress", "redeployment", "ill_health_retirement"]),
    ("LTS", "lts_hearing", ["continue_support", "redeployment", "ill_health_retirement", "dismissal", "other"]),
])
def test_outcomes_offered_per_stage(kind, stage, expected):
    ladder = COUNCIL.sts.ladder if kind == "STS" else COUNCIL.lts.ladder
    assert [outcome.key for outcome in outcomes_for(kind, ladder.stage(stage), ladder)] == expected


def test_tasks_ahead_of_each_change_of_pay():
    from casework.milestones import Milestone
    milestones = [Milestone("long_term", "", D(2026, 11, 23), True, "a"),
                  Milestone("ssp_notice", "", D(2027, 5, 31), False, "a"),        # a Monday: due Mon 24 May
                  Milestone("half_pay", "", D(2027, 1, 10), False, "a"),          # Sunday: 27 Dec → BH → Tue 29 Dec
                  Milestone("nil_pay", "", D(2026, 11, 30), False, "a"),          # 14 days ahead is past: today
                  Milestone("half_pay", "", D(2026, 11, 20), True, "a")]          # passed: none
    planned = milestone_tasks(milestones, "Wes Worker", D(2026, 11, 23), "ENG")
    assert [(task.kind, task.due_on) for task in planned] == [
        ("ssp_notice", D(2027, 5, 24)), ("half_pay", D(2026, 12, 29)), ("nil_pay", D(2026, 11, 23))]
    assert planned[1].title == "Tell Wes Worker in writing that their pay moves to half pay on 10 January 2027"
    assert {task.assignee for task in planned} == {"manager"}


MEETING_DAY, ARRANGED = D(2026, 3, 2), D(2026, 2, 16)


def _held(on=MEETING_DAY, arranged_on=ARRANGED, held=True, notes=True, roles=("manager",)):
    return MeetingFacts(on=on, arranged_on=arranged_on, held=held, with_notes=notes, roles=roles)


# Council policy, part 2, paragraph 2: formal action is never taken without a formal meeting; paragraph 8: the 2nd
# formal meeting with HR, the 3rd chaired by a manager with the authority to dismiss, with HR, on at least five
# days' notice. council-2019 gives these attendees; the 3rd formal's notice is at least 5 working days (notice_for).
@pytest.mark.parametrize("stage, outcome, meetings, may_dismiss, expected", [
    ("formal_1", "warning", [], False, "Hold the 1st Formal Absence Review Meeting and record its notes first"),
    ("formal_1", "warning", [_held(held=False)], False, "record its notes first"),        # arranged, not held
    ("formal_1", "warning", [_held(notes=False)], False, "record its notes first"),       # held, no notes
    ("formal_1", "warning", [_held()], False, None),
    ("formal_1", "more_time", [_held()], False, None),
    ("formal_1", "improved", [], False, None),                   # the end of a review period: no meeting needed
    ("absence_support", "support_agreed", [], False, None),      # not formal
    ("formal_2", "warning", [_held()], False, "hr advisor missing"),
    ("formal_2", "warning", [_held(roles=("manager", "hr"))], False, None),
    ("formal_3", "dismissal", [_held(roles=("senior_manager", "hr"))], False,
     "Only someone with the authority to dismiss"),
    ("formal_3", "dismissal", [_held(roles=("hr",))], True, "senior manager missing"),
    # arranged Fri 27 Feb for Mon 2 Mar: 1 working day; 5 needed (Mon 2, Tue 3, Wed 4, Thu 5, Fri 6): 6 Mar
    ("formal_3", "dismissal", [_held(arranged_on=D(2026, 2, 27), roles=("senior_manager", "hr"))], True,
     "the meeting can be on 6 March 2026 at the earliest"),
    # arranged Wed 25 Feb: 5 calendar days but only 3 working days (26, 27 Feb, 2 Mar): 4 Mar at the earliest
    ("formal_3", "dismissal", [_held(arranged_on=D(2026, 2, 25), roles=("senior_manager", "hr"))], True,
     "4 March 2026 at the earliest"),
    # arranged Mon 23 Feb: 5 working days exactly (24, 25, 26, 27 Feb, 2 Mar)
    ("formal_3", "dismissal", [_held(arranged_on=D(2026, 2, 23), roles=("senior_manager", "hr"))], True, None),
    # the latest held meeting is the one judged: an earlier one without HR does not matter
    ("formal_2", "warning", [_held(on=D(2026, 2, 20), arranged_on=D(2026, 2, 2)), _held(roles=("manager", "hr"))],
     False, None),
])
def test_formal_outcomes_need_the_held_meeting_the_people_the_notice_and_the_authority(
        stage, outcome, meetings, may_dismiss, expected):
    problem = formal_outcome_problem(OUTCOMES[outcome], sts_stage(stage), meetings, may_dismiss)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem, problem


def test_a_hearing_outcome_needs_the_hearing_held():
    hearing = COUNCIL.lts.ladder.stage("lts_hearing")
    assert "Hold the Case Review Hearing" in formal_outcome_problem(OUTCOMES["redeployment"], hearing, [], True)
    assert formal_outcome_problem(OUTCOMES["redeployment"], hearing, [_held(roles=("senior_manager", "hr"))],
                                  True) is None


@pytest.mark.parametrize("terms, problems", [
    (DismissalTerms(D(2027, 1, 4), 4, False, "Sid Senior", "Head of Nursing"), {}),
    (DismissalTerms(D(2026, 12, 8), 12, True, "Sid Senior", "Head of Nursing"), {}),
    (DismissalTerms(), {"termination_date": "Enter the date employment ends: letter C7 gives it.",
                        "notice_weeks": "Enter the notice period in weeks (paid in lieu or worked): letter C7 gives "
                                        "it.",
                        "dismissed_by_name": "Enter the name of the manager who dismisses: they sign letter C7.",
                        "dismissed_by_title": "Enter the dismissing manager's job title: letter C7 gives it."}),
    (DismissalTerms(D(2026, 12, 7), 0, False, " ", "Head of Nursing"),
     {"termination_date": "Employment cannot end before the decision to dismiss.",
      "notice_weeks": "The notice period is from 1 to 52 weeks.",
      "dismissed_by_name": "Enter the name of the manager who dismisses: they sign letter C7."}),
])
def test_a_dismissal_needs_the_terms_letter_c7_gives(terms, problems):
    """Issue 15: "C7 is signed by the dismissing officer. It gives the termination date and the notice period or
    pay in lieu"; each missing term is refused beside its field."""
    assert dismissal_problems(terms, D(2026, 12, 8)) == problems


# Council policy, part 2, 8a: "A further review meeting will be arranged to review progress"; 8b: "If there is
# insufficient improvement ... the manager will hold a first formal absence review meeting". The stage moves on
# only at a review meeting held after the decision that set the review period.
@pytest.mark.parametrize("stage, meetings, decided_before, expected", [
    # no meeting at all: the support meeting is to be held
    ("absence_support", [], None, "Hold the Absence Support Meeting"),
    # the support meeting held on 2 March and nothing decided yet: it may decide to move on
    ("absence_support", [_held()], None, None),
    # support agreed on 2 March at that meeting: moving on needs a review meeting after it
    ("absence_support", [_held()], D(2026, 3, 2), "the stage's last decision was on 2 March 2026"),
    # the review meeting on 1 June, after the decision of 2 March
    ("absence_support", [_held(), _held(on=D(2026, 6, 1), arranged_on=D(2026, 5, 20))], D(2026, 3, 2), None),
    # at 2nd formal the review meeting needs HR there too
    ("formal_2", [_held(on=D(2026, 6, 1), arranged_on=D(2026, 5, 20))], D(2026, 3, 2), "hr advisor missing"),
])
def test_moving_on_needs_a_review_meeting_held_after_the_last_decision(stage, meetings, decided_before, expected):
    problem = formal_outcome_problem(OUTCOMES["progress"], sts_stage(stage), meetings, False, "ENG", decided_before)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem, problem


@pytest.mark.parametrize("expires, monitoring", [
    (D(2027, 3, 1), True),      # live past the decision of 23 November 2026: kept, the case stays on monitoring
    (D(2026, 11, 23), True),    # live on the day of the decision itself (live up to and including its expiry)
    (D(2026, 11, 22), False),   # expired the day before: the case closes with C2
])
def test_improved_while_a_warning_is_live_keeps_it(expires, monitoring):
    """Issue 15, point 4: recording "improved" while a warning is live keeps it live until it expires."""
    plan = plan_outcome("improved", sts_stage("formal_1"), COUNCIL.sts.ladder, D(2026, 11, 23), None,
                        LiveWarning("first", expires))
    assert (plan.monitoring, plan.closes, plan.letter) == (monitoring, not monitoring, "C2")
    if monitoring:
        assert (plan.warning_level, plan.warning_expires_on) == ("first", expires)
        assert plan.words()[1:] == ["Letter C2 confirms it.",
                                    f"The first written warning stays live until {long_date(expires)}: the case stays "
                                    f"on continued monitoring until then, and the letter says so."]
    else:
        assert plan.warning_expires_on is None and plan.words()[-1] == "The case closes."


@pytest.mark.parametrize("day, live", [
    (D(2026, 9, 29), True),     # the day before it expires
    (D(2026, 9, 30), True),     # its expiry date: live up to and including it
    (D(2026, 10, 1), False),    # the day after: lapsed (the case page no longer shows it at the top)
])
def test_a_warning_is_live_up_to_its_expiry(day, live):
    assert LiveWarning("first", D(2026, 9, 30)).live_on(day) is live
