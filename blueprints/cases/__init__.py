"""Working a case: its page (stages, tasks, associated absences, meetings, outcomes, notes, flags, audit)
and the changes made from it. Each change answers with the case page; htmx swaps the part that changed."""
from flask import Blueprint

bp = Blueprint("cases", __name__)

from blueprints.cases import (  # noqa: E402,F401  (routes register on bp)
    appeals,
    association,
    chronology,
    letters,
    listing,
    meetings,
    migration,
    notes,
    outcomes,
    page,
    pertinent,
    work,
)
