"""The `users` commands an administrator keeps logins with: create one (the first administrator among them), list
them, set a password or roles, switch one off or on, end its sessions, send a set-password link. Each change to a
password, the roles or whether a login works ends the login's sessions wherever they are; the last active
administrator cannot be switched off or lose the role."""
from __future__ import annotations

import getpass
import sys

import click
from flask import Blueprint, current_app

from blueprints.command_line import one_line_reasons
from documents.user import ROLES
from services import accounts, two_factor
from services.errors import Refused
from services.mail import MailSettings

bp = Blueprint("users", __name__, cli_group="users")

ROLE_HELP = f"{', '.join(ROLES)}; repeatable."
DIVISION_HELP = ("An HR advisor's division; repeatable. Once employees are loaded it must be the division of one "
                 "of them (or one the flag routing names); before that any name is taken.")
STDIN_HELP = "Read the password from standard input (one line; no prompt, nothing shown) instead."


def _actor() -> str:
    return f"command by {getpass.getuser()}"


def _done(change, *args, **kwargs):
    with one_line_reasons():
        return change(*args, **kwargs)


def _password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at a prompt that shows nothing."""
    if not from_stdin:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if sys.stdin.isatty():
        raise click.ClickException("--password-stdin reads the password from a pipe or a file, e.g. "
                                   "`… --password-stdin < file`; leave it out to be given a set-password link.")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException("No password on standard input.")
    return password


def _roles(roles) -> str:
    return f"role{'s' if len(roles) > 1 else ''} {', '.join(roles)}"


@bp.cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as Casebook shows it.")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
@click.option("--assignment", default=None, help="A manager's own assignment number.")
@click.option("--division", "divisions", multiple=True, help=DIVISION_HELP)
@click.option("--password-stdin", "from_stdin", is_flag=True, help=STDIN_HELP)
def create(email: str, name: str, roles: tuple[str, ...], assignment: str | None, divisions: tuple[str, ...],
           from_stdin: bool):
    """Create the login EMAIL and print a link, working once for 24 hours, where its password is chosen (the
    link's address starts with CASEBOOK_BASE_URL); with --password-stdin, give it the password read from
    standard input. The first administrator is made this way."""
    password = _password(from_stdin) if from_stdin else None
    user = _done(accounts.create_user, email, name, list(roles), password, _actor(), assignment, list(divisions))
    click.echo(f"Login {user.email} created with the {_roles(user.roles)}.")
    if password is None:
        _, url = _done(accounts.password_link, user.email, "set", _actor(), current_app.config["BASE_URL"])
        click.echo(f"It signs in once its password is chosen, within {accounts.LINK_HOURS['set']} hours, at:")
        click.echo(url)


@bp.cli.command("list")
def list_logins():
    """Every login: e-mail address, name, roles, HR divisions, whether it may sign in (active, awaiting first
    sign-in, switched off), and whether it has signed in by single sign-on."""
    rows = [("EMAIL", "NAME", "ROLES", "DIVISIONS", "STATE", "SSO")]
    rows += [(user.email, user.name, ",".join(user.roles), ",".join(user.hr_divisions) or "-",
              accounts.state_of(user), "yes" if user.oidc_subject else "no") for user in accounts.logins()]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])


@bp.cli.command("set-password")
@click.argument("email")
@click.option("--password-stdin", "from_stdin", is_flag=True, help=STDIN_HELP)
def set_password(email: str, from_stdin: bool):
    """Give the login EMAIL a new password (asked for twice); its sessions end."""
    user = _done(accounts.set_password, email, _password(from_stdin), _actor())
    click.echo(f"New password set for {user.email}; every session it had has ended.")


@bp.cli.command("set-roles")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
@click.option("--division", "divisions", multiple=True, help=f"{DIVISION_HELP} Without it the divisions stay as "
                                                             "they are.")
def set_roles(email: str, roles: tuple[str, ...], divisions: tuple[str, ...]):
    """Give the login EMAIL these roles (and HR divisions); its sessions end. The last active administrator
    keeps the admin role."""
    user = _done(accounts.set_roles, email, list(roles), _actor(), list(divisions) if divisions else None)
    click.echo(f"{user.email} now has the {_roles(user.roles)}; every session it had has ended.")


@bp.cli.command("set-authority")
@click.argument("email")
@click.option("--dismiss/--no-dismiss", required=True, help="Give the authority to dismiss, or take it away.")
def set_authority(email: str, dismiss: bool):
    """Give the login EMAIL the authority to dismiss (--dismiss), or take it away (--no-dismiss): only a login
    holding it may record a dismissal."""
    user = _done(accounts.set_dismissal_authority, email, dismiss, _actor())
    click.echo(f"{user.email} {'now holds' if user.may_dismiss else 'no longer holds'} the authority to dismiss.")


@bp.cli.command("disable")
@click.argument("email")
def disable(email: str):
    """Stop the login EMAIL from signing in; its sessions end. The last active administrator stays."""
    user = _done(accounts.switch_off, email, _actor())
    click.echo(f"{user.email} can no longer sign in; every session it had has ended.")


@bp.cli.command("enable")
@click.argument("email")
def enable(email: str):
    """Let the login EMAIL sign in again."""
    user = _done(accounts.switch_on, email, _actor())
    click.echo(f"{user.email} can sign in again.")


@bp.cli.command("sign-out")
@click.argument("email")
def sign_out(email: str):
    """End every session of the login EMAIL, wherever it is (a lost laptop, a shared screen)."""
    user = _done(accounts.end_sessions, email)
    click.echo(f"Every session of {user.email} has ended.")


@bp.cli.command("second-factor-off")
@click.argument("email")
def second_factor_off(email: str):
    """Turn off the second factor of the login EMAIL (a lost phone and lost recovery codes): it signs in with its
    password alone, or is asked to set one up again when its role requires it."""
    user = _done(two_factor.turn_off_for, email, _actor())
    click.echo(f"{user.email} has no second factor now.")


@bp.cli.command("send-link")
@click.argument("email")
@click.option("--print", "show", is_flag=True, help="Print the link instead of e-mailing it (no mail server yet, "
                                                    "or the first link has expired).")
def send_link(email: str, show: bool):
    """E-mail the login EMAIL a new link, working once for 24 hours, where its password is chosen; earlier links
    stop working."""
    if show:
        user, url = _done(accounts.password_link, email, "set", _actor(), current_app.config["BASE_URL"])
        click.echo(f"A new link for {user.email}, working once for {accounts.LINK_HOURS['set']} hours:")
        click.echo(url)
        return
    notification = _done(accounts.send_link, email, "set", _actor(), MailSettings.from_config(current_app.config))
    if notification.status != "sent":
        with one_line_reasons():
            raise Refused(f"The link was not sent: {notification.last_error}. Send another, or use --print.")
    click.echo(f"A link, working once for {accounts.LINK_HOURS['set']} hours, was e-mailed to "
               f"{notification.recipient}.")
