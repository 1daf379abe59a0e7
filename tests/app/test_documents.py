"""Documents: validation, optimistic versions, the audit helper and the indexes later work needs."""
from __future__ import annotations

import datetime as dt

import mongoengine as me
import pytest

from documents import Absence, Case, Employee, Policy, StaleEditError, User, field_errors, rebuild_manager_paths


@pytest.mark.parametrize("overrides, field", [
    ({"working_days": []}, "working_days"),
    ({"start_date": dt.date(2024, 1, 1), "end_date": dt.date(2023, 1, 1)}, "end_date"),
    ({"fte": 0}, "fte"),
    ({"fte": 1.5}, "fte"),
    ({"region": "FRA"}, "region"),
    ({"working_days": ["Mon", "Funday"]}, "working_days"),
    ({"email": "not-an-email"}, "email"),
])
def test_employee_validation_names_the_field(make_employee, overrides, field):
    with pytest.raises(me.ValidationError) as error:
        make_employee(**overrides)
    assert field in field_errors(error.value)


def test_employee_cannot_supervise_themselves(make_employee):
    with pytest.raises(me.ValidationError) as error:
        make_employee(assignment_number="SELF-1", supervisor_assignment_number="SELF-1")
    assert "supervisor_assignment_number" in field_errors(error.value)


def test_working_days_are_kept_in_week_order(make_employee):
    assert make_employee(working_days=["Thu", "Tue", "Wed"]).working_days == ["Tue", "Wed", "Thu"]


def test_assignment_numbers_are_unique(make_employee):
    make_employee(assignment_number="DUP-1")
    with pytest.raises(me.NotUniqueError):
        make_employee(assignment_number="DUP-1")


def test_absence_last_day_before_first_is_refused(make_employee):
    employee = make_employee()
    absence = Absence(employee=employee.pk, assignment_number=employee.assignment_number,
                      first_day=dt.date(2026, 3, 10), last_day=dt.date(2026, 3, 9), reason_category="infections")
    with pytest.raises(me.ValidationError) as error:
        absence.save_checked()
    assert "last_day" in field_errors(error.value)


def test_a_stale_save_is_refused_and_the_newer_one_kept(make_employee):
    employee = make_employee(job_title="Staff nurse")
    mine, theirs = Employee.objects.get(pk=employee.pk), Employee.objects.get(pk=employee.pk)
    theirs.job_title = "Ward manager"
    theirs.save_checked()
    mine.job_title = "Healthcare assistant"
    with pytest.raises(StaleEditError, match="Someone else changed"):
        mine.save_checked()
    stored = Employee.objects.get(pk=employee.pk)
    assert (stored.job_title, stored.version) == ("Ward manager", 2)


def test_versions_count_each_save(make_employee):
    employee = make_employee()
    assert employee.version == 1
    employee.job_title = "Sister"
    employee.save_checked()
    employee.job_title = "Matron"
    employee.save_checked()
    assert Employee.objects.get(pk=employee.pk).version == 3


def test_audit_helper_records_who_when_what_before_and_after(make_employee):
    employee = make_employee()
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                kind="STS", policy_key="council-2019", policy_revision=1, stage="absence_support",
                opened_on=dt.date(2026, 2, 2))
    case.record("hr@example.org", "case opened", after={"stage": "absence_support", "opened_on": case.opened_on})
    case.save_checked()
    case.record("support@example.org", "stage amended", before={"stage": "absence_support"},
                after={"stage": "formal_1"}, reason="Migrated at the wrong stage")
    case.stage = "formal_1"
    case.save_checked()
    stored = Case.objects.get(pk=case.pk)
    first, second = stored.audit
    assert (first.actor, first.action, first.after) == (
        "hr@example.org", "case opened", {"stage": "absence_support", "opened_on": "2026-02-02"})
    assert (second.before, second.after, second.reason) == (
        {"stage": "absence_support"}, {"stage": "formal_1"}, "Migrated at the wrong stage")
    assert second.at >= first.at


def test_closed_case_needs_a_closing_date(make_employee):
    employee = make_employee()
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                kind="LTS", policy_key="council-2019", policy_revision=1, stage="lts_welfare",
                opened_on=dt.date(2026, 2, 2), status="closed")
    with pytest.raises(me.ValidationError) as error:
        case.save_checked()
    assert "closed_on" in field_errors(error.value)


def test_manager_must_be_linked_to_an_assignment(make_user):
    with pytest.raises(me.ValidationError) as error:
        make_user("m@example.org", ["manager"])
    assert "assignment_number" in field_errors(error.value)


def test_unknown_role_is_refused(make_user):
    with pytest.raises(me.ValidationError):
        make_user("x@example.org", ["superuser"])


def test_policy_key_and_revision_are_unique():
    Policy(key="council-2019", revision=1, name="Council", rules={"x": 1}, created_by="admin").save_checked()
    with pytest.raises(me.NotUniqueError):
        Policy(key="council-2019", revision=1, name="Council", rules={"x": 1}, created_by="admin").save_checked()


def test_manager_paths_follow_the_hierarchy_and_survive_cycles(make_employee):
    top = make_employee(assignment_number="T")
    middle = make_employee(assignment_number="M", supervisor_assignment_number="T")
    make_employee(assignment_number="B", supervisor_assignment_number="M")
    assert Employee.objects.get(assignment_number="B").manager_path == ["M", "T"]
    Employee.objects(pk=top.pk).update_one(set__supervisor_assignment_number="B")
    rebuild_manager_paths()
    assert Employee.objects.get(assignment_number="B").manager_path == ["M", "T"]
    assert Employee.objects.get(assignment_number="T").manager_path == ["B", "M"]
    assert middle.pk


def _index_keys(document) -> list[list[str]]:
    return [[key for key, _ in spec["key"]] for spec in document._get_collection().index_information().values()]


@pytest.mark.parametrize("document, keys", [
    (Employee, ["assignment_number"]),
    (Employee, ["supervisor_assignment_number"]),
    (Employee, ["manager_path"]),
    (Case, ["tasks.assignee", "tasks.status"]),
    (Case, ["employee", "status"]),
    (Absence, ["employee", "first_day"]),
    (Absence, ["external_id"]),
    (User, ["email"]),
])
def test_indexes_later_work_needs_exist(document, keys):
    assert keys in _index_keys(document)


def test_open_tasks_by_assignee_query_uses_the_index(make_employee):
    explained = Case.objects(tasks__assignee="m@example.org", tasks__status="open").explain()
    assert "IXSCAN" in str(explained) or "tasks.assignee" in str(explained)
