"""Applying the trigger engine: presets installed, cases opened by a scan or by saving an absence, idempotence."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import Absence, Case, Policy
from documents.case import Stage
from services import clock
from services.triggers import active_policy, install_presets, reevaluate, scan

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
    # Up to day 28 its 20 working days reached the 10-day short-term trigger, but an absence still going on
    # may yet become long-term, so no short-term case was opened for it.
    assert Case.objects(employee=employee.pk, kind="STS").count() == 0


def test_reevaluating_one_employee_opens_their_case(frequent):
    Case.objects.delete()
    assert reevaluate(frequent, AS_OF, "test") == ["open_sts"]
    assert reevaluate(frequent, AS_OF, "test") == []
    assert Case.objects(employee=frequent.pk).count() == 1


def test_recording_the_fourth_absence_through_the_page_opens_the_case(make_employee, make_user, auth):
    from tests.conftest import csrf_token
    today = clock.today()
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
    recorded = auth.client.post(url, data={"csrf_token": token, "first_day": day.isoformat(),
                                           "reason_category": "infections"})
    assert recorded.status_code == 302
    # Still off: the fourth occasion reaches the trigger, but nothing opens until the absence ends.
    assert Case.objects.count() == 0
    fourth = Absence.objects(employee=worker.pk, last_day=None).get()
    ended = auth.client.post(f"/absences/{fourth.pk}/end", data={
        "csrf_token": token, "version": fourth.version, "last_day": day.isoformat()})
    assert ended.status_code == 302
    [case] = Case.objects(employee=worker.pk)
    assert (case.kind, case.stage, case.audit[0].actor) == ("STS", "absence_support", "triggers (absence saved)")


def test_scan_command_prints_a_summary_and_is_idempotent(app, frequent):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["triggers", "scan", "--as-of", "2026-11-23", "--dry-run"])
    assert dry.exit_code == 0 and "Would have evaluated 1 employees" in dry.output and Case.objects.count() == 0
    first = runner.invoke(args=["triggers", "scan", "--as-of", "2026-11-23"])
    assert "opened 1 short-term and 0 long-term cases" in first.output
    assert "Kept lists written again: " in first.output and "staff summaries" in first.output
    second = runner.invoke(args=["triggers", "scan", "--as-of", "2026-11-23"])
    assert "opened 0 short-term and 0 long-term cases, review meetings due 0, monitoring ended 0" in second.output
    assert runner.invoke(args=["triggers", "scan", "--as-of", "23/11/2026"]).exit_code != 0


def stage_case(employee, stage: str, entered: dt.date, status: str = "open", review: dt.date | None = None,
               warning: str | None = None, expires: dt.date | None = None) -> Case:
    """A short-term case sitting at `stage` since `entered`, as a meeting's outcome left it."""
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind="STS", status=status, policy_key="council-2019",
                policy_revision=1, stage=stage, opened_on=entered, closed_on=expires if status == "closed" else None,
                stages=[Stage(key=stage, entered_on=entered, review_date=review, warning_level=warning,
                              warning_expires_on=expires)])
    case.save_checked()
    return case


def test_a_trigger_during_a_live_warning_makes_the_review_meeting_due_and_moves_nothing(frequent, make_employee,
                                                                                        make_user):
    """Council policy, part 2, paragraph 2: formal action is never automatic. A first written warning given on
    1 September 2026, live to 1 March 2027, with a review period to 1 December: the absence of 2 November starts in
    the period. The manager and the division's HR advisors get the review meeting to hold; the stage stays."""
    supervisor = make_employee(first_name="Bea")
    frequent.update(set__supervisor_assignment_number=supervisor.assignment_number)
    boss = make_user(email="boss@example.org", roles=["manager"], assignment_number=supervisor.assignment_number)
    case = stage_case(frequent, "formal_1", dt.date(2026, 9, 1), review=dt.date(2026, 12, 1), warning="first",
                      expires=dt.date(2027, 3, 1))
    assert scan(AS_OF, "test").actions == {"review_due": 1}
    case.reload()
    assert (case.stage, len(case.stages), case.status) == ("formal_1", 1, "open")
    due = [task for task in case.open_tasks() if task.kind == "review_meeting"]
    figures = "(4 occasions in the 12 months to 23 November 2026 (trigger: 4 or more))"
    assert sorted((task.assignee, task.title, task.due_on, task.event_on) for task in due) == [
        (boss.email, f"Hold the review meeting with {frequent.name}: the target was missed {figures}",
         dt.date(2026, 12, 7), dt.date(2026, 9, 1)),
        (f"hr:{frequent.division}", f"Review meeting due for {frequent.name}: the target was missed {figures} (the "
                                    f"manager holds it)", dt.date(2026, 12, 7), dt.date(2026, 9, 1))]
    entry = case.audit[-1]
    assert (entry.action, entry.before["stage"], entry.after["stage"]) == ("review meeting due", "formal_1", "formal_1")
    assert entry.before["open_tasks"] + 2 == entry.after["open_tasks"]
    assert entry.reason.startswith("Review meeting due: the target was missed (") and "no target was recorded" in (
        entry.reason)
    # one review meeting for the period: the next scan proposes nothing
    assert sum(scan(AS_OF, "test").actions.values()) == 0 and len(case.reload().tasks) == len(case.tasks)


