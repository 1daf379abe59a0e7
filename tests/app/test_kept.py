"""What is kept beside the records (open-task rows, staff summaries, monthly absence figures) after an upgrade or a
restore: a database holding them in an older shape, or not at all, has them written again once by a background
job any runner queues and runs; a new database never needs it; activating a policy that defines long-term absence
otherwise rebuilds the kept figures in the background, and one that does not leaves them alone."""
from __future__ import annotations

import datetime as dt
import threading
import tomllib

from blueprints.jobs import job_host
from documents import Employee, Job, OpenTask
from documents.connection import database
from documents.divisions import StaffDivisions, count_divisions, staff_divisions
from documents.kept_state import KeptState
from documents.month_figures import EmployeeMonth
from documents.policy import policy_rules
from documents.rtw_due import RtwDue, RtwTally
from documents.task_tally import TaskTally, kept_tallies
from documents.user import User
from services import clock
from services.backup import back_up, collections_of, restore
from services.figures import FIGURES_REBUILD, refresh_people
from services.imports.absences import import_absences
from services.jobs import work
from services.kept import KEPT_REBUILD, KEPT_VERSION, see_kept_current
from services.policies import activate, store_revision
from services.triggers import PRESETS, active_policy, install_presets

D = dt.date
TODAY = D(2026, 6, 15)


def _records(make_employee):
    """Two people with absences imported (each import keeps its own rows): one open 20 calendar days, one short."""
    anna, ben = make_employee(first_name="Anna"), make_employee(first_name="Ben")
    refresh_people(TODAY)
    rows = [{"absence_id": "K1", "assignment_number": anna.assignment_number, "first_day": "2026-05-26",
             "last_day": "", "reason_category": "back_neck"},
            {"absence_id": "K2", "assignment_number": ben.assignment_number, "first_day": "2026-06-01",
             "last_day": "2026-06-03", "reason_category": "infections"}]
    with clock.frozen(TODAY):
        assert import_absences(rows, "test", "api", TODAY).counts["created"] == 2
    return anna, ben


def _kept() -> dict:
    """What is kept, without the rows' own ids."""
    return {"open tasks": sorted((row["employee"], row["kind"], row.get("due_on"))
                                 for row in OpenTask._get_collection().find({}, {"_id": 0})),
            "summaries": {row["_id"]: row.get("summary")
                          for row in Employee._get_collection().find({}, {"summary": 1})},
            "months": {row["_id"]: row for row in EmployeeMonth._get_collection().find({})},
            "interviews due": sorted(str(row) for row in RtwDue._get_collection().find({}, {"_id": 0})),
            "tallies": sorted(str(row) for row in RtwTally._get_collection().find({}, {"_id": 0})),
            "search words": {row["_id"]: row.get("search_words")
                             for row in Employee._get_collection().find({}, {"search_words": 1})},
            "task tallies": kept_tallies(),
            "divisions": (StaffDivisions.objects.first() or StaffDivisions()).names,
            "logins' search words": {row["_id"]: row.get("search_words")
                                     for row in User._get_collection().find({}, {"search_words": 1})}}


def _lose_what_is_kept() -> None:
    """A database restored from a backup made before these were kept: records only."""
    KeptState.objects.delete()
    OpenTask._get_collection().delete_many({})
    EmployeeMonth._get_collection().delete_many({})
    RtwDue._get_collection().delete_many({})
    RtwTally._get_collection().delete_many({})
    Employee._get_collection().update_many({}, {"$unset": {"summary": 1, "search_words": 1, "search_words_again": 1}})
    TaskTally._get_collection().delete_many({})
    StaffDivisions._get_collection().delete_many({})
    User._get_collection().update_many({}, {"$unset": {"search_words": 1}})


def test_a_new_database_is_marked_as_holding_what_is_kept_and_never_rebuilds(app):
    assert KeptState.holds(KEPT_VERSION)     # the test database is emptied as the app finds a new one
    KeptState.objects.delete()
    with app.app_context():
        assert see_kept_current(job_host().jobs) is None
    assert KeptState.holds(KEPT_VERSION) and Job.objects.count() == 0


