"""The dashboards' kept roll-ups of the cases (issue 18, dashboards ≤ 0.5 s) on the real embedded database: after
any sequence of changes to cases through their services, transitions, queryset writes and the hierarchy's
re-chaining, the kept roll-ups equal a fresh count, and every dashboard (admin by division, HR of one division, a
manager by line) shows what counting the cases themselves shows, as the dashboard counted them before it kept
roll-ups; the kept rebuild writes the same again; and a case's change of pay shows on the page until its day."""
from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from blueprints.jobs import job_host
from casework.milestones import Milestone
from documents import Case, Employee, Job, User, rebuild_manager_paths
from documents.case import Stage
from documents.case_days import rebuild_list_days
from documents.case_rollup import (
    PAY_KINDS,
    PAY_WINDOW_DAYS,
    CaseMark,
    CaseRollup,
    kept_case_rollups,
    recount_case_rollups,
)
from documents.kept_state import KeptState
from services import clock
from services.cases.outcomes import raise_flag, resolve_flag
from services.cases.scope import refresh_case_scopes
from services.cases.tasks import add_milestone_tasks
from services.errors import Refused
from services.jobs import work
from services.kept import KEPT_REBUILD, KEPT_VERSION, rebuild_dashboard_rollups
from services.reads.dashboard import dashboard
from services.reads.dashboard_lists import grouping_for
from services.settings import Settings
from tests.conftest import PASSWORD, clean_database

DAY = dt.timedelta(days=1)
TODAY = dt.date(2026, 6, 15)
STAGES = {"STS": ("absence_support", "formal_1", "formal_2"), "LTS": ("lts_welfare", "lts_case_conference")}
ACTOR = "hr@example.org"

OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("open"), st.integers(0, 4), st.sampled_from(("STS", "LTS")), st.integers(0, 2),
              st.booleans(), st.lists(st.integers(-3, 40), max_size=2)),
    st.tuples(st.just("flag"), st.integers(0, 9), st.sampled_from(("wrong_stage", "not_my_report"))),
    st.tuples(st.just("resolve"), st.integers(0, 9)),
    st.tuples(st.just("stage"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("pause"), st.integers(0, 9)),
    st.tuples(st.just("resume"), st.integers(0, 9)),
    st.tuples(st.just("monitor"), st.integers(0, 9)),
    st.tuples(st.just("close"), st.integers(0, 9)),
    st.tuples(st.just("cancel pay"), st.integers(0, 9)),
    st.tuples(st.just("pause by update"), st.integers(0, 9)),
    st.tuples(st.just("move"), st.integers(0, 4), st.sampled_from(("Surgery", "Medicine"))),
    st.tuples(st.just("rechain"), st.integers(0, 4)),
    st.tuples(st.just("delete"), st.integers(0, 9)),
), min_size=1, max_size=10)


def _world(app) -> list[Employee]:
    """Surgery: Bea heads Mo (Ann) and Cy; Medicine: Zed. Users: an admin, HR for Surgery, Bea and Mo."""
    made = [Employee(assignment_number=number, first_name=name, last_name="Tester", division=division,
                     supervisor_assignment_number=boss, fte=1.0, start_date=dt.date(2020, 1, 6))
            for number, name, division, boss in (("B1", "Bea", "Surgery", None), ("M1", "Mo", "Surgery", "B1"),
                                                 ("A1", "Ann", "Surgery", "M1"), ("C1", "Cy", "Surgery", "B1"),
                                                 ("Z1", "Zed", "Medicine", None))]
    Employee.objects.insert(made)
    rebuild_manager_paths()
    for email, roles, extra in (("admin@example.org", ["admin"], {}), (ACTOR, ["hr"], {"hr_divisions": ["Surgery"]}),
                                ("bea@example.org", ["manager"], {"assignment_number": "B1"}),
                                ("mo@example.org", ["manager"], {"assignment_number": "M1"})):
        user = User(email=email, name=email.split("@")[0].title(), roles=roles, **extra)
        user.set_password(PASSWORD)
        user.save_checked()
    return list(Employee.objects.order_by("assignment_number"))


def _case(nth: int) -> Case | None:
    cases = list(Case.objects.order_by("id"))
    return cases[nth % len(cases)] if cases else None


