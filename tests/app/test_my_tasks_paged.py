"""My tasks is paged like everyone's tasks: a page of tasks at a time (soonest due first, grouped by employee), the
counts over all, from the kept tallies."""
from __future__ import annotations

import re

from tests.app.test_task_counts import new_case


def test_my_tasks_come_a_page_of_employees_at_a_time(app, make_employee, make_user, auth):
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number)
    size = app.config["PAGE_SIZE"]
    for number in range(size + 3):      # one employee a task, due one day later each: Zed000 soonest
        person = make_employee(first_name="Zed", last_name=f"Zed{number:03d}",
                               supervisor_assignment_number=boss.assignment_number)
        new_case(person, [("bea@example.org", number + 1)])
    auth.login("bea@example.org")
    first = auth.client.get("/tasks").get_data(as_text=True)
    second = auth.client.get("/tasks?page=2").get_data(as_text=True)
    last = f"Zed{size + 2:03d}"
    assert "Page 2 of 2" in first and "Zed000" in first and last not in first
    assert last in second and "Zed000" not in second


def test_my_tasks_pages_hold_every_task_once_even_within_one_due_day(app, make_employee, make_user, auth,
                                                                     monkeypatch):
    """Eleven tasks, most due the same day (five due in 3 days across Bea and her HR queue, as an HR queue's
    thousands are): pages of 3 list each once, in due order, counted from the tallies; each read of the rows is
    an indexed range of one assignee's due days, never the queue whole."""
    from tests.conftest import database_commands_sent
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user("hr@example.org", ["hr", "manager"], assignment_number=boss.assignment_number,
              hr_divisions=[boss.division])
    queue = f"hr:{boss.division}"
    dues = [-2, 3, 3, 3, 5, 8, 3, -1, 3, 9, 12]                 # two overdue
    for number, days in enumerate(dues):
        person = make_employee(first_name="Zed", last_name=f"Zed{number:03d}",
                               supervisor_assignment_number=boss.assignment_number)
        new_case(person, [("hr@example.org" if number % 2 else queue, days)])
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    auth.login("hr@example.org")
    seen = []
    for page in (1, 2, 3, 4):
        with database_commands_sent() as commands:
            html = auth.client.get(f"/tasks?page={page}").get_data(as_text=True)
        assert "11 open tasks, <strong>2 overdue</strong>" in html
        seen += sorted(int(found) for found in re.findall(r"Zed(\d{3})</a>", html))
        rows_read = [command["filter"] for command in commands if command.get("find") == "open_tasks"]
        assert rows_read and all(set(where) == {"assignee", "due_on"} and "$gte" in where["due_on"]
                                 for where in rows_read)
    assert sorted(seen) == list(range(11))                      # each once
    assert sorted(dues[number] for number in seen[:3]) == [-2, -1, 3]       # the first page: the soonest due
