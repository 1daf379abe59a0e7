"""The whole database to a directory and back: `flask --app app backup DIR` and `restore DIR [--replace]`.

A backup is `manifest.json` and one BSON file per collection, GridFS buckets (letters, letter templates, the
import files, the logo) included: each document's BSON exactly as the server holds it, one after another in
`_id` order, as mongodump writes them. The manifest gives each collection's count, the SHA-256 of its file (so
of its documents in `_id` order), its indexes and its options. A restore checks every file against the manifest
before it touches the database, and the database against the manifest once it has written it. The checksums
find a file cut short or damaged; they are not a signature (keep backups where only those who may restore
can write).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from bson import json_util
from bson.codec_options import CodecOptions
from bson.raw_bson import RawBSONDocument
from pymongo.database import Database

from documents.base import utcnow
from services.errors import Refused

FORMAT, FORMAT_VERSION = "casebook-backup", 1
MANIFEST = "manifest.json"
# Flask-Limiter's counters, should they share the database: they only count the last minutes' requests, so a
# backup leaves them out and a restore starts them afresh.
TRANSIENT = frozenset({"counters", "windows"})
# Not data: what every database records as the app first starts on it (documents/kept_state.py). A restore into
# a new database drops it with the rest; the backup brings its own, or none, and then what is kept beside the
# records is rebuilt in the background.
MARKS = {"kept_state"}
BATCH_DOCUMENTS, BATCH_BYTES = 500, 8 * 1024 * 1024
MAX_DOCUMENT = 16 * 1024 * 1024 + 16 * 1024     # MongoDB's largest document, and room for its framing
RAW = CodecOptions(document_class=RawBSONDocument)
SHA256 = re.compile(r"^[0-9a-f]{64}$")
ROOT = Path(__file__).resolve().parent.parent
UNCHANGED = "nothing was restored"


@dataclasses.dataclass(frozen=True)
class Summary:
    """What a backup or restore did: how many collections and documents, how many bytes of BSON, how long."""

    collections: int
    documents: int
    bytes: int
    seconds: float


def back_up(db: Database, directory: Path) -> Summary:
    """Write every collection of `db` (not system collections, nor the transient request counters) to
    `directory`, which must be new or empty; the manifest is written last, so a backup cut short has none."""
    started = time.monotonic()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise Refused(f"{directory} already exists and is not an empty directory: back up into a new one.")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    entries = []
    for info in collections_of(db):
        name = info["name"]
        with _private(directory / file_name(name)) as out:
            count, size, digest = _read_in_id_order(db, name, out)
        indexes = [{key: value for key, value in index.items() if key not in ("ns", "v")}
                   for index in db[name].list_indexes() if index["name"] != "_id_"]
        entries.append({"name": name, "file": file_name(name), "count": count, "bytes": size, "sha256": digest,
                        "options": _ejson(info.get("options") or {}), "indexes": [_ejson(index) for index in indexes]})
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "casebook_commit": casebook_commit(),
                "created_at": utcnow().isoformat(timespec="seconds") + "Z", "database": db.name,
                "collections": entries}
    with _private(directory / MANIFEST) as out:
        out.write(json.dumps(manifest, indent=1).encode())
    return _summary(entries, started)


def restore(db: Database, directory: Path, replace: bool = False) -> Summary:
    """Check the backup in `directory` against its manifest, then load it into `db`, which must hold no documents
    unless `replace` (its collections are dropped first); then check every collection's count and checksum
    against the manifest. Raises Refused, before changing anything, for a damaged backup or a database in use."""
    started = time.monotonic()
    manifest = read_manifest(directory)
    for entry in manifest["collections"]:
        _verify_file(directory, entry)
    present = [info["name"] for info in collections_of(db)]
    holding = [name for name in present if name not in MARKS and db[name].find_one({}, {"_id": 1}) is not None]
    if holding and not replace:
        raise Refused(f"The database {db.name} already holds data (in {_first(holding)}): restore into an empty "
                      f"database, or give --replace to overwrite it; {UNCHANGED}.")
    for name in present:
        # On SecantusDB dropping a collection that still holds documents takes ten times as long.
        db[name].delete_many({})
        db.drop_collection(name)
    for entry in manifest["collections"]:
        _load(db, directory, entry)
    differ = [entry["name"] for entry in manifest["collections"]
              if checksum(db, entry["name"]) != (entry["count"], entry["sha256"])]
    if differ:
        raise Refused(f"After loading, {_first(differ)} do not match the backup's counts and checksums: the "
                      "database holds an incomplete copy; run the restore again with --replace.")
    return _summary(manifest["collections"], started)


def collections_of(db: Database) -> list[Mapping[str, Any]]:
    """The database's own collections by name: not its system collections, views or transient counters."""
    return sorted((info for info in db.list_collections()
                   if info.get("type", "collection") == "collection" and not info["name"].startswith("system.")
                   and info["name"] not in TRANSIENT), key=lambda info: info["name"])


def checksum(db: Database, name: str) -> tuple[int, str]:
    """(count, SHA-256 over each document's BSON in `_id` order) of collection `name`: what the manifest keeps."""
    count, _, digest = _read_in_id_order(db, name)
    return count, digest


def file_name(collection: str) -> str:
    """The backup's file for a collection: its name made safe as a file name."""
    return quote(collection, safe="") + ".bson"