def _open(people, who, kind, stage, paused, pay_in_days, insert=False) -> None:
    person = people[who]
    case = Case(employee=person.pk, assignment_number=person.assignment_number, division=person.division,
                manager_path=person.manager_path, kind=kind, policy_key="council-2019", policy_revision=1,
                stage=STAGES[kind][stage % len(STAGES[kind])], paused=paused, opened_on=TODAY - 30 * DAY,
                stages=[Stage(key=STAGES[kind][stage % len(STAGES[kind])], entered_on=TODAY - 30 * DAY)])
    if kind == "LTS":
        add_milestone_tasks(case, person, [Milestone(PAY_KINDS[n % 2], "pay", TODAY + days * DAY, False, None)
                                           for n, days in enumerate(pay_in_days)], TODAY - 20 * DAY)
    if insert:
        Case.objects.insert(case)      # the queryset's insert (as a bulk path writes a case)
    else:
        case.save_checked()


def _apply(operation, people, app) -> None:
    kind, *values = operation
    if kind == "open":
        who, case_kind, stage, paused, pay_in_days = values
        _open(people, who, case_kind, stage, paused, pay_in_days, insert=len(pay_in_days) == 1)
        return
    if kind in ("move", "rechain"):
        person = people[values[0]]
        if kind == "move":
            Employee.objects(pk=person.pk).update(set__division=values[1])
        else:      # to report to the top of the other chain
            boss = "Z1" if person.assignment_number != "Z1" else "B1"
            Employee.objects(pk=person.pk).update(set__supervisor_assignment_number=boss)
            rebuild_manager_paths()
        refresh_case_scopes(ACTOR, "a hierarchy change")
        return
    case = _case(values[0])
    if case is None:
        return
    if kind == "flag":
        raise_flag(case, values[1], ACTOR, mail=Settings.from_config(app.config).mail)
    elif kind == "resolve":
        waiting = [flag for flag in case.flags if flag.status == "open"]
        if not waiting:
            return
        resolve_flag(case, waiting[0].id, "seen to", ACTOR)
    elif kind == "stage":
        key = STAGES[case.kind][values[1] % len(STAGES[case.kind])]
        case.change(ACTOR, "moved", lambda case: case.enter_stage(key, TODAY, ACTOR, "test"))
    elif kind == "pause":
        case.change(ACTOR, "paused", lambda case: case.pause(TODAY))
    elif kind == "resume":
        case.change(ACTOR, "resumed", lambda case: case.resume(TODAY, "ENG"))
    elif kind == "monitor":
        case.change(ACTOR, "monitoring", lambda case: case.keep_on_monitoring())
    elif kind == "close":
        case.change(ACTOR, "closed", lambda case: case.close(TODAY, ACTOR, "test"))
    elif kind == "cancel pay":
        due = [task for task in case.tasks if task.kind in PAY_KINDS and task.status != "cancelled"]
        if not due:
            return
        case.change(ACTOR, "cancelled", lambda case: due[0].cancel(ACTOR))
    elif kind == "pause by update":
        Case.objects(pk=case.pk).update(set__paused=not case.paused)
    elif kind == "delete":
        Case.objects(pk=case.pk).delete()


def _shown(user: User, today: dt.date) -> dict:
    """What `user`'s dashboard shows of the cases, as plain values."""
    board = dashboard(user, today)
    return {"cases": {(table.kind, group, stage): (tally.open, tally.monitoring, tally.paused)
                      for table in board.tables for (group, stage), tally in table.cells.items()},
            "pay": {(row.group, kind): (row.counts[kind], row.earliest[kind]) for row in board.pay
                    for kind in row.counts},
            "flags": board.flags}


