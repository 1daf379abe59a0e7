"""Issue 16, points 9 to 11 through the pages and the API: the pay milestones of a new starter and at a month's
end (council-2019, the NJC Green Book scheme), the pattern concern's short absences, a weekend worker's bank
holidays. Expected figures are worked by hand beside each assertion."""
from __future__ import annotations

import datetime as dt
import html

import pytest

from documents import Absence, ApiToken
from services import clock

D = dt.date


def off(employee, first: dt.date, last: dt.date | None) -> None:
    Absence(employee=employee.pk, assignment_number=employee.assignment_number, first_day=first, last_day=last,
            reason_category="infections", reason_detail="Private medical words").save_checked()


@pytest.fixture
def employee_page(make_employee, make_user, auth):
    """The employee page of a new report of a signed-in manager, made with `overrides` and off from `first`,
    as it reads on `today`."""
    def read(first: dt.date, today: dt.date, **overrides) -> str:
        boss = make_employee(first_name="Bea")
        report = make_employee(supervisor_assignment_number=boss.assignment_number, **overrides)
        off(report, first, None)
        make_user("boss@example.org", ["manager"], assignment_number=boss.assignment_number)
        auth.login("boss@example.org")
        with clock.frozen(today):
            response = auth.client.get(f"/employees/{report.assignment_number}")
        assert response.status_code == 200
        return html.unescape(response.get_data(as_text=True))

    return read


@pytest.mark.parametrize("start, shown, not_shown", [
    # Started Fri 2 Jan 2026, off from Mon 2 Mar 2026: 2 completed months. Under the NJC scheme nothing beyond
    # statutory sick pay is paid in the first four months of service: statutory sick pay only, from 2 Mar 2026.
    (D(2026, 1, 2), "Statutory sick pay only from 2 March 2026: under 4 months' service (NJC Green Book "
                    "occupational sick pay)", "Half pay from"),
    # Started 2 Nov 2025: 4 completed months on 2 Mar 2026: 1 month's full pay to 1 Apr, 2 months' half to 1 Jun.
    (D(2025, 11, 2), "Half pay from 2 April 2026: 1 month's full and 2 months' half pay (NJC Green Book occupational "
                     "sick pay, 4 months' service or more)", "under 4 months"),
])
def test_a_new_starters_pay_milestones_on_the_employee_page(employee_page, start, shown, not_shown):
    page = employee_page(D(2026, 3, 2), D(2026, 3, 9), start_date=start)
    assert shown in page and not_shown not in page


def test_pay_at_a_months_end_on_the_employee_page(employee_page):
    # Started 6 Jan 2020 (6 completed years): 6 months' full and 6 months' half pay. Off from Mon 31 Aug 2026:
    # full pay runs to 28 Feb 2027 (no 31 Feb), half pay from 1 Mar 2027 to 30 Aug 2027, nil pay from 31 Aug 2027.
    page = employee_page(D(2026, 8, 31), D(2026, 10, 5), start_date=D(2020, 1, 6))
    assert "Half pay from 1 March 2027: 6 months' full and 6 months' half pay" in page
    assert "Nil pay from 31 August 2027" in page and "28 February 2027" not in page


@pytest.fixture
def headers() -> dict:
    """A bearer token that may write absences and read evaluations."""
    return {"Authorization": f"Bearer {ApiToken.issue('absence-system', ['write', 'read'])[1]}"}


def post(client, headers, employee, spells) -> None:
    items = [{"absence_id": f"P{n}", "assignment_number": employee.assignment_number, "first_day": first.isoformat(),
              "last_day": last.isoformat(), "reason_category": "flu", "reason_detail": "Temperature",
              "work_related": False, "pregnancy_related": False, "disability_related": None, "rtw_date": None,
              "rtw_by_assignment_number": None} for n, (first, last) in enumerate(spells)]
    response = client.post("/api/v1/absences", json={"absences": items}, headers=headers)
    assert response.status_code == 200, response.get_json()


# Three spells in the 12 months to Mon 31 Jan 2028, each starting on a Monday (1 Mar, 7 Jun, 6 Sep 2027).
MONDAYS = (D(2027, 3, 1), D(2027, 6, 7), D(2027, 9, 6))


@pytest.mark.parametrize("length_days, concerns", [
    (0, ["2027-03-01", "2027-06-07", "2027-09-06"]),   # three single Mondays: 1 working day each, a pattern
    (1, ["2027-03-01", "2027-06-07", "2027-09-06"]),   # Monday and Tuesday: 2 working days each, still ≤ 2
    (4, []),                                           # three whole Monday-to-Friday weeks: 5 > 2, no pattern
])
def test_the_evaluation_api_sees_a_pattern_only_in_short_absences(client, headers, make_employee, length_days,
                                                                  concerns):
    worker = make_employee()
    with clock.frozen(D(2028, 1, 31)):
        post(client, headers, worker, [(monday, monday + dt.timedelta(days=length_days)) for monday in MONDAYS])
        body = client.get(f"/api/v1/employees/{worker.assignment_number}/evaluation?as_of=2028-01-31",
                          headers=headers).get_json()
    assert [concern["dates"] for concern in body["concerns"]] == ([concerns] if concerns else [])
    for concern in body["concerns"]:
        assert concern["explanation"].startswith("3 absences of at most 2 working days in the 12 months to "
                                                 "31 January 2028")


@pytest.mark.parametrize("days, working_days", [
    # Sat 25 – Wed 29 Dec 2027. Saturday to Wednesday: 5 of their days − Christmas Day Sat 25 − Boxing Day Sun 26
    # (their own dates, which they work); the substitutes Mon 27 and Tue 28 are ordinary days for them: 3.
    (["Sat", "Sun", "Mon", "Tue", "Wed"], 3),
    # Monday to Friday: Mon 27, Tue 28, Wed 29 − the substitutes Mon 27 and Tue 28 = 1.
    (["Mon", "Tue", "Wed", "Thu", "Fri"], 1),
])
def test_the_absences_api_counts_each_bank_holiday_once_for_a_weekend_worker(client, headers, make_employee, days,
                                                                            working_days):
    worker = make_employee(working_days=days)
    with clock.frozen(D(2028, 1, 31)):
        post(client, headers, worker, [(D(2027, 12, 25), D(2027, 12, 29))])
        body = client.get(f"/api/v1/employees/{worker.assignment_number}/absences",
                          headers=headers).get_json()
    [absence] = body["absences"]
    assert (absence["calendar_days"], absence["working_days"]) == (5, working_days)
