"""E-mail notifications: `flask --app app notify send` (run by cron) and `notify failures`."""
from __future__ import annotations

import sys

import click
from flask import Blueprint

from blueprints.jobs import job_host
from blueprints.settings import settings
from documents.notification import MAX_ATTEMPTS
from services import clock
from services.job_kinds import NOTIFICATIONS
from services.jobs import run_now
from services.notifications import failures, send_due

bp = Blueprint("notify", __name__, cli_group="notify")


def _section(heading: str, lines: list[str]) -> None:
    if lines:
        click.echo(f"{heading} ({len(lines)}):")
        for line in lines:
            click.echo(f"  {line}")


@bp.cli.command("send")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), help="Send as on this day (default today).")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send and record nothing.")
def send(on, dry_run: bool):
    """Send today's task reminders (each task or a daily digest, by each user's setting) and retry e-mails
    that failed; nothing is sent twice in a day."""
    day = on.date() if on else clock.today()
    if dry_run:
        report, purged = send_due(day, settings().mail, dry_run=True), 0
    else:   # a job: should this command stop part way, a worker or the app finishes the run
        run = run_now(NOTIFICATIONS, {"day": day.isoformat()}, "notify send", job_host())
        report, purged = run.report, run.purged
    _section("Would send" if dry_run else "Sent", report.sent)
    _section("Skipped, already sent today", report.skipped)
    _section("Failed, the next run retries them", report.failed)
    _section(f"Gave up after {MAX_ATTEMPTS} attempts", report.gave_up)
    if report.replaced:
        click.echo(f"{report.replaced} failed reminders of earlier days are replaced by today's.")
    if purged:   # the daily run also keeps import files no longer than the retention period
        click.echo(f"Import files of {purged} jobs purged after {settings().import_retention_days} days.")
    click.echo(f"notify send {day.isoformat()}{' (dry run)' if dry_run else ''}: {len(report.sent)} "
               f"{'to send' if dry_run else 'sent'}, {len(report.skipped)} already sent, {len(report.failed)} failed, "
               f"{len(report.gave_up)} given up.")
    if report.failed or report.gave_up:
        click.echo(f"notify send: {len(report.failed) + len(report.gave_up)} e-mails not sent: "
                   f"{'; '.join(sorted(report.reasons))}.", err=True)
        sys.exit(1)


@bp.cli.command("failures")
def list_failures():
    """List e-mails not delivered: failed (retried by the next `notify send`) or given up."""
    found = failures()
    for notification in found:
        click.echo(f"{notification.day.isoformat()}  {notification.status:<8}  {notification.kind:<10}  "
                   f"{notification.recipient}  {notification.subject}  ({notification.attempts} attempts: "
                   f"{notification.last_error})")
    click.echo(f"{len(found)} e-mails not delivered.")
