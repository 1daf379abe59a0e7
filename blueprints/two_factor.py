"""The second factor (TOTP) for local-password sign-ins: the second step of signing in, setting it up (also
straight after the password, when the organisation requires it of one's role), turning it off, new recovery
codes, and the administrators' setting that requires it.

A sign-in whose password was right waits in the session (`PENDING`), not signed in (flask-login knows nothing of
it), until the second step passes or `PENDING_MINUTES` go by.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from blueprints import sessions
from blueprints.access import ADMINISTRATORS, public, requires, signed_in
from blueprints.answering import answer, back_to, page_again
from blueprints.fields import seen_version
from blueprints.limits import sign_in_limited
from blueprints.settings import settings
from casework.throttle import ThrottleRules
from casework.two_factor import ENROL_MINUTES, PENDING_MINUTES, pending_expired
from documents import Organisation, User
from services import clock
from services import two_factor as factor

bp = Blueprint("two_factor", __name__)

PENDING = "second_factor"            # the half-done sign-in: user, session generation, when, where to, enrolling
NEW_SECRET = "second_factor_secret"  # a signed-in user's secret being set up, until confirmed


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired("Enter the code."), Length(max=40)])


class ProofForm(FlaskForm):
    proof = PasswordField("The code your authenticator app shows now, or your password",
                          validators=[DataRequired("Enter a code or your password."), Length(max=200)])


class SecurityForm(FlaskForm):
    version = HiddenField()
    admin = BooleanField("Administrators")
    hr = BooleanField("HR advisors")


def throttle_rules() -> ThrottleRules:
    config = current_app.config
    return ThrottleRules(slow_after=config["LOGIN_SLOW_AFTER"], lock_after=config["LOGIN_LOCK_AFTER"],
                         lock_minutes=config["LOGIN_LOCK_MINUTES"])


def after_password(user: User, next_url: str):
    """Where a local-password sign-in goes once the password was right: signed in, or on to the second step (or
    to set the second factor up, when the organisation requires it and the user has none)."""
    if not factor.must_use_second_factor(user):
        sessions.begin(user)
        return redirect(next_url)
    session.pop(NEW_SECRET, None)
    session[PENDING] = {"user": str(user.pk), "generation": user.session_generation, "next": next_url,
                        "started": int(clock.now().timestamp()), "enrol": not user.has_second_factor}
    return redirect(url_for("two_factor.enrol" if not user.has_second_factor else "two_factor.second_step"))


def _pending() -> tuple[User | None, dict]:
    """The user of this browser's half-done sign-in, when it has not expired."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("started"), int) or not isinstance(
            pending.get("generation"), int):
        return None, {}
    started = dt.datetime.fromtimestamp(pending["started"], clock.zone())
    if pending_expired(started, clock.now(), ENROL_MINUTES if pending.get("enrol") else PENDING_MINUTES):
        session.pop(PENDING, None)
        return None, {}
    return factor.half_done_user(str(pending.get("user") or ""), pending["generation"]), pending


def _start_again():
    """Back to the password: home for someone signed in already."""
    session.pop(PENDING, None)
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    flash(f"Sign in with your password first; the second step waits {PENDING_MINUTES} minutes at most.")
    return redirect(url_for("auth.login"))


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
@sign_in_limited
def second_step():
    """The code from the authenticator app, or a recovery code, after a right password."""
    user, pending = _pending()
    if user is None:
        return _start_again()
    if pending.get("enrol"):
        return redirect(url_for("two_factor.enrol"))
    if not user.has_second_factor:      # turned off meanwhile by an administrator: as after the password again
        return after_password(user, pending["next"])
    form = CodeForm()

    def signed_in_as(user):
        session.pop(PENDING, None)
        sessions.begin(user)
        return redirect(pending["next"])
    return answer(lambda: factor.second_step(user, form.code.data, throttle_rules()), signed_in_as, None,
                  page_again(form, lambda: (render_template("two_factor/step.html", form=form,
                                                            minutes=PENDING_MINUTES), 400 if form.errors else 200)),
                  form)


