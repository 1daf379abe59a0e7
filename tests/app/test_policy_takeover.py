"""A policy version activated from a later day takes over for real on that day: the nightly scan
(`flask --app app triggers scan`) first makes it the active version, as activating it at once does, and rebuilds
the kept absence figures when it defines long-term absence otherwise.

What the policy pages tell the administrator: "Give a later day to have it take effect then: until that day the
version in force stays in force, and from it scans, evaluations and new cases use this one." (preview), and
"Takes effect on 1 July 2026: from that day scans, evaluations and new cases use it. Until then revision 1 of
council-2019 stays in force." (the version's page).
"""
from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from blueprints.jobs import job_host
from documents import Job, Policy
from documents.month_figures import EmployeeMonth
from documents.policy import policy_rules
from services import clock
from services.figures import FIGURES_REBUILD, rebuild, refresh_people
from services.imports.absences import import_absences
from services.policies import store_revision
from services.policy_changes import schedule, take_over
from services.triggers import PRESETS, install_presets

D = dt.date
SCHEDULED_ON = D(2026, 6, 15)
DAY = D(2026, 7, 1)         # revision 2 takes effect
ADMIN = "admin@example.org"


@pytest.fixture(autouse=True)
def _fresh_rules():
    """Loaded rules are cached by key and revision; each test stores its own revisions."""
    policy_rules.cache_clear()
    install_presets()
    yield
    policy_rules.cache_clear()


def _revision(**lts) -> Policy:
    """The next revision of council-2019, its long-term settings changed by `lts` and its first threshold to 3."""
    rules = tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))
    rules["lts"].update(lts)
    rules["triggers"][0]["threshold"] = 3
    rules["description"] = "Changed for the test."
    return store_revision(rules, ADMIN, "policy uploaded")


def _nightly(app, day: dt.date) -> None:
    with clock.frozen(day):
        result = app.test_cli_runner().invoke(args=["triggers", "scan"])
    assert result.exit_code == 0, result.output


def _long_term_days() -> int:
    return sum(row["long_term_working_days"] for row in EmployeeMonth._get_collection().find({}))


def _history() -> dict:
    return {(row.key, row.revision): (row.active, len(row.audit)) for row in Policy.objects}


@pytest.mark.parametrize("long_term_after, rebuilt", [(14, True), (28, False)])
def test_a_scheduled_version_becomes_the_active_one_on_its_day(app, make_employee, long_term_after, rebuilt):
    """council-2019 paragraph 9: long-term is "any absence of over four weeks" (28 calendar days); revision 2
    counting 14 makes Ben's 21 days in May long-term, and the kept figures (by the active policy's one
    definition) follow on the day it takes over."""
    ben = make_employee(first_name="Ben")
    refresh_people(SCHEDULED_ON)
    with clock.frozen(SCHEDULED_ON):
        assert import_absences([{"absence_id": "B1", "assignment_number": ben.assignment_number,
                                 "first_day": "2026-05-01", "last_day": "2026-05-21",
                                 "reason_category": "infections"}], "test", "api", SCHEDULED_ON).counts["created"] == 1
        schedule(_revision(after_calendar_days=long_term_after), DAY, ADMIN)
    assert _long_term_days() == 0

    _nightly(app, DAY - dt.timedelta(days=1))          # the day before: nothing moves
    assert Policy.standing()[0] == ("council-2019", 1) and [item.starts_on for item in Policy.standing()[1]] == [DAY]
    assert Job.objects(kind=FIGURES_REBUILD).count() == 0 and _long_term_days() == 0

    _nightly(app, DAY)
    assert Policy.standing() == (("council-2019", 2), [])
    assert [(row.revision, row.active, row.handovers) for row in Policy.objects(key="council-2019")] == [
        (1, False, []), (2, True, [])]
    took_over = Policy.objects.get(key="council-2019", revision=2).audit[-1]
    assert (took_over.actor, took_over.action, took_over.reason, took_over.after) == (
        "triggers scan", "activated", "scheduled to take effect on 1 July 2026",
        {"active": True, "replaces": "council-2019 revision 1"})
    replaced = Policy.objects.get(key="council-2019", revision=1).audit[-1]
    assert (replaced.action, replaced.before, replaced.after) == (
        "deactivated", {"active": True, "handovers": "council-2019 revision 2 from 1 July 2026"},
        {"active": False, "replaced_by": "council-2019 revision 2", "handovers": "none"})
    jobs = [(job.status, job.created_by, job.parameters["as_of"]) for job in Job.objects(kind=FIGURES_REBUILD)]
    assert jobs == ([("done", "triggers scan", "2026-07-01")] if rebuilt else [])
    assert _long_term_days() == (14 if rebuilt else 0)     # 1 to 21 May: 15 weekdays, less the bank holiday on 4 May
    with clock.frozen(DAY):
        assert rebuild(DAY, check=True) == []

    history = _history()
    _nightly(app, DAY + dt.timedelta(days=1))          # the day after: nothing more
    assert _history() == history and Job.objects(kind=FIGURES_REBUILD).count() == (1 if rebuilt else 0)


def test_later_hand_overs_stay_scheduled_and_an_overtaken_one_is_cancelled(app):
    with clock.frozen(SCHEDULED_ON):
        second, third = _revision(after_calendar_days=28), _revision(after_calendar_days=28, ssp_notice_weeks=27)
        schedule(second, DAY, ADMIN)
        schedule(third, DAY + dt.timedelta(days=5), ADMIN)
    with clock.frozen(DAY), app.app_context():
        assert take_over("triggers scan", job_host()).revision == 2
        assert take_over("triggers scan", job_host()) is None      # run again the same day: nothing more
    active, [still] = Policy.standing()
    assert (active, still.revision, still.starts_on) == (("council-2019", 2), 3, DAY + dt.timedelta(days=5))

    # Revision 1 scheduled again while 3 is in force, and no run until its day: 3 never took over.
    with clock.frozen(DAY + dt.timedelta(days=6)):
        schedule(Policy.objects.get(key="council-2019", revision=1), DAY + dt.timedelta(days=8), ADMIN)
    with clock.frozen(DAY + dt.timedelta(days=8)), app.app_context():
        assert take_over("triggers scan", job_host()).revision == 1
    assert Policy.standing() == (("council-2019", 1), [])
    overtaken = Policy.objects.get(key="council-2019", revision=3).audit[-1]
    assert (overtaken.action, overtaken.after, Policy.objects.get(key="council-2019", revision=3).active) == (
        "schedule cancelled", {"takes_effect_on": "not scheduled", "replaced_by": "council-2019 revision 1"}, False)