def _counted(user: User, today: dt.date) -> dict:
    """The same counted from the cases themselves, as the dashboard counted them before it kept roll-ups: the
    cases the user may see, grouped by aggregation, and the long-term cases with changes of pay read whole."""
    grouping, cases = grouping_for(user), Case.objects.visible_to(user)
    found: dict = {"cases": defaultdict(lambda: [0, 0, 0]), "pay": {}, "flags": defaultdict(int)}
    for row in cases.filter(status__in=("open", "monitoring")).aggregate([{"$group": {
            "_id": {"division": "$division", "path": "$manager_path", "kind": "$kind", "stage": "$stage",
                    "status": "$status", "paused": "$paused"}, "n": {"$sum": 1}}}]):
        what = row["_id"]
        cell = found["cases"][what["kind"], grouping.key(what["division"], what.get("path")), what["stage"]]
        if what["status"] == "monitoring":
            cell[1] += row["n"]
        else:
            cell[0] += row["n"]
            cell[2] += row["n"] if what.get("paused") else 0
    end = today + dt.timedelta(days=PAY_WINDOW_DAYS)
    pay: defaultdict = defaultdict(list)
    for case in cases.filter(kind="LTS", status="open", tasks__kind__in=PAY_KINDS):
        for kind in PAY_KINDS:
            days = [task.milestone_on for task in case.tasks
                    if task.kind == kind and task.status != "cancelled" and today <= task.milestone_on <= end]
            if days:
                pay[grouping.key(case.division, case.manager_path), kind].append(min(days))
    for case in cases.filter(flags__status="open"):
        for flag in case.flags:
            if flag.status == "open":
                found["flags"][grouping.key(case.division, case.manager_path), flag.kind] += 1
    return {"cases": {key: tuple(cell) for key, cell in found["cases"].items()},
            "pay": {key: (len(days), min(days)) for key, days in pay.items()}, "flags": dict(found["flags"])}


def _agree(days=(TODAY, TODAY + 10 * DAY, TODAY + 30 * DAY)) -> None:
    assert kept_case_rollups() == recount_case_rollups()
    for email in ("admin@example.org", ACTOR, "bea@example.org", "mo@example.org"):
        user = User.objects.get(email=email)
        for day in days:
            assert _shown(user, day) == _counted(user, day), (email, day)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
@example(operations=[("rechain", 0)])                       # Ann's case re-chained in bulk
@example(operations=[("flag", 0, "wrong_stage"), ("move", 0, "Medicine")])   # moved with its flag
@example(operations=[("open", 1, "LTS", 0, True, [3]), ("close", 1), ("delete", 0)])
def test_kept_roll_ups_equal_a_recount_after_any_changes_and_after_a_rebuild(app, operations):
    clean_database()
    people = _world(app)
    _open(people, 0, "LTS", 0, False, [5, 20])       # one case to change from the start: Ann's, pay on two days
    for operation in operations:
        try:
            _apply(operation, people, app)
            event(f"{operation[0]} applied")
        except Refused:
            event(f"{operation[0]} refused")     # a flag of that kind already waiting: nothing changed
    _agree()
    assert rebuild_list_days() == 0     # the case list's days (documents/case_days.py) were kept by every write
    kept = kept_case_rollups()
    rebuild_dashboard_rollups()
    assert kept_case_rollups() == kept
    _agree()


def test_a_change_of_pay_shows_on_the_dashboard_until_its_day(app, auth):
    clean_database()
    people = _world(app)
    _open(people, 0, "LTS", 0, False, [28])            # Ann's half pay on 13 July, 28 days after 15 June
    for today, shown in ((TODAY - DAY, False), (TODAY, True), (TODAY + 28 * DAY, True), (TODAY + 29 * DAY, False)):
        with clock.frozen(today):
            auth.login(ACTOR)
            page = auth.client.get("/dashboard").get_data(as_text=True)
        assert ("No long-term case changes pay in the next 28 days." not in page) == shown, today
        if shown:
            assert "13 Jul 2026" in page


def test_a_database_kept_in_the_older_shape_gets_its_roll_ups_written_once_in_the_background(app):
    clean_database()
    people = _world(app)
    _open(people, 0, "LTS", 0, False, [5])
    _open(people, 4, "STS", 1, True, [])
    expected = kept_case_rollups()
    assert expected == recount_case_rollups() and set(expected) == {
        "division|Surgery", "line|Surgery|M1|M1", "line|Surgery|B1|M1", "division|Medicine"}
    CaseMark.objects.delete()        # kept by Casebook before it kept roll-ups: none of them
    CaseRollup.objects.delete()
    KeptState.mark(KEPT_VERSION - 1)
    with app.app_context(), clock.frozen(TODAY):
        host = job_host()
        assert work(host, threading.Event(), once=True) == 1      # the runner queued the rebuild, then ran it
        assert work(host, threading.Event(), once=True) == 0      # and never again
    (job,) = Job.objects(kind=KEPT_REBUILD)
    assert job.status == "done" and job.result["case_marks"] == 2
    assert kept_case_rollups() == expected and KeptState.holds(KEPT_VERSION)
