"""The embedded database: one SecantusDB daemon per data directory, shared by every process.

Only one process may open a WiredTiger directory, so the first process that
needs the database starts a small supervisor (`python -m documents.embedded`)
which runs `secantus --sync-on-commit` as its child and writes the port it
listens on to `DATA_DIR/secantus.json`. Every later process (the Flask
reloader's child, gunicorn workers, CLI commands) finds that file and connects
by URI.

Each process that uses the daemon registers an *owner* pid in
`DATA_DIR/owners/`. The supervisor stops the server once no owner is alive,
so the database stops with the app, and a `kill -9` of the app leaves nothing
behind: the owner file names a dead pid and the kernel releases every lock.
Starting and stopping happen under one `flock`, so a process arriving while
the server stops waits and then starts a fresh one.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import PyMongoError

STATE_FILE = "secantus.json"
START_LOCK = ".start.lock"
OWNERS = "owners"
STORAGE = "db"
LOG_FILE = "secantus.log"
# How long the server outlives its last owner (a reloader restarting the app joins again within it); the crash
# tests shorten it through the environment, as they wait for it at every stop.
IDLE_GRACE_SECONDS = float(os.environ.get("CASEBOOK_EMBEDDED_IDLE_GRACE", "3.0"))
READY_TIMEOUT_SECONDS = 60.0


class EmbeddedDatabaseError(RuntimeError):
    """The embedded database could not be started or reached."""


def owner_pid() -> int:
    """The pid whose life the database should follow: the app's root process.

    Under the Flask reloader the serving process is a child of the watcher, and
    gunicorn's configuration names its master in CASEBOOK_OWNER_PID.
    """
    if os.environ.get("CASEBOOK_OWNER_PID"):
        return int(os.environ["CASEBOOK_OWNER_PID"])
    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        return os.getppid()
    return os.getpid()


def ensure_server(data_dir: str | os.PathLike, owner: int | None = None, durable: bool = True) -> str:
    """Return the URI of the embedded server for `data_dir`, starting it if needed. A server started with
    `durable=False` does not wait for the disk at each commit (the test suite's throwaway database)."""
    data = Path(data_dir).resolve()
    (data / OWNERS).mkdir(parents=True, exist_ok=True)
    with _locked(data / START_LOCK):
        (data / OWNERS / str(owner or owner_pid())).touch()
        state = _read_state(data)
        if state and pid_alive(state["pid"]) and _answers(state["port"]):
            return _uri(state["port"])
        port = _free_port()
        with open(data / LOG_FILE, "ab") as log:
            subprocess.run(
                [sys.executable, "-m", "documents.embedded", "--data-dir", str(data), "--port", str(port),
                 *([] if durable else ["--not-durable"])],
                stdout=log, stderr=log, stdin=subprocess.DEVNULL, check=True,
                cwd=Path(__file__).resolve().parent.parent,
            )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            state = _read_state(data)
            if state and state["port"] == port and _answers(port):
                return _uri(port)
            time.sleep(0.1)
    raise EmbeddedDatabaseError(f"the embedded database did not start; see {data / LOG_FILE}")


def stop_server(data_dir: str | os.PathLike) -> None:
    """Ask the supervisor of `data_dir` to stop its server now and wait until it has."""
    data = Path(data_dir).resolve()
    state = _read_state(data)
    if not state or not pid_alive(state["pid"]):
        return
    os.kill(state["pid"], signal.SIGTERM)
    deadline = time.monotonic() + 30
    while pid_alive(state["pid"]) and time.monotonic() < deadline:
        time.sleep(0.05)


def _uri(port: int) -> str:
    """The embedded server's address, without retryable writes. A retryable write is for a replica set's failover,
    which one server on 127.0.0.1 never has, and SecantusDB keeps a record of each for 30 minutes and looks through
    them all at every write: measured one write at a time, 8 ms a write became 25 ms after 8,000 such writes and
    70 ms after 10,000, where writes that are not retryable stayed at 8 ms. A replica set, given through
    MONGODB_URI, keeps its driver's default."""
    return f"mongodb://127.0.0.1:{port}/?directConnection=true&retryWrites=false"


def _read_state(data: Path) -> dict | None:
    try:
        return json.loads((data / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie, ended but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
            return False
    return True


def _answers(port: int) -> bool:
    client: MongoClient[dict] = MongoClient(_uri(port), serverSelectionTimeoutMS=500, connectTimeoutMS=500)
    try:
        client.admin.command("ping")
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _locked(path: Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _live_owners(data: Path) -> list[int]:
    alive = []
    for entry in (data / OWNERS).iterdir():
        if entry.name.isdigit() and pid_alive(int(entry.name)):
            alive.append(int(entry.name))
        else:
            entry.unlink(missing_ok=True)
    return alive


def _die_with_parent() -> None:
    """Have the kernel stop the server if its supervisor is killed (Linux PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def supervise(data: Path, port: int, durable: bool = True) -> int:
    """Run the server for `data` on `port` until no owner is alive or SIGTERM arrives."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    command = [sys.executable, "-m", "secantus", "--host", "127.0.0.1", "--port", str(port),
               "--storage-path", str(data / STORAGE), *(["--sync-on-commit"] if durable else []),
               "--log-level", "WARNING"]
    server = subprocess.Popen(command, preexec_fn=_die_with_parent)
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while not _answers(port):
        if server.poll() is not None:
            # A killed supervisor's server may still be closing the storage ("resource busy"): retry.
            if time.monotonic() > deadline:
                return server.returncode or 1
            time.sleep(0.5)
            server = subprocess.Popen(command, preexec_fn=_die_with_parent)
        time.sleep(0.1)
    (data / STATE_FILE).write_text(json.dumps({"pid": os.getpid(), "port": port}))
    idle_since = None
    while not stopping and server.poll() is None:
        time.sleep(0.5)
        if _live_owners(data):
            idle_since = None
            continue
        idle_since = idle_since or time.monotonic()
        if time.monotonic() - idle_since < IDLE_GRACE_SECONDS:
            continue
        with _locked(data / START_LOCK):
            if not _live_owners(data):  # stop under this same lock: no owner may join in between
                _stop(data, server)
                return 0
    with _locked(data / START_LOCK):
        _stop(data, server)
    return 0


def _stop(data: Path, server: subprocess.Popen) -> None:
    """Remove the state file and stop the server (the caller holds the start lock)."""
    (data / STATE_FILE).unlink(missing_ok=True)
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> int:
    """Detach (fork, new session) and supervise the server; the launching process returns at once."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--not-durable", action="store_true", help="no disk sync at each commit (tests only)")
    args = parser.parse_args()
    if os.fork():
        return 0
    os.setsid()
    return supervise(Path(args.data_dir), args.port, durable=not args.not_durable)


if __name__ == "__main__":
    sys.exit(main())
