"""The JSON API: bearer tokens and their scopes, upserting absences, reading them, JSON errors, token commands."""
from __future__ import annotations


import pytest

from blueprints.access import PUBLIC, access_rule
from documents import Absence, ApiToken, utcnow
from documents.absence import MedicalRead


@pytest.fixture
def token():
    def issue(*scopes: str, name: str = "absence-system") -> str:
        return ApiToken.issue(name, list(scopes))[1]

    return issue


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def item(absence_id: str, number: str, first: str = "2026-03-02", last: str | None = "2026-03-04", **values) -> dict:
    return {"absence_id": absence_id, "assignment_number": number, "first_day": first, "last_day": last,
            "reason_category": "flu", "reason_detail": "High temperature", "work_related": False,
            "pregnancy_related": False, "disability_related": None, "rtw_date": None,
            "rtw_by_assignment_number": None, **values}


@pytest.fixture
def anna(make_employee):
    return make_employee(first_name="Anna")


def post(client, secret, absences):
    return client.post("/api/v1/absences", json={"absences": absences}, headers=bearer(secret))


def test_every_api_route_needs_a_token(app):
    rules = {rule.endpoint: access_rule(app.view_functions[rule.endpoint]) for rule in app.url_map.iter_rules()
             if rule.rule.startswith("/api/")}
    assert rules == {"api.upsert_absences": ("token:write",), "api.employee_absences": ("token:read",),
                     "api.employee_evaluation": ("token:read",)}
    assert all(PUBLIC not in rule for rule in rules.values())


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic dXNlcjpwdw=="},
                                     {"Authorization": "Bearer not-a-token"}])
def test_no_or_unknown_token_is_401_json(client, anna, headers):
    response = client.get(f"/api/v1/employees/{anna.assignment_number}/absences", headers=headers)
    assert response.status_code == 401 and response.is_json
    assert response.json == {"error": "Send a valid API token: Authorization: Bearer TOKEN."}
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_is_401(client, anna, token):
    secret = token("read")
    ApiToken.objects(name="absence-system").update_one(set__revoked_at=utcnow())
    assert client.get(f"/api/v1/employees/{anna.assignment_number}/absences", headers=bearer(secret)).status_code == 401


def test_a_token_without_the_scope_is_403(client, anna, token):
    response = post(client, token("read"), [item("AB1", anna.assignment_number)])
    assert response.status_code == 403 and response.json == {"error": "This token does not have the write scope."}
    assert Absence.objects.count() == 0


def test_using_a_token_notes_when(client, anna, token):
    client.get(f"/api/v1/employees/{anna.assignment_number}/absences", headers=bearer(token("read")))
    assert ApiToken.objects.get(name="absence-system").last_used_at is not None


def test_invalid_absences_are_400_with_index_field_message_and_nothing_is_applied(client, anna, token):
    response = post(client, token("write"), [
        item("AB1", anna.assignment_number),
        item("AB2", "NOBODY"),
        item("AB3", anna.assignment_number, first="2026-03-10", last="2026-03-11", work_related="perhaps"),
    ])
    assert response.status_code == 400
    assert response.json == {"errors": [
        {"index": 1, "field": "assignment_number", "message": "No employee has the assignment number NOBODY."},
        {"index": 2, "field": "work_related", "message": "Write Y or N, not 'perhaps'."},
    ]}
    assert Absence.objects.count() == 0


def test_create_then_update_then_unchanged(client, anna, make_employee, token):
    boss = make_employee(first_name="Bea", last_name="Boss")
    secret, number = token("write"), anna.assignment_number
    batch = [item("AB1", number), item("AB2", number, first="2026-03-16", last=None)]
    assert post(client, secret, batch).json == {"created": 2, "updated": 0, "unchanged": 0}
    batch[1].update(last_day="2026-03-18", rtw_date="2026-03-19", rtw_by_assignment_number=boss.assignment_number)
    assert post(client, secret, batch).json == {"created": 0, "updated": 1, "unchanged": 1}
    assert post(client, secret, batch).json == {"created": 0, "updated": 0, "unchanged": 2}
    absence = Absence.objects.get(external_id="AB2")
    assert (absence.source, absence.version, absence.rtw.held_by) == ("api", 2, "Bea Boss")
    assert [entry.actor for entry in absence.audit] == ["api:absence-system"] * 2


def test_reading_absences_hides_the_detail_without_the_medical_scope(client, anna, token):
    post(client, token("read", "write"), [item("AB1", anna.assignment_number, rtw_date="2026-03-05")])
    response = client.get(f"/api/v1/employees/{anna.assignment_number}/absences",
                          headers=bearer(token("read", name="reader")))
    assert response.json == {"absences": [{
        "absence_id": "AB1", "first_day": "2026-03-02", "last_day": "2026-03-04", "reason_category": "infections",
        "calendar_days": 3, "working_days": 3, "fte_days": 3.0, "rtw_date": "2026-03-05"}]}
    assert MedicalRead.objects.count() == 0


def test_the_medical_scope_reads_the_detail_and_the_read_is_logged(client, anna, token):
    post(client, token("write"), [item("AB1", anna.assignment_number),
                                  item("AB2", anna.assignment_number, first="2026-03-09", last="2026-03-09",
                                       reason_detail="")])
    response = client.get(f"/api/v1/employees/{anna.assignment_number}/absences",
                          headers=bearer(token("read", "medical", name="oh-service")))
    assert [absence["reason_detail"] for absence in response.json["absences"]] == ["High temperature", None]
    [read] = MedicalRead.objects
    assert (read.reader, read.assignment_number, read.what) == ("api:oh-service", anna.assignment_number,
                                                                "reason detail")
    assert read.absence == Absence.objects.get(external_id="AB1").pk


