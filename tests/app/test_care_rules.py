"""Care rules from the policy through the absence page (issue 16, points 7 and 8): the contact days, fit note and
interview window of the policy that applies to the employee; occupational health asked for on the day an absence is
known to be expected to last longer than the policy's `lts.oh_referral_after_days`.

Dates: Monday 2 November 2026 is the first day of absence; November has 30 days, so 2 Nov – 29 Nov is 28 calendar
days and 2 Nov – 6 Dec is 35.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import html
import tomllib

import pytest

from blueprints.jobs import job_host
from casework.policy import PRESETS
from documents import Absence
from documents.api_token import ApiToken
from documents.policy import Policy, policy_rules
from services import clock
from services.policies import activate, store_revision
from services.triggers import install_presets
from tests.app.test_absences import people, post  # noqa: F401  (the people fixture)
from tests.app.test_policies import form_values
from tests.app.test_triggers_apply import stage_case

D = dt.date
MON_2_NOV = D(2026, 11, 2)


@contextlib.contextmanager
def on(day: dt.date, auth):
    """The clock stopped at `day`, the manager signed in afresh (a session does not outlive a day's jump)."""
    with clock.frozen(day):
        auth.login("boss@example.org")
        yield


def expectation(html: str, title: str) -> str:
    """The row of the page's "What the policy expects" table that starts with `title`."""
    start = html.index(f"<tr><td>{title}")
    return html[start:html.index("</tr>", start)]


def record(auth, employee, **fields) -> Absence:
    post(auth, f"/employees/{employee.assignment_number}/absences/new",
         {"first_day": MON_2_NOV.isoformat(), "reason_category": "infections", **fields})
    return Absence.objects.get(assignment_number=employee.assignment_number)


def referral_tasks(absence: Absence) -> list[tuple]:
    return [(task.event_on, task.due_on, task.status) for task in absence.reload().tasks if task.kind == "oh_referral"]


def test_the_referral_is_asked_for_on_the_day_a_long_fit_note_is_recorded(people, auth):  # noqa: F811
    """Policy part 2, 9c: "refer to Occupational Health once it becomes apparent that their absence is likely to
    last more than four weeks". A fit note to 29 Nov (28 days) does not; one to 6 Dec (35 days), recorded on
    Wed 11 Nov, does, that day: the task is due the next working day, Thu 12 Nov."""
    with on(D(2026, 11, 9), auth):
        absence = record(auth, people["nurse"])
        page = f"/absences/{absence.pk}"
        post(auth, f"{page}/fit-notes", {"from_day": "2026-11-09", "to_day": "2026-11-29",
                                         "version": absence.version}, page=page)
        assert referral_tasks(absence) == []
        assert "Refer to occupational health" not in auth.client.get(page).get_data(as_text=True)
    with on(D(2026, 11, 11), auth):
        post(auth, f"{page}/fit-notes", {"from_day": "2026-11-30", "to_day": "2026-12-06",
                                         "version": absence.reload().version}, page=page)
        assert referral_tasks(absence) == [(D(2026, 11, 11), D(2026, 11, 12), "open")]
        row = expectation(auth.client.get(page).get_data(as_text=True), "Refer to occupational health")
        assert ("Expected to last 35 calendar days (fit note to 6 December 2026), over the 28 after which "
                "occupational health is asked." in row and "11 Nov 2026" in row and "Due today" in row)
    with on(D(2026, 11, 16), auth):
        row = expectation(auth.client.get(page).get_data(as_text=True), "Refer to occupational health")
        assert "11 Nov 2026" in row and "Overdue" in row            # still due from the day it was known
        post(auth, f"{page}/steps/oh-referral", {"oh-done_on": "2026-11-16", "oh-version": absence.reload().version},
             page=page)
        assert referral_tasks(absence) == [(D(2026, 11, 11), D(2026, 11, 12), "done")]
        post(auth, f"{page}/fit-notes", {"from_day": "2026-12-07", "to_day": "2026-12-20",
                                         "version": absence.reload().version}, page=page)
        assert len(referral_tasks(absence)) == 1                     # once per absence


@pytest.mark.parametrize("expected_return, tasks", [
    (D(2026, 12, 7), [(MON_2_NOV, D(2026, 11, 3), "open")]),   # back Mon 7 Dec: 35 days expected, asked for at once
    (D(2026, 11, 30), []),                                        # back Mon 30 Nov: 28 days, not yet
])
def test_an_expected_return_recorded_with_the_absence_asks_for_the_referral_then(people, auth,  # noqa: F811
                                                                                 expected_return, tasks):
    with on(MON_2_NOV, auth):
        absence = record(auth, people["nurse"], expected_return=expected_return.isoformat())
        assert referral_tasks(absence) == tasks


def test_a_later_expected_return_asks_for_the_referral_on_the_day_it_is_changed(people, auth):  # noqa: F811
    with on(MON_2_NOV, auth):
        absence = record(auth, people["nurse"], expected_return="2026-11-30")
    with on(D(2026, 11, 20), auth):                          # Friday: due the next working day, Mon 23 Nov
        page = f"/absences/{absence.pk}"
        post(auth, f"{page}/extend", {"expected_return": "2026-12-07", "version": absence.reload().version},
             page=page)
        assert referral_tasks(absence) == [(D(2026, 11, 20), D(2026, 11, 23), "open")]


@pytest.fixture
def other_contacts(app, people):  # noqa: F811
    """The council's policy as a second revision asking for contact on days 1, 3 and 7, a fit note by day 15 (14
    days self-certified) and the interview by the 2nd working day back (the 5th at the latest), made active."""
    policy_rules.cache_clear()           # rules are cached by key and revision: this test's revision 2 is its own
    install_presets()
    rules = tomllib.loads((PRESETS / "council-2019.toml").read_text(encoding="utf-8"))
    rules["care"].update(contact_days=[1, 3, 7], fit_note_from_day=15, self_certified_days=14, rtw_ideal_day=2,
                         rtw_latest_day=5)
    with app.app_context():
        activate(store_revision(rules, "admin@example.org", "policy uploaded"), "admin@example.org", job_host())
    yield
    policy_rules.cache_clear()


def test_a_policy_with_other_contact_days_changes_the_absence_page(people, auth, other_contacts):  # noqa: F811
    """Off from Mon 2 Nov 2026: contact on day 3 (Wed 4 Nov), not day 4; a fit note by day 15 (Mon 16 Nov), the
    form offering it from then; ended Fri 6 Nov, back Mon 9 Nov, the interview by the 5th working day back, Fri
    13 Nov, where the council says the 3rd (Wed 11 Nov)."""
    with on(D(2026, 11, 9), auth):
        absence = record(auth, people["nurse"])
        page = f"/absences/{absence.pk}"
        html = auth.client.get(page).get_data(as_text=True)
        assert "16 Nov 2026" in expectation(html, "Fit note from day 15") and 'value="2026-11-16"' in html
        post(auth, f"{page}/end", {"last_day": "2026-11-06", "version": absence.version}, page=page)
        html = auth.client.get(page).get_data(as_text=True)
    assert "4 Nov 2026" in expectation(html, "Contact on day 3") and "Contact on day 4" not in html
    assert "by 13 November 2026 at the latest" in html
    assert [task.due_on for task in absence.reload().tasks if task.kind == "rtw_reminder"] == [D(2026, 11, 13)]


def test_a_live_case_keeps_the_care_rules_of_its_revision(people, auth, other_contacts):  # noqa: F811
    """The employee's short-term case was opened under council-2019 revision 1: their absences follow its care
    rules (contact on day 4), though revision 2 is active."""
    stage_case(people["nurse"], "absence_support", D(2026, 10, 1))
    with on(D(2026, 11, 9), auth):
        html = auth.client.get(f"/absences/{record(auth, people['nurse']).pk}").get_data(as_text=True)
    assert "5 Nov 2026" in expectation(html, "Contact on day 4") and "Contact on day 3" not in html


def test_the_policy_page_gives_the_care_rules_and_the_form_changes_them(auth, make_user):
    policy_rules.cache_clear()
    install_presets()
    make_user("admin@example.org", ["admin"])
    auth.login("admin@example.org")
    page = html.unescape(auth.client.get("/policies/council-2019/1").get_data(as_text=True))
    for words in ("On days 1, 4, 8 of the absence", "From day 8; the first 7 days self-certified",
                  "By working day 1 back, at the latest day 3", "or is expected to pass, 28 calendar days"):
        assert words in page, words
    data = form_values(auth.client.get("/policies/council-2019/1/edit").get_data(as_text=True))
    refused = auth.client.post("/policies/council-2019/1/edit", data={**data, "care-rtw_latest_day": "0"})
    assert refused.status_code == 400 and 'id="care-rtw_latest_day-error"' in refused.get_data(as_text=True)
    saved = auth.client.post("/policies/council-2019/1/edit", data={**data, "care-rtw_latest_day": "5"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/policies/council-2019/2")
    stored = Policy.objects.get(key="council-2019", revision=2)
    assert stored.rules["care"]["rtw_latest_day"] == 5 and stored.audit[-1].after == {"care/rtw_latest_day": 5}
    policy_rules.cache_clear()


def test_the_evaluation_gives_the_expected_length_as_the_reason(people, auth):  # noqa: F811
    """Through the API: back Mon 7 Dec is 35 days from Mon 2 Nov; the evaluation on Tue 3 Nov names the rule."""
    with on(MON_2_NOV, auth):
        record(auth, people["nurse"], expected_return="2026-12-07")
    secret = ApiToken.issue("absence-system", ["read"])[1]
    body = auth.client.get(f"/api/v1/employees/{people['nurse'].assignment_number}/evaluation?as_of=2026-11-03",
                           headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert [rule["explanation"] for rule in body["fired"] if rule["rule"] == "expected_length_oh_referral"] == [
        "Absence from 2 November 2026 expected to last 35 calendar days (expected back on 7 December 2026), over "
        "the 28 after which occupational health is asked"]
