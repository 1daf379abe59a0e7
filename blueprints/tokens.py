"""The administrators' page of API tokens: every token with its scopes, divisions, expiry and last use, each
token's history, and revoking one (issuing and rotating stay on the command line, which prints the secret once)."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from blueprints.access import ADMINISTRATORS, requires
from blueprints.answering import answer, back_to
from documents import ApiToken, utcnow
from services import accounts

bp = Blueprint("tokens", __name__)


class RevokeForm(FlaskForm):
    """Only the CSRF token: the page it is on is the confirmation."""


@bp.route("/admin/tokens")
@requires(ADMINISTRATORS)
def index():
    """Every token, live ones first."""
    tokens = sorted(ApiToken.objects.exclude("audit"), key=lambda token: (token.state != "live", token.name))
    return render_template("tokens/index.html", tokens=tokens, now=utcnow())


@bp.route("/admin/tokens/<name>")
@requires(ADMINISTRATORS)
def show(name: str):
    """One token, its history, and (while it works) the button that revokes it."""
    return render_template("tokens/show.html", token=_token_or_404(name), form=RevokeForm())


@bp.route("/admin/tokens/<name>/revoke", methods=["POST"])
@requires(ADMINISTRATORS)
def revoke(name: str):
    token = _token_or_404(name)
    return answer(lambda: accounts.revoke_token(token.name, current_user.email),
                  f"Token {token.name} revoked: it no longer works.", url_for("tokens.show", name=token.name),
                  back_to(url_for("tokens.show", name=token.name)), RevokeForm())


def _token_or_404(name: str) -> ApiToken:
    token = ApiToken.objects(name=name).first()
    if token is None:
        abort(404)
    return token
