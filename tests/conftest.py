"""Fixtures shared by the app and browser tests: one embedded database per test session."""
from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import re
import threading

import pytest
from hypothesis import settings
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
    """A real SecantusDB server on 127.0.0.1, owned by this test session and stopped at its end."""
    data_dir = tmp_path_factory.mktemp("data")
    uri = ensure_server(data_dir, owner=os.getpid())
    yield uri
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


def clean_database():
    """Delete every document of every collection in the test database (indexes stay)."""
    from mongoengine.connection import get_db
    db = get_db()
    assert db.name.endswith("_test")
    for name in db.list_collection_names():
        db[name].delete_many({})


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


# The files that take longest (seconds on a 2-core machine, measured with --durations): run first, so that the
# workers of `make test` (pytest-xdist, whole files) finish together instead of one working on alone at the end.
# A file not listed counts by its folder: a browser journey is long, a unit test file short.
LONGEST_FIRST = {
    "tests/app/test_access_matrix.py": 116,
    "tests/app/test_hostile_forms.py": 66,
    "tests/app/test_embedded.py": 66,
    "tests/app/test_csv_corpora.py": 59,
    "tests/app/test_hostile_reads.py": 56,
    "tests/app/test_demo.py": 51,
    "tests/app/test_hierarchy_interrupted.py": 43,
    "tests/app/test_import_interrupted.py": 40,
    "tests/browser/test_ladder_journey.py": 36,
    "tests/app/test_docx_uploads.py": 36,
    "tests/app/test_backup.py": 31,
    "tests/app/test_letters.py": 29,
    "tests/browser/test_hr_journey.py": 29,
    "tests/unit/test_letter_templates.py": 28,
    "tests/browser/test_sts_journey.py": 27,
    "tests/browser/test_migration_journey.py": 26,
    "tests/browser/test_manager_journey.py": 24,
    "tests/browser/test_absence_journey.py": 22,
    "tests/app/test_letter_templates_admin.py": 22,
    "tests/app/test_policies.py": 21,
    "tests/app/test_inflight_import.py": 21,
    "tests/app/test_meetings.py": 20,
    "tests/app/test_absence_import.py": 19,
    "tests/app/test_outcomes.py": 19,
    "tests/app/test_hierarchy_import.py": 18,
    "tests/app/test_dashboard.py": 18,
    "tests/browser/test_report_journey.py": 18,
    "tests/browser/test_flag_journey.py": 16,
    "tests/browser/test_letters_journey.py": 15,
    "tests/app/test_absences.py": 14,
    "tests/app/test_datafix.py": 13,
    "tests/browser/test_resumption_journey.py": 13,
    "tests/app/test_meeting_changes.py": 12,
    "tests/app/test_appeals.py": 12,
    "tests/browser/test_import_page.py": 11,
    "tests/app/test_medical_inference.py": 11,
    "tests/app/test_case_scope.py": 11,
    "tests/app/test_notes_flags.py": 11,
    "tests/app/test_board_report.py": 10,
    "tests/app/test_pertinent.py": 10,
    "tests/app/test_caching.py": 9,
    "tests/browser/test_session_journey.py": 9,
    "tests/app/test_input_limits.py": 9,
    "tests/app/test_case_page.py": 9,
    "tests/app/test_trigger_views.py": 9,
    "tests/app/test_auth.py": 9,
    "tests/unit/test_letter_grammar.py": 9,
    "tests/app/test_hierarchy_health.py": 6,
    "tests/app/test_case_tasks.py": 6,
    "tests/app/test_inbox.py": 6,
    "tests/app/test_sessions.py": 6,
    "tests/app/test_api.py": 6,
    "tests/app/test_pages.py": 6,
    "tests/app/test_notifications.py": 6,
    "tests/app/test_limits.py": 6,
    "tests/app/test_care_rules.py": 5,
    "tests/unit/test_docx_package.py": 5,
    "tests/app/test_menu.py": 4,
    "tests/app/test_triggers_apply.py": 4,
}
BY_FOLDER = {"tests/browser/": 10, "tests/app/": 3, "tests/unit/": 1}


def pytest_collection_modifyitems(items):
    """Longest files first (LONGEST_FIRST, else BY_FOLDER), each file's tests kept together and in their own order."""
    def weight(item) -> float:
        path = item.nodeid.split("::")[0]
        return -LONGEST_FIRST.get(path, next((value for folder, value in BY_FOLDER.items() if path.startswith(folder)),
                                             0))
    items.sort(key=weight)
