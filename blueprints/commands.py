"""Command-line commands (`flask --app app …`) that are not part of one area."""
from __future__ import annotations

import datetime as dt
import sys

import click
from flask import Blueprint, current_app

from documents.demo_loader import load_demo

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
    result = load_demo(dt.date.today(), seed=seed, if_empty=if_empty, replace=replace)
    if result is None:
        click.echo("The database already has data; demo not loaded.")
        return
    click.echo(f"Demo organisation loaded: {result['employees']} employees, {result['absences']} absences, "
               f"{result['logins']} logins.")

