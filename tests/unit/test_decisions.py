"""What evaluation says should happen to the cases: open, restart, pause, resume an STS case, make its review
meeting due, end its monitoring; open an LTS case; refer to OH. AS_OF is Monday 23 November 2026.

Conventions the tables pin down: a warning is live up to and including its expiry date (it lapses the
next day); a review period runs from the day after the meeting that set it up to and including its review
date, and only absences that start in it count; a trigger is new only when one of its absences started after
the case entered its current stage (or after the decision that closed it or put it on monitoring).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from casework.facts import AbsenceFacts, CaseFacts, EmployeeFacts
from casework.plain_words import title_case
from casework.policy import load_preset
from casework.triggers import evaluate

D = dt.date
AS_OF = D(2026, 11, 23)
EMPLOYEE = EmployeeFacts(start_date=D(2015, 4, 1))
# Four one-day absences on Wednesdays (clear of week edges and bank holidays): 4 occasions ≥ 4.
OLD = [AbsenceFacts(f"old{n}", day, day) for n, day in
       enumerate([D(2026, 2, 4), D(2026, 5, 13), D(2026, 8, 12), D(2026, 10, 14)])]
# A fifth, after every stage below was entered (20 October 2026).
NEW = AbsenceFacts("new", D(2026, 11, 11), D(2026, 11, 11))
ENTERED = D(2026, 10, 20)


def sts(stage="absence_support", status="open", review=None, warning=None, expires=None, paused=False,
        entered=ENTERED, id="sts1", since=None, target=(None, None)):
    return CaseFacts(id, "STS", status, stage, entered, review, warning, expires, paused, since, *target)


def actions(absences, cases=(), preset="council-2019", as_of=AS_OF):
    """(kind, stage — or for a review meeting due, whether the target was missed or met —, case)."""
    evaluation = evaluate(EMPLOYEE, absences, list(cases), load_preset(preset), as_of)
    return [(action.kind, action.review_result or action.stage, action.case_id) for action in evaluation.actions]


# The council policy, part 2, paragraph 2: "formal action is never automatic"; paragraph 8a: at the absence
# support meeting the manager and employee "discuss support, improvements, targets, review period", and "a
# further review meeting will be arranged to review progress". So a case in force is never moved by the scan:
# a missed target, or the end of the review period, makes a review meeting due, and only absences that start
# inside the review period count.
@pytest.mark.parametrize("absences, cases, expected", [
    # no case: 4 occasions opens one at the absence support meeting
    (OLD, [], [("open_sts", "absence_support", None)]),
    # the case sits at the stage; nothing started since 20 Oct: the same figures add nothing
    (OLD, [sts(review=D(2027, 1, 20))], []),
    # a new absence during the review period (to 20 Jan 2027), no target recorded: a trigger reached again
    # misses it, so a review meeting is due; the stage does not move
    (OLD + [NEW], [sts(review=D(2027, 1, 20))], [("review_due", "missed", "sts1")]),
    # the target allowed two occasions: one one-day absence keeps it, nothing is due
    (OLD + [NEW], [sts(review=D(2027, 1, 20), target=(2, None))], []),
    # a target of no occasions: the one absence misses it
    (OLD + [NEW], [sts(review=D(2027, 1, 20), target=(0, None))], [("review_due", "missed", "sts1")]),
    # no more than 1 working day: Wednesday 11 November is one, kept
    (OLD + [NEW], [sts(review=D(2027, 1, 20), target=(None, 1))], []),
    # the meeting that set the period was on 12 November, after the absence of the 11th: it does not count
    (OLD + [NEW], [sts(review=D(2027, 1, 20), since=D(2026, 11, 12), target=(0, 0))], []),
    # ... nor does an absence on the day of the meeting itself: the period starts the day after
    (OLD + [NEW], [sts(review=D(2027, 1, 20), since=D(2026, 11, 11), target=(0, 0))], []),
    # a new trigger on the day the review period ends: still inside it, so missed
    (OLD + [NEW], [sts(review=AS_OF)], [("review_due", "missed", "sts1")]),
    # the review period ended yesterday, with the absence of the 11th inside it: missed
    (OLD + [NEW], [sts(review=AS_OF - dt.timedelta(days=1))], [("review_due", "missed", "sts1")]),
    # the review period ended yesterday with nothing in it: met; the case does not close by itself
    (OLD, [sts(review=AS_OF - dt.timedelta(days=1))], [("review_due", "met", "sts1")]),
    # on the review date itself it has not ended: nothing yet
    (OLD, [sts(review=AS_OF)], []),
    # no review date yet (the meeting is to come): new absences are associated, not acted on
    (OLD + [NEW], [sts()], []),
    # at the last stage a missed target makes the review meeting due too
    (OLD + [NEW], [sts("formal_3", review=D(2027, 1, 20))], [("review_due", "missed", "sts1")]),
    # the review period ended on 1 November with nothing in it, then a trigger on the 11th while the first
    # warning is live (until today): judged at the stage the warning puts them on
    (OLD + [NEW], [sts("formal_1", review=D(2026, 11, 1), warning="first", expires=AS_OF)],
     [("review_due", "trigger", "sts1")]),
    # the same after the warning expired yesterday: the period was met
    (OLD + [NEW], [sts("formal_1", review=D(2026, 11, 1), warning="first", expires=AS_OF - dt.timedelta(days=1))],
     [("review_due", "met", "sts1")]),
    # on continued monitoring with the first warning live (after "improved" on 30 October): a trigger counting an
    # absence since then makes a review meeting due
    (OLD + [NEW], [sts("formal_1", status="monitoring", since=D(2026, 10, 30), warning="first",
                       expires=D(2027, 3, 1))], [("review_due", "trigger", "sts1")]),
    # ... but not one counting only absences before the decision
    (OLD + [NEW], [sts("formal_1", status="monitoring", since=D(2026, 11, 12), warning="first",
                       expires=D(2027, 3, 1))], []),
    # on monitoring, the warning expired yesterday: the monitoring ends
    (OLD, [sts("formal_1", status="monitoring", since=D(2026, 10, 30), warning="first",
               expires=AS_OF - dt.timedelta(days=1))], [("warning_expired", "formal_1", "sts1")]),
    # ... and with a new trigger then, the process restarts at absence support, recording the lapsed warning
    (OLD + [NEW], [sts("formal_1", status="monitoring", since=D(2026, 10, 30), warning="first",
                       expires=AS_OF - dt.timedelta(days=1))], [("restart_sts", "absence_support", "sts1")]),
    # continued monitoring without a warning (HR kept it there): a new trigger makes a review meeting due
    (OLD + [NEW], [sts("formal_1", status="monitoring", review=D(2026, 11, 1))], [("review_due", "trigger", "sts1")]),
    # continued monitoring, no new trigger: HR chose to keep it, so nothing is proposed
    (OLD, [sts("formal_1", status="monitoring", review=D(2026, 11, 1))], []),
    # closed on improvement after 20 Oct: the old absences do not open a case again
    (OLD, [sts(status="closed")], []),
    # closed, then a new absence: a new case
    (OLD + [NEW], [sts(status="closed")], [("open_sts", "absence_support", None)]),
    # closed on "improved" on 12 November: the absence of the 11th, before the decision, opens nothing
    (OLD + [NEW], [sts(status="closed", since=D(2026, 11, 12))], []),
    # closed with a final warning live until March 2027: a new trigger makes a review meeting due
    (OLD + [NEW], [sts("formal_2", status="closed", warning="final", expires=D(2027, 3, 1))],
     [("review_due", "trigger", "sts1")]),
    # closed with a warning that lapsed on 1 Jan 2026 (referable until 31 Dec 2027): restart, citing it
    (OLD + [NEW], [sts("formal_1", status="closed", warning="first", expires=D(2025, 12, 31))],
     [("restart_sts", "absence_support", "sts1")]),
    # closed with a warning that lapsed on 1 Jul 2024: referable only until 30 Jun 2026, so a fresh case
    (OLD + [NEW], [sts("formal_1", status="closed", warning="first", expires=D(2024, 6, 30),
                       entered=D(2024, 1, 2))], [("open_sts", "absence_support", None)]),
])
def test_short_term_actions(absences, cases, expected):
    assert actions(absences, cases) == expected


def test_a_missed_target_says_why_with_the_figures():
    case = sts(review=D(2027, 1, 20), since=D(2026, 10, 21), target=(0, 3))
    [action] = evaluate(EMPLOYEE, OLD + [NEW], [case], load_preset("council-2019"), AS_OF).actions
    assert action.reason == (
        "Review meeting due: the target was missed (1 occasion (target: no more than 0)), with 1 occasion and "
        "1 working day of absence from 22 October 2026 to 23 November 2026; the target agreed on 21 October 2026 "
        "was no more than 0 occasions and no more than 3 working days of sickness absence in the review period; "
        "the meeting decides whether to move on to 1st Formal Absence Review Meeting; nothing moves until its "
        "outcome is recorded")
    assert (action.stage, action.review_key, action.absence_ids) == ("absence_support", D(2026, 10, 21), ("new",))


def test_a_met_target_names_the_improvement_letter_and_the_ended_review_is_reported():
    evaluation = evaluate(EMPLOYEE, OLD, [sts(review=D(2026, 11, 20), target=(1, None))],
                          load_preset("council-2019"), AS_OF)
    [action] = evaluation.actions
    assert action.reason.startswith("Review meeting due: the target was met, with 0 occasions and 0 working days "
                                    "of absence from 21 October 2026 to 20 November 2026")
    assert "(letter C2, or the warning stays live until it expires)" in action.reason
    assert [(ended.case_id, ended.review_date) for ended in evaluation.reviews_ended] == [("sts1", D(2026, 11, 20))]


def test_restart_records_the_lapsed_warning():
    case = sts("formal_1", status="closed", warning="first", expires=D(2026, 11, 22))
    evaluation = evaluate(EMPLOYEE, OLD + [NEW], [case], load_preset("council-2019"), AS_OF)
    [action] = evaluation.actions
    # lapsed the day after it expired; referable for 24 months from the expiry
    assert (action.lapsed_warning.lapsed_on, action.lapsed_warning.referable_until) == (AS_OF, D(2028, 11, 22))
    assert evaluation.lapsed_warnings == (action.lapsed_warning,)
    assert action.reason.endswith("the first warning lapsed on 23 November 2026 and may be referred to until "
                                  "22 November 2028")


def test_notes_explain_why_nothing_happens():
    waiting = evaluate(EMPLOYEE, OLD + [NEW], [sts()], load_preset("council-2019"), AS_OF)
    assert waiting.notes[0].startswith("New absences since the stage began on 20 October 2026")


def test_worked_case_the_support_meeting_sets_the_period_and_the_absence_before_it_does_not_count():
    """Issue 15, point 1: case opened 10 Feb 2026, an absence on 17 Feb, the support meeting on 24 Feb sets a
    review period to 19 May (24 Feb + 12 weeks). Before: the scan on 25 Feb moved the case to 1st formal. After:
    the absence of 17 Feb started before the period and counts for nothing; the case stays where it is."""
    opened, absence = D(2026, 2, 10), AbsenceFacts("feb17", D(2026, 2, 17), D(2026, 2, 17))
    before = [AbsenceFacts(f"o{n}", day, day) for n, day in enumerate([D(2025, 6, 4), D(2025, 9, 10),
                                                                         D(2025, 12, 3), D(2026, 2, 4)])]
    case = sts(entered=opened, review=D(2026, 5, 19), since=D(2026, 2, 24), target=(1, 3))
    assert actions(before + [absence], [case], as_of=D(2026, 2, 25)) == []
    # one absence in the period, inside a target of one occasion: still nothing on the day the period ends
    inside = AbsenceFacts("apr", D(2026, 4, 8), D(2026, 4, 8))
    assert actions(before + [absence, inside], [case], as_of=D(2026, 5, 19)) == []
    # the day after, the period has ended with the target met: a review meeting is due, nothing moves
    assert actions(before + [absence, inside], [case], as_of=D(2026, 5, 20)) == [("review_due", "met", "sts1")]


def test_worked_case_an_absence_before_the_warning_does_not_count_towards_the_next_stage():
    """Issue 15, point 1: a warning on 15 Mar 2026 (its review period from 16 Mar) and an absence on 5 Mar moved the
    case to 2nd formal on 16 Mar. After: the absence of 5 Mar came before the warning's review period."""
    before = [AbsenceFacts(f"o{n}", day, day) for n, day in enumerate([D(2025, 6, 4), D(2025, 9, 10),
                                                                         D(2025, 12, 3), D(2026, 2, 4)])]
    march = AbsenceFacts("mar5", D(2026, 3, 5), D(2026, 3, 5))
    case = sts("formal_1", entered=D(2026, 2, 25), review=D(2026, 6, 7), since=D(2026, 3, 15), target=(0, 0),
               warning="first", expires=D(2026, 9, 14))
    assert actions(before + [march], [case], as_of=D(2026, 3, 16)) == []


