"""Pertinent factors (council policy, part 2, paragraph 7: "any other pertinent factor … has a disability that
may require more than usual absences"; paragraph 13: "managers are strongly advised to discuss the situation with
an HR Advisor before taking any such action"): adjusted thresholds, the factors a case opens with, HR's review of an
adjustment, and formal steps waiting for HR's advice.

Dates: AS_OF is Monday 23 November 2026; the 12-month window runs 24 Nov 2025 – 23 Nov 2026. The absences are
one-day absences on Wednesdays (no week-edge pattern, no bank holiday next to them).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib

import pytest

from casework.facts import AbsenceFacts, AdjustedThreshold, CaseFacts, EmployeeFacts
from casework.ladders import Stage
from casework.pertinent import (
    ADVICE_FIRST,
    REVIEW_ADJUSTMENT,
    Adjustment,
    adjustment_problems,
    adjustment_reviews,
    advice_problem,
)
from casework.policy import PRESETS, PolicyError, load_policy, load_preset
from casework.triggers import evaluate
from casework.workflow import OUTCOMES

D = dt.date
AS_OF = D(2026, 11, 23)
WEDNESDAYS = [D(2026, 2, 4), D(2026, 3, 11), D(2026, 5, 13), D(2026, 6, 10), D(2026, 8, 12), D(2026, 10, 14)]
REVIEW_ON = D(2027, 6, 1)
AGREED = D(2026, 3, 1)


def one_day(first: dt.date, disability: bool = False) -> AbsenceFacts:
    return AbsenceFacts(f"{first}", first, first, "infections", disability_related=disability)


def adjusted(trigger: str = "occasions", threshold: float = 6, review_on: dt.date = REVIEW_ON,
             given: bool = False) -> AdjustedThreshold:
    return AdjustedThreshold(trigger, threshold, "phased return agreed", review_on, AGREED, given)


def employee(*adjustments: AdjustedThreshold) -> EmployeeFacts:
    return EmployeeFacts(start_date=D(2015, 4, 1), adjusted_thresholds=adjustments)


def council(**changes) -> object:
    data = tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))
    data.update(changes)
    return load_policy(data)


@pytest.mark.parametrize("occasions, adjustments, allowed, fired", [
    (4, (), True, ["occasions"]),                       # 4 occasions ≥ the policy's 4
    (4, (adjusted(threshold=6),), True, []),            # 4 < the adjusted 6: nothing fires
    (5, (adjusted(threshold=6),), True, []),            # 5 < 6
    (6, (adjusted(threshold=6),), True, ["occasions"]),  # 6 ≥ 6
    (4, (adjusted(threshold=6),), False, ["occasions"]),  # the policy allows no adjustment: 4 ≥ 4 fires
    (4, (adjusted("working_days", 15),), True, ["occasions"]),  # only the adjusted trigger changes: 4 ≥ 4
])
def test_an_adjusted_threshold_replaces_the_policys_for_its_trigger(occasions, adjustments, allowed, fired):
    policy = council(adjusted_thresholds=allowed)
    evaluation = evaluate(employee(*adjustments), [one_day(day) for day in WEDNESDAYS[:occasions]], [], policy, AS_OF)
    assert [rule.rule for rule in evaluation.fired] == fired


# Six Wednesdays in the 12 months to 2 June 2027 (3 Jun 2026 – 2 Jun 2027): 10 Jun, 12 Aug, 14 Oct, 9 Dec 2026,
# 10 Feb, 14 Apr 2027.
LATER = [D(2026, 6, 10), D(2026, 8, 12), D(2026, 10, 14), D(2026, 12, 9), D(2027, 2, 10), D(2027, 4, 14)]


@pytest.mark.parametrize("as_of, absences, words", [
    (AS_OF, WEDNESDAYS, "(trigger: 6 or more, adjusted for this employee until 1 June 2027: phased return agreed)"),
    # after the review date the adjustment stays in force, and says its review is due
    (D(2027, 6, 2), LATER, "(trigger: 6 or more, adjusted for this employee, its review due since 1 June 2027: "
                           "phased return agreed)"),
])
def test_the_explanation_says_the_threshold_is_adjusted_and_why(as_of, absences, words):
    evaluation = evaluate(employee(adjusted()), [one_day(day) for day in absences], [], council(), as_of)
    [rule] = [rule for rule in evaluation.fired if rule.rule == "occasions"]
    assert rule.explanation.endswith(words)


def test_working_days_adjusted_to_15_do_not_fire_at_12():
    # Mon 2 – Fri 6 Feb, Mon 9 – Fri 13 Mar 2026, Tue 12 – Wed 13 May: 5 + 5 + 2 = 12 working days, 3 occasions;
    # 12 ≥ the policy's 10, but < the adjusted 15.
    absences = [AbsenceFacts("a", D(2026, 2, 2), D(2026, 2, 6)), AbsenceFacts("b", D(2026, 3, 9), D(2026, 3, 13)),
                AbsenceFacts("c", D(2026, 5, 12), D(2026, 5, 13))]
    assert [rule.rule for rule in evaluate(employee(), absences, [], council(), AS_OF).fired] == ["working_days"]
    assert evaluate(employee(adjusted("working_days", 15)), absences, [], council(), AS_OF).fired == ()


OPENED_PERTINENT = [
    # 4 one-day absences, none disability-related, no adjustment: nothing pertinent
    (4, (), (), {}, ()),
    # 4 counted, 2 of them disability-related (the 1st and 3rd)
    (4, (0, 2), (), {}, ("2 of the 4 absences counted are disability-related",)),
    # 4 counted, 1 disability-related
    (4, (3,), (), {}, ("1 of the 4 absences counted is disability-related",)),
    # the preset leaves disability-related absences out: 5 in the window, the 2nd not counted, 4 counted fire
    (5, (1,), (), {"exclude_flags": ["disability_related"]}, ("1 disability-related absence in the window is not "
                                                              "counted",)),
    # an adjustment on the working-day trigger: 4 occasions fire, and the adjustment is a pertinent factor
    (4, (), (adjusted("working_days", 15),), {}, ("adjustment agreed on 1 March 2026: phased return agreed",)),
]


@pytest.mark.parametrize("count, disabled, adjustments, trigger_changes, factors", OPENED_PERTINENT)
def test_the_case_opened_by_a_trigger_carries_its_pertinent_factors(count, disabled, adjustments, trigger_changes,
                                                                    factors):
    data = tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))
    for trigger in data["triggers"]:
        trigger.update(trigger_changes)
    absences = [one_day(day, index in disabled) for index, day in enumerate(WEDNESDAYS[:count])]
    evaluation = evaluate(employee(*adjustments), absences, [], load_policy(data), AS_OF)
    [opened] = [action for action in evaluation.actions if action.kind == "open_sts"]
    assert opened.pertinent == factors


# A case at the absence support meeting since 20 October 2026 with a review period to 20 January 2027 (no target
# recorded): the 11 November absence starts in the period and reaches the trigger again (5 occasions ≥ 4), so the
# review meeting is due; the period counts that one absence.
IN_REVIEW = CaseFacts("sts1", "STS", "open", "absence_support", D(2026, 10, 20), D(2027, 1, 20))


@pytest.mark.parametrize("disabled, factors", [
    (False, ()),
    (True, ("the one absence counted is disability-related",)),
])
def test_a_review_meeting_due_carries_the_pertinent_factors_of_the_absences_it_counts(disabled, factors):
    absences = [one_day(day) for day in WEDNESDAYS[:4]] + [one_day(D(2026, 11, 11), disabled)]
    evaluation = evaluate(employee(), absences, [IN_REVIEW], council(), AS_OF)
    [due] = [action for action in evaluation.actions if action.kind == "review_due"]
    assert (due.review_result, due.pertinent) == ("missed", factors)


@pytest.mark.parametrize("review_on, given, allowed, as_of, reviews", [
    (REVIEW_ON, False, True, D(2027, 5, 31), 0),   # the day before the review date: nothing yet
    (REVIEW_ON, False, True, REVIEW_ON, 1),        # on the review date: HR reviews it
    (REVIEW_ON, False, True, D(2027, 9, 1), 1),    # months later, still never asked: once
    (REVIEW_ON, True, True, D(2027, 9, 1), 0),     # already asked: not again
    (REVIEW_ON, False, False, D(2027, 9, 1), 0),   # the policy allows no adjustment: it is not in force
])
def test_hr_is_asked_once_to_review_an_adjustment_that_stays_in_force(review_on, given, allowed, as_of, reviews):
    facts = employee(adjusted(review_on=review_on, given=given))
    found = adjustment_reviews(facts, council(adjusted_thresholds=allowed), as_of)
    assert [action.kind for action in found] == [REVIEW_ADJUSTMENT] * reviews
    assert all(action.adjusted_trigger == "occasions" and "stays in force" in action.reason for action in found)
    if reviews:   # still used: 14 Oct, 9 Dec 2026, 10 Feb, 14 Apr 2027 = 4 occasions, < the adjusted 6
        evaluation = evaluate(facts, [one_day(day) for day in LATER[2:]], [], council(), as_of)
        assert evaluation.windows[0].occasions == 4 and evaluation.fired == ()


INFORMAL = Stage("absence_support", "Absence support meeting", formal=False)
FORMAL_1 = Stage("formal_1", "1st formal absence review meeting")
FORMAL_3 = Stage("formal_3", "3rd formal absence review meeting")


@pytest.mark.parametrize("outcome, stage, following, waiting, refused", [
    ("warning", FORMAL_1, FORMAL_3, True, True),           # any outcome at a formal stage waits
    ("improved", FORMAL_1, FORMAL_3, True, True),
    ("progress", INFORMAL, FORMAL_1, True, True),          # moving on to a formal stage waits
    ("support_agreed", INFORMAL, FORMAL_1, True, False),   # an informal outcome does not
    ("improved", INFORMAL, FORMAL_1, True, False),
    ("progress", INFORMAL, INFORMAL, True, False),         # moving on to an informal stage does not
    ("warning", FORMAL_1, FORMAL_3, False, False),         # HR's advice recorded: nothing waits
])
def test_formal_steps_wait_for_hrs_advice(outcome, stage, following, waiting, refused):
    problem = advice_problem(OUTCOMES[outcome], stage, following, waiting)
    assert (problem is not None and problem.startswith(ADVICE_FIRST)) == refused


TODAY = D(2026, 11, 23)
GOOD = Adjustment("occasions", 6, "Agreed adjustment: phased return", REVIEW_ON)


@pytest.mark.parametrize("changes, allowed, field, words", [
    ({}, True, None, None),
    ({}, False, "trigger", "does not allow adjusted thresholds"),
    ({"trigger": "nope"}, True, "trigger", "Choose one of the policy's triggers"),
    ({"threshold": None}, True, "threshold", "whole number"),
    ({"threshold": 4}, True, "threshold", "more than the policy's 4"),       # 4 is not above 4
    ({"threshold": 6.5}, True, "threshold", "whole number"),
    ({"threshold": 1000}, True, "threshold", "no more than 999"),
    ({"reason": "  "}, True, "reason", "Say why"),
    ({"review_on": None}, True, "review_on", "Enter the date"),
    ({"review_on": TODAY}, True, "review_on", "after today"),
])
def test_an_adjustment_is_checked_field_by_field(changes, allowed, field, words):
    problems = adjustment_problems(dataclasses.replace(GOOD, **changes), council(adjusted_thresholds=allowed), 5,
                                   TODAY)
    if field is None:
        assert problems == {}
    else:
        assert list(problems) == [field] and words in problems[field]


def test_a_part_timers_threshold_is_raised_above_their_own():
    # 2 of their working weeks for a 3-day week = 6: an adjusted 6 does not raise it, 7 does.
    policy = load_preset("council-2019")
    assert "more than the policy's 6" in adjustment_problems(Adjustment("working_days", 6, "r", REVIEW_ON), policy, 3,
                                                             TODAY)["threshold"]
    assert adjustment_problems(Adjustment("working_days", 7, "r", REVIEW_ON), policy, 3, TODAY) == {}


@pytest.mark.parametrize("preset, allowed", [("council-2019", True), ("bradford", False), ("nhs-wales", False)])
def test_the_presets_say_whether_thresholds_may_be_adjusted(preset, allowed):
    assert load_preset(preset).adjusted_thresholds is allowed


def test_a_bad_adjusted_thresholds_setting_is_refused_naming_the_key():
    with pytest.raises(PolicyError) as refused:
        council(adjusted_thresholds="yes")
    assert any("adjusted_thresholds" in problem for problem in refused.value.problems)
