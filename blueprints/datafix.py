"""The data-fix workspace for support and HR: queues, amending a case with a reason, bulk corrections (being written)."""
from flask import Blueprint

bp = Blueprint("datafix", __name__)