def test_records_without_what_is_kept_get_it_written_again_by_a_runner_once(app, make_employee, make_user):
    _records(make_employee)
    make_user("hana.hart@example.org", ["hr"], name="Hana Hart")
    assert staff_divisions() is None and count_divisions() == ["Community Care"]    # none kept yet, then kept
    expected = _kept()
    assert expected["open tasks"] and expected["months"] and expected["interviews due"] and expected["tallies"]
    assert all(expected["summaries"].values()) and all(expected["search words"].values())
    assert expected["task tallies"] and all(expected["logins' search words"].values())
    _lose_what_is_kept()
    assert not KeptState.holds(KEPT_VERSION) and not _kept()["months"]
    with app.app_context(), clock.frozen(TODAY):
        host = job_host()
        assert work(host, threading.Event(), once=True) == 1      # the runner queued the rebuild, then ran it
        assert work(host, threading.Event(), once=True) == 0      # and never again
    (job,) = Job.objects(kind=KEPT_REBUILD)
    assert job.status == "done" and job.result["open_tasks"] == len(expected["open tasks"])
    assert job.result["summaries"] == 2 and job.result["figures_differed"] > 0
    assert _kept() == expected and KeptState.holds(KEPT_VERSION)


def test_an_older_shape_is_written_again_and_one_rebuild_waits_at_a_time(app, make_employee):
    _records(make_employee)
    KeptState.mark(KEPT_VERSION - 1)        # kept by an older Casebook
    with app.app_context():
        settings = job_host().jobs
        first = see_kept_current(settings)
        assert first is not None and first.status == "queued" and first.kind == KEPT_REBUILD
        assert see_kept_current(settings) is None      # one is queued already
    assert Job.objects(kind=KEPT_REBUILD).count() == 1


def _revision_counting_long_term_after(days: int):
    policy_rules.cache_clear()      # rules are cached by key and revision: each test's revision 2 is its own
    key = active_policy().key
    rules = tomllib.loads((PRESETS / f"{key}.toml").read_text(encoding="utf-8"))
    rules["lts"]["after_calendar_days"] = days
    rules["description"] = f"Long-term after {days} calendar days."
    return store_revision(rules, "admin@example.org", "policy uploaded")


def _long_term_days() -> int:
    return sum(row["long_term_working_days"] for row in EmployeeMonth._get_collection().find({}))


def test_a_policy_defining_long_term_otherwise_rebuilds_the_kept_figures_in_the_background(app, make_employee):
    """Policy toolkit: long-term absence is "a continuous period of four weeks or more" — the board report counts
    it by the active policy's one definition, so the kept months follow a policy that changes it."""
    install_presets()
    _records(make_employee)
    with clock.frozen(TODAY):
        assert _long_term_days() == 0      # Anna's 21 calendar days are not four weeks
        with app.app_context():
            activate(_revision_counting_long_term_after(14), "admin@example.org", job_host())
    (job,) = Job.objects(kind=FIGURES_REBUILD)
    assert job.status == "done" and job.created_by == "admin@example.org"
    assert _long_term_days() == 15          # 26 May to 15 June: 15 working days, all of them long-term now


def test_a_policy_defining_long_term_alike_leaves_the_kept_figures_alone(app, make_employee):
    install_presets()
    _records(make_employee)
    with clock.frozen(TODAY), app.app_context():
        activate(_revision_counting_long_term_after(active_policy().lts.after_calendar_days), "admin@example.org",
                 job_host())
    assert Job.objects(kind=FIGURES_REBUILD).count() == 0


def test_a_backup_from_before_kept_rows_restored_into_a_new_database_has_them_rebuilt(app, make_employee, tmp_path):
    """A new database holds only the app's mark (no data): a restore goes ahead without --replace, and a backup
    without the mark leaves what is kept to the background rebuild."""
    _records(make_employee)
    KeptState.objects.delete()     # made by a version that kept no shape
    db = database()
    back_up(db, tmp_path / "backup")
    for name in collections_of(db):
        db[name["name"]].delete_many({})
    KeptState.mark(KEPT_VERSION)   # the app started on the new database
    restore(db, tmp_path / "backup")
    assert Employee.objects.count() == 2 and not KeptState.holds(KEPT_VERSION)
    with app.app_context():
        assert see_kept_current(job_host().jobs) is not None
