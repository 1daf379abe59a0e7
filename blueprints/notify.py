"""E-mail notifications: the `notify` commands (being written)."""
from flask import Blueprint

bp = Blueprint("notify", __name__, cli_group="notify")
