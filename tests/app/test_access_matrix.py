"""The access matrix: every route of the app, every method, tried by every kind of user (managers inside and
outside the hierarchy, HR of the division and of another, support, admin, a visitor not signed in, API tokens of
each scope and a revoked one), with the ids of real records of both divisions in the URL and the form, as a page
and as htmx. What each should get is `tests/app/access_routes.py`, written by hand from DESIGN.md.

Allowed: 2xx/3xx (a form the service refuses, 400/409, for a POST), never the sign-in page. Refused: 403 or 404
for a signed-in user, the sign-in page for a visitor (401 for htmx and for the API, 403 for a token without the
scope), and a refused POST changes nothing in the database. Nobody refused, and nobody without the right to read
medical detail, is shown the records' medical detail.

The organisation is built once for the module and the tests run in order: reading first, then the id swaps,
then the changes (the last of them signs everyone out)."""
from __future__ import annotations

import pytest

from tests.app import access_routes as table
from tests.app.access_check import (
    FIGURES,
    LOGS,
    Actor,
    cells,
    fingerprint,
    held_logs,
    lost_log_entries,
    print_figures,
    report,
    run,
    sight,
)
from tests.app.access_routes import ACTORS
from tests.app.access_world import CONFERENCE_SECRET, SECRET, TODAY, build
from tests.app.mail import free_port
from tests.conftest import clean_database


@pytest.fixture(autouse=True)
def _clean():
    """Replaces the app tests' cleaning before and after each test: this module's organisation is built once."""
    yield


