"""The case page: who may see it, the association gate where the user clicks, associating, completing,
reassigning, a stale version refused with nothing lost, htmx swaps in place."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from documents import Case
from services import clock
from services.cases.outcomes import OutcomeChoice, record_outcome
from services.triggers import scan
from tests.app.test_triggers_apply import absence
from tests.conftest import csrf_token

D = dt.date
TODAY = clock.today()


@pytest.fixture
def team(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("team", lambda: build_team(make_employee, make_user))


def build_team(make_employee, make_user):
    boss = make_employee(first_name="Bea")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    worker = make_employee(first_name="Wes", supervisor_assignment_number=boss.assignment_number)
    # four one-day absences on the Wednesdays of weeks 40, 30, 20 and 2 before today (none near a week edge)
    wednesday = TODAY - dt.timedelta(days=(TODAY.weekday() - 2) % 7)
    days = [wednesday - dt.timedelta(weeks=weeks) for weeks in (40, 30, 20, 2)]
    records = [absence(worker, day, day) for day in days]
    scan(TODAY, "test")
    other = make_employee(first_name="Olu")
    make_user("olu@example.org", ["manager"], assignment_number=other.assignment_number)
    make_user("hr@example.org", ["hr"], hr_divisions=[worker.division])
    make_user("support@example.org", ["support"])
    return {"case": Case.objects(employee=worker.pk).get(), "worker": worker, "absences": records}


def page(auth, case):
    return auth.client.get(f"/cases/{case.pk}")


def test_who_may_see_the_case(auth, team):
    case = team["case"]
    for login, status in (("bea@example.org", 200), ("hr@example.org", 200), ("support@example.org", 200),
                          ("olu@example.org", 404)):
        auth.login(login)
        assert page(auth, case).status_code == status, login
        auth.logout()
    assert page(auth, case).status_code == 302   # signed out: to the login page


def test_the_page_says_to_associate_first_and_completing_another_task_is_refused(auth, team):
    case = team["case"]
    auth.login("bea@example.org")
    html = page(auth, case).get_data(as_text=True)
    assert "Wes" in html and "Absence Support Meeting" in html
    assert "Until they are associated, no other task of this stage can be completed" in html
    assert html.count("Associate the absences first") == 2     # the meeting and the letter wait
    meeting = next(task for task in case.tasks if task.kind == "hold_meeting")
    refused = auth.client.post(f"/cases/{case.pk}/tasks/{meeting.id}/complete",
                               data={"csrf_token": csrf_token(html), "version": case.version})
    assert refused.status_code == 400
    assert "Associate the absences with this stage first" in refused.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).version == case.version


def test_associating_pre_ticks_the_trigger_absences_and_unlocks_the_stage(auth, team):
    case = team["case"]
    auth.login("bea@example.org")
    html = page(auth, case).get_data(as_text=True)
    ticked = re.findall(r'name="absence_ids" type="checkbox" value="(\w+)" checked', html)
    assert sorted(ticked) == sorted(str(a.pk) for a in team["absences"])
    none = auth.client.post(f"/cases/{case.pk}/association", data={"csrf_token": csrf_token(html),
                                                                  "version": case.version})
    assert none.status_code == 400 and "Choose at least one absence" in none.get_data(as_text=True)
    done = auth.client.post(f"/cases/{case.pk}/association", data={
        "csrf_token": csrf_token(html), "version": case.version, "absence_ids": ticked})
    assert done.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert sorted(str(s.absence_id) for s in saved.current_stage.associated) == sorted(ticked)
    assert [s.working_days for s in saved.current_stage.associated] == [1, 1, 1, 1]
    assert saved.current_stage.associated_by == "bea@example.org"
    assert next(t for t in saved.tasks if t.kind == "associate_absences").status == "done"
    assert saved.audit[-1].action == "absences associated"
    meeting = next(task for task in saved.tasks if task.kind == "hold_meeting")
    held = auth.client.post(f"/cases/{case.pk}/tasks/{meeting.id}/complete",
                            data={"csrf_token": csrf_token(html), "version": saved.version})
    assert held.status_code == 400 and "Record the notes of the meeting" in held.get_data(as_text=True)
    letter = next(task for task in saved.tasks if task.kind == "send_outcome_letter")
    by_hand = auth.client.post(f"/cases/{case.pk}/tasks/{letter.id}/complete",
                               data={"csrf_token": csrf_token(html), "version": saved.version})
    assert by_hand.status_code == 400
    assert "Mark the letter as sent: that completes this task." in by_hand.get_data(as_text=True)
    contact = saved.tasks.create(kind="contact", title="Keep in touch", stage_key=saved.stage,
                                 assignee="bea@example.org", due_on=TODAY)
    saved.save_checked()
    after = auth.client.post(f"/cases/{case.pk}/tasks/{contact.id}/complete",
                             data={"csrf_token": csrf_token(html), "version": saved.version})
    assert after.status_code == 302
    assert next(t for t in Case.objects.get(pk=case.pk).tasks if t.id == contact.id).status == "done"


def test_a_change_from_an_old_page_is_refused_and_nothing_is_lost(auth, team):
    case = team["case"]
    auth.login("bea@example.org")
    html = page(auth, case).get_data(as_text=True)
    ids = [str(a.pk) for a in team["absences"]]
    assert auth.client.post(f"/cases/{case.pk}/association", data={
        "csrf_token": csrf_token(html), "version": case.version, "absence_ids": ids}).status_code == 302
    stale = auth.client.post(f"/cases/{case.pk}/association", data={
        "csrf_token": csrf_token(html), "version": case.version, "absence_ids": ids[:1]})
    assert stale.status_code == 400 and "Someone else changed this record" in stale.get_data(as_text=True)
    assert len(Case.objects.get(pk=case.pk).current_stage.associated) == 4


def folds(html: str) -> dict[str, bool]:
    """The case page's folded forms (templates/cases/_macros.html, fold): {id: shown open}."""
    return {fold: bool(shown) for fold, shown in
            re.findall(r'<details class="nhsuk-details cb-fold" id="([\w-]+)"( open)?>', html)}


