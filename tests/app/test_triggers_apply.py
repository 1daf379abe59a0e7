"""Applying the trigger engine: presets installed, cases opened by a scan or by saving an absence, idempotence."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import Absence, Case, Policy
from documents.triggers_service import active_policy, install_presets, reevaluate, scan

AS_OF = dt.date(2026, 11, 23)


def absence(employee, first: dt.date, last: dt.date | None, reason: str = "infections") -> Absence:
    record = Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=first,
                     last_day=last, reason_category=reason)
    record.save_checked()
    return record


@pytest.fixture
def frequent(make_employee):
    """Four one-day absences on Mondays in the 12 months to 23 November 2026: the 4-occasion trigger."""
    employee = make_employee()
    for first in (dt.date(2026, 2, 2), dt.date(2026, 5, 11), dt.date(2026, 8, 3), dt.date(2026, 11, 2)):
        absence(employee, first, first)
    return employee


def test_a_fresh_database_runs_council_2019_with_every_preset_stored():
    assert active_policy().key == "council-2019"
    assert sorted(Policy.objects.distinct("key")) == ["bradford", "council-2019", "county-prorata", "nhs-scotland",
                                                      "nhs-wales"]
    assert Policy.objects(active=True).count() == 1
    install_presets()
    assert Policy.objects.count() == 5


def test_scan_opens_a_short_term_case_once(frequent):
    first = scan(AS_OF, "test")
    assert first.actions["open_sts"] == 1
    [case] = Case.objects(employee=frequent.pk)
    assert (case.kind, case.status, case.stage, case.opened_on, case.policy_key) == (
        "STS", "open", "absence_support", AS_OF, "council-2019")
    stage = case.stages[0]
    assert "4 occasions" in stage.trigger_explanation and stage.entered_on == AS_OF
    assert any(window.get("occasions") == 4 for window in stage.trigger_figures["windows"])
    assert case.audit[0].action == "case opened" and case.audit[0].actor == "test"
    second = scan(AS_OF, "test")
    assert sum(second.actions.values()) == 0
    assert Case.objects(employee=frequent.pk).get().version == case.version


def test_dry_run_changes_nothing(frequent):
    summary = scan(AS_OF, "test", apply=False)
    assert summary.actions["open_sts"] == 1 and Case.objects.count() == 0


def test_a_long_absence_opens_a_long_term_case_on_day_29(make_employee):
    employee = make_employee()
    absence(employee, AS_OF - dt.timedelta(days=27), None, "mental_health")   # day 28 on AS_OF
    assert scan(AS_OF, "test").actions["open_lts"] == 0
    later = scan(AS_OF + dt.timedelta(days=1), "test")
    assert later.actions["open_lts"] == 1
    lts = Case.objects(employee=employee.pk, kind="LTS").get()
    assert (lts.stage, lts.status, lts.opened_on) == ("lts_welfare", "open", AS_OF + dt.timedelta(days=1))
    # Under the council policy read literally the absence counted as short-term up to day 28 (20 working days
    # ≥ 10) and opened a short-term case, which now waits, paused, until they return.
    assert [case.paused for case in Case.objects(employee=employee.pk, kind="STS")] == [True]


def test_reevaluating_one_employee_opens_their_case(frequent):
    Case.objects.delete()
    assert reevaluate(frequent, AS_OF, "test") == ["open_sts"]
    assert reevaluate(frequent, AS_OF, "test") == []
    assert Case.objects(employee=frequent.pk).count() == 1


def test_recording_the_fourth_absence_through_the_page_opens_the_case(make_employee, make_user, auth):
    from tests.conftest import csrf_token
    today = dt.date.today()
    boss = make_employee()
    worker = make_employee(supervisor_assignment_number=boss.assignment_number)
    for weeks in (40, 30, 20):
        day = today - dt.timedelta(weeks=weeks)
        absence(worker, day, day)
    assert Case.objects.count() == 0
    make_user("boss@example.org", ["manager"], assignment_number=boss.assignment_number)
    auth.login("boss@example.org")
    url = f"/employees/{worker.assignment_number}/absences/new"
    token = csrf_token(auth.client.get(url).get_data(as_text=True))
    day = today - dt.timedelta(days=7)
    assert auth.client.post(url, data={"csrf_token": token, "first_day": day.isoformat(),
                                       "reason_category": "infections"}).status_code == 302
    [case] = Case.objects(employee=worker.pk)
    assert (case.kind, case.stage, case.audit[0].actor) == ("STS", "absence_support", "triggers (absence saved)")


def test_scan_command_prints_a_summary_and_is_idempotent(app, frequent):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["triggers", "scan", "--as-of", "2026-11-23", "--dry-run"])
    assert dry.exit_code == 0 and "Would have evaluated 1 employees" in dry.output and Case.objects.count() == 0
    first = runner.invoke(args=["triggers", "scan", "--as-of", "2026-11-23"])
    assert "opened 1 short-term and 0 long-term cases" in first.output
    second = runner.invoke(args=["triggers", "scan", "--as-of", "2026-11-23"])
    assert "opened 0 short-term and 0 long-term cases, escalated 0, closed 0" in second.output
    assert runner.invoke(args=["triggers", "scan", "--as-of", "23/11/2026"]).exit_code != 0
