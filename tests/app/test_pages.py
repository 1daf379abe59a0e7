"""The first pages: a manager's team, HR's employee list, an employee's page."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import Absence, Case
from services import clock


@pytest.fixture
def team(make_employee, make_user):
    boss = make_employee(first_name="Bea", last_name="Boss", job_title="Ward manager")
    off = make_employee(first_name="Olly", last_name="Off", supervisor_assignment_number=boss.assignment_number)
    here = make_employee(first_name="Hana", last_name="Here", supervisor_assignment_number=boss.assignment_number)
    deep = make_employee(first_name="Dee", last_name="Deep", supervisor_assignment_number=off.assignment_number)
    today = clock.today()
    Absence(employee=off.pk, assignment_number=off.assignment_number, first_day=today - dt.timedelta(days=3),
            reason_category="infections", reason_detail="Flu with a high temperature").save_checked()
    Absence(employee=here.pk, assignment_number=here.assignment_number, first_day=dt.date(2026, 1, 5),
            last_day=dt.date(2026, 1, 7), reason_category="back_neck", reason_detail="Slipped disc").save_checked()
    Case(employee=off.pk, assignment_number=off.assignment_number, division=off.division,
         manager_path=off.manager_path, kind="LTS", policy_key="council-2019", policy_revision=1,
         stage="lts_welfare", opened_on=today).save_checked()
    make_user("boss@example.org", ["manager"], assignment_number=boss.assignment_number)
    make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
    return {"boss": boss, "off": off, "here": here, "deep": deep}


def row_of(page: str, name: str) -> str:
    start = page.index(name)
    return page[start:page.index("</tr>", start)]


def test_manager_home_lists_direct_reports_with_today_and_cases(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get("/team").get_data(as_text=True)
    assert "Direct reports (2)" in page
    assert "Off sick" in row_of(page, "Olly Off") and "LTS" in row_of(page, "Olly Off")
    assert "At work" in row_of(page, "Hana Here") and "None" in row_of(page, "Hana Here")
    assert "Dee Deep" not in page


def test_manager_home_everyone_shows_who_each_reports_to(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get("/team?show=all").get_data(as_text=True)
    assert "Everyone below you (3)" in page
    assert "Olly Off" in row_of(page, "Dee Deep")


def test_team_htmx_request_gets_the_fragment_only(team, auth):
    auth.login("boss@example.org")
    response = auth.client.get("/team?show=all", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="team-members"' in body
    assert "HX-Request" in response.headers["Vary"]


def test_boosted_htmx_request_gets_the_whole_page(team, auth):
    auth.login("boss@example.org")
    body = auth.client.get("/team", headers={"HX-Request": "true", "HX-Boosted": "true"}).get_data(as_text=True)
    assert "<html" in body


def test_hr_search_by_name_and_assignment(team, auth):
    auth.login("hr@example.org")
    by_name = auth.client.get("/employees?q=olly").get_data(as_text=True)
    assert "1 employee matching" in by_name and "Off, Olly" in by_name
    by_number = auth.client.get(f"/employees?q={team['deep'].assignment_number}",
                                headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in by_number and "Deep, Dee" in by_number


def test_hr_search_treats_input_as_text_not_a_pattern(team, auth):
    auth.login("hr@example.org")
    assert auth.client.get("/employees?q=.*").status_code == 200
    assert "0 employees matching" in auth.client.get("/employees?q=.*").get_data(as_text=True)


def test_hr_list_pages(app, make_employee, make_user, auth):
    for number in range(app.config["PAGE_SIZE"] + 5):
        make_employee(last_name=f"Zed{number:03d}")
    make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
    auth.login("hr@example.org")
    first = auth.client.get("/employees").get_data(as_text=True)
    second = auth.client.get("/employees?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in first and "Zed000" in first and "Zed054" not in first
    assert "Zed054" in second and "Zed000" not in second
    assert auth.client.get("/employees?page=x").status_code == 200


def test_employee_page_shows_details_history_and_cases_but_not_medical_detail(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get(f"/employees/{team['off'].assignment_number}").get_data(as_text=True)
    assert "Olly Off" in page and "Bea Boss" in page and "Mon Tue Wed Thu Fri" in page
    assert "Infections (colds, flu)" in page and "Still off" in page
    assert "lts welfare" in page
    assert "Flu with a high temperature" not in page
    other = auth.client.get(f"/employees/{team['here'].assignment_number}").get_data(as_text=True)
    assert "5 Jan 2026" in other and "7 Jan 2026" in other and "Slipped disc" not in other


def test_unknown_page_is_a_friendly_404(team, auth):
    auth.login("boss@example.org")
    response = auth.client.get("/no-such-page")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_server_errors_show_no_stack_trace(app, team, auth, monkeypatch):
    import blueprints.team as team_module

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(team_module, "absent_on", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        auth.login("boss@example.org")
        response = auth.client.get("/team")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong" in body
    assert "internal detail" not in body and "Traceback" not in body


def test_team_calendar_shows_who_is_off_this_month(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get("/team/calendar").get_data(as_text=True)
    assert "Who is off sick" in page and "Olly Off" in page and "Hana Here" in page
    assert "cb-day--off" in page and "still off" in page
    january = auth.client.get("/team/calendar?month=2026-01").get_data(as_text=True)
    assert "Hana Here: 5 Jan 2026 to 7 Jan 2026" in january
    assert auth.client.get("/team/calendar?month=garbage").status_code == 200
    everyone = auth.client.get("/team/calendar?show=all").get_data(as_text=True)
    assert "Dee Deep" in everyone and "Dee Deep" not in page
