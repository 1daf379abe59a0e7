"""HR's case list (issue 19 point 4): each filter narrows the list to the cases worked out by hand, a bad filter value
gives the list with a message beside its filter, the pages keep the filters, and the CSV holds the same cases with
every cell neutralised for spreadsheets."""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re

import pytest

from documents import Case, Employee
from documents.case import Stage, Task
from services import clock

TODAY = clock.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def world(built_once, make_employee, make_user):
    """Surgery: Dana heads Mo (Ann, Ben) and Pip (Cat, =Eve); Dee reports to Dana. Medicine: Zed. Built once."""
    ids = built_once("cases", lambda: build_world(make_employee, make_user))
    found = Employee.objects.in_bulk(list(ids.values()))
    return {name: found[pk] for name, pk in ids.items()}


def build_world(make_employee, make_user):
    people = {"dana": make_employee(first_name="Dana", last_name="Director", division="Surgery")}
    for name, first, boss in (("mo", "Mo", "dana"), ("pip", "Pip", "dana"), ("dee", "Dee", "dana"),
                              ("ann", "Ann", "mo"), ("ben", "Ben", "mo"), ("cat", "Cat", "pip"),
                              ("eve", "=Eve", "pip")):
        people[name] = make_employee(first_name=first, last_name="Surgeon", division="Surgery",
                                     supervisor_assignment_number=people[boss].assignment_number)
    people["zed"] = make_employee(first_name="Zed", last_name="Medic", division="Medicine")
    people = {name: person.reload() for name, person in people.items()}
    make_user("hra@example.org", ["hr"], hr_divisions=["Surgery"])

    def case(who, kind, stage, opened, status="open", warning=None, review=None, due=None):
        person = people[who]
        Case(employee=person.pk, assignment_number=person.assignment_number, division=person.division,
             manager_path=person.manager_path, kind=kind, policy_key="council-2019", policy_revision=1, stage=stage,
             status=status, opened_on=TODAY - opened * DAY, closed_on=TODAY - DAY if status == "closed" else None,
             stages=[Stage(key=stage, entered_on=TODAY - opened * DAY, warning_expires_on=warning, review_date=review,
                           warning_level="first" if warning else None)],
             tasks=[Task(kind="hold_meeting", title="Hold it", assignee="hr:Surgery", due_on=due)] if due else [],
             ).save_checked()

    # opened (days ago), a warning to (today + n), a review to (today + n), a task due (today + n)
    case("ann", "STS", "formal_1", 40, warning=TODAY + 30 * DAY, review=TODAY + 10 * DAY, due=TODAY - 3 * DAY)
    case("ben", "LTS", "lts_welfare", 30, due=TODAY + 5 * DAY)
    case("cat", "STS", "absence_support", 20, status="monitoring", warning=TODAY - DAY, review=TODAY + 40 * DAY)
    case("dee", "STS", "formal_2", 10, status="closed")
    case("eve", "STS", "formal_1", 5)
    case("zed", "STS", "formal_1", 40, due=TODAY - 3 * DAY)
    return {name: person.pk for name, person in people.items()}


def listed(client, query: str) -> list[str]:
    """The first names of the employees the list shows for `query`, in its order."""
    page = client.get(f"/cases?{query}")
    assert page.status_code == 200, query
    body = re.search(r'<tbody class="nhsuk-table__body">(.*?)</tbody>', page.get_data(as_text=True), re.S)
    return [html.unescape(name).split()[0] for name in re.findall(r'<a href="/cases/[^"]+">([^<]+)</a>',
                                                                    body.group(1))] if body else []


