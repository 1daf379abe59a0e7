"""The dashboards: every figure worked out by hand from a fixed dataset, every figure's link leading to a list
of exactly that many rows, and nobody seeing a figure or a row outside their scope."""
from __future__ import annotations

import datetime as dt
import html as markup
import re

import pytest

from casework.milestones import Milestone
from documents import Absence, Case, Employee
from documents.absence import ReturnToWork
from documents.case import Flag, Stage, Task
from services import clock
from services.cases.tasks import add_milestone_tasks

TODAY = clock.today()
DAY = dt.timedelta(days=1)
STAGES = {"absence_support": "Absence Support Meeting", "formal_1": "1st Formal Absence Review Meeting",
          "formal_2": "2nd Formal Absence Review Meeting", "formal_3": "3rd Formal Absence Review Meeting",
          "lts_welfare": "Welfare Contact and Meeting", "lts_case_conference": "Case Conference",
          "lts_hearing": "Case Review Hearing"}


def task(kind, who, due, status="open", event_on=None):
    return Task(kind=kind, title=f"{kind} for {who}", assignee=who, due_on=due, status=status, event_on=event_on)


@pytest.fixture
def world(built_once, make_employee, make_user):
    """Surgery: Dana heads Mo (Ann, Ben), Pip (Cat) and Dee. Medicine: Mia heads Zed. Built once for the module,
    then restored before each test."""
    ids = built_once("world", lambda: build_world(make_employee, make_user))
    found = Employee.objects.in_bulk(list(ids.values()))
    return {name: found[pk] for name, pk in ids.items()}


