"""The meeting notes form of each stage: the toolkit's checklist it follows, its meeting kind, and its shape."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from casework.checklists import (
    ABSENCE_RECORD,
    CHECKLISTS,
    CONFIRM,
    HOLD_TASKS,
    OTHER_NOTES,
    TEXT,
    absence_record,
    checklist_for,
    missing_attendees,
)
from casework.ladders import LTS_STAGES, STS_STAGES
from casework.policy import presets


@pytest.mark.parametrize("stage, code, kind", [
    ("absence_support", "A4", "absence_support"),
    ("formal_1", "A5", "formal_review"),
    ("formal_2", "A6", "formal_review"),
    ("formal_3", "A7", "formal_review"),
    ("lts_welfare", "A8", "welfare"),
    ("lts_case_conference", "CC", "case_conference"),
    ("lts_hearing", "A9", "hearing"),
])
def test_each_stage_has_its_checklist_and_meeting_kind(stage, code, kind):
    checklist = checklist_for(stage)
    assert (checklist.code, checklist.meeting_kind) == (code, kind)


def test_every_stage_key_of_the_contract_has_a_checklist():
    assert set(CHECKLISTS) == set(STS_STAGES) | set(LTS_STAGES)


@pytest.mark.parametrize("stage", sorted(CHECKLISTS))
def test_a_checklist_is_sections_of_unique_points_with_the_absence_record_and_other_notes(stage):
    checklist = CHECKLISTS[stage]
    keys = [point.key for point in checklist.points()]
    assert len(keys) == len(set(keys))
    assert ABSENCE_RECORD in keys and keys[-1] == OTHER_NOTES
    assert {point.kind for point in checklist.points()} == {CONFIRM, TEXT}
    assert all(section.title and section.points for section in checklist.sections)
    assert all(point.label and point.key.isidentifier() and point.key not in ("version", "csrf_token")
               for point in checklist.points())


def test_the_points_follow_the_policy():
    a4 = {point.key: point for point in checklist_for("absence_support").points()}
    assert {"reasons", "support_offered", "oh_referral_considered", "adjustments", "target", "review_period",
            "consequences_explained"} <= set(a4)
    assert a4["consequences_explained"].kind == CONFIRM and a4["target"].kind == TEXT
    a5 = {point.key for point in checklist_for("formal_1").points()}
    assert {"companion_offered", "representations", "outcome", "appeal_explained"} <= a5 and "hr_present" not in a5
    a6 = {point.key: point for point in checklist_for("formal_2").points()}
    assert "hr_present" in a6 and "final written warning" in a6["outcome"].label
    a7 = {point.key for point in checklist_for("formal_3").points()}
    assert {"senior_manager_leads", "hr_present", "seriousness_explained", "appeal_route_explained"} <= a7
    a8 = {point.key for point in checklist_for("lts_welfare").points()}
    assert {"health_update", "prognosis", "fit_notes", "oh_advice", "adjustments", "contact",
            "sick_pay_explained"} <= a8
    conference = {point.key for point in checklist_for("lts_case_conference").points()}
    assert {"return_feasibility", "adjustments", "work_issues", "actions_agreed", "need_to_know"} <= conference
    a9 = {point.key for point in checklist_for("lts_hearing").points()}
    assert {"notice_given", "representation_offered", "further_actions", "alternatives", "outcome"} <= a9


def test_a_stage_a_preset_adds_gets_a_general_checklist():
    assert (checklist_for("bradford_review").code == ""
            and checklist_for("bradford_review").meeting_kind == "formal_review")
    assert checklist_for("extra_chat", formal=False).meeting_kind == "absence_support"
    assert ABSENCE_RECORD in {point.key for point in checklist_for("extra_chat").points()}


@pytest.mark.parametrize("policy", presets(), ids=lambda policy: policy.key)
def test_every_preset_stage_has_a_meeting_task_that_holding_the_meeting_completes(policy):
    for stage in policy.sts.ladder.stages + policy.lts.ladder.stages:
        assert len([task for task in stage.tasks if task.kind in HOLD_TASKS]) == 1, (policy.key, stage.key)


def test_missing_attendees_in_words():
    assert missing_attendees(("senior_manager", "hr"), ["manager"]) == ["Senior manager", "HR advisor"]
    assert missing_attendees(("manager", "hr", "occupational_health"), ["manager", "oh"]) == ["HR advisor"]
    assert missing_attendees(("manager",), ["manager", "other"]) == []


def test_the_absence_record_in_words():
    snapshots = [SimpleNamespace(first_day=dt.date(2026, 3, 2), last_day=dt.date(2026, 3, 4), working_days=3),
                 SimpleNamespace(first_day=dt.date(2026, 5, 6), last_day=dt.date(2026, 5, 6), working_days=1),
                 SimpleNamespace(first_day=dt.date(2026, 9, 7), last_day=None, working_days=4)]
    assert absence_record(snapshots) == (
        "2 March 2026 to 4 March 2026: 3 working days lost\n"
        "6 May 2026: 1 working day lost\n"
        "7 September 2026 onwards (still off): 4 working days lost\n"
        "In all: 3 occasions, 8 working days lost.")
    assert absence_record([]) == ""
