"""Policies as data: the presets, their numbers, and the refusals that name the offending key."""
from __future__ import annotations

import copy
import datetime as dt
import tomllib

import pytest

from casework.ladders import LTS_STAGES, STS_STAGES
from casework.policy import PRESETS, PolicyError, load_policy, load_policy_file, load_preset, presets

D = dt.date
PRESET_KEYS = ("bradford", "council-2019", "county-prorata", "nhs-scotland", "nhs-wales")


def council() -> dict:
    """The council preset as a fresh dict, to break one key at a time."""
    return tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))


def test_presets_are_listed_by_key_with_name_and_revision():
    listed = presets()
    assert tuple(policy.key for policy in listed) == PRESET_KEYS
    assert all(policy.name and policy.revision == 1 for policy in listed)
    assert load_preset("council-2019") is load_preset("council-2019")


def test_an_unknown_preset_names_the_presets():
    with pytest.raises(KeyError, match="council-2019"):
        load_preset("council-2020")


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_every_preset_keeps_the_contract_stage_keys(key):
    policy = load_preset(key)
    assert policy.sts.ladder.keys() == STS_STAGES
    assert policy.lts.ladder.keys() == LTS_STAGES
    assert policy.sts.ladder.first.key == "absence_support" and policy.lts.ladder.first.key == "lts_welfare"
    assert all(stage.tasks[0].kind == "associate_absences" for stage in policy.sts.ladder.stages)


# Each trigger's threshold for a full-time (5-day) week: the council's "2 working weeks" are 2 × 5 = 10.
@pytest.mark.parametrize("key, triggers", [
    ("council-2019", [("occasions", 4, "12 months", False), ("working_days", 10, "12 months", False)]),
    ("nhs-scotland", [("occasions", 4, "12 months", False), ("working_days", 8, "12 months", False)]),
    ("nhs-wales", [("occasions", 4, "12 months", False), ("working_days", 10, "12 months", False)]),
    ("county-prorata", [("occasions", 4, "12 months", False), ("working_days", 9, "12 months", True),
                        ("occasions", 3, "6 months", False), ("working_days", 6, "6 months", True)]),
    ("bradford", [("bradford", 20, "52 weeks", False), ("bradford", 51, "52 weeks", False)]),
])
def test_preset_triggers(key, triggers):
    policy = load_preset(key)
    assert [(t.measure, t.threshold_for(5, 5), t.window.words, t.prorate) for t in policy.triggers] == triggers
    assert [t.key for t in policy.triggers if t.per_working_week] == (["working_days"] if key == "council-2019" else [])
    assert all(trigger.counting.absences == "short_term" for trigger in policy.triggers)


@pytest.mark.parametrize("key, long_term_days, mental_health_days", [
    ("council-2019", 28, 28), ("nhs-scotland", 28, 28), ("nhs-wales", 28, 28), ("county-prorata", 28, 28),
    ("bradford", 28, 14),
])
def test_preset_long_term_thresholds(key, long_term_days, mental_health_days):
    rules = load_preset(key).lts
    assert (rules.after_days("infections"), rules.after_days("mental_health")) == (long_term_days, mental_health_days)
    assert rules.ssp_notice_weeks == 28


@pytest.mark.parametrize("key, notices, warnings", [
    # absence_support, formal_1, formal_2, formal_3 notice days; formal_1 and formal_2 warning months
    ("council-2019", (0, 5, 5, 5), (("first", 6), ("final", 12))),
    ("nhs-scotland", (0, 5, 5, 14), (("first", 6), ("final", 12))),
    ("nhs-wales", (0, 7, 7, 7), (("first", 6), ("final", 12))),
    ("county-prorata", (0, 5, 5, 5), (("first", 6), ("final", 12))),
    ("bradford", (0, 5, 5, 5), (("first", 12), ("final", 12))),
])
def test_preset_meetings_and_warnings(key, notices, warnings):
    stages = load_preset(key).sts.ladder.stages
    assert tuple(stage.notice_days for stage in stages) == notices
    assert tuple((stage.warning, stage.warning_months) for stage in stages[1:3]) == warnings
    assert stages[0].formal is False and stages[3].warning is None


