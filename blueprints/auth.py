"""Signing in and out, with failed attempts slowed then locked."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from blueprints.access import public, signed_in
from casework.throttle import ThrottleRules, lock_until, may_attempt
from documents import LoginThrottle, User, utcnow
from services.demo import DEMO_PASSWORD

bp = Blueprint("auth", __name__)

DEMO_LOGINS = ("manager@example.org", "hr@example.org", "support@example.org", "admin@example.org")
FAILED = "The email address or password is not right."


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address."), Length(max=200)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=200)])


def _rules() -> ThrottleRules:
    config = current_app.config
    return ThrottleRules(slow_after=config["LOGIN_SLOW_AFTER"], lock_after=config["LOGIN_LOCK_AFTER"],
                         lock_minutes=config["LOGIN_LOCK_MINUTES"])


def _safe_next(target: str | None) -> str:
    """Only a path on this site, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        error = _attempt(email, form.password.data)
        if error is None:
            return redirect(_safe_next(request.args.get("next")))
    status = 200 if request.method == "GET" or error is None and not form.errors else 400
    return render_template("auth/login.html", form=form, error=error,
                           demo_logins=DEMO_LOGINS if current_app.config["DEMO_MODE"] else (),
                           demo_password=DEMO_PASSWORD), status


def _attempt(email: str, password: str) -> str | None:
    """Check one login attempt; sign in and return None, or return the message to show."""
    now = utcnow()
    throttle = LoginThrottle.objects(login=email).first() or LoginThrottle(login=email)
    verdict = may_attempt(throttle.failures, throttle.last_failure_at, throttle.locked_until, now, _rules())
    if not verdict.allowed:
        return verdict.message
    user = User.objects(email=email, active=True).first()
    if user and user.check_password(password):
        if throttle.pk:
            throttle.delete()
        login_user(user)
        return None
    failures, rules = throttle.failures + 1, _rules()
    locked_until = lock_until(failures, now, rules)
    LoginThrottle.objects(login=email).update_one(
        upsert=True, set__failures=failures, set__last_failure_at=now, set__locked_until=locked_until)
    locked = may_attempt(failures, now, locked_until, now, rules)
    return FAILED if locked.allowed else f"{FAILED} {locked.message}"


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    logout_user()
    flash("You have signed out.")
    return redirect(url_for("auth.login"))
