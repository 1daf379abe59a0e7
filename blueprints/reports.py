"""The board report: the page, its CSV and XLSX exports, and `flask --app app report`."""
from __future__ import annotations

import datetime as dt
import sys

import click
from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from blueprints.access import REPORT_READERS, requires
from blueprints.command_line import one_line_reasons
from blueprints.fields import DayField
from blueprints.settings import settings
from casework import board_tables
from casework.board_report import financial_year_to_date
from casework.exports import filename, to_csv, to_xlsx
from services import clock
from services.reads.board_report import board_report, within_choices

bp = Blueprint("reports", __name__, cli_group=None)

EARLIEST = dt.date(2000, 1, 1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodForm(FlaskForm):
    start = DayField("From", format="%Y-%m-%d", validators=[InputRequired("Enter the first day of the period.")])
    end = DayField("To", format="%Y-%m-%d", validators=[InputRequired("Enter the last day of the period.")])
    within = SelectField("Part of the organisation", default="")

    def validate_start(self, field):
        if field.data and field.data < EARLIEST:
            raise ValidationError(f"Enter a date from {EARLIEST.year} onwards.")
        if field.data and (field.data.year, field.data.month) > (clock.today().year, clock.today().month):
            raise ValidationError("The report covers whole months up to this one: enter a day of this month or "
                                  "earlier.")

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The period must end on or after its first day.")
        if field.data and field.data > clock.today() + dt.timedelta(days=366):
            raise ValidationError("Enter a date no more than a year ahead.")


def _form() -> PeriodForm:
    start, end = financial_year_to_date(clock.today())
    asked = "start" in request.args or "end" in request.args
    form = PeriodForm(request.args if asked else MultiDict({"start": start.isoformat(), "end": end.isoformat()}),
                      meta={"csrf": False})
    form.within.choices = [SelectChoice("", "Everyone you can see")] + [
        SelectChoice(value, label) for value, label in within_choices(current_user)]
    return form


def _report(form: PeriodForm):
    return board_report(current_user, form.start.data, form.end.data, clock.today(), form.within.data or None,
                        organisation=settings().organisation)


@bp.route("/reports/board")
@requires(REPORT_READERS)
def board():
    """The board report for a period (the financial year to date unless another is asked for), printable."""
    form = _form()
    if not form.validate():
        return render_template("reports/board.html", form=form, report=None), 400
    report = _report(form)
    return render_template("reports/board.html", form=form, report=report, charts=board_tables.charts(report),
                           tables={table.key: table for table in board_tables.tables(report)},
                           part_month_note=board_tables.part_month_words(report))


@bp.route("/reports/board.<any(csv, xlsx):extension>")
@requires(REPORT_READERS)
def export(extension: str):
    """Every table (or the one named by `table`) as CSV or as an XLSX workbook."""
    form = _form()
    if not form.validate():
        abort(400)
    report = _report(form)
    chosen = [table for table in board_tables.tables(report) if request.args.get("table") in (None, table.key)]
    if not chosen:
        abort(404)
    stem = "board-report" if len(chosen) > 1 else f"board-report-{chosen[0].key}"
    name = filename(stem, report.start, report.end, extension)
    body, mimetype = (to_csv(chosen), "text/csv") if extension == "csv" else (to_xlsx(chosen), XLSX)
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.cli.command("report")
@click.option("--from", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="First day.")
@click.option("--to", "end", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day.")
@click.option("--format", "kind", required=True, type=click.Choice(["csv", "xlsx"]), help="File format.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write here (CSV: stdout without it).")
def report_command(start, end, kind: str, out: str | None):
    """Write the board report for the whole organisation: every table, as CSV or an XLSX workbook, over the whole
    months from --from's to --to's (the current month to today)."""
    start, end = start.date(), end.date()
    if end < start:
        raise click.ClickException("The period must end on or after its first day.")
    if kind == "xlsx" and not out:
        raise click.ClickException("An XLSX report is a file: give --out FILE.")
    with one_line_reasons():
        report = board_report(None, start, end, clock.today(), organisation=settings().organisation)
    found = board_tables.tables(report)
    if kind == "csv" and not out:
        sys.stdout.write(to_csv(found))
        return
    try:
        with open(out, "wb") as file:
            file.write(to_csv(found).encode("utf-8") if kind == "csv" else to_xlsx(found))
    except OSError as error:
        raise click.ClickException(f"{out}: {error.strerror}.") from None
    click.echo(f"Board report for {start:%-d %B %Y} to {end:%-d %B %Y} written to {out}.", err=True)
