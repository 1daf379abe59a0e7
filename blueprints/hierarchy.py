"""Hierarchy health: who has no supervisor, supervisors without a login, tasks held by leavers (being written)."""
from flask import Blueprint

bp = Blueprint("hierarchy", __name__)
