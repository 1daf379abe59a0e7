"""The dashboards make the same few database commands whatever the organisation's size (issue 18: dashboards
≤ 0.5 s): each dashboard (an admin's of every division, an HR advisor's of one, a manager's by line) is counted with
pymongo's command monitoring on a small organisation, then after it has grown several times over (more staff in two
divisions, each with a short-term case at some stage, open, paused or on monitoring, a flag and an overdue task,
and a long-term case whose pay changes soon), and the two must send the same commands, read no case and no
employee record but the manager's direct reports' names, and show the grown figures."""
from __future__ import annotations

import datetime as dt

import pytest

from casework.milestones import Milestone
from documents import Case, Employee, rebuild_manager_paths
from documents.case import Flag, Stage, Task
from services import clock
from services.cases.tasks import add_milestone_tasks
from services.triggers import install_presets
from tests.app.hostile import sign_in
from tests.app.test_command_counts import make_user_module  # noqa: F401 (a fixture)
from tests.conftest import clean_database, database_commands_sent

DAY = dt.timedelta(days=1)
DIVISIONS = ("Community Care", "Acute Care")
MANAGER, HR, ADMIN = "bea@example.org", "hr@example.org", "admin@example.org"
# the most commands each sends; the header's task badge is one read of a kept tally a holder (an HR advisor: theirs and
# their division's queue)
PAGES = {"admin": (ADMIN, 8), "HR, one division": (HR, 9), "manager, by line": (MANAGER, 10)}
SMALL, GROWN = 4, 16
STAGES = ("absence_support", "formal_1", "formal_2")


def _grow(start: int, stop: int) -> None:
    """Staff numbered `start`…`stop - 1`, alternately in each division, below the middle manager or the boss, each
    with a short-term case (its stage, and open, paused or on monitoring, by their number) flagged "wrong stage" with
    a task for the manager overdue by a day, and every third with a long-term case whose pay halves in 10 days."""
    today = clock.today()
    made = [Employee(assignment_number=f"S{n:05d}", first_name="Alex", last_name=f"Tester{n:03d}",
                     division=DIVISIONS[n % 2], fte=1.0, start_date=dt.date(2020, 1, 6),
                     supervisor_assignment_number="M00001" if n % 4 < 2 else "B00001") for n in range(start, stop)]
    Employee.objects.insert(made)
    rebuild_manager_paths()
    for n, employee in enumerate(Employee.objects(assignment_number__in=[e.assignment_number for e in made]),
                                 start):
        stage = STAGES[n % 3]
        _case(employee, "STS", stage, status="monitoring" if n % 5 == 0 else "open", paused=n % 5 == 1,
              flags=[Flag(kind="wrong_stage", raised_by=MANAGER)],
              tasks=[Task(kind="book_hr", title="Book HR", assignee=MANAGER, due_on=today - DAY)])
        if n % 3 == 0:
            case = _case(employee, "LTS", "lts_welfare", save=False)
            add_milestone_tasks(case, employee, [Milestone("half_pay", "pay", today + 10 * DAY, False, None)],
                                today)
            case.save_checked()


def _case(employee, kind, stage, status="open", paused=False, flags=(), tasks=(), save=True) -> Case:
    today = clock.today()
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind=kind, policy_key="council-2019", policy_revision=1,
                stage=stage, status=status, paused=paused, opened_on=today - 5 * DAY,
                stages=[Stage(key=stage, entered_on=today - 5 * DAY)], flags=list(flags), tasks=list(tasks))
    return case.save_checked() if save else case


@pytest.fixture
def _clean():
    """The organisation is made once for the module and grown in place (no cleaning per test)."""


