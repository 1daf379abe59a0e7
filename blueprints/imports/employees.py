"""The staff hierarchy from ESR: `flask --app app import employees FILE [--dry-run] [--full]` and its upload page."""
from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import click
from flask_wtf.file import FileAllowed, FileField, FileRequired

from blueprints.access import IMPORTERS, requires
from blueprints.imports import bp
from blueprints.imports.cli import StageBars, actor, import_group, read_feed, read_rows
from blueprints.imports.forms import AbsenceFileForm
from blueprints.imports.routes import upload_page
from blueprints.settings import settings
from casework.feed_files import refusal_report, summary
from casework.hierarchy_feed import REPORTED_COLUMNS, Outcome, missing_columns
from casework.manager_logins import HEADINGS
from documents import StaleEditError
from services import clock
from services.imports.hierarchy import HierarchyResult, import_employees

SHOWN = 10


@import_group.command("employees")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would change; write nothing.")
@click.option("--full", is_flag=True, help="The file lists everyone: end today the assignments it leaves out.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the refused rows to this CSV: the file's columns, then row and errors.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="Treat this day as today.")
def employees(file: Path, dry_run: bool, full: bool, report: Path | None, as_of: dt.datetime | None):
    """Load the staff hierarchy from ESR's employees.csv: new starters, leavers, changed details and supervisors.

    Without --full, staff missing from the file are left as they are (a partial export never ends anyone).
    """
    text = read_feed(file, missing_columns)
    with contextlib.closing(StageBars()) as bars:
        header, numbers, rows = read_rows(file, text, bars)
        try:
            result = import_employees(rows, actor(file), "import",
                                      as_of.date() if as_of else clock.today(), dry_run, progress=bars, full=full,
                                      mail=settings().mail)
        except StaleEditError as error:
            raise click.ClickException(str(error)) from None
    for outcome in result.refused:
        click.echo("\n".join(f"row {numbers[outcome.index]} (assignment_number {outcome.key or '-'}): {field}: "
                              f"{message}" for field, message in outcome.errors.items()))
    if report:
        report.write_text(refusal_report(header, [(numbers[outcome.index], rows[outcome.index], outcome.errors)
                                                  for outcome in result.refused], REPORTED_COLUMNS),
                          encoding="utf-8")
    if result.refused:
        refused = len(result.refused)
        raise click.ClickException(f"{refused} row{'s' if refused > 1 else ''} refused, so nothing "
                                   f"{'would be' if dry_run else 'was'} applied: fix the file and run it again.")
    click.echo("\n".join(diff_lines(result, numbers)))
    click.echo(summary(result.counts))
    if result.moved:
        click.echo(f"{len(result.moved)} open task{'s' if len(result.moved) > 1 else ''} moved to the new supervisor.")
    click.echo("Dry run: nothing was written." if dry_run else "Done.")


def diff_lines(result: HierarchyResult, numbers: list[int]) -> list[str]:
    """The file's changes by kind: a count and the first SHOWN rows of each."""
    plan, lines = result.plan, []
    sections = (("New starters", plan.starters, _starter), ("Leavers", plan.leavers, _leaver),
                ("Changed details", plan.changed_details, _details),
                ("Changed supervisors", plan.changed_supervisors, _supervisor))
    for title, outcomes, line in sections:
        lines.append(f"{title}: {len(outcomes)}")
        lines += [f"  row {numbers[outcome.index]} ({outcome.key}): {line(outcome)}" for outcome in outcomes[:SHOWN]]
        lines += [f"  … and {len(outcomes) - SHOWN} more"] if len(outcomes) > SHOWN else []
    if plan.ended:
        lines.append(f"Not in the file, ending today (--full): {len(plan.ended)}")
        lines += [f"  {ended.assignment_number} {ended.name}: ends {ended.on.isoformat()}"
                  for ended in plan.ended[:SHOWN]]
        lines += [f"  … and {len(plan.ended) - SHOWN} more"] if len(plan.ended) > SHOWN else []
    return lines + login_lines(result)


def login_lines(result: HierarchyResult) -> list[str]:
    """The changes to manager logins by kind: a count and the first SHOWN of each."""
    lines = []
    for kind, count in result.login_counts.items():
        if count:
            changes = [change for change in result.logins if change.kind == kind]
            lines.append(f"{HEADINGS[kind][result.applied]}: {count}")
            lines += [f"  {change.assignment_number} {change.name} ({change.email}): {change.why}"
                      for change in changes[:SHOWN]]
            lines += [f"  … and {count - SHOWN} more"] if count > SHOWN else []
    return lines


def _starter(outcome: Outcome) -> str:
    values = outcome.values
    job = values["job_title"] or "no job title"
    return f"{values['first_name']} {values['last_name']}, {job}, {values['division']}"


def _leaver(outcome: Outcome) -> str:
    return f"{outcome.values['first_name']} {outcome.values['last_name']} leaves on {outcome.changes['end_date'][1]}"


def _details(outcome: Outcome) -> str:
    return "; ".join(line for line in outcome.detail if not line.startswith(("Leaves on", "supervisor:")))


def _supervisor(outcome: Outcome) -> str:
    return next(line for line in outcome.detail if line.startswith("supervisor:"))


class EmployeeFileForm(AbsenceFileForm):
    """An employees.csv file from ESR; its bytes are kept in `content` once valid."""

    file = FileField("Staff hierarchy file (CSV)", validators=[
        FileRequired("Choose the employees file to upload."), FileAllowed(["csv"], "Upload a .csv file.")])
    columns_missing = staticmethod(missing_columns)


@bp.route("/imports/employees", methods=["GET", "POST"])
@requires(IMPORTERS)
def upload_employees():
    return upload_page("employees", EmployeeFileForm(), "imports/employees.html")
