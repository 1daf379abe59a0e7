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

import hashlib
from collections import Counter

import bson
import pytest
from flask import url_for
from mongoengine.connection import get_db

from services import clock
from tests.app import access_routes as table
from tests.app.access_routes import ANYONE, CONFERENCE, HR_FLAG, IN_BODY, JOB, MEDICAL, SIGNED_IN, STAFF, Row
from tests.app.access_world import CONFERENCE_SECRET, LOGINS, SECRET, TODAY, TOKENS, World, build
from tests.app.mail import free_port
from tests.conftest import PASSWORD, clean_database, csrf_token

USERS = ("m1", "boss", "m2", "hr_a", "hr_b", "support", "admin")
ACTORS = ("anonymous", *USERS, *TOKENS)
# What each login sees, by the division of the records (DESIGN.md, Users: "sees"): M1 and the manager above
# them A's people, M2 B's; HR their division; support and admins every division.
SEES = {"m1": "A", "boss": "A", "m2": "B", "hr_a": "A", "hr_b": "B", "support": "AB", "admin": "AB"}
# Medical detail: the employee's managers in the hierarchy, HR for the division, admins; never support.
READS_MEDICAL = {"m1": "A", "boss": "A", "m2": "B", "hr_a": "A", "hr_b": "B", "admin": "AB"}
# A case conference's notes: its participants (M1 in A, M2 in B), HR for the division, admins; not the manager
# above, who is not a participant.
READS_CONFERENCE = {"m1": "A", "m2": "B", "hr_a": "A", "hr_b": "B", "admin": "AB"}
ALLOWED, REFUSED, INERT = "allowed", "refused", "changes nothing"
CSRF_FAILED = "The form had expired or was not sent from Casebook"
# Collections a refused request must leave as they were (not the logs of reads, sessions and sign-ins).
WATCHED = ("employees", "absences", "cases", "import_jobs", "import_files.files", "letters.files",
           "letter_templates", "template_files.files", "organisation", "organisation_files.files", "routing",
           "notifications", "policies")
FIGURES: Counter = Counter()


@pytest.fixture(autouse=True)
def _clean():
    """Replaces the app tests' cleaning before and after each test: this module's organisation is built once."""
    yield


@pytest.fixture(scope="module")
def world(app):
    """The organisation, with the clock at TODAY, e-mail going nowhere and a stand-in PDF converter (the PDF
    routes are tried for access, not for LibreOffice)."""
    with pytest.MonkeyPatch.context() as patch, clock.frozen(TODAY):
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


