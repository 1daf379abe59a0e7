"""Hostile input to every form: each route that takes a POST gets the fields its real page's form sends, each
either the page's own value or a hostile one (control characters and line breaks, very long text, emoji, template
syntax, markup, spreadsheet formulas, numbers and dates out of range, ids and operators, invalid UTF-8, blanks),
plus fields no form has. Every answer must be below 500; a refusal (4xx) must say why and leave every stored
document as it was."""
from __future__ import annotations

import json
import os

import pytest
from flask import url_for
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from blueprints.access import access_rule
from services import clock
from tests.app.hostile import (
    ADMIN,
    Tally,
    Target,
    digests,
    discover,
    form_body,
    hostile,
    multipart,
    organisation,
    restored,
    says_why,
    sign_in,
    user_for,
)
from tests.conftest import csrf_token

# Every route taking a POST but the API's (tests/app/test_hostile_api.py): a new one must be added here.
ENDPOINTS = [
    "absences.correct", "absences.end", "absences.extend", "absences.letter_sent", "absences.log_contact",
    "absences.make_letter", "absences.new", "absences.record_fit_note", "absences.record_step",
    "absences.return_to_work", "absences.upload_letter", "account.notifications", "auth.login", "auth.logout",
    "cases.add", "cases.another_date", "cases.appeal", "cases.arrange", "cases.ask_not_to_progress_view",
    "cases.associate", "cases.cancel", "cases.change",
    "cases.complete", "cases.confirm_migrated_stage", "cases.decide", "cases.flag", "cases.letter_sent",
    "cases.make_letter", "cases.not_my_report_from_team", "cases.notes", "cases.outcome", "cases.preview",
    "cases.reassign", "cases.send_invitation", "cases.snooze", "cases.upload_letter", "cases.wrong_migrated_stage",
    "cases.withdraw_not_my_report_from_team",
    "cases.advise", "datafix.amend", "datafix.amend_associated", "datafix.apply_corrections_page",
    "datafix.corrections", "datafix.routing", "employees.adjust", "employees.remove_adjustment",
    "hierarchy.give_to_supervisor", "hr.resolve", "imports.apply", "imports.upload_absences",
    "imports.upload_employees", "imports.upload_inflight", "letters_admin.organisation_details",
    "letters_admin.upload", "letters_admin.use_again", "letters_admin.use_shipped", "passwords.change",
    "passwords.choose", "passwords.forgot", "policies.activate",
    "policies.edit", "policies.paste", "policies.upload", "reason_codes.mapping", "tasks.complete_reminder",
    "tasks.start_short_term_procedure", "triggers.apply",
    "dpo.subject_access",
    "tokens.revoke", "two_factor.enrol", "two_factor.new_recovery_codes", "two_factor.second_step",
    "two_factor.security", "two_factor.settings_page", "two_factor.turn_off",
    "sso.sign_in_settings",
    "user_admin.new", "user_admin.access", "user_admin.assignment", "user_admin.authority", "user_admin.switch_off",
    "user_admin.switch_on", "user_admin.send_link", "user_admin.bulk_links",
    "hierarchy.check",
]
# Forms a page shows only in another state (a dry run done, a migrated case, a second template version…).
NOT_ON_THE_PAGES = {
    "cases.appeal": [f"appeal-{name}" for name in (
        "version", "received_on", "late_reason", "heard_by_name", "heard_by_title", "meeting_on", "meeting_place",
        "decided_on", "outcome", "reasons", "what_changed", "warning_change", "new_expiry")],
    "cases.preview": ["decided_on", "letter_dated", "outcome_kind", "summary", "target", "target_occasions",
                      "target_days"],
    "cases.advise": ["advice"],
    "cases.snooze": ["snooze_reason", "agreed_by", "snooze_until"],
    "cases.wrong_migrated_stage": ["comment"],
    "datafix.apply_corrections_page": ["csv_text"],
    "imports.apply": ["skip_invalid"],
    "policies.activate": ["compared_with"],
    "triggers.apply": ["as_of"],
    "two_factor.enrol": ["code"],                    # a half-done sign-in for a role required to set it up
    "two_factor.second_step": ["code"],              # a half-done sign-in
    "two_factor.turn_off": ["off-proof"],            # a second factor turned on
    "two_factor.new_recovery_codes": ["renew-proof"],
}
EXTRA = st.dictionaries(st.sampled_from(["roles", "status", "_id", "active", "kind", "__class__", "created_by",
                                         "audit", "version", "sent_on"]), hostile, max_size=2)