def build_world(make_employee, make_user):
    people = {}
    people["dana"] = make_employee(first_name="Dana", last_name="Director", division="Surgery",
                                   email="dana@example.org")
    for name, boss in (("mo", "dana"), ("pip", "dana"), ("dee", "dana"), ("ann", "mo"), ("ben", "mo"), ("cat", "pip")):
        people[name] = make_employee(first_name=name.title(), last_name="Surgeon", division="Surgery",
                                     email=f"{name}@example.org",
                                     supervisor_assignment_number=people[boss].assignment_number)
    people["mia"] = make_employee(first_name="Mia", last_name="Medic", division="Medicine", email="mia@example.org")
    people["zed"] = make_employee(first_name="Zed", last_name="Medic", division="Medicine", email="zed@example.org",
                                  supervisor_assignment_number=people["mia"].assignment_number)
    people = {name: person.reload() for name, person in people.items()}
    for name in ("dana", "mo", "pip"):
        make_user(f"{name}@example.org", ["manager"], name=f"{name.title()} Surgeon",
                  assignment_number=people[name].assignment_number)
    make_user("hra@example.org", ["hr"], hr_divisions=["Surgery"])
    make_user("hrb@example.org", ["hr"], hr_divisions=["Medicine"])
    make_user("admin@example.org", ["admin"])
    make_user("support@example.org", ["support"])

    def case(who, kind, stage, status="open", paused=False, tasks=(), flags=()):
        person = people[who]
        made = Case(employee=person.pk, assignment_number=person.assignment_number, division=person.division,
                    manager_path=person.manager_path, kind=kind, policy_key="council-2019", policy_revision=1,
                    stage=stage, status=status, paused=paused, opened_on=TODAY - 40 * DAY,
                    closed_on=TODAY - DAY if status == "closed" else None,
                    stages=[Stage(key=stage, entered_on=TODAY - 40 * DAY)], tasks=list(tasks), flags=list(flags))
        made.save_checked()
        return made

    def absence(who, first, last, rtw=False, tasks=()):
        person = people[who]
        Absence(employee=person.pk, assignment_number=person.assignment_number, first_day=first, last_day=last,
                reason_category="infections", tasks=list(tasks),
                rtw=ReturnToWork(held_on=last + DAY, held_by="pip@example.org") if rtw else None).save_checked()

    def flag(kind, status="open"):
        return Flag(kind=kind, raised_by="mo@example.org", status=status)

    case("ann", "STS", "formal_1", tasks=[
        task("hold_meeting", "mo@example.org", TODAY - 3 * DAY), task("send_invite", "mo@example.org", TODAY + 3 * DAY),
        task("book_hr", "hr:Surgery", TODAY - 10 * DAY),
        task("hold_meeting", "mo@example.org", TODAY - 20 * DAY, status="done")], flags=[flag("wrong_stage")])
    case("ben", "STS", "formal_1", paused=True, tasks=[task("hold_meeting", "mo@example.org", TODAY - 5 * DAY)])
    case("cat", "STS", "absence_support", status="monitoring", flags=[flag("not_my_report")])
    case("dee", "STS", "formal_2", tasks=[task("hold_meeting", "dana@example.org", TODAY - DAY)],
         flags=[flag("wrong_stage", "resolved")])
    case("ann", "LTS", "lts_welfare", tasks=[
        task("half_pay", "mo@example.org", TODAY + DAY, event_on=TODAY + 10 * DAY),
        task("nil_pay", "mo@example.org", TODAY + DAY, event_on=TODAY + 60 * DAY)])
    case("ben", "LTS", "lts_case_conference", tasks=[     # stored before event_on: the day is due + 14 days
        task("half_pay", "mo@example.org", TODAY + 5 * DAY), task("nil_pay", "mo@example.org", TODAY + 20 * DAY)])
    case("cat", "STS", "formal_3", status="closed")
    case("cat", "LTS", "lts_welfare", tasks=[
        task("nil_pay", "pip@example.org", TODAY + DAY, event_on=TODAY + 3 * DAY),
        task("half_pay", "pip@example.org", TODAY + DAY, status="cancelled", event_on=TODAY + 5 * DAY)])
    case("zed", "STS", "formal_1", tasks=[task("hold_meeting", "mia@example.org", TODAY - 2 * DAY)],
         flags=[flag("wrong_stage")])
    case("zed", "LTS", "lts_welfare", tasks=[task("half_pay", "mia@example.org", TODAY + DAY,
                                                  event_on=TODAY + 7 * DAY)])

    absence("ben", TODAY - 12 * DAY, TODAY - 10 * DAY, tasks=[task("rtw_reminder", "mo@example.org", TODAY - 7 * DAY)])
    absence("cat", TODAY - 8 * DAY, TODAY - 5 * DAY, rtw=True, tasks=[task("oh_referral", "pip@example.org",
                                                                           TODAY - DAY)])
    absence("ann", TODAY - 32 * DAY, TODAY - 30 * DAY)
    absence("ann", TODAY - 2 * DAY, None)
    absence("dee", TODAY - 2 * DAY, TODAY)
    absence("zed", TODAY - 22 * DAY, TODAY - 20 * DAY,
            tasks=[task("rtw_reminder", "mia@example.org", TODAY - 17 * DAY)])
    return {name: person.pk for name, person in people.items()}


FIGURE = re.compile(r'<a href="([^"]+)">(\d+)<span class="nhsuk-u-visually-hidden"> ([^<]+)</span></a>')


def figures(page: str) -> dict[str, tuple[int, str]]:
    """Each linked figure on the page by the words that say what it counts: (number, link)."""
    found = {markup.unescape(said): (int(number), markup.unescape(href)) for href, number, said in FIGURE.findall(page)}
    assert len(found) == len(FIGURE.findall(page)), "two figures are described by the same words"
    return found


def rows(client, href: str) -> int:
    """How many rows the list behind a figure shows."""
    page = client.get(href)
    assert page.status_code == 200, href
    text = page.get_data(as_text=True)
    if href.startswith("/tasks"):
        return text.count("Held by ")
    body = re.search(r'<tbody class="nhsuk-table__body">(.*?)</tbody>', text, re.S)
    return body.group(1).count("<tr") if body else 0


def words(stage: str, kind: str, where: str, what: str = "open") -> str:
    kind_words = "long-term" if kind == "LTS" else "short-term"
    cases = f"{STAGES[stage]} {kind_words} cases" if stage else f"{kind_words} cases"
    return f"{cases} in {where} on continued monitoring" if what == "monitoring" else f"{what} {cases} in {where}"


