"""Where an import's time goes: the three imports of a `bench.generate` folder, each through the import service the
command calls, in this process on a fresh embedded database, with every database command counted and timed:

    python -m bench.import_profile DIR [--profile KIND …] [--top 40] [--again]

prints, for each import in the load order (employees, in-flight cases, absences), its seconds and the database
commands it made (count and total time per command and collection); with `--profile KIND` also the cProfile top
entries (by cumulative and own time) of that import (profiling slows it down: time the others without it). With
`--again` each import runs a second time, unchanged. For development at a scale where an import takes minutes; the
budgets are measured through the commands by `bench.run`.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

from pymongo import monitoring

SLOWEST = 12


class CommandTally(monitoring.CommandListener):
    """Count and total time of each (command, collection) the client sends."""

    def __init__(self):
        self.count: Counter = Counter()
        self.micros: Counter = Counter()
        self.pending: dict[int, tuple] = {}
        self.slowest: list[tuple[int, str]] = []    # (microseconds, what) of the slowest commands

    def started(self, event):
        name = event.command_name
        target = event.command.get(name) if name != "getMore" else event.command.get("collection")
        shown = {key: event.command[key] for key in ("filter", "projection", "sort") if key in event.command}
        self.pending[event.request_id] = (name, target if isinstance(target, str) else "", str(shown)[:160])

    def _done(self, event):
        name, target, shown = self.pending.pop(event.request_id, (event.command_name, "", ""))
        self.count[name, target] += 1
        self.micros[name, target] += event.duration_micros
        self.slowest = sorted([*self.slowest, (event.duration_micros, f"{name} {target} {shown}")],
                              reverse=True)[:SLOWEST]

    succeeded = failed = _done

    def reset(self):
        self.count.clear()
        self.micros.clear()
        self.slowest = []

    def lines(self) -> list[str]:
        total = sum(self.count.values())
        rows = [f"    {n:>7,} {m / 1e6:8.2f} s  {name} {target}" for (name, target), n, m in
                sorted(((key, self.count[key], self.micros[key]) for key in self.count), key=lambda r: -r[2])]
        slow = [f"    {micros / 1e6:8.2f} s  {what}" for micros, what in self.slowest]
        return [f"  {total:,} commands, {sum(self.micros.values()) / 1e6:.2f} s waiting on the database", *rows,
                f"  the {len(slow)} slowest:", *slow]


TALLY = CommandTally()
monitoring.register(TALLY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--profile", action="append", default=[], choices=("employees", "inflight", "absences"))
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--again", action="store_true", help="run each import a second time, unchanged")
    options = parser.parse_args(argv)
    from bench.loading import ACTOR, LOAD_ORDER
    from bench.scratch import scratch_app
    from casework.feed_files import decode_text, read_csv
    from services import clock
    from services.imports.absences import import_absences
    from services.imports.hierarchy import import_employees
    from services.imports.inflight import import_inflight
    from services.settings import Settings
    today = clock.today()
    with scratch_app() as app:
        mail = Settings.from_config(app.config).mail
        run = {"employees": lambda numbers, rows: import_employees(rows, ACTOR, "import", today, mail=mail),
               "inflight": lambda numbers, rows: import_inflight(rows, ACTOR, "import", today, numbers=numbers),
               "absences": lambda numbers, rows: import_absences(rows, ACTOR, "import", today)}
        for again in (False, True) if options.again else (False,):
            for kind in LOAD_ORDER:
                _, numbers, rows = read_csv(decode_text((options.folder / f"{kind}.csv").read_bytes()))
                rows = list(rows)
                profiler = cProfile.Profile() if kind in options.profile and not again else None
                TALLY.reset()
                started = time.perf_counter()
                if profiler:
                    profiler.enable()
                result = run[kind](numbers, rows)
                if profiler:
                    profiler.disable()
                elapsed = time.perf_counter() - started
                print(f"import {kind}{' again' if again else ''} ({len(rows):,} rows): {elapsed:.2f} s"
                      f"{' (profiled)' if profiler else ''}; {dict(result.counts)}", flush=True)
                print("\n".join(TALLY.lines()), flush=True)
                if profiler:
                    for order in ("cumulative", "tottime"):
                        out = io.StringIO()
                        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(options.top)
                        print(out.getvalue(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
