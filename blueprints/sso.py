"""Single sign-on with the organisation's identity provider (OpenID Connect, through Authlib's Flask client), and
the administrators' page that turns local passwords off for everyone but a break-glass login.

The sign-in is the authorisation code flow with PKCE (S256). /login/sso sends the browser to the provider with a
fresh state, nonce and code verifier kept in the session; the provider sends it back to /login/sso/callback,
where Authlib checks the state, exchanges the code (with the verifier and the client secret) and validates the ID
token: its signature against the provider's published keys (JWKS), its issuer, audience and expiry, and the
nonce. The provider's metadata must name the configured issuer. The service then finds or makes the login, and
the session begins as a password sign-in's does.
"""
from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from joserfc.errors import JoseError
from wtforms import HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from blueprints import sessions
from blueprints.access import ADMINISTRATORS, public, requires
from blueprints.answering import answer, page_again
from blueprints.auth import _safe_next
from blueprints.fields import seen_version
from blueprints.limits import sso_limited
from blueprints.settings import settings
from casework.sso import SsoSettings, sso_settings
from documents.organisation import Organisation
from services import sso
from services.errors import Refused

bp = Blueprint("sso", __name__)

CLIENTS = "casebook.sso_clients"
NEXT = "sso_next"
UNREACHABLE = "Casebook could not reach your organisation's sign-in. Try again in a few minutes."
NOT_SIGNED_IN = "Your organisation's sign-in did not complete, so you are not signed in. Try again."


def configured() -> SsoSettings | None:
    """The single sign-on settings of the running app (checked when it started), or None without them."""
    return sso_settings(current_app.config)


@bp.app_context_processor
def sign_in_choices():
    """For the sign-in page: `sso_on()`, whether single sign-on is configured, and `local_passwords()`, whether
    local passwords are off and for whom not (each worked out only when the page asks)."""
    return {"sso_on": lambda: configured() is not None,
            "local_passwords": lambda: sso.local_passwords(configured() is not None)}


def _client(settings: SsoSettings):
    """Authlib's client for `settings`, made once for each app and settings. (Authlib's OAuth registry holds one
    app and one client for each name, so each Casebook app, and each configuration a test gives it, has its own.)"""
    clients = current_app.extensions.setdefault(CLIENTS, {})
    if settings not in clients:
        clients[settings] = OAuth(current_app._get_current_object()).register(
            "organisation", client_id=settings.client_id, client_secret=settings.client_secret,
            server_metadata_url=settings.metadata_url,
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256", "default_timeout": 10})
    return clients[settings]


def _provider_names_the_issuer(client, settings: SsoSettings) -> bool:
    """Whether the provider's metadata names the configured issuer (OpenID Connect Discovery 1.0, 4.3)."""
    return str(client.load_server_metadata().get("issuer", "")).rstrip("/") == settings.issuer


def _refused(message: str, status: int = 403):
    return render_template("auth/sso_refused.html", message=message), status


@bp.route("/login/sso")
@public
@sso_limited
def start():
    settings = configured()
    if settings is None:            # an old link, or single sign-on no longer configured: sign in as offered
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    session[NEXT] = _safe_next(request.args.get("next"))
    client = _client(settings)
    try:
        if not _provider_names_the_issuer(client, settings):
            return _refused("Your organisation's sign-in is not the one Casebook is set up for: ask your "
                            "administrator to check OIDC_ISSUER.", 502)
        return client.authorize_redirect(current_app.config["BASE_URL"] + url_for("sso.callback"))
    except requests.RequestException:
        return _refused(UNREACHABLE, 502)


@bp.route("/login/sso/callback")
@public
@sso_limited
def callback():
    settings = configured()
    if settings is None:
        return redirect(url_for("auth.login"))
    client = _client(settings)
    try:
        token = client.authorize_access_token()
        claims = token.get("userinfo") if _provider_names_the_issuer(client, settings) else None
    except requests.RequestException:
        return _refused(UNREACHABLE, 502)
    except (AuthlibBaseError, JoseError):       # state, the code, the ID token's signature or claims, a refusal
        return _refused(NOT_SIGNED_IN)
    if not claims:
        return _refused(NOT_SIGNED_IN)
    try:
        user = sso.sign_in_by_sso(dict(claims), settings)
    except Refused as refusal:
        return _refused(refusal.message)
    sessions.begin(user)
    return redirect(session.pop(NEXT, None) or url_for("home.index"))


LOCAL_PASSWORDS = {"on": "Everyone with a password may use it",
                   "off": "Only the break-glass login may use its password: everyone else signs in with their "
                          "organisation account"}


class SignInForm(FlaskForm):
    version = HiddenField()
    local_passwords = RadioField("Local passwords", validate_choice=False,
                                 choices=[SelectChoice(key, label) for key, label in LOCAL_PASSWORDS.items()],
                                 validators=[InputRequired("Choose whether local passwords are on."),
                                             AnyOf(list(LOCAL_PASSWORDS), message="Choose on or off.")])
    break_glass_email = SelectField("Break-glass login", validate_choice=False)


@bp.route("/admin/sign-in", methods=["GET", "POST"])
@requires(ADMINISTRATORS)
def sign_in_settings():
    sso_on = configured() is not None
    saved = Organisation.current()
    passwords = sso.local_passwords(sso_on)
    form = SignInForm(data={"version": saved.version if saved else 0,
                            "local_passwords": "off" if passwords.off else "on",
                            "break_glass_email": passwords.break_glass_email or ""})
    form.break_glass_email.choices = [SelectChoice("", "Choose a login"),
                                      *(SelectChoice(email, email) for email in sso.break_glass_candidates())]

    def change() -> bool:
        return sso.set_local_passwords(current_user.email, form.local_passwords.data == "off",
                                       form.break_glass_email.data, sso_on, settings().organisation,
                                       seen_version(form))
    return answer(change, lambda changed: ("Local passwords are off but for the break-glass login."
                                           if form.local_passwords.data == "off" else "Local passwords are on.")
                  if changed else "Nothing changed.", url_for("sso.sign_in_settings"),
                  page_again(form, lambda: (render_template("auth/sign_in_settings.html", form=form,
                                                            sso_on=sso_on), 400 if form.is_submitted() else 200)),
                  form)
