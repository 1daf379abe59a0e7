"""The embedded SecantusDB daemon with real processes: crashes, sharing, the reloader and gunicorn.

Every test uses its own DATA_DIR (never the session database) and stops every process it starts.
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from pymongo import MongoClient

from documents.embedded import ensure_server, owner_pid, stop_server
from tests.conftest import CHEAP_PASSWORDS

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = 50


def wait_until(condition, timeout: float, message: str, interval: float = 0.05):
    """Poll `condition` until it returns something truthy; fail with `message` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{message} (waited {timeout} s)")
        time.sleep(interval)


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def secantus_pids(data_dir: Path) -> list[int]:
    """Pids of the `secantus` servers whose storage is `data_dir/db`."""
    storage = str(Path(data_dir).resolve() / "db")
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in args]
        if "secantus" in args and "--storage-path" in args and \
                args[args.index("--storage-path") + 1] == storage and alive(int(proc.name)):
            found.append(int(proc.name))
    return found


def state(data_dir: Path) -> dict | None:
    try:
        return json.loads((data_dir / "secantus.json").read_text())
    except (OSError, ValueError):
        return None


def wait_stopped(data_dir: Path, timeout: float = 30) -> None:
    """The supervisor removes its state file and the server process ends."""
    wait_until(lambda: state(data_dir) is None and not secantus_pids(data_dir), timeout,
               f"embedded server for {data_dir} did not stop: state={state(data_dir)}, "
               f"servers={secantus_pids(data_dir)}")


def child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MONGODB_URI", "CASEBOOK_OWNER_PID", "WERKZEUG_RUN_MAIN", "SECRET_KEY")}
    env["CASEBOOK_EMBEDDED_IDLE_GRACE"] = "0.5"    # its servers stop half a second after their last owner, not 3 s
    env.update(extra)
    return env


def read_line(proc: subprocess.Popen, timeout: float = 60) -> str:
    """The next line the child prints, within `timeout` s."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    line = proc.stdout.readline() if ready else ""
    assert line, f"child {proc.pid} printed nothing within {timeout} s (exit code {proc.poll()})"
    return line.strip()


def count(uri: str) -> int:
    with MongoClient(uri, serverSelectionTimeoutMS=5000) as client:
        return client.casebook_embedded_test.items.count_documents({})


@pytest.fixture
def data_dir(tmp_path):
    """A fresh DATA_DIR; whatever embedded server still runs for it is stopped afterwards."""
    data = (tmp_path / "data").resolve()
    yield data
    stop_server(data)
    for pid in secantus_pids(data):  # only left behind if the code under test is broken
        os.kill(pid, signal.SIGKILL)
    wait_stopped(data, timeout=10)


@pytest.fixture
def spawn(tmp_path):
    """Start `python -c script` children (stdin/stdout piped); kill and reap leftovers afterwards."""
    children = []

    def start(script: str, data_dir: Path, **env: str) -> subprocess.Popen:
        with open(tmp_path / f"child-{len(children)}.log", "w") as log:
            proc = subprocess.Popen([sys.executable, "-c", script, str(data_dir)], cwd=ROOT, env=child_env(**env),
                                    text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log)
        children.append(proc)
        return proc

    yield start
    for proc in children:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)
        proc.stdin.close()
        proc.stdout.close()


# Children get DATA_DIR as argv[1]; the owner is the child itself.
WRITER = f"""
import sys, time
from pymongo import MongoClient
from documents.embedded import ensure_server
with MongoClient(ensure_server(sys.argv[1])) as client:
    result = client.casebook_embedded_test.items.insert_many([{{"n": i}} for i in range({DOCUMENTS})])
    assert result.acknowledged and len(result.inserted_ids) == {DOCUMENTS}