@bp.route("/login/two-factor/setup", methods=["GET", "POST"])
@public
@sign_in_limited
def enrol():
    """Setting the second factor up straight after the password, when the organisation requires it: nothing else
    can be done until it is."""
    user, pending = _pending()
    if user is None:
        return _start_again()
    if not pending.get("enrol"):
        return redirect(url_for("two_factor.second_step"))
    secret = pending.get("secret") or factor.new_secret()
    if "secret" not in pending:
        session[PENDING] = {**pending, "secret": secret}
    form = CodeForm()

    def signed_in_showing(codes):
        session.pop(PENDING, None)
        sessions.begin(user)
        return render_template("two_factor/recovery_codes.html", codes=codes, onwards=pending["next"])
    return answer(lambda: factor.turn_on(user, secret, form.code.data, user.email), signed_in_showing, None,
                  page_again(form, lambda: _setup_page(form, secret, user.email, url_for("two_factor.enrol"),
                                                       required=True)), form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@signed_in
def settings_page():
    """One's own second factor: set it up (a QR code and the code it then shows), or, once on, turn it off and
    make new recovery codes."""
    user = User.objects.get(pk=current_user.pk)
    if user.has_second_factor:
        return render_template("two_factor/settings.html", user=user, off=ProofForm(prefix="off"),
                               renew=ProofForm(prefix="renew"))
    secret = session.get(NEW_SECRET) or factor.new_secret()
    session[NEW_SECRET] = secret
    form = CodeForm()

    def showing(codes):
        session.pop(NEW_SECRET, None)
        return render_template("two_factor/recovery_codes.html", codes=codes,
                               onwards=url_for("two_factor.settings_page"))
    return answer(lambda: factor.turn_on(user, secret, form.code.data, user.email), showing, None,
                  page_again(form, lambda: _setup_page(form, secret, user.email,
                                                       url_for("two_factor.settings_page"))), form)


@bp.route("/account/two-factor/off", methods=["POST"])
@signed_in
def turn_off():
    user = User.objects.get(pk=current_user.pk)
    off = ProofForm(prefix="off")
    return answer(lambda: factor.turn_off(user, off.proof.data, user.email, throttle_rules()),
                  "Your second factor is off: you sign in with your password alone.",
                  url_for("two_factor.settings_page"), _settings_again(user, off=off), off)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@signed_in
def new_recovery_codes():
    user = User.objects.get(pk=current_user.pk)
    renew = ProofForm(prefix="renew")
    return answer(lambda: factor.renew_recovery_codes(user, renew.proof.data, user.email, throttle_rules()),
                  lambda codes: render_template("two_factor/recovery_codes.html", codes=codes,
                                                onwards=url_for("two_factor.settings_page")), None,
                  _settings_again(user, renew=renew), renew)


def _settings_again(user: User, **failed: ProofForm):
    """The settings page once more, the form that failed (`off` or `renew`) saying why."""
    forms = {"off": ProofForm(prefix="off"), "renew": ProofForm(prefix="renew"), **failed}
    form = next(iter(failed.values()))
    if not user.has_second_factor:
        return back_to(url_for("two_factor.settings_page"))
    return page_again(form, lambda: (render_template("two_factor/settings.html", user=user, **forms), 400))


@bp.route("/admin/security", methods=["GET", "POST"])
@requires(ADMINISTRATORS)
def security():
    """Which roles must sign in with a second factor."""
    saved = Organisation.current()
    roles = list(saved.second_factor_roles) if saved else []
    form = SecurityForm(data={"version": saved.version if saved else "", "admin": "admin" in roles,
                              "hr": "hr" in roles})
    chosen = [role for role in ("admin", "hr") if form[role].data]
    return answer(lambda: factor.require_for_roles(chosen, current_user.email, seen_version(form),
                                                   settings().organisation),
                  lambda changed: "Saved." if changed else "Nothing changed.", url_for("two_factor.security"),
                  page_again(form, lambda: (render_template("two_factor/security.html", form=form, saved=saved),
                                            400 if form.is_submitted() else 200)), form)


def _setup_page(form, secret: str, email: str, action: str, required: bool = False):
    spaced = " ".join(secret[start:start + 4] for start in range(0, len(secret), 4))
    return render_template("two_factor/setup.html", form=form, secret=spaced, action=action, required=required,
                           qr_code=factor.qr_code_svg(secret, email)), 400 if form.errors else 200
