"""Help: a short guide for each role (manager, HR advisor, HR systems support, administrator), linked from the
header: what Casebook does for you, your first day, and what each task means."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from blueprints.access import signed_in
from casework.plain_words import glossary
from casework.task_guide import tasks_for

bp = Blueprint("guide", __name__)

GUIDES = {"manager": "Line managers", "hr": "HR advisors", "support": "HR systems support",
          "admin": "Administrators"}


@bp.route("/help")
@signed_in
def index():
    """The guide for `?role=` or, without one, for the signed-in user's first role with a guide; the list of guides
    (with a word on what was asked for) when there is none."""
    asked = request.args.get("role")
    role = asked or next((role for role in GUIDES if role in current_user.roles), None)
    if role not in GUIDES:
        message = f"There is no guide called “{asked[:40]}”: choose one below." if asked else None
        return render_template("guide/index.html", guides=GUIDES, message=message), 404 if asked else 200
    return render_template(f"guide/{role}.html", guides=GUIDES, role=role,
                           tasks=tasks_for("manager" if role == "manager" else "hr"), codes=glossary(),
                           yours=role in current_user.roles)
