"""Counting as the policy counts (issue 16), through the pages and the API: protected absences shown but never
counted, a part-timer's working weeks, several long-term absences, long-term in the evaluation on any date.

Dates: the council preset (council-2019); TODAY is Monday 23 November 2026."""
from __future__ import annotations

import datetime as dt
import html

import pytest

from documents import Absence, ApiToken, Case
from services import clock
from services.triggers import reevaluate
from tests.conftest import csrf_token

D = dt.date
TODAY = D(2026, 11, 23)
WEDNESDAYS = [D(2026, 2, 4), D(2026, 5, 13), D(2026, 8, 12), D(2026, 10, 14)]


@pytest.fixture(autouse=True)
def today():
    with clock.frozen(TODAY):
        yield


def off(employee, first: dt.date, last: dt.date | None, reason: str = "infections", **flags) -> Absence:
    record = Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=first,
                     last_day=last, reason_category=reason, reason_detail="Private medical words", **flags)
    record.save_checked()
    return record


@pytest.fixture
def hr(make_user, auth):
    make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
    auth.login("hr@example.org")
    return auth.client


def text(client, url: str) -> str:
    return " ".join(html.unescape(client.get(url).get_data(as_text=True)).split())


def test_pregnancy_related_absences_are_shown_but_never_counted(make_employee, hr):
    # Equality Act 2010, section 18; council paragraph 7 names pregnancy among the "pertinent factors": four one-day
    # absences flagged pregnancy-related opened a case under council-2019 before; now they open nothing.
    person = make_employee(first_name="Priya")
    for day in WEDNESDAYS:
        off(person, day, day, pregnancy_related=True)
    assert reevaluate(person, TODAY, "test") == [] and Case.objects.count() == 0
    page = text(hr, f"/employees/{person.assignment_number}")
    assert page.count("Not counted: pregnancy-related") == 4
    assert "left out here: 4 pregnancy-related absences (Equality Act 2010, section 18)" in page
    assert "No trigger reached." in page
    # one set of figures, the policy's (issue 19): no second count of every absence beside them
    assert "<dt>Occasions</dt>" not in page


def test_a_part_timers_two_working_weeks_are_six_of_their_days(make_employee, hr):
    # Council paragraph 7: "an aggregate of 2 working weeks". Tue–Thu: Tue 3 – Thu 19 March 2026 = 3 weeks × 3 = 9
    # working days ≥ 2 × 3 = 6: a case opens (it needed 10 before). A full-timer off the same 9 weekdays does not.
    part_timer = make_employee(first_name="Tess", working_days=["Tue", "Wed", "Thu"], fte=0.6)
    full_timer = make_employee(first_name="Fay")
    off(part_timer, D(2026, 3, 3), D(2026, 3, 19))
    off(full_timer, D(2026, 3, 2), D(2026, 3, 12))   # Mon 2 – Thu 12 March: 9 working days < 10
    assert reevaluate(part_timer, TODAY, "test") == ["open_sts"]
    assert reevaluate(full_timer, TODAY, "test") == []
    page = text(hr, f"/employees/{part_timer.assignment_number}")
    assert "9 working days lost in the 12 months to 23 November 2026 (trigger: 6 or more: 2 of their working weeks " \
           "of 3 days)" in page


def test_several_long_term_absences_ask_the_manager_to_consider_the_short_term_procedure(make_employee, make_user,
                                                                                          auth):
    # Council paragraph 17: several periods of long-term sickness are dealt with as frequent short-term absences.
    # Three 35-day absences in the year: 5 Jan – 8 Feb, 4 May – 7 Jun, 3 Aug – 6 Sep 2026.
    boss = make_employee(first_name="Bea", last_name="Boss")
    person = make_employee(first_name="Lou", supervisor_assignment_number=boss.assignment_number)
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    spells = [off(person, first, last) for first, last in (
        (D(2026, 1, 5), D(2026, 2, 8)), (D(2026, 5, 4), D(2026, 6, 7)), (D(2026, 8, 3), D(2026, 9, 6)))]
    assert reevaluate(person, TODAY, "test") == []          # no stage moves: a task to consider, never a case
    assert Case.objects.count() == 0
    latest = Absence.objects.get(pk=spells[-1].pk)
    [task] = latest.tasks
    assert (task.kind, task.assignee, task.status) == ("consider_sts", "bea@example.org", "open")
    assert task.title == (f"Consider the short-term procedure for {person.name}: 3 long-term absences (from "
                          f"5 Jan 2026, 4 May 2026, 3 Aug 2026)")
    assert latest.audit[-1].action == "short-term procedure to consider"
    assert "3 long-term absences in the 12 months to 23 November 2026" in latest.audit[-1].reason
    reevaluate(person, TODAY, "test")                        # once only
    assert len(Absence.objects.get(pk=latest.pk).tasks) == 1

    auth.login("bea@example.org")
    tasks = text(auth.client, "/tasks")
    assert task.title in tasks and "Considered, no action: mark complete" in tasks
    assert "Start the short-term procedure" in tasks
    page = text(auth.client, f"/employees/{person.assignment_number}")
    assert "Several periods of long-term sickness: consider the short-term procedure (paragraph 17)" in page
    token = csrf_token(auth.client.get("/tasks").get_data(as_text=True))
    response = auth.client.post(f"/absences/{latest.pk}/tasks/{task.id}/complete", data={"csrf_token": token})
    assert response.status_code == 302
    done = Absence.objects.get(pk=latest.pk)
    assert done.tasks[0].status == "done" and done.tasks[0].completed_by == "bea@example.org"
    assert (done.audit[-1].actor, done.audit[-1].action) == ("bea@example.org", "short-term procedure considered")


