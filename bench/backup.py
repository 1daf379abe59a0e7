"""How long `backup` and `restore` take at trust scale, how large the backup is and how much memory they use.

Fills a fresh embedded database with the board report's scale model (25,000 employees, about 200,000 absences,
each absence with an audit entry as an import writes it), backs it up with the real command, restores it into a
second, empty database, and checks every collection's count and checksum. Run by hand:

    .venv/bin/python bench/backup.py [--employees 25000] [--absences 200000]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=25_000)
    parser.add_argument("--absences", type=int, default=200_000)
    options = parser.parse_args()
    from bench.report import fill
    from bench.scratch import scratch_app
    from documents.base import utcnow
    from documents.connection import database
    from services import clock
    from services.backup import checksum, collections_of, restore
    with scratch_app() as app, tempfile.TemporaryDirectory() as folder:
        db = database()
        started = time.perf_counter()
        fill(db, options.employees, options.absences, clock.today())
        db.absences.update_many({}, {"$set": {"audit": [{
            "actor": "import:absences.csv by bench", "at": utcnow(), "action": "absence imported", "before": {},
            "after": {"first_day": "2026-01-05", "reason_category": "(recorded)", "work_related": False}}]}})
        print(f"Filled {db.employees.count_documents({}):,} employees and {db.absences.count_documents({}):,} "
              f"absences in {time.perf_counter() - started:.1f} s; memory before backing up {peak_mb():.0f} MB")
        backup = Path(folder) / "backup"
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(args=["backup", str(backup)])
        print(result.output.strip(), f"(wall {time.perf_counter() - started:.1f} s, peak memory {peak_mb():.0f} MB)")
        size = sum(path.stat().st_size for path in backup.iterdir())
        print(f"Backup on disk: {size / 1_000_000:.1f} MB in {len(list(backup.iterdir()))} files")
        target = db.client["casebook_bench_restored_test"]
        summary = restore(target, backup)
        print(f"Restored {summary.documents:,} documents in {summary.collections} collections into an empty database "
              f"in {summary.seconds:.1f} s (checks included); peak memory {peak_mb():.0f} MB")
        same = all(checksum(db, info["name"]) == checksum(target, info["name"]) for info in collections_of(db))
        print(f"Every collection's count and checksum the same in both databases: {same}")
    return 0 if result.exit_code == 0 and same else 1


if __name__ == "__main__":
    sys.exit(main())
