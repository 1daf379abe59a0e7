"""Connecting to MongoDB: the configured server, or the embedded one."""
from __future__ import annotations

import mongoengine as me
from mongoengine.connection import get_db
from pymongo.database import Database

from documents.embedded import ensure_server


def database_uri(mongodb_uri: str | None, data_dir: str) -> str:
    """`MONGODB_URI` when set; otherwise the embedded server for `data_dir`, started if needed."""
    return mongodb_uri or ensure_server(data_dir)


def connect_database(uri: str, db_name: str) -> None:
    """Bind MongoEngine's default connection to `db_name` on `uri` (replacing any earlier one)."""
    me.disconnect()
    me.connect(db=db_name, host=uri, uuidRepresentation="standard", tz_aware=False)


def database() -> Database:
    """The database MongoEngine is bound to (see `connect_database`)."""
    return get_db()
