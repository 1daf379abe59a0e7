"""A case's scope follows its employee: when the hierarchy import moves someone to another division or under
another supervisor, the old division's HR and the old managers lose the case (its page, its notes and its
case-conference notes) and the new ones gain it, with an audit entry on the case."""
from __future__ import annotations

import pytest

from documents import Absence, Case, Employee, UnfinishedImport
from documents.case import Note, Task
from documents.import_job import DivisionMove
from services.cases.meetings import arrange_meeting, record_notes
from services.cases.scope import refresh_case_scopes
from tests.app.test_hierarchy_import import feed, row_of, run
from tests.app.test_meetings import SECRET, TODAY, arrangement, associate, staged

OLD, NEW = "Community Care", "Acute Medicine"
NOTE = "Wes asked for a phased return"


@pytest.fixture
def people(make_employee, make_user):
    """Bea (Community Care) manages Wes and Ivy; Nia manages in Acute Medicine. Hana is HR for Community Care,
    Hugo for Acute Medicine. (With Ivy, Bea still supervises someone when Wes moves: her manager login stays, and
    what she loses is Wes's case, not her login.)"""
    bea = make_employee(first_name="Bea", division=OLD)
    nia = make_employee(first_name="Nia", division=NEW)
    wes = make_employee(first_name="Wes", last_name="Worker", division=OLD,
                        supervisor_assignment_number=bea.assignment_number)
    ivy = make_employee(first_name="Ivy", division=OLD, supervisor_assignment_number=bea.assignment_number)
    make_user("bea@example.org", ["manager"], assignment_number=bea.assignment_number)
    make_user("nia@example.org", ["manager"], assignment_number=nia.assignment_number)
    make_user("hana@example.org", ["hr"], hr_divisions=[OLD])
    make_user("hugo@example.org", ["hr"], hr_divisions=[NEW])
    return {"bea": bea, "nia": nia, "wes": Employee.objects.get(pk=wes.pk), "ivy": Employee.objects.get(pk=ivy.pk)}


@pytest.fixture
def conference(people):
    """Wes's long-term case at its case conference, held today with notes, a note on the case, and a task
    waiting in Community Care's HR queue."""
    wes = people["wes"]
    case = staged(wes, "lts_case_conference", kind="LTS")
    meeting, _ = arrange_meeting(case, arrangement(TODAY, employee_attends=False, participants=[
        ("Dr Oz", "oh", "oz@example.org")]), "hana@example.org", TODAY)
    record_notes(associate(case, wes), meeting.id, {"medical_advice": SECRET}, "hana@example.org", TODAY)
    case = Case.objects.get(pk=case.pk)
    case.notes.append(Note(author="bea@example.org", text=NOTE))
    case.tasks.append(Task(kind="hr_review", title="Review Wes's case", assignee=f"hr:{OLD}", due_on=TODAY))
    case.save_checked()
    return case, meeting


def urls(case, meeting) -> list[str]:
    return [f"/cases/{case.pk}", f"/cases/{case.pk}/meetings/{meeting.id}/notes"]


def move(app, people, tmp_path, **cells):
    """The hierarchy import of everyone as they are, Wes with `cells` changed."""
    path = tmp_path / "employees.csv"
    path.write_text(feed([row_of(people["bea"]), row_of(people["nia"]), row_of(people["ivy"]),
                          row_of(people["wes"], **cells)]))
    result = run(app, path)
    assert result.exit_code == 0, result.output


def opens(auth, login: str, url: str) -> tuple[int, bool]:
    auth.login(login)
    response = auth.client.get(url)
    auth.logout()
    body = response.get_data(as_text=True)
    return response.status_code, SECRET in body or NOTE in body


def test_moving_to_another_division_moves_the_case_to_its_hr(app, auth, people, conference, tmp_path):
    case, meeting = conference
    for url in urls(case, meeting):
        assert opens(auth, "hana@example.org", url) == (200, True), url
        assert opens(auth, "hugo@example.org", url)[0] == 404, url
    assert listed(auth, "hana@example.org") == (True, True)
    move(app, people, tmp_path, division=NEW, supervisor_assignment_number=people["nia"].assignment_number)
    for url in urls(case, meeting):
        assert opens(auth, "hana@example.org", url) == (404, False), url
        assert opens(auth, "bea@example.org", url) == (404, False), url
        assert opens(auth, "hugo@example.org", url) == (200, True), url
    assert opens(auth, "nia@example.org", f"/cases/{case.pk}") == (200, True)
    moved = Case.objects.get(pk=case.pk)
    assert (moved.division, moved.manager_path) == (NEW, [people["nia"].assignment_number])
    assert not [task for task in moved.open_tasks() if task.assignee == f"hr:{OLD}"]
    assert [task.assignee for task in moved.open_tasks() if task.kind == "hr_review"] == [f"hr:{NEW}"]
    [entry] = [entry for entry in moved.audit if entry.action == "scope followed the employee's move"]
    assert entry.reason == f"{OLD} → {NEW} (hierarchy import employees.csv)"
    assert (entry.before["division"], entry.after["division"]) == (OLD, NEW)
    assert (entry.before["queue"], entry.after["queue"]) == (f"hr:{OLD}", f"hr:{NEW}")
    assert listed(auth, "hana@example.org") == (False, False)
    assert listed(auth, "hugo@example.org") == (True, True)


