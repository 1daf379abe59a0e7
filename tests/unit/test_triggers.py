"""Trigger evaluation: figures per window, the rules that fire under each preset, pattern concerns, and
a property test (random histories never raise and evaluate the same twice).

Dates: AS_OF is Monday 23 November 2026. Its 12-month window runs 24 Nov 2025 – 23 Nov 2026, its
6-month window 24 May – 23 Nov 2026, its 52-week window 25 Nov 2025 – 23 Nov 2026. English bank
holidays inside: 25, 26 Dec 2025; 1 Jan, 3 Apr (Good Fri), 6 Apr (Easter Mon), 4 May, 25 May, 31 Aug
2026. Scotland has 2 Jan and 3 Aug 2026 instead of Easter Monday and 31 Aug.
"""
from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.facts import AbsenceFacts, CaseFacts, EmployeeFacts
from casework.ladders import LTS_STAGES, STS_STAGES
from casework.policy import PRESETS, load_policy, load_preset
from casework.triggers import evaluate

D = dt.date
AS_OF = D(2026, 11, 23)
FULL_TIME = EmployeeFacts(start_date=D(2015, 4, 1))
TUE_THU = EmployeeFacts(("Tue", "Wed", "Thu"), "ENG", 0.6, D(2015, 4, 1))
SCOTLAND = EmployeeFacts(region="SCT", start_date=D(2015, 4, 1))


def absence(first, last="same", reason="infections", pregnancy=False, disability=False, id=None):
    """An absence; `last` defaults to the first day (a one-day absence), None while ongoing."""
    last = first if last == "same" else last
    return AbsenceFacts(id or f"{first}", first, last, reason, pregnancy, disability)


def days(*firsts, reason="infections"):
    """One-day absences on these dates."""
    return [absence(first, reason=reason) for first in firsts]


def run(preset, absences, employee=FULL_TIME, cases=(), as_of=AS_OF):
    return evaluate(employee, absences, list(cases), load_preset(preset), as_of)


@pytest.mark.parametrize("employee, absences, occasions, working_days, fte_days", [
    # straddles the window's start: Thu 20 – Wed 26 Nov 2025, only Mon 24 – Wed 26 inside = 3
    (FULL_TIME, [absence(D(2025, 11, 20), D(2025, 11, 26))], 1, 3, 3.0),
    # ends the Friday before the window starts: not an occasion
    (FULL_TIME, [absence(D(2025, 11, 17), D(2025, 11, 21))], 0, 0, 0.0),
    # ongoing from as_of itself: counted up to and including as_of = 1 day
    (FULL_TIME, [absence(AS_OF, None)], 1, 1, 1.0),
    # ongoing from Mon 16 Nov: Mon 16 – Mon 23 = 6 working days
    (FULL_TIME, [absence(D(2026, 11, 16), None)], 1, 6, 6.0),
    # Easter: Thu 2 – Wed 8 Apr = 7 days − Sat, Sun − Good Fri − Easter Mon = 3
    (FULL_TIME, [absence(D(2026, 4, 2), D(2026, 4, 8))], 1, 3, 3.0),
    # Christmas: Mon 22 Dec – Fri 2 Jan = 10 weekdays − 25, 26 Dec − 1 Jan = 7
    (FULL_TIME, [absence(D(2025, 12, 22), D(2026, 1, 2))], 1, 7, 7.0),
    # the same in Scotland, where 2 Jan is a bank holiday too = 6
    (SCOTLAND, [absence(D(2025, 12, 22), D(2026, 1, 2))], 1, 6, 6.0),
    # Tue–Thu at 0.6 FTE: Mon 30 Mar – Sun 5 Apr works Tue 31, Wed 1, Thu 2 = 3; FTE-days 3 × 5 × 0.6 ÷ 3 = 3.0
    (TUE_THU, [absence(D(2026, 3, 30), D(2026, 4, 5))], 1, 3, 3.0),
    # Tue–Thu: a Monday and a Friday absence are still occasions but lose no working days
    (TUE_THU, days(D(2026, 3, 2), D(2026, 3, 6)), 2, 0, 0.0),
    # starts after as_of: not looked at
    (FULL_TIME, [absence(D(2026, 11, 24))], 0, 0, 0.0),
])
def test_window_figures(employee, absences, occasions, working_days, fte_days):
    window = run("council-2019", absences, employee).windows[0]
    assert (window.start, window.end, window.months) == (D(2025, 11, 24), AS_OF, 12)
    assert (window.occasions, window.working_days, window.fte_days) == (occasions, working_days, fte_days)
    assert window.bradford == occasions ** 2 * working_days


