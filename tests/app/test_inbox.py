"""My tasks: overdue first, grouped by employee, with counts in the header; HR's queues and their divisions'
tasks counted by who holds them; one click completes a return-to-work reminder; paused cases wait."""
from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest

from documents import Absence, Case
from documents.case import Stage, Task
from services import clock
from tests.conftest import csrf_token

D = dt.date
TODAY = clock.today()


@pytest.fixture
def world(built_once, make_employee, make_user):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("world", lambda: build_world(make_employee, make_user))


def build_world(make_employee, make_user):
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    ann = make_employee(first_name="Ann", last_name="Able", supervisor_assignment_number=boss.assignment_number)
    ben = make_employee(first_name="Ben", last_name="Best", supervisor_assignment_number=boss.assignment_number)
    far = make_employee(first_name="Fay", last_name="Far", division="Secure Care")
    make_user("hr@example.org", ["hr"], hr_divisions=[ann.division])

    def case(employee, tasks, paused=False):
        made = Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
                    manager_path=employee.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
                    stage="absence_support", opened_on=TODAY, paused=paused,
                    stages=[Stage(key="absence_support", entered_on=TODAY)],
                    tasks=[Task(kind=kind, title=title, assignee=who, due_on=due, stage_key="absence_support")
                           for kind, title, who, due in tasks])
        made.save_checked()
        return made

    week = dt.timedelta(days=7)
    case(ann, [("hold_meeting", "Hold Ann's meeting", "bea@example.org", TODAY + week),
               ("send_outcome_letter", "Send Ann's letter", "bea@example.org", TODAY + 2 * week)])
    case(ben, [("associate_absences", "Associate Ben's absences", "bea@example.org", TODAY - week),
               ("book_hr", "Book HR for Ben", f"hr:{ben.division}", TODAY - 2 * week)])
    case(far, [("hold_meeting", "Hold Fay's meeting", "hr:Secure Care", TODAY - week)])
    case(ann, [("hold_meeting", "Paused work for Ann", "bea@example.org", TODAY - week)], paused=True)
    off = Absence(employee=ann.pk, assignment_number=ann.assignment_number, first_day=TODAY - 3 * week,
                  last_day=TODAY - 2 * week, reason_category="infections",
                  tasks=[Task(kind="rtw_reminder", title="Return-to-work interview with Ann Able",
                              assignee="bea@example.org", due_on=TODAY - 10 * dt.timedelta(days=1))])
    off.save_checked()
    return {"ann": ann, "ben": ben, "off": off}


def titles(html: str) -> list[str]:
    return re.findall(r"<td>((?:Hold|Send|Associate|Book|Return|Paused)[^<]*)", html)


def test_a_manager_sees_their_tasks_overdue_first_grouped_by_employee(auth, world):
    auth.login("bea@example.org")
    html = auth.client.get("/tasks").get_data(as_text=True)
    assert "4 open tasks, <strong>2 overdue</strong>" in html
    # Ann (the reminder, 10 days overdue) and Ben (the association, 7 days overdue) both have overdue work;
    # Ann's is the older, so she comes first, her tasks by due date.
    assert html.index("Ann Able</a>") < html.index("Ben Best</a>")
    assert titles(html) == ["Return-to-work interview with Ann Able", "Hold Ann&#39;s meeting",
                            "Send Ann&#39;s letter", "Associate Ben&#39;s absences"]
    assert "Paused work" not in html and "Book HR" not in html
    header = re.search(r'href="/tasks"[^>]*>My tasks(.*?)</a>', html).group(1)
    assert ">4<" in header and ">2<" in header


def test_hr_sees_their_division_queue_and_everyone_by_holder(auth, world):
    auth.login("hr@example.org")
    mine = auth.client.get("/tasks").get_data(as_text=True)
    assert titles(mine) == ["Book HR for Ben"] and "Fay" not in mine
    everyone = auth.client.get("/tasks?view=divisions").get_data(as_text=True)
    assert "5 open tasks, <strong>3 overdue</strong>" in everyone
    rows = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a></th>\s*<td>(\d+)</td><td>(.*?)</td>', everyone)
    assert [(name, open_) for name, open_, _ in rows] == [("Bea", "4"), (f"HR advisors, {world['ann'].division}", "1")]
    only_hr = auth.client.get(f"/tasks?view=divisions&holder=hr:{world['ann'].division}").get_data(as_text=True)
    assert titles(only_hr) == ["Book HR for Ben"]


def test_a_manager_may_not_see_the_divisions_view(auth, world):
    auth.login("bea@example.org")
    html = auth.client.get("/tasks?view=divisions").get_data(as_text=True)
    assert "Everyone in my divisions" not in html and "Book HR for Ben" not in html


