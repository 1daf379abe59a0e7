"""The board report: the page, its CSV and XLSX exports, and `flask --app app report`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
