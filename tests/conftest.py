"""Fixtures shared by the app and browser tests: one embedded database per test session."""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime as dt
import hashlib
import itertools
import os
import re
import threading
from pathlib import Path

import bson
import pytest
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from hypothesis import settings
from pymongo import monitoring
from werkzeug.serving import make_server

from documents.embedded import ensure_server, stop_server
from services.settings import DEFAULT_TIME_ZONE

# Hostile-input tests draw new inputs on every run on a developer's machine; CI (CI=true) draws the same ones
# each time, so what it finds is a defect to fix rather than a red build that cannot be repeated.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

TEST_DB = "casebook_test"
PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)
# The suite signs in from 127.0.0.1 hundreds of times a minute: its app allows that, and the tests of the limits
# (tests/app/test_limits.py) set low ones of their own.
ROOMY_LIMITS = {"LOGIN_LIMIT_PER_ADDRESS": "10000/minute", "LOGIN_LIMIT_OVERALL": "10000/minute",
                "API_LIMIT_PER_TOKEN": "10000/minute", "UPLOAD_LIMIT_PER_USER": "10000/hour"}
# Production hashes a password with scrypt at n = 2**15 (about 130 ms); the suite makes and signs in thousands of
# logins, so its app hashes with n = 2**10 (about 4 ms). The same code runs: only the cost differs.
CHEAP_PASSWORDS = {"PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory):
    """A real SecantusDB server on 127.0.0.1, owned by this test session and stopped at its end. It does not wait
    for the disk at each commit (`durable=False`): the suite's database is thrown away, and that wait made some
    files take twice as long on a busy machine. The crash tests (tests/app/test_embedded.py) run durable servers."""
    data_dir = tmp_path_factory.mktemp("data")
    uri = ensure_server(data_dir, owner=os.getpid(), durable=False)
    yield uri     # without retryable writes, as the app's (documents/embedded.py `_uri`)
    from blueprints.limits import close_counters
    close_counters()
    stop_server(data_dir)


@pytest.fixture(scope="session")
def app(database_uri, tmp_path_factory):
    from app import create_app
    assert TEST_DB.endswith("_test")
    return create_app({
        "TESTING": True, "MONGODB_URI": database_uri, "MONGODB_DB": TEST_DB, "SECRET_KEY": "test-secret",
        "DATA_DIR": str(tmp_path_factory.mktemp("appdata")), "SESSION_COOKIE_SECURE": False,
        "TIME_ZONE": DEFAULT_TIME_ZONE, **ROOMY_LIMITS, **CHEAP_PASSWORDS,
    })


@pytest.fixture(autouse=True)
def _cheap_passwords_again():
    """Each test starts hashing passwords cheaply, whatever an app a test made of its own set: the method is one
    setting of the process (`documents.user.use_password_method`), and a full-cost one left behind by a test of
    the production settings made every later password hash in that worker cost 130 ms."""
    yield
    import documents.user
    if documents.user._password_method != CHEAP_PASSWORDS["PASSWORD_HASH_METHOD"]:
        documents.user.use_password_method(CHEAP_PASSWORDS["PASSWORD_HASH_METHOD"])


@contextlib.contextmanager
def serving(app):
    """The app served on a free port of 127.0.0.1 with a thread for each request, as in production: its base
    URL, until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


class _Written(monitoring.CommandListener):
    """The collections this process has written to since the test database was last emptied (`names`), and since
    it was last emptied, copied or restored (`since`): emptying those alone takes a few milliseconds, where
    emptying every collection took 36 ms before and after each test. It also counts every write to each
    collection, so that a collection's digest is worked out again only once written."""
    WRITES = frozenset({"insert", "update", "delete", "findAndModify", "findandmodify", "drop"})
    # The writes the server counts in its `opcounters` (insert, update, delete; findAndModify is an update)
    COUNTED = frozenset({"insert", "update", "delete", "findAndModify", "findandmodify"})

    def __init__(self):
        self.names: set[str] = set()
        self.since: set[str] = set()
        self.writes: collections.Counter = collections.Counter()
        self.inserted: collections.Counter = collections.Counter()   # documents, since the last clean
        self.sent = 0      # every write this process sent, to any database: see `_others_wrote`

    def started(self, event):
        if event.command_name in self.COUNTED:
            self.sent += 1
        if event.command_name in self.WRITES and event.database_name == TEST_DB:
            self.names.add(event.command[event.command_name])
            self.since.add(event.command[event.command_name])
            self.writes[event.command[event.command_name]] += 1
            if event.command_name == "insert":
                self.inserted[event.command["insert"]] += len(event.command.get("documents", ()))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass

    def drain(self) -> set[str]:
        names, self.names, self.since = self.names, set(), set()
        self.inserted.clear()
        return names

    def drain_since(self) -> set[str]:
        since, self.since = self.since, set()
        return since


_written = _Written()
KEPT_STATE = "kept_state"     # what `mark_kept_if_empty` writes
monitoring.register(_written)   # before any client is made, so that every client of this process reports


class _Counted(monitoring.CommandListener):
    """The commands sent to the test database while `database_commands()` is open: how many reads a page takes."""

    def __init__(self):
        self.commands: list[tuple[str, object]] | None = None
        self.sent: list[dict] | None = None

    def started(self, event):
        if self.commands is not None and event.database_name == TEST_DB:
            self.commands.append((event.command_name, event.command.get(event.command_name)))
        if self.sent is not None and event.database_name == TEST_DB:
            self.sent.append(dict(event.command))

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


_counted = _Counted()
monitoring.register(_counted)


@contextlib.contextmanager
def _listening(kept: str):
    setattr(_counted, kept, [])
    try:
        yield getattr(_counted, kept)
    finally:
        setattr(_counted, kept, None)


def database_commands():
    """Within the block, the (command, collection) of each command this process sends to the test database."""
    return _listening("commands")


def database_commands_sent():
    """Within the block, each whole command this process sends to the test database (its filter, pipeline…)."""
    return _listening("sent")


_RAW = CodecOptions(document_class=RawBSONDocument)   # documents as their stored bytes
_digests: dict[str, tuple[int, str]] = {}


def collection_digest(name: str) -> str:
    """A SHA-256 of the stored bytes of every document of the collection `name` in the test database, in `_id`
    order. It is read again only when this process has written to the collection since it was last worked out:
    reading every collection before and after each refused request cost the hostile-input tests a third of their
    time. (Only this process and the commands it runs use its test database; those commands write nothing the
    tests that compare digests look at.)"""
    from mongoengine.connection import get_db
    writes = _written.writes[name]
    known = _digests.get(name)
    if known is not None and known[0] == writes:
        return known[1]
    digest = hashlib.sha256()
    for document in get_db()[name].with_options(codec_options=_RAW).find({}, sort=[("_id", 1)]):
        digest.update(document.raw)   # the stored bytes, neither decoded nor encoded again
    _digests[name] = (writes, digest.hexdigest())
    return _digests[name][1]


_server_writes: list[tuple[int, int]] = []     # (the server's count of writes, this process's) at the last look
# What the test database holds, apart from the collections written since (`_written.since`): CLEAN (nothing but
# the kept-state mark the last clean left), a copy made by `database_copy` or restored, or not known (empty list).
CLEAN = "clean"
_holds: list = []


def _others_wrote(db) -> bool:
    """Whether another process (a command run as a subprocess) may have written to the database server since the
    last look: the server counted more writes than this process sent. One `serverStatus` (0.5 ms), where asking
    `dbStats` whether documents were left took 10 to 30 ms before each test. The first look answers yes."""
    counts = db.client.admin.command("serverStatus")["opcounters"]
    now = (counts["insert"] + counts["update"] + counts["delete"], _written.sent)
    last = _server_writes[-1] if _server_writes else None
    _server_writes[:] = [now]
    return last is None or now[0] - last[0] != now[1] - last[1]


# A collection this process put more documents into since the last clean is dropped and made again with its
# options and indexes: deleting 5,000 employees one by one took 4.5 s, dropping and making it again 2 s.
BULKY = 500


def _made_again(db, name: str) -> None:
    collection = db[name]
    options, indexes = collection.options(), collection.index_information()
    collection.drop()
    db.create_collection(name, **options)
    for index, spec in indexes.items():
        if index != "_id_":
            collection.create_index(spec["key"], name=index,
                                    **{key: value for key, value in spec.items() if key not in ("key", "v", "ns")})


def clean_database():
    """Delete every document of every collection in the test database (indexes stay): those this process wrote
    to, then, if another process wrote (such as a command run as a subprocess), all of them. The kept-state mark
    (as the app marks a new database) is left as the last clean left it when nothing wrote to it since."""
    from mongoengine.connection import get_db

    from services.kept import mark_kept_if_empty
    db = get_db()
    assert db.name == TEST_DB
    others = _others_wrote(db)
    inserted = dict(_written.inserted)
    names = _written.drain()
    for name in sorted(names - {KEPT_STATE}):
        if inserted.get(name, 0) < BULKY:
            db[name].delete_many({})
        else:
            _made_again(db, name)
    if others:
        for name in db.list_collection_names():
            db[name].delete_many({})
    if others or KEPT_STATE in names or _holds != [CLEAN]:
        db[KEPT_STATE].delete_many({})
        mark_kept_if_empty()
    _written.drain()        # the clean's own writes: the database now holds CLEAN
    _holds[:] = [CLEAN]


def database_copy() -> dict[str, list[dict]]:
    """Every document of every collection of the test database, for `restore_database`."""
    from mongoengine.connection import get_db
    db = get_db()
    _others_wrote(db)
    _written.drain_since()
    copy = {name: list(db[name].find({})) for name in db.list_collection_names()}
    _holds[:] = [copy]
    return copy


def restore_database(saved: dict[str, list]) -> None:
    """The test database exactly as `saved` (each collection's documents; indexes stay). When it last held
    `saved` (copied or restored) and only this process wrote since, the collections written since are emptied
    and filled again; when it was last emptied, those and the collections `saved` fills; otherwise all of them."""
    from mongoengine.connection import get_db
    db = get_db()
    assert db.name == TEST_DB
    others, since = _others_wrote(db), _written.drain_since()
    empty: set[str] = set()
    if others or not _holds or (_holds[0] is not saved and _holds[0] != CLEAN):
        stale = set(db.list_collection_names()) | set(saved)
    elif _holds[0] is saved:
        stale = since
    else:
        filled = {name for name, documents in saved.items() if documents}
        empty = filled - since - {KEPT_STATE}
        stale = since | filled | {KEPT_STATE}
    for name in sorted(stale):
        if name not in empty:
            db[name].delete_many({})
        if saved.get(name):
            db[name].insert_many([dict(document) for document in saved[name]])
    _written.drain_since()     # the restore's own writes (which the next clean still empties)
    _holds[:] = [saved]


_demo_copies: dict[dt.date, dict[str, list]] = {}


def demo_database(today: dt.date, shared: Path | None) -> None:
    """The test database holding the demo organisation of `today` as `load_demo` first loads it: loaded once in
    the whole run (about 10 s), then restored from a copy of its documents (a third of the time). The copy is
    shared with the run's other workers through a file in `shared` (written whole, then renamed into place)."""
    from services.demo import load_demo
    clean_database()
    file = shared / f"demo-{today.isoformat()}.bson" if shared else None
    if today not in _demo_copies and file and file.exists():
        _demo_copies[today] = bson.decode(file.read_bytes())["collections"]
    if today in _demo_copies:
        restore_database(_demo_copies[today])
        return
    load_demo(today)
    copy = _demo_copies[today] = database_copy()
    if file:
        part = file.with_suffix(f".{os.getpid()}.part")
        part.write_bytes(bson.encode({"collections": copy}))
        os.replace(part, file)


@pytest.fixture(scope="session")
def demo_loader(tmp_path_factory):
    """`demo_database` for this run: the workers of one run share the folder above their own temporary ones."""
    shared = tmp_path_factory.getbasetemp().parent if os.environ.get("PYTEST_XDIST_WORKER") else None
    return lambda today: demo_database(today, shared)


@dataclasses.dataclass(frozen=True)
class _Reference:
    kind: type
    pk: object


def _references(value):
    """`value` with each document in it (in dicts, lists and tuples) replaced by a reference to it."""
    from mongoengine import Document
    if isinstance(value, Document):
        return _Reference(type(value), value.pk)
    if isinstance(value, dict):
        return {key: _references(found) for key, found in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_references(found) for found in value)
    return value


def _read_again(value):
    """`value` with each reference in it replaced by its document as the database holds it."""
    if isinstance(value, _Reference):
        return value.kind.objects.get(pk=value.pk)
    if isinstance(value, dict):
        return {key: _read_again(found) for key, found in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_read_again(found) for found in value)
    return value


@pytest.fixture(scope="module")
def built_once():
    """`built_once(name, build)`: what `build()` returns, built by the first test of the module that asks (in the
    database emptied for it); each later test of the module gets the database restored to what that build left,
    from a copy of its documents, and the same value, each document in it read again from the database (a test
    may change the ones it was given). A test that has written to the database before asking (another fixture
    first) gets `build()` as it is."""
    kept: dict[str, tuple[dict, object]] = {}

    def once(name: str, build):
        if _holds != [CLEAN] or _written.since:
            return build()
        if name in kept:
            restore_database(kept[name][0])
            return _read_again(kept[name][1])
        value = build()
        kept[name] = (database_copy(), _references(value))
        return value

    return once


@pytest.fixture
def make_employee():
    from documents import Employee, rebuild_manager_paths

    def make(**overrides) -> Employee:
        number = next(_numbers)
        values = dict(assignment_number=f"A{number:05d}", first_name="Alex", last_name=f"Tester{number}",
                      email=f"alex.tester{number}@example.org", job_title="Staff nurse", division="Community Care",
                      directorate="Adult Services", department="District Nursing", fte=1.0, contracted_hours=37.5,
                      start_date=dt.date(2020, 1, 6))
        values.update(overrides)
        employee = Employee(**values)
        employee.save_checked()
        rebuild_manager_paths()
        employee.reload()
        return employee

    return make


@pytest.fixture
def make_user():
    from documents import User

    def make(email: str, roles: list[str], **overrides) -> User:
        user = User(email=email, name=overrides.pop("name", email.split("@")[0].title()), roles=roles, **overrides)
        user.set_password(PASSWORD)
        user.save_checked()
        return user

    return make


def csrf_token(html: str) -> str:
    """The CSRF token a page carries (in its forms or its htmx headers)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html)
    assert match, "page carries no CSRF token"
    return match.group(1)



def largest_in(value) -> int:
    """The most values any `$in` anywhere in a command (or part of one) lists; 0 when it has none."""
    if isinstance(value, dict):
        return max([len(found) for key, found in value.items() if key == "$in"]
                   + [largest_in(found) for found in value.values()], default=0)
    if isinstance(value, (list, tuple)):
        return max((largest_in(found) for found in value), default=0)
    return 0
