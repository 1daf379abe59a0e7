"""The request-path reads of the task lists, the task badge and the team page are served by an index, on the
embedded database and (by the indexes each document declares in its `meta`) on a real MongoDB.

What SecantusDB's `explain` reports, found out here: a winning plan of `FETCH` over `IXSCAN` with the index's
name when every field of the filter is a key of one index and there is no `$in` beside another condition;
`COLLSCAN` as soon as the filter names one field outside the index, even where it answers from the index's
part and filters the rest (measured over 20,000 employees: `{manager_path, start_date $not $gt, end_date $not
$lt}` 20 ms, the same with an `$or` over a missing start date 3.5 s, a whole read). So each read below is
checked in two steps: the plan of its indexed part is an `IXSCAN` of the named index, and the rest of its filter
holds no `$or` (the engine's scan). A filter the engine reports in full is checked as it is.
"""
from __future__ import annotations

import datetime as dt

import pytest

from documents import Employee
from documents.base import midnight
from documents.open_task import OpenTask
from documents.rtw_due import RtwDue
from tests.conftest import clean_database

DAY = dt.datetime(2026, 3, 2)


@pytest.fixture
def _clean():
    """Rows are written once for the module."""


@pytest.fixture(scope="module")
def db(app):
    from documents.connection import database
    clean_database()
    found = database()
    found.open_tasks.insert_many([{"holder": n, "holder_kind": "case", "task": f"t{n}", "assignee": f"a{n % 7}",
                                   "due_on": midnight(dt.date(2026, 1, 1 + n % 28)), "division": f"D{n % 3}",
                                   "manager_path": [f"M{n % 5}", "B1"]} for n in range(200)])
    found.employees.insert_many([{"assignment_number": f"N{n}", "first_name": "A", "last_name": f"Z{n}",
                                  "division": "D1", "manager_path": [f"M{n % 5}", "B1"],
                                  "supervisor_assignment_number": f"M{n % 5}", "fte": 1.0} for n in range(100)])
    yield found
    clean_database()


def plan(db, collection: str, where: dict) -> tuple[str, str | None]:
    """(the winning plan's input stage, or its stage when it has none; the index it scans)."""
    winning = db[collection].find(where).explain()["queryPlanner"]["winningPlan"]
    stage = winning.get("inputStage", winning)
    return stage["stage"], stage.get("indexName")


def has_or(where) -> bool:
    if isinstance(where, dict):
        return "$or" in where or any(has_or(value) for value in where.values())
    return isinstance(where, list) and any(has_or(value) for value in where)


def declared(document, keys: list[str]) -> bool:
    """Whether `document` declares an index on exactly `keys` (in order) in its `meta`."""
    return any([name for name, _ in spec["fields"]] == keys for spec in document._meta["index_specs"])


def raw_filter(queryset) -> dict:
    return queryset._query


# (what, collection, the filter as the code sends it, the index's keys, the document declaring it)
READS = [
    ("a login's rows", "open_tasks", {"assignee": "a1"}, ["assignee", "due_on"], OpenTask),
    ("a login's and their HR queues' rows", "open_tasks", {"assignee": {"$in": ["a1", "hr:D1"]}},
     ["assignee", "due_on"], OpenTask),
    ("everyone's tasks below a manager", "open_tasks", {"manager_path": "B1"}, ["manager_path", "due_on"], OpenTask),
    ("everyone's tasks in HR's divisions", "open_tasks", {"division": {"$in": ["D1", "D2"]}},
     ["division", "due_on"], OpenTask),
    ("a holder's rows written again", "open_tasks", {"holder": 3}, ["holder"], OpenTask),
]


@pytest.mark.parametrize("what, collection, where, keys, document", READS, ids=[row[0] for row in READS])
def test_a_task_read_is_an_index_scan(db, what, collection, where, keys, document):
    assert plan(db, collection, where) == ("IXSCAN", "_".join(f"{key}_1" for key in keys))
    assert declared(document, keys)