# One-day absences on Wednesdays, clear of bank holidays and week edges.
WEDNESDAYS = [D(2026, 2, 4), D(2026, 5, 13), D(2026, 8, 12), D(2026, 10, 14), D(2026, 11, 4)]


@pytest.mark.parametrize("preset, employee, absences, fired", [
    # council: 4 occasions ≥ 4
    ("council-2019", FULL_TIME, days(*WEDNESDAYS[:4]), {
        "occasions": "4 occasions in the 12 months to 23 November 2026 (trigger: 4 or more)"}),
    # council: 3 occasions, 3 days: nothing
    ("council-2019", FULL_TIME, days(*WEDNESDAYS[:3]), {}),
    # council: straddling 17–28 Nov 2025 gives 24–28 Nov = 5, plus 2–6 Mar 2026 = 5: 10 ≥ 10
    ("council-2019", FULL_TIME, [absence(D(2025, 11, 17), D(2025, 11, 28)), absence(D(2026, 3, 2), D(2026, 3, 6))], {
        "working_days": "10 working days lost in the 12 months to 23 November 2026 (trigger: 10 or more)"}),
    # Issue 16.3, paragraph 7 "an aggregate of 2 working weeks": two of *their* working weeks.
    # council, Tue–Thu: Tue 3 – Thu 19 Mar 2026 = 3 weeks × 3 days = 9 ≥ 2 × 3 = 6 (it needed 10 before)
    ("council-2019", TUE_THU, [absence(D(2026, 3, 3), D(2026, 3, 19))], {
        "working_days": "9 working days lost in the 12 months to 23 November 2026 "
                        "(trigger: 6 or more: 2 of their working weeks of 3 days)"}),
    # council, Tue–Thu: Tue 3 – Thu 12 Mar = 6 ≥ 6, the edge
    ("council-2019", TUE_THU, [absence(D(2026, 3, 3), D(2026, 3, 12))], {
        "working_days": "6 working days lost in the 12 months to 23 November 2026 "
                        "(trigger: 6 or more: 2 of their working weeks of 3 days)"}),
    # council, Tue–Thu: Tue 3 – Wed 11 Mar = 5 < 6: nothing
    ("council-2019", TUE_THU, [absence(D(2026, 3, 3), D(2026, 3, 11))], {}),
    # council, full-time: Mon 2 – Thu 12 Mar = 9 < 2 × 5 = 10: nothing (the full-time figure is kept)
    ("council-2019", FULL_TIME, [absence(D(2026, 3, 2), D(2026, 3, 12))], {}),
    # council: 28 calendar days (Mon 1 – Sun 28 Jun, 20 working days) is still short-term and counts
    ("council-2019", FULL_TIME, [absence(D(2026, 6, 1), D(2026, 6, 28))], {
        "working_days": "20 working days lost in the 12 months to 23 November 2026 (trigger: 10 or more)"}),
    # council: 29 calendar days (to Mon 29 Jun) is long-term and leaves the short-term figures
    ("council-2019", FULL_TIME, [absence(D(2026, 6, 1), D(2026, 6, 29))], {}),
    # council: a long-term absence plus 3 short ones = 3 occasions: nothing
    ("council-2019", FULL_TIME, [absence(D(2026, 6, 1), D(2026, 7, 10))] + days(*WEDNESDAYS[2:5]), {}),
    # nhs-scotland, SCT: 29 Dec – 9 Jan = 10 weekdays − 1, 2 Jan = 8 ≥ 8
    ("nhs-scotland", SCOTLAND, [absence(D(2025, 12, 29), D(2026, 1, 9))], {
        "working_days": "8 working days lost in the 12 months to 23 November 2026 (trigger: 8 or more)"}),
    # nhs-scotland, SCT: Mon 3 – Wed 12 Aug = 8 weekdays − 3 Aug (Scottish bank holiday) = 7: nothing
    ("nhs-scotland", SCOTLAND, [absence(D(2026, 8, 3), D(2026, 8, 12))], {}),
    # nhs-wales: 4 occasions, one pregnancy-related by flag: 3 counted, nothing
    ("nhs-wales", FULL_TIME, days(*WEDNESDAYS[:3]) + [absence(WEDNESDAYS[3], pregnancy=True)], {}),
    # nhs-wales: 4 occasions, one for the reason "pregnancy": 3 counted, nothing
    ("nhs-wales", FULL_TIME, days(*WEDNESDAYS[:3]) + [absence(WEDNESDAYS[3], reason="pregnancy")], {}),
    # nhs-wales: 5 occasions, one pregnancy-related: 4 counted ≥ 4, the fifth shown as not counted
    ("nhs-wales", FULL_TIME, days(*WEDNESDAYS[:4]) + [absence(WEDNESDAYS[4], pregnancy=True)], {
        "occasions": "4 occasions in the 12 months to 23 November 2026; 1 pregnancy-related absence not counted "
                     "(Equality Act 2010, section 18) (trigger: 4 or more)"}),
    # Issue 16.1, Equality Act 2010 s18: pregnancy-related sickness never counts, whatever the preset says.
    # council: 3 counted + 1 flagged pregnancy-related = 3 < 4: nothing
    ("council-2019", FULL_TIME, days(*WEDNESDAYS[:3]) + [absence(WEDNESDAYS[3], pregnancy=True)], {}),
    # council: four one-day absences flagged pregnancy-related = 0 counted: nothing (it opened a case before)
    ("council-2019", FULL_TIME, [absence(day, pregnancy=True) for day in WEDNESDAYS[:4]], {}),
    # council: 2–13 Mar 2026 for the reason "pregnancy" (10 working days) + 3 one-day = 3 days, 3 occasions: nothing
    ("council-2019", FULL_TIME, [absence(D(2026, 3, 2), D(2026, 3, 13), reason="pregnancy")]
     + days(*WEDNESDAYS[2:5]), {}),
    # county and bradford as well: 4 pregnancy-related episodes in 6 months (county: 3 or more) → 0: nothing
    ("county-prorata", FULL_TIME, [absence(day, pregnancy=True) for day in WEDNESDAYS[1:5]], {}),
    ("bradford", FULL_TIME, [absence(day, pregnancy=True) for day in WEDNESDAYS[:3]]
     + [absence(D(2026, 6, 1), D(2026, 6, 5), pregnancy=True)], {}),
    # nhs-scotland: 29 Dec – 9 Jan (8 days ≥ 8) is pregnancy-related: nothing
    ("nhs-scotland", SCOTLAND, [absence(D(2025, 12, 29), D(2026, 1, 9), reason="pregnancy")], {}),
    # council: 4 counted plus 2 pregnancy-related: 4 ≥ 4, and the 2 are named as not counted
    ("council-2019", FULL_TIME, days(*WEDNESDAYS[:4]) + [absence(D(2026, 3, 4), pregnancy=True),
                                                          absence(D(2026, 3, 11), reason="pregnancy")], {
        "occasions": "4 occasions in the 12 months to 23 November 2026; 2 pregnancy-related absences not counted "
                     "(Equality Act 2010, section 18) (trigger: 4 or more)"}),
    # county, Tue–Thu: 13–15 Jan (3) + 10–12 Feb (3) = 6 ≥ 9 × 3 ÷ 5 = 5.4; both before the 6-month window
    ("county-prorata", TUE_THU, [absence(D(2026, 1, 13), D(2026, 1, 15)), absence(D(2026, 2, 10), D(2026, 2, 12))], {
        "working_days_12_months": "6 working days lost in the 12 months to 23 November 2026 "
                                  "(trigger: 5.4 or more, 9 pro-rated to 3 working days a week)"}),
    # county, Tue–Thu: 3 + 2 = 5 < 5.4: nothing
    ("county-prorata", TUE_THU, [absence(D(2026, 1, 13), D(2026, 1, 15)), absence(D(2026, 2, 10), D(2026, 2, 11))], {}),
    # county, full-time: the same 6 days < 9: nothing
    ("county-prorata", FULL_TIME, [absence(D(2026, 1, 13), D(2026, 1, 15)),
                                   absence(D(2026, 2, 10), D(2026, 2, 12))], {}),
    # county, Tue–Thu: Tue 19 – Thu 28 May straddles the 6-month start (24 May): 12 months 19, 20, 21, 26, 27, 28
    # = 6 ≥ 5.4; 6 months 26, 27, 28 = 3 < 6 × 3 ÷ 5 = 3.6
    ("county-prorata", TUE_THU, [absence(D(2026, 5, 19), D(2026, 5, 28))], {
        "working_days_12_months": "6 working days lost in the 12 months to 23 November 2026 "
                                  "(trigger: 5.4 or more, 9 pro-rated to 3 working days a week)"}),
    # county, Tue–Thu: 4 days in 6 months ≥ 3.6 (and < 5.4 over 12 months)
    ("county-prorata", TUE_THU, [absence(D(2026, 6, 2), D(2026, 6, 4)), absence(D(2026, 9, 1))], {
        "working_days_6_months": "4 working days lost in the 6 months to 23 November 2026 "
                                 "(trigger: 3.6 or more, 6 pro-rated to 3 working days a week)"}),
    # county: 3 episodes in 6 months ≥ 3; the 22 May one is only in the 12 months (4 ≥ 4 there too)
    ("county-prorata", FULL_TIME, days(D(2026, 5, 22), D(2026, 6, 3), D(2026, 7, 8), D(2026, 9, 2)), {
        "episodes_12_months": "4 occasions in the 12 months to 23 November 2026 (trigger: 4 or more)",
        "episodes_6_months": "3 occasions in the 6 months to 23 November 2026 (trigger: 3 or more)"}),
    # bradford: 2 occasions, 5 days: 2² × 5 = 20, in the 20–50 band
    ("bradford", FULL_TIME, [absence(D(2026, 3, 2), D(2026, 3, 4)), absence(D(2026, 6, 2), D(2026, 6, 3))], {
        "bradford_informal": "Bradford score 20 (2 occasions squared × 5 working days) in the 52 weeks to "
                             "23 November 2026 (band: 20 to 50)"}),
    # bradford: 3 occasions, 6 days: 3² × 6 = 54 ≥ 51
    ("bradford", FULL_TIME, days(*WEDNESDAYS[:2]) + [absence(D(2026, 6, 1), D(2026, 6, 4))], {
        "bradford_formal": "Bradford score 54 (3 occasions squared × 6 working days) in the 52 weeks to "
                           "23 November 2026 (trigger: 51 or more)"}),
    # bradford: 3 occasions, 5 days: 3² × 5 = 45, informal
    ("bradford", FULL_TIME, days(*WEDNESDAYS[:2]) + [absence(D(2026, 6, 1), D(2026, 6, 3))], {
        "bradford_informal": "Bradford score 45 (3 occasions squared × 5 working days) in the 52 weeks to "
                             "23 November 2026 (band: 20 to 50)"}),
    # bradford: 1 occasion of 19 days (Mon 2 – Thu 26 Mar, 25 calendar days): 1 × 19 = 19 < 20
    ("bradford", FULL_TIME, [absence(D(2026, 3, 2), D(2026, 3, 26))], {}),
    # bradford: Mon 24 Nov 2025 is inside 12 months but not 52 weeks: 2² × 5 = 20, not 3² × 6 = 54
    ("bradford", FULL_TIME, [absence(D(2025, 11, 24)), absence(D(2026, 3, 2), D(2026, 3, 3)),
                             absence(D(2026, 6, 2), D(2026, 6, 4))], {
        "bradford_informal": "Bradford score 20 (2 occasions squared × 5 working days) in the 52 weeks to "
                             "23 November 2026 (band: 20 to 50)"}),
])
def test_rules_that_fire(preset, employee, absences, fired):
    found = {rule.rule: rule.explanation for rule in run(preset, absences, employee).fired if rule.figures}
    assert found == fired