def test_the_evaluation_reports_long_term_whether_or_not_a_case_is_open(client, make_employee):
    # Off since Mon 26 October 2026: on 22 November 28 days (not yet), on 23 November 29 days (long-term).
    person = make_employee(first_name="Len")
    off(person, D(2026, 10, 26), None)
    secret = ApiToken.issue("reader", ["read"])[1]

    def evaluation(as_of: str) -> dict:
        response = client.get(f"/api/v1/employees/{person.assignment_number}/evaluation?as_of={as_of}",
                              headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200
        return response.get_json()

    assert "long_term" not in [rule["rule"] for rule in evaluation("2026-11-22")["fired"]]
    assert reevaluate(person, TODAY, "test") == ["open_lts"]     # the long-term case is now open
    body = evaluation("2026-11-23")
    assert {"rule": "long_term", "explanation": "Off since 26 October 2026, 29 calendar days to 23 November 2026, "
            "over the 28 days after which an absence is long-term (long-term from 23 November 2026)"} in body["fired"]
    assert "open_lts" not in [action["kind"] for action in body["actions"]]
    later = evaluation("2026-12-20")
    assert any(rule["rule"] == "long_term" and "56 calendar days" in rule["explanation"] for rule in later["fired"])


def test_the_manager_may_start_the_short_term_procedure_from_the_task(make_employee, make_user, auth):
    # The same three 35-day absences; Bea decides to start the procedure: a short-term case opens at the absence
    # support meeting with those absences as its trigger, and the task is done. A second click changes nothing.
    boss = make_employee(first_name="Bea", last_name="Boss")
    person = make_employee(first_name="Lou", supervisor_assignment_number=boss.assignment_number)
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    spells = [off(person, first, last) for first, last in (
        (D(2026, 1, 5), D(2026, 2, 8)), (D(2026, 5, 4), D(2026, 6, 7)), (D(2026, 8, 3), D(2026, 9, 6)))]
    reevaluate(person, TODAY, "test")
    [task] = Absence.objects.get(pk=spells[-1].pk).tasks
    auth.login("bea@example.org")
    url = f"/absences/{spells[-1].pk}/tasks/{task.id}/start-short-term"
    response = auth.client.post(url, data={"csrf_token": csrf_token(auth.client.get("/tasks").get_data(as_text=True))})
    [case] = Case.objects(employee=person.pk)
    assert response.headers["Location"] == f"/cases/{case.pk}"
    assert (case.kind, case.status, case.stage) == ("STS", "open", "absence_support")
    assert case.stages[0].trigger_explanation.startswith(
        "Started by Bea at Absence Support Meeting after several long-term absences: 3 long-term "
        "absences in the 12 months to 23 November 2026")
    assert sorted(case.stages[0].trigger_figures["absence_ids"]) == sorted(str(spell.pk) for spell in spells)
    assert case.audit[-1].actor == "bea@example.org" and case.open_tasks()
    done = Absence.objects.get(pk=spells[-1].pk)
    assert done.tasks[0].status == "done" and done.audit[-1].action == "short-term procedure started"
    again = auth.client.post(url, data={"csrf_token": csrf_token(auth.client.get("/tasks").get_data(as_text=True))},
                             follow_redirects=True)
    assert "That task is no longer open: nothing was changed." in html.unescape(again.get_data(as_text=True))
    assert Case.objects(employee=person.pk).count() == 1
