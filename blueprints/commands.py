"""Command-line commands (`flask --app app …`) that are not part of one area."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Blueprint, current_app

from blueprints.command_line import one_line_reasons
from blueprints.jobs import job_host
from documents.connection import database
from services import clock
from services.backup import Summary, back_up, restore
from services.demo import load_demo
from services.figures import FIGURES_REBUILD
from services.jobs import run_now
from services.scan_jobs import EVERYONE_SCAN
from services.triggers import scan

bp = Blueprint("commands", __name__, cli_group=None)


@bp.cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no employees yet.")
@click.option("--replace", is_flag=True, help="Delete all data first, then load the demo organisation.")
@click.option("--seed", default=2026, show_default=True, help="Random seed of the invented organisation.")
def demo(if_empty: bool, replace: bool, seed: int):
    """Load the invented demo organisation (demo mode only: CASEBOOK_DEMO=1)."""
    if not current_app.config["DEMO_MODE"]:
        click.echo("Refused: the demo organisation and its shared password are loaded only in demo mode "
                   "(set CASEBOOK_DEMO=1).", err=True)
        sys.exit(1)
    result = load_demo(clock.today(), seed=seed, if_empty=if_empty, replace=replace)
    if result is None:
        click.echo("The database already has data; demo not loaded.")
        return
    click.echo(f"Demo organisation loaded: {result['employees']} employees, {result['absences']} absences, "
               f"{result['logins']} logins.")
    opened = scan(clock.today(), "demo").actions
    click.echo(f"Trigger scan: {opened['open_sts'] + opened['restart_sts']} short-term and {opened['open_lts']} "
               "long-term cases opened.")


@bp.cli.command("backup")
@click.argument("directory", type=click.Path(path_type=Path))
def backup(directory: Path):
    """Write the whole database, letters and templates included, to DIRECTORY (new or empty)."""
    done = _carried_out(lambda: back_up(database(), directory))
    click.echo(f"Backed up {_counted(done)} to {directory} in {done.seconds:.1f} s.")


@bp.cli.command("restore")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Drop everything in the database first (it must be empty without).")
def restore_backup(directory: Path, replace: bool):
    """Load the backup in DIRECTORY into the database after checking it, then check the database against it."""
    done = _carried_out(lambda: restore(database(), directory, replace))
    click.echo(f"Restored {_counted(done)} from {directory} in {done.seconds:.1f} s; every count and checksum "
               "matches the backup.")


def _carried_out(work) -> Summary:
    """The work's summary, or a one-line reason (a refusal, the database or the disk failing) and exit status 1."""
    with one_line_reasons():
        return work()


def _counted(done: Summary) -> str:
    return (f"{done.collections} collections, {done.documents:,} documents "
            f"({done.bytes / 1_000_000:,.1f} MB)")


@bp.cli.group("triggers")
def triggers():
    """The trigger engine."""


@triggers.command("scan")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Evaluate as on this date "
              "(default today).")
@click.option("--dry-run", is_flag=True, help="Say what would happen and change nothing.")
def triggers_scan(as_of, dry_run: bool):
    """Evaluate everyone in post and open, move, pause, resume or close cases as the policy says."""
    day = as_of.date() if as_of else clock.today()
    from documents import Employee
    total = Employee.objects.current(day).count()
    with click.progressbar(length=total, label="Evaluating", file=sys.stderr) as bar:
        if dry_run:
            summary = scan(day, "triggers scan", apply=False, progress=bar.update)
        else:   # a job: should this command stop part way, a worker or the app runs the scan again
            def advance(stage: str, done: int, _total: int) -> None:
                if stage == "scanning":
                    bar.update(done - bar.pos)
            scanned = run_now(EVERYONE_SCAN, {"as_of": day.isoformat()}, "triggers scan", job_host(), watch=advance)
            summary = scanned.summary
    counts = summary.actions
    verb = "Would have" if dry_run else "Done:"
    click.echo(f"{verb} evaluated {summary.employees} employees on {day.isoformat()}: "
               f"opened {counts['open_sts'] + counts['restart_sts']} short-term and {counts['open_lts']} long-term "
               f"cases, review meetings due {counts['review_due']}, monitoring ended {counts['warning_expired']}, "
               f"paused {counts['pause_sts']}, resumed {counts['resume_sts']}; {summary.concerns} pattern concerns.")
    if not dry_run:
        click.echo(f"Kept lists written again: {scanned.open_tasks} open tasks, {scanned.summaries} staff "
                   "summaries.")


@bp.cli.group("figures")
def figures_group():
    """The absence figures kept month by month for the board report."""


@figures_group.command("rebuild")
@click.option("--check", is_flag=True, help="Only compare: change nothing, exit 1 when any figure differs.")
def figures_rebuild(check: bool):
    """Compare the kept figures with a fresh computation from every absence, list each difference, and (without
    --check) rewrite them."""
    with one_line_reasons():   # a job: should this command stop part way, a worker or the app runs it again
        found = run_now(FIGURES_REBUILD, {"as_of": clock.today().isoformat(), "check": check},
                        "figures rebuild", job_host())
    for difference in found:
        click.echo(f"{difference.kept_in} {difference.key} {difference.month_label} {difference.field}: "
                   f"kept {_shown(difference.kept)}, fresh {_shown(difference.fresh)}")
    if check and found:
        click.echo(f"{len(found)} kept figures differ from a fresh computation.", err=True)
        sys.exit(1)
    click.echo("No kept figure differs." if not found else f"{len(found)} kept figures differed; rewritten.")


def _shown(value):
    """A figure as the rebuild lists it: amounts to 6 places (they are kept by adding differences)."""
    return round(value, 6) if isinstance(value, float) else value