FILES = st.sampled_from([(b"", "empty.csv"), (b"\x00" * 64, "nul.csv"), (b"PK\x03\x04" + b"\x00" * 60, "x.docx"),
                         ("=cmd|' /C calc'!A0,x\r\n".encode(), "formula.csv"), (b"\xff\xfe" * 100, "utf16.csv"),
                         (b"a" * 140_000, "long.csv"), (b"<script>", "../../etc/passwd"), (b"x", "\r\n.csv")])
TALLY = Tally()


@pytest.fixture
def _clean():
    """The organisation is seeded once for the module and restored before each route (no cleaning per test)."""


@pytest.fixture(scope="module")
def world(app):
    """The organisation, its clients, and the target of each route."""
    with organisation(app) as world:
        world["targets"] = discover(app, world["clients"], world["ids"])
        with app.test_request_context():
            for endpoint in set(ENDPOINTS) - set(world["targets"]):
                world["targets"][endpoint] = _target(app, endpoint, world["ids"])
        yield world
    if os.environ.get("HOSTILE_TALLY"):
        with open(os.environ["HOSTILE_TALLY"], "a") as out:
            out.write(json.dumps({"forms": TALLY.lines()}) + "\n")


def _target(app, endpoint: str, ids: dict) -> Target:
    rule = next(rule for rule in app.url_map.iter_rules(endpoint=endpoint))
    prefix = "absence" if endpoint.startswith(("absences.", "tasks.")) else "case"
    values = {name: ids.get(name) or ids.get(f"{prefix}_{name}") for name in rule.arguments}
    fields = {name: [""] for name in NOT_ON_THE_PAGES.get(endpoint, [])}
    if endpoint == "datafix.apply_corrections_page":
        fields["csv_text"] = [f"case_id,stage,reason\r\n{ids['case_id']},formal_1,Typo in the stage\r\n"]
    if endpoint == "triggers.apply":
        fields["as_of"] = [clock.today().isoformat()]
    return Target(url_for(endpoint, **values), {"version": [""], **fields}, set(), user_for(
        access_rule(app.view_functions[endpoint])))


@pytest.fixture
def fresh(world):
    world["digests"] = None
    return restored(world)


def test_every_post_route_is_attacked(app):
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert sorted(posts - {"api.upsert_absences"}) == sorted(ENDPOINTS)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@settings(max_examples=4, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(hostile_fields=st.dictionaries(st.integers(0, 99), hostile, max_size=6),
       twice=st.sets(st.integers(0, 99), max_size=2), extra=EXTRA, files=st.lists(FILES, min_size=2, max_size=2))
def test_a_form_given_hostile_values_answers_without_an_error_and_a_refusal_changes_nothing(
        fresh, endpoint, hostile_fields, twice, extra, files):
    """Each field of the page's form keeps the page's value or, for a few of them (by their place in the form),
    takes a hostile one; some are sent twice; fields no form has are added."""
    target = fresh["targets"][endpoint]
    client = fresh["clients"][target.user]
    token = fresh["tokens"][target.user]
    if endpoint == "auth.logout":    # each example signs out, when accepted: sign in again first
        page = client.get("/account/notifications")
        if page.status_code != 200:
            sign_in(client, ADMIN)
            page = client.get("/account/notifications")
        token = csrf_token(page.get_data(as_text=True))
    names = [name for name in target.fields if not name.endswith("csrf_token")]
    fields = {name: [values[0] if values else ""] for name, values in target.fields.items()}
    categories = set()
    for place, (category, value) in hostile_fields.items():
        if names:
            fields[names[place % len(names)]] = [value]
            categories.add(category)
    for place in twice:
        if names:
            fields[names[place % len(names)]] *= 2
    for name, (category, value) in extra.items():
        categories.add(category)
        fields.setdefault(name, []).append(value)
    for name in [name for name in target.fields if name.endswith("csrf_token")] or ["csrf_token"]:
        fields[name] = [token]
    before = fresh.get("digests") or digests()   # what the last refusal left, when the last request was one
    if target.files:
        body, content_type = multipart(fields, dict(zip(sorted(target.files), files, strict=False)))
        response = client.post(target.url, data=body, content_type=content_type)
    else:
        response = client.post(target.url, data=form_body(fields), content_type="application/x-www-form-urlencoded")
    refused = response.status_code >= 400
    after = digests() if refused else None
    fresh["digests"] = after
    altered = sorted(name for name in set(before) | set(after or {}) if before.get(name) != after.get(name)) \
        if after else []
    TALLY.add(endpoint, categories or {"the page's own"},
              response.status_code < 500 and not altered and (not refused or says_why(response)))
    assert response.status_code < 500, f"{endpoint}: {response.status_code}"
    assert not refused or says_why(response), f"{endpoint}: {response.status_code} without a message"
    assert not altered, f"{endpoint} refused ({response.status_code}) yet changed {altered}"
