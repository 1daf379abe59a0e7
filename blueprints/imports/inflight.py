"""Cases in progress from the system being replaced: `flask --app app import inflight FILE` and the
upload page `/imports/inflight` (support and admin)."""
from __future__ import annotations

from pathlib import Path

import click
from flask_wtf.file import FileAllowed, FileField, FileRequired

from blueprints.access import IMPORTERS, requires
from blueprints.imports import bp
from blueprints.imports.cli import actor, import_group, run_feed
from blueprints.imports.forms import AbsenceFileForm
from blueprints.imports.routes import upload_page
from casework.inflight_feed import REPORTED_COLUMNS, missing_columns, refusal_lines
from services import clock
from services.imports.inflight import import_inflight
from services.triggers import active_policy


@import_group.command("inflight")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and say what would change; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Create the valid rows' cases even when others are refused.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the refused rows to this CSV: the file's columns, then row and errors.")
def inflight(file: Path, dry_run: bool, skip_invalid: bool, report: Path | None):
    """Create the cases in progress in the previous system's inflight.csv, each at its stage; a row migrated
    before is left alone."""
    run_feed(file, missing_columns, REPORTED_COLUMNS, dry_run, skip_invalid, report,
             lambda rows, numbers, bars: import_inflight(rows, actor(file), "import", clock.today(), dry_run,
                                                         skip_invalid, bars, numbers),
             lambda number, outcome: refusal_lines(number, outcome.assignment_number, outcome.errors))


class InflightFileForm(AbsenceFileForm):
    """An inflight.csv file from the system being replaced; its bytes are kept in `content` once valid."""

    file = FileField("In-flight cases file (CSV)", validators=[
        FileRequired("Choose the in-flight cases file to upload."), FileAllowed(["csv"], "Upload a .csv file.")])
    columns_missing = staticmethod(missing_columns)


@bp.route("/imports/inflight", methods=["GET", "POST"])
@requires(IMPORTERS)
def upload_inflight():
    return upload_page("inflight", InflightFileForm(), "imports/upload_inflight.html", policy=active_policy())
