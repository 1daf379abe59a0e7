"""Issue 19, point 6, "Flags are work": a flag waits as HR's task whatever becomes of its case. Flags left waiting
without their task by an older Casebook get it from the kept rebuild, once; closing the case leaves the flag's task
open until HR resolves the flag; a paused case's flag task is listed and counted in the HR queue."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import Case, User
from documents.base import midnight
from documents.open_task import OpenTask
from documents.task_tally import TALLIED_FIELDS, kept_tallies, recounted
from services import clock
from services.cases.tasks import hr_queue
from services.kept import REBUILT_BY, rebuild_kept
from services.reads.inbox import assignees_of, badge_counts, open_items
from tests.app.test_notes_flags import build_people, post
from tests.app.test_outcomes import make_case
from tests.conftest import csrf_token

TODAY = clock.today()
HR = "hr@example.org"


@pytest.fixture
def people(built_once, make_employee, make_user):
    return built_once("people", lambda: build_people(make_employee, make_user))


def flag_tasks(case: Case) -> list[tuple[str, str]]:
    return [(task.id, task.status) for task in Case.objects.get(pk=case.pk).tasks if task.kind == "resolve_flag"]


def kept_agrees() -> bool:
    """The kept rows' counts equal a fresh count of the cases' listed tasks, and the tallies a recount of the rows."""
    fresh = sorted((item.case_id, item.task.id) for item in open_items() if item.case_id is not None)
    rows = sorted((row.holder, row.task) for row in OpenTask.objects(holder_kind="case"))
    return fresh == rows and kept_tallies() == recounted(OpenTask._get_collection().find({}, TALLIED_FIELDS))


def fresh_badge(user: User) -> tuple[int, int]:
    """(open, overdue) of the user's tasks counted afresh from the cases and absences."""
    items = open_items(assignees_of(user))
    return len(items), sum(item.overdue(TODAY) for item in items)


def raise_wrong_stage(auth, case) -> str:
    """Bea flags the case "wrong stage" from the case page; returns the flag's id."""
    auth.login("bea@example.org")
    assert post(auth, case, "flags", kind="wrong_stage").status_code == 302
    auth.logout()
    [flag] = Case.objects.get(pk=case.pk).flags
    return flag.id


def resolve(auth, case, flag_id: str):
    queue = auth.client.get("/hr/flags").get_data(as_text=True)
    assert f'id="flag-{flag_id}"' in queue
    return auth.client.post(f"/hr/flags/{case.pk}/{flag_id}/resolve", data={
        "csrf_token": csrf_token(queue), "resolution": "Moved back to the absence support stage."})


def test_the_kept_rebuild_gives_flags_waiting_without_a_task_their_task_once(people):
    """Flags raised before flags were HR's tasks (written raw, as an older Casebook left them), and one whose task
    was cancelled when its case closed: the rebuild gives each its task in the HR queue, due the day it was raised,
    with an audit entry, and the rows and tallies count them; run again it gives none."""
    worker, queue = people["worker"], hr_queue(people["worker"].division)
    old, closed = make_case(worker, "formal_1"), make_case(worker, "formal_2")
    raised = dt.datetime(2026, 1, 5, 10, 30)           # a Monday morning, in winter: UTC is London time
    Case._get_collection().update_one({"_id": old.pk}, {"$push": {"flags": {
        "id": "old1", "kind": "not_my_report", "raised_by": "bea@example.org", "at": raised,
        "status": "open", "stage_key": "formal_1"}}})
    Case._get_collection().update_one({"_id": closed.pk}, {   # closed, every task cancelled, the flag left open
        "$set": {"status": "closed", "closed_on": midnight(TODAY), "tasks.$[].status": "cancelled"}})
    Case._get_collection().update_one({"_id": closed.pk}, {"$push": {
        "flags": {"id": "old2", "kind": "wrong_stage", "raised_by": "bea@example.org", "at": raised, "status": "open"},
        "tasks": {"id": "flag-old2", "kind": "resolve_flag", "title": "Resolve the “wrong stage” flag",
                  "assignee": queue, "due_on": midnight(dt.date(2026, 1, 5)), "status": "cancelled"}}})
    hr = User.objects.get(email=HR)

    rebuilt = rebuild_kept(TODAY)
    assert rebuilt.flag_tasks == 2
    assert flag_tasks(old) == [("flag-old1", "open")] and flag_tasks(closed) == [("flag-old2", "open")]
    added = next(task for task in Case.objects.get(pk=old.pk).tasks if task.id == "flag-old1")
    assert (added.assignee, added.due_on, added.title) == (
        queue, dt.date(2026, 1, 5), "Resolve the “not my report” flag on the case")
    for case, words in ((old, "not my report"), (closed, "wrong stage")):
        entry = Case.objects.get(pk=case.pk).audit[-1]
        assert (entry.action, entry.actor) == (f"flag task added: {words}", REBUILT_BY)
        assert entry.before["open_tasks"] + 1 == entry.after["open_tasks"]
    assert sorted(OpenTask.objects(kind="resolve_flag").scalar("task")) == ["flag-old1", "flag-old2"]
    counted = badge_counts(hr, TODAY)
    assert counted == fresh_badge(hr) and counted[1] >= 2      # both waiting since 5 January
    assert kept_agrees()

    versions = [Case.objects.get(pk=case.pk).version for case in (old, closed)]
    assert rebuild_kept(TODAY).flag_tasks == 0
    assert [Case.objects.get(pk=case.pk).version for case in (old, closed)] == versions
    assert flag_tasks(old) == [("flag-old1", "open")] and flag_tasks(closed) == [("flag-old2", "open")]
    assert badge_counts(hr, TODAY) == counted