def test_council_ladder_letters_attendees_and_appeals():
    policy = load_preset("council-2019")
    support, first, second, third = policy.sts.ladder.stages
    assert (support.outcome_letters, support.appeal.route, support.appeal.deadline(D(2026, 3, 2))) == (
        ("C1",), "grievance", None)
    assert (first.invite_letter, first.outcome_letters, first.attendees) == ("C3", ("C4", "C5"), ("manager",))
    assert "hr" in second.attendees and {"senior_manager", "hr"} <= set(third.attendees)
    assert (third.invite_letter, third.outcome_letters, third.dismissal_appeal.route) == ("C6", ("C7", "C8"), "panel")
    # 2 weeks and 1 day after a letter dated Monday 2 March 2026: 2 + 14 + 1 = 17 March
    assert first.appeal.deadline(D(2026, 3, 2)) == D(2026, 3, 17)
    assert (policy.sts.improved_letter, policy.sts.lapsed_warning_referable_months) == ("C2", 24)
    assert [task.kind for task in policy.lts.ladder.first.tasks] == [
        "associate_absences", "contact", "oh_referral", "welfare_meeting"]


def test_nhs_scotland_hearing_papers_and_wales_stages():
    scotland = load_preset("nhs-scotland")
    assert (scotland.sts.ladder.stage("formal_3").papers_days_before,
            scotland.lts.ladder.stage("lts_hearing").notice_days) == (7, 14)
    wales = load_preset("nhs-wales")
    # Pregnancy-related sickness is left out by the engine under every preset (tests/unit/test_triggers.py), so no
    # preset needs to exclude it itself.
    assert not any(t.counting.exclude_reasons or t.counting.exclude_flags for t in wales.triggers)
    assert wales.sts.ladder.stage("formal_3").title == "Final formal sickness meeting"


@pytest.mark.parametrize("days_a_week, expected", [
    (5, 9), (4, 7.2), (3, 5.4), (2, 3.6), (1, 1.8),  # 9 × days ÷ 5
])
def test_county_day_threshold_is_pro_rated(days_a_week, expected):
    policy = load_preset("county-prorata")
    days, episodes = policy.triggers[1], policy.triggers[0]
    assert days.threshold_for(days_a_week, policy.full_time_days_per_week) == pytest.approx(expected)
    assert episodes.threshold_for(days_a_week, policy.full_time_days_per_week) == 4  # occasions never pro-rated


@pytest.mark.parametrize("years, full, half", [
    (0, 1, 2), (1, 2, 2), (2, 4, 4), (3, 5, 5), (4, 5, 5), (5, 6, 6), (30, 6, 6),
])
def test_agenda_for_change_sick_pay_bands(years, full, half):
    band = load_preset("nhs-scotland").sick_pay.band_for(years * 12)
    assert (band.full_pay_months, band.half_pay_months) == (full, half)


# NJC (Green Book part 2, paragraph 10): nothing beyond statutory sick pay in the first four months of service;
# then 1 month's full and 2 months' half pay in the first year; then 2 + 2, 4 + 4, 5 + 5 and, after 5 years, 6 + 6.
@pytest.mark.parametrize("preset", ["council-2019", "county-prorata"])
@pytest.mark.parametrize("months, full, half", [
    (0, 0, 0), (3, 0, 0),          # under 4 completed months: statutory sick pay only
    (4, 1, 2), (11, 1, 2),         # 4 completed months to the end of the first year
    (12, 2, 2), (23, 2, 2), (24, 4, 4), (36, 5, 5), (59, 5, 5), (60, 6, 6), (360, 6, 6),
])
def test_njc_sick_pay_bands_by_months_of_service(preset, months, full, half):
    band = load_preset(preset).sick_pay.band_for(months)
    assert (band.full_pay_months, band.half_pay_months) == (full, half)


def _break(change):
    data = council()
    change(data)
    return data