@pytest.fixture(scope="module")
def world(app):
    """The organisation, with e-mail going nowhere and a stand-in PDF converter (the PDF routes are tried for
    access, not for LibreOffice)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        patch.setitem(app.config, "SMTP_PORT", free_port())
        patch.setitem(app.config, "SMTP_TIMEOUT", 1)
        patch.setattr("blueprints.cases.letters.pdf_converter", lambda: "soffice")
        patch.setattr("blueprints.cases.letters.pdf_copy", lambda data: b"%PDF-1.7 stand-in")
        with app.app_context():
            clean_database()
            built = build()
        yield built
        with app.app_context():
            clean_database()


@pytest.fixture(scope="module")
def actors(app, world):
    return {name: Actor(app, name, world) for name in ACTORS}


def test_every_route_and_method_is_in_the_matrix(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    listed = {(row.endpoint, row.method) for row in table.GETS + table.POSTS}
    assert sorted(routes - listed) == [], "routes the matrix does not know: add them to tests/app/access_routes.py"
    assert sorted(listed - routes) == []


def test_every_page_and_download_answers_each_user_as_the_table_says(app, world, actors):
    before = sum(FIGURES.values())
    problems = run(app, world, actors, table.GETS)
    assert not problems, report(problems)
    assert sum(FIGURES.values()) - before == cells(table.GETS)


def test_every_htmx_fragment_answers_each_user_as_the_table_says(app, world, actors):
    rows = [row for row in table.GETS if row.htmx]
    before = sum(FIGURES.values())
    problems = run(app, world, actors, rows, htmx_only=True)
    assert not problems, report(problems)
    assert sum(FIGURES.values()) - before == cells(rows, htmx_only=True)


ON = TODAY.isoformat()


def a(w):
    return w.sides["A"]


def b(w):
    return w.sides["B"]


# Someone else's ids in a URL or a form: (who, method, URL, form, the answers allowed). None of these may change
# anything, nor show the other division's staff to someone outside it.
SWAPS = [
    ("m2", "POST", lambda w: f"/cases/{a(w).sts_case}/association",
     lambda w: {"absence_ids": a(w).sts_absences}, {404}),
    ("m1", "POST", lambda w: f"/cases/{a(w).sts_case}/tasks/{b(w).task}/complete", lambda w: {}, {400}),
    ("m1", "POST", lambda w: f"/cases/{a(w).sts_case}/association",
     lambda w: {"absence_ids": b(w).sts_absences}, {400}),
    ("m1", "POST", lambda w: f"/cases/{a(w).sts_case}/letters",
     lambda w: {"code": "C3", "meeting_id": b(w).meeting}, {400}),
    ("m1", "POST", lambda w: f"/cases/{a(w).sts_case}/meetings/{b(w).meeting}/notes",
     lambda w: {"reasons": "Overwritten"}, {404}),
    ("m1", "POST", lambda w: f"/cases/{a(w).sts_case}/meetings/{b(w).meeting}/another-date",
     lambda w: {"proposed_on": ON}, {400}),
    ("m1", "POST", lambda w: f"/cases/{a(w).sts_case}/letters/{b(w).case_letter}/sent",
     lambda w: {f"sent-{b(w).case_letter}-sent_on": ON, f"sent-{b(w).case_letter}-sent_how": "post"},
     {400}),
    ("m1", "POST", lambda w: f"/absences/{a(w).absence}/letters/{b(w).absence_letter}/sent",
     lambda w: {f"sent-{b(w).absence_letter}-sent_on": ON,
                f"sent-{b(w).absence_letter}-sent_how": "post"}, {400}),
    ("m1", "POST", lambda w: f"/absences/{a(w).ended_absence}/tasks/{b(w).reminder}/complete", lambda w: {}, {404}),
    ("m1", "POST", lambda w: f"/absences/{b(w).ended_absence}/tasks/{a(w).reminder}/complete", lambda w: {}, {404}),
    ("m1", "GET", lambda w: f"/cases/{a(w).sts_case}/letters/{b(w).case_letter}/versions/1", None, {404}),
    ("m1", "GET", lambda w: f"/absences/{a(w).absence}/letters/{b(w).absence_letter}/versions/1", None, {404}),
    ("m1", "GET", lambda w: f"/cases/{a(w).sts_case}/meetings/{b(w).meeting}/invitation.ics", None, {404}),
    ("m1", "GET", lambda w: f"/cases/{a(w).lts_case}/meetings/{b(w).conference}/notes", None, {404}),
    ("boss", "GET", lambda w: f"/cases/{a(w).lts_case}/meetings/{a(w).conference}/notes", None, {403}),
    ("hr_a", "POST", lambda w: f"/hr/flags/{a(w).sts_case}/{b(w).flag}/resolve",
     lambda w: {"resolution": "Checked"}, {404}),
    ("hr_a", "POST", lambda w: f"/cases/{a(w).sts_case}/tasks/{b(w).task}/reassign",
     lambda w: {"assignee": "hra@example.org"}, {400}),
    ("hr_a", "POST", lambda w: f"/cases/{a(w).sts_case}/tasks/{a(w).task}/reassign",
     lambda w: {"assignee": "m2@example.org"}, {400}),
    ("hr_a", "POST", lambda w: f"/cases/{a(w).sts_case}/tasks/{a(w).task}/reassign",
     lambda w: {"assignee": f"hr:{b(w).division}"}, {400}),
    ("hr_a", "POST", lambda w: f"/hierarchy/tasks/{a(w).sts_case}/{b(w).task}", lambda w: {}, {302}),
    ("hr_b", "POST", lambda w: f"/datafix/cases/{b(w).sts_case}/absences",
     lambda w: {"absence_ids": a(w).sts_absences, "absences_reason": "Checked"}, {400}),
    ("hr_b", "POST", lambda w: "/datafix/corrections/apply", lambda w: {"csv_text": (
        f"assignment_number,case_type,review_date,reason\n{a(w).sts_worker},STS,2027-01-29,Agreed\n")}, {400}),
    ("support", "GET", lambda w: f"/imports/{w.other_job}", None, {404}),
    ("support", "GET", lambda w: f"/imports/{w.other_job}/progress", None, {404}),
    ("support", "GET", lambda w: f"/imports/{w.other_job}/refused.csv", None, {404}),
    ("support", "POST", lambda w: f"/imports/{w.other_job}/apply", lambda w: {}, {404}),
    ("hr_a", "GET", lambda w: f"/imports/{w.own_job}", None, {403}),
    ("token_read", "POST", lambda w: "/api/v1/absences", lambda w: {"absences": [{
        "assignment_number": a(w).sts_worker, "absence_id": "ABS-1", "first_day": ON,
        "reason_category": "infections"}]}, {403}),
]


@pytest.mark.parametrize("who, method, url, form, answers", SWAPS,
                         ids=[f"{case[0]}-{index}" for index, case in enumerate(SWAPS)])
def test_someone_elses_ids_in_the_url_or_the_form_change_nothing(world, actors, who, method, url, form, answers):
    before = fingerprint()
    response = actors[who].send(method, url(world), form(world) if form else None)
    body = response.get_data(as_text=True)
    assert response.status_code in answers, body[:300]
    assert fingerprint() == before
    outside = [name for key, side in world.sides.items() if key not in sight(who) for name in side.names.values()]
    assert [name for name in outside if name in body] == []


# Lists narrowed by a query naming the other division, its people or its managers: (who, URL).
NARROWED = [
    ("m2", "/cases?line={A.sts_worker}"), ("m2", "/cases?line={A.manager}"), ("m2", "/cases?division={A.division}"),
    ("m2", "/dashboard/rtw?line={A.manager}"), ("m2", "/dashboard/rtw?division={A.division}"),
    ("m2", "/tasks?view=hierarchy&holder=m1@example.org"), ("m2", "/team?show=all"),
    ("m2", f"/team/calendar?show=all&month={TODAY:%Y-%m}"), ("m2", "/reports/board?within=division:{A.division}"),
    ("m2", "/reports/board.csv?within=division:{A.division}"), ("hr_b", "/employees?division={A.division}"),
    ("hr_b", "/employees?q={A.sts_worker}"), ("hr_b", "/hr/flags?division={A.division}"),
    ("hr_b", "/tasks?view=divisions&holder=m1@example.org"), ("hr_b", "/cases?division={A.division}&flag=wrong_stage"),
    ("hr_b", "/dashboard/rtw?division={A.division}"), ("hr_b", "/reports/board?within=division:{A.division}"),
    ("hr_b", "/datafix"), ("hr_b", "/hierarchy"), ("hr_b", f"/triggers/scan?as_of={ON}"),
    ("m1", "/cases?line={B.manager}"), ("boss", "/tasks?view=hierarchy&holder=m2@example.org"),
]


@pytest.mark.parametrize("who, url", NARROWED)
def test_a_list_narrowed_to_another_division_shows_none_of_it(world, actors, who, url):
    response = actors[who].send("GET", url.format(A=world.sides["A"], B=world.sides["B"]))
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400), body[:300]
    outside = [name for key, side in world.sides.items() if key not in sight(who) for name in side.names.values()]
    assert [name for name in outside if name in body] == []


@pytest.mark.parametrize("token, medical", [("token_read", False), ("token_read_medical", True)])
def test_the_api_gives_the_reasons_detail_only_to_a_token_with_the_medical_scope(world, actors, token, medical):
    side = world.sides["A"]
    answer = actors[token].send("GET", f"/api/v1/employees/{side.lts_worker}/absences")
    [off] = [item for item in answer.get_json()["absences"] if item["last_day"] is None]
    assert ("reason_detail" in off, off.get("reason_detail")) == (medical, SECRET["A"] if medical else None)
    cases = actors[token].send("GET", f"/api/v1/employees/{side.lts_worker}/cases").get_data(as_text=True)
    assert CONFERENCE_SECRET["A"] not in cases and SECRET["A"] not in cases
    assert actors["token_medical"].send("GET", f"/api/v1/employees/{side.lts_worker}/absences").status_code == 403


@pytest.mark.parametrize("who, url, form", [
    ("m1", "/account/notifications", {"notify": "off"}),
    ("admin", "/admin/organisation", {"name": "Example Health and Care Trust", "address": "2 High Street"})])
def test_a_settings_form_sent_without_its_version_is_saved(actors, who, url, form):
    """The hidden version field left out (an old page, a hand-made request): saved as the stored version."""
    assert actors[who].send("POST", url, form).status_code == 302


def test_every_change_answers_each_user_as_the_table_says_and_refused_ones_change_nothing(app, world, actors):
    """Last in the module: allowed changes move the records on, and the last row signs everyone out. Every entry
    of the DPO's logs (the reads and refusals of the tests before) is still there afterwards, byte for byte."""
    before, logs = sum(FIGURES.values()), held_logs()
    assert all(logs[name] for name in ("medical_reads", "access_refusals"))
    problems = run(app, world, actors, table.POSTS)
    assert not problems, report(problems)
    assert sum(FIGURES.values()) - before == cells(table.POSTS)
    kept = held_logs()
    assert lost_log_entries(logs, kept) == [] and all(len(kept[name]) >= len(logs[name]) for name in LOGS)
    assert kept["subject_access_exports"]          # the DPO's and the admin's exports, made by the run
    print_figures()

