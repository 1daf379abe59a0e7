"""The JSON API: bearer tokens and their scopes, upserting absences, reading them, JSON errors, token commands."""
from __future__ import annotations

import datetime as dt

import pytest
from bson import ObjectId

from blueprints.access import PUBLIC, access_rule
from documents import Absence, ApiToken, utcnow
from documents.absence import MedicalRead

FROM_1900_TO_2200 = "use a date from 1900-01-01 to 2200-12-31."


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
                     "api.employee_evaluation": ("token:read",), "api.employee_cases": ("token:read",)}
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


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000, b'{"absences": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, b'{"absences": [\xff\xfe]}', b"", b"null", b'"absences"', b"\x00",
    b'{"absences": [{"absence_id": "\\ud800"}]}'])
def test_a_body_that_is_not_readable_json_is_400_json_and_nothing_is_applied(client, token, body):
    """Deeply nested JSON made the parser raise RecursionError, and a lone surrogate could not be stored: each a 500;
    they are refused like any unreadable body."""
    response = client.post("/api/v1/absences", data=body, headers={**bearer(token("write")),
                                                                   "Content-Type": "application/json"})
    assert response.status_code == 400 and response.is_json
    message = 'Send a JSON object {"absences": [...]} with one object for each absence.'
    assert response.json == {"error": message, "errors": [{"index": None, "field": None, "message": message}]}
    assert Absence.objects.count() == 0


@pytest.mark.parametrize("values, field, message", [
    ({"absence_id": {"$ne": None}}, "absence_id", "absence_id must be text."),
    ({"absence_id": ["AB1"]}, "absence_id", "absence_id must be text."),
    ({"absence_id": 17}, "absence_id", "absence_id must be text."),
    ({"assignment_number": {"$gt": ""}}, "assignment_number", "assignment_number must be text."),
    ({"first_day": 20260302}, "first_day", "first_day must be text."),
    ({"first_day": {"$date": "2026-03-02"}}, "first_day", "first_day must be text."),
    ({"reason_category": ["flu"]}, "reason_category", "reason_category must be text."),
    ({"reason_detail": {"text": "x"}}, "reason_detail", "reason_detail must be text."),
    ({"work_related": 1}, "work_related", "work_related must be Y or N (or true or false)."),
    ({"pregnancy_related": {"$ne": False}}, "pregnancy_related",
     "pregnancy_related must be Y or N (or true or false)."),
    ({"rtw_by_assignment_number": 1.5}, "rtw_by_assignment_number", "rtw_by_assignment_number must be text."),
    ({"first_day": "0001-01-01"}, "first_day", f"'0001-01-01' is too far away: {FROM_1900_TO_2200}"),
    ({"last_day": "9999-12-31"}, "last_day", f"'9999-12-31' is too far away: {FROM_1900_TO_2200}"),
])
def test_a_value_of_the_wrong_kind_is_refused_never_turned_into_text(client, anna, token, values, field, message):
    """{"$ne": null} as absence_id was stored as the text "{'$ne': None}"; a value must be a JSON string (or, for
    Y/N columns, a boolean) or null."""
    response = post(client, token("write"), [item("AB1", anna.assignment_number),
                                             {**item("AB2", anna.assignment_number), **values}])
    assert response.status_code == 400
    assert {"index": 1, "field": field, "message": message} in response.json["errors"]
    assert Absence.objects.count() == 0


def test_an_absence_that_is_not_an_object_is_named_by_its_index(client, anna, token):
    response = post(client, token("write"), [item("AB1", anna.assignment_number), "AB2", ["AB3"], None])
    assert response.status_code == 400 and response.json == {"errors": [
        {"index": index, "field": None, "message": "Each absence must be a JSON object of its columns."}
        for index in (1, 2, 3)]}
    assert Absence.objects.count() == 0


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
    (["token", "create", "forever", "--days", "0"], "A token works for 1 to 3,650 days."),
    (["token", "create", "forever", "--days", "3651"], "A token works for 1 to 3,650 days."),
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
    assert listing.startswith("old-feed\tread\tevery division\tcreated ") and f"revoked {utcnow():%Y-%m-%d}" in listing
    assert secret not in listing


def test_a_token_works_for_its_days_then_is_refused_like_a_revoked_one(app, client, anna):
    """No stale access (issue 14): `token create NAME --days N` (DESIGN's command contract), a year when not
    given; an expired token is refused and listed as expired."""
    runner = app.test_cli_runner()
    result = runner.invoke(args=["token", "create", "yearly"])
    assert "working until" in result.stdout
    yearly = ApiToken.objects.get(name="yearly")
    assert (yearly.expires_at - yearly.created_at).days == 365
    secret = runner.invoke(args=["token", "create", "short", "--days", "2"]).stdout.strip().splitlines()[-1]
    url = f"/api/v1/employees/{anna.assignment_number}/absences"
    assert client.get(url, headers=bearer(secret)).status_code == 200
    ApiToken.objects(name="short").update_one(set__expires_at=utcnow() - dt.timedelta(seconds=1))
    assert client.get(url, headers=bearer(secret)).status_code == 401
    listing = runner.invoke(args=["token", "list"]).stdout
    assert f"short\tread\tevery division\tcreated {utcnow():%Y-%m-%d}" in listing and "\texpired\n" in listing
    assert f"\texpires {yearly.expires_at:%Y-%m-%d}\tlast used never\tlive\n" in listing


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


