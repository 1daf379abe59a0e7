"""The demo organisation loads into the real database and its logins work."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import Absence, Case, Employee, User
from services.demo import DEMO_PASSWORD, load_demo
from tests.app.conftest import Auth
from tests.conftest import clean_database

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _clean():
    """Replaces the app tests' emptying before each test: the demo is loaded once for the tests that read it, and
    the tests of the command empty the database themselves."""


@pytest.fixture(scope="module")
def demo(app):
    clean_database()
    return load_demo(TODAY)


def test_demo_loads_once_with_a_five_level_hierarchy_of_example_org_people(demo):
    assert demo["employees"] == Employee.objects.count() > 350
    assert demo["absences"] == Absence.objects.count() > 500
    assert load_demo(TODAY, if_empty=True) is None
    assert Employee.objects.count() == demo["employees"]
    assert {len(employee.manager_path) for employee in Employee.objects.only("manager_path")} == {0, 1, 2, 3, 4}
    assert all(e.email.endswith("@example.org") for e in Employee.objects.only("email"))
    assert all(u.email.endswith("@example.org") for u in User.objects.only("email"))


def test_demo_replace_starts_again(demo):
    assert load_demo(TODAY, replace=True)["employees"] == Employee.objects.count() == demo["employees"]


def test_each_demo_login_lands_on_its_page_and_the_manager_sees_their_team(demo, app):
    for email, landing in [("manager@example.org", "/team"), ("hr@example.org", "/dashboard"),
                           ("support@example.org", "/employees"), ("admin@example.org", "/dashboard")]:
        auth = Auth(app.test_client())
        assert auth.login(email, DEMO_PASSWORD).headers["Location"] == "/", email
        assert auth.client.get("/").headers["Location"] == landing, email
        assert auth.client.get(landing).status_code == 200, email
    auth = Auth(app.test_client())
    auth.login("manager@example.org", DEMO_PASSWORD)
    manager = User.objects.get(email="manager@example.org")
    page = auth.client.get("/team?show=all").get_data(as_text=True)
    below = Employee.objects(manager_path=manager.assignment_number)
    assert 10 <= below.count() <= 40
    for employee in below:
        if employee.end_date is None:
            assert employee.name in page


def test_demo_command_refuses_outside_demo_mode(app):
    clean_database()
    runner = app.test_cli_runner()
    app.config["DEMO_MODE"] = False
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 1
    assert "demo mode" in result.output
    assert Employee.objects.count() == 0


def test_demo_command_loads_in_demo_mode(app):
    clean_database()
    runner = app.test_cli_runner()
    app.config["DEMO_MODE"] = True
    try:
        first = runner.invoke(args=["demo", "--if-empty"])
        second = runner.invoke(args=["demo", "--if-empty"])
    finally:
        app.config["DEMO_MODE"] = False
    assert first.exit_code == 0 and "Demo organisation loaded" in first.output
    assert "Trigger scan:" in first.output and Case.objects(kind="STS").count() > 0
    assert second.exit_code == 0 and "not loaded" in second.output
