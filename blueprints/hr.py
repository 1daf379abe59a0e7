"""HR queues (being written)."""
from flask import Blueprint

bp = Blueprint("hr", __name__)