def test_forms_are_folded_unless_next_or_sent_back(auth, team):
    """Issue 19: the case page shows the case and its next step; the forms that are not the next step fold away
    under what they do, and a form that comes back, refused or with its problems, is shown open."""
    case = team["case"]
    auth.login("bea@example.org")
    html = page(auth, case).get_data(as_text=True)
    assert folds(html) == {"progress-request-form": False, "flag-form": False, "note-form": False}
    assert 'name="absence_ids"' in html.split('id="case-association"')[1].split("</details>")[0]  # next: not folded
    empty = auth.client.post(f"/cases/{case.pk}/notes", data={"csrf_token": csrf_token(html), "version": case.version,
                                                             "text": ""})
    assert empty.status_code == 400 and folds(empty.get_data(as_text=True))["note-form"] is True
    ids = [str(a.pk) for a in team["absences"]]
    assert auth.client.post(f"/cases/{case.pk}/association", data={
        "csrf_token": csrf_token(html), "version": case.version, "absence_ids": ids}).status_code == 302
    associated = page(auth, case).get_data(as_text=True)
    assert folds(associated)["association-form"] is False and folds(associated)["outcome-form"] is False
    stale = auth.client.post(f"/cases/{case.pk}/association", data={
        "csrf_token": csrf_token(html), "version": case.version, "absence_ids": ids[:1]})
    assert stale.status_code == 400 and folds(stale.get_data(as_text=True))["association-form"] is True


def test_htmx_gets_the_page_to_swap_the_case_in_place(auth, team):
    case = team["case"]
    auth.login("bea@example.org")
    html = page(auth, case).get_data(as_text=True)
    assert 'hx-target="#case-page" hx-select="#case-page"' in html
    answer = auth.client.post(f"/cases/{case.pk}/association", headers={"HX-Request": "true"}, data={
        "csrf_token": csrf_token(html), "version": case.version, "absence_ids": [str(team["absences"][0].pk)]},
        follow_redirects=True)
    assert answer.status_code == 200 and 'id="case-page"' in answer.get_data(as_text=True)
    assert "Absences associated with the stage" in answer.get_data(as_text=True)


def test_hr_reassigns_a_task_and_a_manager_may_not(auth, team, make_user):
    case = team["case"]
    task = case.tasks[1]
    make_user("cover@example.org", ["manager"], assignment_number=team["worker"].supervisor_assignment_number)
    auth.login("bea@example.org")
    html = page(auth, case).get_data(as_text=True)
    assert "Give to someone else" not in html
    assert auth.client.post(f"/cases/{case.pk}/tasks/{task.id}/reassign", data={
        "csrf_token": csrf_token(html), "version": case.version, "assignee": "cover@example.org"}).status_code == 403
    auth.logout()
    auth.login("hr@example.org")
    html = page(auth, case).get_data(as_text=True)
    unknown = auth.client.post(f"/cases/{case.pk}/tasks/{task.id}/reassign", data={
        "csrf_token": csrf_token(html), "version": case.version, "assignee": "nobody@example.org"})
    assert unknown.status_code == 400 and "No one can sign in as nobody@example.org" in unknown.get_data(as_text=True)
    # the problem is said once, beside that task's field, which the summary's link reaches (the fold open)
    sent_back = unknown.get_data(as_text=True)
    assert sent_back.count('<span class="nhsuk-u-visually-hidden">Error:</span> No one can sign in') == 1
    assert 'href="#assignee"' in sent_back and 'id="assignee"' in sent_back and 'id="assignee-error"' in sent_back
    moved = auth.client.post(f"/cases/{case.pk}/tasks/{task.id}/reassign", data={
        "csrf_token": csrf_token(html), "version": case.version, "assignee": "Cover@example.org"})
    assert moved.status_code == 302
    assert Case.objects.get(pk=case.pk).tasks[1].assignee == "cover@example.org"


def test_support_reads_the_case_without_buttons(auth, team):
    auth.login("support@example.org")
    html = page(auth, team["case"]).get_data(as_text=True)
    assert "Mark as done" not in html and "Associate these absences" not in html


def test_the_letter_left_on_a_case_closed_by_improvement_is_made_from_the_letters(auth, team):
    case = team["case"]
    Case.objects(pk=case.pk).update_one(set__stages__0__associated_on=dt.datetime(2026, 1, 1))
    record_outcome(Case.objects.get(pk=case.pk), team["worker"], OutcomeChoice("improved", TODAY), "bea@example.org",
                   TODAY)
    closed = Case.objects.get(pk=case.pk)
    [letter] = closed.open_tasks()
    assert (closed.status, letter.kind) == ("closed", "send_closing_letter")
    auth.login("bea@example.org")
    html = page(auth, closed).get_data(as_text=True)
    assert "Mark as done" not in html and html.count('<a href="#letters">Make the letter</a>') == 1
    assert "Arrange the meeting" not in html and "Check the dates" not in html and "Flag: " not in html
    by_hand = auth.client.post(f"/cases/{case.pk}/tasks/{letter.id}/complete",
                               data={"csrf_token": csrf_token(html), "version": closed.version})
    assert by_hand.status_code == 400
    assert "Mark the letter as sent: that completes this task." in by_hand.get_data(as_text=True)
    assert Case.objects.get(pk=case.pk).open_tasks()[0].id == letter.id