@pytest.mark.parametrize("as_of", ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31"])
def test_an_evaluation_date_too_far_away_is_400_json(client, anna, token, as_of):
    """Dates this far away overflowed the date arithmetic of the windows (a 500)."""
    response = client.get(f"/api/v1/employees/{anna.assignment_number}/evaluation?as_of={as_of}",
                          headers=bearer(token("read")))
    assert response.status_code == 400
    assert response.json == {"error": "as_of: Enter a date between 1 January 1900 and 31 December 2200."}


@pytest.mark.parametrize("as_of", ["1900-01-01", "2200-12-31"])
def test_an_evaluation_on_the_first_or_last_day_casebook_takes_works(client, anna, token, as_of):
    response = client.get(f"/api/v1/employees/{anna.assignment_number}/evaluation?as_of={as_of}",
                          headers=bearer(token("read")))
    assert response.status_code == 200 and response.json["as_of"] == as_of


def test_cases_lists_stage_history_with_figures_and_open_tasks(client, anna, make_employee, token):
    from documents import Case
    from documents.case import AbsenceSnapshot, Outcome, Stage, Task
    secret = token("read")
    assert client.get(f"/api/v1/employees/{anna.assignment_number}/cases", headers=bearer(secret)).get_json() == {
        "cases": []}
    D = dt.date
    snapshot = AbsenceSnapshot(absence_id=ObjectId(), external_id="ABS-1", first_day=D(2026, 2, 2),
                               last_day=D(2026, 2, 2), reason_category="infections")
    unfed = AbsenceSnapshot(absence_id=ObjectId(), first_day=D(2026, 5, 11), reason_category="infections")
    first = Stage(key="absence_support", entered_on=D(2026, 6, 1), left_on=D(2026, 11, 23),
                  trigger_explanation="4 occasions in the 12 months to 1 June 2026 (trigger: 4 or more)",
                  trigger_figures={"windows": [{"months": 12, "occasions": 4}], "absence_ids": []},
                  associated=[snapshot, unfed],
                  outcome=Outcome(kind="review_period", decided_on=D(2026, 6, 10), decided_by="boss@example.org",
                                  summary="Private words", review_date=D(2026, 9, 2)))
    second = Stage(key="formal_1", entered_on=D(2026, 11, 23))
    case = Case(employee=anna.pk, assignment_number=anna.assignment_number, division=anna.division, kind="STS",
                policy_key="council-2019", policy_revision=1, stage="formal_1", opened_on=D(2026, 6, 1),
                stages=[first, second],
                tasks=[Task(id="t1", kind="send_invite", title="Invite the employee with letter C3",
                            assignee="boss@example.org", due_on=D(2026, 11, 30)),
                       Task(id="t0", kind="hold_meeting", title="Hold the meeting", assignee="boss@example.org",
                            due_on=D(2026, 6, 15), status="done")])
    case.save_checked()
    Case(employee=make_employee().pk, assignment_number="OTHER-1", division=anna.division, kind="LTS",
         policy_key="council-2019", policy_revision=1, stage="lts_welfare", opened_on=D(2026, 6, 1),
         stages=[Stage(key="lts_welfare", entered_on=D(2026, 6, 1))]).save_checked()
    response = client.get(f"/api/v1/employees/{anna.assignment_number}/cases", headers=bearer(secret))
    assert response.status_code == 200
    assert response.get_json() == {"cases": [{
        "id": str(case.pk), "kind": "STS", "status": "open", "paused": False, "stage": "formal_1",
        "policy": {"key": "council-2019", "revision": 1}, "opened_on": "2026-06-01", "closed_on": None,
        "stages": [
            {"key": "absence_support", "entered_on": "2026-06-01", "left_on": "2026-11-23",
             "associated_absence_ids": ["ABS-1", str(unfed.absence_id)],
             "outcome": {"kind": "review_period", "decided_on": "2026-06-10", "review_date": "2026-09-02",
                         "warning_level": None, "warning_expires_on": None, "appeal_deadline": None},
             "trigger_explanation": "4 occasions in the 12 months to 1 June 2026 (trigger: 4 or more)",
             "trigger_figures": {"windows": [{"months": 12, "occasions": 4}], "absence_ids": []}},
            {"key": "formal_1", "entered_on": "2026-11-23", "left_on": None, "associated_absence_ids": [],
             "outcome": None, "trigger_explanation": None, "trigger_figures": None}],
        "open_tasks": [{"id": "t1", "kind": "send_invite", "title": "Invite the employee with letter C3",
                        "assignee": "boss@example.org", "due_on": "2026-11-30"}]}]}
    assert "Private words" not in response.get_data(as_text=True)
    missing = client.get("/api/v1/employees/NOPE/cases", headers=bearer(secret))
    assert missing.status_code == 404 and missing.is_json
    assert client.get(f"/api/v1/employees/{anna.assignment_number}/cases").status_code == 401


def test_an_id_holding_an_encoded_slash_is_not_found_in_json_not_redirected(client, anna, token):
    """Hypothesis found it: `C3;rm -rf /` as an assignment number made the path end in "//absences", which was
    answered with a 308 redirect in HTML instead of the API's JSON."""
    response = client.get("/api/v1/employees/C3%3Brm%20-rf%20%2F/absences", headers=bearer(token("read")))
    assert (response.status_code, response.is_json, "error" in response.get_json()) == (404, True, True)
