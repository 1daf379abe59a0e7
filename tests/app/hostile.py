"""What the hostile-input tests share: a small organisation with one of everything a route can name (seeded once
and restored before each route), the forms its real pages carry, hostile values by category, and the checks every
answer must pass: never a 500, a refusal says why, and a refusal changes nothing stored."""
from __future__ import annotations

import contextlib
import dataclasses
import io
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from bson import ObjectId
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from hypothesis import strategies as st
from mongoengine.connection import get_db
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.app.mail import free_port
from tests.conftest import (
    PASSWORD,
    clean_database,
    collection_digest,
    csrf_token,
    database_copy,
    restore_database,
)

# Collections a refused request may write: the login throttle counts failed sign-ins, and the medical-read log
# records who was shown medical detail on a page drawn again with its message.
RAW = CodecOptions(document_class=RawBSONDocument)   # documents as their stored bytes
# rate_limits: every upload counts; access_refusals: every refusal of a record out of scope or of a role's page
WRITTEN_WHEN_REFUSED = {"login_throttle", "medical_reads", "rate_limits", "access_refusals"}
MESSAGE_MARKERS = ("nhsuk-error-summary", "nhsuk-error-message", "Go to your home page", 'role="alert"')

CONTROL = ["\x00", "\r\n", "\n", "\r", "\t", "\x1b[31m", "\x07", "\x7f", "\u0085", "\u2028", "\u2029", "\u202e",
           "\u2066", "\ufeff", "\u200b"]
TEMPLATE = ["{{7*7}}", "{{ config }}", "{{''.__class__.__mro__[1].__subclasses__()}}", "{% for x in range(9**9) %}x"
            "{% endfor %}", "${7*7}", "#{7*7}", "{%p if True %}", "{{ request.application }}", "%(password)s", "%s%n"]
MARKUP = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</textarea><script>alert(1)</script>",
          "javascript:alert(1)", "<!--", "]]><x>", "&lt;b&gt;", "<svg/onload=alert(1)>"]
FORMULA = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", '=HYPERLINK("http://evil.example")', "\t=1+1",
           "\r=1+1", "=1+1"]
NUMBERS = ["-1", "0", "-0", "1e309", "NaN", "inf", "-inf", "99999999999999999999", "9" * 5000, "²", "٣", "１２",
           "1_000", "0x10", "3.14", "1e3", " 7 ", "+5"]
DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01", "1900-01-01", "2200-12-31", "2026-02-30",
         "0000-00-00", "2026-13-01", "31/12/2026", "2026-1-1", "+002026-01-01", "2026-01-01T00:00:00", "٢٠٢٦-٠١-٠١",
         "9999-12", "0001-01"]
IDS = [str(ObjectId()), "0" * 24, "f" * 24, "../../etc/passwd", "$ne", '{"$ne": null}', "[]", "null", "%00",
       "a" * 25, "__proto__", "constructor", "C3;rm -rf /"]
EMOJI = ["👩🏽‍⚕️", "🏥💉🩺", "🇬🇧", "👨‍👩‍👧‍👦" * 20, "\U0001f4a9" * 100]
INVALID_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"caf\xe9", b"\x80abc", b"\xf4\x90\x80\x80"]
EMPTY = ["", " ", "\u00a0", "\u3000"]

words = st.sampled_from(["Bea Boss", "Room 2", "Agreed", "2026-03-02", "first", "note", ""])
CATEGORIES = {
    "control characters": st.builds(lambda a, c, b: a + c + b, words, st.sampled_from(CONTROL), words),
    "long text": st.builds(lambda size, char: char * size, st.sampled_from([300, 2_001, 20_000, 140_000]),
                           st.sampled_from(["x", "é", "界", "👍"])),
    "emoji": st.one_of(st.sampled_from(EMOJI), st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
                                                       min_size=1, max_size=20)),
    "template syntax": st.sampled_from(TEMPLATE),
    "markup": st.sampled_from(MARKUP),
    "spreadsheet formulas": st.sampled_from(FORMULA),
    "numbers out of range": st.sampled_from(NUMBERS),
    "dates out of range": st.sampled_from(DATES),
    "ids and operators": st.sampled_from(IDS),
    "any unicode text": st.text(max_size=40),
    "invalid UTF-8": st.sampled_from(INVALID_UTF8),
    "empty and blank": st.sampled_from(EMPTY),
}
hostile = st.sampled_from(sorted(CATEGORIES)).flatmap(lambda name: CATEGORIES[name].map(lambda value: (name, value)))
hostile_text = st.sampled_from(sorted(set(CATEGORIES) - {"invalid UTF-8"})).flatmap(   # what JSON and URLs carry
    lambda name: CATEGORIES[name].map(lambda value: (name, value)))