def expected_for_surgery(where: str, everyone: str) -> dict[str, int]:
    counts = {
        words("absence_support", "STS", where, "monitoring"): 1,
        words("formal_1", "STS", where): 2, words("formal_1", "STS", where, "paused"): 1,
        words("formal_2", "STS", where): 1,
        words(None, "STS", where): 3, words(None, "STS", where, "monitoring"): 1,
        words(None, "STS", where, "paused"): 1,
        words("lts_welfare", "LTS", where): 2, words("lts_case_conference", "LTS", where): 1,
        words(None, "LTS", where): 3,
        "cases moving to half pay in " + where: 2, "cases moving to nil pay in " + where: 1,
        "interviews outstanding in " + where: 2,
        "“wrong stage” flags in " + where: 1, "“not my report” flags in " + where: 1,
        "overdue tasks held by Mo Surgeon": 2, "overdue tasks held by HR advisors, Surgery": 1,
        "overdue tasks held by Dana Surgeon": 1, "overdue tasks held by Pip Surgeon": 1,
    }
    totals = {key.replace(f" in {where}", f" in {everyone}"): value for key, value in counts.items()
              if f" in {where}" in key}
    return counts | totals


def check_figures(client, page: str, expected: dict[str, int]) -> dict[str, tuple[int, str]]:
    found = figures(page)
    assert {key: number for key, (number, _) in found.items()} == expected
    for key, (number, href) in found.items():
        assert rows(client, href) == number, f"{key}: {href}"
    return found


def test_hr_sees_their_division_figures_each_leading_to_that_many_rows(auth, world):
    auth.login("hra@example.org")
    page = auth.client.get("/dashboard").get_data(as_text=True)
    found = check_figures(auth.client, page, expected_for_surgery("Surgery", "all your divisions"))
    assert "Medicine" not in page and "Mia" not in page
    assert found["open 1st Formal Absence Review Meeting short-term cases in Surgery"][1] == (
        "/cases?status=open&division=Surgery&kind=STS&stage=formal_1")
    assert found["“wrong stage” flags in Surgery"][1] == "/hr/flags?division=Surgery&kind=wrong_stage"
    # The oldest due date of each holder's overdue tasks, most overdue first.
    held = re.findall(r'<th scope="row">([^<]+)</th>\s*<td><a href="/tasks[^"]*">\d+.*?</td>\s*<td>([^<]+)</td>', page)

    def oldest(day):
        return f"{day.day} {day.strftime('%b %Y')}"

    assert held == [("Mo Surgeon", oldest(TODAY - 7 * DAY)), ("HR advisors, Surgery", oldest(TODAY - 10 * DAY)),
                    ("Dana Surgeon", oldest(TODAY - DAY)), ("Pip Surgeon", oldest(TODAY - DAY))]
    assert oldest(TODAY + 10 * DAY) in page and oldest(TODAY + 3 * DAY) in page  # the earliest pay changes
    assert oldest(TODAY - 30 * DAY) in page                                        # the oldest outstanding RTW


def test_the_rtw_list_is_oldest_first_and_links_to_the_absence(auth, world):
    auth.login("hra@example.org")
    listing = auth.client.get("/dashboard/rtw?division=Surgery").get_data(as_text=True)
    assert listing.index("Ann Surgeon") < listing.index("Ben Surgeon")
    oldest = Absence.objects.get(employee=world["ann"].pk, last_day=TODAY - 30 * DAY)
    assert f'href="/absences/{oldest.pk}"' in listing


@pytest.mark.parametrize("url", ["/cases?division=Medicine", "/cases?kind=STS&stage=formal_1&division=Medicine",
                                 "/dashboard/rtw?division=Medicine", "/hr/flags?division=Medicine",
                                 "/tasks?view=divisions&holder=mia@example.org&overdue=1"])
def test_hr_forging_another_division_sees_no_rows(auth, world, url):
    auth.login("hra@example.org")
    assert rows(auth.client, url) == 0


