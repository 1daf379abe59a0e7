"""The `users` commands an administrator keeps logins with: create one, set its password or roles, switch it off
or on, end its sessions. Each change to a password, the roles or whether a login works ends the login's
sessions wherever they are."""
from __future__ import annotations

import getpass

import click
from flask import Blueprint

from blueprints.command_line import one_line_reasons
from services import accounts, two_factor

bp = Blueprint("users", __name__, cli_group="users")


def _actor() -> str:
    return f"command by {getpass.getuser()}"


def _done(change, *args, **kwargs):
    with one_line_reasons():
        return change(*args, **kwargs)


def _password() -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@bp.cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as Casebook shows it.")
@click.option("--role", "roles", multiple=True, required=True, help="manager, hr, support or admin; repeatable.")
@click.option("--assignment", default=None, help="A manager's own assignment number.")
@click.option("--division", "divisions", multiple=True, help="An HR advisor's division; repeatable.")
def create(email: str, name: str, roles: tuple[str, ...], assignment: str | None, divisions: tuple[str, ...]):
    """Create the login EMAIL; the password is asked for twice."""
    user = _done(accounts.create_user, email, name, list(roles), _password(), _actor(), assignment, list(divisions))
    click.echo(f"Login {user.email} created with the role{'s' if len(user.roles) > 1 else ''} "
               f"{', '.join(user.roles)}.")


@bp.cli.command("set-password")
@click.argument("email")
def set_password(email: str):
    """Give the login EMAIL a new password (asked for twice); its sessions end."""
    user = _done(accounts.set_password, email, _password(), _actor())
    click.echo(f"New password set for {user.email}; every session it had has ended.")


@bp.cli.command("set-roles")
@click.argument("email")
@click.argument("roles", nargs=-1, required=True)
@click.option("--division", "divisions", multiple=True, help="An HR advisor's division; repeatable. Without it "
                                                             "the divisions stay as they are.")
def set_roles(email: str, roles: tuple[str, ...], divisions: tuple[str, ...]):
    """Give the login EMAIL the ROLES (manager, hr, support, admin); its sessions end."""
    user = _done(accounts.set_roles, email, list(roles), _actor(), list(divisions) if divisions else None)
    click.echo(f"{user.email} now has the roles {', '.join(user.roles)}; every session it had has ended.")


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
    """Stop the login EMAIL from signing in; its sessions end."""
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