def test_a_trigger_counting_an_ongoing_absence_waits_until_they_are_back():
    # 3 old occasions and a 4th begun on Monday 16 November, still going on: 4 occasions reach the trigger
    # (3 + 6 working days = 9 stay under 10)
    off = AbsenceFacts("off", D(2026, 11, 16), None, "infections")
    evaluation = evaluate(EMPLOYEE, OLD[:3] + [off], [], load_preset("council-2019"), AS_OF)
    assert [rule.rule for rule in evaluation.fired] == ["occasions"]
    assert evaluation.actions == ()
    assert evaluation.notes[0].startswith("A short-term trigger is reached counting the absence that began on "
                                          "16 November 2026, which is still going on")
    assert evaluation.notes[0].endswith("if the absence reaches 14 December 2026 it becomes long-term and no "
                                        "longer counts.")
    # back on Monday 23 November (last day Friday 20th): the case opens
    back = evaluate(EMPLOYEE, OLD[:3] + [dataclasses.replace(off, last_day=D(2026, 11, 20))], [],
                    load_preset("council-2019"), AS_OF)
    assert [action.kind for action in back.actions] == ["open_sts"]
    # during a review period the review meeting waits the same way
    live = evaluate(EMPLOYEE, OLD[:3] + [off], [sts("formal_1", review=D(2027, 1, 20))], load_preset("council-2019"),
                    AS_OF)
    assert live.actions == () and live.notes[0].startswith("The review period's figures count the absence that "
                                                           "began on 16 November 2026, which is still going on")