def test_the_other_division_sees_only_its_own(auth, world):
    auth.login("hrb@example.org")
    page = auth.client.get("/dashboard").get_data(as_text=True)
    where, everyone = "Medicine", "all your divisions"
    expected = {words("formal_1", "STS", where): 1, words(None, "STS", where): 1,
                words("lts_welfare", "LTS", where): 1, words(None, "LTS", where): 1,
                "cases moving to half pay in " + where: 1, "interviews outstanding in " + where: 1,
                "“wrong stage” flags in " + where: 1}
    expected |= {key.replace(where, everyone): value for key, value in expected.items()}
    expected["overdue tasks held by Mia Medic"] = 2       # known as an employee, not a user
    check_figures(auth.client, page, expected)
    assert "Surgery" not in page


def test_an_admin_sees_every_division(auth, world):
    auth.login("admin@example.org")
    found = figures(auth.client.get("/dashboard").get_data(as_text=True))
    assert found[words("formal_1", "STS", "all your divisions")][0] == 3
    assert found[words("formal_1", "STS", "Medicine")][0] == 1
    assert found["interviews outstanding in all your divisions"][0] == 3
    assert rows(auth.client, found["interviews outstanding in all your divisions"][1]) == 3


def test_a_manager_sees_their_hierarchy_only(auth, world):
    auth.login("mo@example.org")
    page = auth.client.get("/dashboard").get_data(as_text=True)
    where, everyone = "Reporting to you directly", "your whole team"
    expected = {words("formal_1", "STS", where): 2, words("formal_1", "STS", where, "paused"): 1,
                words(None, "STS", where): 2, words(None, "STS", where, "paused"): 1,
                words("lts_welfare", "LTS", where): 1, words("lts_case_conference", "LTS", where): 1,
                words(None, "LTS", where): 2, "cases moving to half pay in " + where: 2,
                "interviews outstanding in " + where: 2, "“wrong stage” flags in " + where: 1}
    expected |= {key.replace(where, everyone): value for key, value in expected.items()}
    expected |= {"overdue tasks held by Mo Surgeon": 2, "overdue tasks held by HR advisors, Surgery": 1}
    found = check_figures(auth.client, page, expected)
    assert "Cat" not in page and "Pip" not in page and "Medicine" not in page
    assert found["“wrong stage” flags in " + where][1] == (
        f"/cases?flag=wrong_stage&line={world['mo'].assignment_number}")
    # A peer's team, asked for by hand, shows nothing.
    assert rows(auth.client, f"/cases?line={world['pip'].assignment_number}") == 0
    assert rows(auth.client, "/dashboard/rtw?division=Surgery") == 2
    assert rows(auth.client, "/tasks?view=hierarchy&holder=pip@example.org&overdue=1") == 0


def test_a_senior_manager_sees_each_line_below_them(auth, world):
    auth.login("dana@example.org")
    found = figures(auth.client.get("/dashboard").get_data(as_text=True))
    assert found[words(None, "STS", "Mo Surgeon’s team")][0] == 2
    assert found[words(None, "STS", "Mo Surgeon’s team", "paused")][0] == 1
    assert found[words(None, "STS", "Pip Surgeon’s team", "monitoring")][0] == 1
    assert found[words("formal_2", "STS", "Reporting to you directly")][0] == 1
    assert found["cases moving to nil pay in Pip Surgeon’s team"][0] == 1
    assert found["overdue tasks held by Pip Surgeon"][0] == 1
    for key, (number, href) in found.items():
        assert rows(auth.client, href) == number, key


@pytest.mark.parametrize("url", ["/dashboard", "/dashboard/rtw"])
def test_roles_without_access_get_403(auth, world, url):
    auth.login("support@example.org")
    assert auth.client.get(url).status_code == 403


def test_a_bad_filter_value_is_named_beside_its_filter(auth, world):
    auth.login("hra@example.org")
    page = auth.client.get("/cases?status=asleep")
    assert page.status_code == 200 and "Choose open, continued monitoring or closed." in page.get_data(as_text=True)


def test_hr_and_admins_land_on_the_dashboard(auth, world):
    auth.login("hra@example.org")
    assert auth.client.get("/").headers["Location"] == "/dashboard"


