"""Nothing a signed-in user or a token is sent may be kept by a browser or a proxy: every response but Casebook's
own CSS, JS and images carries Cache-Control: no-store (pages, the API's JSON, letters, CSV, XLSX, .ics, TOML and
refused-rows downloads, error pages, redirects)."""
from __future__ import annotations

import pytest
from flask import url_for

from blueprints.access import access_rule
from tests.app.hostile import ADMIN, organisation, restored, user_for
from tests.app.test_hostile_reads import GETS

DOWNLOADS = {"absences.download_letter": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "cases.download_letter": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "cases.invitation": "text/calendar", "imports.report": "text/csv", "policies.download": "",
             "reports.export": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "letters_admin.download": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "dpo.medical_reads_csv": "text/csv", "dpo.refusals_csv": "text/csv"}
STATIC = ("static", "home.frontend_assets")


@pytest.fixture
def _clean():
    """The organisation is seeded once for the module (no cleaning per test)."""


@pytest.fixture(scope="module")
def world(app):
    with organisation(app) as world:
        restored(world)
        yield world


def _get(app, world, endpoint: str):
    rule = next(app.url_map.iter_rules(endpoint=endpoint))
    prefix = "absence" if endpoint.startswith(("absences.", "tasks.")) else "case"
    ids = world["ids"]
    with app.test_request_context():
        url = url_for(endpoint, **{name: ids.get(name) or ids.get(f"{prefix}_{name}") for name in rule.arguments})
    if endpoint == "home.frontend_assets":
        url = "/assets/images/nhsuk-icon-180.png"
    if endpoint.startswith("api."):
        return world["clients"][None].get(url, headers={"Authorization": f"Bearer {world['token']}"}, buffered=True)
    return world["clients"][user_for(access_rule(app.view_functions[endpoint]))].get(url, buffered=True)


@pytest.mark.parametrize("endpoint", [endpoint for endpoint in GETS if endpoint not in STATIC])
def test_every_response_but_static_files_is_never_stored(app, world, endpoint):
    response = _get(app, world, endpoint)
    response.close()
    assert response.status_code < 500
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Pragma"] == "no-cache"
    if endpoint in DOWNLOADS:
        assert response.status_code == 200 and response.mimetype.startswith(DOWNLOADS[endpoint])


@pytest.mark.parametrize("endpoint", STATIC)
def test_casebook_s_own_css_js_and_images_may_be_cached(app, world, endpoint):
    response = _get(app, world, endpoint)
    response.close()
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("method, url, status", [
    ("get", "/no-such-page", 404), ("post", "/account/notifications", 400), ("get", "/", 302),
    ("get", "/api/v1/employees/NOBODY/absences", 401), ("post", "/api/v1/absences", 401)])
def test_errors_and_redirects_are_never_stored_either(world, method, url, status):
    client = world["clients"][None if url.startswith("/api/") else ADMIN]
    response = getattr(client, method)(url)
    assert response.status_code == status and response.headers["Cache-Control"] == "no-store"


def test_a_signed_in_fetch_of_casebook_s_css_js_or_images_writes_no_session_cookie(world):
    """Responses a proxy may keep carry no session cookie: the session's last-seen time is not written for them."""
    client = world["clients"][ADMIN]
    assert client.get("/", follow_redirects=True).status_code == 200      # signed in
    for url in ("/static/js/casebook.js", "/assets/images/nhsuk-icon-180.png"):
        response = client.get(url, buffered=True)
        response.close()
        assert (response.status_code, response.headers.get("Set-Cookie")) == (200, None), url