class Actor:
    """One kind of user with their own test client: signed in once through the login form, or a visitor, or an
    API token sent as a bearer header. Their CSRF token comes from a page they may open."""

    def __init__(self, app, name: str, world: World):
        self.name, self.client = name, app.test_client()
        self.token = world.tokens.get(name)
        self.roles = set(LOGINS[name]["roles"]) if name in LOGINS else set()
        if name in USERS:
            page = self.client.get("/login").get_data(as_text=True)
            signed = self.client.post("/login", data={"email": LOGINS[name]["email"], "password": PASSWORD,
                                                      "csrf_token": csrf_token(page)})
            assert signed.status_code == 302 and not signed.headers["Location"].startswith("/login"), name
        opened = "/account/notifications" if name in USERS else "/login"
        self.csrf = csrf_token(self.client.get(opened).get_data(as_text=True))

    def send(self, method: str, url: str, body: dict | None = None, htmx: bool = False):
        headers = {"HX-Request": "true"} if htmx else {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if method == "GET":
            return self.client.get(url, headers=headers)
        if url.startswith("/api/"):
            return self.client.post(url, json=body, headers=headers)
        return self.client.post(url, data={**(body or {}), "csrf_token": self.csrf}, headers=headers)


@pytest.fixture(scope="module")
def actors(app, world):
    return {name: Actor(app, name, world) for name in ACTORS}


def sees(row: Row, actor: str, target: str) -> bool:
    """Whether the user `actor` may reach the records of division `target` through `row`."""
    if row.scope is None:
        return True
    if row.scope == JOB:
        return actor in ("support", "admin")        # support@ started the job; admins see every job
    if row.scope == MEDICAL:
        return target in READS_MEDICAL.get(actor, "")
    if row.scope == CONFERENCE:
        return target in READS_CONFERENCE.get(actor, "")
    if row.scope == HR_FLAG and actor == "support":
        return False                                # support's queue holds "not my report" flags only
    assert row.scope in (STAFF, HR_FLAG, IN_BODY), row.scope
    return target in SEES[actor]


def expected(row: Row, actor: str, target: str) -> str:
    """What `actor` should get from `row` with division `target`'s records, from the table alone."""
    if ANYONE in row.who:
        return ALLOWED
    scopes = [who.removeprefix("token:") for who in row.who if who.startswith("token:")]
    if scopes:
        live = TOKENS.get(actor) if actor != "token_revoked" else None
        return ALLOWED if live and set(scopes) & set(live) else REFUSED
    if actor not in USERS:
        return REFUSED
    if SIGNED_IN in row.who:
        return ALLOWED
    if not set(LOGINS[actor]["roles"]) & row.who:
        return REFUSED
    if sees(row, actor, target):
        return ALLOWED
    return INERT if row.scope == IN_BODY else REFUSED


def may_read_secrets(actor: str, target: str) -> tuple[bool, bool]:
    """Whether `actor` may see the target's medical detail, and its case conference's notes."""
    if actor in TOKENS:
        return "medical" in TOKENS[actor] and actor != "token_revoked", False
    return target in READS_MEDICAL.get(actor, ""), target in READS_CONFERENCE.get(actor, "")


def sight(actor: str) -> str:
    """The divisions whose staff `actor` may see named: a token reads every division through the API."""
    return "AB" if actor in TOKENS else SEES.get(actor, "")


def judge(row: Row, actor: str, want: str, response, htmx: bool, target: str, world: World) -> str | None:
    """What is wrong with `response`, or None."""
    status, location = response.status_code, response.headers.get("Location", "")
    body = response.get_data(as_text=True) if response.mimetype.startswith(("text/", "application/json")) else ""
    api = row.endpoint.startswith("api.")
    if status >= 500:
        return f"server error {status}"
    for division, side in world.sides.items():
        medical, conference = may_read_secrets(actor, division)
        if (SECRET[division] in body and not medical) or (CONFERENCE_SECRET[division] in body and not conference):
            return f"{status}, showing division {division}'s medical detail"
        if division not in sight(actor) and any(name in body for name in side.names.values()):
            return f"{status}, naming division {division}'s staff"
    if want == REFUSED:
        if api:
            wanted = {403} if actor in TOKENS and actor != "token_revoked" else {401}
            return None if status in wanted else f"{status}, not {wanted}"
        if actor in USERS:
            return None if status in (403, 404) else f"{status}, not 403/404"
        if htmx:
            return None if status == 401 else f"{status}, not 401"
        return None if status == 302 and location.startswith("/login?next=") else f"{status} {location}, not sign-in"
    if location.startswith("/login") and location != row.lands:
        return f"sent to sign in ({location})"
    if want == INERT:
        return None
    if row.method == "POST" and status in (400, 409) and not api:
        return f"{status}: CSRF refused" if CSRF_FAILED in body else None
    if not 200 <= status < 400:
        return f"{status}, not allowed"
    if row.fragment and htmx and status == 200 and "<html" in body:
        return "a whole page, not the fragment htmx asks for"
    return None


def fingerprint() -> str:
    """A digest of every record a request could change (sessions, sign-in and read logs aside)."""
    digest, db = hashlib.sha1(), get_db()
    for name in WATCHED:
        for document in db[name].find({}, sort=[("_id", 1)]):
            digest.update(bson.encode(document))
    return digest.hexdigest()


def url_of(app, row: Row, world: World, target: str) -> str:
    with app.test_request_context():
        return url_for(row.endpoint, **row.params(world, world.sides[target]))


def run(app, world: World, actors: dict, rows: list[Row], htmx_only: bool = False) -> list[str]:
    """Try every row with every actor (refused ones first, so an allowed change cannot hide a refused one) for
    each division the row's records may come from; the problems found, each with its cell."""
    problems = []
    for row in rows:
        variants = [True] if htmx_only else [False, True] if row.htmx and row.method == "POST" else [False]
        for target in ("A", "B") if row.scope else ("A",):
            url = url_of(app, row, world, target)
            order = sorted(ACTORS, key=lambda actor: expected(row, actor, target) == ALLOWED)
            for htmx in variants:
                cell = f"{row.method} {url} [{row.label}] htmx={htmx}"
                before = fingerprint() if row.method == "POST" else None
                for actor in order:
                    want = expected(row, actor, target)
                    if before and want == ALLOWED:
                        problems += unchanged(before, cell)
                        before = None
                    body = row.body(world, world.sides[target]) if row.body else None
                    response = actors[actor].send(row.method, url, body, htmx)
                    problem = judge(row, actor, want, response, htmx, target, world)
                    response.close()
                    if problem:
                        problems.append(f"{cell} {actor} ({want}): {problem}")
                    FIGURES[(row.method, "htmx" if htmx else "page", want)] += 1
                if before:
                    problems += unchanged(before, cell)
    return problems


def unchanged(before: str, cell: str) -> list[str]:
    """A problem when the database is not as it was before the refused requests of `cell`."""
    after = fingerprint()
    return [] if after == before else [f"{cell}: a refused request changed the database"]


def cells(rows: list[Row], htmx_only: bool = False) -> int:
    """How many requests `run` makes for `rows`."""
    return sum(len(ACTORS) * (2 if row.scope else 1) * (1 if htmx_only or not (row.htmx and row.method == "POST")
                                                        else 2) for row in rows)


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


def test_every_change_answers_each_user_as_the_table_says_and_refused_ones_change_nothing(app, world, actors):
    """Last in the module: allowed changes move the records on, and the last row signs everyone out."""
    before = sum(FIGURES.values())
    problems = run(app, world, actors, table.POSTS)
    assert not problems, report(problems)
    assert sum(FIGURES.values()) - before == cells(table.POSTS)
    print_figures()


def report(problems: list[str]) -> str:
    return f"{len(problems)} cells not as the table says:\n" + "\n".join(problems)


def print_figures() -> None:
    total = sum(FIGURES.values())
    print(f"\naccess matrix: {len(table.GETS) + len(table.POSTS)} rows ({len(table.GETS)} GET, {len(table.POSTS)} "
          f"POST) × {len(ACTORS)} actors, {total} requests")
    for (method, kind, want), count in sorted(FIGURES.items()):
        print(f"  {method:4} {kind:5} {want:16} {count}")