def test_closing_a_case_leaves_its_flag_s_task_in_hr_s_queue_until_the_flag_is_resolved(auth, people):
    """The flag is the manager's question to HR: the Flags queue keeps it whatever the case's status, so its task
    stays open when HR closes the case (with every other open task cancelled), and resolving it completes it."""
    case = make_case(people["worker"], "formal_1")
    flag_id = raise_wrong_stage(auth, case)
    hr = User.objects.get(email=HR)
    waiting = badge_counts(hr, TODAY)
    auth.login(HR)
    closed = post(auth, Case.objects.get(pk=case.pk), "decision", decision="close",
                  decision_reason="Employee has left.")
    assert closed.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert saved.status == "closed"
    assert [task.kind for task in saved.open_tasks()] == ["resolve_flag"]
    assert badge_counts(hr, TODAY) == waiting
    assert "Resolve the “wrong stage” flag on the case" in auth.client.get("/tasks").get_data(as_text=True)
    assert kept_agrees()
    assert resolve(auth, case, flag_id).status_code == 302
    assert flag_tasks(case) == [(f"flag-{flag_id}", "done")]
    # the manager who raised it is told how it was resolved, the case closed or not (issue 19, point 6)
    assert [task.kind for task in Case.objects.get(pk=case.pk).open_tasks()] == ["flag_answered"]
    assert badge_counts(hr, TODAY) == (waiting[0] - 1, waiting[1])
    assert "Resolve the “wrong stage” flag" not in auth.client.get("/tasks").get_data(as_text=True)
    assert kept_agrees()


def test_a_paused_case_s_flag_task_is_listed_and_counted_in_hr_s_queue(auth, people):
    """A pause holds back the case's short-term work, not HR's answer to a flag: HR's My tasks lists the flag's
    task and the badge counts it, while the manager's tasks of the case wait; the case page sends HR to the
    Flags queue."""
    case = make_case(people["worker"], "formal_1")
    flag_id = raise_wrong_stage(auth, case)
    hr, bea = User.objects.get(email=HR), User.objects.get(email="bea@example.org")
    waiting = badge_counts(hr, TODAY)
    Case.objects.get(pk=case.pk).change("casebook", "case paused", lambda case: case.pause(TODAY))
    assert badge_counts(hr, TODAY) == waiting and badge_counts(bea, TODAY) == (0, 0)
    assert kept_agrees()
    auth.login(HR)
    assert "Resolve the “wrong stage” flag on the case" in auth.client.get("/tasks").get_data(as_text=True)
    page = auth.client.get(f"/cases/{case.pk}").get_data(as_text=True)
    assert f'href="/hr/flags#flag-{flag_id}"' in page
    assert resolve(auth, case, flag_id).status_code == 302
    assert flag_tasks(case) == [(f"flag-{flag_id}", "done")]
    assert badge_counts(bea, TODAY) == (1, 0)     # told how HR resolved it, though the case's own work waits
    assert badge_counts(hr, TODAY) == (waiting[0] - 1, waiting[1])
    assert kept_agrees()
