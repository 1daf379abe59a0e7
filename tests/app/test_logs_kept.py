"""No route can change or remove an entry of the logs the data protection officer reads (medical reads, refused
attempts, subject access exports). Every POST route of the URL map is sent an empty form by an administrator and by
the DPO, with record ids that name nothing: no request may send the database an update, delete or drop of a log's
collection (every command the app sends is watched), every entry held before is still there byte for byte, and no log
is shorter. The access matrix's run of every POST route with real records and real forms checks the same
(tests/app/test_access_matrix.py), and tests/unit/test_logs_kept.py finds no code that could."""
from __future__ import annotations

from bson import ObjectId
from flask import url_for
from werkzeug.routing import IntegerConverter

from documents import AccessRefusal, MedicalRead, SubjectAccessExport, utcnow
from tests.app.access_check import LOGS, held_logs, lost_log_entries
from tests.app.hostile import sign_in
from tests.conftest import _written, csrf_token

CHANGES = {"update", "delete", "findAndModify", "findandmodify", "drop", "dropIndexes", "renameCollection"}
NOTHING = str(ObjectId())


def changes_to_logs(monkeypatch) -> list[str]:
    """The commands changing a log's collection the app sends from now on (the suite's own listener, wrapped)."""
    seen: list[str] = []
    started = _written.started

    def watch(event):
        name = event.command_name
        if name in CHANGES and event.command.get(name) in LOGS:
            seen.append(f"{name} {event.command[name]}")
        started(event)
    monkeypatch.setattr(_written, "started", watch)
    return seen


def filled(app, rule) -> str:
    """The rule's URL with every argument naming no record (a number where it takes a number)."""
    values = {name: 1 if isinstance(rule._converters[name], IntegerConverter) else NOTHING for name in rule.arguments}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def test_no_post_route_changes_or_removes_a_log_entry(app, make_user, monkeypatch):
    make_user("admin@example.org", ["admin"], name="Ada Admin")
    make_user("dpo@example.org", ["dpo"], name="Pat Privacy")
    MedicalRead(reader="m@example.org", at=utcnow(), assignment_number="A1", what="the reason's detail",
                where="absence page").save()
    AccessRefusal(who="m@example.org", at=utcnow(), method="GET", path="/employees/B1", endpoint="employees.show",
                  reason="scope", assignment_number="B1").save()
    SubjectAccessExport(by="dpo@example.org", at=utcnow(), assignment_number="A1", employee_name="Lee Long", files=9,
                        size=1000, sha256="0" * 64).save()
    clients = {email: app.test_client() for email in ("admin@example.org", "dpo@example.org")}
    tokens = {}
    for email, client in clients.items():
        sign_in(client, email)
        tokens[email] = csrf_token(client.get("/account/notifications").get_data(as_text=True))
    rules = sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
                   key=lambda rule: rule.endpoint == "auth.logout")           # signing out last
    seen, before, sent = changes_to_logs(monkeypatch), held_logs(), 0
    for rule in rules:
        url = filled(app, rule)
        for email, client in clients.items():
            response = client.post(url, data={"csrf_token": tokens[email]})
            assert response.status_code < 500, f"{rule.endpoint} as {email}: {response.status_code}"
            after = held_logs()
            assert (lost_log_entries(before, after), seen) == ([], []), f"{rule.endpoint} as {email} changed a log"
            assert all(len(after[name]) >= len(before[name]) for name in LOGS)
            before, sent = after, sent + 1
    assert sent == 2 * len(rules) and len(rules) > 60
