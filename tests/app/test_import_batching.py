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

from documents import Absence, Case, Employee, rebuild_manager_paths
from documents.case import Stage, Task
from documents.held_writes import case_to_change, change_case, push_task, writes_held
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
    writes = _writes(sent)
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


# Held writes (documents/held_writes.py): a re-evaluation's case changes and task pushes are held and written
# together. Changing four times the cases, or giving four times the staff a return-to-work reminder through the
# import, sends the same write commands. Each case changed is stored as `change` stores it (its audit entry, its
# version stepped, its open-task rows); a case someone else saved between the read and the write is changed again on
# what they saved.
ENTERED = dt.date(2026, 10, 1)
# Three one-day absences long ago, then one that ended last Monday (within the four weeks of a return-to-work
# reminder, without an interview): each employee's latest absence gets its reminder.
RECENT_DAYS = ("2026-01-05", "2026-03-02", "2026-05-11", "2026-11-16")
SMALL_HELD, GROWN_HELD = 2, 8


def _cases(staff: list[Employee]) -> list[Case]:
    made = []
    for person in staff:
        case = Case(employee=person.pk, assignment_number=person.assignment_number, division=person.division,
                    manager_path=person.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
                    stage="absence_support", opened_on=ENTERED,
                    stages=[Stage(key="absence_support", entered_on=ENTERED, trigger_explanation="4 occasions")])
        case.save_checked()
        made.append(case)
    return made


def _task(person: Employee) -> Task:
    return Task(kind="review_meeting", title=f"Review {person.first_name}", assignee="bea.boss@example.org",
                due_on=dt.date(2026, 12, 1))


def _writes(sent: list[dict]) -> Counter:
    return Counter((name, command[name]) for command in sent for name in [next(iter(command))] if name in WRITES)


def _adding(task: Task):
    return lambda case: case.tasks.append(task)


def _add_tasks(staff: list[Employee], cases: list[Case]) -> Counter:
    """Within `writes_held`, a task added to each case with an audit entry: the write commands sent."""
    with database_commands_sent() as sent, writes_held():
        for person, case in zip(staff, cases, strict=True):
            change_case(case_to_change(case.pk), "scan", "task added", _adding(_task(person)), reason="why")
        assert not any("update" in command for command in sent)    # held until the block ends
    return _writes(sent)


def test_four_times_the_case_changes_are_the_same_writes(boss):
    """2 cases changed, then 8: one update of the cases, one delete and one insert of their open-task rows each
    time (a task added leaves the staff summaries as they were: not written)."""
    small, grown = _staff(boss, "S", SMALL_HELD), _staff(boss, "G", GROWN_HELD)
    small_writes = _add_tasks(small, _cases(small))
    grown_writes = _add_tasks(grown, _cases(grown))
    assert small_writes == grown_writes
    assert small_writes[("update", "cases")] == 1 and small_writes[("insert", "open_tasks")] == 1
    assert small_writes[("delete", "open_tasks")] == 1 and ("update", "employees") not in small_writes


def test_a_held_change_is_stored_as_change_stores_it(boss):
    """Version 2, the change's audit entry (actor, action, reason), the task, its open-task row, and the employee's
    summary as computed afresh."""
    staff = _staff(boss, "H", SMALL_HELD)
    cases = _cases(staff)
    _add_tasks(staff, cases)
    for person, made in zip(staff, cases, strict=True):
        case = Case.objects.get(pk=made.pk)
        assert case.version == 2
        assert [(entry.actor, entry.action, entry.reason) for entry in case.audit] == [("scan", "task added", "why")]
        assert [task.title for task in case.tasks] == [f"Review {person.first_name}"]
        assert [(row.holder, row.title) for row in OpenTask.objects(holder=case.pk)] == [
            (case.pk, f"Review {person.first_name}")]
        kept = Employee._get_collection().find_one({"_id": person.pk})["summary"]
        assert kept == summary_of(list(Absence._get_collection().find({"employee": person.pk}, ABSENCE_FIELDS)),
                                  list(Case._get_collection().find({"employee": person.pk, **NOT_CLOSED},
                                                                   CASE_FIELDS)))


def test_a_case_saved_meanwhile_is_changed_again_on_what_was_saved(boss):
    """A user saves the case after the scan read it and before the held change is written: the version check
    misses, so the change is made again on the stored case: both changes kept, version 3 (1 + the user's + the
    scan's), the user's entry first."""
    (person,) = _staff(boss, "M", 1)
    (made,) = _cases([person])
    with writes_held():
        change_case(case_to_change(made.pk), "scan", "task added", _adding(_task(person)))
        theirs = Case.objects.get(pk=made.pk)
        theirs.change("hr@example.org", "note", _adding(Task(
            kind="custom", title="Call Occupational Health", assignee="hr@example.org", due_on=dt.date(2026, 12, 2))))
    case = Case.objects.get(pk=made.pk)
    assert case.version == 3
    assert [entry.action for entry in case.audit] == ["note", "task added"]
    assert sorted(task.title for task in case.tasks) == ["Call Occupational Health", f"Review {person.first_name}"]
    assert sorted(row.title for row in OpenTask.objects(holder=case.pk)) == [
        "Call Occupational Health", f"Review {person.first_name}"]


def test_a_task_pushed_twice_is_kept_once(boss):
    """`push_task` with `unless_kind`, held: the second push of the same kind to the same absence adds nothing."""
    (person,) = _staff(boss, "P", 1)
    absence = Absence(employee=person.pk, assignment_number=person.assignment_number, first_day=dt.date(2026, 11, 2),
                      last_day=dt.date(2026, 11, 3), reason_category="infections")
    absence.save_checked()
    reminder = Task(kind="rtw_reminder", title="Interview", assignee="bea.boss@example.org",
                    due_on=dt.date(2026, 11, 10))
    with writes_held():
        push_task(Absence, absence.pk, reminder, unless_kind="rtw_reminder")
        push_task(Absence, absence.pk, reminder, unless_kind="rtw_reminder")
    assert [task.kind for task in Absence.objects.get(pk=absence.pk).tasks] == ["rtw_reminder"]
    assert [row.kind for row in OpenTask.objects(holder=absence.pk)] == ["rtw_reminder"]


def test_reminders_for_four_times_the_staff_are_the_same_writes(boss):
    """An import whose latest absence of each employee ended last week: each gets a return-to-work reminder (and
    a case: four occasions). 2 staff, then 8: the same write commands, the reminders one update of the absences,
    each with its open-task row."""
    small_writes, _ = _import(_recent_rows(_staff(boss, "R", SMALL_HELD)))
    grown_writes, _ = _import(_recent_rows(_staff(boss, "Q", GROWN_HELD)))
    assert small_writes == grown_writes
    assert small_writes[("update", "absences")] == 1
    reminders = [task for absence in Absence.objects() for task in absence.tasks if task.kind == "rtw_reminder"]
    assert len(reminders) == SMALL_HELD + GROWN_HELD
    assert OpenTask.objects(kind="rtw_reminder").count() == SMALL_HELD + GROWN_HELD


def _recent_rows(staff: list[Employee]) -> list[dict]:
    return [absence_row(f"{person.assignment_number}-{n}", person.assignment_number, day, day)
            for person in staff for n, day in enumerate(RECENT_DAYS)]
