"""Care rules from the policy (issue 16, points 7 and 8): contact days, the fit note, the return-to-work interview
window read from each preset's [care] section; occupational health asked for as soon as an absence is expected to
last longer than the policy's `lts.oh_referral_after_days`, not once it has.

Dates: 2 November 2026 is a Monday; November has 30 days, so from Mon 2 Nov the 28th calendar day is Sun 29 Nov,
the 35th Sun 6 Dec. TODAY is Monday 23 November 2026.
"""
from __future__ import annotations

import copy
import datetime as dt
import tomllib

import pytest

from casework.absences import expectations, expected_referral, oh_referral_expectation, rtw_due
from casework.calendar import WorkingPattern
from casework.facts import AbsenceFacts, EmployeeFacts
from casework.policy import CARE_NOT_STATED, PRESETS, CareRules, PolicyError, load_policy, load_preset
from casework.triggers import evaluate

D = dt.date
TODAY = D(2026, 11, 23)
MON_2_NOV = D(2026, 11, 2)
COUNCIL = load_preset("council-2019")
COUNCIL_RULES = tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))
FULL_TIME = EmployeeFacts(start_date=D(2015, 4, 1))


def council_with(**care) -> dict:
    """The council's policy as a dict with these [care] values (a key set to None is left out)."""
    rules = copy.deepcopy(COUNCIL_RULES)
    rules["care"].update(care)
    rules["care"] = {key: value for key, value in rules["care"].items() if value is not None}
    return rules


# A trust that asks for contact on days 1, 3 and 7, a fit note by day 15 (14 days self-certified) and the
# interview by the 2nd working day back, the 5th at the latest.
OTHER = load_policy(council_with(contact_days=[1, 3, 7], fit_note_from_day=15, self_certified_days=14,
                                 rtw_ideal_day=2, rtw_latest_day=5))

COUNCIL_CARE = CareRules(contact_days=(1, 4, 8), fit_note_from_day=8, self_certified_days=7, rtw_ideal_day=1,
                         rtw_latest_day=3)


@pytest.mark.parametrize("preset", ["council-2019", "bradford", "county-prorata", "nhs-scotland", "nhs-wales"])
def test_every_preset_states_its_care_rules(preset):
    # council-2019 part 2: paragraph 1 (contact on the "first, 4th and 8th day"), paragraph 3 (a certificate
    # "no later than the 8th day"), paragraph 5 (the interview "ideally on their first day back and no later than
    # the third day back"); the other presets keep those numbers, marked "default" (the NHS documents give none).
    assert load_preset(preset).care == COUNCIL_CARE
    assert "[care]" in (PRESETS / f"{preset}.toml").read_text(encoding="utf-8")


def test_a_version_stored_before_care_rules_reads_casebooks_defaults_and_says_so():
    # A stored revision without [care] (every database before issue 16) still loads: its page says the numbers are
    # Casebook's defaults, not the version's.
    policy = load_policy({key: value for key, value in COUNCIL_RULES.items() if key != "care"})
    assert policy.care == CARE_NOT_STATED and not policy.care.stated
    assert (policy.care.contact_days, policy.care.fit_note_from_day, policy.care.self_certified_days,
            policy.care.rtw_ideal_day, policy.care.rtw_latest_day) == ((1, 4, 8), 8, 7, 1, 3)
    assert load_preset("council-2019").care.stated


@pytest.mark.parametrize("rules, message", [
    (council_with(contact_days=None), "care.contact_days: missing"),
    (council_with(contact_days=[]), "care.contact_days: must be a list of days of absence"),
    (council_with(contact_days=[1, 0, 8]), "care.contact_days: must be a list of days of absence"),
    (council_with(contact_days=["1"]), "care.contact_days: must be a list of days of absence"),
    (council_with(contact_days=4), "care.contact_days: must be a list of days of absence"),
    (council_with(contact_days=[1, 8, 4]), "care.contact_days: must rise day by day"),
    (council_with(contact_days=[1, 4, 4]), "care.contact_days: must rise day by day"),
    (council_with(fit_note_from_day=None), "care.fit_note_from_day: missing"),
    (council_with(fit_note_from_day=0), "care.fit_note_from_day: must be a positive whole number"),
    (council_with(self_certified_days=8), "care.self_certified_days: must be fewer than fit_note_from_day (8)"),
    (council_with(rtw_ideal_day=1.5), "care.rtw_ideal_day: must be a positive whole number"),
    (council_with(rtw_latest_day=None), "care.rtw_latest_day: missing"),
    (council_with(rtw_ideal_day=4), "care.rtw_latest_day: must be at least rtw_ideal_day (4)"),
    (council_with(oh_at_once=["mental_health"]), "care.oh_at_once: unknown key"),
])
def test_a_broken_care_section_is_refused_naming_the_key(rules, message):
    with pytest.raises(PolicyError) as refused:
        load_policy(rules)
    assert any(problem.startswith(message) for problem in refused.value.problems), refused.value.problems


