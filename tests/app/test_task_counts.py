"""The task badge's kept rows: after every kind of write to a case's or an absence's tasks (created, finished,
reassigned, cancelled with the stage, paused and resumed, requeued, deleted) the kept open and overdue counts of
every assignee equal a fresh count of the open tasks, the tallies they are read from equal a recount of the rows,
and `rebuild_task_counts` writes the same rows and tallies again."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from documents import Absence, Case, Employee
from documents.case import Stage, Task
from documents.open_task import OpenTask, open_and_overdue, refresh_open_task_people
from documents.task_tally import TALLIED_FIELDS, TaskTally, kept_tallies, recounted
from services import clock
from services.absences import mark_reminder_done
from services.cases.scope import requeue_absence_tasks
from services.cases.tasks import complete_task, reassign_task, rebuild_task_counts, refer_to_occupational_health
from services.reads.inbox import open_items

TODAY = clock.today()
DAY = dt.timedelta(days=1)
BEA, HR = "bea@example.org", "hr@example.org"


@pytest.fixture
def world(make_employee, make_user):
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user(BEA, ["manager"], assignment_number=boss.assignment_number)
    make_user(HR, ["hr"], hr_divisions=[boss.division, "Secure Care"])
    ann = make_employee(first_name="Ann", last_name="Able", supervisor_assignment_number=boss.assignment_number)
    return {"boss": boss, "ann": ann, "queue": f"hr:{ann.division}"}


def new_case(employee, tasks) -> Case:
    case = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                manager_path=employee.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
                stage="absence_support", opened_on=TODAY, stages=[Stage(key="absence_support", entered_on=TODAY)],
                tasks=[Task(kind="book_hr", title=f"Task {n}", assignee=who, due_on=TODAY + days * DAY)
                       for n, (who, days) in enumerate(tasks)])
    return case.save_checked()


def new_absence(employee, tasks) -> Absence:
    absence = Absence(employee=employee.pk, assignment_number=employee.assignment_number,
                      first_day=TODAY - 20 * DAY, last_day=TODAY - 10 * DAY, reason_category="infections",
                      tasks=[Task(kind="rtw_reminder", title="Interview", assignee=who, due_on=TODAY + days * DAY)
                             for who, days in tasks])
    return absence.save_checked()


def fresh_counts() -> dict[str, tuple[int, int]]:
    """Per assignee, (open, overdue) counted afresh from the cases and absences (the old scan)."""
    items = open_items()
    opened = Counter(item.task.assignee for item in items)
    overdue = Counter(item.task.assignee for item in items if item.overdue(TODAY))
    return {who: (opened[who], overdue[who]) for who in opened}


def kept_counts() -> dict[str, tuple[int, int]]:
    assignees = set(OpenTask.objects.distinct("assignee"))
    return {who: open_and_overdue([who], TODAY) for who in assignees}


def fresh_case(world):
    return Case.objects(employee=world["ann"].pk).first()


# Each step: a write to tasks, and the kept (open, overdue) per assignee after it, worked by hand.
STEPS = [
    ("a case with two tasks for Bea (one 3 days overdue) and one for HR's queue",
     lambda w: new_case(w["ann"], [(BEA, -3), (BEA, 5), (w["queue"], 1)]),
     lambda w: {BEA: (2, 1), w["queue"]: (1, 0)}),
    ("an absence with a reminder for Bea, 2 days overdue: Bea 3 open, 2 overdue",
     lambda w: new_absence(w["ann"], [(BEA, -2)]),
     lambda w: {BEA: (3, 2), w["queue"]: (1, 0)}),
    ("Bea finishes the overdue case task: 2 open, 1 overdue",
     lambda w: complete_task(fresh_case(w), fresh_case(w).tasks[0].id, BEA),
     lambda w: {BEA: (2, 1), w["queue"]: (1, 0)}),
    ("HR's queue task goes to Bea: Bea 3, the queue none",
     lambda w: reassign_task(fresh_case(w), fresh_case(w).tasks[2].id, BEA, HR),
     lambda w: {BEA: (3, 1)}),
    ("the case is paused: its two open tasks wait, the reminder stays",
     lambda w: fresh_case(w).change(BEA, "case paused", lambda case: case.pause(TODAY)),
     lambda w: {BEA: (1, 1)}),
    ("the case resumes: its tasks are back",
     lambda w: fresh_case(w).change(BEA, "case resumed", lambda case: case.resume(TODAY, "ENG")),
     lambda w: {BEA: (3, 1)}),
    ("one click finishes the reminder (a queryset update): 2 open, none overdue",
     lambda w: mark_reminder_done(Absence.objects.first(), Absence.objects.first().tasks[0].id, BEA),
     lambda w: {BEA: (2, 0)}),
    ("a referral pushed onto the absence (update_one), due tomorrow or later: 3 open",
     lambda w: refer_to_occupational_health(w["ann"], [Absence.objects.first().pk], TODAY),
     lambda w: {BEA: (3, 0)}),
    ("a second absence with a task in the queue, 4 days overdue",
     lambda w: new_absence(w["ann"], [(w["queue"], -4)]),
     lambda w: {BEA: (3, 0), w["queue"]: (1, 1)}),
    ("the employee moves division: the queue's absence task follows to Secure Care's queue",
     lambda w: requeue_absence_tasks(w["ann"].pk, w["ann"].division, "Secure Care", HR, "moved"),
     lambda w: {BEA: (3, 0), "hr:Secure Care": (1, 1)}),
    ("the case closes: its open tasks are cancelled",
     lambda w: fresh_case(w).change(HR, "case closed", lambda case: case.close(TODAY, HR, "closed")),
     lambda w: {BEA: (1, 0), "hr:Secure Care": (1, 1)}),
    ("the absences are deleted (a queryset delete): nothing is left",
     lambda w: Absence.objects(employee=w["ann"].pk).delete(),
     lambda w: {}),
]


def test_kept_counts_equal_a_fresh_count_after_each_write(world):
    for _, write, expected in STEPS:
        write(world)
        assert kept_counts() == fresh_counts() == expected(world)


def test_rebuild_writes_the_same_rows_again(world):
    for _, write, _ in STEPS[:9]:
        write(world)
    kept = sorted((row.holder, row.task, row.assignee, row.due_on) for row in OpenTask.objects)
    OpenTask.objects(assignee=BEA).delete()       # rows lost (say a bulk write round the documents)
    assert rebuild_task_counts() == len(kept) == 4
    assert sorted((row.holder, row.task, row.assignee, row.due_on) for row in OpenTask.objects) == kept
    assert kept_counts() == fresh_counts()


def test_the_badge_is_one_indexed_read_of_tallies_whatever_the_tasks(world, auth):
    """The header's "My tasks" counts come from the kept tallies (one read an assignee: Bea's login alone here),
    never from the rows, the cases or the absences."""
    from tests.conftest import database_commands
    for n in range(5):
        new_case(world["ann"], [(BEA, -1 - n), (BEA, n + 1)])
    assert open_and_overdue([BEA], TODAY) == (10, 5)       # 5 due before today (−1…−5), 5 after (+1…+5)
    auth.login(BEA)
    with database_commands() as commands:
        html = auth.client.get("/account/notifications").get_data(as_text=True)
    assert ">10<" in html and ">5<" in html
    assert [command for command in commands if command[1] in ("open_tasks", "task_tallies")] == [
        ("find", "task_tallies")]
    assert not [command for command in commands if command[1] in ("cases", "absences")]


def recounted_tallies() -> dict:
    """The tallies counted afresh from the kept rows."""
    return recounted(OpenTask._get_collection().find({}, TALLIED_FIELDS))


def test_kept_tallies_equal_a_recount_after_each_write_and_after_a_rebuild(world):
    """After each write of STEPS the tallies (by holder, division and due day) equal a recount of the rows, and
    give each holder the (open, overdue) of a fresh count; a rebuild (the kept rebuild's, the nightly scan's)
    writes them again, also after they were lost."""
    def check(what: str) -> None:
        assert kept_tallies() == recounted_tallies(), what
        assert {who: open_and_overdue([who], TODAY) for who in fresh_counts()} == fresh_counts(), what

    for what, write, _ in STEPS[:9]:
        write(world)
        check(what)
    kept = kept_tallies()
    TaskTally.objects.delete()
    rebuild_task_counts()
    assert kept_tallies() == kept and kept
    for what, write, _ in STEPS[9:]:
        write(world)
        check(what)
    assert kept_tallies() == {}


def test_a_tally_is_its_division_s_and_follows_the_employee_s_move(world):
    """A row counts in the tally of its holder and its employee's division; after the hierarchy moves the employee
    (`refresh_open_task_people`), the tallies are counted again under the new division."""
    new_case(world["ann"], [(BEA, -3), (BEA, 5)])
    division = world["ann"].division
    assert kept_tallies() == {f"{BEA}|{division}": {(TODAY - 3 * DAY).isoformat(): 1,
                                                    (TODAY + 5 * DAY).isoformat(): 1}}
    Employee.objects(pk=world["ann"].pk).update_one(set__division="Secure Care")
    refresh_open_task_people()
    assert kept_tallies() == recounted_tallies() == {
        f"{BEA}|Secure Care": {(TODAY - 3 * DAY).isoformat(): 1, (TODAY + 5 * DAY).isoformat(): 1}}


def fresh_summary(employee) -> dict:
    """The employee's summary computed afresh from their absences and cases not closed."""
    from documents.staff_summary import ABSENCE_FIELDS, CASE_FIELDS, summary_of
    return summary_of(list(Absence._get_collection().find({"employee": employee.pk}, ABSENCE_FIELDS)),
                      list(Case._get_collection().find({"employee": employee.pk, "status": {"$ne": "closed"}},
                                                       CASE_FIELDS)))


