"""Trying the access matrix's cells: each kind of user with their own test client, what a response must be
for what the table expects, and a digest of the database to show a refused change changed nothing."""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter

from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from flask import url_for
from mongoengine.connection import get_db

from tests.app import access_routes as table
from tests.app.access_routes import (
    ACTORS,
    ALLOWED,
    INERT,
    READS_CONFERENCE,
    READS_MEDICAL,
    REFUSED,
    SEES,
    USERS,
    Row,
    expected,
)
from tests.app.access_world import CONFERENCE_SECRET, LOGINS, SECRET, TOKENS, World
from tests.conftest import PASSWORD, collection_digest, csrf_token

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSRF_FAILED = "The form had expired or was not sent from Casebook"
# Collections a refused request must leave as they were (not the logs of reads, sessions and sign-ins).
WATCHED = ("employees", "absences", "cases", "import_jobs", "import_files.files", "letters.files",
           "letter_templates", "template_files.files", "organisation", "organisation_files.files", "routing",
           "notifications", "policies")
FIGURES: Counter = Counter()
RAW = CodecOptions(document_class=RawBSONDocument)   # documents as their stored bytes


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


def may_read_secrets(actor: str, target: str) -> tuple[bool, bool]:
    """Whether `actor` may see the target's medical detail, and its case conference's notes."""
    if actor in TOKENS:
        return "medical" in TOKENS[actor] and actor != "token_revoked", False
    return target in READS_MEDICAL.get(actor, ""), target in READS_CONFERENCE.get(actor, "")


def sight(actor: str) -> str:
    """The divisions whose staff `actor` may see named: a token reads every division through the API."""
    return "AB" if actor in TOKENS else SEES.get(actor, "")


def text_of(response) -> str:
    """What a response shows: its text, or the words of a Word document."""
    if response.mimetype.startswith(("text/", "application/json")):
        return response.get_data(as_text=True)
    if response.mimetype == DOCX and response.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(response.get_data())) as package:
            return re.sub(r"<[^>]+>", "", package.read("word/document.xml").decode("utf-8"))
    return ""


def judge(row: Row, actor: str, want: str, response, htmx: bool, target: str, world: World) -> str | None:
    """What is wrong with `response`, or None."""
    status, location = response.status_code, response.headers.get("Location", "")
    body = text_of(response)
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
        if htmx:    # 401, or htmx told to go to the sign-in page
            told = response.headers.get("HX-Redirect") or response.headers.get("HX-Location") or location
            return None if status == 401 or told.startswith("/login") else f"{status}, not 401 or sign-in"
        # to sign in, and back to the page (a form sent without a page it came from goes back home)
        return None if status == 302 and location.split("?")[0] == "/login" else f"{status} {location}, not sign-in"
    sent = location or response.headers.get("HX-Redirect", "")
    if sent.startswith("/login") and sent != row.lands:
        return f"sent to sign in ({sent})"
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
    return "".join(collection_digest(name) for name in WATCHED)


# The logs the data protection officer reads: no request may change or remove an entry of them.
LOGS = ("medical_reads", "access_refusals", "subject_access_exports")


def held_logs() -> dict[str, dict]:
    """Each log's entries as their stored bytes, by id."""
    db = get_db()
    return {name: {document["_id"]: document.raw for document in db[name].with_options(codec_options=RAW).find()}
            for name in LOGS}


def lost_log_entries(before: dict[str, dict], after: dict[str, dict]) -> list[str]:
    """The log entries held `before` that are not there `after` as they were, byte for byte."""
    return [f"{name} {key}" for name in LOGS for key, raw in before[name].items() if after[name].get(key) != raw]


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
            order = sorted(actors_of(row), key=lambda actor: expected(row, actor, target) == ALLOWED)
            for htmx in variants:
                cell = f"{row.method} {url} [{row.label}] htmx={htmx}"
                before = fingerprint() if row.method == "POST" else None
                for actor in order if htmx_only or not htmx else [
                        actor for actor in order if htmx_differs(row, actor, target)]:
                    want = expected(row, actor, target)
                    if before and want == ALLOWED:
                        problems += unchanged(before, cell)
                        before = None
                    body = row.body(world, world.sides[target]) if row.body else None
                    response = actors[actor].send(row.method, url, body, htmx)
                    problem = judge(row, actor, want, response, htmx, target, world)
                    status = response.status_code
                    response.close()
                    if problem:
                        problems.append(f"{cell} {actor} ({want}): {problem}")
                    refused_by_form = want == ALLOWED and row.method == "POST" and status in (400, 409)
                    FIGURES[(row.method, "htmx" if htmx else "page", want + (" (form refused)" if refused_by_form
                                                                               else ""))] += 1
                if before:
                    problems += unchanged(before, cell)
    return problems


# On a web page or form a bearer token counts for nothing (the request is a visitor's), whatever its scopes: two
# live tokens stand for all of them there (one that may write, one that may read medical detail). The API's routes
# are tried with every token.
WEB_TOKENS = ("token_write", "token_read_medical")


def actors_of(row: Row) -> tuple[str, ...]:
    """Who tries the row: everyone for an API route; for a web route every login and the visitor, and WEB_TOKENS."""
    if row.endpoint.startswith("api."):
        return ACTORS
    return tuple(actor for actor in ACTORS if actor not in TOKENS or actor in WEB_TOKENS)


def htmx_differs(row: Row, actor: str, target: str) -> bool:
    """Whether an htmx request of the row may be answered otherwise than the plain one: for a visitor (401 or
    "go and sign in" instead of a redirect) and for whoever it is allowed to (a fragment, not the whole page). A
    signed-in user or a token refused gets the same 403/404 either way, so the plain request covers them."""
    return actor not in USERS and actor not in TOKENS or expected(row, actor, target) == ALLOWED


def unchanged(before: str, cell: str) -> list[str]:
    """A problem when the database is not as it was before the refused requests of `cell`."""
    after = fingerprint()
    return [] if after == before else [f"{cell}: a refused request changed the database"]


def cells(rows: list[Row], htmx_only: bool = False) -> int:
    """How many requests `run` makes for `rows`."""
    count = 0
    for row in rows:
        for target in ("A", "B") if row.scope else ("A",):
            actors = actors_of(row)
            if htmx_only:
                count += len(actors)
            elif row.htmx and row.method == "POST":
                count += len(actors) + sum(htmx_differs(row, actor, target) for actor in actors)
            else:
                count += len(actors)
    return count


def report(problems: list[str]) -> str:
    return f"{len(problems)} cells not as the table says:\n" + "\n".join(problems)


def print_figures() -> None:
    total = sum(FIGURES.values())
    print(f"\naccess matrix: {len(table.GETS) + len(table.POSTS)} rows ({len(table.GETS)} GET, {len(table.POSTS)} "
          f"POST) × {len(ACTORS)} actors, {total} requests")
    for (method, kind, want), count in sorted(FIGURES.items()):
        print(f"  {method:4} {kind:5} {want:30} {count}")

