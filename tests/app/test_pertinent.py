"""Pertinent factors through the pages (council policy, part 2, paragraphs 7 and 13): the case a trigger opens
carries HR's advice task, formal outcomes wait for the advice, and HR's adjusted thresholds (HR only, audited,
used by the engine, reviewed once from their review date).

Dates: AS_OF is Monday 23 November 2026; four one-day absences on Mondays in the 12 months before it reach the
council's 4-occasion trigger.
"""
from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import escape

from casework.pertinent import ADVICE_FIRST, PERTINENT_ADVICE, REVIEW_ADJUSTMENT
from documents import Absence, ApiToken, Case, Employee
from documents.case import Task
from services import clock
from services.triggers import reevaluate, scan
from tests.app import test_outcomes
from tests.app.test_outcomes import WARNING, make_case, post_outcome
from tests.app.test_triggers_apply import stage_case
from tests.conftest import csrf_token

D = dt.date
AS_OF = D(2026, 11, 23)
MONDAYS = (D(2026, 2, 2), D(2026, 5, 11), D(2026, 8, 3), D(2026, 11, 2))

people = test_outcomes.people     # Bea manages Wes, and HR for Wes's division (the outcome tests' people)


def absent(employee, first: dt.date, disability: bool = False) -> Absence:
    record = Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=first,
                     last_day=first, reason_category="infections", disability_related=disability)
    record.save_checked()
    return record


def advice_task(case: Case) -> Task:
    [task] = [task for task in case.tasks if task.kind == PERTINENT_ADVICE]
    return task


@pytest.mark.parametrize("opened_by", ["scan", "reevaluate"])
def test_a_case_opened_with_disability_related_absences_asks_hr_for_advice(people, opened_by):
    worker = people["worker"]
    for index, first in enumerate(MONDAYS):
        absent(worker, first, disability=index in (1, 3))   # 2 of the 4 disability-related
    if opened_by == "scan":
        scan(AS_OF, "test")
    else:
        assert "open_sts" in reevaluate(worker, AS_OF, "test")
    [case] = Case.objects(employee=worker.pk)
    task = advice_task(case)
    assert (task.title, task.assignee, task.status) == (
        f"HR advice needed: pertinent factors ({worker.name})", f"hr:{worker.division}", "open")
    assert task.detail == "2 of the 4 absences counted are disability-related"
    assert case.audit[0].after["pertinent_factors"] == ["2 of the 4 absences counted are disability-related"]


def test_no_advice_task_without_a_pertinent_factor(people):
    for first in MONDAYS:
        absent(people["worker"], first)
    scan(AS_OF, "test")
    [case] = Case.objects(employee=people["worker"].pk)
    assert not [task for task in case.tasks if task.kind == PERTINENT_ADVICE]


def test_a_restart_asks_again_on_the_new_case_and_cancels_the_old_cases_advice(people):
    """A case on monitoring whose first warning lapsed on 31 October 2026, HR's advice never given: the new trigger
    (the 2 November absence, disability-related) restarts in a new case with its own advice task."""
    worker = people["worker"]
    for first in MONDAYS:
        absent(worker, first, disability=first == MONDAYS[-1])
    old = with_advice_task(stage_case(worker, "formal_1", D(2026, 5, 1), status="monitoring",
                                      review=D(2026, 7, 24), warning="first", expires=D(2026, 10, 31)))
    assert scan(AS_OF, "test").actions["restart_sts"] == 1
    assert [task.status for task in old.reload().tasks if task.kind == PERTINENT_ADVICE] == ["cancelled"]
    new = Case.objects(employee=worker.pk, status="open").get()
    assert (advice_task(new).status, advice_task(new).detail) == (
        "open", "1 of the 4 absences counted is disability-related")


def test_a_review_meeting_made_due_asks_hr_for_advice_once(people):
    """At the absence support meeting since 20 October 2026, review period to 20 January 2027: the disability-related
    absence of 11 November starts in the period and the trigger is reached again (4 occasions ≥ 4)."""
    worker = people["worker"]
    for first in MONDAYS[:3]:
        absent(worker, first)
    absent(worker, D(2026, 11, 11), disability=True)
    case = stage_case(worker, "absence_support", D(2026, 10, 20), review=D(2027, 1, 20))
    assert scan(AS_OF, "test").actions["review_due"] == 1
    assert advice_task(case.reload()).detail == "the one absence counted is disability-related"
    assert sum(scan(AS_OF, "test").actions.values()) == 0 and len(case.reload().tasks) == len(case.tasks)


def with_advice_task(case: Case) -> Case:
    case.tasks.append(Task(kind=PERTINENT_ADVICE, title="HR advice needed: pertinent factors (Wes)",
                           assignee=f"hr:{case.division}", due_on=D(2026, 3, 9),
                           detail="1 of the 4 absences counted is disability-related"))
    case.save_checked()
    return case