def test_a_wrong_number_is_not_compared_with_its_neighbour():
    # fit_note_from_day 0 is refused on its own: no "self_certified_days must be fewer than" about a stand-in
    with pytest.raises(PolicyError) as refused:
        load_policy(council_with(fit_note_from_day=0, rtw_latest_day="3"))
    assert refused.value.problems == ("care.fit_note_from_day: must be a positive whole number",
                                      "care.rtw_latest_day: must be a positive whole number")


def _expect(policy, first=MON_2_NOV, last=None, contacts=(), fit_notes=(), reason="infections", today=TODAY,
            expected_return=None, raised_on=None, oh=None):
    return {item.key: item for item in expectations(first, last, reason, list(contacts), list(fit_notes), oh, False,
                                                    False, False, False, today, policy=policy,
                                                    expected_return=expected_return, oh_referral_raised_on=raised_on)}


@pytest.mark.parametrize("policy, contacts", [
    # council: day 1 Mon 2 Nov, day 4 Thu 5 Nov, day 8 Mon 9 Nov
    (COUNCIL, {"contact_day_1": D(2026, 11, 2), "contact_day_4": D(2026, 11, 5), "contact_day_8": D(2026, 11, 9)}),
    # the other trust: day 1 Mon 2 Nov, day 3 Wed 4 Nov, day 7 Sun 8 Nov moves to Mon 9 Nov
    (OTHER, {"contact_day_1": D(2026, 11, 2), "contact_day_3": D(2026, 11, 4), "contact_day_7": D(2026, 11, 9)}),
])
def test_the_contact_days_are_the_policys(policy, contacts):
    items = _expect(policy)
    assert {key: item.due_on for key, item in items.items() if key.startswith("contact")} == contacts


@pytest.mark.parametrize("policy, title, due_on, status, detail", [
    # council: self-certified 7 days (2–8 Nov), so the note must cover 9 Nov on; one from 16 Nov leaves 9–15 Nov
    (COUNCIL, "Fit note from day 8", D(2026, 11, 9), "overdue", "Not covered: 9 November 2026 to 15 November 2026"),
    # the other trust: self-certified 14 days (2–15 Nov): the note from 16 Nov covers all it asks
    (OTHER, "Fit note from day 15", D(2026, 11, 16), "done", ""),
])
def test_the_fit_note_day_is_the_policys(policy, title, due_on, status, detail):
    note = _expect(policy, fit_notes=[(D(2026, 11, 16), D(2026, 11, 30))])["fit_note"]
    assert (note.title, note.due_on, note.status, note.detail) == (title, due_on, status, detail)


@pytest.mark.parametrize("policy, ideal, latest", [
    (COUNCIL, D(2026, 11, 23), D(2026, 11, 25)),   # last day Fri 20 Nov: 1st working day back Mon 23, 3rd Wed 25
    (OTHER, D(2026, 11, 24), D(2026, 11, 27)),     # 2nd working day back Tue 24, 5th Fri 27
])
def test_the_interview_window_is_the_policys(policy, ideal, latest):
    due = rtw_due(D(2026, 11, 20), WorkingPattern(), policy.care)
    assert (due.first_day_back, due.ideal_by, due.latest_by) == (D(2026, 11, 23), ideal, latest)


