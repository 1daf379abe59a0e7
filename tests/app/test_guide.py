"""Help (issue 19, point 10): a guide for each role, linked from every page's header, saying what Casebook does for
them, their first day and what each task means; short-term and long-term spelled out before STS and LTS."""
from __future__ import annotations

import html
import re

from casework.task_guide import TASKS


def test_each_role_reads_its_own_guide_from_the_header(auth, make_user, make_employee):
    boss = make_employee(first_name="Bea", last_name="Boss")
    make_user("mo@example.org", ["manager"], assignment_number=boss.assignment_number)
    make_user("hana@example.org", ["hr"], hr_divisions=["Community Care"])
    make_user("dee@example.org", ["dpo"])
    auth.login("mo@example.org")
    team = auth.client.get("/team").get_data(as_text=True)
    assert re.search(r'<a class="cb-link-button" href="/help">Help</a>', team)
    page = html.unescape(auth.client.get("/help").get_data(as_text=True))
    assert "<h1>Help for line managers</h1>" in page and 'aria-current="page">Help</a>' in page
    for words in ("What Casebook does for you", "Your first day", "What each task means", 'href="/team">My team</a>',
                  "Associate the absences that reached the trigger", "Hold the return-to-work interview",
                  "A4</dt>", "Checklist for the Absence Support Meeting (Informal)"):
        assert words in page, words
    # a manager reads only their own tasks; short-term and long-term are spelled out before STS and LTS
    assert "HR advice needed: pertinent factors" not in page
    text = re.sub(r"<[^>]+>", "", page)
    assert text.find("STS") == text.index("short-term (STS)") + len("short-term (")
    assert text.find("LTS") == text.index("long-term (LTS)") + len("long-term (")
    auth.logout()

    auth.login("hana@example.org")
    page = html.unescape(auth.client.get("/help").get_data(as_text=True))
    assert "<h1>Help for HR advisors</h1>" in page
    assert all(task.title in page for task in TASKS)          # HR sees every kind: their own first
    assert page.index("Decide whether to progress the case") < page.index("Associate the absences")
    support = html.unescape(auth.client.get("/help?role=support").get_data(as_text=True))
    assert "<h1>Help for HR systems support</h1>" in support and 'href="/imports/employees"' not in support
    missing = auth.client.get("/help?role=<b>nobody</b>")
    assert missing.status_code == 404 and "There is no guide called “&lt;b&gt;nobody&lt;/b&gt;”" in \
        missing.get_data(as_text=True)
    auth.logout()

    auth.login("dee@example.org")                   # no guide of their own: the list
    assert 'href="/help?role=admin">Administrators</a>' in auth.client.get("/help").get_data(as_text=True)