def post_advice(auth, case, task, advice):
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    return auth.client.post(f"/cases/{case.pk}/tasks/{task.id}/advice",
                            data={"csrf_token": csrf_token(html), "version": case.version, "advice": advice})


def test_a_formal_outcome_waits_for_hrs_advice_then_goes_ahead(auth, people):
    case = with_advice_task(make_case(people["worker"], "formal_1"))
    task = advice_task(case)
    auth.login("bea@example.org")
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert "1 of the 4 absences counted is disability-related" in page and "Waiting for HR's advice" in page
    refused = post_outcome(auth, case, **WARNING)
    assert refused.status_code == 400 and ADVICE_FIRST in refused.get_data(as_text=True)
    assert 'id="outcome_kind-error"' in refused.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).current_stage.outcome is None
    assert post_advice(auth, case, task, "Not mine to give").status_code == 403   # a manager does not advise
    auth.logout()

    auth.login("hr@example.org")
    empty = post_advice(auth, case, task, "   ")
    assert empty.status_code == 400 and 'id="advice-error"' in empty.get_data(as_text=True)
    assert "Write HR&#39;s advice" in empty.get_data(as_text=True)
    assert advice_task(Case.objects.get(pk=case.pk)).status == "open"
    done = post_advice(auth, case, task, "Consider an adjusted threshold before a warning.")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{case.pk}#flash")
    saved = Case.objects.get(pk=case.pk)
    assert (advice_task(saved).status, advice_task(saved).advice) == (
        "done", "Consider an adjusted threshold before a warning.")
    entry = saved.audit[-1]
    assert (entry.action, entry.actor, entry.after["advice"]) == (
        "HR advice recorded: pertinent factors", "hr@example.org", "Consider an adjusted threshold before a warning.")
    assert "Consider an adjusted threshold before a warning." in auth.client.get(f"/cases/{case.pk}").get_data(
        as_text=True)
    auth.logout()

    auth.login("bea@example.org")
    allowed = post_outcome(auth, Case.objects.get(pk=case.pk), **WARNING)
    assert allowed.status_code == 200 and "The first written warning is live until 3 September 2026." in \
        allowed.get_data(as_text=True)


def test_moving_on_to_a_formal_stage_waits_and_the_task_is_not_marked_done_by_hand(auth, people):
    case = with_advice_task(make_case(people["worker"], "absence_support"))
    auth.login("hr@example.org")
    moved = post_outcome(auth, case, outcome_kind="progress", decided_on="2026-03-02", step="save")
    assert moved.status_code == 400 and ADVICE_FIRST in moved.get_data(as_text=True)
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    by_hand = auth.client.post(f"/cases/{case.pk}/tasks/{advice_task(case).id}/complete",
                               data={"csrf_token": csrf_token(html), "version": case.version})
    assert by_hand.status_code == 400 and "Record HR&#39;s advice" in by_hand.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).stage == "absence_support"


def post_adjustment(auth, employee, **fields):
    page = auth.client.get(f"/employees/{employee.assignment_number}").get_data(as_text=True)
    return auth.client.post(f"/employees/{employee.assignment_number}/adjusted-thresholds",
                            data={"csrf_token": csrf_token(page), "version": employee.version, **fields})


GOOD = {"trigger": "occasions", "threshold": "6", "reason": "Agreed adjustment: hospital appointments",
        "review_on": "2027-06-01"}


def test_hr_records_an_adjusted_threshold_audited_and_used_by_the_engine(auth, people):
    worker = people["worker"]
    for first in MONDAYS:
        absent(worker, first)
    auth.login("hr@example.org")
    with clock.frozen(AS_OF):
        saved = post_adjustment(auth, worker, **GOOD)
        assert saved.status_code == 302 and saved.headers["Location"].endswith("#flash")
        employee = Employee.objects.get(pk=worker.pk)
        [adjusted] = employee.adjusted_thresholds
        assert (adjusted.trigger, adjusted.threshold, adjusted.review_on, adjusted.agreed_on, adjusted.set_by) == (
            "occasions", 6, D(2027, 6, 1), AS_OF, "hr@example.org")
        entry = employee.audit[-1]
        assert (entry.action, entry.actor, entry.before["adjusted_threshold"]) == (
            "adjusted threshold set", "hr@example.org", None)
        assert entry.after["adjusted_threshold"] == {"trigger": "occasions", "threshold": 6.0,
                                                     "review_on": "2027-06-01",
                                                     "reason": "Agreed adjustment: hospital appointments"}
        page = auth.client.get(f"/employees/{worker.assignment_number}").get_data(as_text=True)
        assert "Agreed adjustment: hospital appointments" in page and "(policy: 4)" in page
    # 4 occasions < the adjusted 6: no case opens
    assert scan(AS_OF, "test").actions["open_sts"] == 0 and Case.objects(employee=worker.pk).count() == 0
    with clock.frozen(AS_OF):
        removed = auth.client.post(f"/employees/{worker.assignment_number}/adjusted-thresholds/occasions/remove",
                                   data={"csrf_token": csrf_token(page), "version": employee.version})
    assert removed.status_code == 302
    employee = Employee.objects.get(pk=worker.pk)
    assert employee.adjusted_thresholds == [] and employee.audit[-1].action == "adjusted threshold removed"
    assert employee.audit[-1].after["adjusted_threshold"] is None
    assert scan(AS_OF, "test").actions["open_sts"] == 1


