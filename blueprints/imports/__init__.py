"""Imports from other systems: the upload page for support and the `import` commands."""
from flask import Blueprint

bp = Blueprint("imports", __name__, cli_group=None)

from blueprints.imports import cli, employees, inflight, routes  # noqa: E402,F401  (routes and commands register on bp)