def _delete(path):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]
    return change


def _set(path, value):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = copy.deepcopy(value)
    return change


@pytest.mark.parametrize("change, message", [
    (_set(("colour",), "blue"), "colour: unknown key"),
    (_set(("triggers", 1, "threshold"), -10), "triggers[1].threshold: must be a positive number"),
    (_set(("triggers", 0, "threshold"), 0), "triggers[0].threshold: must be a positive number"),
    (_set(("triggers", 0, "threshold"), "four"), "triggers[0].threshold: must be a positive number"),
    (_set(("triggers", 0, "treshold"), 4), "triggers[0].treshold: unknown key"),
    (_set(("triggers", 0, "stage"), "formal_9"), "triggers[0].stage: unknown stage key 'formal_9'"),
    (_set(("triggers", 0, "measure"), "days"), "triggers[0].measure: must be one of: occasions, working_days"),
    (_set(("triggers", 0, "prorate"), True), "triggers[0].prorate: only working-day thresholds are pro-rated"),
    (_set(("triggers", 0, "up_to"), 3), "triggers[0].up_to: must be at least the threshold (4)"),
    (_set(("triggers", 0, "weeks"), 52), "triggers[0].months: give the window in months or in weeks"),
    (_delete(("triggers", 0, "months")), "triggers[0].months: give the window in months or in weeks"),
    (_set(("triggers", 0, "months"), 1.5), "triggers[0].months: must be a positive whole number"),
    (_set(("triggers", 1, "key"), "occasions"), "triggers[1].key: 'occasions' is already the key"),
    (_set(("triggers", 0, "exclude_reasons"), ["flu"]), "triggers[0].exclude_reasons[0]: must be one of"),
    (_set(("triggers", 0, "exclude_flags"), ["work_related"]), "triggers[0].exclude_flags[0]: must be one of"),
    (_set(("triggers", 0, "counts"), "short"), "triggers[0].counts: must be one of: short_term, long_term, all"),
    (_set(("triggers",), []), "triggers: must be a list of one or more tables"),
    (_set(("reason_triggers", 0, "action"), "formal_1"), "reason_triggers[0].action: must be one of: oh_referral"),
    (_set(("sts", "stages", 1, "key"), "formal_one"), "sts.stages[1].key: unknown stage key 'formal_one'"),
    (_set(("sts", "stages", 1, "key"), "formal_2"), "sts.stages[1].key: out of order 'formal_2'"),
    (_delete(("sts", "stages")), "sts.stages: missing"),
    (_delete(("sts",)), "sts: missing"),
    (_delete(("lts", "stages")), "lts.stages: missing"),
    (_set(("sts", "stages"), council()["sts"]["stages"][:3]), "sts.stages: must hold the stages absence_support"),
    (_delete(("sts", "stages", 1, "warning_months")), "sts.stages[1].warning_months: missing"),
    (_set(("sts", "stages", 0, "warning_months"), 6), "sts.stages[0].warning_months: given without a warning"),
    (_set(("sts", "stages", 1, "warning"), "written"), "sts.stages[1].warning: must be one of: first, final"),
    (_set(("sts", "stages", 0, "tasks", 0, "assignee"), "ceo"), "sts.stages[0].tasks[0].assignee: must be one of"),
    (_set(("sts", "stages", 0, "attendees"), ["union"]), "sts.stages[0].attendees[0]: must be one of"),
    (_set(("sts", "stages", 1, "appeal", "route"), "tribunal"), "sts.stages[1].appeal.route: must be one of"),
    (_set(("sts", "stages", 3, "notice_days"), -5), "sts.stages[3].notice_days: must be a positive whole number or 0"),
    (_set(("lts", "after_calendar_days"), True), "lts.after_calendar_days: must be a positive whole number"),
    (_set(("lts", "after_calendar_days_by_reason"), {"stress": 14}),
     "lts.after_calendar_days_by_reason.stress: unknown"),
    (_set(("sick_pay", "bands", 0, "completed_months"), 1), "sick_pay.bands: must start at 0 completed years"),
    (_set(("sick_pay", "bands", 0, "completed_years"), 0),
     "sick_pay.bands[0]: give completed_years or completed_months, not both"),
    (_set(("sick_pay", "bands", 1, "completed_months"), 13), "sick_pay.bands: must start at 0 completed years (or "
                                                             "months) and rise band by band"),   # 13 after 12
    (_set(("sick_pay", "bands", 1, "completed_months"), -4), "sick_pay.bands[1].completed_months: must be a "
                                                             "positive whole number or 0"),
    (_set(("full_time_days_per_week",), 8), "full_time_days_per_week: must be 7 or fewer"),
    (_delete(("revision",)), "revision: missing"),
    (_set(("pattern",), "yes"), "pattern: must be a table of settings"),
    (_set(("pattern", "max_working_days"), 0), "pattern.max_working_days: must be a positive whole number"),
    (_set(("pattern", "max_working_days"), 1.5), "pattern.max_working_days: must be a positive whole number"),
    (_set(("pattern", "max_working_days"), "two"), "pattern.max_working_days: must be a positive whole number"),
])
def test_a_broken_policy_is_refused_naming_the_key(change, message):
    with pytest.raises(PolicyError) as refused:
        load_policy(_break(change))
    assert any(problem.startswith(message) for problem in refused.value.problems), refused.value.problems