def kept_summary(employee) -> dict:
    return Employee._get_collection().find_one({"_id": employee.pk}).get("summary")


def test_the_staff_summary_is_kept_by_every_write_to_absences_and_cases(world):
    """After each write, the employee's kept summary (latest absences, cases not closed) equals a fresh one;
    a rebuild writes the same; at the end a case closed and the absences deleted leave it empty."""
    from services.cases.tasks import rebuild_staff_summaries
    for _, write, _ in STEPS:
        write(world)
        assert kept_summary(world["ann"]) == fresh_summary(world["ann"])
    assert kept_summary(world["ann"]) == {"latest_absences": [], "open_cases": []}
    new_absence(world["ann"], [])
    new_case(world["ann"], [(BEA, 1)])
    Employee._get_collection().update_many({}, {"$unset": {"summary": 1}})
    assert rebuild_staff_summaries() == 2
    summary = Employee.objects.get(pk=world["ann"].pk).summary
    assert summary.absent_on(TODAY - 15 * DAY) and not summary.absent_on(TODAY) and summary.case_kinds == ["STS"]


def test_a_flag_s_task_is_counted_while_its_case_is_paused_and_after_it_closes(world):
    """Issue 19, point 6: a flag is work for HR whatever becomes of the case. While the case is paused only the
    flag's task is listed and counted (the case's other work waits); resuming moves on the due dates of the tasks
    that waited, not the flag's; closing the case cancels its work but the flag's task, which stays in the queue.
    After each write the kept counts equal a fresh count, and the tallies a recount of the rows."""
    case = new_case(world["ann"], [(BEA, 2)])
    case.tasks.append(Task(id="flag-f1", kind="resolve_flag", title="Resolve the flag", assignee=world["queue"],
                           due_on=TODAY - DAY))
    case.save_checked()
    queue = world["queue"]
    steps = [(lambda: None, {BEA: (1, 0), queue: (1, 1)}),
             (lambda: fresh_case(world).change(BEA, "case paused", lambda case: case.pause(TODAY - 7 * DAY)),
              {queue: (1, 1)}),
             (lambda: fresh_case(world).change(BEA, "case resumed", lambda case: case.resume(TODAY, "ENG")),
              {BEA: (1, 0), queue: (1, 1)}),
             (lambda: fresh_case(world).change(HR, "case closed", lambda case: case.close(TODAY, HR, "closed")),
              {queue: (1, 1)})]
    for write, expected in steps:
        write()
        assert kept_counts() == fresh_counts() == expected
        assert kept_tallies() == recounted_tallies()
    waited, flagged = fresh_case(world).tasks
    assert (flagged.kind, flagged.status, flagged.due_on) == ("resolve_flag", "open", TODAY - DAY)  # listed all along
    assert waited.status == "cancelled"
    assert TODAY + 9 * DAY <= waited.due_on <= TODAY + 11 * DAY    # moved on by the week it waited, to a working day
