"""`flask --app app backup DIR` and `restore DIR [--replace]`: a whole organisation (the demo's staff, absences and
cases with their audit, a letter and an uploaded template in GridFS) backed up by the real command in its own
process and restored into a fresh database with the same documents, byte for byte, and the same indexes; a
database holding data refused without --replace and left as it was; --replace brings back exactly the backup; a
damaged or cut-short backup refused before anything changes; a backup never written into a directory in use."""
from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import gridfs
import pytest
from pymongo import MongoClient

from documents import Case, Employee
from documents.connection import database
from services import clock
from services import letter_templates as templates
from services.backup import MANIFEST, checksum, collections_of, file_name
from services.cases.letters import generate
from services.cases.outcomes import OutcomeChoice, record_outcome
from tests.app.held_meetings import hold_meeting
from tests.app.test_letter_templates_admin import shipped_plus
from tests.app.test_letters import ORG, staged, wes  # noqa: F401  (wes: the fixture)
from tests.conftest import TEST_DB

ROOT = Path(__file__).resolve().parents[2]
FRESH_DB = "casebook_restored_test"
D = dt.date


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield


@pytest.fixture
def organisation(wes):  # noqa: F811  (the fixture imported above)
    """Wes's case at 1st formal review with a warning letter in GridFS, and an uploaded C3 template: the file ids
    of both."""
    case = staged(wes)
    record_outcome(hold_meeting(case, D(2026, 2, 26)), wes, OutcomeChoice("warning", D(2026, 3, 2), D(2026, 3, 4),
                                            target_occasions=2),
                   "bea@example.org", D(2026, 3, 4))
    letter = generate(Case.objects.get(pk=case.pk), "C4", "hana@example.org", clock.today(), organisation=ORG)
    template = templates.upload_template("C3", shipped_plus("C3", "Please bring your rota."), "C3.docx",
                                         "admin@example.org")
    return {"letters": letter.versions[0].file_id, templates.FILES: template.file_id}


def state(db) -> dict[str, tuple[int, str]]:
    """Every collection's (count, checksum), as the manifest keeps them."""
    return {info["name"]: checksum(db, info["name"]) for info in collections_of(db)}


def indexes(db) -> dict[str, dict]:
    return {info["name"]: db[info["name"]].index_information() for info in collections_of(db)}


def flask(*args: str, db: str, uri: str, data_dir: Path) -> subprocess.CompletedProcess:
    """Run `flask --app app ARGS` in its own process against database `db`."""
    env = {**os.environ, "MONGODB_URI": uri, "MONGODB_DB": db, "SECRET_KEY": "backup-test",
           "DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def one_line_refusal(result) -> str:
    assert result.exit_code == 1, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith("Error: ")
    return line


@pytest.fixture
def fresh(database_uri):
    """A database of its own to restore into, dropped afterwards."""
    client = MongoClient(database_uri)
    client.drop_database(FRESH_DB)
    yield client[FRESH_DB]
    for name in client[FRESH_DB].list_collection_names():
        client[FRESH_DB][name].delete_many({})    # SecantusDB drops an emptied collection much sooner
    client.drop_database(FRESH_DB)
    client.close()


@pytest.fixture
def demo(demo_loader):
    """The demo organisation: about 400 staff, 1,000 absences, 50 logins (as `load_demo` loads it into an empty
    database; loaded once in the run: tests/conftest.py `demo_database`)."""
    demo_loader(clock.today())
    assert Employee.objects.count() > 350


def test_the_commands_round_trip_the_whole_database_letters_and_templates_included(
        app, demo, organisation, database_uri, fresh, tmp_path):
    source = database()
    before, source_indexes = state(source), indexes(source)
    assert {"letters.files", "letters.chunks", f"{templates.FILES}.files", f"{templates.FILES}.chunks", "employees",
            "absences", "cases", "users", "policies"} <= set(before)
    assert before["employees"][0] > 350 and before["absences"][0] > 500 and before["cases"][0] >= 1

    backup = tmp_path / "backup"
    made = invoke(app, "backup", str(backup))     # restoring into another database needs a process of its own
    assert made.exit_code == 0, made.output
    assert made.output.startswith(f"Backed up {len(before)} collections, {sum(n for n, _ in before.values()):,} "
                                  f"documents")
    manifest = json.loads((backup / MANIFEST).read_text())
    assert manifest["database"] == TEST_DB
    assert {entry["name"]: (entry["count"], entry["sha256"]) for entry in manifest["collections"]} == before
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in backup.iterdir()} == {0o600}

    restored = flask("restore", str(backup), db=FRESH_DB, uri=database_uri, data_dir=tmp_path / "data")
    assert restored.returncode == 0, restored.stderr
    assert "every count and checksum matches the backup" in restored.stdout
    assert state(fresh) == before
    assert indexes(fresh) == source_indexes
    for bucket, file_id in organisation.items():
        original = gridfs.GridFS(source, collection=bucket).get(file_id).read()
        assert gridfs.GridFS(fresh, collection=bucket).get(file_id).read() == original and len(original) > 1000
    assert state(source) == before


