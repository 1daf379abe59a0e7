"""A case's tasks: created from the policy's stage when the case opens or moves, to the supervisor or
the division's HR queue; the association gate; reassigning; waiting while the case is paused."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import Absence, Case
from documents.base import StaleEditError
from services.cases.outcomes import move_up
from services.cases.tasks import complete_task, hr_queue, reassign_task
from services.errors import Refused
from services.triggers import scan
from tests.app.test_triggers_apply import AS_OF, absence, stage_case

D = dt.date


@pytest.fixture
def boss(make_employee, make_user):
    boss = make_employee(first_name="Bea")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    return boss


@pytest.fixture
def frequent(make_employee, boss):
    employee = make_employee(supervisor_assignment_number=boss.assignment_number)
    for first in (D(2026, 2, 2), D(2026, 5, 11), D(2026, 8, 3), D(2026, 11, 2)):
        absence(employee, first, first)
    return employee


def test_an_opened_case_gets_its_stage_tasks_for_the_supervisor(frequent):
    scan(AS_OF, "test")
    case = Case.objects(employee=frequent.pk).get()
    assert [(task.kind, task.assignee, task.due_on, task.status) for task in case.tasks] == [
        ("associate_absences", "bea@example.org", D(2026, 11, 25), "open"),
        ("hold_meeting", "bea@example.org", D(2026, 12, 7), "open"),
        ("send_outcome_letter", "bea@example.org", D(2026, 12, 14), "open"),
    ]
    assert case.audit[0].after["open_tasks"] == 3


def test_without_a_supervisor_login_manager_tasks_go_to_the_hr_queue(make_employee):
    employee = make_employee()
    for first in (D(2026, 2, 2), D(2026, 5, 11), D(2026, 8, 3), D(2026, 11, 2)):
        absence(employee, first, first)
    scan(AS_OF, "test")
    case = Case.objects(employee=employee.pk).get()
    assert {task.assignee for task in case.tasks} == {hr_queue(employee.division)}


def test_moving_up_cancels_the_old_stage_tasks_and_adds_the_new_ones(frequent):
    case = stage_case(frequent, "formal_1", D(2026, 9, 1), review=D(2026, 12, 1), warning="first",
                      expires=D(2027, 3, 1))
    case.tasks.create(kind="hold_meeting", title="Hold the meeting", stage_key="formal_1",
                      assignee="bea@example.org", due_on=D(2026, 9, 20))
    case.save_checked()
    scan(AS_OF, "test")      # the scan makes the review meeting due and leaves the stage's tasks as they are
    case.reload()
    assert [(task.stage_key, task.kind, task.status) for task in case.tasks] == [
        ("formal_1", "hold_meeting", "open"), ("formal_1", "review_meeting", "open"),
        ("formal_1", "review_meeting", "open")]
    case.change("bea@example.org", "outcome recorded",
                lambda case: move_up(case, frequent, AS_OF, "bea@example.org", "Outcome of the review: moved on"))
    case.reload()
    assert [(task.stage_key, task.kind, task.status) for task in case.tasks][:4] == [
        ("formal_1", "hold_meeting", "cancelled"), ("formal_1", "review_meeting", "cancelled"),
        ("formal_1", "review_meeting", "cancelled"), ("formal_2", "associate_absences", "open")]
    assert {task.assignee for task in case.tasks if task.kind == "book_hr"} == {hr_queue(frequent.division)}


def test_only_the_association_can_be_completed_first(frequent):
    scan(AS_OF, "test")
    case = Case.objects(employee=frequent.pk).get()
    meeting = next(task for task in case.tasks if task.kind == "hold_meeting")
    with pytest.raises(Refused, match="Associate the absences with this stage first"):
        complete_task(case, meeting.id, "bea@example.org")
    assert Case.objects.get(pk=case.pk).version == case.version
    case.current_stage.associated_on = dt.datetime(2026, 11, 23, 10, 0)
    case.save_checked()
    with pytest.raises(Refused, match="Record the notes of the meeting"):
        complete_task(case, meeting.id, "bea@example.org")     # holding it is recorded with its notes
    letter = next(task for task in case.tasks if task.kind == "send_outcome_letter")
    with pytest.raises(Refused, match="Mark the letter as sent: that completes this task."):
        complete_task(case, letter.id, "bea@example.org")     # marking the letter as sent completes it
    contact = case.tasks.create(kind="contact", title="Keep in touch", stage_key=case.stage,
                                assignee="bea@example.org", due_on=D(2026, 11, 30))
    case.save_checked()
    complete_task(case, contact.id, "bea@example.org")
    saved = Case.objects.get(pk=case.pk)
    assert next(task for task in saved.tasks if task.id == contact.id).status == "done"
    assert (saved.audit[-1].action, saved.audit[-1].after["task_status"]) == ("task completed", "done")


def test_reassigning_records_who_had_it_and_refuses_a_stale_version(frequent, make_user):
    make_user("other@example.org", ["manager"], assignment_number=frequent.supervisor_assignment_number)
    make_user("third@example.org", ["hr"], hr_divisions=[frequent.division])
    scan(AS_OF, "test")
    case = Case.objects(employee=frequent.pk).get()
    task = case.tasks[0]
    seen = case.version
    reassign_task(case, task.id, "other@example.org", "hr@example.org", version=seen)
    saved = Case.objects.get(pk=case.pk)
    assert saved.tasks[0].assignee == "other@example.org"
    assert (saved.audit[-1].before["assignee"], saved.audit[-1].after["assignee"]) == ("bea@example.org",
                                                                                       "other@example.org")
    with pytest.raises(StaleEditError):
        reassign_task(saved, task.id, "third@example.org", "hr@example.org", version=seen)


@pytest.mark.parametrize("assignee", ["elsewhere@example.org", "hr-elsewhere@example.org", "hr:Secure Care"])
def test_a_task_goes_only_to_someone_who_may_open_the_case(frequent, make_employee, make_user, assignee):
    """My tasks names the employee: a manager of another team, HR of another division or its queue would see
    someone outside their part of the organisation."""
    stranger = make_employee(first_name="Stan", division="Secure Care")
    make_user("elsewhere@example.org", ["manager"], assignment_number=stranger.assignment_number)
    make_user("hr-elsewhere@example.org", ["hr"], hr_divisions=["Secure Care"])
    scan(AS_OF, "test")
    case = Case.objects(employee=frequent.pk).get()
    with pytest.raises(Refused, match="cannot open this case|Only the HR queue of Community Care"):
        reassign_task(case, case.tasks[0].id, assignee, "hr@example.org", version=case.version)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.version, saved.tasks[0].assignee) == (case.version, "bea@example.org")


def test_a_paused_case_without_a_long_term_case_resumes_with_its_due_dates_moved_on(frequent):
    # Off from Tuesday 3 November, long-term on 1 December; on Wednesday 2 December the short-term
    # trigger (four earlier occasions) opens a case paused at once, beside the long-term case.
    absence(frequent, D(2026, 11, 3), None)
    scan(D(2026, 12, 2), "test")
    sts = Case.objects(employee=frequent.pk, kind="STS").get()
    assert sts.paused and sts.paused_on == D(2026, 12, 2)
    assert [task.due_on for task in sts.tasks] == [D(2026, 12, 4), D(2026, 12, 16), D(2026, 12, 23)]
    # Back on Monday 14 December (last day off Friday 11th), the long-term case closed (here by hand):
    # resumed 12 days later, the due dates move 12 days on, to working days (Monday 28 December is the
    # Boxing Day bank holiday)
    Absence.objects(employee=frequent.pk, last_day=None).update(set__last_day=D(2026, 12, 11))
    Case.objects(employee=frequent.pk, kind="LTS").update(set__status="closed", set__closed_on=D(2026, 12, 14))
    scan(D(2026, 12, 14), "test")
    sts.reload()
    assert (sts.paused, sts.paused_on) == (False, None)
    assert [task.due_on for task in sts.tasks] == [D(2026, 12, 16), D(2026, 12, 29), D(2027, 1, 4)]
    assert sts.audit[-1].action == "case resumed"


def test_an_ended_absence_gets_a_reminder_that_completes_itself_with_the_interview(frequent, auth):
    from documents.absence import ReturnToWork
    from services.absences import after_absence_saved
    off = absence(frequent, D(2026, 11, 16), D(2026, 11, 20))   # back Monday 23rd; third working day Wed 25th
    after_absence_saved(frequent, AS_OF)
    off.reload()
    [reminder] = off.tasks
    assert (reminder.kind, reminder.assignee, reminder.due_on, reminder.status) == (
        "rtw_reminder", "bea@example.org", D(2026, 11, 25), "open")
    assert reminder.title == f"Return-to-work interview with {frequent.name}: back 23 November 2026"
    after_absence_saved(frequent, AS_OF)
    assert [task.id for task in off.reload().tasks] == [reminder.id]           # one reminder, not two
    Absence.objects(pk=off.pk).update_one(set__rtw=ReturnToWork(held_on=AS_OF, held_by="bea@example.org"))
    after_absence_saved(frequent, AS_OF)
    off.reload()
    assert [(task.status, task.completed_by) for task in off.tasks] == [("done", "system: interview recorded")]


def test_only_absences_ended_in_the_last_four_weeks_get_a_reminder(frequent):
    from services.absences import after_absence_saved
    after_absence_saved(frequent, AS_OF)
    # 2 November is 21 days before 23 November; 3 August and earlier are history
    assert [a.last_day for a in Absence.objects(employee=frequent.pk, tasks__kind="rtw_reminder")] == [D(2026, 11, 2)]


def test_the_long_term_case_closes_only_when_the_manager_confirms_the_return(frequent):
    from documents.absence import ReturnToWork
    from services.absences import after_absence_saved
    from services.cases.tasks import CONFIRM_RESUMED, confirm_resumed
    long = absence(frequent, D(2026, 11, 3), None)
    scan(D(2026, 12, 2), "test")
    lts = Case.objects(employee=frequent.pk, kind="LTS").get()
    sts = Case.objects(employee=frequent.pk, kind="STS").get()
    assert sts.paused
    with pytest.raises(Refused, match="still off sick"):
        confirm_resumed(lts, "bea@example.org", D(2026, 12, 2))
    Absence.objects(pk=long.pk).update_one(set__last_day=D(2026, 12, 11))
    after_absence_saved(frequent, D(2026, 12, 14))
    lts.reload()
    assert lts.status == "open" and not any(task.kind == CONFIRM_RESUMED for task in lts.tasks)
    with pytest.raises(Refused, match="Record the return-to-work interview first"):
        confirm_resumed(lts, "bea@example.org", D(2026, 12, 14))
    # the engine leaves the short-term case paused while the long-term case is open
    assert Case.objects.get(pk=sts.pk).paused
    Absence.objects(pk=long.pk).update_one(set__rtw=ReturnToWork(held_on=D(2026, 12, 14), held_by="bea@example.org"))
    after_absence_saved(frequent, D(2026, 12, 14))
    lts.reload()
    [confirm] = [task for task in lts.tasks if task.kind == CONFIRM_RESUMED]
    assert (confirm.assignee, confirm.due_on, confirm.status) == ("bea@example.org", D(2026, 12, 16), "open")
    after_absence_saved(frequent, D(2026, 12, 14))
    assert len([task for task in lts.reload().tasks if task.kind == CONFIRM_RESUMED]) == 1
    with pytest.raises(Refused, match="Confirm that they have resumed work"):   # ticking it off is not confirming
        complete_task(lts, confirm.id, "bea@example.org")
    confirm_resumed(lts, "bea@example.org", D(2026, 12, 14))
    lts.reload()
    assert (lts.status, lts.closed_on, lts.audit[-1].action) == ("closed", D(2026, 12, 14),
                                                                 "case closed: employee resumed")
    assert not lts.open_tasks() and next(t for t in lts.tasks if t.kind == CONFIRM_RESUMED).status == "done"
    sts.reload()
    assert (sts.paused, sts.audit[-1].action) == (False, "case resumed")
    assert [task.due_on for task in sts.open_tasks()] == [D(2026, 12, 16), D(2026, 12, 29), D(2027, 1, 4)]


def test_a_long_term_case_gets_tasks_ahead_of_each_change_of_pay(make_employee, boss):
    # Started 2015 (11 completed years: NJC 6 months full + 6 half); off from Tuesday 3 November 2026,
    # no earlier sickness: half pay from 3 May 2027, nil pay from 3 November 2027, 28 weeks on 18 May 2027.
    worker = make_employee(supervisor_assignment_number=boss.assignment_number, start_date=D(2015, 4, 1))
    absence(worker, D(2026, 11, 3), None, "infections")
    scan(D(2026, 12, 2), "test")
    lts = Case.objects(employee=worker.pk, kind="LTS").get()
    ahead = {task.kind: (task.due_on, task.title) for task in lts.tasks if task.stage_key is None}
    assert ahead == {
        "half_pay": (D(2027, 4, 19), f"Tell {worker.name} in writing that their pay moves to half pay on 3 May 2027"),
        "ssp_notice": (D(2027, 5, 11), f"Send {worker.name} the statutory sick pay notice: 28 weeks off on "
                                       f"18 May 2027"),
        "nil_pay": (D(2027, 10, 20), f"Tell {worker.name} in writing that their pay stops (nil pay) on "
                                     f"3 November 2027")}


def test_a_stress_absence_gets_an_oh_referral_task_that_completes_with_the_referral(make_employee, boss):
    from services.absences import after_absence_saved
    worker = make_employee(supervisor_assignment_number=boss.assignment_number)
    off = absence(worker, D(2026, 11, 16), None, "mental_health")
    summary = scan(AS_OF, "test")
    assert summary.actions["oh_referral"] == 1 and scan(AS_OF, "test").actions["oh_referral"] == 0
    [task] = off.reload().tasks
    assert (task.kind, task.assignee, task.due_on) == ("oh_referral", "bea@example.org", D(2026, 11, 24))
    assert "mental" not in task.title and task.title.startswith(f"Refer {worker.name} to occupational health")
    Absence.objects(pk=off.pk).update_one(set__oh_referral_on=AS_OF)
    after_absence_saved(worker, AS_OF)
    assert [(t.status, t.completed_by) for t in off.reload().tasks] == [("done", "system: referral recorded")]


@pytest.mark.parametrize("reason", ["mental_health", "musculoskeletal", "back_neck"])
def test_the_referral_task_and_its_e_mail_say_nothing_of_the_reason(app, inbox, make_employee, boss, reason):
    """Only some reasons are referred at once: a title saying so ("the policy refers this absence at once") tells
    the reader the reason. The title and the reminder's subject read the same whatever the reason."""
    worker = make_employee(supervisor_assignment_number=boss.assignment_number)
    off = absence(worker, D(2026, 11, 16), None, reason)
    scan(AS_OF, "test")
    [task] = off.reload().tasks
    assert task.title == f"Refer {worker.name} to occupational health (absence from 16 November 2026)"
    assert app.test_cli_runner().invoke(args=["notify", "send", "--date", "2026-11-24"]).exit_code == 0
    [subject] = [subject for _, subject in inbox.subjects() if "occupational health" in subject]
    assert subject == f"Casebook: {task.title}"
    words = {"once", "policy", "stress", "mental", "musculo", "back", "neck", "depress"}
    assert not any(word in subject.lower() for word in words), subject
