"""Appeals against an outcome, by hand-computed dates.

The council's policy, part 2, paragraph 8f "Rights of appeal": "All appeals must be made in writing, giving
reasons, to the employee's Director within 2 working weeks of receiving written notification of outcome(s) and for
this purpose is assumed to be 2 weeks and 1 day after the letter is dated." Paragraph 9h (the long-term case review
hearing): "the right of appeal against any sanction taken".

The warning appealed here: a first written warning decided on Monday 2 March 2026, its letter dated Wednesday
4 March, so live until 3 September 2026 and appealed by Thursday 19 March 2026 (4 March + 2 weeks and 1 day).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from casework.appeals import AppealChoice, Appealed, appeal_problems, decide_appeal, is_late
from casework.policy import load_preset, presets
from casework.workflow import plan_outcome

D = dt.date
TODAY = D(2026, 4, 1)
WARNING = Appealed("warning", D(2026, 3, 2), D(2026, 3, 19), "first", D(2026, 9, 3))
DISMISSAL = Appealed("dismissal", D(2026, 3, 2), D(2026, 3, 19), closed_case=True)
ON_TIME = AppealChoice(received_on=D(2026, 3, 19), heard_by_name="Hal Higher", heard_by_title="Head of Service",
                       meeting_on=D(2026, 3, 26), decided_on=D(2026, 3, 31), outcome="dismissed",
                       reasons="The warning was given as the policy says.")
LATE = "The appeal was received on 20 March 2026, after the deadline of 19 March 2026: say why it is heard late, " \
       "or do not record it."


def appeal(**changes) -> AppealChoice:
    return dataclasses.replace(ON_TIME, **changes)


@pytest.mark.parametrize("received_on, late", [
    (D(2026, 3, 4), False),     # the day of the letter
    (D(2026, 3, 18), False),
    (D(2026, 3, 19), False),    # the deadline day itself is in time
    (D(2026, 3, 20), True),
    (D(2026, 3, 31), True),
])
def test_an_appeal_is_late_only_after_the_deadline_day(received_on, late):
    assert is_late(received_on, WARNING.appeal_deadline) is late


@pytest.mark.parametrize("choice, problems", [
    (appeal(), {}),
    (appeal(received_on=D(2026, 3, 20)), {"late_reason": LATE}),
    (appeal(received_on=D(2026, 3, 20), late_reason="   "), {"late_reason": LATE}),
    (appeal(received_on=D(2026, 3, 20), late_reason="The letter went to an old address."), {}),
    (appeal(received_on=D(2026, 3, 1), meeting_on=D(2026, 3, 2)),
     {"received_on": "An appeal cannot be received before the decision it is against, made on 2 March 2026."}),
    (appeal(received_on=D(2026, 4, 2), meeting_on=D(2026, 4, 2), decided_on=D(2026, 4, 2)),
     {"received_on": "The appeal cannot be received in the future.",
      "meeting_on": "Record the appeal once its meeting has been held.",
      "decided_on": "The appeal decision cannot be dated in the future."}),
    (appeal(meeting_on=D(2026, 3, 18)), {"meeting_on": "The appeal meeting cannot be before the appeal was received."}),
    (appeal(decided_on=D(2026, 3, 25)), {"decided_on": "The appeal cannot be decided before its meeting."}),
    (appeal(heard_by_name=" ", heard_by_title=""),
     {"heard_by_name": "Enter the name of the person who heard the appeal.",
      "heard_by_title": "Enter the job title of the person who heard the appeal."}),
    (appeal(outcome="overturned"), {"outcome": "Choose the outcome of the appeal."}),
    (appeal(reasons=""), {"reasons": "Give the reasons for the appeal decision."}),
    (appeal(outcome="partly_upheld"), {"what_changed": "Say in words what the appeal changed."}),
])
def test_what_is_refused_and_where(choice, problems):
    assert appeal_problems(WARNING, choice, TODAY) == problems


PARTLY = appeal(outcome="partly_upheld", what_changed="The warning ends earlier: two absences were disability "
                                                      "related.")
EARLIER = "The warning is live until 3 September 2026: an appeal can only shorten it, so give an earlier date."


@pytest.mark.parametrize("appealed, choice, problems", [
    (WARNING, dataclasses.replace(PARTLY, warning_change="shorten", new_expiry=D(2026, 6, 30)), {}),
    # the appeal decision's own day is the earliest the warning may end; the day before it is refused
    (WARNING, dataclasses.replace(PARTLY, warning_change="shorten", new_expiry=D(2026, 3, 31)), {}),
    (WARNING, dataclasses.replace(PARTLY, warning_change="shorten", new_expiry=D(2026, 3, 30)),
     {"new_expiry": "The warning cannot end before the appeal decision on 31 March 2026."}),
    (WARNING, dataclasses.replace(PARTLY, warning_change="shorten", new_expiry=D(2026, 9, 3)), {"new_expiry": EARLIER}),
    (WARNING, dataclasses.replace(PARTLY, warning_change="shorten", new_expiry=D(2026, 12, 1)),
     {"new_expiry": EARLIER}),
    (WARNING, dataclasses.replace(PARTLY, warning_change="shorten"),
     {"new_expiry": "Enter the date the shortened warning ends."}),
    (WARNING, dataclasses.replace(PARTLY, warning_change="withdraw"), {}),
    (WARNING, dataclasses.replace(PARTLY, new_expiry=D(2026, 6, 30)),
     {"new_expiry": "Give a new expiry date only when the warning's life is shortened."}),
    (WARNING, dataclasses.replace(PARTLY, warning_change="lengthen"),
     {"warning_change": "Choose what becomes of the warning."}),
    (WARNING, appeal(outcome="upheld", warning_change="shorten", new_expiry=D(2026, 6, 30)),
     {"warning_change": "An upheld appeal withdraws the warning and a dismissed one leaves it as it is: change the "
                        "warning only for a partly upheld appeal."}),
    (WARNING, appeal(warning_change="withdraw"),
     {"warning_change": "An upheld appeal withdraws the warning and a dismissed one leaves it as it is: change the "
                        "warning only for a partly upheld appeal."}),
    (DISMISSAL, dataclasses.replace(PARTLY, warning_change="withdraw"),
     {"warning_change": "This stage has no live warning to withdraw or shorten."}),
])
def test_a_partly_upheld_appeal_withdraws_the_warning_or_ends_it_earlier_and_nothing_else(appealed, choice,
                                                                                           problems):
    assert appeal_problems(appealed, choice, TODAY) == problems


@pytest.mark.parametrize("appealed, choice, expected", [
    # (late, warning withdrawn, new expiry, case reopens)
    (WARNING, appeal(outcome="upheld"), (False, True, None, False)),
    (WARNING, appeal(outcome="dismissed"), (False, False, None, False)),
    (WARNING, appeal(outcome="upheld", received_on=D(2026, 3, 20), late_reason="Posted in time, delivered late."),
     (True, True, None, False)),
    (WARNING, PARTLY, (False, False, None, False)),
    (WARNING, dataclasses.replace(PARTLY, warning_change="withdraw"), (False, True, None, False)),
    (WARNING, dataclasses.replace(PARTLY, warning_change="shorten", new_expiry=D(2026, 6, 30)),
     (False, False, D(2026, 6, 30), False)),
    (DISMISSAL, appeal(outcome="upheld"), (False, False, None, True)),
    (DISMISSAL, PARTLY, (False, False, None, False)),
    (DISMISSAL, appeal(outcome="dismissed"), (False, False, None, False)),
])
def test_what_the_decision_does(appealed, choice, expected):
    effect = decide_appeal(appealed, choice)
    assert (effect.late, effect.withdraws_warning, effect.new_expiry, effect.reopens) == expected


def test_the_decision_in_words():
    upheld = decide_appeal(WARNING, appeal(outcome="upheld", received_on=D(2026, 3, 20), late_reason="Posted late."))
    assert upheld.words() == [
        "Appeal received on 20 March 2026, after the deadline: heard late for the reason recorded.",
        "Heard by Hal Higher, Head of Service, at the meeting on 26 March 2026.",
        "Upheld: the decision is withdrawn (decided on 31 March 2026).",
        "The warning is withdrawn: it is no longer live."]
    shortened = decide_appeal(WARNING, dataclasses.replace(PARTLY, warning_change="shorten", new_expiry=D(2026, 6, 30)))
    assert shortened.words()[2:] == ["Partly upheld: part of the decision changes (decided on 31 March 2026).",
                                     "The warning is now live until 30 June 2026."]
    assert decide_appeal(DISMISSAL, appeal(outcome="upheld")).words()[-1] == "The case opens again at its stage."


COUNCIL = load_preset("council-2019")
MANAGER_ROUTE = "the line manager of the person who held the meeting, or another suitable manager"


@pytest.mark.parametrize("outcome, letter_dated, deadline, route", [
    # the stage's appeal window, 2 weeks and 1 day, after the letter's date
    ("redeployment", D(2026, 11, 23), D(2026, 12, 8), MANAGER_ROUTE),
    ("redeployment", D(2026, 2, 27), D(2026, 3, 14), MANAGER_ROUTE),          # across the end of February
    ("ill_health_retirement", D(2026, 12, 24), D(2027, 1, 8), MANAGER_ROUTE),  # across the new year
    ("other", D(2026, 11, 23), D(2026, 12, 8), MANAGER_ROUTE),
    ("dismissal", D(2026, 11, 23), D(2026, 12, 8), "an appeals panel of councillors"),
    ("continue_support", D(2026, 11, 23), None, None),
    ("improved", D(2026, 11, 23), None, None),
])
def test_the_long_term_hearings_outcomes_carry_their_appeal_right(outcome, letter_dated, deadline, route):
    """Paragraph 9h: "the right of appeal against any sanction taken" at the case review hearing, not only against
    dismissal; continuing support (and an improvement) is no sanction."""
    plan = plan_outcome(outcome, COUNCIL.lts.ladder.stage("lts_hearing"), COUNCIL.lts.ladder, D(2026, 11, 23),
                        letter_dated)
    assert (plan.appeal_deadline, plan.appeal_route) == (deadline, route)


@pytest.mark.parametrize("policy", presets(), ids=lambda policy: policy.key)
def test_every_preset_gives_the_hearings_outcomes_short_of_dismissal_an_appeal(policy):
    hearing = policy.lts.ladder.stage("lts_hearing")
    for outcome in ("redeployment", "ill_health_retirement", "other", "dismissal"):
        assert plan_outcome(outcome, hearing, policy.lts.ladder, D(2026, 11, 23)).appeal_deadline == D(2026, 12, 8)