def listed(auth, login: str) -> tuple[bool, bool]:
    """Whether the HR-queue task is in the user's tasks, and Wes's case in their list of cases."""
    auth.login(login)
    tasks, cases = auth.client.get("/tasks"), auth.client.get("/cases")
    auth.logout()
    assert tasks.status_code == cases.status_code == 200
    return "Review Wes" in tasks.get_data(as_text=True), "Wes Worker" in cases.get_data(as_text=True)


def test_a_new_supervisor_gains_the_case_and_the_old_one_loses_it(app, auth, people, conference, tmp_path,
                                                                make_employee, make_user):
    case, _ = conference
    cleo = make_employee(first_name="Cleo", division=OLD)
    make_user("cleo@example.org", ["manager"], assignment_number=cleo.assignment_number)
    path = tmp_path / "employees.csv"
    path.write_text(feed([row_of(people["bea"]), row_of(people["nia"]), row_of(cleo), row_of(people["ivy"]),
                          row_of(people["wes"], supervisor_assignment_number=cleo.assignment_number)]))
    assert run(app, path).exit_code == 0
    assert opens(auth, "bea@example.org", f"/cases/{case.pk}")[0] == 404
    assert opens(auth, "cleo@example.org", f"/cases/{case.pk}") == (200, True)
    assert opens(auth, "hana@example.org", f"/cases/{case.pk}") == (200, True)   # still her division
    saved = Case.objects.get(pk=case.pk)
    [entry] = [entry for entry in saved.audit if entry.action == "scope followed the employee's supervisors"]
    assert (entry.before, entry.after) == ({"manager_path": [people["bea"].assignment_number]},
                                           {"manager_path": [cleo.assignment_number]})


def test_the_refresh_is_idempotent_and_heals_a_case_left_stale(app, people, conference, tmp_path):
    case, _ = conference
    Case.objects(pk=case.pk).update_one(set__division="Old Name", set__manager_path=["SOMEONE"])
    assert refresh_case_scopes("test", "a repair") == 1
    healed = Case.objects.get(pk=case.pk)
    assert (healed.division, healed.manager_path) == (OLD, [people["bea"].assignment_number])
    versions = {row["_id"]: (row["version"], len(row["audit"])) for row in Case._get_collection().find()}
    assert refresh_case_scopes("test", "again") == 0
    move(app, people, tmp_path)       # an import that moves nobody changes no case
    assert {row["_id"]: (row["version"], len(row["audit"])) for row in Case._get_collection().find()} == versions


def waiting_in_the_old_hr_queue(wes) -> Absence:
    """An absence of Wes's with its return-to-work reminder waiting in Community Care's HR queue."""
    return Absence(employee=wes.pk, assignment_number=wes.assignment_number, first_day=TODAY,
                   reason_category="infections", version=1,
                   tasks=[Task(kind="rtw_reminder", title="Return-to-work interview with Wes Worker",
                               assignee=f"hr:{OLD}", due_on=TODAY)]).save()


def test_the_moved_employees_absence_tasks_leave_the_old_hr_queue(app, people, tmp_path):
    wes = people["wes"]
    absence = waiting_in_the_old_hr_queue(wes)
    move(app, people, tmp_path, division=NEW)
    saved = Absence.objects.get(pk=absence.pk)
    assert [task.assignee for task in saved.tasks] == [f"hr:{NEW}"]
    assert saved.audit[-1].reason == f"{OLD} → {NEW} (hierarchy import employees.csv)"


def test_an_import_killed_after_moving_someone_s_division_is_finished_by_the_next(app, people, tmp_path):
    """A run killed after writing Wes's new division leaves its note; the next run reads Wes as unchanged, yet
    still moves his absence's task to the new division's HR queue (tests/app/test_hierarchy_interrupted.py kills
    real runs and checks that they leave the note)."""
    wes = people["wes"]
    absence = waiting_in_the_old_hr_queue(wes)
    Employee.objects(pk=wes.pk).update_one(set__division=NEW, inc__version=1)     # what the killed run wrote
    UnfinishedImport(kind="employees", division_moves=[DivisionMove(employee=wes.pk, old=OLD, new=NEW)]).save()
    move(app, people, tmp_path, division=NEW)
    saved = Absence.objects.get(pk=absence.pk)
    assert [task.assignee for task in saved.tasks] == [f"hr:{NEW}"]
    assert saved.audit[-1].reason == f"{OLD} → {NEW} (hierarchy import employees.csv)"
    assert UnfinishedImport.objects.count() == 0
    move(app, people, tmp_path, division=NEW)       # the note is gone: nothing moves again
    assert len(Absence.objects.get(pk=absence.pk).audit) == len(saved.audit)