def read_manifest(directory: Path) -> dict:
    """The backup's manifest, checked for the shape a restore relies on; Refused naming what is wrong."""
    path = directory / MANIFEST
    if not path.is_file():
        raise Refused(f"{directory} has no {MANIFEST}: it is not a Casebook backup, or the backup did not finish.")
    try:
        manifest = json.loads(path.read_bytes())
    except ValueError as error:
        raise Refused(f"{MANIFEST} is not readable JSON ({error}); {UNCHANGED}.") from None
    if not isinstance(manifest, dict) or (manifest.get("format"), manifest.get("version")) != (FORMAT, FORMAT_VERSION):
        raise Refused(f"{MANIFEST} is not a Casebook backup manifest of version {FORMAT_VERSION}; {UNCHANGED}.")
    entries = manifest.get("collections")
    if not isinstance(entries, list):
        problem: str | None = "no list of collections"
    else:
        problem = next((problem for problem in map(_entry_problem, entries) if problem), None)
        if problem is None and len({entry["name"] for entry in entries}) != len(entries):
            problem = "a collection listed twice"
    if problem:
        raise Refused(f"{MANIFEST} is damaged ({problem}); {UNCHANGED}.")
    return manifest


def casebook_commit() -> str | None:
    """The git commit Casebook runs from, when it runs from a git checkout."""
    try:
        found = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                               timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return found.stdout.strip() or None if found.returncode == 0 else None


def _entry_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        return "a collection without a name"
    name = entry["name"]
    if name.startswith("system.") or name in TRANSIENT or entry.get("file") != file_name(name):
        return f"collection {name!r} or its file name"
    if any(not isinstance(entry.get(key), int) or entry[key] < 0 for key in ("count", "bytes")) or not SHA256.match(
            str(entry.get("sha256"))):
        return f"the count, size or checksum of {name}"
    if not isinstance(entry.get("indexes"), list) or not isinstance(entry.get("options"), dict):
        return f"the indexes or options of {name}"
    return None


def _read_in_id_order(db: Database, name: str, out: IO[bytes] | None = None) -> tuple[int, int, str]:
    """Stream collection `name` in `_id` order (writing each document's BSON to `out`): (count, bytes, SHA-256)."""
    digest, count, size = hashlib.sha256(), 0, 0
    for document in db.get_collection(name, codec_options=RAW).find({}, sort=[("_id", 1)],
                                                                     batch_size=BATCH_DOCUMENTS):
        raw = document.raw
        if out is not None:
            out.write(raw)
        digest.update(raw)
        count, size = count + 1, size + len(raw)
    return count, size, digest.hexdigest()


def _documents(path: Path) -> Iterator[bytes]:
    """Each document's BSON in a backup file, one at a time; Refused when the file ends part-way through one."""
    with path.open("rb") as source:
        while head := source.read(4):
            length = int.from_bytes(head, "little")
            body = source.read(length - 4) if len(head) == 4 and 5 <= length <= MAX_DOCUMENT else b""
            if len(body) != length - 4 or not body.endswith(b"\x00"):
                raise Refused(f"{path.name} ends part-way through a document or is damaged; {UNCHANGED}.")
            yield head + body


def _verify_file(directory: Path, entry: dict) -> None:
    path = directory / entry["file"]
    if not path.is_file():
        raise Refused(f"{entry['file']} is missing from the backup; {UNCHANGED}.")
    digest, count = hashlib.sha256(), 0
    for raw in _documents(path):
        digest.update(raw)
        count += 1
    if (count, digest.hexdigest()) != (entry["count"], entry["sha256"]):
        raise Refused(f"{entry['file']} does not match the manifest ({count} documents, the manifest says "
                      f"{entry['count']}, or a different checksum): the backup was changed or damaged; {UNCHANGED}.")


def _load(db: Database, directory: Path, entry: dict) -> None:
    """Create the collection with its options and indexes, then insert its documents in ordered batches (on
    SecantusDB filling the indexes as it goes takes half the time of building them afterwards)."""
    db.create_collection(entry["name"], **_from_ejson(entry["options"]))
    if entry["indexes"]:
        db.command("createIndexes", entry["name"], indexes=[_from_ejson(index) for index in entry["indexes"]])
    target = db.get_collection(entry["name"], codec_options=RAW)
    batch: list[RawBSONDocument] = []
    size = 0
    for raw in _documents(directory / entry["file"]):
        batch.append(RawBSONDocument(raw))
        size += len(raw)
        if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_BYTES:
            target.insert_many(batch, ordered=True)
            batch, size = [], 0
    if batch:
        target.insert_many(batch, ordered=True)


def _private(path: Path) -> IO[bytes]:
    """A new file only its owner may read: backups hold health data."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _ejson(value: Any) -> Any:
    """A value as canonical Extended JSON (types kept exactly), as plain JSON data for the manifest."""
    return json.loads(json_util.dumps(value, json_options=json_util.CANONICAL_JSON_OPTIONS))


def _from_ejson(value: Any) -> Any:
    return json_util.loads(json.dumps(value))


def _first(names: list[str]) -> str:
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _summary(entries: list[dict], started: float) -> Summary:
    return Summary(len(entries), sum(entry["count"] for entry in entries), sum(entry["bytes"] for entry in entries),
                   time.monotonic() - started)
