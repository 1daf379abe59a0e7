"""The days a case keeps for HR's case list (documents/case_days.py), worked out from its tasks and stages, as
documents hold them and as stored."""
import datetime as dt

import pytest

from documents.case_days import list_days

MAR = {day: dt.date(2026, 3, day) for day in range(1, 32)}


def task(status, due):
    return {"status": status, "due_on": dt.datetime.combine(due, dt.time())}


def stage(warning=None, review=None):
    return {"warning_expires_on": warning, "review_date": review}


@pytest.mark.parametrize("tasks, stages, expected", [
    ([], [], (None, None, None)),
    # the earliest open task's due day; done and cancelled tasks left out, however early
    ([task("done", MAR[1]), task("open", MAR[9]), task("open", MAR[4]), task("cancelled", MAR[2])], [],
     (MAR[4], None, None)),
    # the warning on record is the latest stage's that gave one (an appeal's withdrawal clears it there), even
    # when an earlier stage's ran later; the review is the current stage's alone
    ([], [stage(warning=MAR[30], review=MAR[20]), stage(warning=MAR[10]), stage(review=MAR[15])],
     (None, MAR[10], MAR[15])),
    ([], [stage(warning=MAR[30], review=MAR[20]), stage()], (None, MAR[30], None)),
])
def test_the_days_come_from_the_open_tasks_the_warning_on_record_and_the_current_stage(tasks, stages, expected):
    found = list_days(tasks, stages)
    assert (found["next_due_on"], found["warning_until"], found["review_ends_on"]) == expected
