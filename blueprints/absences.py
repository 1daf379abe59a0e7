"""Recording and following absences: the form, contacts, fit notes, referrals, return to work."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("absences", __name__)