@pytest.mark.parametrize("employee, absences, dates", [
    # Mon 2 Mar (first day of the week), Fri 12 Jun (last day), Tue 26 May (after the 25 May bank holiday)
    (FULL_TIME, days(D(2026, 3, 2), D(2026, 6, 12), D(2026, 5, 26)), (D(2026, 3, 2), D(2026, 5, 26), D(2026, 6, 12))),
    # only two such absences (the Wednesday is neither): no concern
    (FULL_TIME, days(D(2026, 3, 2), D(2026, 6, 12), D(2026, 5, 27)), None),
    # Tue–Thu: Tuesdays begin their week, Thursdays end it; Tue 7 Apr also follows Easter Monday
    (TUE_THU, days(D(2026, 3, 3), D(2026, 4, 7), D(2026, 9, 10)), (D(2026, 3, 3), D(2026, 4, 7), D(2026, 9, 10))),
    # Tue–Thu: Mondays and Fridays are not their week's edges (and not next to a bank holiday here)
    (TUE_THU, days(D(2026, 3, 2), D(2026, 3, 13), D(2026, 9, 18)), None),
    # Thu 2 Apr (before Good Friday), Fri 22 May (before the 25 May bank holiday), Tue 1 Sep (after 31 Aug)
    (FULL_TIME, days(D(2026, 4, 2), D(2026, 5, 22), D(2026, 9, 1)), (D(2026, 4, 2), D(2026, 5, 22), D(2026, 9, 1))),
])
def test_pattern_concern(employee, absences, dates):
    concerns = run("council-2019", absences, employee).concerns
    assert (concerns[0].dates if concerns else None) == dates
    assert all(concern.kind == "pattern" and "(concern: 3 or more)" in concern.explanation for concern in concerns)