def test_a_milestone_task_keeps_the_day_of_the_milestone(world):
    case = Case.objects.get(employee=world["zed"].pk, kind="LTS")
    milestones = [Milestone("half_pay", "Half pay", TODAY + 40 * DAY, False, None),
                  Milestone("nil_pay", "Nil pay", TODAY + 90 * DAY, False, None)]
    added = add_milestone_tasks(case, world["zed"], milestones, TODAY)
    assert [(added_task.kind, added_task.event_on, added_task.milestone_on) for added_task in added] == [
        ("half_pay", TODAY + 40 * DAY, TODAY + 40 * DAY), ("nil_pay", TODAY + 90 * DAY, TODAY + 90 * DAY)]


@pytest.mark.parametrize("kind, due, event_on, day", [
    ("half_pay", TODAY, None, TODAY + 14 * DAY),
    ("nil_pay", TODAY, None, TODAY + 14 * DAY),
    ("ssp_notice", TODAY, None, TODAY + 7 * DAY),
    ("half_pay", TODAY, TODAY + 16 * DAY, TODAY + 16 * DAY),
    ("hold_meeting", TODAY, None, None),
])
def test_tasks_stored_before_event_on_fall_back_to_their_due_date(kind, due, event_on, day):
    assert task(kind, "mo@example.org", due, event_on=event_on).milestone_on == day


def test_a_manager_who_is_also_hr_sees_the_union_by_division(auth, world, make_user):
    make_user("both@example.org", ["manager", "hr"], assignment_number=world["mo"].assignment_number,
              hr_divisions=["Medicine"])
    auth.login("both@example.org")
    found = figures(auth.client.get("/dashboard").get_data(as_text=True))
    assert found[words("formal_1", "STS", "Surgery")][0] == 2          # Mo's team only: Ann and Ben
    assert found[words("formal_1", "STS", "Medicine")][0] == 1
    assert found[words(None, "STS", "all your divisions")][0] == 3     # not Cat's or Dee's
    assert found["interviews outstanding in all your divisions"][0] == 3
    assert found["“wrong stage” flags in all your divisions"][0] == 2
    assert found["overdue tasks held by Mia Medic"][0] == 2 and "overdue tasks held by Pip Surgeon" not in found
    for key, (number, href) in found.items():
        assert rows(auth.client, href) == number, key


def test_a_stage_the_active_policy_does_not_have_follows_its_ladder(auth, world):
    ann = world["ann"]
    Case(employee=ann.pk, assignment_number=ann.assignment_number, division=ann.division,
         manager_path=ann.manager_path, kind="LTS", policy_key="council-2019", policy_revision=1,
         stage="lts_redeployment", opened_on=TODAY, stages=[Stage(key="lts_redeployment", entered_on=TODAY)]
         ).save_checked()
    auth.login("hra@example.org")
    page = auth.client.get("/dashboard").get_data(as_text=True)
    headings = re.findall(r'<th scope="col">([^<]+)</th>', page.split('id="cases-LTS"')[1].split("</thead>")[0])
    assert headings == ["Division", "Welfare Contact and Meeting", "Case Conference", "Case Review Hearing",
                        "Lts redeployment", "Total"]
    number, href = figures(page)["open Lts redeployment long-term cases in Surgery"]
    assert number == 1 and rows(auth.client, href) == 1


def test_the_case_list_says_its_filters_in_words(auth, world):
    auth.login("dana@example.org")
    mo, dana = world["mo"].assignment_number, world["dana"].assignment_number
    html = auth.client.get(f"/cases?kind=STS&stage=formal_2&status=open&paused=0&line={mo}").get_data(as_text=True)
    filters = re.findall(r'<dt class="nhsuk-summary-list__key">([^<]+)</dt>\s*<dd class="nhsuk-summary-list__value">'
                         r'([^<]+)</dd>', html)
    assert filters == [("Team", "Mo Surgeon’s team"), ("Paused", "no")]
    chosen = re.findall(r'<option value="([^"]+)" selected>([^<]+)</option>', html)
    assert chosen == [("STS", "Short-term"), ("formal_2", "2nd Formal Absence Review Meeting"), ("open", "Open")]
    html = auth.client.get(f"/cases?line={dana}&flag=wrong_stage&pay=nil_pay").get_data(as_text=True)
    assert "reporting to you directly" in html and "wrong stage" in html and "nil pay" in html
