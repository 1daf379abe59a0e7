"""Live dashboards: where cases and tasks stand, for HR (their divisions) and managers (their hierarchy)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