def test_a_trigger_after_the_warning_lapsed_restarts_at_the_first_stage_and_records_it(frequent):
    # The first warning ran to 31 October 2026 and the case closed; the 2 November absence is a new trigger.
    old = stage_case(frequent, "formal_1", dt.date(2026, 5, 1), status="closed", review=dt.date(2026, 7, 24),
                     warning="first", expires=dt.date(2026, 10, 31))
    assert scan(AS_OF, "test").actions == {"restart_sts": 1}
    new = Case.objects(employee=frequent.pk, status="open").get()
    assert (new.stage, new.opened_on) == ("absence_support", AS_OF)
    lapsed = [row for row in new.stages[0].trigger_figures["windows"] if "lapsed_warning" in row]
    assert lapsed == [{"lapsed_warning": "first", "lapsed_on": "2026-11-01", "referable_until": "2028-10-31"}]
    assert "the first warning lapsed on 1 November 2026 and may be referred to until 31 October 2028" in (
        new.stages[0].trigger_explanation)
    assert old.reload().status == "closed" and len(old.audit) == 0
    assert sum(scan(AS_OF, "test").actions.values()) == 0


def test_a_review_period_ending_with_nothing_in_it_makes_the_review_meeting_due_and_closes_nothing(make_employee):
    employee = make_employee()
    absence(employee, dt.date(2026, 9, 9), dt.date(2026, 9, 9))   # before the stage began
    case = stage_case(employee, "absence_support", dt.date(2026, 9, 10), review=dt.date(2026, 11, 20))
    assert scan(AS_OF, "test").actions == {"review_due": 1}
    case.reload()
    assert (case.status, case.closed_on) == ("open", None)
    assert [task.title for task in case.open_tasks() if task.kind == "review_meeting"] == [
        f"Hold the review meeting with {employee.name}: the target was met (0 occasions and 0 working days of "
        f"absence from 11 September 2026 to 20 November 2026)"]
    assert "the target was met, with 0 occasions and 0 working days of absence from 11 September 2026 to " \
           "20 November 2026" in case.audit[-1].reason


def test_monitoring_ends_with_its_own_audit_entry_when_the_warning_expires(make_employee):
    """Issue 15, point 4: expiry closes the monitoring with its own audit entry."""
    employee = make_employee()
    case = stage_case(employee, "formal_1", dt.date(2026, 3, 2), status="monitoring", warning="first",
                      expires=dt.date(2026, 11, 22))
    assert scan(dt.date(2026, 11, 22), "test").actions == {}
    assert scan(AS_OF, "test").actions == {"warning_expired": 1}
    case.reload()
    assert (case.status, case.closed_on, case.closed_reason) == ("closed", AS_OF,
                                                                "The warning expired: continued monitoring ended")
    entry = case.audit[-1]
    assert (entry.action, entry.before["status"], entry.after["status"]) == (
        "monitoring ended: the warning expired", "monitoring", "closed")
    assert entry.reason == ("The first written warning expired on 22 November 2026: continued monitoring ends and "
                            "the case closes")
    assert case.stages[-1].warning_expires_on == dt.date(2026, 11, 22)   # the history keeps the warning


def test_a_case_keeps_the_policy_version_it_was_opened_under(make_employee):
    # 2 occasions, 5 working days: under the council policy no trigger; under Bradford 2² × 5 = 20, its
    # informal band. Both employees have the same absences; only one has a case, opened under council-2019.
    with_case, without = make_employee(), make_employee()
    for employee in (with_case, without):
        absence(employee, dt.date(2026, 6, 10), dt.date(2026, 6, 12))
        absence(employee, dt.date(2026, 10, 14), dt.date(2026, 10, 15))
    case = stage_case(with_case, "absence_support", dt.date(2026, 9, 1), review=dt.date(2026, 12, 1))
    install_presets()
    Policy.objects.update(set__active=False)
    Policy.objects(key="bradford").update(set__active=True)
    assert active_policy().key == "bradford"
    assert scan(AS_OF, "test").actions == {"open_sts": 1}
    assert (case.reload().stage, case.version, len(case.stages)) == ("absence_support", 1, 1)
    opened = Case.objects(employee=without.pk).get()
    assert (opened.policy_key, opened.stage) == ("bradford", "absence_support")
    assert "Bradford score 20" in opened.stages[0].trigger_explanation
