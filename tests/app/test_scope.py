"""Scope: managers see their hierarchy at any depth, HR their divisions, support and admin all."""
from __future__ import annotations

import pytest

from documents import Case, Employee


@pytest.fixture
def org(built_once, make_employee):
    # built once for the module, then restored before each test (tests/conftest.py)
    return built_once("org", lambda: build_org(make_employee))


def build_org(make_employee):
    """chief → head (Community Care) → lead → nurse; a stranger in Secure Care under the chief."""
    chief = make_employee(first_name="Chief", division="Corporate Services")
    head = make_employee(first_name="Head", supervisor_assignment_number=chief.assignment_number)
    lead = make_employee(first_name="Lead", supervisor_assignment_number=head.assignment_number)
    nurse = make_employee(first_name="Nurse", supervisor_assignment_number=lead.assignment_number)
    stranger = make_employee(first_name="Stranger", division="Secure Care",
                             supervisor_assignment_number=chief.assignment_number)
    peer = make_employee(first_name="Peer", supervisor_assignment_number=head.assignment_number)
    return {name: Employee.objects.get(pk=e.pk) for name, e in
            dict(chief=chief, head=head, lead=lead, nurse=nurse, stranger=stranger, peer=peer).items()}


def names(queryset) -> set[str]:
    return {employee.first_name for employee in queryset}


def login_as(make_user, auth, roles, **fields):
    make_user("user@example.org", roles, **fields)
    auth.login("user@example.org")
    from documents import User
    return User.objects.get(email="user@example.org")


def test_manager_sees_everyone_below_at_any_depth(org, make_user, auth):
    user = login_as(make_user, auth, ["manager"], assignment_number=org["head"].assignment_number)
    assert names(Employee.objects.visible_to(user)) == {"Lead", "Nurse", "Peer"}


def test_manager_cannot_open_someone_outside_their_hierarchy_by_url(org, make_user, auth):
    login_as(make_user, auth, ["manager"], assignment_number=org["lead"].assignment_number)
    assert auth.client.get(f"/employees/{org['nurse'].assignment_number}").status_code == 200
    for outsider in ("peer", "stranger", "head", "chief", "lead"):
        assert auth.client.get(f"/employees/{org[outsider].assignment_number}").status_code == 404
    assert auth.client.get("/employees/NO-SUCH-NUMBER").status_code == 404


def test_manager_team_page_lists_only_their_people(org, make_user, auth):
    login_as(make_user, auth, ["manager"], assignment_number=org["head"].assignment_number)
    direct = auth.client.get("/team").get_data(as_text=True)
    assert "Lead Tester" in direct and "Peer Tester" in direct and "Nurse Tester" not in direct
    everyone = auth.client.get("/team?show=all").get_data(as_text=True)
    assert "Nurse Tester" in everyone and "Stranger" not in everyone and "Chief" not in everyone


def test_hr_sees_only_their_divisions(org, make_user, auth):
    user = login_as(make_user, auth, ["hr"], hr_divisions=["Secure Care"])
    assert names(Employee.objects.visible_to(user)) == {"Stranger"}
    assert auth.client.get(f"/employees/{org['stranger'].assignment_number}").status_code == 200
    assert auth.client.get(f"/employees/{org['nurse'].assignment_number}").status_code == 404
    listing = auth.client.get("/employees").get_data(as_text=True)
    assert "Stranger" in listing and "Nurse" not in listing
    nurse = org["nurse"]
    searched = auth.client.get(f"/employees?q={nurse.last_name}&division=Community+Care").get_data(as_text=True)
    assert "0 employees matching" in searched and nurse.assignment_number not in searched


def test_hr_and_manager_roles_combine(org, make_user):
    user = make_user("both@example.org", ["manager", "hr"], assignment_number=org["lead"].assignment_number,
                     hr_divisions=["Secure Care"])
    assert names(Employee.objects.visible_to(user)) == {"Nurse", "Stranger"}


@pytest.mark.parametrize("role", ["support", "admin"])
def test_support_and_admin_see_everyone(org, make_user, role):
    user = make_user("all@example.org", [role])
    assert names(Employee.objects.visible_to(user)) == set(names(Employee.objects))


def test_user_without_a_scope_sees_nobody(org, make_user):
    user = make_user("hr2@example.org", ["hr"])
    assert Employee.objects.visible_to(user).count() == 0


def test_cases_are_scoped_the_same_way(org, make_user):
    for key in ("nurse", "stranger"):
        employee = org[key]
        Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
             manager_path=employee.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
             stage="absence_support", opened_on="2026-01-05").save_checked()
    manager = make_user("m@example.org", ["manager"], assignment_number=org["lead"].assignment_number)
    hr = make_user("h@example.org", ["hr"], hr_divisions=["Secure Care"])
    assert [c.assignment_number for c in Case.objects.visible_to(manager)] == [org["nurse"].assignment_number]
    assert [c.assignment_number for c in Case.objects.visible_to(hr)] == [org["stranger"].assignment_number]


@pytest.mark.parametrize("roles, fields", [
    (["manager"], {"assignment_number": "head"}), (["manager"], {"assignment_number": "lead"}),
    (["hr"], {"hr_divisions": ["Secure Care"]}), (["hr", "manager"], {"assignment_number": "lead",
                                                                       "hr_divisions": ["Secure Care"]}),
    (["support"], {}), (["hr"], {}),
])
def test_a_record_read_by_its_id_is_seen_exactly_as_the_scope_filter_decides(org, make_user, roles, fields):
    """`may_see`, checked in Python on an employee or a case read by its id alone (the case, employee, absence and
    meeting pages), agrees with the scope the lists send to the database, for everyone in the organisation."""
    from documents.scope import may_see
    if "assignment_number" in fields:
        fields = {**fields, "assignment_number": org[fields["assignment_number"]].assignment_number}
    user = make_user("who@example.org", roles, **fields)
    for employee in org.values():
        Case(employee=employee.pk, assignment_number=employee.assignment_number, division=employee.division,
             manager_path=employee.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
             stage="absence_support", opened_on="2026-01-05").save_checked()
    assert {e.first_name for e in Employee.objects if may_see(user, e)} == names(Employee.objects.visible_to(user))
    assert {c.pk for c in Case.objects if may_see(user, c)} == {c.pk for c in Case.objects.visible_to(user)}


def test_a_case_out_of_scope_is_refused_as_not_found_and_logged(org, make_user, auth):
    """The case page reads the case by id alone: out of scope it answers 404, as for no case, and logs the refusal;
    in scope it opens."""
    from documents import AccessRefusal
    stranger = org["stranger"]
    case = Case(employee=stranger.pk, assignment_number=stranger.assignment_number, division=stranger.division,
                manager_path=stranger.manager_path, kind="STS", policy_key="council-2019", policy_revision=1,
                stage="absence_support", opened_on="2026-01-05").save_checked()
    login_as(make_user, auth, ["hr"], hr_divisions=["Community Care"])
    assert auth.client.get(f"/cases/{case.pk}").status_code == 404
    assert [(r.reason, r.assignment_number) for r in AccessRefusal.objects] == [("scope", stranger.assignment_number)]
    assert auth.client.get("/cases/0123456789ab0123456789ab").status_code == 404      # no such case: not logged
    assert AccessRefusal.objects.count() == 1
    Employee.objects(pk=stranger.pk).update_one(set__division="Community Care")
    Case.objects(pk=case.pk).update_one(set__division="Community Care")
    assert auth.client.get(f"/cases/{case.pk}").status_code == 200