print("ready", flush=True)
time.sleep(600)
"""

SHARER = """
import sys
from documents.embedded import ensure_server
print(ensure_server(sys.argv[1]), flush=True)
sys.stdin.readline()
"""


def test_kill_9_of_the_app_leaves_no_stale_lock(data_dir, spawn):
    app = spawn(WRITER, data_dir)
    assert read_line(app) == "ready"
    assert (data_dir / "owners" / str(app.pid)).exists()
    server = secantus_pids(data_dir)
    assert len(server) == 1, server

    app.kill()
    app.wait(timeout=10)
    wait_stopped(data_dir)

    uri = ensure_server(data_dir, owner=os.getpid())
    assert count(uri) == DOCUMENTS
    assert secantus_pids(data_dir) != server
    stop_server(data_dir)
    wait_stopped(data_dir, timeout=10)


def test_crash_of_supervisor_and_server_leaves_no_stale_lock(data_dir):
    uri = ensure_server(data_dir, owner=os.getpid())
    with MongoClient(uri) as client:
        client.casebook_embedded_test.items.insert_many([{"n": i} for i in range(DOCUMENTS)])
    supervisor = state(data_dir)["pid"]
    [server] = secantus_pids(data_dir)
    assert f"{server}" in Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()

    # Freeze the server first so neither process can react (no clean shutdown), then kill both.
    os.kill(server, signal.SIGSTOP)
    os.kill(supervisor, signal.SIGKILL)
    os.kill(server, signal.SIGKILL)
    wait_until(lambda: not alive(supervisor) and not alive(server), 10, "supervisor or server survived SIGKILL")
    assert state(data_dir) is not None, "a crash leaves the stale state file behind"

    uri = ensure_server(data_dir, owner=os.getpid())
    assert state(data_dir)["pid"] != supervisor
    assert count(uri) == DOCUMENTS
    stop_server(data_dir)
    wait_stopped(data_dir, timeout=10)


def test_restart_right_after_kill_9_of_the_supervisor_alone(data_dir):
    """Its server gets SIGTERM (PDEATHSIG) and holds the storage while closing; the restart waits for it."""
    uri = ensure_server(data_dir, owner=os.getpid())
    with MongoClient(uri) as client:
        client.casebook_embedded_test.items.insert_many([{"n": i} for i in range(DOCUMENTS)])
    supervisor = state(data_dir)["pid"]
    os.kill(supervisor, signal.SIGKILL)
    wait_until(lambda: not alive(supervisor), 10, "supervisor survived SIGKILL")

    started = time.monotonic()
    uri = ensure_server(data_dir, owner=os.getpid())
    assert time.monotonic() - started < 20, "restart waited for the old server far too long"
    assert count(uri) == DOCUMENTS
    assert len(secantus_pids(data_dir)) == 1, secantus_pids(data_dir)


def test_processes_share_one_server_which_stops_after_the_last(data_dir, spawn):
    children = [spawn(SHARER, data_dir) for _ in range(3)]
    uris = {read_line(child) for child in children}
    assert len(uris) == 1, uris
    assert len(secantus_pids(data_dir)) == 1, secantus_pids(data_dir)
    [server] = secantus_pids(data_dir)     # durable unless asked otherwise (only the test suite's own is not)
    assert b"--sync-on-commit" in Path(f"/proc/{server}/cmdline").read_bytes().split(b"\0")
    assert sorted(p.name for p in (data_dir / "owners").iterdir()) == sorted(str(c.pid) for c in children)
    assert count(uris.pop()) == 0

    for child in children:
        child.stdin.close()
        assert child.wait(timeout=10) == 0
    wait_stopped(data_dir)


def test_reloader_child_and_gunicorn_workers_name_their_root_process(monkeypatch):
    monkeypatch.delenv("CASEBOOK_OWNER_PID", raising=False)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert owner_pid() == os.getpid()
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
    assert owner_pid() == os.getppid()
    monkeypatch.setenv("CASEBOOK_OWNER_PID", "4242")
    assert owner_pid() == 4242


def test_reloader_child_registers_its_parent(data_dir, spawn):
    child = spawn(SHARER, data_dir, WERKZEUG_RUN_MAIN="true")
    read_line(child)
    assert [p.name for p in (data_dir / "owners").iterdir()] == [str(os.getpid())]
    child.stdin.close()
    child.wait(timeout=10)


def test_with_mongodb_uri_nothing_embedded_starts(database_uri, tmp_path):
    from app import create_app
    from documents.connection import connect_database
    data = tmp_path / "appdata"
    try:
        create_app({"TESTING": True, "MONGODB_URI": database_uri, "MONGODB_DB": "casebook_test",
                    "SECRET_KEY": "x", "DATA_DIR": str(data), **CHEAP_PASSWORDS})
        assert not (data / "secantus.json").exists()
        assert not (data / "owners").exists()
        assert not secantus_pids(data)
    finally:
        connect_database(database_uri, "casebook_test")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_gunicorn_workers_share_one_server_that_follows_the_master(data_dir, tmp_path):
    port = free_port()
    with open(tmp_path / "gunicorn.log", "w") as log:
        master = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "app:create_app()"], cwd=ROOT,
            env=child_env(CASEBOOK_BIND=f"127.0.0.1:{port}", CASEBOOK_DEMO="1", DATA_DIR=str(data_dir),
                          CASEBOOK_WORKERS="2"),
            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        wait_until(lambda: master.poll() is not None or healthy(f"http://127.0.0.1:{port}/healthz"), 60,
                   "gunicorn did not answer /healthz")
        assert master.poll() is None, (tmp_path / "gunicorn.log").read_text()
        assert len(secantus_pids(data_dir)) == 1, secantus_pids(data_dir)
        assert [p.name for p in (data_dir / "owners").iterdir()] == [str(master.pid)]

        master.send_signal(signal.SIGTERM)
        assert master.wait(timeout=30) == 0, (tmp_path / "gunicorn.log").read_text()
        wait_stopped(data_dir)
    finally:
        if master.poll() is None:
            master.kill()
        master.wait(timeout=10)


def test_the_embedded_server_is_written_to_without_retryable_writes(database_uri):
    """One server on 127.0.0.1 has no failover for a retryable write to survive, and SecantusDB looks through a
    record of each retryable write of the last 30 minutes at every write (documents/embedded.py `_uri`)."""
    from pymongo import MongoClient
    client: MongoClient[dict] = MongoClient(database_uri)
    try:
        assert client.options.retry_writes is False
        assert client.options.direct_connection is True
    finally:
        client.close()
