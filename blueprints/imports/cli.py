"""The `import` commands: `flask --app app import absences FILE` (employees and in-flight cases follow)."""
from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import sys
from pathlib import Path

import click

from blueprints.imports import bp
from blueprints.settings import settings
from casework.absence_feed import REPORTED_COLUMNS, missing_columns
from casework.feed_files import (
    NotAFeedFile,
    decode_text,
    read_csv,
    read_header,
    refusal_lines,
    refusal_report,
    summary,
)
from documents import StaleEditError
from services import clock
from services.imports.absences import import_absences
from services.imports.jobs import purge_old_files


@bp.cli.group("import")
def import_group():
    """Load files from other systems."""


@import_group.command("absences")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would change; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Apply the valid rows even when others are refused.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the refused rows to this CSV: the file's columns, then row and errors.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Check dates against this day instead of today.")
def absences(file: Path, dry_run: bool, skip_invalid: bool, report: Path | None, as_of: dt.datetime | None):
    """Create or update absences from the absence system's absences.csv; unchanged rows are left alone."""
    today = as_of.date() if as_of else clock.today()
    run_feed(file, missing_columns, REPORTED_COLUMNS, dry_run, skip_invalid, report,
             lambda rows, numbers, bars: import_absences(rows, actor(file), "import", today, dry_run, skip_invalid,
                                                         bars, numbers=numbers),
             lambda number, outcome: refusal_lines(number, outcome.absence_id, outcome.errors))


@import_group.command("purge")
def purge():
    """Delete the uploaded files, refused-rows reports and row lists of import jobs older than
    CASEBOOK_IMPORT_RETENTION_DAYS (default 30), keeping each job's summary."""
    days = settings().import_retention_days
    click.echo(f"{purge_old_files(days)} import jobs purged (files kept for {days} days).")


def actor(file: Path) -> str:
    """How a command's import appears in audit trails."""
    return f"import:{file.name} by {getpass.getuser()}"


def run_feed(file: Path, missing_columns, reported, dry_run: bool, skip_invalid: bool, report: Path | None, run,
             lines) -> None:
    """Read FILE (its header checked by `missing_columns`), check or apply it with `run(rows, numbers, bars)`,
    print each refused row as `lines(number, outcome)`, each warning on a row (which does not refuse it) and the
    counts, write the refused rows (their `reported` columns) to `report`, and fail with a one-line reason when a
    row was refused (unless `skip_invalid`)."""
    text = read_feed(file, missing_columns)
    with contextlib.closing(StageBars()) as bars:
        header, numbers, rows = read_rows(file, text, bars)
        try:
            result = run(rows, numbers, bars)
        except StaleEditError as error:
            raise click.ClickException(str(error)) from None
    for outcome in result.refused:
        click.echo("\n".join(lines(numbers[outcome.index], outcome)))
    for outcome in result.outcomes:
        for message in getattr(outcome, "warnings", {}).values():
            click.echo(f"row {numbers[outcome.index]} ({outcome.assignment_number or '-'}): warning: {message}")
    click.echo(summary(result.counts))
    if report:
        report.write_text(refusal_report(header, [(numbers[outcome.index], rows[outcome.index], outcome.errors)
                                                  for outcome in result.refused], reported), encoding="utf-8")
    refused = len(result.refused)
    if refused and not skip_invalid:
        raise click.ClickException(f"{refused} row{'s' if refused > 1 else ''} refused, so nothing "
                                   f"{'would be' if dry_run else 'was'} applied: fix them or use --skip-invalid.")
    click.echo("Dry run: nothing was written." if dry_run else "Done.")


def read_feed(file: Path, missing_columns) -> str:
    """FILE's text, or a one-line reason (no file, not CSV text, a header lacking `missing_columns(header)`); its
    rows are read by `read_rows`."""
    if not file.is_file():
        raise click.ClickException(f"{file}: no such file.")
    try:
        text = decode_text(file.read_bytes())
        missing = missing_columns(read_header(text))
    except NotAFeedFile as error:
        raise click.ClickException(f"{file}: {error}") from None
    if missing:
        raise click.ClickException(f"{file}: the header lacks the columns {', '.join(missing)}.")
    return text


def read_rows(file: Path, text: str, bars: StageBars) -> tuple[list[str], list[int], list[dict]]:
    """FILE's header, row numbers and rows, read once with a progress bar, or a one-line reason naming the row
    Casebook cannot read."""
    try:
        return read_csv(text, lambda done: bars("reading", done, len(text)))
    except NotAFeedFile as error:
        raise click.ClickException(f"{file}: {error}") from None


class StageBars:
    """One click progress bar on stderr for each stage of an import: reading, planning, applying."""

    def __init__(self):
        self.stage, self.bar = None, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = click.progressbar(length=max(total, 1), label=stage.capitalize().ljust(9), file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        self.stage, self.bar = None, None