@pytest.mark.parametrize("changes, field, message", [
    ({"threshold": "six"}, "threshold", "whole number"),
    ({"threshold": "4"}, "threshold", "more than the policy"),
    ({"reason": ""}, "reason", "Say why"),
    ({"review_on": "2026-11-23"}, "review_on", "after today"),
    ({"review_on": "1 June"}, "review_on", "Enter a real date"),
    ({"trigger": "bradford"}, "trigger", "Choose one of the policy"),
])
def test_bad_input_is_refused_beside_its_field_and_changes_nothing(auth, people, changes, field, message):
    auth.login("hr@example.org")
    with clock.frozen(AS_OF):
        refused = post_adjustment(auth, people["worker"], **{**GOOD, **changes})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and f'id="{field}-error"' in html and str(escape(message)) in html
    employee = Employee.objects.get(pk=people["worker"].pk)
    assert employee.adjusted_thresholds == [] and employee.version == people["worker"].version


def test_only_hr_adjusts_a_threshold_and_a_manager_reads_it(auth, people):
    worker = people["worker"]
    auth.login("bea@example.org")
    assert post_adjustment(auth, worker, **GOOD).status_code == 403
    assert Employee.objects.get(pk=worker.pk).adjusted_thresholds == []
    auth.logout()
    auth.login("hr@example.org")
    with clock.frozen(AS_OF):
        assert post_adjustment(auth, worker, **GOOD).status_code == 302
    auth.logout()
    auth.login("bea@example.org")
    page = auth.client.get(f"/employees/{worker.assignment_number}").get_data(as_text=True)
    assert "Agreed adjustment: hospital appointments" in page and "Save the adjusted threshold" not in page


def test_from_its_review_date_hr_is_asked_once_to_review_the_adjustment(auth, people):
    worker = people["worker"]
    latest = absent(worker, D(2026, 11, 2))
    auth.login("hr@example.org")
    with clock.frozen(AS_OF):
        assert post_adjustment(auth, worker, **GOOD).status_code == 302
    assert scan(D(2027, 5, 31), "test").actions[REVIEW_ADJUSTMENT] == 0   # the day before the review date
    assert scan(D(2027, 6, 1), "test").actions[REVIEW_ADJUSTMENT] == 1
    assert scan(D(2027, 6, 2), "test").actions[REVIEW_ADJUSTMENT] == 0    # once
    [task] = [task for task in Absence.objects.get(pk=latest.pk).tasks if task.kind == REVIEW_ADJUSTMENT]
    assert task.assignee == f"hr:{worker.division}" and "stays in force" in task.detail
    employee = Employee.objects.get(pk=worker.pk)
    assert employee.adjusted_thresholds[0].review_task_on == D(2027, 6, 1)   # still in force
    assert employee.audit[-1].action == "adjusted threshold review due"
    with clock.frozen(D(2027, 6, 2)):   # HR sets it again with a new review date: the review task is done
        auth.login("hr@example.org")    # (a session ends after months)
        assert post_adjustment(auth, Employee.objects.get(pk=worker.pk),
                               **{**GOOD, "review_on": "2028-06-01"}).status_code == 302
    assert [task.status for task in Absence.objects.get(pk=latest.pk).tasks if task.kind == REVIEW_ADJUSTMENT] == [
        "done"]


def test_the_api_evaluation_lists_the_adjusted_thresholds(auth, client, people):
    auth.login("hr@example.org")
    with clock.frozen(AS_OF):
        post_adjustment(auth, people["worker"], **GOOD)
    auth.logout()
    secret = ApiToken.issue("absence-system", ["read"])[1]
    answer = client.get(f"/api/v1/employees/{people['worker'].assignment_number}/evaluation?as_of=2026-11-23",
                        headers={"Authorization": f"Bearer {secret}"})
    assert answer.json["adjusted_thresholds"] == [{"trigger": "occasions", "threshold": 6.0, "review_on": "2027-06-01"}]


@pytest.mark.parametrize("preset, words", [
    ("council-2019", "HR may raise a trigger&#39;s threshold for one employee"),
    ("bradford", "Not allowed: the thresholds are the same for everyone"),
])
def test_the_policy_page_says_whether_thresholds_may_be_adjusted(auth, people, preset, words):
    scan(AS_OF, "test")   # installs the presets on a fresh database
    auth.login("hr@example.org")
    assert words in auth.client.get(f"/policies/{preset}/1").get_data(as_text=True)
