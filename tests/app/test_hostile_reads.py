"""Hostile input to the API and to every page's query and path: the API's absences (JSON of any shape, real
columns holding hostile values of every JSON kind, bytes that are not JSON), its reads (hostile assignment numbers
and as_of dates), and each GET route with hostile query values and ids. Never a 500; a refusal says why (JSON with
`error` or `errors` under /api/); a refused write changes nothing, and a read never changes anything."""
from __future__ import annotations

import json
import os
from urllib.parse import quote

import pytest
from flask import url_for
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from werkzeug.routing import BuildError

from casework.absence_feed import COLUMNS, OPTIONAL_COLUMNS
from tests.app.hostile import (
    IDS,
    Tally,
    changed,
    digests,
    hostile_text,
    organisation,
    restored,
    says_why,
    user_for,
)

# Every route answering a GET: a new one must be added here.
GETS = [
    "absences.correct", "absences.download_letter", "absences.letter_pdf", "absences.medical",
    "absences.return_to_work", "absences.show", "account.notifications", "api.employee_absences",
    "api.employee_cases", "api.employee_evaluation", "auth.login", "cases.index", "cases.invitation", "cases.notes",
    "cases.show", "cases.download_letter", "cases.letter_pdf", "dashboard.index", "dashboard.rtw", "datafix.amend",
    "datafix.corrections", "datafix.index", "datafix.routing", "employees.index", "employees.show", "hierarchy.index",
    "home.frontend_assets", "home.health", "home.index", "hr.flags", "imports.progress", "imports.report",
    "imports.show", "imports.upload_absences", "imports.upload_employees", "imports.upload_inflight",
    "letters_admin.download", "letters_admin.download_shipped", "letters_admin.download_version",
    "letters_admin.fields", "letters_admin.index", "letters_admin.organisation_details",
    "letters_admin.organisation_logo", "letters_admin.show", "policies.download", "policies.edit", "policies.index",
    "policies.new", "policies.preview", "policies.show", "reason_codes.mapping", "reports.board", "reports.export",
    "static", "absences.new", "tasks.index", "team.calendar", "team.index", "triggers.preview",
    "dpo.medical_reads", "dpo.medical_reads_csv", "dpo.refusals", "dpo.refusals_csv", "dpo.subject_access",
    "passwords.change", "passwords.choose", "passwords.forgot", "user_admin.bulk_links", "user_admin.index",
    "user_admin.new", "user_admin.show", "tokens.index", "tokens.show", "two_factor.enrol", "two_factor.second_step",
    "two_factor.security",
    "two_factor.settings_page",
    "sso.start", "sso.callback", "sso.sign_in_settings",
    "triggers.scan_job",
    "cases.chronology",
    "imports.template_file",
    "letters_admin.sample", "letters_admin.sample_docx", "guide.index",
    "cases.export",
]
PATH_ARGUMENTS = ["assignment_number", "case_id", "absence_id", "letter_id", "meeting_id", "task_id", "flag_id",
                  "job_id", "code", "key", "step", "filename", "extension", "number", "revision", "name", "login_id",
                  "secret", "kind"]
QUERY = ["page", "q", "division", "line", "kind", "stage", "status", "paused", "pay", "flag", "show", "month", "view",
         "holder", "overdue", "start", "end", "within", "table", "key", "revision", "as_of", "next",
         "employee", "reader", "from", "to", "manager", "warning", "review"]
# What a read may write: the log of who was shown medical detail or meeting notes, and a token's last use.
LOGS = {"api_tokens"}
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                         st.floats(allow_nan=False), st.text(max_size=30))
JSON_ANY = st.recursive(JSON_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                              st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                        max_leaves=20)
RAW_BODIES = st.sampled_from([b"", b"null", b"[]", b"{}", b'{"absences": {}}', b'{"absences": null}', b"[" * 50_000,
                              b'{"absences": [' + b"[" * 3_000 + b"]" * 3_000 + b"]}", b'{"absences": [1e999999]}',
                              b'{"absences": [NaN, Infinity]}', b'{"absences": ["\xff\xfe"]}',
                              b'{"absences": [{"absence_id": "\\ud800"}]}', b"\xef\xbb\xbf{}", b"\x00" * 10,
                              json.dumps({"absences": [{}] * 10_001}).encode()])
SETTINGS = settings(deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])
TALLY = Tally()


@pytest.fixture
def _clean():
    """The organisation is seeded once for the module and restored before each test (no cleaning per test)."""


@pytest.fixture(scope="module")
def world(app):
    with organisation(app) as world:
        yield world
    if os.environ.get("HOSTILE_TALLY"):
        with open(os.environ["HOSTILE_TALLY"], "a") as out:
            out.write(json.dumps({"reads and API": TALLY.lines()}) + "\n")


@pytest.fixture
def fresh(world):
    return restored(world)


def _item(world: dict) -> dict:
    """A good absence for the API: Wes's, a new id."""
    return {"absence_id": "API-1", "assignment_number": world["ids"]["assignment_number"], "first_day": "2026-01-05",
            "last_day": "2026-01-06", "reason_category": "infections", "reason_detail": "Flu", "work_related": False,
            "pregnancy_related": False, "disability_related": None, "rtw_date": None,
            "rtw_by_assignment_number": None}


def test_every_get_route_is_read(app):
    gets = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    assert sorted(gets) == sorted(GETS)


