"""API tokens: limited to divisions (reads and writes see only those divisions' employees; another's answer 404
as a missing one), rotated, listed, and revoked from the administrators' page with an audit trail."""
from __future__ import annotations

import re

import pytest

from documents import Absence, AccessRefusal, ApiToken
from tests.conftest import csrf_token

CARE, SECURE = "Community Care", "Secure Care"


@pytest.fixture
def staff(make_employee):
    """Cara in Community Care, Sid in Secure Care."""
    return {"cara": make_employee(first_name="Cara", division=CARE),
            "sid": make_employee(first_name="Sid", division=SECURE)}


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["token", *args])


def issued(app, *args: str) -> str:
    result = cli(app, "create", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def absence(employee, absence_id: str) -> dict:
    return {"absence_id": absence_id, "assignment_number": employee.assignment_number, "first_day": "2026-03-02",
            "last_day": "2026-03-03", "reason_category": "flu"}


@pytest.mark.parametrize("path", ["absences", "cases", "evaluation"])
def test_a_token_limited_to_a_division_reads_only_its_employees(app, client, staff, path):
    secret = issued(app, "care-feed", "--scope", "read", "--division", CARE)
    mine = client.get(f"/api/v1/employees/{staff['cara'].assignment_number}/{path}", headers=bearer(secret))
    assert mine.status_code == 200
    other = client.get(f"/api/v1/employees/{staff['sid'].assignment_number}/{path}", headers=bearer(secret))
    missing = client.get(f"/api/v1/employees/NOBODY/{path}", headers=bearer(secret))
    assert other.status_code == missing.status_code == 404
    assert other.json == {"error": f"No employee has the assignment number {staff['sid'].assignment_number}."}
    [refusal] = AccessRefusal.objects            # logged for the data protection officer; the missing one is not
    assert (refusal.who, refusal.reason, refusal.assignment_number) == (
        "api:care-feed", "scope", staff["sid"].assignment_number)


def test_a_token_limited_to_a_division_writes_only_for_its_employees(app, client, staff):
    secret = issued(app, "care-feed", "--scope", "write", "--division", CARE)
    refused = client.post("/api/v1/absences", headers=bearer(secret),
                          json={"absences": [absence(staff["cara"], "AB1"), absence(staff["sid"], "AB2")]})
    assert refused.status_code == 400
    assert refused.json["errors"] == [{"index": 1, "field": "assignment_number", "message":
                                       f"No employee has the assignment number {staff['sid'].assignment_number}."}]
    assert Absence.objects.count() == 0                                 # nothing applied
    done = client.post("/api/v1/absences", headers=bearer(secret), json={"absences": [absence(staff["cara"], "AB1")]})
    assert done.json == {"created": 1, "updated": 0, "unchanged": 0}


def test_a_token_for_every_division_sees_both(app, client, staff):
    secret = issued(app, "all-feed")
    for person in staff.values():
        assert client.get(f"/api/v1/employees/{person.assignment_number}/cases",
                          headers=bearer(secret)).status_code == 200


def test_rotating_gives_a_new_secret_with_the_same_scopes_and_divisions_and_ends_the_old_one(app, client, staff):
    old = issued(app, "care-feed", "--scope", "read,medical", "--division", CARE, "--days", "10")
    url = f"/api/v1/employees/{staff['cara'].assignment_number}/absences"
    rotated = cli(app, "rotate", "care-feed", "--days", "30")
    assert rotated.exit_code == 0 and "the old secret no longer works" in rotated.stdout
    new = rotated.stdout.strip().splitlines()[-1]
    assert new != old and len(new) >= 40
    assert client.get(url, headers=bearer(old)).status_code == 401
    assert client.get(url, headers=bearer(new)).status_code == 200
    token = ApiToken.objects.get(name="care-feed")
    assert (token.scopes, token.divisions) == (["read", "medical"], [CARE])
    assert (token.expires_at - token.rotated_at).days == 30             # a fresh lifetime from the rotation
    assert [entry.action for entry in token.audit] == ["token created", "token rotated"]
    assert new not in str(token.to_mongo()) and old not in str(token.to_mongo())


@pytest.mark.parametrize("args, reason", [
    (["rotate", "nobody"], "No token named nobody is in use."),
    (["rotate", "gone"], "No token named gone is in use."),              # revoked: issue a new one
    (["rotate", "feed", "--days", "0"], "A token works for 1 to 3,650 days."),
    (["create", "new", "--division", "Nowhere"], "Unknown division Nowhere: use one of Community Care, Secure Care."),
])
def test_token_commands_fail_with_one_line_reasons(app, staff, args, reason):
    issued(app, "feed")
    issued(app, "gone")
    assert cli(app, "revoke", "gone").exit_code == 0
    result = cli(app, *args)
    assert result.exit_code == 1 and result.stderr.strip() == f"Error: {reason}"


def test_list_shows_name_scopes_divisions_created_expires_last_use_and_state(app, client, staff):
    secret = issued(app, "care-feed", "--scope", "read", "--division", CARE, "--division", SECURE)
    client.get(f"/api/v1/employees/{staff['cara'].assignment_number}/cases", headers=bearer(secret))
    token = ApiToken.objects.get(name="care-feed")
    line = cli(app, "list").stdout
    assert line == (f"care-feed\tread\t{CARE}, {SECURE}\tcreated {token.created_at:%Y-%m-%d}\texpires "
                    f"{token.expires_at:%Y-%m-%d}\tlast used {token.last_used_at:%Y-%m-%d %H:%M}\tlive\n")


@pytest.fixture
def admin(make_user, auth):
    make_user("ada@example.org", ["admin"], name="Ada Admin")
    auth.login("ada@example.org")
    return auth.client


def test_the_admin_page_lists_tokens_and_revokes_one_after_confirming(app, admin, client, staff):
    secret = issued(app, "care-feed", "--division", CARE)
    issued(app, "other")
    page = admin.get("/admin/tokens").get_data(as_text=True)
    row = re.search(r"<tr>\s*<td><a href=\"/admin/tokens/care-feed\">care-feed</a>.*?</tr>", page, re.S).group(0)
    assert CARE in row and "Never" in row and "Live" in row
    confirm = admin.get("/admin/tokens/care-feed").get_data(as_text=True)
    assert "Revoking cannot be undone" in confirm and "token created" in confirm

    revoked = admin.post("/admin/tokens/care-feed/revoke", data={"csrf_token": csrf_token(confirm)})
    assert revoked.status_code == 302 and revoked.headers["Location"] == "/admin/tokens/care-feed"
    assert client.get(f"/api/v1/employees/{staff['cara'].assignment_number}/cases",
                      headers=bearer(secret)).status_code == 401
    token = ApiToken.objects.get(name="care-feed")
    assert token.revoked_at is not None and ApiToken.objects.get(name="other").revoked_at is None
    entry = token.audit[-1]
    assert (entry.actor, entry.action, entry.before, entry.after) == (
        "ada@example.org", "token revoked", {"state": "live"}, {"state": "revoked"})
    shown = admin.get("/admin/tokens/care-feed").get_data(as_text=True)
    assert "token revoked" in shown and "Revoke the token" not in shown
    again = admin.post("/admin/tokens/care-feed/revoke", data={"csrf_token": csrf_token(shown)}, follow_redirects=True)
    assert "No token named care-feed is in use." in again.get_data(as_text=True)


def test_the_admin_page_is_for_admins_only(make_user, auth):
    make_user("hana@example.org", ["hr"], hr_divisions=[CARE])
    auth.login("hana@example.org")
    assert auth.client.get("/admin/tokens").status_code == 403
    assert auth.client.get("/admin/tokens/nobody").status_code == 403
