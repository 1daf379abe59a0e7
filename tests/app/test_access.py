"""Every route declares who may use it, and the declaration is enforced."""
from __future__ import annotations

import pytest

from blueprints.access import PUBLIC, access_rule

PUBLIC_ENDPOINTS = {"static", "auth.login", "home.frontend_assets", "home.health",
                    "two_factor.second_step", "two_factor.enrol"}     # open only to a half-done sign-in
PUBLIC_ENDPOINTS |= {"passwords.choose", "passwords.forgot"}     # a set-password link's page; asking for one
PUBLIC_ENDPOINTS |= {"sso.start", "sso.callback"}     # single sign-on begins and comes back before anyone is signed in


def test_every_route_declares_its_access_rule(app):
    undeclared = [rule.rule for rule in app.url_map.iter_rules()
                  if access_rule(app.view_functions[rule.endpoint]) is None]
    assert undeclared == []


def test_only_the_expected_routes_are_public(app):
    public = {rule.endpoint for rule in app.url_map.iter_rules()
              if PUBLIC in access_rule(app.view_functions[rule.endpoint])}
    assert public == PUBLIC_ENDPOINTS


def test_a_route_without_a_declaration_is_refused(app, make_user, auth):
    """The app-wide guard refuses an endpoint that slipped through without a rule."""
    app.view_functions["employees.index"], original = (
        app.view_functions["employees.index"].__wrapped__, app.view_functions["employees.index"])
    try:
        make_user("hr@example.org", ["hr"], hr_divisions=["Community Care"])
        auth.login("hr@example.org")
        assert auth.client.get("/employees").status_code == 403
    finally:
        app.view_functions["employees.index"] = original


@pytest.mark.parametrize("url", ["/", "/team", "/employees", "/employees/A00001"])
def test_signed_out_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_signed_out_htmx_request_is_sent_to_sign_in_as_a_whole_page(client):
    response = client.get("/employees", headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/team"})
    assert response.status_code == 204 and not response.get_data()
    assert response.headers["HX-Redirect"] == "/login?next=/team"


@pytest.mark.parametrize("roles, url, status", [
    (["hr"], "/team", 403),
    (["support"], "/team", 403),
    (["manager"], "/employees", 403),
    (["support"], "/employees", 200),
    (["admin"], "/employees", 200),
])
def test_roles_gate_pages(make_employee, make_user, auth, roles, url, status):
    boss = make_employee()
    make_user("someone@example.org", roles, assignment_number=boss.assignment_number, hr_divisions=["Community Care"])
    auth.login("someone@example.org")
    assert auth.client.get(url).status_code == status


@pytest.mark.parametrize("roles, landing", [(["manager"], "/team"), (["hr"], "/dashboard"),
                                            (["manager", "hr"], "/team"), (["admin"], "/dashboard"),
                                            (["support"], "/employees")])
def test_home_sends_each_role_to_its_page(make_employee, make_user, auth, roles, landing):
    boss = make_employee()
    make_user("someone@example.org", roles, assignment_number=boss.assignment_number, hr_divisions=["Community Care"])
    auth.login("someone@example.org")
    assert auth.client.get("/").headers["Location"] == landing