def test_each_filter_narrows_hr_s_case_list_to_the_cases_worked_out_by_hand(auth, world):
    auth.login("hra@example.org")
    mo, ann = world["mo"], world["ann"]
    # Surgery only (HR's division), by division then the day opened: Ann 40, Ben 30, Cat 20, Dee 10, Eve 5 days ago.
    expected = [
        ("", ["Ann", "Ben", "Cat", "Dee", "=Eve"]),
        ("kind=LTS", ["Ben"]),
        ("kind=STS&stage=formal_1", ["Ann", "=Eve"]),                  # Zed's formal_1 is Medicine's
        ("status=monitoring", ["Cat"]),
        ("status=closed", ["Dee"]),
        ("division=Surgery&status=open", ["Ann", "Ben", "=Eve"]),
        (f"manager={mo.assignment_number}", ["Ann", "Ben"]),          # everyone below Mo
        ("manager=Pip+Surgeon", ["Cat", "=Eve"]),                     # by name: one person
        ("overdue=1", ["Ann"]),                                       # due 3 days ago; Ben's is due in 5
        ("warning=1", ["Ann"]),                                       # live 30 days more; Cat's ended yesterday
        ("review=14", ["Ann"]),                                       # ends in 10 days ≤ 14
        ("review=56", ["Ann", "Cat"]),                                # and in 40 days ≤ 56
        ("q=cat", ["Cat"]),
        ("q=surgeon+ann", ["Ann"]),                                   # either order, the words' starts
        (f"q={ann.assignment_number}", ["Ann"]),
        ("q=zed", []),                                                # Medicine: not HR's to see
        ("status=open&kind=STS&overdue=1&warning=1&review=28", ["Ann"]),
    ]
    assert [(query, listed(auth.client, query)) for query, _ in expected] == expected


def test_a_bad_filter_value_gives_the_list_with_a_message_beside_the_filter(auth, world):
    auth.login("hra@example.org")
    page = auth.client.get("/cases?status=asleep&kind=STS&review=9&manager=Nobody+Atall")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "3 filters left out" in text
    assert re.search(r'<span class="nhsuk-error-message" id="filter-status-error">.*?'
                     r'Choose open, continued monitoring or closed.</span>', text, re.S)
    assert ('id="filter-review-error"><span class="nhsuk-u-visually-hidden">Error:</span> Choose 2, 4 or 8 weeks.'
            in text)
    assert "No one you can see is called “Nobody Atall” or has that assignment number." in text
    assert 'value="Nobody Atall"' in text                           # what was typed stays in the field
    assert listed(auth.client, "status=asleep&kind=STS&review=9&manager=Nobody+Atall") == [
        "Ann", "Cat", "Dee", "=Eve"]                                # the good filter (short-term) still applies
    # Another division's name, forged, is named too, and never widens the list.
    assert listed(auth.client, "division=Medicine") == []
    assert "You see no cases in “Medicine”: choose one of your divisions." in html.unescape(
        auth.client.get("/cases?division=Medicine").get_data(as_text=True))


def test_the_pages_keep_the_filters_and_the_csv_holds_the_same_cases_neutralised(auth, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    auth.login("hra@example.org")
    first = auth.client.get("/cases?kind=STS").get_data(as_text=True)
    assert "4 cases" in first and 'href="/cases?page=2&amp;kind=STS"' in first
    assert listed(auth.client, "kind=STS&page=2") == ["Dee", "=Eve"]
    assert 'href="/cases/export.csv?kind=STS" download>Download these 4 cases (CSV)' in first
    exported = auth.client.get("/cases/export.csv?kind=STS")
    assert exported.mimetype == "text/csv" and "attachment" in exported.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    ann = world["ann"]
    assert rows[0] == ["Employee", "Assignment number", "Kind", "Stage", "Status", "Paused", "Opened", "Division",
                       "Live warning until", "Review ends"]
    assert rows[1] == ["Ann Surgeon", ann.assignment_number, "Short-term", "1st Formal Absence Review Meeting", "Open",
                       "no", (TODAY - 40 * DAY).isoformat(), "Surgery", (TODAY + 30 * DAY).isoformat(),
                       (TODAY + 10 * DAY).isoformat()]
    assert [row[0] for row in rows[1:]] == ["Ann Surgeon", "Cat Surgeon", "Dee Surgeon", "'=Eve Surgeon"]
