"""Choosing a password: the page a set-password link opens, "Forgot your password?", and changing one's own.

The link's page only shows the form when opened (a mail scanner following the link spends nothing); the password
is set when the form is sent, and the person then signs in with it, through the sign-in page like everyone else
(the one way in, with its throttle and whatever else signing in asks). "Forgot your password?" answers the same
page whatever the address, and only then, after the answer has gone, looks the address up and mails a link.
"""
from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from blueprints import sessions
from blueprints.access import public, signed_in
from blueprints.answering import answer, page_again
from blueprints.auth import _rules as sign_in_rules
from blueprints.limits import sign_in_limited
from casework.passwords import MAX_LENGTH, MIN_LENGTH
from casework.sso import sso_settings
from services import accounts
from services.errors import Refused
from services.mail import MailSettings
from services.sso import refuse_password_unless_break_glass

bp = Blueprint("passwords", __name__)

NEW_HINT = (f"At least {MIN_LENGTH} characters. A few words that have nothing to do with each other make a strong "
            "password that is easy to remember; capitals, digits and symbols are not needed. Not your name or "
            "e-mail address.")


class ChooseForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired("Enter a new password."),
                                                         Length(max=MAX_LENGTH * 2)])
    confirm = PasswordField("New password again", validators=[
        DataRequired("Enter the new password again."), EqualTo("password", "The two passwords are not the same.")])


class ChangeForm(ChooseForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired("Enter your current password."), Length(max=MAX_LENGTH * 2)])


class ForgotForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address."), Length(max=200)])


def _shown(template: str, form, **context):
    return lambda: (render_template(template, form=form, hint=NEW_HINT, **context),
                    400 if form.is_submitted() else 200)


@bp.route("/password/<secret>", methods=["GET", "POST"])
@public
def choose(secret: str):
    try:
        user = accounts.linked_login(secret)
        _password_allowed(user.email)
    except Refused as refusal:
        return render_template("passwords/gone.html", message=refusal.message), 410
    form = ChooseForm()
    return answer(lambda: accounts.set_password_by_link(secret, form.password.data),
                  "Your password is set. Sign in with it.", url_for("auth.login"),
                  page_again(form, _shown("passwords/choose.html", form, user=user, secret=secret)), form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@sign_in_limited
def forgot():
    form = ForgotForm()
    if not form.validate_on_submit():
        return _shown("passwords/forgot.html", form)()
    email = form.email.data.strip()
    settings = MailSettings.from_config(current_app.config)
    answered = make_response(render_template("passwords/forgot_sent.html", email=email,
                                             hours=accounts.LINK_HOURS["reset"]))
    sso_configured = sso_settings(current_app.config) is not None

    def send() -> None:      # after the answer has gone, outside the request
        try:
            refuse_password_unless_break_glass(email, sso_configured)
        except Refused:      # local passwords are off for this login: nothing is sent, and the answer is the same
            return
        accounts.send_reset_link(email, settings)
    answered.call_on_close(send)
    return answered


def _password_allowed(email: str) -> None:
    """Refused while local passwords are off and `email` is not the break-glass login: a password chosen then
    could not be used (people sign in with their organisation account)."""
    refuse_password_unless_break_glass(email, sso_settings(current_app.config) is not None)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change():
    form = ChangeForm()

    def change_it():
        user = accounts.change_password(current_user.email, form.current_password.data, form.password.data,
                                        sign_in_rules())
        sessions.carry_on(user)
    return answer(change_it, "Your password is changed. Any other session of yours has ended.",
                  url_for("home.index"), page_again(form, _shown("passwords/change.html", form)), form)
