"""The kept return-to-work rows and tallies (documents/rtw_due.py): after every kind of write to an absence
(recorded, ended, interview recorded, last day moved, updated by queryset, inserted in bulk, deleted) and after a
move in the hierarchy, the kept rows and tallies equal those counted afresh from the absences and employees, and the
dashboard's outstanding interviews equal the old count over every absence without an interview."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from documents import Absence, Employee, rebuild_manager_paths
from documents.rtw_due import RtwDue, RtwTally, rebuild_rtw_due
from services import clock
from services.absences.care import Interview, record_return_to_work
from services.cases.scope import refresh_case_scopes
from services.reads.dashboard import Outstanding, rtw_outstanding
from services.reads.dashboard_lists import grouping_for, listed_absences

TODAY = clock.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def world(make_employee, make_user):
    boss = make_employee(first_name="Bea", last_name="Boss")
    mid = make_employee(first_name="Mo", last_name="Middle", supervisor_assignment_number=boss.assignment_number)
    ann = make_employee(first_name="Ann", last_name="Able", supervisor_assignment_number=mid.assignment_number)
    cat = make_employee(first_name="Cat", last_name="Cole", supervisor_assignment_number=boss.assignment_number,
                        division="Secure Care")
    users = {"manager": make_user("bea@example.org", ["manager"], assignment_number=boss.assignment_number),
             "hr": make_user("hr@example.org", ["hr"], hr_divisions=["Secure Care"]),
             "admin": make_user("admin@example.org", ["admin"])}
    return {"boss": boss, "mid": mid, "ann": ann, "cat": cat, **users}


def ended(employee, first_ago: int, last_ago: int | None) -> Absence:
    return Absence(employee=employee.pk, assignment_number=employee.assignment_number,
                   first_day=TODAY - first_ago * DAY, last_day=None if last_ago is None else TODAY - last_ago * DAY,
                   reason_category="infections").save_checked()


def fresh() -> tuple[list[dict], dict[str, dict[str, int]]]:
    """(the rows, {tally key: {day: count}}) counted afresh from every absence and employee."""
    people = {row["_id"]: row for row in Employee._get_collection().find({})}
    rows, tallies = [], defaultdict(lambda: defaultdict(int))
    for absence in Absence._get_collection().find({}):
        if absence.get("last_day") is None or (absence.get("rtw") or {}).get("held_on"):
            continue
        person = people.get(absence["employee"], {})
        rows.append((absence["_id"], person.get("division"), person.get("manager_path") or []))
        if person:
            day = absence["last_day"].date().isoformat()
            tallies[f"division|{person['division']}"][day] += 1
            path = person.get("manager_path") or []
            for place, manager in enumerate(path):    # the line below each supervisor: the report it goes through
                tallies["|".join(["line", person["division"], manager, path[place - 1] if place else manager])][
                    day] += 1
    return sorted(rows), {key: dict(days) for key, days in tallies.items()}


def kept() -> tuple[list[dict], dict[str, dict[str, int]]]:
    rows = sorted((row["_id"], row.get("division"), row.get("manager_path") or [])
                  for row in RtwDue._get_collection().find({}))
    tallies = {row["_id"]: {day: count for day, count in row["days"].items() if count}
               for row in RtwTally._get_collection().find({})}
    return rows, {key: days for key, days in tallies.items() if days}


def test_the_kept_rows_and_tallies_follow_every_write_to_an_absence(world):
    ann, cat, mid = world["ann"], world["cat"], world["mid"]
    steps = []
    first = ended(ann, 30, 25)                      # ended, no interview: a row
    steps.append(kept() == fresh())
    going = ended(cat, 5, None)                     # still going on: no row
    going.last_day = TODAY - 2 * DAY                # ended: a row
    going.save_checked()
    steps.append(kept() == fresh())
    record_return_to_work(first, ann, Interview(held_on=first.last_day + DAY), "Bea Boss", "bea@example.org",
                          TODAY, None)              # interview recorded: its row goes
    steps.append(kept() == fresh() and len(kept()[0]) == 1)
    Absence.objects(pk=going.pk).update(set__last_day=TODAY - 3 * DAY)   # last day moved by a queryset update
    steps.append(kept() == fresh())
    Absence.objects.insert([Absence(employee=mid.pk, assignment_number=mid.assignment_number,
                                    first_day=TODAY - 60 * DAY, last_day=TODAY - 58 * DAY,
                                    reason_category="infections") for _ in range(2)])   # inserted in bulk
    steps.append(kept() == fresh() and len(kept()[0]) == 3)
    Absence.objects(pk=going.pk).delete()           # deleted: its row goes
    steps.append(kept() == fresh() and len(kept()[0]) == 2)
    assert steps == [True] * 6
    before = kept()
    rebuild_rtw_due()
    assert kept() == before


def test_a_move_in_the_hierarchy_moves_the_rows_and_tallies(world):
    ann, boss, cat = world["ann"], world["boss"], world["cat"]
    ended(ann, 30, 25)
    ended(ann, 10, 8)
    Employee.objects(pk=ann.pk).update(set__supervisor_assignment_number=cat.assignment_number)
    rebuild_manager_paths()
    refresh_case_scopes("admin@example.org", "hierarchy import")
    rows, tallies = kept()
    assert (rows, tallies) == fresh()
    assert [path for _, _, path in rows] == [[cat.assignment_number, boss.assignment_number]] * 2
    assert set(tallies) == {"division|Community Care",           # Cat's own reports; Bea's line through Cat
                            f"line|Community Care|{cat.assignment_number}|{cat.assignment_number}",
                            f"line|Community Care|{boss.assignment_number}|{cat.assignment_number}"}


def old_outstanding(user, today) -> list[Outstanding]:
    """The dashboard's figure as it was counted before the kept tallies: every absence without an interview,
    kept for the employees the user may see."""
    grouping = grouping_for(user)
    places = {row["_id"]: (row["division"], row.get("manager_path")) for row in
              Employee.objects.visible_to(user).only("division", "manager_path").as_pymongo()}
    tally: dict = {}
    for row in Absence._get_collection().find({"rtw.held_on": None, "last_day": {"$ne": None}}):
        if row["employee"] not in places or row["last_day"].date() >= today:
            continue
        group = grouping.key(*places[row["employee"]])
        count, oldest = tally.get(group, (0, row["last_day"].date()))
        tally[group] = (count + 1, min(oldest, row["last_day"].date()))
    return sorted((Outstanding(group, count, oldest) for group, (count, oldest) in tally.items()),
                  key=lambda row: (row.oldest, row.group))


def test_the_dashboard_counts_the_same_outstanding_interviews_as_before(world):
    ann, cat, mid, boss = world["ann"], world["cat"], world["mid"], world["boss"]
    for employee, first, last in ((ann, 30, 25), (ann, 12, 10), (mid, 40, 39), (cat, 7, 6), (cat, 3, 1),
                                  (boss, 9, 9), (ann, 2, None)):
        ended(employee, first, last)
    ended(cat, 4, -2)       # its last day is still to come: not outstanding yet
    for who in ("manager", "hr", "admin"):
        user = world[who]
        found = rtw_outstanding(user, grouping_for(user), TODAY)
        # manager Bea: Mo's line (Ann 25 and 10 days ago, Mo 39) 3, Cat's line (6 and 1 days ago) 2; her own
        # absence is not below her. HR for Secure Care: Cat's 2. Admin: Community Care 4 (with Bea's), Secure Care 2.
        assert found == old_outstanding(user, TODAY), who
        assert sorted(row.count for row in found) == {"manager": [2, 3], "hr": [2], "admin": [2, 4]}[who]
        listed = list(listed_absences(user, TODAY))
        assert len(listed) == sum(row.count for row in found)
        assert [row.last_day for row in listed] == sorted(row.last_day for row in listed)


def test_the_absence_import_keeps_the_rows_of_what_it_writes_round_the_documents(world, app, tmp_path):
    from tests.app.test_absence_import import absence_row, feed, run_import
    ann, boss = world["ann"].assignment_number, world["boss"].assignment_number
    path = tmp_path / "absences.csv"
    path.write_text(feed([
        absence_row("AB1", ann, "2026-03-02", "2026-03-04", rtw_date="2026-03-05", rtw_by_assignment_number=boss),
        absence_row("AB2", ann, "2026-03-16"),                      # still going on
        absence_row("AB3", boss, "2026-02-02", "2026-02-02")]))     # ended, no interview: a row
    assert run_import(app, path).exit_code == 0
    assert kept() == fresh() and len(kept()[0]) == 1
    path.write_text(feed([absence_row("AB2", ann, "2026-03-16", "2026-03-20")]))   # ended by the feed: a row
    assert run_import(app, path).exit_code == 0
    assert kept() == fresh() and len(kept()[0]) == 2