def test_the_team_page_reads_the_managers_people_by_the_manager_path_index(db):
    """`team_of`: the people in post below the manager. The engine reports `COLLSCAN` for the whole filter (it
    names the supervisor and the dates beside the chain), so its indexed part is checked, and that the rest has
    no `$or` (`Employee.objects.current` writes "started by then or no start date" as `$not $gt`)."""
    manager = type("Manager", (), {"assignment_number": "B1", "is_authenticated": True,
                                   "has_role": lambda self, *roles: "manager" in roles})()
    from services.reads.staff import team_of
    for everyone in (False, True):
        where = raw_filter(team_of(manager, DAY.date(), everyone))
        assert where.get("manager_path") == "B1" and not has_or(where), where
    assert plan(db, "employees", {"manager_path": "B1"}) == ("IXSCAN", "manager_path_1")
    assert declared(Employee, ["manager_path"])


# The dashboards' reads (issue 18 point 2): overdue tasks by holder from the open-task rows, outstanding return-to-work
# interviews from their kept rows and tallies (documents/rtw_due.py), as `scope_parts` narrows them (an equality on a
# division or a chain of supervisors beside the date range, each a key of one index), and the filters the code sends.
@pytest.fixture(scope="module")
def dashboard_db(db):
    db.rtw_due.insert_many([{"employee": n, "first_day": midnight(dt.date(2025, 12, 1 + n % 28)),
                             "last_day": midnight(dt.date(2026, 1, 1 + n % 28)), "division": f"D{n % 3}",
                             "manager_path": [f"M{n % 5}", "B1"]} for n in range(200)])
    db.rtw_tallies.insert_many([{"_id": f"division|D{n}", "level": "division", "division": f"D{n}",
                                 "days": {"2026-01-02": 1}} for n in range(3)]
                               + [{"_id": f"line|D1|B1|M{n}", "level": "line", "division": "D1", "manager": "B1",
                                   "group": f"M{n}", "days": {"2026-01-02": 1}} for n in range(5)])
    return db


def _user(roles, assignment_number=None, hr_divisions=()):
    return type("Someone", (), {"assignment_number": assignment_number, "hr_divisions": list(hr_divisions),
                                "is_authenticated": True,
                                "has_role": lambda self, *wanted: bool(set(wanted) & set(roles))})()


DASHBOARD_READS = [
    ("overdue tasks, every division (admin)", "open_tasks", _user(["admin"]), "due_on", ["due_on"], OpenTask),
    ("overdue tasks, an HR advisor's division", "open_tasks", _user(["hr"], hr_divisions=["D1", "D2"]), "due_on",
     ["division", "due_on"], OpenTask),
    ("overdue tasks below a manager", "open_tasks", _user(["manager"], "B1"), "due_on", ["manager_path", "due_on"],
     OpenTask),
    ("interviews outstanding, every division (admin)", "rtw_due", _user(["admin"]), "last_day",
     ["last_day", "first_day"], RtwDue),
    ("interviews outstanding, an HR advisor's division", "rtw_due", _user(["hr"], hr_divisions=["D1"]), "last_day",
     ["division", "last_day"], RtwDue),
    ("interviews outstanding below a manager", "rtw_due", _user(["manager"], "B1"), "last_day",
     ["manager_path", "last_day"], RtwDue),
]


@pytest.mark.parametrize("what, collection, user, dated, keys, document", DASHBOARD_READS,
                         ids=[row[0] for row in DASHBOARD_READS])
def test_a_dashboard_read_is_an_index_scan(dashboard_db, what, collection, user, dated, keys, document):
    from documents.scope import scope_parts
    parts = scope_parts(user)
    assert parts, what
    for part in parts:
        assert plan(dashboard_db, collection, {**part, dated: {"$lt": DAY}}) == (
            "IXSCAN", "_".join(f"{key}_1" for key in keys))
    assert declared(document, keys)


def test_the_rtw_list_sends_the_scope_as_an_indexed_equality(dashboard_db):
    from services.reads.dashboard_lists import listed_absences
    for user, keys in ((_user(["hr"], hr_divisions=["D1"]), ["division", "last_day"]),
                       (_user(["manager"], "B1"), ["manager_path", "last_day"]),
                       (_user(["admin"]), ["last_day", "first_day"])):
        where = raw_filter(listed_absences(user, DAY.date()))
        assert plan(dashboard_db, "rtw_due", where) == ("IXSCAN", "_".join(f"{key}_1" for key in keys)), where