def test_pattern_concern_says_why():
    [concern] = run("council-2019", days(D(2026, 4, 2), D(2026, 5, 22), D(2026, 3, 2))).concerns
    assert concern.explanation == (
        "3 absences of at most 2 working days in the 12 months to 23 November 2026 began on the first or ended on "
        "the last working day of the week, or next to a bank holiday (concern: 3 or more): 2 March 2026 (1 working "
        "day, began on a Monday, the first day of their week); 2 April 2026 (1 working day, before the bank holiday "
        "on 3 April 2026); 22 May 2026 (1 working day, ended on a Friday, the last day of their week, before the "
        "bank holiday on 25 May 2026)")


def test_a_pattern_concern_never_moves_a_stage():
    evaluation = run("council-2019", days(D(2026, 3, 2), D(2026, 6, 12), D(2026, 5, 26)))
    assert evaluation.concerns and not evaluation.fired and not evaluation.actions


def test_one_figures_row_per_distinct_window():
    evaluation = run("county-prorata", [])
    assert [(window.months, window.start) for window in evaluation.windows] == [
        (12, D(2025, 11, 24)), (6, D(2026, 5, 24))]


HISTORY_START = D(2024, 1, 1)
absence_rows = st.lists(st.tuples(st.integers(0, 60), st.none() | st.integers(0, 45),
                                  st.sampled_from(["infections", "mental_health", "pregnancy", "back_neck", "other"]),
                                  st.booleans(), st.booleans()), max_size=14)
