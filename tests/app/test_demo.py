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
    """The demo organisation as `flask --app app demo --if-empty` loads it into an empty database in demo mode (as
    `make run` does): the command's result. Loaded once for the module: each load takes about 10 s."""
    clean_database()
    return _command(app, "demo", "--if-empty")


def _command(app, *args):
    app.config["DEMO_MODE"] = True
    try:
        return app.test_cli_runner().invoke(args=list(args))
    finally:
        app.config["DEMO_MODE"] = False


def test_demo_command_loads_in_demo_mode_with_a_five_level_hierarchy_of_example_org_people(demo, app):
    employees = Employee.objects.count()
    assert demo.exit_code == 0 and "Trigger scan:" in demo.output and Case.objects(kind="STS").count() > 0
    assert f"Demo organisation loaded: {employees} employees, {Absence.objects.count()} absences" in demo.output
    assert employees > 350 and Absence.objects.count() > 500
    again = _command(app, "demo", "--if-empty")
    assert again.exit_code == 0 and "not loaded" in again.output
    assert load_demo(TODAY, if_empty=True) is None
    assert Employee.objects.count() == employees
    assert {len(employee.manager_path) for employee in Employee.objects.only("manager_path")} == {0, 1, 2, 3, 4}
    assert all(e.email.endswith("@example.org") for e in Employee.objects.only("email"))
    assert all(u.email.endswith("@example.org") for u in User.objects.only("email"))


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


def test_demo_replace_starts_again(demo):
    employees = Employee.objects.count()
    assert load_demo(TODAY, replace=True)["employees"] == Employee.objects.count() == employees


def test_demo_command_refuses_outside_demo_mode(app, demo):
    employees = Employee.objects.count()
    result = app.test_cli_runner().invoke(args=["demo", "--replace"])
    assert result.exit_code == 1
    assert "demo mode" in result.output
    assert Employee.objects.count() == employees       # nothing deleted, nothing loaded