class Tally:
    """Hostile values tried, by category, and how many held (no 500, a message with a refusal, nothing changed)."""

    def __init__(self):
        self.tried, self.held, self.routes = Counter(), Counter(), set()

    def add(self, route: str, categories: set[str], held: bool) -> None:
        self.routes.add(route)
        for name in categories:
            self.tried[name] += 1
            self.held[name] += held

    def lines(self) -> list[str]:
        return [f"{name}: {self.held[name]} of {self.tried[name]} held" for name in sorted(self.tried)] + [
            f"routes covered: {len(self.routes)}"]


class Forms(HTMLParser):
    """Every form of a page that posts somewhere: its action and its fields {name: [default values]}, and which
    of them take a file."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict[str, list[str]], set[str]]] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method", "").lower() == "post" or attrs.get("hx-post")):
            self._form = (attrs.get("hx-post") or attrs.get("action") or "", {}, set())
            self.found.append(self._form)
        elif tag in ("div", "button") and attrs.get("hx-post") and self._form is None:
            self.found.append((attrs["hx-post"], {}, set()))
        if self._form is None or not attrs.get("name"):
            return
        fields, files = self._form[1], self._form[2]
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind == "file":
                files.add(name)
            elif kind in ("checkbox", "radio"):
                fields.setdefault(name, [])
                if "checked" in attrs:
                    fields[name].append(attrs.get("value", "y"))
                elif kind == "radio" and not fields[name]:
                    fields[name].append(attrs.get("value", ""))
            elif kind not in ("submit", "button", "reset", "image"):
                fields[name] = [attrs.get("value") or ""]
        elif tag == "select":
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select and (not fields[self._select] or "selected" in attrs):
            fields[self._select] = [attrs.get("value", "")]
        elif tag == "textarea":
            self._textarea = name
            fields[name] = [""]
        elif tag == "button" and attrs.get("value") is not None:
            fields.setdefault(name, [attrs["value"]])

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form[1][self._textarea] = [self._form[1][self._textarea][0] + data]

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[tuple[str, dict[str, list[str]], set[str]]]:
    parser = Forms()
    parser.feed(html)
    return [(action.replace("&amp;", "&"), fields, files) for action, fields, files in parser.found]


def digests() -> dict[str, str]:
    """A digest of each collection's documents, but those a refusal may legitimately write and GridFS chunks (a
    file's chunks never change without its entry in the .files collection)."""
    return {name: collection_digest(name) for name in get_db().list_collection_names()
            if name not in WRITTEN_WHEN_REFUSED and not name.endswith(".chunks")}


def changed(before: dict[str, str]) -> list[str]:
    """The collections whose documents are not as they were `before`."""
    after = digests()
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def says_why(response) -> bool:
    """A refusal carries a message: JSON with `error` or `errors`, or a page with a message by a field, a summary,
    the error page or a flashed message on the page it goes back to."""
    if response.is_json:
        body = response.get_json(silent=True) or {}
        return bool(body.get("error") or body.get("errors"))
    html = response.get_data(as_text=True)
    return any(marker in html for marker in MESSAGE_MARKERS)


def form_body(fields: dict[str, list[str | bytes]]) -> bytes:
    """The fields as application/x-www-form-urlencoded, bytes values sent as they are (invalid UTF-8 too)."""
    return urlencode([(name, value) for name, values in fields.items() for value in values]).encode()


def multipart(fields: dict[str, list[str | bytes]], files: dict[str, tuple[bytes, str]]) -> tuple[bytes, str]:
    """The fields and files as multipart/form-data: the body (built in memory: the test client's own encoder
    spools a large body to a temporary file it never closes) and its content type."""
    values = MultiDict([(name, value.decode("latin-1") if isinstance(value, bytes) else value)
                        for name, values in fields.items() for value in values])
    for name, (content, filename) in files.items():
        values.add(name, FileStorage(io.BytesIO(content), filename=filename, content_type="text/csv"))
    boundary, body = encode_multipart(values)
    return body, f"multipart/form-data; boundary={boundary}"


def sign_in(client, email: str) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"cannot sign in as {email}"




@dataclasses.dataclass
class Target:
    """A route to post to: a URL with real ids, the fields its page's form sends (with their values there), the
    fields taking a file, and who may use it."""

    url: str
    fields: dict[str, list[str]]
    files: set[str]
    user: str


