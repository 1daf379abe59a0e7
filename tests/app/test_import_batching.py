"""Issue 18: the absence import's re-evaluation writes in batches, not a write per case it opens.

Counted with pymongo's command monitoring: an import of four times the rows (four times the staff, each reaching
a trigger point) sends the same writes (one insert of the absences, one of the cases opened, one of their
open-task rows, one write of the staff summaries…) and reads each supervisor's manager login once. The cases it
opens are the same documents as before: version 1, a "case opened" audit entry by the re-evaluation, their tasks given
to the supervisor's login (or the division's HR queue), with their open-task rows and the staff summaries kept.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from documents import Case, Employee, rebuild_manager_paths
from documents.open_task import OpenTask
from documents.staff_summary import ABSENCE_FIELDS, CASE_FIELDS, NOT_CLOSED, summary_of
from services.cases.tasks import assignee_for, assignees_cached, hr_queue
from services.imports.absences import import_absences
from services.triggers import install_presets
from tests.app.test_absence_import import absence_row
from tests.conftest import database_commands_sent

AS_OF = dt.date(2026, 11, 23)
ACTOR = "import:absences.csv by test"
# Four one-day absences in the twelve months before AS_OF (four occasions: the short-term trigger), the last
# more than four weeks back (no return-to-work reminder, which is a write per absence by design).
DAYS = ("2026-01-05", "2026-03-02", "2026-05-11", "2026-08-03")
SMALL, GROWN = 3, 12
WRITES = ("insert", "update", "delete", "findAndModify")


@pytest.fixture
def boss(make_employee, make_user):
    """A supervisor with an active manager login (and the policies installed, as on any working database)."""
    install_presets()
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user("bea.boss@example.org", ["manager"], assignment_number=boss.assignment_number)
    return boss


def _staff(boss: Employee, prefix: str, how_many: int) -> list[Employee]:
    made = [Employee(assignment_number=f"{prefix}{n:04d}", first_name="Sam", last_name=f"Staff{prefix}{n}",
                     email=f"sam.staff{prefix.lower()}{n}@example.org", job_title="Staff nurse",
                     division="Community Care", directorate="Adult Services", department="District Nursing",
                     fte=1.0, contracted_hours=37.5, start_date=dt.date(2020, 1, 6),
                     supervisor_assignment_number=boss.assignment_number) for n in range(how_many)]
    Employee.objects.insert(made)
    rebuild_manager_paths()
    return list(Employee.objects(assignment_number__in=[person.assignment_number for person in made]))


def _rows(staff: list[Employee]) -> list[dict]:
    return [absence_row(f"{person.assignment_number}-{n}", person.assignment_number, day, day)
            for person in staff for n, day in enumerate(DAYS)]


def _import(rows: list[dict]) -> tuple[Counter, Counter]:
    """Import `rows`: (the write commands by (command, collection), the reads by collection)."""
    with database_commands_sent() as sent:
        result = import_absences(rows, ACTOR, "import", AS_OF)
    assert result.counts["created"] == len(rows) and not result.refused
    writes = Counter((name, command[name]) for command in sent for name in [next(iter(command))] if name in WRITES)
    reads = Counter(command["find"] for command in sent if "find" in command)
    return writes, reads


def test_four_times_the_rows_send_the_same_writes(boss):
    """3 staff × 4 absences, then 12 staff × 4 absences: every one reaches the trigger and gets a case. The writes
    are the same commands, as many of each (3 cases opened → 1 insert; 12 → 1 insert), and the manager login is
    read once in each import (all have the same supervisor)."""
    small_writes, small_reads = _import(_rows(_staff(boss, "S", SMALL)))
    grown_writes, grown_reads = _import(_rows(_staff(boss, "G", GROWN)))
    assert Case.objects.count() == SMALL + GROWN
    assert grown_writes == small_writes
    assert small_writes[("insert", "cases")] == 1 and small_writes[("insert", "open_tasks")] == 1
    assert small_writes[("update", "employees")] == 1   # the staff summaries, one bulk write
    assert small_reads["users"] == grown_reads["users"] == 1


def test_the_cases_opened_have_their_audit_entry_tasks_rows_and_summaries(boss):
    """Each case the import opens is stored as a save would store it: version 1, one "case opened" entry by the
    re-evaluation; its manager tasks go to the supervisor's login; its open tasks have their rows; the employee's kept
    summary equals one computed afresh."""
    staff = _staff(boss, "T", GROWN)
    _import(_rows(staff))
    for person in staff:
        case = Case.objects.get(employee=person.pk)
        assert (case.kind, case.status, case.version) == ("STS", "open", 1)
        assert [(entry.actor, entry.action) for entry in case.audit] == [("triggers (absence saved)", "case opened")]
        assignees = {task.assignee for task in case.open_tasks()}
        assert assignees and assignees <= {"bea.boss@example.org", hr_queue("Community Care")}
        assert "bea.boss@example.org" in assignees
        rows = sorted((row.task, row.assignee) for row in OpenTask.objects(holder=case.pk))
        assert rows == sorted((task.id, task.assignee) for task in case.open_tasks())
        kept = Employee._get_collection().find_one({"_id": person.pk})["summary"]
        assert kept == summary_of(list(Case._get_collection().database.absences.find({"employee": person.pk},
                                                                                     ABSENCE_FIELDS)),
                                  list(Case._get_collection().find({"employee": person.pk, **NOT_CLOSED},
                                                                   CASE_FIELDS)))
        assert [spell["first_day"].date() for spell in kept["latest_absences"]] == [
            dt.date.fromisoformat(day) for day in reversed(DAYS[1:])]


@pytest.mark.parametrize("roles, active, expected", [
    (["manager"], True, "login"),          # an active manager login: the task is theirs
    (["manager", "hr"], True, "login"),    # with other roles too
    (["hr"], True, "queue"),               # a login without the manager role: HR's queue
    (["manager"], False, "queue"),         # a deactivated login: HR's queue
    (None, None, "queue"),                 # no login at all: HR's queue
])
def test_a_manager_task_goes_to_an_active_manager_login_or_hr(make_employee, make_user, roles, active, expected):
    """`assignee_for("manager", …)` reads users by assignment number alone and checks the role and active flag
    itself; inside `assignees_cached()` it reads each supervisor once and answers the same."""
    supervisor = make_employee()
    if roles is not None:
        user = make_user("sue.visor@example.org", roles, assignment_number=supervisor.assignment_number)
        user.active = active
        user.save()
    worker = make_employee(supervisor_assignment_number=supervisor.assignment_number)
    wanted = "sue.visor@example.org" if expected == "login" else hr_queue(worker.division)
    assert assignee_for("manager", worker) == wanted
    with assignees_cached(), database_commands_sent() as sent:
        assert [assignee_for("manager", worker) for _ in range(3)] == [wanted] * 3
    assert [command["find"] for command in sent if "find" in command] == ["users"]


def test_a_task_written_to_one_absence_by_its_id_needs_no_read_first(make_employee):
    """The scan's task writes name one document by id: the update goes first (no read to learn which ids it
    matches), then its open-task rows are written again as stored: one row for the task pushed, none once done."""
    from documents import Absence
    from documents.case import Task
    anna = make_employee()
    absence = Absence(employee=anna.pk, assignment_number=anna.assignment_number, first_day=dt.date(2026, 11, 2),
                      last_day=dt.date(2026, 11, 3), reason_category="infections")
    absence.save_checked()
    task = Task(kind="rtw_reminder", title="Interview Anna", assignee="bea.boss@example.org",
                due_on=dt.date(2026, 11, 10))
    with database_commands_sent() as sent:
        assert Absence.objects(pk=absence.pk, tasks__kind__ne="rtw_reminder").update_one(push__tasks=task) == 1
    assert next(iter(sent[0])) == "update"
    assert [(row.holder, row.kind) for row in OpenTask.objects()] == [(absence.pk, "rtw_reminder")]
    Absence.objects(pk=absence.pk).finish_task("system: interview recorded", kind="rtw_reminder")
    assert OpenTask.objects.count() == 0