def test_a_review_ending_while_they_are_off_waits_for_their_return():
    off = AbsenceFacts("off", D(2026, 11, 23), None, "infections")
    evaluation = evaluate(EMPLOYEE, OLD[:1] + [off], [sts(review=D(2026, 11, 20))], load_preset("council-2019"),
                          AS_OF)
    assert evaluation.actions == ()
    assert evaluation.notes == ("The review period ended on 20 November 2026; the case is looked at again when "
                                "they are back from the absence that began on 23 November 2026.",)


# An absence ongoing from Monday 26 October 2026: on 22 November it is 28 calendar days, on 23 November 29.
LONG = AbsenceFacts("long", D(2026, 10, 26), None, "infections")
LTS_CASE = CaseFacts("lts1", "LTS", "open", "lts_welfare", D(2026, 11, 23))


@pytest.mark.parametrize("preset, absences, cases, as_of, expected", [
    # 28 calendar days is not yet long-term; as a short-term absence its 20 working days (26 Oct – 20 Nov)
    # reach the 10-day trigger, but it is still going on and may become long-term: the trigger waits
    ("council-2019", [LONG], [], D(2026, 11, 22), []),
    # the same absence ended on Friday 20 November (26 calendar days): short-term, the trigger opens a case
    ("council-2019", [dataclasses.replace(LONG, last_day=D(2026, 11, 20))], [], D(2026, 11, 22),
     [("open_sts", "absence_support", None)]),
    # the 29th calendar day: long-term, so it leaves the short-term figures
    ("council-2019", [LONG], [], AS_OF, [("open_lts", "lts_welfare", None)]),
    ("nhs-scotland", [LONG], [], AS_OF, [("open_lts", "lts_welfare", None)]),
    ("county-prorata", [LONG], [], D(2026, 11, 22), []),
    ("county-prorata", [dataclasses.replace(LONG, last_day=D(2026, 11, 20))], [], D(2026, 11, 22),
     [("open_sts", "absence_support", None)]),
    # an LTS case already open: nothing more
    ("council-2019", [LONG], [LTS_CASE], AS_OF, []),
    # bradford, mental health from Mon 9 Nov: 14 days on 22 Nov is not long-term (and 1² × 10 working days
    # = 10 is under the 20 band), 15 on 23 Nov is
    ("bradford", [AbsenceFacts("mh", D(2026, 11, 9), None, "mental_health")], [], D(2026, 11, 22),
     [("oh_referral", None, None)]),
    ("bradford", [AbsenceFacts("mh", D(2026, 11, 9), None, "mental_health")], [], AS_OF,
     [("open_lts", "lts_welfare", None), ("oh_referral", None, None)]),
    # bradford, infections for 15 days: the 28-day threshold applies
    ("bradford", [AbsenceFacts("flu", D(2026, 11, 9), None, "infections")], [], AS_OF, []),
    # council, mental health for 15 days: no shorter threshold; 9–13, 16–20 and 23 Nov = 11 working days ≥ 10,
    # but still going on: only the referral now
    ("council-2019", [AbsenceFacts("mh", D(2026, 11, 9), None, "mental_health")], [], AS_OF,
     [("oh_referral", None, None)]),
    # an open STS case while off long-term: short-term work is paused
    ("council-2019", OLD + [LONG], [sts(review=D(2027, 1, 20))], AS_OF,
     [("open_lts", "lts_welfare", None), ("pause_sts", "absence_support", "sts1")]),
    # still off, the STS case already paused and an LTS case open: nothing
    ("council-2019", OLD + [LONG], [sts(review=D(2027, 1, 20), paused=True), LTS_CASE], AS_OF, []),
    # back (the long absence ended on Friday 20 Nov) but the long-term case is still open: the paused case
    # waits for the manager to confirm the return
    ("council-2019", OLD + [NEW, AbsenceFacts("long", D(2026, 10, 26), D(2026, 11, 20))],
     [sts(review=D(2026, 11, 1), paused=True), LTS_CASE], AS_OF, []),
    # back, and no long-term case open: the paused case resumes, and nothing else that day
    ("council-2019", OLD + [NEW, AbsenceFacts("long", D(2026, 10, 26), D(2026, 11, 20))],
     [sts(review=D(2026, 11, 1), paused=True)], AS_OF, [("resume_sts", "absence_support", "sts1")]),
    # a short-term trigger while off long-term: open the STS case and pause it at once
    ("council-2019", OLD + [LONG], [], AS_OF,
     [("open_lts", "lts_welfare", None), ("open_sts", "absence_support", None), ("pause_sts", None, None)]),
])
def test_long_term_actions(preset, absences, cases, as_of, expected):
    assert actions(absences, cases, preset, as_of) == expected


