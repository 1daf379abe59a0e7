"""Recording and following absences: the form, contacts, fit notes, referrals, return to work."""
from flask import Blueprint

bp = Blueprint("absences", __name__)

from blueprints.absences import care, letters, recording  # noqa: E402,F401  (routes register on bp)