COLUMN_VALUES = st.lists(st.tuples(st.sampled_from(COLUMNS + OPTIONAL_COLUMNS), st.one_of(
    hostile_text, JSON_ANY.map(lambda value: ("JSON values of every kind", value)))), max_size=4)


@settings(SETTINGS, max_examples=20)
@given(shape=st.sampled_from(["hostile values in real columns", "any JSON", "bytes that are not JSON"]),
       anything=JSON_ANY, raw=RAW_BODIES, items=st.lists(COLUMN_VALUES, min_size=1, max_size=3))
def test_the_api_given_hostile_absences_answers_in_json_and_a_refusal_changes_nothing(fresh, shape, anything, raw,
                                                                                      items):
    client, headers = fresh["clients"][None], {"Authorization": f"Bearer {fresh['token']}"}
    categories = {shape}
    if shape == "any JSON":
        body = json.dumps(anything).encode()
    elif shape == "bytes that are not JSON":
        body = raw
    else:
        absences = [{**_item(fresh), **{name: value for name, (_, value) in values}} for values in items]
        categories |= {category for values in items for _, (category, _) in values}
        body = json.dumps({"absences": absences}).encode()
    before = digests()
    response = client.post("/api/v1/absences", data=body, headers={**headers, "Content-Type": "application/json"})
    refused = response.status_code >= 400
    altered = [name for name in changed(before) if name not in LOGS] if refused else []
    TALLY.add("api.upsert_absences", categories, response.status_code < 500 and response.is_json and not altered
              and (not refused or says_why(response)))
    assert response.status_code < 500 and response.is_json, response.status_code
    assert not refused or says_why(response), response.get_data(as_text=True)
    assert not altered, f"refused ({response.status_code}) yet changed {altered}"


@settings(SETTINGS, max_examples=12)
@given(number=st.one_of(st.none(), hostile_text), what=st.sampled_from(["absences", "cases", "evaluation"]),
       as_of=st.one_of(st.none(), hostile_text))
def test_the_api_reads_given_hostile_numbers_and_dates_answer_in_json(fresh, number, what, as_of):
    client, headers = fresh["clients"][None], {"Authorization": f"Bearer {fresh['token']}"}
    categories = {drawn[0] for drawn in (number, as_of) if drawn} or {"the page's own"}
    path = quote(number[1] if number else fresh["ids"]["assignment_number"], safe="")
    before = digests()
    response = client.get(f"/api/v1/employees/{path}/{what}", headers=headers,
                          query_string={"as_of": as_of[1]} if as_of else None)
    altered = [name for name in changed(before) if name not in LOGS]
    TALLY.add(f"api.employee_{what}", categories, response.status_code < 500 and not altered)
    assert response.status_code < 500 and response.is_json, response.status_code
    assert response.status_code < 400 or says_why(response)
    assert not altered, f"a read changed {altered}"


PATH_VALUE = st.one_of(st.none(), hostile_text, st.sampled_from(IDS).map(lambda value: ("ids and operators", value)))
NUMBER = st.one_of(st.none(), st.sampled_from([0, 2, 10**6, 2**31 - 1, 2**31, 2**63, 10**30]).map(
    lambda value: ("numbers out of range", value)))


@pytest.mark.parametrize("endpoint", [endpoint for endpoint in GETS if not endpoint.startswith("api.")])
@settings(SETTINGS, max_examples=3)
@given(path=st.fixed_dictionaries({name: NUMBER if name in ("number", "revision") else PATH_VALUE
                                   for name in PATH_ARGUMENTS}),
       query=st.dictionaries(st.sampled_from(QUERY), hostile_text, max_size=3))
def test_a_page_given_hostile_query_values_and_ids_answers_without_an_error_and_changes_nothing(
        app, fresh, endpoint, path, query):
    from blueprints.access import access_rule
    rule = next(app.url_map.iter_rules(endpoint=endpoint))
    user = user_for(access_rule(app.view_functions[endpoint]))
    prefix = "absence" if endpoint.startswith(("absences.", "tasks.")) else "case"
    ids = {name: fresh["ids"].get(name) or fresh["ids"].get(f"{prefix}_{name}") for name in rule.arguments}
    values = {name: path[name][1] if path.get(name) else ids[name] for name in rule.arguments}
    categories = {path[name][0] for name in rule.arguments if path.get(name)} | {category for category, _ in
                                                                                 query.values()}
    query = {name: value for name, (_, value) in query.items()}
    with app.test_request_context():
        try:
            url = url_for(endpoint, **values)
        except (BuildError, ValueError):   # a value its converter refuses (`any(csv, xlsx)`) cannot be in the URL
            url = url_for(endpoint, **ids)
    before = digests()
    response = fresh["clients"][user].get(url, query_string=query, buffered=True)
    response.close()   # a file is sent as a stream: read it and close it
    altered = [name for name in changed(before) if name not in LOGS]
    TALLY.add(endpoint, categories or {"the page's own"}, response.status_code < 500 and not altered and (
        response.status_code < 400 or says_why(response)))
    assert response.status_code < 500, f"{url} {query}: {response.status_code}"
    assert response.status_code < 400 or says_why(response) or endpoint in ("static", "home.frontend_assets"), \
        f"{url}: {response.status_code} without a message"
    assert not altered, f"{url} changed {altered}"