@pytest.mark.parametrize("first, expected_return, fit_note_until, after, words", [
    # back Mon 7 Dec: off 2 Nov – 6 Dec = 29 days in November + 6 = 35 > 28
    (MON_2_NOV, D(2026, 12, 7), None, 28, "expected to last 35 calendar days (expected back on 7 December 2026), "
                                          "over the 28 after which occupational health is asked"),
    # back Mon 30 Nov: off 2 – 29 Nov = 28 days, not over 28
    (MON_2_NOV, D(2026, 11, 30), None, 28, None),
    # back Tue 1 Dec: off 2 – 30 Nov = 29 days
    (MON_2_NOV, D(2026, 12, 1), None, 28, "expected to last 29 calendar days (expected back on 1 December 2026), "
                                          "over the 28 after which occupational health is asked"),
    # a fit note to Thu 3 Dec outlasts an expected return of Fri 20 Nov: 2 Nov – 3 Dec = 29 + 3 = 32
    (MON_2_NOV, D(2026, 11, 20), D(2026, 12, 3), 28, "expected to last 32 calendar days (fit note to 3 December "
                                                     "2026), over the 28 after which occupational health is asked"),
    # fit note to 3 Dec and back 4 Dec say the same last day: the fit note is named
    (MON_2_NOV, D(2026, 12, 4), D(2026, 12, 3), 28, "expected to last 32 calendar days (fit note to 3 December "
                                                    "2026), over the 28 after which occupational health is asked"),
    # an expected return after the fit note: back Mon 14 Dec, off to Sun 13 Dec = 29 + 13 = 42
    (MON_2_NOV, D(2026, 12, 14), D(2026, 12, 3), 28, "expected to last 42 calendar days (expected back on 14 "
                                                     "December 2026), over the 28 after which occupational health "
                                                     "is asked"),
    # Thu 28 Jan 2027 – Wed 3 Mar 2027: 4 days in January + 28 in February + 3 = 35
    (D(2027, 1, 28), None, D(2027, 3, 3), 28, "expected to last 35 calendar days (fit note to 3 March 2027), over "
                                              "the 28 after which occupational health is asked"),
    # a policy asking after 14 days: a fit note to Mon 16 Nov is 15 days
    (MON_2_NOV, None, D(2026, 11, 16), 14, "expected to last 15 calendar days (fit note to 16 November 2026), over "
                                           "the 14 after which occupational health is asked"),
    (MON_2_NOV, None, None, 28, None),   # nothing says how long
])
def test_the_expected_length_asks_for_occupational_health(first, expected_return, fit_note_until, after, words):
    assert expected_referral(first, expected_return, fit_note_until, after) == words


def _run(absence, as_of, policy=COUNCIL):
    evaluation = evaluate(FULL_TIME, [absence], [], policy, as_of)
    return [(action.kind, action.reason) for action in evaluation.actions if action.kind == "oh_referral"]


WORDS_35 = ("Absence from 2 November 2026 expected to last 35 calendar days (expected back on 7 December 2026), "
            "over the 28 after which occupational health is asked")


@pytest.mark.parametrize("absence, as_of, referrals", [
    # recorded on its first day with an expected return of 7 Dec (35 days): referred that day, not on day 29
    (AbsenceFacts("a", MON_2_NOV, None, expected_return=D(2026, 12, 7)), MON_2_NOV, [("oh_referral", WORDS_35)]),
    # back on 30 Nov is 28 days: nothing yet
    (AbsenceFacts("a", MON_2_NOV, None, expected_return=D(2026, 11, 30)), D(2026, 11, 10), []),
    # a fit note to 3 Mar 2027 recorded on day 8 (Thu 4 Feb 2027): 35 days, referred then
    (AbsenceFacts("a", D(2027, 1, 28), None, fit_note_until=D(2027, 3, 3)), D(2027, 2, 4),
     [("oh_referral", "Absence from 28 January 2027 expected to last 35 calendar days (fit note to 3 March 2027), "
                      "over the 28 after which occupational health is asked")]),
    # ended (Fri 6 Nov) before the date it was expected to last to: no referral for it
    (AbsenceFacts("a", MON_2_NOV, D(2026, 11, 6), expected_return=D(2026, 12, 7)), D(2026, 11, 9), []),
    # a back absence is referred at once for its reason (paragraph 9c): one referral, not two
    (AbsenceFacts("a", MON_2_NOV, None, "back_neck", expected_return=D(2026, 12, 7)), MON_2_NOV,
     [("oh_referral", "Any back or neck absence is referred to occupational health at once: absence from "
                      "2 November 2026 and still going on")]),
])
def test_the_engine_asks_for_the_referral_when_the_length_is_expected(absence, as_of, referrals):
    assert _run(absence, as_of) == referrals