def test_open_lts_says_when_it_became_long_term():
    [action] = evaluate(EMPLOYEE, [LONG], [], load_preset("council-2019"), AS_OF).actions
    assert action.reason == ("Open a long-term case at Welfare Contact and Meeting: off since 26 October 2026, "
                             "29 calendar days to 23 November 2026, over the 28 days after which an absence is "
                             "long-term (long-term from 23 November 2026)")


@pytest.mark.parametrize("absences, expected", [
    # 3 occasions, 6 days: 3² × 6 = 54 ≥ 51 opens at stage 1, not at the informal stage
    (OLD[:2] + [AbsenceFacts("d", D(2026, 6, 1), D(2026, 6, 4))], [("open_sts", "formal_1", None)]),
    # 2 occasions, 5 days: 2² × 5 = 20 opens at absence support
    ([AbsenceFacts("a", D(2026, 3, 2), D(2026, 3, 4)), AbsenceFacts("b", D(2026, 6, 2), D(2026, 6, 3))],
     [("open_sts", "absence_support", None)]),
])
def test_bradford_bands_choose_the_opening_stage(absences, expected):
    assert actions(absences, preset="bradford") == expected


def test_bradford_makes_a_review_meeting_due_and_never_moves_the_stage():
    # at absence support in its review period; a new absence takes the score to 3² × 6 = 54 (formal band): with
    # no target recorded, the trigger reached again misses the period
    absences = OLD[:2] + [AbsenceFacts("d", D(2026, 11, 2), D(2026, 11, 5))]
    assert actions(absences, [sts(review=D(2027, 1, 20))], "bradford") == [("review_due", "missed", "sts1")]