@pytest.fixture(scope="module")
def counted(app, make_user_module):  # noqa: F811 (the fixture imported above)
    """{dashboard: ((commands, page) with the small organisation, (commands, page) after it grew)}."""
    clean_database()
    install_presets()
    Employee.objects.insert([Employee(assignment_number=number, first_name=name, last_name="Boss",
                                      division=DIVISIONS[0], fte=1.0, start_date=dt.date(2020, 1, 6),
                                      supervisor_assignment_number=boss)
                             for number, name, boss in (("B00001", "Bea", None), ("M00001", "Mo", "B00001"))])
    rebuild_manager_paths()
    make_user_module(MANAGER, ["manager"], assignment_number="B00001", name="Bea Boss")
    make_user_module(HR, ["hr"], hr_divisions=[DIVISIONS[0]], name="Hana Hart")
    make_user_module(ADMIN, ["admin"], name="Ada Admin")
    clients = {who: app.test_client() for who, _ in PAGES.values()}
    for who, client in clients.items():
        sign_in(client, who)

    def measure() -> dict:
        found = {}
        for name, (who, _) in PAGES.items():
            clients[who].get("/dashboard")        # the first request of a kind may fill caches
            with database_commands_sent() as commands:
                response = clients[who].get("/dashboard")
            assert response.status_code == 200, (name, response.status_code)
            found[name] = (list(commands), response.get_data(as_text=True))
        return found

    _grow(0, SMALL)
    small = measure()
    _grow(SMALL, GROWN)
    grown = measure()
    yield {name: (small[name], grown[name]) for name in PAGES}
    clean_database()


def _shape(command: dict) -> tuple:
    """A command's name, collection and filter fields (not their values, such as today's date)."""
    name = next(iter(command))
    where = command.get("filter") or next((stage["$match"] for stage in command.get("pipeline", [])
                                           if "$match" in stage), {})
    return name, command[name], tuple(sorted(where))


@pytest.mark.parametrize("name", PAGES)
def test_a_dashboard_sends_the_same_few_commands_whatever_the_organisation_s_size(counted, name):
    (small, _), (grown, _) = counted[name]
    assert [_shape(command) for command in small] == [_shape(command) for command in grown]
    assert len(grown) <= PAGES[name][1], "\n".join(map(str, (_shape(command) for command in grown)))


@pytest.mark.parametrize("name", PAGES)
def test_a_dashboard_reads_no_case_and_no_employee_record_but_direct_reports_names(counted, name):
    _, (grown, _) = counted[name]
    read = [_shape(command) for command in grown]
    assert not [shape for shape in read if shape[1] in ("cases", "absences")], read
    # a manager's lines are named after their direct reports: one read by the supervisor index
    assert [shape for shape in read if shape[1] == "employees"] == (
        [("find", "employees", ("supervisor_assignment_number",))] if name.startswith("manager") else []), read


@pytest.mark.parametrize("name, everyone, figures", [
    # grown: staff 0…15. Short-term: on monitoring n % 5 == 0 (0, 5, 10, 15), the other 12 open, 3 of them paused
    # (1, 6, 11); each flagged. Long-term, pay halving in 10 days: n % 3 == 0 (0, 3, 6, 9, 12, 15).
    ("admin", "all your divisions", (12, 4, 3, 6, 16)),
    # Community Care only (even n): monitoring 0 and 10, open the other 6, paused 6; long-term 0, 6 and 12
    ("HR, one division", "all your divisions", (6, 2, 1, 3, 8)),
    ("manager, by line", "your whole team", (12, 4, 3, 6, 16)),
])
def test_the_grown_dashboards_show_the_grown_figures(counted, name, everyone, figures):
    (_, small_page), (_, page) = counted[name]
    hidden = '<span class="nhsuk-u-visually-hidden"> '
    opened, monitoring, paused, pay, flags = figures
    for shown in (f">{opened}{hidden}open short-term cases in {everyone}<",
                  f">{monitoring}{hidden}short-term cases in {everyone} on continued monitoring<",
                  f">{paused}{hidden}paused short-term cases in {everyone}<",
                  f">{pay}{hidden}cases moving to half pay in {everyone}<", f">{flags}{hidden}“"):
        assert shown in page and shown not in small_page, shown
