"""My tasks is paged like everyone's tasks: a page of employees' task groups at a time, the counts over all."""
from __future__ import annotations

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