@pytest.mark.parametrize("absences, expected_ids", [
    # a back problem 2–4 Nov: inside the 4 weeks the scan looks back
    ([AbsenceFacts("b", D(2026, 11, 2), D(2026, 11, 4), "back_neck")], [("b",)]),
    # stress that ended on 25 Oct 2026, before the window starting 27 Oct: not referred again by the scan
    ([AbsenceFacts("s", D(2026, 10, 19), D(2026, 10, 25), "mental_health")], []),
    # a cold: no reason trigger
    ([AbsenceFacts("c", D(2026, 11, 2), D(2026, 11, 4), "infections")], []),
])
def test_reasons_that_trigger_an_oh_referral(absences, expected_ids):
    evaluation = evaluate(EMPLOYEE, absences, [], load_preset("council-2019"), AS_OF)
    assert [action.absence_ids for action in evaluation.actions if action.kind == "oh_referral"] == expected_ids


@pytest.mark.parametrize("preset, opens_at, next_stage", [
    ("council-2019", "absence_support", "formal_1"),     # 4 occasions ≥ 4
    ("nhs-scotland", "absence_support", "formal_1"),     # 4 episodes ≥ 4
    ("nhs-wales", "absence_support", "formal_1"),        # 4 occasions ≥ 4, none pregnancy-related
    ("county-prorata", "absence_support", "formal_1"),   # 4 episodes ≥ 4 in 12 months (2 in 6 months)
    ("bradford", "formal_1", "formal_2"),                # 4² × 4 working days = 64 ≥ 51
])
def test_every_preset_opens_reviews_restarts_and_goes_long_term(preset, opens_at, next_stage):
    assert actions(OLD, [], preset) == [("open_sts", opens_at, None)]
    in_review = sts(opens_at, review=D(2027, 1, 20))
    [due] = evaluate(EMPLOYEE, OLD + [NEW], [in_review], load_preset(preset), AS_OF).actions
    assert (due.kind, due.review_result, due.stage) == ("review_due", "missed", opens_at)
    following = load_preset(preset).sts.ladder.stage(next_stage)
    assert f"the meeting decides whether to move on to {title_case(following.title)}" in due.reason
    lapsed = sts(opens_at, status="closed", warning="first", expires=D(2026, 11, 22))
    assert actions(OLD + [NEW], [lapsed], preset) == [("restart_sts", opens_at, "sts1")]
    # LONG is 28 calendar days on 22 November and 29 on 23 November; an open LTS case stops a second one
    assert ("open_lts", "lts_welfare", None) not in actions([LONG], [], preset, D(2026, 11, 22))
    assert actions([LONG], [], preset, AS_OF) == [("open_lts", "lts_welfare", None)]
    assert actions([LONG], [LTS_CASE], preset, AS_OF) == []
