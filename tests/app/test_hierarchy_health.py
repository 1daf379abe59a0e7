"""The hierarchy health page: who is listed in each of its four lists, for whom, and the task fix."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from documents import Case
from tests.app.test_hierarchy_import import open_case
from tests.conftest import csrf_token

D = dt.date


@pytest.fixture
def tree(make_employee, make_user):
    """Tom tops the tree; Bea (no login) and Carl (manager) report to him; Gus left; Olga has no supervisor;
    Pia's supervisor left; Quin names a supervisor nobody knows; Rae is in another division."""
    top = make_employee(first_name="Tom", last_name="Top")
    number = top.assignment_number
    bea = make_employee(first_name="Bea", last_name="Boss", supervisor_assignment_number=number)
    carl = make_employee(first_name="Carl", last_name="Chief", supervisor_assignment_number=number)
    gus = make_employee(first_name="Gus", last_name="Gone", supervisor_assignment_number=number,
                        end_date=D(2026, 1, 31))
    people = {"top": top, "bea": bea, "carl": carl, "gus": gus,
              "anna": make_employee(first_name="Anna", last_name="Able",
                                    supervisor_assignment_number=bea.assignment_number),
              "dan": make_employee(first_name="Dan", last_name="Day",
                                   supervisor_assignment_number=carl.assignment_number),
              "olga": make_employee(first_name="Olga", last_name="Own"),
              "pia": make_employee(first_name="Pia", last_name="Past",
                                   supervisor_assignment_number=gus.assignment_number),
              "quin": make_employee(first_name="Quin", last_name="Query", supervisor_assignment_number="Z9999"),
              "rae": make_employee(first_name="Rae", last_name="Rest", division="Acute",
                                   supervisor_assignment_number="Z9999")}
    make_user("tom@example.org", ["manager"], name="Tom Top", assignment_number=top.assignment_number)
    make_user("carl@example.org", ["manager"], name="Carl Chief", assignment_number=carl.assignment_number)
    make_user("gus@example.org", ["manager"], name="Gus Gone", assignment_number=gus.assignment_number)
    make_user("old@example.org", ["manager"], name="Old Login", assignment_number=carl.assignment_number,
              active=False)
    make_user("support@example.org", ["support"])
    make_user("hana@example.org", ["hr"], hr_divisions=["Acute"])
    return people


def section(page: str, anchor: str) -> str:
    return page.split(f'id="{anchor}"', 1)[1].split("<h2", 1)[0]