@pytest.mark.parametrize("user, where", [
    (_user(["admin"]), {"level": "division"}),
    (_user(["hr"], hr_divisions=["D1", "D2"]), {"level": "division", "division": {"$in": ["D1", "D2"]}}),
    (_user(["manager"], "B1"), {"manager": "B1"})], ids=["admin", "hr", "manager"])
def test_the_dashboard_s_interview_tallies_are_read_by_an_index(dashboard_db, user, where):
    from documents.rtw_due import RtwTally, tallies_for
    from tests.conftest import database_commands_sent
    with database_commands_sent() as commands:
        found = tallies_for(user)
    assert [command["filter"] for command in commands if "find" in command] == [where]
    assert found and plan(dashboard_db, "rtw_tallies", where)[0] == "IXSCAN"
    assert declared(RtwTally, ["level", "division"]) and declared(RtwTally, ["manager"])


def test_the_employee_search_reads_one_word_by_the_search_words_index(db):
    """`find_staff`: the longest word asked as the range of the indexed `search_words` it starts (the engine
    reports the scope beside it as a `COLLSCAN`, answering from the index's part as above), the others on the
    unindexed copy (more conditions on the indexed field make it read every employee), and no `$or` or regular
    expression."""
    from documents.search_words import search_filter
    where = search_filter("isa cook")
    assert where == {"search_words": {"$gte": "cook", "$lt": "cool"}, "search_words_again": {"$all": ["isa"]}}
    assert not has_or(where)
    assert plan(db, "employees", {"search_words": where["search_words"]}) == ("IXSCAN", "search_words_1")
    assert declared(Employee, ["search_words"])


def test_the_users_page_reads_the_divisions_held_by_the_hr_divisions_index(db):
    """`held_divisions`: the logins holding a division (any string after ""), not every login."""
    from documents import User
    db.users.insert_many([{"email": f"u{n}@x.org", "name": f"U{n}", "roles": ["hr"] if n % 3 else ["manager"],
                           **({"hr_divisions": [f"D{n % 4}"]} if n % 3 else {})} for n in range(30)])
    assert plan(db, "users", {"hr_divisions": {"$gt": ""}}) == ("IXSCAN", "hr_divisions_1_name_1")
    assert declared(User, ["hr_divisions", "name"])
    from services.user_admin import held_divisions
    assert held_divisions() == ["D0", "D1", "D2", "D3"]


# The task inbox and the badge (documents/task_tally.py, services/reads/task_pages.py): the tallies by holder or by
# division, and one page's rows as a range of due days beside an equality on the holder or the division.
TALLY_READS = [
    ("the badge and My tasks: a holder's tallies", {"assignee": "a1"}, ["assignee"]),
    ("HR's divisions: a division's tallies", {"division": "D1"}, ["division"]),
]


@pytest.fixture(scope="module")
def tally_db(db):
    from documents.task_tally import move_tallies
    move_tallies([], list(db.open_tasks.find({})))
    return db


@pytest.mark.parametrize("what, where, keys", TALLY_READS, ids=[row[0] for row in TALLY_READS])
def test_a_tally_read_is_an_index_scan(tally_db, what, where, keys):
    from documents.task_tally import TaskTally
    assert tally_db.task_tallies.count_documents(where)
    assert plan(tally_db, "task_tallies", where) == ("IXSCAN", "_".join(f"{key}_1" for key in keys))
    assert declared(TaskTally, keys)


@pytest.mark.parametrize("part, keys", [({"assignee": "a1"}, ["assignee", "due_on"]),
                                        ({"division": "D1"}, ["division", "due_on"]), ({}, ["due_on"])],
                         ids=["a holder's", "a division's", "every division's (admin)"])
def test_a_page_of_task_rows_is_a_range_of_due_days_on_an_index(db, part, keys):
    where = {**part, "due_on": {"$gte": DAY.replace(day=5), "$lte": DAY.replace(month=1, day=9)}}
    assert plan(db, "open_tasks", where) == ("IXSCAN", "_".join(f"{key}_1" for key in keys))
    assert declared(OpenTask, keys)