def test_every_problem_is_reported_at_once():
    data = _break(_set(("triggers", 1, "threshold"), -1))
    data["sts"]["stages"][2]["key"] = "formal_two"
    with pytest.raises(PolicyError) as refused:
        load_policy(data)
    assert [problem.split(":")[0] for problem in refused.value.problems] == [
        "sts.stages[2].key", "triggers[1].threshold"]


def test_a_policy_loads_from_a_dict_and_from_a_file(tmp_path):
    data = council()
    data.update(key="my-trust", name="My trust", revision=3)
    assert load_policy(data).key == "my-trust"
    path = tmp_path / "mine.toml"
    path.write_text((PRESETS / "council-2019.toml").read_text(encoding="utf-8"), encoding="utf-8")
    assert load_policy_file(path) == load_preset("council-2019")
    path.write_text("key = ", encoding="utf-8")
    with pytest.raises(PolicyError, match="mine.toml: not valid TOML"):
        load_policy_file(path)


# Issue 16.3: a threshold in working weeks is the employee's own weeks.
@pytest.mark.parametrize("days_per_week, expected", [
    (5, 10),   # 2 weeks × 5 days: the full-time figure stays 10
    (3, 6),    # Tue–Thu: 2 × 3
    (1, 2),    # one day a week: 2 × 1
    (7, 14),   # every day: 2 × 7
])
def test_a_threshold_in_working_weeks(days_per_week, expected):
    trigger = load_preset("council-2019").triggers[1]
    assert trigger.threshold_for(days_per_week, 5) == expected


@pytest.mark.parametrize("change, problem", [
    ({"measure": "occasions", "threshold": 4}, "triggers[1].per_working_week: only working-day thresholds are given "
                                               "in working weeks, not occasions"),
    ({"prorate": True}, "triggers[1].per_working_week: give the threshold in working weeks or pro-rate it, not both"),
])
def test_working_weeks_are_for_working_day_thresholds_only(change, problem):
    data = tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))
    data["triggers"][1].update(change)
    with pytest.raises(PolicyError) as raised:
        load_policy(data)
    assert problem in raised.value.problems


def test_every_preset_counts_pattern_absences_of_at_most_two_working_days():
    assert {policy.key: policy.pattern.max_working_days for policy in presets() if policy.pattern} == {
        "bradford": 2, "council-2019": 2, "county-prorata": 2, "nhs-scotland": 2, "nhs-wales": 2}


def test_a_pattern_stored_before_max_working_days_reads_as_two():
    data = council()
    del data["pattern"]["max_working_days"]
    assert load_policy(data).pattern.max_working_days == 2
