"""Limits every form shares, each once a 500: a date Casebook cannot count from (before 1900, after 2200), a
version that is no plain number, a month link at the calendar's ends, and a refusal whose field the page does
not show."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import Absence, Case
from documents.case import Stage
from services import clock
from services.triggers import install_presets
from tests.conftest import csrf_token

OUT_OF_RANGE = "Enter a date between 1 January 1900 and 31 December 2200."


@pytest.fixture
def people(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("people", lambda: build_people(make_employee, make_user))


def build_people(make_employee, make_user):
    """Bea manages Wes, who has a short-term case at its first stage; Ada is an administrator."""
    install_presets()
    bea = make_employee(first_name="Bea", last_name="Boss")
    wes = make_employee(first_name="Wes", last_name="Walker", supervisor_assignment_number=bea.assignment_number)
    make_user("bea@example.org", ["manager"], assignment_number=bea.assignment_number, name="Bea Boss")
    make_user("admin@example.org", ["admin"])
    today = clock.today()
    case = Case(employee=wes.pk, assignment_number=wes.assignment_number, division=wes.division,
                manager_path=wes.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
                stage="formal_1", opened_on=today, stages=[Stage(key="formal_1", entered_on=today)])
    case.save_checked()
    return {"wes": wes, "case": case}


def error_beside(html: str, field: str) -> str:
    start = html.index(f'id="{field}-error"')
    return html[start:html.index("</span>", html.index("</span>", start) + 1)]


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_a_date_too_far_away_is_refused_beside_its_field(auth, people, day):
    auth.login("bea@example.org")
    page = f"/employees/{people['wes'].assignment_number}/absences/new"
    response = auth.client.post(page, data={"csrf_token": csrf_token(auth.client.get(page).get_data(as_text=True)),
                                            "first_day": day, "reason_category": "infections"})
    assert response.status_code == 400 and OUT_OF_RANGE in error_beside(response.get_data(as_text=True), "first_day")
    assert Absence.objects.count() == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_scan_or_a_report_date_too_far_away_is_refused_too(auth, people, day):
    auth.login("admin@example.org")
    scan = auth.client.get("/triggers/scan").get_data(as_text=True)
    refused = auth.client.post("/triggers/scan", data={"csrf_token": csrf_token(scan), "as_of": day})
    assert refused.status_code == 400 and OUT_OF_RANGE in error_beside(refused.get_data(as_text=True), "as_of")
    report = auth.client.get("/reports/board", query_string={"start": "2026-01-01", "end": day})
    assert report.status_code == 400 and OUT_OF_RANGE in error_beside(report.get_data(as_text=True), "end")


@pytest.mark.parametrize("version", ["²", "٣", "9" * 5000, "99999999999999999999", "-1", "1e3"])
def test_a_version_that_is_no_plain_number_is_not_a_500(auth, people, version):
    """"²" passes str.isdigit() but not int(); a huge number is no version MongoDB can compare."""
    case = people["case"]
    auth.login("bea@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    response = auth.client.post(f"/cases/{case.pk}/notes", data={"csrf_token": csrf_token(html), "version": version,
                                                                 "text": "Spoke to Wes."})
    assert response.status_code == 302
    assert [note.text for note in Case.objects.get(pk=case.pk).notes] == ["Spoke to Wes."]


@pytest.mark.parametrize("month", ["0001-01", "1900-01", "2200-12", "9999-12", "0000-00"])
def test_the_team_calendar_at_the_ends_of_time_shows_this_month(auth, people, month):
    auth.login("bea@example.org")
    response = auth.client.get("/team/calendar", query_string={"month": month})
    assert response.status_code == 200
    shown = dt.date.fromisoformat(month + "-01") if month in ("1900-01", "2200-12") else clock.today()
    assert f"Team calendar – {shown:%B %Y}" in response.get_data(as_text=True)


def test_an_error_whose_field_the_case_page_does_not_show_is_said_at_the_top(auth, people):
    """A short-term case shows no "slow the case down" form: its errors once vanished, leaving a 400 page with no
    message."""
    case = people["case"]
    auth.login("admin@example.org")
    html = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert 'name="snooze_reason"' not in html
    response = auth.client.post(f"/cases/{case.pk}/snooze", data={"csrf_token": csrf_token(html),
                                                                  "version": case.version})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="flash-problem-title"' in page
    assert "Say why the case should slow down." in page
    assert Case.objects.get(pk=case.pk).version == case.version


@pytest.mark.parametrize("url", ["/policies/council-2019/9223372036854775808", "/policies/council-2019/2147483648/edit",
                                 "/policies/council-2019/" + "9" * 30 + "/policy.toml"])
def test_a_number_in_a_url_too_large_to_compare_is_not_found(auth, people, url):
    """MongoDB cannot compare an integer past 8 bytes (OverflowError, a 500): such a URL matches no route."""
    auth.login("admin@example.org")
    response = auth.client.get(url)
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_a_revision_too_large_in_the_query_is_ignored(auth, people):
    auth.login("admin@example.org")
    page = auth.client.get("/policies/new").get_data(as_text=True)
    response = auth.client.post("/policies/paste?key=council-2019&revision=9223372036854775808",
                                data={"paste-csrf_token": csrf_token(page), "paste-text": "not toml ["})
    assert response.status_code == 400
