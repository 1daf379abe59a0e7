"""Every kind of task Casebook creates has words in the help pages (casework.task_guide), and the words shown for
the policy's shorthand (casework.plain_words): stage names in title case, checklist, form and letter codes explained."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from casework.plain_words import code_words, codes_in, title_case, with_stage_name
from casework.policy import PRESETS, load_preset
from casework.task_guide import BY_KIND, TASKS, tasks_for
from casework.workflow import MILESTONE_TASKS

ROOT = Path(__file__).resolve().parents[2]


def kinds_in_code() -> set[str]:
    """The kinds the code gives a Task it builds: `Task(kind="…")`, `Task(kind=NAME)` with NAME = "…" at the top of
    any module (the constants are imported from one another), and `tasks.create(kind=…)`."""
    trees = [ast.parse(path.read_text()) for path in [*(ROOT / "services").rglob("*.py"),
                                                     *(ROOT / "casework").rglob("*.py")]]
    names = {target.id: node.value.value for tree in trees for node in tree.body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)
             and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}
    found = set()
    for node in (node for tree in trees for node in ast.walk(tree)):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "Task", "create")):
            continue
        for keyword in (keyword for keyword in node.keywords if keyword.arg == "kind"):
            values = [keyword.value.body, keyword.value.orelse] if isinstance(keyword.value, ast.IfExp) \
                else [keyword.value]
            found |= {value.value for value in values if isinstance(value, ast.Constant)}
            found |= {names[value.id] for value in values if isinstance(value, ast.Name) and value.id in names}
    return found


def kinds_in_presets() -> set[str]:
    found = set()
    for path in PRESETS.glob("*.toml"):
        policy = load_preset(path.stem)
        for ladder in (policy.sts.ladder, policy.lts.ladder):
            found |= {task.kind for stage in ladder.stages for task in stage.tasks}
    return found


def test_every_task_kind_the_app_creates_has_words():
    created = kinds_in_code() | kinds_in_presets() | set(MILESTONE_TASKS)
    # the code's own kinds are found (a check that the search above works): an RTW reminder, a review meeting
    assert {"rtw_reminder", "review_meeting", "decide_progress", "confirm_migrated", "send_closing_letter"} <= created
    assert {"associate_absences", "hold_meeting", "half_pay"} <= created
    assert sorted(created - set(BY_KIND)) == []
    assert len(BY_KIND) == len(TASKS)          # each kind once


def test_a_manager_reads_only_their_tasks_and_hr_reads_all():
    manager, hr = tasks_for("manager"), tasks_for("hr")
    assert {task.who for task in manager} == {"manager"}
    assert len(hr) == len(TASKS) and hr[0].who == "hr"       # HR's own first


@pytest.mark.parametrize("title, expected", [
    ("1st formal absence review meeting", "1st Formal Absence Review Meeting"),
    ("Absence support meeting", "Absence Support Meeting"),
    ("Welfare contact and meeting", "Welfare Contact and Meeting"),             # "and" stays small
    ("Stage 3 attendance hearing (long-term)", "Stage 3 Attendance Hearing (Long-Term)"),
    ("Attendance support meeting (informal)", "Attendance Support Meeting (Informal)"),
    ("Case review hearing", "Case Review Hearing"),
    ("the OH referral", "The OH Referral"),                       # a small word first is capitalised; OH kept
])
def test_title_case(title, expected):
    assert title_case(title) == expected


@pytest.mark.parametrize("text, stage, expected", [
    ("Hold the 1st formal absence review meeting (checklist A5)", "1st formal absence review meeting",
     "Hold the 1st Formal Absence Review Meeting (checklist A5)"),                 # the rest as the policy says
    ("Hold the case review hearing (checklist A9)", "Case review hearing",
     "Hold the Case Review Hearing (checklist A9)"),                               # whatever its case in the title
    ("Hold a case conference: managed return, adjustments", "Case conference",
     "Hold a Case Conference: managed return, adjustments"),
    ("Book an HR advisor to attend the meeting", "Case conference", "Book an HR advisor to attend the meeting"),
    ("Hold the 1st formal absence review meetings", "1st formal absence review meeting",
     "Hold the 1st formal absence review meetings"),                               # whole words only
    ("Send letter C1", "", "Send letter C1"),
])
def test_with_stage_name(text, stage, expected):
    assert with_stage_name(text, stage) == expected


@pytest.mark.parametrize("text, codes", [
    ("Hold the absence support meeting (checklist A4, form B2)", ["A4", "B2"]),
    ("Send the outcome: C4 (first written warning) or C5 (more time to improve)", ["C4", "C5"]),
    ("Keep in regular contact (checklist A1)", ["A1"]),
    ("Invite the employee with letter C3, offering a companion, then C3 again", ["C3"]),   # once
    ("Book an HR advisor to attend the meeting", []),
    ("Room A42 in block C99", []),                                                          # not codes Casebook knows
])
def test_codes_in(text, codes):
    assert [code for code, _ in codes_in(text)] == codes


@pytest.mark.parametrize("code, words", [
    ("A4", "checklist for the Absence Support Meeting (Informal)"),       # named as pages write a stage
    ("A9", "checklist for the Case Review Hearing"),
    ("A8", "checklist for the Meeting with an Employee on Long-Term Sickness Absence"),
    ("CC", None),                             # the case conference's notes form is Casebook's, not the policy's
    ("B4", "the form “Referral to occupational health”"),
    ("C2", "the letter “Attendance improved: the review has ended”"),
])
def test_code_words(code, words):
    assert code_words(code) == words