ADMIN, MANAGER = "admin@example.org", "bea@example.org"
PAGES = {ADMIN: ["/cases/{case_id}", "/absences/{absence_id}", "/absences/{absence_id}/correct",
                 "/absences/{absence_id}/return-to-work", "/employees/{assignment_number}/absences/new",
                 "/account/notifications", "/admin/letters/C3", "/admin/organisation", "/admin/routing",
                 "/admin/reason-codes",
                 "/datafix/cases/{case_id}", "/datafix/corrections", "/hr/flags", "/hierarchy", "/imports/{job_id}",
                 "/imports/absences", "/imports/employees", "/imports/inflight", "/policies/council-2019/1/edit",
                 "/policies/council-2019/1/activate", "/policies/new", "/triggers/scan",
                 "/cases/{case_id}/meetings/{meeting_id}/notes", "/account/two-factor", "/admin/security",
                 "/admin/tokens/hostile-input", "/account/password", "/dpo/subject-access", "/admin/users/new",
                 "/admin/users/links", "/admin/users/{login_id}"],
         MANAGER: ["/cases/{case_id}", "/team", "/absences/{absence_id}"],
         None: ["/login", "/password/forgot", "/password/{secret}"]}


def user_for(roles: tuple[str, ...]) -> str | None:
    """Who attacks a route: the administrator where they may use it, else the manager (None: anyone)."""
    if "public" in roles:
        return None
    return ADMIN if "admin" in roles or "signed in" in roles else MANAGER


def discover(app, clients: dict, ids: dict) -> dict[str, Target]:
    """The forms the real pages carry, by the endpoint each posts to (the first page's form of each)."""
    from blueprints.access import access_rule
    adapter = app.url_map.bind("localhost")
    found: dict[str, Target] = {}
    for user, pages in PAGES.items():
        for page in pages:
            html = clients[user].get(page.format(**ids)).get_data(as_text=True)
            for action, fields, files in forms_of(html):
                action = action or page.format(**ids)    # a form without an action posts to its own page
                url = urlsplit(action)
                try:
                    endpoint, _ = adapter.match(url.path, method="POST")
                except Exception:   # a form posting elsewhere than this app (none should)
                    continue
                owner = user_for(access_rule(app.view_functions[endpoint]))
                if endpoint not in found and owner in (user, None):
                    found[endpoint] = Target(action.split("#")[0], fields, files, user)
    return found


class World(dict):
    """The seeded organisation's saved state, clients and ids; its repr stays short in a falsifying example."""

    def __repr__(self) -> str:
        return "<the seeded organisation>"


@contextlib.contextmanager
def organisation(app):
    """The organisation of tests/app/organisation.py, seeded once, with a signed-in client for the administrator,
    the manager and nobody (the login page), while mail fails at once and imports run within their request;
    {"saved", "clients", "ids", "token"}; its ids include a set-password link's secret. The database is emptied
    before and after."""
    from services import accounts
    from services.imports import jobs
    from tests.app.organisation import seed
    clean_database()
    port, app.config["SMTP_PORT"] = app.config["SMTP_PORT"], free_port()
    background, jobs._in_background = jobs._in_background, _at_once
    try:
        seeded = seed(app, app.test_client())
        _, link = accounts.password_link("support@example.org", "set", ADMIN, "")   # no client signs in as them
        seeded["ids"]["secret"] = link.rsplit("/", 1)[1]
        clients = {ADMIN: app.test_client(), MANAGER: app.test_client(), None: app.test_client()}
        for email, client in clients.items():
            if email:
                sign_in(client, email)
        yield World(saved=database_copy(), clients=clients, ids=seeded["ids"], token=seeded["token"])
    finally:
        jobs._in_background, app.config["SMTP_PORT"] = background, port
        clean_database()


def _at_once(job, apply, today, mail, context, retention_days=None):
    """An import checked or applied within its request, not in a thread writing while the next request runs."""
    from services.imports.jobs import run_job
    run_job(job.pk, apply, today, mail)


def restored(world: dict) -> dict:
    """The organisation as seeded, each client signed in again (a logout may have been accepted), and a CSRF token
    for each (`tokens`)."""
    restore_database(world["saved"])
    world["tokens"] = {}
    for user, client in world["clients"].items():
        page = client.get("/login" if user is None else "/account/notifications")
        if page.status_code != 200:
            sign_in(client, user)
            page = client.get("/account/notifications")
        world["tokens"][user] = csrf_token(page.get_data(as_text=True))
    return world