# HR's case list (issue 19 point 4): each of its filters is an indexed equality or range of the cases, and the filter
# the list sends holds no `$or` (the engine's scan). An overdue task, a live warning and a review ending are ranges
# of the days each case keeps (documents/case_days.py), after the division of HR's scope.
CASE_LIST_READS = [
    ("a live warning", {"division": "D1", "warning_until": {"$gte": DAY}}, ["division", "warning_until"]),
    ("a review period ending soon", {"division": "D1", "review_ends_on": {"$gte": DAY,
                                                                          "$lte": DAY + dt.timedelta(days=28)}},
     ["division", "review_ends_on"]),
    ("an overdue task", {"division": "D1", "next_due_on": {"$lt": DAY}}, ["division", "next_due_on"]),
    ("a manager's whole team", {"manager_path": "B1"}, ["manager_path"]),
    ("a division's open short-term cases", {"division": "D1", "status": "open", "kind": "STS"},
     ["division", "status", "kind"]),
    ("the cases of one person a name search found", {"employee": 3}, ["employee", "status"]),
]


@pytest.fixture(scope="module")
def case_db(db):
    from documents import Case
    Case.ensure_indexes()
    db.cases.insert_many([{"employee": n, "division": f"D{n % 3}", "status": "open", "kind": "STS",
                           "manager_path": [f"M{n % 5}", "B1"],
                           "stages": [{"key": "formal_1", "warning_expires_on": DAY + dt.timedelta(days=n % 60),
                                       "review_date": DAY + dt.timedelta(days=n % 90)}],
                           "tasks": [{"status": "open", "due_on": DAY - dt.timedelta(days=n % 10)}],
                           "next_due_on": DAY - dt.timedelta(days=n % 10),
                           "warning_until": DAY + dt.timedelta(days=n % 60),
                           "review_ends_on": DAY + dt.timedelta(days=n % 90)}
                          for n in range(200)])
    return db


@pytest.mark.parametrize("what, where, keys", CASE_LIST_READS, ids=[row[0] for row in CASE_LIST_READS])
def test_a_case_list_filter_is_an_index_scan(case_db, what, where, keys):
    from documents import Case
    assert plan(case_db, "cases", where) == ("IXSCAN", "_".join(f"{key}_1" for key in keys))
    assert declared(Case, keys)


def test_the_case_list_sends_every_filter_without_an_or(case_db):
    from services.reads.case_list import case_listing
    titles = {"STS": {"formal_1": "1st formal"}, "LTS": {}}
    asked = {"kind": "STS", "stage": "formal_1", "status": "open", "division": "D1", "manager": "N1", "overdue": "1",
             "warning": "1", "review": "28", "q": "z1"}
    listing = case_listing(_user(["hr"], hr_divisions=["D1"]), DAY.date(), asked, titles, 50)
    where = raw_filter(listing.cases)
    # one document: the scope's division and the one chosen are one condition, not an `$and`
    assert listing.problems == {} and where["manager_path"] == "N1" and where["division"] == "D1", where
    assert not has_or(where) and "$and" not in where, where


@pytest.mark.parametrize("asked, index", [({"overdue": "1"}, "division_1_next_due_on_1"),
                                          ({"warning": "1"}, "division_1_warning_until_1"),
                                          ({"review": "28"}, "division_1_review_ends_on_1")],
                         ids=["an overdue task", "a live warning", "a review ending"])
def test_one_division_s_case_list_filters_are_ranges_of_their_indexes(case_db, asked, index):
    """An HR advisor of one division is narrowed to it by equality, never an `$in` of one value: the embedded
    database scans the whole collection for an `$in` with a range beside it."""
    from services.reads.case_list import case_listing
    titles = {"STS": {"formal_1": "1st formal"}, "LTS": {}}
    listing = case_listing(_user(["hr"], hr_divisions=["D1"]), DAY.date(), asked, titles, 50)
    assert raw_filter(listing.cases)["division"] == "D1"
    assert plan(case_db, "cases", raw_filter(listing.cases)) == ("IXSCAN", index)