def checked(auth) -> str:
    """The page after asking for a check (the job runs within the request in tests)."""
    page = auth.client.get("/hierarchy").get_data(as_text=True)
    response = auth.client.post("/hierarchy/check", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/hierarchy"
    return auth.client.get("/hierarchy").get_data(as_text=True)


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/employees/[^"]+">([^<]+)</a>', html)


@pytest.mark.parametrize("roles, status", [(["support"], 200), (["admin"], 200), (["hr"], 200), (["manager"], 403)])
def test_the_page_is_for_support_hr_and_admin(auth, make_user, make_employee, roles, status):
    boss = make_employee()
    make_user("someone@example.org", roles, assignment_number=boss.assignment_number, hr_divisions=["Acute"])
    auth.login("someone@example.org")
    response = auth.client.get("/hierarchy")
    assert response.status_code == status
    if status == 200:
        assert 'href="/hierarchy" aria-current="page">Hierarchy</a>' in response.get_data(as_text=True)


def test_the_lists_for_support(app, auth, tree, monkeypatch):
    monkeypatch.setitem(app.config, "HIERARCHY_MAX_REPORTS", 1)
    auth.login("support@example.org")
    page = checked(auth)
    without = section(page, "without-supervisor")
    assert names(without) == ["Olga Own", "Pia Past", "Quin Query", "Rae Rest"]
    assert "No supervisor" in without and "Supervisor Gus Gone (" in without and "has left" in without
    assert "Supervisor Z9999 is not in Casebook" in without and "Load a corrected staff file" in without
    assert names(section(page, "without-login")) == ["Bea Boss"]            # Carl's one login is enough
    many = section(page, "many-reports")
    assert names(many) == ["Tom Top"] and "<td>2</td>" in many              # Bea and Carl; Gus has left
    assert "None." in section(page, "stranded-tasks")


def test_hr_sees_their_divisions(auth, tree):
    auth.login("hana@example.org")
    page = checked(auth)
    assert names(section(page, "without-supervisor")) == ["Rae Rest"]
    assert "Ask support to correct ESR" in page and "/imports/employees" not in page


def test_a_stranded_task_is_given_to_the_current_supervisor(auth, tree, inbox):
    gone = open_case(tree["dan"], ("Hold the meeting with Dan", "gus@example.org"),
                     ("Send the letter", "old@example.org"), ("Advise", "hr:Community Care"),
                     ("Check in", "carl@example.org"))
    left_alone = open_case(tree["anna"], ("Hold the meeting with Anna", "nobody@example.org"))
    auth.login("support@example.org")
    page = checked(auth)
    stranded = section(page, "stranded-tasks")
    # each holder by name, the e-mail at hand as the title; a login no one has stays its e-mail
    assert re.findall(r'<td>(?:<span title="([^"]+)">)?([^<]+)(?:</span>)?</td><td>([^<]+)</td>', stranded) == [
        ("gus@example.org", "Gus Gone", "Gus Gone has left"), ("old@example.org", "Old Login", "Login switched off"),
        ("", "nobody@example.org", "No login")]
    assert stranded.count("Give this task to the current supervisor") == 3
    assert 'It goes to <span title="carl@example.org">Carl Chief</span>.' in stranded
    assert "It goes to the Community Care HR queue." in stranded

    task = gone.tasks[0]
    response = auth.client.post(f"/hierarchy/tasks/{gone.pk}/{task.id}",
                                data={"csrf_token": csrf_token(page), "version": gone.version})
    assert response.status_code == 302 and response.headers["Location"] == "/hierarchy"
    gone.reload()
    assert [task.assignee for task in gone.tasks] == ["carl@example.org", "old@example.org", "hr:Community Care",
                                                      "carl@example.org"]
    entry = gone.audit[-1]
    assert (entry.action, entry.actor, entry.reason, entry.before["assignee"], entry.after["assignee"]) == (
        "task given to the current supervisor", "support@example.org",
        "hierarchy health: the assignee has left or has no active login", "gus@example.org", "carl@example.org")
    assert inbox.subjects() == [("carl@example.org", "Casebook: task moved: Hold the meeting with Dan"),
                                ("gus@example.org", "Casebook: task moved: Hold the meeting with Dan")]

    # a page shown before the change is out of date: nothing happens twice
    stale = auth.client.post(f"/hierarchy/tasks/{gone.pk}/{gone.tasks[1].id}",
                             data={"csrf_token": csrf_token(page), "version": gone.version - 1},
                             follow_redirects=True).get_data(as_text=True)
    assert "Someone else changed this record" in stale
    assert Case.objects.get(pk=gone.pk).tasks[1].assignee == "old@example.org"
    assert left_alone.reload().version == 1


def test_the_fix_is_not_offered_while_the_hierarchy_still_names_the_leaver(auth, tree):
    case = open_case(tree["pia"], ("Hold the meeting with Pia", "gus@example.org"))
    auth.login("support@example.org")
    stranded = section(checked(auth), "stranded-tasks")
    assert "The hierarchy still names them as supervisor: correct it first." in stranded
    assert "Give this task" not in stranded and case.reload().version == 1


def test_a_supervisor_whose_login_awaits_its_first_sign_in_is_listed_as_such(auth, tree, make_user):
    """The employee import makes a supervisor's login awaiting its first sign-in (issue 17): until then their
    staff's tasks stay in the HR queue, and the page says what is missing, not that there is no login."""
    bea = tree["bea"]
    make_user("bea@example.org", ["manager"], assignment_number=bea.assignment_number, active=False,
              awaiting_first_sign_in=True)
    auth.login("support@example.org")
    listed = section(checked(auth), "without-login")
    assert names(listed) == ["Bea Boss"]
    assert "Login awaiting its first sign-in" in listed and "No login" not in listed


def test_the_lists_are_kept_with_their_time_and_checked_again_when_asked(auth, tree, make_employee):
    """The page shows the lists kept by the last check (a background job; in tests it runs within the request
    that asks for it) with when they were made, and reads no employee or login to show them: a page only reads."""
    from documents.hierarchy_health import HierarchyHealth
    from tests.conftest import database_commands
    auth.login("support@example.org")
    first = auth.client.get("/hierarchy").get_data(as_text=True)
    assert "Not checked yet." in first and "Check now" in first and HierarchyHealth.kept() is None
    page = checked(auth)
    assert re.search(r'id="checked-at">Checked at \d\d:\d\d on ', page) and "Check again" in page
    assert names(section(page, "without-supervisor")) == ["Olga Own", "Pia Past", "Quin Query", "Rae Rest"]
    make_employee(first_name="Nell", last_name="New")                    # no supervisor, and supervises no one
    with database_commands() as sent:
        again = auth.client.get("/hierarchy").get_data(as_text=True)
    assert "Nell New" not in again and ("find", "employees") not in sent
    assert not [name for name, _ in sent if name in ("insert", "update", "delete")]
    assert "Nell New" in section(checked(auth), "without-supervisor")


def test_a_task_given_away_leaves_the_kept_list_at_once(auth, tree):
    """The kept stranded tasks are shown only while their case still has them open with the same holder."""
    gone = open_case(tree["dan"], ("Hold the meeting with Dan", "gus@example.org"))
    auth.login("support@example.org")
    page = checked(auth)
    assert "Hold the meeting with Dan" in section(page, "stranded-tasks")
    auth.client.post(f"/hierarchy/tasks/{gone.pk}/{gone.tasks[0].id}",
                     data={"csrf_token": csrf_token(page), "version": gone.version})
    assert "None." in section(auth.client.get("/hierarchy").get_data(as_text=True), "stranded-tasks")


def test_the_kept_rebuild_checks_the_hierarchy(tree):
    from documents.base import as_date
    from documents.hierarchy_health import HierarchyHealth
    from services.kept import rebuild_kept
    rebuild_kept(D(2026, 3, 2))
    kept = HierarchyHealth.kept()
    assert as_date(kept.as_of) == D(2026, 3, 2) and [entry["name"] for entry in kept.lists["without_supervisor"]] == [
        "Olga Own", "Pia Past", "Quin Query", "Rae Rest"]


@pytest.mark.parametrize("kind, apply, status, queued", [
    ("employees", True, "applied", 1),         # the hierarchy changed: checked again by the next runner
    ("employees", False, "checked", 0),        # a dry run changes nothing
    ("employees", True, "failed", 0),
    ("absences", True, "applied", 0),          # not the hierarchy
])
def test_an_applied_employee_import_queues_a_check(app, monkeypatch, kind, apply, status, queued):
    from bson import ObjectId

    from blueprints.jobs import job_host
    from documents import ImportJob, Job
    from services import job_kinds
    from services.hierarchy_health import HIERARCHY_HEALTH
    from services.jobs import Running
    imported = ImportJob(kind=kind, filename="file.csv", created_by=ObjectId(), created_by_email="a@x.org",
                         status=status).save()
    monkeypatch.setattr(job_kinds, "run_import", lambda job, running: {"status": status})
    job = Job(kind="import", parameters={"import_job": str(imported.pk), "apply": apply}, created_by="a@x.org")
    with app.app_context():
        assert job_kinds.run_import_then_check(job, Running(job, job_host())) == {"status": status}
    assert Job.objects(kind=HIERARCHY_HEALTH, status="queued").count() == queued