def test_a_database_holding_data_is_refused_without_replace_and_left_as_it_was(app, organisation, tmp_path):
    assert invoke(app, "backup", str(tmp_path / "backup")).exit_code == 0
    Employee.objects(first_name="Wes").update_one(set__job_title="Charge nurse")
    now = state(database())
    line = one_line_refusal(invoke(app, "restore", str(tmp_path / "backup")))
    assert line == (f"Error: The database {TEST_DB} already holds data (in absences, case_marks, case_rollups and 13 "
                    "more): restore into an empty database, or give --replace to overwrite it; nothing was restored.")
    assert state(database()) == now


def test_replace_brings_back_exactly_the_backup(app, organisation, tmp_path):
    db = database()
    backed_up = state(db)
    assert invoke(app, "backup", str(tmp_path / "backup")).exit_code == 0
    Employee.objects(first_name="Wes").update_one(set__job_title="Charge nurse")
    Case.objects.delete()
    gridfs.GridFS(db, collection="letters").delete(organisation["letters"])
    db["left_behind"].insert_one({"note": "written after the backup"})

    result = invoke(app, "restore", str(tmp_path / "backup"), "--replace")
    assert result.exit_code == 0, result.output
    assert state(db) == backed_up and "left_behind" not in db.list_collection_names()
    assert Employee.objects.get(first_name="Wes").job_title == "Staff nurse"
    assert gridfs.GridFS(db, collection="letters").exists(organisation["letters"])


def _flip_a_byte(backup: Path) -> None:
    path = backup / "cases.bson"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _cut_short(backup: Path) -> None:
    path = backup / file_name("letters.chunks")
    path.write_bytes(path.read_bytes()[:-100])


def _drop_the_last_document(backup: Path) -> None:
    """A whole document removed and the manifest's count lowered to match: the checksum still tells."""
    path = backup / "absences.bson"
    data = path.read_bytes()
    offsets = [0]
    while offsets[-1] < len(data):
        offsets.append(offsets[-1] + int.from_bytes(data[offsets[-1]:offsets[-1] + 4], "little"))
    path.write_bytes(data[:offsets[-2]])
    _edit_manifest(backup, lambda entry: entry["name"] == "absences" and entry.update(count=entry["count"] - 1))


def _edit_manifest(backup: Path, change) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    for entry in manifest["collections"]:
        change(entry)
    (backup / MANIFEST).write_text(json.dumps(manifest))


DAMAGE = {
    "a byte changed": (_flip_a_byte, "cases.bson does not match the manifest"),
    "a file cut short": (_cut_short, "letters.chunks.bson ends part-way through a document"),
    "a document removed": (_drop_the_last_document, "absences.bson does not match the manifest"),
    "a file missing": (lambda backup: (backup / "users.bson").unlink(), "users.bson is missing from the backup"),
    "a file outside the backup": (lambda backup: _edit_manifest(
        backup, lambda entry: entry["name"] == "users" and entry.update(file="../users.bson")),
        "manifest.json is damaged (collection 'users' or its file name)"),
    "a count that is not a number": (lambda backup: _edit_manifest(
        backup, lambda entry: entry.update(count="12")), "manifest.json is damaged (the count, size or checksum"),
    "a manifest that is not JSON": (lambda backup: (backup / MANIFEST).write_text('{"format": "casebook-backup",'),
                                    "manifest.json is not readable JSON"),
    "no manifest": (lambda backup: (backup / MANIFEST).unlink(), "has no manifest.json"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_backup_is_refused_before_anything_changes(app, organisation, tmp_path, damage):
    harm, reason = DAMAGE[damage]
    assert invoke(app, "backup", str(tmp_path / "backup")).exit_code == 0
    harm(tmp_path / "backup")
    Employee.objects(first_name="Wes").update_one(set__job_title="Charge nurse")
    now = state(database())
    line = one_line_refusal(invoke(app, "restore", str(tmp_path / "backup"), "--replace"))
    assert reason in line
    assert state(database()) == now


def test_a_backup_goes_only_into_a_new_or_empty_directory(app, organisation, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    line = one_line_refusal(invoke(app, "backup", str(tmp_path / "used")))
    assert line == f"Error: {tmp_path / 'used'} already exists and is not an empty directory: back up into a new one."
    assert [path.name for path in (tmp_path / "used").iterdir()] == ["notes.txt"]
    (tmp_path / "empty").mkdir()
    assert invoke(app, "backup", str(tmp_path / "empty")).exit_code == 0
    assert (tmp_path / "empty" / MANIFEST).is_file()
