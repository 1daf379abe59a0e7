"""The front door: each role's home page, and the frontend's image assets."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, send_from_directory, url_for

from blueprints.access import may, public, signed_in

bp = Blueprint("home", __name__)


@bp.route("/")
@signed_in
def index():
    if may("team.index"):
        return redirect(url_for("team.index"))
    if may("dashboard.index"):
        return redirect(url_for("dashboard.index"))
    if may("dpo.medical_reads"):
        return redirect(url_for("dpo.medical_reads"))
    return redirect(url_for("employees.index"))


@bp.route("/assets/<path:filename>")
@public
def frontend_assets(filename: str):
    """The NHS.UK frontend CSS refers to its images at /assets/…"""
    return send_from_directory(current_app.static_folder + "/vendor/nhsuk/assets", filename, max_age=86400)


@bp.route("/healthz")
@public
def health():
    return {"status": "ok"}
