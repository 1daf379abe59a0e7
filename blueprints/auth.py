"""Signing in and out, with failed attempts slowed then locked."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from blueprints import sessions
from blueprints.access import public, signed_in
from blueprints.answering import answer
from blueprints.limits import sign_in_limited
from blueprints.two_factor import after_password
from casework.plain_text import BREAKING
from casework.sessions import ended_message
from casework.sso import sso_settings
from casework.throttle import ThrottleRules
from services.accounts import sign_in, sign_out
from services.demo import DEMO_PASSWORD
from services.sso import refuse_password_unless_break_glass

bp = Blueprint("auth", __name__)

UNSAFE_IN_URLS = BREAKING | {"Cf"}     # control and format characters, line and paragraph separators
DEMO_LOGINS = ("manager@example.org", "hr@example.org", "support@example.org", "admin@example.org")


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address."), Length(max=200)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)])


def _rules() -> ThrottleRules:
    config = current_app.config
    return ThrottleRules(slow_after=config["LOGIN_SLOW_AFTER"], lock_after=config["LOGIN_LOCK_AFTER"],
                         lock_minutes=config["LOGIN_LOCK_MINUTES"])


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host, and never one holding a control character or a line
    break (a header cannot carry them): anything else goes home."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not any(unicodedata.category(character) in UNSAFE_IN_URLS for character in target) \
            and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
@sign_in_limited
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()

    def signed_in_as(user):
        return after_password(user, _safe_next(request.args.get("next")))     # the second factor, when used

    def page(error: str | None, _):
        status = 200 if request.method == "GET" or error is None and not form.errors else 400
        return render_template("auth/login.html", form=form, error=error,
                               ended=ended_message(request.args.get("ended"), sessions.rules()),
                               demo_logins=DEMO_LOGINS if current_app.config["DEMO_MODE"] else (),
                               demo_password=DEMO_PASSWORD), status
    def signing_in():
        refuse_password_unless_break_glass(form.email.data, sso_settings(current_app.config) is not None)
        return sign_in(form.email.data.strip().lower(), form.password.data, _rules())
    return answer(signing_in, signed_in_as, None, page, form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    sign_out(current_user._get_current_object())
    sessions.end()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))
