"""Rate limits, each set low here and met for real (Flask-Limiter counting in the test database): sign-ins per
client address and from everyone, API calls per token, uploaded files per user."""
from __future__ import annotations

import io
import json

import pytest

from documents import ApiToken
from tests.conftest import CHEAP_PASSWORDS, PASSWORD, ROOMY_LIMITS, TEST_DB, csrf_token

TEN = "10.0.0.10"


@pytest.fixture
def limit(app, monkeypatch):
    """Set one of the app's rate limits for this test."""
    def set_limit(name: str, value: str) -> None:
        monkeypatch.setitem(app.config, name, value)
    return set_limit


def sign_in(client, email: str = "hr@example.org", password: str = "wrong", address: str = "127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token(client.get("/login", environ_base=environ).get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base=environ)


def test_sign_ins_from_one_address_are_limited(client, limit, make_user):
    make_user("hr@example.org", ["hr"])
    limit("LOGIN_LIMIT_PER_ADDRESS", "3/minute")
    answers = [sign_in(client, f"guess{n}@example.org", address=TEN) for n in range(3)]
    assert [answer.status_code for answer in answers] == [400] * 3
    refused = sign_in(client, "hr@example.org", PASSWORD, address=TEN)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Too many attempts from your network. Wait a minute and try again." in page
    assert int(refused.headers["Retry-After"]) > 0
    assert client.get("/employees", environ_base={"REMOTE_ADDR": TEN}).status_code == 302    # not signed in
    assert sign_in(client, "hr@example.org", PASSWORD, address="10.0.0.11").status_code == 302


def test_showing_the_sign_in_page_is_not_an_attempt(client, limit):
    limit("LOGIN_LIMIT_PER_ADDRESS", "2/minute")
    for _ in range(5):
        assert client.get("/login").status_code == 200
    assert sign_in(client).status_code == 400


def test_sign_ins_from_everyone_together_are_limited(client, limit):
    limit("LOGIN_LIMIT_OVERALL", "4/minute")
    answers = [sign_in(client, address=f"10.0.1.{n}").status_code for n in range(4)]
    assert answers == [400] * 4
    refused = sign_in(client, address="10.0.1.99")
    assert refused.status_code == 429
    assert "Too many people are signing in just now." in refused.get_data(as_text=True)


def test_api_calls_are_limited_per_token_whatever_the_address(client, limit, make_employee):
    employee = make_employee()
    limit("API_LIMIT_PER_TOKEN", "3/minute")
    first = ApiToken.issue("absence-system", ["read"])[1]
    second = ApiToken.issue("payroll", ["read"])[1]
    url = f"/api/v1/employees/{employee.assignment_number}/absences"

    def call(secret: str, address: str):
        return client.get(url, headers={"Authorization": f"Bearer {secret}"}, environ_base={"REMOTE_ADDR": address})

    assert [call(first, f"10.0.2.{n}").status_code for n in range(3)] == [200] * 3
    refused = call(first, "10.0.2.50")
    assert refused.status_code == 429 and refused.is_json
    assert refused.json == {"error": "Too many requests with this token: the limit is 3 a minute. Wait for the "
                                     "number of seconds in Retry-After and try again."}
    assert int(refused.headers["Retry-After"]) > 0
    assert call(second, "10.0.2.0").status_code == 200


def test_calls_without_a_live_token_are_limited_by_address(client, limit):
    limit("API_LIMIT_PER_TOKEN", "2/minute")
    headers = [{"Authorization": f"Bearer made-up-{n}"} for n in range(3)]
    answers = [client.get("/api/v1/employees/A1/absences", headers=h).status_code for h in headers]
    assert answers == [401, 401, 429]


def upload_policy(client, htmx: bool = False):
    token = csrf_token(client.get("/policies/new").get_data(as_text=True))
    return client.post("/policies/upload", content_type="multipart/form-data",
                       headers={"HX-Request": "true"} if htmx else {},
                       data={"csrf_token": token, "upload-file": (io.BytesIO(b"colour = 'blue'"), "policy.toml")})


def test_uploaded_files_are_limited_per_user(app, limit, make_user):
    make_user("admin@example.org", ["admin"])
    make_user("other@example.org", ["admin"])
    limit("UPLOAD_LIMIT_PER_USER", "2/hour")
    admin, other = app.test_client(), app.test_client()
    sign_in(admin, "admin@example.org", PASSWORD)
    sign_in(other, "other@example.org", PASSWORD)
    assert [upload_policy(admin).status_code for _ in range(2)] == [400, 400]     # refused files count too
    token = csrf_token(admin.get("/policies/new").get_data(as_text=True))
    assert admin.post("/policies/paste", data={"csrf_token": token, "paste-text": "x"}).status_code == 400
    refused = upload_policy(admin)
    assert refused.status_code == 429
    assert "You have sent too many files: the limit is 2 an hour. Wait a while and try again." in \
        refused.get_data(as_text=True)
    assert upload_policy(other).status_code == 400


def test_an_htmx_upload_over_the_limit_leaves_the_page_as_it_is(app, limit, make_user):
    make_user("admin@example.org", ["admin"])
    limit("UPLOAD_LIMIT_PER_USER", "1/hour")
    admin = app.test_client()
    sign_in(admin, "admin@example.org", PASSWORD)
    upload_policy(admin, htmx=True)
    refused = upload_policy(admin, htmx=True)
    assert refused.status_code == 429
    assert refused.headers["HX-Reswap"] == "none"
    assert json.loads(refused.headers["HX-Trigger-After-Swap"]) == {
        "casebook:problem": "You have sent too many files: the limit is 1 an hour. Wait a while and try again."}


def test_the_limits_are_counted_in_the_apps_database(client, limit):
    from mongoengine.connection import get_db
    limit("LOGIN_LIMIT_PER_ADDRESS", "5/minute")
    sign_in(client)
    counters = list(get_db()["rate_limits"].find())
    assert get_db().name == TEST_DB
    assert any("5/1/minute" in counter["_id"] and counter["count"] == 1 for counter in counters)


def test_a_limit_that_is_not_a_rate_is_refused_at_start(database_uri, tmp_path):
    from app import create_app
    from documents.connection import connect_database
    try:
        with pytest.raises(RuntimeError, match="API_LIMIT_PER_TOKEN: 'lots' is not a rate limit"):
            create_app({"TESTING": True, "MONGODB_URI": database_uri, "MONGODB_DB": TEST_DB, "SECRET_KEY": "x",
                        "DATA_DIR": str(tmp_path), "API_LIMIT_PER_TOKEN": "lots", **CHEAP_PASSWORDS})
    finally:
        connect_database(database_uri, TEST_DB)


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(database_uri, tmp_path):
    from app import create_app
    from documents.connection import connect_database
    try:
        proxied = create_app({"TESTING": True, "MONGODB_URI": database_uri, "MONGODB_DB": TEST_DB,
                              "SECRET_KEY": "x", "DATA_DIR": str(tmp_path), "SESSION_COOKIE_SECURE": False,
                              **ROOMY_LIMITS, **CHEAP_PASSWORDS, "LOGIN_LIMIT_PER_ADDRESS": "1/minute",
                              "TRUSTED_PROXIES": 1})
        client = proxied.test_client()

        def through_proxy(address: str) -> int:
            token = csrf_token(client.get("/login").get_data(as_text=True))
            return client.post("/login", headers={"X-Forwarded-For": address},
                               data={"email": "x@example.org", "password": "x", "csrf_token": token}).status_code

        assert [through_proxy("192.0.2.1"), through_proxy("192.0.2.1"), through_proxy("192.0.2.2")] == [400, 429, 400]
    finally:
        connect_database(database_uri, TEST_DB)