def test_the_days_after_which_occupational_health_is_asked_are_the_policys():
    # lts.oh_referral_after_days 14: back Mon 23 Nov is 21 days (2 – 22 Nov), over 14
    rules = council_with()
    rules["lts"]["oh_referral_after_days"] = 14
    absence = AbsenceFacts("a", MON_2_NOV, None, expected_return=D(2026, 11, 23))
    assert _run(absence, MON_2_NOV, load_policy(rules)) == [(
        "oh_referral", "Absence from 2 November 2026 expected to last 21 calendar days (expected back on 23 November "
                       "2026), over the 14 after which occupational health is asked")]
    assert _run(absence, MON_2_NOV) == []


@pytest.mark.parametrize("kwargs, today, due_on, status, detail", [
    # asked for on Wed 4 Nov (when the expected return of 7 Dec was recorded): due from then, overdue on 23 Nov
    ({"expected_return": D(2026, 12, 7), "raised_on": D(2026, 11, 4)}, TODAY, D(2026, 11, 4), "overdue",
     "Expected to last 35 calendar days (expected back on 7 December 2026), over the 28 after which occupational "
     "health is asked."),
    # known today, not asked for yet: due today
    ({"expected_return": D(2026, 12, 7)}, D(2026, 11, 4), D(2026, 11, 4), "due",
     "Expected to last 35 calendar days (expected back on 7 December 2026), over the 28 after which occupational "
     "health is asked."),
    # referred on 5 Nov: done
    ({"expected_return": D(2026, 12, 7), "raised_on": D(2026, 11, 4), "oh": D(2026, 11, 5)}, TODAY,
     D(2026, 11, 4), "done", "Expected to last 35 calendar days (expected back on 7 December 2026), over the 28 "
                             "after which occupational health is asked."),
    # no expected length, 29 days by Mon 30 Nov: due the day after the 28th, Mon 30 Nov
    ({}, D(2026, 11, 30), D(2026, 11, 30), "due", "The absence has passed 28 calendar days."),
])
def test_the_page_shows_the_referral_due_from_the_day_it_was_known(kwargs, today, due_on, status, detail):
    item = _expect(COUNCIL, today=today, **kwargs)["oh_referral"]
    assert (item.title, item.due_on, item.status, item.detail) == ("Refer to occupational health", due_on, status,
                                                                   detail)


@pytest.mark.parametrize("expected_return, last_day", [
    (D(2026, 11, 30), None),             # 28 days expected: not yet
    (D(2026, 12, 7), D(2026, 11, 6)),    # 35 expected, but back after 5 days and never asked for
])
def test_no_referral_on_the_page_until_the_policy_asks_for_one(expected_return, last_day):
    assert oh_referral_expectation(MON_2_NOV, last_day, "infections", expected_return, None, None, None, COUNCIL,
                                   D(2026, 11, 10)) is None


@pytest.mark.parametrize("absence, as_of, title, reached", [
    # expected back 7 Dec (35 days), looked at on Tue 10 Nov: due already, not on day 29 (Mon 30 Nov)
    (AbsenceFacts("a", MON_2_NOV, None, expected_return=D(2026, 12, 7)), D(2026, 11, 10),
     "Occupational health referral due 10 November 2026: the absence is expected to last 35 calendar days "
     "(expected back on 7 December 2026), over the 28 after which occupational health is asked", True),
    # expected back 30 Nov (28 days): day 29, Mon 30 Nov, as before
    (AbsenceFacts("a", MON_2_NOV, None, expected_return=D(2026, 11, 30)), D(2026, 11, 10),
     "Occupational health referral due 30 November 2026: the absence passes 28 calendar days", False),
    # past day 29 the date it passed stays
    (AbsenceFacts("a", MON_2_NOV, None, expected_return=D(2026, 12, 7)), D(2026, 12, 2),
     "Occupational health referral due 30 November 2026: the absence passes 28 calendar days", True),
])
def test_the_referral_milestone_follows_the_expected_length(absence, as_of, title, reached):
    [milestone] = [found for found in evaluate(FULL_TIME, [absence], [], COUNCIL, as_of).milestones
                   if found.key == "oh_referral"]
    assert (milestone.title, milestone.reached) == (title, reached)