case_rows = st.lists(st.tuples(st.sampled_from(["STS", "LTS"]), st.sampled_from(["open", "monitoring", "closed"]),
                               st.integers(0, 3), st.integers(0, 1000), st.none() | st.integers(-200, 300),
                               st.none() | st.integers(-900, 400), st.booleans()), max_size=3)


@settings(max_examples=60, deadline=None, database=None)
@given(absence_rows, case_rows, st.sampled_from(["bradford", "council-2019", "county-prorata", "nhs-scotland",
                                                 "nhs-wales"]),
       st.sampled_from([FULL_TIME, TUE_THU, SCOTLAND, EmployeeFacts()]), st.integers(0, 1100))
def test_evaluation_never_raises_and_is_deterministic(rows, case_specs, preset, employee, as_of_offset):
    absences, cursor = [], HISTORY_START
    for index, (gap, length, reason, pregnancy, disability) in enumerate(rows):
        first = cursor + dt.timedelta(days=gap)
        last = None if length is None else first + dt.timedelta(days=length)
        absences.append(AbsenceFacts(f"a{index}", first, last, reason, pregnancy, disability))
        if last is None:
            break
        cursor = last + dt.timedelta(days=1)
    cases = []
    for index, (kind, status, rank, entered, review, warning, paused) in enumerate(case_specs):
        stages = STS_STAGES if kind == "STS" else LTS_STAGES
        entered_on = HISTORY_START + dt.timedelta(days=entered)
        cases.append(CaseFacts(f"c{index}", kind, status, stages[min(rank, len(stages) - 1)], entered_on,
                               None if review is None else entered_on + dt.timedelta(days=review),
                               None if warning is None else "first",
                               None if warning is None else entered_on + dt.timedelta(days=warning), paused))
    as_of = HISTORY_START + dt.timedelta(days=as_of_offset)
    first = run(preset, absences, employee, cases, as_of)
    assert first == run(preset, absences, employee, cases, as_of)
    assert first == run(preset, list(reversed(absences)), employee, cases, as_of)
    assert all(action.reason for action in first.actions)


