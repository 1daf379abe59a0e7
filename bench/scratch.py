"""A fresh embedded database and the app bound to it, for a benchmark run, removed afterwards."""
from __future__ import annotations

import contextlib
import os
import tempfile


@contextlib.contextmanager
def scratch_app():
    """Yield the app, inside its app context, on a new embedded database in a temporary folder."""
    from app import create_app
    from documents.embedded import ensure_server, stop_server
    with tempfile.TemporaryDirectory() as folder:
        uri = ensure_server(folder, owner=os.getpid())
        try:
            app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": "casebook_bench_test",
                              "SECRET_KEY": "bench", "DATA_DIR": folder})
            with app.app_context():
                yield app
        finally:
            stop_server(folder)