def test_one_click_completes_a_reminder(auth, world):
    auth.login("bea@example.org")
    html = auth.client.get("/tasks").get_data(as_text=True)
    off = world["off"]
    task = off.tasks[0]
    answer = auth.client.post(f"/absences/{off.pk}/tasks/{task.id}/complete", data={"csrf_token": csrf_token(html)})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/tasks")
    saved = Absence.objects.get(pk=off.pk)
    assert (saved.tasks[0].status, saved.tasks[0].completed_by) == ("done", "bea@example.org")
    assert saved.audit[-1].action == "return-to-work reminder completed"
    assert titles(auth.client.get("/tasks").get_data(as_text=True))[0] == "Associate Ben&#39;s absences"
    assert "Return-to-work interview with Ann Able<" not in auth.client.get("/tasks").get_data(as_text=True)


def test_the_reminder_s_button_is_readable_on_the_page(auth, world):
    """The header's white link-button style made "Already done: mark complete" invisible on the page's pale
    background (axe: color-contrast): in the task list it takes the page's link colour."""
    auth.login("bea@example.org")
    html = auth.client.get("/tasks").get_data(as_text=True)
    assert '<button class="cb-link-button cb-link-button--body" type="submit">Already done: mark complete' in html
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "casebook.css").read_text()
    assert re.search(r"\.cb-link-button--body \{ color: #005eb8;", css)


def test_someone_outside_scope_cannot_complete_the_reminder(auth, world, make_employee, make_user):
    other = make_employee(first_name="Olu")
    make_user("olu@example.org", ["manager"], assignment_number=other.assignment_number)
    auth.login("olu@example.org")
    html = auth.client.get("/tasks").get_data(as_text=True)
    off = world["off"]
    assert auth.client.post(f"/absences/{off.pk}/tasks/{off.tasks[0].id}/complete",
                            data={"csrf_token": csrf_token(html)}).status_code == 404
    assert Absence.objects.get(pk=off.pk).tasks[0].status == "open"


def test_everyone_s_tasks_come_a_page_of_tasks_at_a_time(app, auth, world, make_employee, monkeypatch):
    # Two more people with a task each: seven open tasks in HR's division, two a page, soonest due first (so the
    # overdue first): Ben's booking (14 days overdue), Ann's interview (10), | Ben's association (7), Cal's meeting
    # (in 1 day), | Dee's (in 2), Ann's meeting (in 7), | Ann's letter (in 14): four pages, each grouped by person.
    for first, last, days in (("Cal", "Cole", 1), ("Dee", "Dale", 2)):
        person = make_employee(first_name=first, last_name=last)
        Case(employee=person.pk, assignment_number=person.assignment_number, division=person.division,
             manager_path=person.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
             stage="absence_support", opened_on=TODAY, stages=[Stage(key="absence_support", entered_on=TODAY)],
             tasks=[Task(kind="hold_meeting", title=f"Hold {first}'s meeting", assignee=f"hr:{person.division}",
                         due_on=TODAY + dt.timedelta(days=days), stage_key="absence_support")]).save_checked()
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    auth.login("hr@example.org")
    pages = [auth.client.get(f"/tasks?view=divisions&page={n}").get_data(as_text=True) for n in (1, 2, 3, 4)]
    assert all("7 open tasks" in page and "3 overdue" in page for page in pages)
    assert "Page 2 of 4" in pages[0] and "Page 3 of 4" in pages[3]      # the next page, the previous one
    assert [titles(unescape(page)) for page in pages] == [
        ["Book HR for Ben", "Return-to-work interview with Ann Able"],
        ["Associate Ben's absences", "Hold Cal's meeting"],
        ["Hold Dee's meeting", "Hold Ann's meeting"], ["Send Ann's letter"]]
    assert "Ben Best</a>" in pages[0] and "Ann Able</a>" in pages[0] and "Cal Cole" not in pages[0]
    assert 'href="/tasks?page=1&amp;view=divisions"' in pages[1] or \
        'href="/tasks?view=divisions&amp;page=1"' in pages[1]
    overdue = [auth.client.get(f"/tasks?view=divisions&overdue=1&page={n}").get_data(as_text=True) for n in (1, 2)]
    assert "Page 1 of 2" in overdue[1] and "3 open tasks" in overdue[0] and "Cal Cole" not in "".join(overdue)
    assert [titles(unescape(page)) for page in overdue] == [
        ["Book HR for Ben", "Return-to-work interview with Ann Able"], ["Associate Ben's absences"]]
