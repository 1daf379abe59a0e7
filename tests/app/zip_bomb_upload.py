"""Upload a zip bomb as an administrator's letter template, in a process of its own, and print what it cost.

    .venv/bin/python -m tests.app.zip_bomb_upload [MONGODB_URI]

The bomb is 300 MB of the character '0' in word/document.xml, deflated to about 300 KB. The process builds the
app (on MONGODB_URI, or an embedded database of its own), signs in, clears its peak memory, posts the bomb to
/admin/letters/C3 and prints one line of JSON: the answer's status and message, the resident memory before
the upload, the peak after it and the growth, in MB (from /proc/self/status). tests/app/test_docx_uploads.py
runs it; run by hand on another checkout it gives the figure before a change."""
from __future__ import annotations

import html
import io
import json
import re
import sys
import tempfile

DATABASE = "casebook_bomb_test"
EMAIL = "bomb.admin@example.org"


def memory_mb(field: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak) of this process, in MB."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def clear_peak() -> bool:
    """Reset VmHWM to the memory resident now (Linux: 5 into clear_refs); False where that is not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def main(uri: str = "") -> dict:
    from app import create_app
    from documents import User
    from tests.conftest import PASSWORD, csrf_token
    from tests.hostile_docx import MB, streamed_document

    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"TESTING": True, "MONGODB_URI": uri, "MONGODB_DB": DATABASE, "SECRET_KEY": "bomb-test",
                          "DATA_DIR": data_dir, "SESSION_COOKIE_SECURE": False})
        with app.app_context():
            from mongoengine.connection import get_db
            admin = User(email=EMAIL, name="Bomb Admin", roles=["admin"])
            admin.set_password(PASSWORD)
            admin.save_checked()
            try:
                client = app.test_client()
                login = csrf_token(client.get("/login").get_data(as_text=True))
                client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": login})
                page = client.get("/admin/letters/C3").get_data(as_text=True)
                version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
                bomb = streamed_document(300 * MB)
                cleared = clear_peak()
                before, peak_before = memory_mb("VmRSS"), memory_mb("VmHWM")
                try:
                    response = client.post("/admin/letters/C3", content_type="multipart/form-data", data={
                        "csrf_token": csrf_token(page), "version": version, "note": "",
                        "file": (io.BytesIO(bomb), "C3.docx")})
                except Exception as error:   # noqa: BLE001 - a checkout that fails on the bomb: say how
                    status, message = 500, f"{type(error).__name__}: {error}"
                else:
                    text = html.unescape(response.get_data(as_text=True))
                    said = re.search(r'id="template-problems">\s*<ul[^>]*>\s*<li>(.*?)</li>', text, re.S)
                    status, message = response.status_code, said.group(1) if said else None
                peak = memory_mb("VmHWM")
            finally:
                get_db().client.drop_database(DATABASE)
    return {"status": status, "message": message,
            "bomb_kb": round(len(bomb) / 1024), "peak_cleared": cleared, "rss_before_mb": round(before, 1),
            "peak_before_mb": round(peak_before, 1), "peak_after_mb": round(peak, 1),
            "growth_mb": round(peak - (before if cleared else peak_before), 1)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "")))
