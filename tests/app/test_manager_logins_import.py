"""Manager logins from the hierarchy (issue 17, point 3): the employee import makes a login awaiting its first
sign-in for each supervisor in post with an e-mail address, lists it in its dry run, and switches off (or only
demotes) the logins of leavers and of people who no longer supervise anyone."""
from __future__ import annotations

import datetime as dt

import pytest

from documents import User
from services import clock
from tests.app.conftest import Auth
from tests.app.test_absence_import import finished
from tests.app.test_hierarchy_import import feed, login_as, row_of, run, staff, upload  # noqa: F401 (fixture)
from tests.conftest import csrf_token

TODAY = dt.date(2026, 11, 23)     # the import's --as-of (tests.app.test_hierarchy_import.AS_OF)


def logins() -> dict[str, tuple]:
    """Each login's roles, whether it is active, awaiting its first sign-in and made from the hierarchy."""
    return {user.email: (sorted(user.roles), user.active, user.awaiting_first_sign_in, user.made_from_hierarchy)
            for user in User.objects}


def test_the_check_page_lists_the_logins_to_make_and_applying_makes_them_awaiting(auth, make_user, staff):  # noqa: F811
    # Tom supervises Bea and Carl; Bea supervises Anna and Ben: the supervisors in post are Tom and Bea
    top, bea = staff["top"], staff["bea"]
    content = feed([row_of(employee) for employee in staff.values()]).encode()
    with clock.frozen(TODAY):
        login_as(auth, make_user, "support@example.org", ["support"])
        job = finished(upload(auth.client, content).headers["Location"].rsplit("/", 1)[1])
        assert job.status == "checked" and job.login_counts["make"] == 2
        page = auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
        assert "Manager logins to make: 2" in page and top.email in page and bea.email in page
        assert "Apply these changes" in page          # no employee changes, but logins to make
        assert set(logins()) == {"support@example.org"}

        auth.client.post(f"/imports/{job.pk}/apply", data={"csrf_token": csrf_token(page)})
        job = finished(job.pk)
        assert job.status == "applied"
        assert "Manager logins made: 2" in auth.client.get(f"/imports/{job.pk}").get_data(as_text=True)
    assert logins() == {"support@example.org": (["support"], True, False, False),
                        top.email: (["manager"], False, True, True), bea.email: (["manager"], False, True, True)}
    made = User.objects.get(email=bea.email)
    assert (made.assignment_number, made.name, made.password_hash) == (bea.assignment_number, "Bea Boss", None)
    assert made.audit[0].action == "made from the hierarchy import"
    assert made.audit[0].actor == "import:employees.csv by support@example.org"


def test_a_leaver_s_login_is_switched_off_by_the_next_import_and_hr_keeps_hr(app, staff, make_user, tmp_path):  # noqa: F811
    top, bea, carl = staff["top"], staff["bea"], staff["carl"]
    make_user(bea.email, ["manager"], assignment_number=bea.assignment_number)
    make_user(carl.email, ["hr", "manager"], assignment_number=carl.assignment_number, hr_divisions=["Acute"])
    session = Auth(app.test_client())
    session.login(bea.email)
    assert session.client.get("/tasks").status_code == 200
    path = tmp_path / "employees.csv"
    # Bea left on 20 November; Carl supervises nobody (he never did: his manager role goes, hr stays)
    path.write_text(feed([row_of(top), row_of(bea, end_date="2026-11-20"), row_of(carl),
                          row_of(staff["anna"]), row_of(staff["ben"])]))

    dry = run(app, path, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Manager logins to make: 1" in dry.output and f"({top.email}): supervises staff in post" in dry.output
    assert "Logins to switch off: 1" in dry.output and f"Bea Boss ({bea.email}): has left" in dry.output
    assert "Manager roles to remove: 1" in dry.output and "supervises nobody in post" in dry.output
    assert logins()[bea.email] == (["manager"], True, False, False)

    applied = run(app, path)
    assert applied.exit_code == 0, applied.output
    assert logins()[bea.email] == (["manager"], False, False, False)
    assert logins()[carl.email] == (["hr"], True, False, False)
    assert session.client.get("/tasks").status_code == 302          # Bea's session ended at once
    switched = User.objects.get(email=bea.email)
    assert switched.stood_down_by_import and switched.audit[-1].action == "switched off by the hierarchy import"
    assert User.objects.get(email=carl.email).audit[-1].action == "manager role removed by the hierarchy import"
    assert "Logins switched off: 1" in applied.output

    again = run(app, path)
    assert "Logins switched off" not in again.output and "Manager logins made" not in again.output


def test_a_supervisor_back_in_post_gets_the_login_back_awaiting_a_first_sign_in(app, staff, make_user, tmp_path):  # noqa: F811
    bea = staff["bea"]
    make_user(bea.email, ["manager"], assignment_number=bea.assignment_number)
    make_user(staff["carl"].email, ["manager"], assignment_number=staff["carl"].assignment_number, active=False)
    path = tmp_path / "employees.csv"
    path.write_text(feed([row_of(employee, **({"end_date": "2026-11-20"} if employee is bea else {}))
                          for employee in staff.values()]))
    run(app, path)
    assert logins()[bea.email] == (["manager"], False, False, False)

    path.write_text(feed([row_of(employee) for employee in staff.values()]))   # the leaving date was a mistake
    result = run(app, path)
    assert "Logins given back: 1" in result.output
    assert logins()[bea.email] == (["manager"], False, True, False)          # awaiting a first sign-in again
    assert logins()[staff["carl"].email] == (["manager"], False, False, False)  # switched off by a person: stays


@pytest.mark.parametrize("existing, expected", [
    # a login with the supervisor's address and no assignment is linked and becomes a manager's
    ({"roles": ["hr"], "hr_divisions": ["Acute"]}, (["hr", "manager"], True, False, False)),
    # one linked to another assignment is left for an administrator to settle
    ({"roles": ["hr"], "assignment_number": "ELSEWHERE"}, (["hr"], True, False, False)),
])
def test_a_login_with_the_supervisor_s_address_is_linked_or_reported(app, staff, make_user, make_employee,  # noqa: F811
                                                                     tmp_path, existing, expected):
    if existing.get("assignment_number"):
        make_employee(assignment_number="ELSEWHERE")
    bea = staff["bea"]
    make_user(bea.email, **existing)
    path = tmp_path / "employees.csv"
    path.write_text(feed([row_of(employee) for employee in staff.values()]))
    result = run(app, path)
    assert logins()[bea.email] == expected
    linked = User.objects.get(email=bea.email).assignment_number
    if existing.get("assignment_number"):
        assert "Logins to settle by hand: 1" in result.output and linked == "ELSEWHERE"
    else:
        assert "Logins linked to their assignment: 1" in result.output and linked == bea.assignment_number
