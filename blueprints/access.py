"""Access rules: every view declares who may use it, with `public`, `signed_in`, `requires(...)` or `api_token(...)`.

The app refuses any endpoint whose view declares nothing (see `app.py`), and a
test walks the URL map for the same reason.
"""
from __future__ import annotations

import functools

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from documents import ROLES
from documents.api_token import SCOPES, ApiToken

PUBLIC = "public"
SIGNED_IN = "signed in"


def _declare(rule: tuple[str, ...]):
    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if PUBLIC not in rule:
                if not current_user.is_authenticated:
                    if request.headers.get("HX-Request") == "true":
                        abort(401)
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                if SIGNED_IN not in rule and not current_user.has_role(*rule):
                    abort(403)
            return view(*args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorate


def public(view):
    """Anyone may use this view, signed in or not."""
    return _declare((PUBLIC,))(view)


def signed_in(view):
    """Anyone signed in may use this view."""
    return _declare((SIGNED_IN,))(view)


def requires(*roles: str):
    """Only users holding at least one of `roles` may use this view."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles {sorted(unknown)}")
    return _declare(tuple(roles))


def api_token(scope: str):
    """Only calls bearing a live API token with `scope` may use this view (the token is then `g.api_token`).

    No token, or an unknown or revoked one: 401. A token without the scope: 403.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            token = ApiToken.bearing(request.headers.get("Authorization"))
            if token is None:
                abort(401, "Send a valid API token: Authorization: Bearer TOKEN.")
            if scope not in token.scopes:
                abort(403, f"This token does not have the {scope} scope.")
            g.api_token = token
            return view(*args, **kwargs)

        guarded.access_rule = (f"token:{scope}",)
        return guarded

    return decorate


def access_rule(view) -> tuple[str, ...] | None:
    """The rule a view declared, or None."""
    return getattr(view, "access_rule", None)


def visible_or_404(queryset, **filters):
    """The one document matching `filters` within `queryset.visible_to(current_user)`, or 404.

    Something outside the user's scope is reported as not found, so its existence does not leak.
    """
    found = queryset.visible_to(current_user).filter(**filters).first()
    if found is None:
        abort(404)
    return found