def test_unknown_employee_is_404_json(client, token):
    response = client.get("/api/v1/employees/NOBODY/absences", headers=bearer(token("read")))
    assert response.status_code == 404
    assert response.json == {"error": "No employee has the assignment number NOBODY."}


@pytest.mark.parametrize("method, url, body, status", [
    ("get", "/api/v1/nothing-here", None, 404),
    ("get", "/api/v1/absences", None, 405),
    ("post", "/api/v1/absences", b"{not json", 400),
    ("post", "/api/v1/absences", b'{"absences": "AB1"}', 400),
    ("post", "/api/v1/absences", b'[{"absence_id": "AB1"}]', 400),
])
def test_every_error_is_json_with_a_message(client, token, method, url, body, status):
    response = getattr(client, method)(url, data=body, headers={**bearer(token("read", "write")),
                                                                "Content-Type": "application/json"})
    assert response.status_code == status and response.is_json
    assert response.json["error"] and "Traceback" not in response.get_data(as_text=True)


def test_a_request_too_large_is_413_json(app, client, token, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    response = post(client, token("write"), [item("AB1", "A1")])
    assert response.status_code == 413 and response.json == {"error": "The file is too large."}


def test_a_server_error_is_json_without_a_trace(app, client, anna, token, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    broken.access_rule = ("token:read",)
    monkeypatch.setitem(app.view_functions, "api.employee_absences", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get(f"/api/v1/employees/{anna.assignment_number}/absences", headers=bearer(token("read")))
    assert response.status_code == 500 and response.json == {"error": "Sorry, something went wrong."}


def test_the_api_needs_no_csrf_token_but_pages_still_do(client, anna, token):
    assert post(client, token("write"), [item("AB1", anna.assignment_number)]).status_code == 200
    assert client.post("/login", data={"email": "x@example.org", "password": "x"}).status_code == 400


# The token commands


def test_token_create_prints_the_token_alone_on_its_last_line(app, client, anna):
    result = app.test_cli_runner().invoke(args=["token", "create", "absence-system", "--scope", "read,medical"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert " " not in secret and len(secret) >= 40
    assert ApiToken.objects.get(name="absence-system").scopes == ["read", "medical"]
    assert ApiToken.objects.get(name="absence-system").token_hash != secret
    assert client.get(f"/api/v1/employees/{anna.assignment_number}/absences",
                      headers=bearer(secret)).status_code == 200


def test_token_create_defaults_to_read(app):
    assert app.test_cli_runner().invoke(args=["token", "create", "reporting"]).exit_code == 0
    assert ApiToken.objects.get(name="reporting").scopes == ["read"]


@pytest.mark.parametrize("args, reason", [
    (["token", "create", "feed", "--scope", "read,admin"], "Unknown scope admin: use read, write, medical."),
    (["token", "create", "two words"], "A token name uses letters, digits, dots, dashes and underscores."),
    (["token", "create", "taken"], "A token named taken already exists: choose another name."),
    (["token", "revoke", "nobody"], "No token named nobody is in use."),
])
def test_token_commands_fail_with_one_line_reasons(app, args, reason):
    ApiToken.issue("taken", ["read"])
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 1 and result.stderr.strip() == f"Error: {reason}"


def test_token_revoke_and_list(app, client, anna):
    runner = app.test_cli_runner()
    secret = runner.invoke(args=["token", "create", "old-feed", "--scope", "read"]).stdout.strip().splitlines()[-1]
    assert runner.invoke(args=["token", "revoke", "old-feed"]).stdout == "Token old-feed revoked.\n"
    assert client.get(f"/api/v1/employees/{anna.assignment_number}/absences",
                      headers=bearer(secret)).status_code == 401
    listing = runner.invoke(args=["token", "list"]).stdout
    assert listing.startswith("old-feed\tread\tcreated ") and f"revoked {utcnow():%Y-%m-%d}" in listing
    assert secret not in listing


def test_evaluation_explains_the_figures_and_changes_nothing(client, anna, token):
    from documents import Case
    secret = token("write", "read")
    days = ["2026-02-02", "2026-05-11", "2026-08-03", "2026-11-02"]   # four one-day absences
    assert post(client, secret, [item(f"E{n}", anna.assignment_number, day, day) for n, day in enumerate(days)]
                ).status_code == 200
    Case.objects.delete()
    response = client.get(f"/api/v1/employees/{anna.assignment_number}/evaluation?as_of=2026-11-23",
                          headers=bearer(secret))
    body = response.get_json()
    assert response.status_code == 200 and body["as_of"] == "2026-11-23"
    assert {"months": 12, "weeks": None, "occasions": 4, "working_days": 4, "fte_days": 4.0,
            "bradford": 64} in body["windows"]
    assert any("4 occasions" in rule["explanation"] for rule in body["fired"])
    assert [action["kind"] for action in body["actions"]] == ["open_sts"]
    assert Case.objects.count() == 0
    bad = client.get(f"/api/v1/employees/{anna.assignment_number}/evaluation?as_of=23-11-2026", headers=bearer(secret))
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_json()["error"]
    assert client.get("/api/v1/employees/NOPE/evaluation", headers=bearer(secret)).status_code == 404