def test_a_rule_may_count_long_term_absences_only():
    # Policy paragraph 17: several periods of long-term sickness are handled on the short-term ladder.
    data = tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))
    data["triggers"].append({"key": "long_term_periods", "title": "2 long-term absences in 12 months",
                             "measure": "occasions", "threshold": 2, "months": 12, "counts": "long_term"})
    policy = load_policy(data)
    # 2 Feb – 6 Mar (33 days) and 1 Jun – 3 Jul (33 days) are long-term; the 14 Oct day is not
    absences = [absence(D(2026, 2, 2), D(2026, 3, 6)), absence(D(2026, 6, 1), D(2026, 7, 3)), absence(D(2026, 10, 14))]
    evaluation = evaluate(FULL_TIME, absences, [], policy, AS_OF)
    assert [(rule.rule, rule.figures.occasions) for rule in evaluation.fired] == [("long_term_periods", 2)]
    assert [window.occasions for window in evaluation.windows] == [1, 2]   # short-term figures, long-term figures


@pytest.mark.parametrize("excluded, occasions", [
    ({}, 4),                                                         # nothing left out: 4
    ({"exclude_flags": ["disability_related"]}, 3),                  # the disability-related one (agreed adjustment)
    ({"exclude_reasons": ["neurological"]}, 3),                      # a named illness (migraine)
    ({"exclude_flags": ["disability_related"], "exclude_reasons": ["neurological"]}, 2),
])
def test_exclusions_by_flag_and_by_named_reason(excluded, occasions):
    data = tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))
    data["triggers"][0].update(excluded)
    absences = days(*WEDNESDAYS[:2]) + [absence(WEDNESDAYS[2], disability=True),
                                        absence(WEDNESDAYS[3], reason="neurological")]
    evaluation = evaluate(FULL_TIME, absences, [], load_policy(data), AS_OF)
    assert evaluation.windows[0].occasions == occasions
    assert [rule.rule for rule in evaluation.fired] == (["occasions"] if occasions == 4 else [])


# Issue 16.6: the evaluation reports long-term on any date, whether or not a long-term case is open.
LTS_CASE = CaseFacts("lts-1", "LTS", "open", "lts_welfare", D(2026, 11, 20))


@pytest.mark.parametrize("preset, absences, cases, explanation, opens", [
    # Mon 26 Oct – 23 Nov 2026 = 6 + 23 = 29 calendar days > 28: long-term from 26 Oct + 28 days = 23 Nov
    ("council-2019", [absence(D(2026, 10, 26), None)], (), "Off since 26 October 2026, 29 calendar days to "
     "23 November 2026, over the 28 days after which an absence is long-term (long-term from 23 November 2026)", True),
    # the same, a long-term case already open: still reported, and no second case
    ("council-2019", [absence(D(2026, 10, 26), None)], (LTS_CASE,), "Off since 26 October 2026, 29 calendar days "
     "to 23 November 2026, over the 28 days after which an absence is long-term (long-term from 23 November 2026)",
     False),
    # Tue 27 Oct – 23 Nov = 28 days, not over 28: not long-term yet
    ("council-2019", [absence(D(2026, 10, 27), None)], (), None, False),
    # ended on Sun 22 Nov after 28 days: not long-term, and not going on
    ("council-2019", [absence(D(2026, 10, 26), D(2026, 11, 22))], (), None, False),
    # bradford: mental health is long-term after 14 days: Mon 9 – Mon 23 Nov = 15 > 14
    ("bradford", [absence(D(2026, 11, 9), None, reason="mental_health")], (), "Off since 9 November 2026, 15 calendar "
     "days to 23 November 2026, over the 14 days after which an absence is long-term (long-term from 23 November "
     "2026)", True),
])
def test_long_term_is_reported_whether_or_not_a_case_is_open(preset, absences, cases, explanation, opens):
    evaluation = run(preset, absences, cases=cases)
    found = [rule.explanation for rule in evaluation.fired if rule.rule == "long_term"]
    assert found == ([explanation] if explanation else [])
    assert ("open_lts" in [action.kind for action in evaluation.actions]) == opens


