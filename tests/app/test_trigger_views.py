"""Seeing the trigger engine: the team page's figures and trigger column, the employee page's policy section."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from markupsafe import escape

from casework.absences import long_date
from casework.calendar import add_months, is_bank_holiday, rolling_window
from documents import Absence
from services import clock
from services.reads.evaluations import evaluations_for
from services.triggers import evaluate_employee

TODAY = clock.today()


def quiet_day(near: dt.date, weekday: int = 2) -> dt.date:
    """The `weekday` (Wednesday by default) on or before `near` with no bank holiday on it or either side."""
    day = near - dt.timedelta(days=(near.weekday() - weekday) % 7)
    while any(is_bank_holiday(day + dt.timedelta(days=step), "ENG") for step in (-3, -2, -1, 0, 1)):
        day -= dt.timedelta(weeks=1)
    return day


def absence(employee, first: dt.date, last: dt.date | None, reason: str = "infections") -> Absence:
    record = Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=first,
                     last_day=last, reason_category=reason, reason_detail="Private medical words")
    record.save_checked()
    return record


@pytest.fixture
def team(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("team", lambda: build_team(make_employee, make_user))


def build_team(make_employee, make_user):
    """A manager with four reports: four one-day absences (a trigger), none, off 40 days, three Mondays."""
    boss = make_employee(first_name="Bea", last_name="Boss", job_title="Ward manager")
    reports = {name: make_employee(first_name=name, last_name="Report",
                                   supervisor_assignment_number=boss.assignment_number)
               for name in ("Fran", "Nora", "Lena", "Mona")}
    for days_ago in (300, 200, 100, 30):
        day = quiet_day(TODAY - dt.timedelta(days=days_ago))
        absence(reports["Fran"], day, day)
    absence(reports["Lena"], TODAY - dt.timedelta(days=39), None)
    for days_ago in (250, 150, 50):
        day = quiet_day(TODAY - dt.timedelta(days=days_ago), weekday=0)
        absence(reports["Mona"], day, day)
    make_user("boss@example.org", ["manager"], assignment_number=boss.assignment_number)
    return reports


def cells(page: str, name: str) -> dict[str, str]:
    """The team table's row for `name` as {column header: the cell's text, tags removed} (without the headings
    each cell repeats for a phone, where the row is stacked)."""
    headers = [re.sub(r"<[^>]+>", "", header).strip()
               for header in re.findall(r'<th scope="col">(.*?)</th>', page[page.index("<thead"):])]
    start = page.rindex("<tr", 0, page.index(f">{name}<"))
    row = re.sub(r'<span class="nhsuk-table-responsive__heading"[^>]*>[^<]*</span>', "",
                 page[start:page.index("</tr>", start)])
    texts = [" ".join(re.sub(r"<[^>]+>", " ", cell).split())
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
    return dict(zip([re.sub(r",.*", "", header) for header in headers], texts, strict=False))


def test_team_page_shows_each_persons_figures_and_trigger(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get("/team").get_data(as_text=True)
    assert '<th scope="col">Trigger</th>' in page and "Absence, 12 months" in page
    fran = cells(page, "Fran Report")
    assert fran["Absence"] == "4 occasions 4 working days lost Bradford score 64"   # 4² × 4
    assert fran["Trigger"] == (f"Trigger reached 4 or more occasions in 12 months "
                               f"4 occasions in the 12 months to {long_date(TODAY)} (trigger: 4 or more)")
    assert cells(page, "Nora Report")["Trigger"] == "None"
    assert cells(page, "Nora Report")["Absence"] == "0 occasions 0 working days lost Bradford score 0"
    lena = cells(page, "Lena Report")
    assert "Off long-term" in lena["Trigger"]
    assert f"Long-term from {long_date(TODAY - dt.timedelta(days=11))}" in lena["Trigger"]
    mona = cells(page, "Mona Report")
    assert mona["Absence"] == "3 occasions 3 working days lost Bradford score 27"
    assert mona["Trigger"].startswith("Pattern concern Absences at the start or end of their week, or by a bank "
                                      "holiday 3 absences of at most 2 working days in the 12 months to")
    assert "Private medical words" not in page


def test_team_fragment_carries_the_trigger_column(team, auth):
    auth.login("boss@example.org")
    body = auth.client.get("/team?show=all", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in body and "Trigger reached" in cells(body, "Fran Report")["Trigger"]


def test_evaluations_for_gives_each_person_their_evaluation(team):
    found = evaluations_for(list(team.values()), TODAY)
    assert set(found) == {employee.pk for employee in team.values()}
    assert [rule.rule for rule in found[team["Fran"].pk].fired] == ["occasions"]
    assert found[team["Nora"].pk].fired == () and found[team["Nora"].pk].actions == ()
    assert found[team["Fran"].pk] == evaluate_employee(team["Fran"], TODAY)


def test_employee_page_explains_a_trigger_reached(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get(f"/employees/{team['Fran'].assignment_number}").get_data(as_text=True)
    section = page[page.index('id="attendance-policy"'):page.index('id="absence-history"')]
    assert "Council attendance management (2019)</strong> (revision 1)" in section
    explanation = f"4 occasions in the 12 months to {long_date(TODAY)} (trigger: 4 or more)"
    assert f"<strong>4 or more occasions in 12 months</strong>: {explanation}." in section
    assert "It leads to the Absence Support Meeting." in section
    figures = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))
    assert (f"12 months to {long_date(TODAY)} from {long_date(rolling_window(TODAY, 12)[0])}, counting short-term "
            "absences; never counting long-term spells (an absence of over 28 calendar days) and pregnancy-related "
            "absences 4 4 4.0 64") in figures
    assert "4 or more occasions in 12 months 4 4 or more Yes" in figures
    assert "2 working weeks lost in 12 months (10 working days for a full-time week) 4 10 or more No" in figures
    assert f"Open a short-term case at Absence Support Meeting: {explanation}<" in section
    assert "Private medical words" not in page


def test_employee_page_with_no_trigger_shows_the_thresholds(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get(f"/employees/{team['Nora'].assignment_number}").get_data(as_text=True)
    section = page[page.index('id="attendance-policy"'):page.index('id="absence-history"')]
    assert "No trigger reached." in section and "Nothing: no trigger reached." in section
    assert "4 or more occasions in 12 months</th><td>0</td>" in section
    assert "No pattern concern." in section


def test_employee_page_shows_the_milestones_of_a_long_absence(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get(f"/employees/{team['Lena'].assignment_number}").get_data(as_text=True)
    first = TODAY - dt.timedelta(days=39)
    assert f"Long-term from {long_date(first + dt.timedelta(days=28))} (over 28 calendar days) " \
           f'<strong class="nhsuk-tag nhsuk-tag--orange">Reached</strong>' in page
    assert f"28 weeks off on {long_date(first + dt.timedelta(weeks=28))}: statutory sick pay notice" in page
    assert f"Half pay from {long_date(add_months(first, 6))}" in page   # 6 months' full pay after 5 years' service
    assert "Off long-term" in page


def test_employee_page_shows_a_pattern_concern(team, auth):
    auth.login("boss@example.org")
    page = auth.client.get(f"/employees/{team['Mona'].assignment_number}").get_data(as_text=True)
    [concern] = evaluate_employee(team["Mona"], TODAY).concerns
    assert f"{escape(concern.explanation)}." in page and "it never starts a stage by itself" in page


def test_a_trigger_counting_an_absence_still_going_on_shows_its_notes(make_employee, make_user, auth):
    boss = make_employee()
    worker = make_employee(first_name="Owen", supervisor_assignment_number=boss.assignment_number)
    for days_ago in (250, 150, 50):
        day = quiet_day(TODAY - dt.timedelta(days=days_ago))
        absence(worker, day, day)
    absence(worker, TODAY - dt.timedelta(days=2), None)
    make_user("boss@example.org", ["manager"], assignment_number=boss.assignment_number)
    auth.login("boss@example.org")
    page = auth.client.get(f"/employees/{worker.assignment_number}").get_data(as_text=True)
    evaluation = evaluate_employee(worker, TODAY)
    assert "<strong>4 or more occasions in 12 months</strong>" in page
    for note in evaluation.notes:
        assert str(escape(note)) in page
    for action in evaluation.actions:
        assert str(escape(action.reason)) in page