# Issue 16.4, council paragraph 17: several periods of long-term sickness are dealt with as frequent short-term
# absences. Each spell below is 35 calendar days: 5 Jan – 8 Feb (27 + 8), 4 May – 7 Jun (28 + 7), 3 Aug – 6 Sep
# (29 + 6) 2026; 10 Nov – 14 Dec 2025 (21 + 14) straddles the window's start, 24 Nov 2025.
JAN, MAY, AUG = ((D(2026, 1, 5), D(2026, 2, 8)), (D(2026, 5, 4), D(2026, 6, 7)), (D(2026, 8, 3), D(2026, 9, 6)))
NOV_2025 = (D(2025, 11, 10), D(2025, 12, 14))
STS_CASE = CaseFacts("sts-1", "STS", "open", "absence_support", D(2026, 9, 10))
THREE_SPELLS = ("3 long-term absences in the 12 months to 23 November 2026 (consider the short-term procedure at 3 or "
                "more): 5 January 2026 to 8 February 2026 (35 days); 4 May 2026 to 7 June 2026 (35 days); 3 August "
                "2026 to 6 September 2026 (35 days)")


@pytest.mark.parametrize("spells, cases, explanation, task", [
    # three 35-day spells in the year: fired, and the manager is asked to consider the short-term procedure
    ([absence(*JAN), absence(*MAY), absence(*AUG)], (), THREE_SPELLS, True),
    # two: nothing
    ([absence(*MAY), absence(*AUG)], (), None, False),
    # three, one of them pregnancy-related: 2 counted, nothing
    ([absence(*JAN), absence(*MAY), absence(*AUG, pregnancy=True)], (), None, False),
    # three with 10 Nov – 14 Dec 2025, which overlaps the window: fired
    ([absence(*NOV_2025), absence(*MAY), absence(*AUG)], (), "3 long-term absences in the 12 months to 23 November "
     "2026 (consider the short-term procedure at 3 or more): 10 November 2025 to 14 December 2025 (35 days); 4 May "
     "2026 to 7 June 2026 (35 days); 3 August 2026 to 6 September 2026 (35 days)", True),
    # 3 Nov – 7 Dec 2024 a year earlier is outside the window: 2 counted, nothing
    ([absence(D(2024, 11, 3), D(2024, 12, 7)), absence(*MAY), absence(*AUG)], (), None, False),
    # a 28-day spell is not long-term: 4 – 31 May (28 days) with two others: nothing (it is a short-term absence
    # of 20 working days, which reaches the 2-working-week trigger on its own)
    ([absence(*JAN), absence(D(2026, 5, 4), D(2026, 5, 31)), absence(*AUG)], (), None, False),
    # a short-term case is already live: reported, no task
    ([absence(*JAN), absence(*MAY), absence(*AUG)], (STS_CASE,), THREE_SPELLS, False),
])
def test_several_long_term_spells_call_for_the_short_term_procedure(spells, cases, explanation, task):
    evaluation = run("council-2019", spells, cases=cases)
    assert [rule.explanation for rule in evaluation.fired if rule.rule == "repeated_long_term"] == (
        [explanation] if explanation else [])
    considered = [action for action in evaluation.actions if action.kind == "consider_sts"]
    assert [action.reason for action in considered] == (
        [f"Consider the short-term procedure: {explanation}"] if task else [])
    if task:   # a task to consider, never a stage by itself
        assert not any(action.kind in ("open_sts", "restart_sts") for action in evaluation.actions)
